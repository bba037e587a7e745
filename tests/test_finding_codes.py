"""Every finding code raised and not raised, through real DOCX, PDF and Word binary (.doc) files
(the PDF and .doc files made from the DOCX files by LibreOffice)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cases import AS_OF, CASES, Case

from markers.codes import CODES, CROSS_DOCUMENT
from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=AS_OF)


def _codes(path: Path) -> set[str]:
    report = scan_file(path, OPTIONS)
    assert report.status == "ok", report.reason_en
    return {f.code for f in report.findings}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_docx(case: Case, case_docx: dict[str, Path]) -> None:
    codes = _codes(case_docx[case.id])
    assert (case.code in codes) is case.expect, codes


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_pdf(case: Case, case_pdf: dict[str, Path]) -> None:
    codes = _codes(case_pdf[case.id])
    assert (case.code in codes) is case.expect_pdf(), codes


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_doc(case: Case, case_doc: dict[str, Path]) -> None:
    codes = _codes(case_doc[case.id])
    assert (case.code in codes) is case.expect_doc(), codes


def test_every_code_has_a_raising_and_a_clean_case() -> None:
    for code in set(CODES) - CROSS_DOCUMENT:  # (those: tests/scanner/test_derived_judge.py)
        raising = [c for c in CASES if c.code == code and c.expect]
        clean = [c for c in CASES if c.code == code and not c.expect]
        assert raising and clean, code


def test_committed_fixtures_cover_every_case() -> None:
    for kind in ("pdf", "doc"):
        folder = Path(__file__).parent / "data" / f"{kind}_cases"
        missing = [c.id for c in CASES if not (folder / f"{c.id}.{kind}").exists()]
        assert not missing, f"run python tests/make_pdf_fixtures.py: {kind} {missing}"


RAW_PLACE = re.compile(r"\b(?:body|header|footer|footnote|endnote|comment|tb|textbox|props|"
                       r"page\d+|table\d+)\.[a-z]")


@pytest.mark.parametrize("case", [c for c in CASES if c.expect], ids=lambda c: c.id)
def test_no_message_names_a_place_by_its_location_code(case: Case,
                                                       case_docx: dict[str, Path]) -> None:
    """A message is read by a person (the report, the ledger's review sheet, ``check``): where a
    mark is, the evidence says in words; the message never holds ``body.p5`` or
    ``header.default.p2``."""
    report = scan_file(case_docx[case.id], OPTIONS)
    for f in report.findings:
        assert not RAW_PLACE.search(f.message_zh), (f.code, f.message_zh)
        assert not RAW_PLACE.search(f.message_en), (f.code, f.message_en)
