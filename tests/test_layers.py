"""The import contract (tests/support/layers.py) holds, and it catches what it is for."""

from __future__ import annotations

import shutil
from pathlib import Path

from layers import layer, violations

REPO = Path(__file__).resolve().parents[1]


def test_the_code_base_keeps_its_layers_and_has_no_cycle() -> None:
    assert violations(REPO) == []


def _copy(tmp_path: Path) -> Path:
    for pkg in ("markers", "rules", "scanner"):
        shutil.copytree(REPO / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _plant(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef _planted() -> None:\n    {line}\n",
                    encoding="utf-8")


def test_a_planted_upward_import_is_found(tmp_path: Path) -> None:
    repo = _copy(tmp_path)
    _plant(repo / "scanner" / "report" / "model.py", "from scanner.cli import main")
    _plant(repo / "markers" / "find.py", "import rules")
    found = violations(repo)
    assert "scanner.report.model (core) imports scanner.cli (cli)" in found
    assert "markers.find (markers) imports rules (rules)" in found


def test_audit_and_watch_do_not_import_each_other(tmp_path: Path) -> None:
    repo = _copy(tmp_path)
    _plant(repo / "scanner" / "watch" / "handle.py", "from scanner.audit.db import AuditDB")
    assert violations(repo) == [
        "scanner.watch.handle (watch) imports scanner.audit.db (audit)"]


def test_a_planted_cycle_is_found(tmp_path: Path) -> None:
    repo = _copy(tmp_path)
    _plant(repo / "scanner" / "fsutil.py", "from scanner.walk import walk")
    found = violations(repo)
    assert any(v.startswith("cycle:") and "scanner.fsutil" in v and "scanner.walk" in v
               for v in found), found


def test_type_checking_imports_do_not_count(tmp_path: Path) -> None:
    repo = _copy(tmp_path)
    path = repo / "scanner" / "fsutil.py"
    path.write_text(path.read_text(encoding="utf-8") + "\nfrom typing import TYPE_CHECKING\n"
                    "if TYPE_CHECKING:\n    from scanner.cli import main\n", encoding="utf-8")
    assert violations(repo) == []


def test_layers_of_modules() -> None:
    assert [layer(m) for m in ("markers.find", "rules.matcher", "scanner.pipeline",
                               "scanner.report.html", "scanner.workers.pool",
                               "scanner.audit.run", "scanner.watch.state", "scanner.cli")] == [
        "markers", "rules", "core", "core", "workers", "audit", "watch", "cli"]
