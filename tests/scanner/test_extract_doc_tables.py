"""The Word binary reader on what issue 24 found: table cells read as cells (a thesis cover
grid gives its mark as in DOCX), a property set whose code page Python does not know, and a
Word stream stored under another case. The files are written by LibreOffice from python-docx
documents (one LibreOffice run for the module)."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import docx
import olefile
import pytest
from builders import soffice, to_doc

from scanner.extract.doc import extract_doc
from scanner.extract.oleprops import codec_of
from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")


def _cover(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("某大学博士学位论文")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "密级\n保密期限"
    t.cell(0, 1).text = "机密\n10年"
    t.cell(1, 0).text = "学号"
    t.cell(1, 1).text = "20230001"
    d.add_paragraph("论文题目：某型装备的可靠性研究")
    d.add_paragraph("本文研究某型装备在高寒环境下的可靠性。")
    d.core_properties.title = "某型装备的可靠性研究"
    d.save(str(path))
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("doc_tables")
    cover = _cover(folder / "cover.docx")
    (doc,) = to_doc([cover], folder)
    wps = folder / "cover.wps"
    wps.write_bytes(doc.read_bytes())
    return {"docx": cover, "doc": doc, "wps": wps}


def test_a_cover_grid_is_read_as_table_rows(files: dict[str, Path]) -> None:
    blocks = extract_doc(files["doc"]).blocks
    rows = [(b.text, b.location, b.region) for b in blocks if b.region == "table"]
    assert rows == [("密级 保密期限\t机密 10年", "table1.r1", "table"),
                    ("学号\t20230001", "table1.r2", "table")]
    after = [b for b in blocks if b.text.startswith("论文题目")]
    assert after and after[0].region == "body"


@pytest.mark.parametrize("kind", ["docx", "doc", "wps"])
def test_the_cover_gives_the_same_mark_in_every_word_format(files: dict[str, Path],
                                                             kind: str) -> None:
    report = scan_file(files[kind], OPTIONS)
    assert report.status == "ok", report.reason_en
    eff = report.marks.effective if report.marks else None
    assert eff is not None and (eff.level, eff.term.years, eff.form) == ("机密", 10, "field")
    assert eff.location == "table1.r1"


def _codepage_at(data: bytes) -> int:
    """The byte offset of the code page value (property 1) in the first section of a property
    set stream."""
    section = struct.unpack_from("<I", data, 28 + 16)[0]
    count = struct.unpack_from("<I", data, section + 4)[0]
    for k in range(count):
        pid, offset = struct.unpack_from("<II", data, section + 8 + 8 * k)
        if pid == 1:
            assert struct.unpack_from("<H", data, section + offset)[0] == 2  # VT_I2
            return section + offset + 4
    raise AssertionError("no code page property")


@pytest.mark.parametrize(("codepage", "note"), [(-535, False), (10000, False), (12345, True)])
def test_an_unknown_code_page_falls_back_and_says_so(files: dict[str, Path], tmp_path: Path,
                                                     codepage: int, note: bool) -> None:
    path = tmp_path / "cp.doc"
    path.write_bytes(files["doc"].read_bytes())
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream("\x05SummaryInformation").read())
        struct.pack_into("<h", data, _codepage_at(bytes(data)), codepage)
        ole.write_stream("\x05SummaryInformation", bytes(data))
    report = scan_file(path, OPTIONS)
    assert report.status == "ok", report.reason_en
    assert report.marks is not None and report.marks.effective is not None
    assert report.marks.effective.raw == "机密"  # the value of the cover grid's 密级 cell
    if note:
        assert "unknown code page (12345)" in (report.reason_en or "")
        assert "12345" in (report.reason_zh or "")
    else:
        assert report.reason_en is None


def test_code_pages_python_names_otherwise() -> None:
    assert codec_of(-535) == ("utf-8", False)
    assert codec_of(10000) == ("mac_roman", False)
    assert codec_of(936) == ("cp936", False)
    assert codec_of(31000) == ("cp1252", True)


def test_a_word_stream_stored_in_lower_case_is_read(files: dict[str, Path],
                                                    tmp_path: Path) -> None:
    data = files["doc"].read_bytes()
    upper, lower = "WordDocument".encode("utf-16-le"), "worddocument".encode("utf-16-le")
    assert data.count(upper) == 1
    path = tmp_path / "lower.doc"
    path.write_bytes(data.replace(upper, lower))
    with olefile.OleFileIO(str(path)) as ole:
        assert ["worddocument"] in ole.listdir()
    report = scan_file(path, OPTIONS)
    assert report.status == "ok", report.reason_en
    assert report.marks is not None and report.marks.effective is not None
    assert report.marks.effective.level == "机密"
