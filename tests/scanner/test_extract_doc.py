"""The Word binary reader on files LibreOffice wrote (tests/data/doc_cases, remade by
tests/make_pdf_fixtures.py) and on damaged, encrypted and old ones made from them. The real .doc,
.wps and .eid files are in tests/test_corpus.py; every finding code in
tests/test_finding_codes.py."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import olefile
import pytest
from conftest import DATA_REAL, TESTS

from scanner.extract.doc import FC_CLX, extract_doc
from scanner.pipeline import ScanOptions, scan_file

CASES = TESTS / "data" / "doc_cases"
OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))


def _patched(tmp_path: Path, offset: int, value: bytes, name: str = "x.doc") -> Path:
    """copy_ok.doc with bytes of its WordDocument stream replaced (same length)."""
    path = tmp_path / name
    path.write_bytes((CASES / "copy_ok.doc").read_bytes())
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream("WordDocument").read())
        data[offset:offset + len(value)] = value
        ole.write_stream("WordDocument", bytes(data))
    return path


def test_lines_alignment_and_the_top_block(tmp_path: Path) -> None:
    doc = extract_doc(CASES / "copy_ok.doc")
    first = [(b.text, b.region, b.align) for b in doc.blocks[:3]]
    assert first == [("000123", "top", None), ("秘密★1年", "top", None),
                     ("某市测绘地理信息局文件", "top", "center")]


def test_a_mark_in_the_first_page_header_is_read_from_the_header_story() -> None:
    """The real template keeps 份号, mark and urgency in its first-page header, stored after the
    body in the document stream."""
    path = DATA_REAL / "copilot_master_template.doc"
    doc = extract_doc(path)
    header = [b.text for b in doc.blocks if b.region == "header"]
    assert header[:3] == ["001012", "机密★5年", "特急"]
    assert doc.blocks[0].region == "header"  # headers first, as in DOCX
    report = scan_file(path, OPTIONS)
    assert report.marks is not None and report.marks.effective is not None
    assert report.marks.effective.raw == "机密★5年"
    assert report.marks.effective.region == "header"


@pytest.mark.parametrize(("offset", "value", "reason"), [
    (0x0A, struct.pack("<H", 0x0100), "encrypted"),
    (0x02, struct.pack("<H", 0x002D), "older than Word 6.0"),
    (FC_CLX, struct.pack("<I", 0x7FFFFFF0), "piece table"),
    (0x4C, struct.pack("<I", 0x7FFFFFFF), "story lengths"),
    (0x00, b"\x00\x00", "information block"),
])
def test_damaged_encrypted_and_old_files_get_a_clear_reason(tmp_path: Path, offset: int,
                                                             value: bytes, reason: str) -> None:
    report = scan_file(_patched(tmp_path, offset, value), OPTIONS)
    assert report.status in ("unreadable", "unsupported")
    assert reason in (report.reason_en or ""), report.reason_en


def test_a_truncated_file_is_unreadable(tmp_path: Path) -> None:
    data = (CASES / "copy_ok.doc").read_bytes()
    for cut in (0.1, 0.5, 0.9):
        path = tmp_path / f"t{cut}.doc"
        path.write_bytes(data[: int(len(data) * cut)])
        report = scan_file(path, OPTIONS)
        assert report.status == "unreadable" and report.reason_en, cut


@pytest.mark.slow
def test_custom_properties_give_the_mark_as_in_the_docx(tmp_path: Path) -> None:
    """密级 and 保密期限 as custom document properties (written by Word's 属性 dialog), with no
    mark on the page: the .doc LibreOffice writes gives the same mark as the DOCX."""
    from builders import DocSpec, make_docx, to_doc  # noqa: PLC0415

    docx = make_docx(tmp_path / "p.docx", DocSpec(body=["关于某事项的通知", "正文。"],
                                                   custom={"密级": "机密", "保密期限": "10年"}))
    doc = to_doc([docx], tmp_path)[0]
    assert "props.custom.密级" in {b.location for b in extract_doc(doc).blocks}
    for path in (docx, doc):
        report = scan_file(path, OPTIONS)
        eff = report.marks.effective if report.marks else None
        assert eff is not None and eff.form == "property", path.name
        assert (eff.level, eff.term.years) == ("机密", 10), path.name
        assert "PERIOD_MISSING" not in {f.code for f in report.findings}, path.name
