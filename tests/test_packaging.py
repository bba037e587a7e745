"""Every data file the packages read is in the package data of pyproject.toml, so ``pip install .``
(the README's first command, not an editable install) ships it."""

from __future__ import annotations

from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later

REPO = Path(__file__).resolve().parents[1]


def test_every_data_file_is_package_data() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    data = config["tool"]["setuptools"]["package-data"]
    missing = []
    for package in ("scanner", "markers", "rules"):
        root = REPO / package
        for path in root.rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            owners = [p for p in path.parents if p != REPO and REPO in p.parents
                      and ".".join(p.relative_to(REPO).parts) in data]
            if not any(path.relative_to(o).match(pattern)
                       for o in owners for pattern in data[".".join(o.relative_to(REPO).parts)]):
                missing.append(path.relative_to(REPO).as_posix())
    assert not missing, f"add to [tool.setuptools.package-data]: {missing}"
