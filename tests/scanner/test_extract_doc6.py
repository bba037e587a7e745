"""Word 6.0/95 documents (nFib 101–105). No tool on this machine writes them (LibreOffice 7.4
reads Word 95 but its "MS Word 95" export fails), so each file here is built from the
documented Word 6 FIB layout: a ``WordDocument`` stream of that layout (text in the document's
code page, in one run or in pieces) put in place of the stream of a .doc LibreOffice wrote."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import struct
from pathlib import Path

import olefile
import pytest
from conftest import TESTS

from scanner.extract.doc import extract_doc
from scanner.pipeline import ScanOptions, scan_file

CASES = TESTS / "data" / "doc_cases"
OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
DOP, PLCFHDD, PLCFSED, SEPX, CLX, TEXT = 0x170, 0x180, 0x1A0, 0x1B4, 0x1C0, 0x200


def _word6_stream(body: str, header: str, codec: str, lid: int, *, pieces: bool,
                  nfib: int = 0x68, size: int = 3645, footer: str = "") -> bytes:
    """A Word 6/95 ``WordDocument`` stream: FIB, DOP (one note separator), PlcfHdd, the text;
    with ``pieces`` the text is stored in two pieces in reverse order behind a piece table;
    with ``footer`` the section's SEPX says it has a header and a footer (sprmSGprfIhdt)."""
    main = (body.replace("\n", "\r") + "\r").encode(codec)
    separator = b"\x03\r"
    entries = [(header + "\r").encode(codec)] + ([(footer + "\r").encode(codec)] if footer else [])
    hdd = separator + b"".join(entries) + b"\r" if header else b""
    text = main + hdd
    data = bytearray(size)
    struct.pack_into("<HHHH", data, 0, 0xA5EC, nfib, 0x6027, lid)
    struct.pack_into("<H", data, 0x0A, 0x0004 if pieces else 0)
    struct.pack_into("<II", data, 0x18, TEXT, TEXT + len(text))  # fcMin, fcMac
    struct.pack_into("<II", data, 0x34, len(main), 0)  # ccpText, ccpFtn
    struct.pack_into("<I", data, 0x3C, len(hdd))  # ccpHdd
    struct.pack_into("<II", data, 0x150, DOP, 2)  # fcDop, lcbDop
    data[DOP + 1] = 0x01  # grpfIhdt: a footnote separator opens the header story
    if hdd:
        cps = [0, len(separator)]
        for entry in entries:
            cps.append(cps[-1] + len(entry))
        cps.append(len(hdd))
        struct.pack_into(f"<{len(cps)}I", data, PLCFHDD, *cps)
        struct.pack_into("<II", data, 0xB0, PLCFHDD, 4 * len(cps))
    if footer:  # PlcfSed: one section whose SEPX (sprmSFTitlePage 0, sprmSGprfIhdt) follows
        struct.pack_into("<IIHIHI", data, PLCFSED, 0, len(main), 0, SEPX, 0, 0xFFFFFFFF)
        struct.pack_into("<II", data, 0x88, PLCFSED, 20)
        data[SEPX:SEPX + 6] = struct.pack("<H", 4) + bytes([143, 0, 153, 0x02 | 0x08])
    if not pieces:
        data[TEXT:TEXT + len(text)] = text
        return bytes(data)
    cut = len(text) // 2
    second = TEXT + 0x100  # the first half stored after the second one
    data[second:second + cut] = text[:cut]
    data[TEXT:TEXT + len(text) - cut] = text[cut:]
    plc = struct.pack("<3I", 0, cut, len(text)) + struct.pack("<HIH", 0, second, 0) + struct.pack(
        "<HIH", 0, TEXT, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    data[CLX:CLX + len(clx)] = clx
    struct.pack_into("<II", data, 0x160, CLX, len(clx))
    return bytes(data)


def _word6(tmp_path: Path, name: str, **kw: object) -> Path:
    path = tmp_path / name
    path.write_bytes((CASES / "copy_ok.doc").read_bytes())
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        size = len(ole.openstream("WordDocument").read())
        ole.write_stream("WordDocument", _word6_stream(size=size, **kw))  # type: ignore[arg-type]
    return path


CHINESE = ("机密★5年\n某市测绘地理信息局文件\n关于加强测绘成果管理工作的通知\n"
           "各单位：现将有关事项通知如下。")


@pytest.mark.parametrize("pieces", [False, True], ids=["full-save", "fast-save"])
def test_a_chinese_word95_document_is_read_with_its_mark(tmp_path: Path, pieces: bool) -> None:
    path = _word6(tmp_path, "w95.doc", body=CHINESE, header="页眉：内部资料", codec="cp936",
                  lid=0x0804, pieces=pieces)
    doc = extract_doc(path)
    texts = [(b.text, b.region) for b in doc.blocks if b.region != "props"]
    assert texts[0] == ("页眉：内部资料", "header")
    assert ("机密★5年", "top") in texts
    assert [t for t, r in texts if r in ("top", "body")] == CHINESE.split("\n")
    report = scan_file(path, OPTIONS)
    assert report.status != "unsupported", report.reason_en
    assert report.marks is not None and report.marks.effective is not None
    assert (report.marks.effective.level, report.marks.effective.term.years) == ("机密", 5)


def test_a_word95_footer_is_told_from_its_header(tmp_path: Path) -> None:
    """The section's SEPX says it has a header and a footer: the mark typed only in the footer
    is read as a footer's, not as the first page's top."""
    path = _word6(tmp_path, "foot.doc", body="关于某事项的通知\n正文。", header="某局文件",
                  footer="机密★5年", codec="cp936", lid=0x0804, pieces=False)
    doc = extract_doc(path)
    placed = [(b.text, b.location, b.region) for b in doc.blocks if b.region != "props"]
    assert placed[0] == ("某局文件", "header.default.p1", "header")
    assert placed[-1] == ("机密★5年", "footer.default.p1", "footer")
    report = scan_file(path, OPTIONS)
    eff = report.marks.effective if report.marks else None
    assert eff is not None and eff.region == "footer"


def test_chinese_text_under_an_english_language_reads_as_gbk(tmp_path: Path) -> None:
    """A Chinese Word 95 whose language was left at English (lid 0x0409) and whose property set
    names no 8-bit code page: the text that reads as GBK Chinese is taken as GBK."""
    path = _word6(tmp_path, "en-lid.doc", body=CHINESE, header="", codec="cp936", lid=0x0409,
                  pieces=False)
    texts = [b.text for b in extract_doc(path).blocks if b.region != "props"]
    assert texts == CHINESE.split("\n")


def test_an_english_word6_document_reads_in_its_code_page(tmp_path: Path) -> None:
    path = _word6(tmp_path, "w6.doc", body="Café report\nSecond paragraph.", header="",
                  codec="cp1252", lid=0x0409, pieces=False, nfib=0x65)
    texts = [b.text for b in extract_doc(path).blocks if b.region != "props"]
    assert texts == ["Café report", "Second paragraph."]


def test_a_word2_document_is_still_refused_with_its_nfib(tmp_path: Path) -> None:
    path = _word6(tmp_path, "w2.doc", body="x", header="", codec="cp1252", lid=0x0409,
                  pieces=False, nfib=0x2D)
    report = scan_file(path, OPTIONS)
    assert report.status == "unsupported"
    assert "0x002D" in (report.reason_en or "") and "Word 6.0" in (report.reason_zh or "")


@pytest.mark.parametrize("field", [0x18, 0x34, 0x160])
def test_a_damaged_word6_file_is_unreadable_with_a_reason(tmp_path: Path, field: int) -> None:
    path = tmp_path / "bad.doc"
    good = _word6(tmp_path, "w95.doc", body=CHINESE, header="", codec="cp936", lid=0x0804,
                  pieces=field == 0x160)
    path.write_bytes(good.read_bytes())
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream("WordDocument").read())
        struct.pack_into("<I", data, field, 0x7FFFFF00)
        ole.write_stream("WordDocument", bytes(data))
    report = scan_file(path, OPTIONS)
    assert report.status == "unreadable" and "damaged Word document" in (report.reason_en or "")


def test_mutated_word6_streams_end_in_a_reason_never_a_crash(tmp_path: Path) -> None:
    """Random bytes written over the FIB and the tables of a Word 95 file with a header, a
    footer and pieces: each one is read or refused with a reason (ExtractError)."""
    from scanner.errors import ExtractError  # noqa: PLC0415

    good = _word6_stream(CHINESE, "某局文件", "cp936", 0x0804, pieces=True, footer="第1页")
    rng = random.Random(24)
    path = _word6(tmp_path, "fuzz.doc", body=CHINESE, header="某局文件", codec="cp936",
                  lid=0x0804, pieces=True, footer="第1页")
    for _ in range(150):
        data = bytearray(good)
        for _ in range(rng.randrange(1, 6)):
            at = rng.randrange(0x0A, TEXT)  # the FIB, the DOP, PlcfHdd, PlcfSed, SEPX, CLX
            data[at] = rng.randrange(256)
        with olefile.OleFileIO(str(path), write_mode=True) as ole:
            ole.write_stream("WordDocument", bytes(data))
        with contextlib.suppress(ExtractError):  # a reason is fine; any other error is not
            extract_doc(path)
