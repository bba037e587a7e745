"""Objects embedded in a Word document (ObjectPool storages in a binary one, word/embeddings in
a DOCX): the Word document and the Excel workbook LibreOffice embedded in
tests/data/embedded/objects.doc (remade by tests/make_uno_fixtures.py) are read as text of the
document, in the body; a damaged object is skipped and the document is still read. (Apache
POI's Bug47731.doc keeps the paragraph its tests assert in such an object.)"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import olefile
import pytest
from builders import convert, soffice
from conftest import TESTS

from scanner.extract.doc import extract_doc
from scanner.extract.docx import extract_docx
from scanner.pipeline import ScanOptions, scan_file

OBJECTS = TESTS / "data" / "embedded" / "objects.doc"
OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
SHEET_STORAGE = "ObjectPool/_2147483647/Workbook"


def test_embedded_word_and_excel_objects_are_read_in_the_body() -> None:
    placed = [(b.text, b.location, b.region) for b in extract_doc(OBJECTS).blocks]
    assert placed == [
        ("关于某项目进展情况的报告", "body.p1", "top"),
        ("现将项目进展情况报告如下。", "body.p2", "top"),
        ("嵌入文档中的一段文字", "嵌入对象1.body.p1", "body"),
        ("机密★5年", "嵌入对象2.Sheet1!A1", "body"),
        ("项目人员名单", "嵌入对象2.Sheet1!A2", "body"),
    ]  # the sheet's print footer ("Page 1") is not on the document's page


def test_a_mark_only_inside_an_object_is_found_and_misplaced() -> None:
    report = scan_file(OBJECTS, OPTIONS)
    eff = report.marks.effective if report.marks else None
    assert eff is not None and (eff.level, eff.term.years) == ("机密", 5)
    assert eff.location == "嵌入对象2.Sheet1!A1"
    assert "嵌入对象2.Sheet1!A1" in {f.location for f in report.findings
                                  if f.code == "MARK_POSITION"}


def test_a_damaged_object_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "damaged.doc"
    path.write_bytes(OBJECTS.read_bytes())
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        size = ole.get_size(SHEET_STORAGE)
        ole.write_stream(SHEET_STORAGE, random.Random(3).randbytes(size))
    texts = [b.text for b in extract_doc(path).blocks]
    assert texts == ["关于某项目进展情况的报告", "现将项目进展情况报告如下。",
                     "嵌入文档中的一段文字"]
    assert scan_file(path, OPTIONS).status == "ok"


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_the_same_objects_in_a_docx_are_read_too(tmp_path: Path) -> None:
    """LibreOffice saves the document as DOCX with its objects as word/embeddings/*.xlsx and
    *.docx: the same texts, in the body, at 嵌入对象N. (numbered by part name)."""
    docx = convert([OBJECTS], tmp_path, "docx")[0]
    placed = [(b.text, b.location, b.region) for b in extract_docx(docx).blocks
              if b.region != "props"]
    assert placed == [
        ("关于某项目进展情况的报告", "body.p1", "top"),
        ("现将项目进展情况报告如下。", "body.p2", "top"),
        ("机密★5年", "嵌入对象1.Sheet1!A1", "body"),
        ("项目人员名单", "嵌入对象1.Sheet1!A2", "body"),
        ("嵌入文档中的一段文字", "嵌入对象2.body.p1", "body"),
    ]
    report = scan_file(docx, OPTIONS)
    eff = report.marks.effective if report.marks else None
    assert eff is not None and eff.location == "嵌入对象1.Sheet1!A1"
