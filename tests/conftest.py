"""Shared fixtures: paths to the shared corpus, the case documents as DOCX and PDF, and the
guard that every scan in the suite leaves its source exactly as it found it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SHARED = REPO.parent / "shared"
PDF_FIXTURES = TESTS / "data" / "pdf_cases"
sys.path.insert(0, str(TESTS / "support"))

from builders import make_docx, soffice, to_pdf  # noqa: E402
from cases import CASES  # noqa: E402
from source_guard import _snapshot, sources_untouched  # noqa: E402, F401 - an autouse fixture


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared corpus folder; its absence is a failure, not a skip."""
    assert (SHARED / "corpus" / "real" / "MANIFEST.tsv").exists(), f"missing {SHARED}"
    return SHARED


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


SHARED_TREES = (SHARED / "corpus", REPO / "examples")


def _tree(roots: tuple[Path, ...]) -> dict[str, tuple[str, int, int] | None]:
    return {str(p): _snapshot(p) for root in roots for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="session", autouse=True)
def shared_sources_untouched() -> Iterator[None]:
    """The shared corpus and the bundled examples are byte-for-byte the same after the suite."""
    before = _tree(SHARED_TREES)
    yield
    assert _tree(SHARED_TREES) == before
