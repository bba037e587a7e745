"""Shared fixtures: paths to the shared corpus, the case documents as DOCX and PDF, and the
guard that every scan in the suite leaves its source exactly as it found it.

Tests that read ``../shared`` carry the ``shared`` marker (or use the ``shared`` fixture). Where
the folder is absent (a fresh clone) they are skipped and one line says so; with
``DINGMI_REQUIRE_SHARED=1`` (``.ci/run`` sets it) its absence stops the run instead.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SHARED = REPO.parent / "shared"
HAS_SHARED = (SHARED / "corpus" / "real" / "MANIFEST.tsv").is_file()
PDF_FIXTURES = TESTS / "data" / "pdf_cases"
DATA_REAL = TESTS / "data" / "real"  # small copies of shared files the core tests need
DATA_TEXTS = TESTS / "data" / "texts"
NO_SHARED = f"needs the shared corpus {SHARED}, which is not here"
sys.path.insert(0, str(TESTS / "support"))

TEST_MODULES = ("docx", "hypothesis", "pypdf", "playwright", "scanner")
_missing = [m for m in TEST_MODULES if importlib.util.find_spec(m) is None]
if _missing:  # one clear line instead of an import error in a test module
    pytest.exit(f"the test extra is not installed here (missing: {', '.join(_missing)}): run "
                "pip install -e \".[test]\" first, as the README says", returncode=4)

from builders import make_docx, soffice, to_doc, to_pdf  # noqa: E402
from cases import CASES  # noqa: E402
from source_guard import _snapshot, sources_untouched  # noqa: E402, F401 - an autouse fixture


def pytest_configure(config: pytest.Config) -> None:
    if not HAS_SHARED and os.environ.get("DINGMI_REQUIRE_SHARED") == "1":
        raise pytest.UsageError(f"DINGMI_REQUIRE_SHARED=1 but {SHARED} is missing: the tests "
                                "that read the shared corpus must run here")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HAS_SHARED:
        return
    skip = pytest.mark.skip(reason=NO_SHARED)
    for item in items:
        if "shared" in item.keywords or "shared" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per reason for skipped tests (the shared corpus: one line naming it)."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, n in sorted(reasons.items()):
        terminalreporter.write_line(f"SKIPPED {n} tests: {reason}")


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared corpus folder (tests that take it are skipped where it is absent)."""
    return SHARED


def shared_rows(read: Callable[[], list[Any]]) -> list[Any]:
    """Parameters read from the shared corpus at collection, or one placeholder where it is
    absent (the test is then skipped, by its marker)."""
    return read() if HAS_SHARED else [pytest.param(None, id="no-shared")]


@pytest.fixture(scope="session")
def case_docx(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case of :mod:`cases` written as a DOCX by python-docx."""
    folder = tmp_path_factory.mktemp("cases_docx")
    return {c.id: make_docx(folder / f"{c.id}.docx", c.spec) for c in CASES}


@pytest.fixture(scope="session")
def case_pdf(case_docx: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
             ) -> dict[str, Path]:
    """The case DOCX files as PDF: converted now by LibreOffice where it is installed, else the
    committed set made the same way by ``tests/make_pdf_fixtures.py``."""
    if soffice() is not None:
        folder = tmp_path_factory.mktemp("cases_pdf")
        pdfs = to_pdf(list(case_docx.values()), folder)
        return {p.stem: p for p in pdfs}
    return {c.id: PDF_FIXTURES / f"{c.id}.pdf" for c in CASES}


@pytest.fixture(scope="session")
def case_doc(case_docx: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
             ) -> dict[str, Path]:
    """The case DOCX files as Word binary (.doc): converted now by LibreOffice where it is
    installed (``--convert-to doc``), else the committed set made the same way."""
    if soffice() is not None:
        folder = tmp_path_factory.mktemp("cases_doc")
        docs = to_doc(list(case_docx.values()), folder)
        return {p.stem: p for p in docs}
    return {c.id: TESTS / "data" / "doc_cases" / f"{c.id}.doc" for c in CASES}


SHARED_TREES = (SHARED / "corpus", REPO / "examples", TESTS / "data")


def _tree(roots: tuple[Path, ...]) -> dict[str, tuple[str, int, int] | None]:
    return {str(p): _snapshot(p) for root in roots for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="session", autouse=True)
def shared_sources_untouched() -> Iterator[None]:
    """The shared corpus and the bundled examples are byte-for-byte the same after the suite."""
    before = _tree(SHARED_TREES)
    yield
    assert _tree(SHARED_TREES) == before
