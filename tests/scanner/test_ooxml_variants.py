"""The OOXML templates and slide shows (.dotx/.dotm, .xltx/.xltm, .ppsx/.ppsm, .potx/.potm):
the same packages as .docx/.xlsx/.pptx with another main part's content type. Made by
LibreOffice from documents python-docx, openpyxl and python-pptx wrote; each is read like its
document, by its suffix and, for an upload without a name, by its content."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from builders import DocSpec, convert, make_docx, soffice
from pptx import Presentation
from pptx.util import Inches

from scanner.extract.sniff import zip_kind
from scanner.pipeline import ScanOptions, scan_file
from scanner.review.checker import content_suffix

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
VARIANTS = {"dotx": "docx", "xltx": "xlsx", "ppsx": "pptx", "potx": "pptx"}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("variants")
    docx = make_docx(folder / "doc.docx",
                     DocSpec(body=["机密★5年", "某项目建设方案", "一、总体安排"]))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"] = "机密★5年", "某项目经费预算表"
    wb.save(folder / "book.xlsx")
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.shapes.title.text = "某项目进展汇报"
    box = slide.shapes.add_textbox(Inches(0.2), Inches(0.1), Inches(2), Inches(0.5))
    box.text_frame.text = "机密★5年"
    prs.save(str(folder / "deck.pptx"))
    sources = {"dotx": docx, "xltx": folder / "book.xlsx", "ppsx": folder / "deck.pptx",
               "potx": folder / "deck.pptx"}
    return {suffix: convert([source], folder / suffix, suffix)[0]
            for suffix, source in sources.items()}


@pytest.mark.parametrize("suffix", list(VARIANTS))
def test_templates_and_slide_shows_are_read_as_their_documents(made: dict[str, Path],
                                                               suffix: str) -> None:
    path = made[suffix]
    assert path.suffix == f".{suffix}"
    report = scan_file(path, OPTIONS)
    assert report.status == "ok", report.reason_en
    eff = report.marks.effective if report.marks else None
    assert eff is not None and eff.raw == "机密★5年"
    assert zip_kind(path) == VARIANTS[suffix]


@pytest.mark.parametrize("suffix", list(VARIANTS))
def test_without_a_name_the_content_says_what_it_is(made: dict[str, Path], suffix: str) -> None:
    # an upload to the check API without a file name is read as its content says
    assert content_suffix(made[suffix].read_bytes()) == f".{VARIANTS[suffix]}"
