"""The documentation is kept in step with the registries and the code: every per-file output,
every run-level output of the audit and every format is in the README's tables, and every module
has its line in docs/design.md."""

from __future__ import annotations

import re
from pathlib import Path

from scanner.audit.outputs import RUN_OUTPUTS
from scanner.extract.registry import EXTRACTORS
from scanner.report.outputs import FILE_OUTPUTS

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
DESIGN = (REPO / "docs" / "design.md").read_text(encoding="utf-8")


def _rows(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.startswith("|")]


def test_every_per_file_output_is_in_the_readme() -> None:
    rows = {r[0]: r for r in _rows(README)}
    for output in FILE_OUTPUTS.values():
        row = rows.get(f"`{output.name}`")
        assert row is not None, output.name
        assert f"`<name>{output.suffix}`" in row, row


def test_every_run_level_output_is_in_the_readme() -> None:
    rows = {r[0] for r in _rows(README)}
    for output in RUN_OUTPUTS:
        assert any(f"`{output.name}`" in r for r in rows), output.name


def test_every_format_and_suffix_is_in_the_readme() -> None:
    rows = {r[0]: r for r in _rows(README)}
    for extractor in EXTRACTORS.values():
        row = rows.get(f"`{extractor.kind}`")
        assert row is not None, extractor.kind
        assert row[1] == ", ".join(f"`{s}`" for s in extractor.suffixes), row


def test_every_module_has_its_line_in_the_design_doc() -> None:
    named = set(re.findall(r"`((?:scanner|markers|rules)(?:\.[a-z_0-9]+)*)`", DESIGN))
    for pkg in ("markers", "rules", "scanner"):
        for path in (REPO / pkg).rglob("*.py"):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            module = ".".join(parts)
            if module in ("markers", "rules"):
                continue  # the packages' own headings
            assert module in named, f"docs/design.md does not name {module}"
