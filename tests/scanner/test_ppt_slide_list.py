"""Binary presentations as PowerPoint writes them: the text of a slide's placeholders (title,
subtitle, body) in the document's slide list, each placeholder of the slide's drawing referring
to its text there (OutlineTextRefAtom), and the text of the other shapes (a text box holding the
mark) in the drawing itself. LibreOffice writes every text in the drawing, so each stream here is
built from the documented records (MS-PPT) and put in place of the stream of a .ppt LibreOffice
wrote (the same size: the rest is one record no reader knows)."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import olefile
import pytest
from builders import convert, soffice
from pptx import Presentation

from scanner.extract.ppt import extract_ppt
from scanner.pipeline import ScanOptions, scan_file

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))


def _rec(typ: int, body: bytes, inst: int = 0, container: bool = False) -> bytes:
    return struct.pack("<HHI", (inst << 4) | (0xF if container else 0), typ, len(body)) + body


def _text(text: str, kind: int) -> bytes:
    """A TextHeaderAtom (the text's kind: 0 title, 1 body, 4 other) and its TextCharsAtom."""
    return _rec(0x0F9F, struct.pack("<I", kind)) + _rec(0x0FA0, text.encode("utf-16-le"))


def _shape(top: int, left: int, textbox: bytes) -> bytes:
    """A shape container: its FSP, its anchor (master units, 576 an inch) and its text box."""
    anchor = struct.pack("<hhhh", top, left, left + 2000, top + 300)
    return _rec(0xF004, _rec(0xF00A, struct.pack("<II", 0x400, 0xA00), inst=202)
                + _rec(0xF010, anchor) + _rec(0xF00D, textbox, container=True),
                container=True)


def _slide(shapes: list[bytes]) -> bytes:
    """A slide container: its SlideAtom (showing the master's shapes) and its drawing."""
    atom = bytearray(24)
    struct.pack_into("<H", atom, 20, 0x0001)
    group = _rec(0xF003, _rec(0xF004, _rec(0xF00A, struct.pack("<II", 0x400, 0x5)),
                              container=True) + b"".join(shapes), container=True)
    drawing = _rec(0x040C, _rec(0xF002, group, container=True), container=True)
    return _rec(0x03EE, _rec(0x03EF, bytes(atom)) + drawing, container=True)


def _ref(index: int) -> bytes:
    return _rec(0x0F9E, struct.pack("<i", index))


def _stream(*, directory: bool, reversed_records: bool) -> bytes:
    """Two slides. The slide list holds each slide's title and body; slide 1's drawing holds a
    text box in its top band with the mark (drawn after the placeholders, as added last), slide
    2's a text box with the 知悉范围. ``reversed_records``: slide 2's record comes first in the
    stream (slides reordered after saving), found through the persist directory."""
    listing = (_rec(0x03F3, struct.pack("<IIiII", 1, 0, 2, 256, 0))
               + _text("某项目进展汇报", 0) + _text("某研究所 2026年3月", 1)
               + _rec(0x03F3, struct.pack("<IIiII", 2, 0, 2, 257, 0))
               + _text("一、总体进展", 0) + _text("某分系统完成联调测试。", 1))
    document = _rec(0x03E8, _rec(0x03E9, struct.pack("<ii", 5760, 4320) + bytes(32))
                    + _rec(0x0FF0, listing, inst=0, container=True), container=True)
    first = _slide([_shape(700, 300, _ref(0)), _shape(2000, 300, _ref(1)),
                    _shape(60, 100, _text("机密★5年", 4))])
    second = _slide([_shape(300, 300, _ref(0)), _shape(1200, 300, _ref(1)),
                     _shape(3400, 300, _text("知悉范围：项目组", 4))])
    records = [second, first] if reversed_records else [first, second]
    at = len(document)
    offsets = []
    for record in records:
        offsets.append(at)
        at += len(record)
    by_id = dict(zip([2, 1] if reversed_records else [1, 2], offsets, strict=True))
    persist = _rec(0x1772, struct.pack("<III", 1 | (2 << 20), by_id[1], by_id[2]))
    return document + b"".join(records) + (persist if directory else b"")


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("slide_list")
    prs = Presentation()
    for _ in range(12):  # a stream large enough to hold the records built here
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = "占位" * 20
        slide.placeholders[1].text = "占位文字。" * 40
    prs.save(str(folder / "host.pptx"))
    return convert([folder / "host.pptx"], folder, "ppt")[0]


def _deck(host: Path, out: Path, stream: bytes) -> Path:
    out.write_bytes(host.read_bytes())
    with olefile.OleFileIO(str(out), write_mode=True) as ole:
        size = ole.get_size("PowerPoint Document")
        assert len(stream) + 8 <= size
        filler = _rec(0x2EE0, bytes(size - len(stream) - 8))
        ole.write_stream("PowerPoint Document", stream + filler)
    return out


@pytest.mark.parametrize(("directory", "reversed_records"),
                         [(True, False), (True, True), (False, False)])
def test_placeholders_from_the_slide_list_and_text_boxes_from_the_drawing(
        host: Path, tmp_path: Path, directory: bool, reversed_records: bool) -> None:
    deck = _deck(host, tmp_path / "deck.ppt",
                 _stream(directory=directory, reversed_records=reversed_records))
    blocks = [(b.location, b.region, b.text) for b in extract_ppt(deck).blocks
              if not b.location.startswith("props")]
    assert blocks == [("幻灯片1.p1", "top", "机密★5年"),  # the top band's box first
                      ("幻灯片1.p2", "top", "某项目进展汇报"),
                      ("幻灯片1.p3", "top", "某研究所 2026年3月"),
                      ("幻灯片2.p1", "body", "一、总体进展"),
                      ("幻灯片2.p2", "body", "某分系统完成联调测试。"),
                      ("幻灯片2.p3", "body", "知悉范围：项目组")]
    report = scan_file(deck, OPTIONS)
    assert report.status == "ok", report.reason_en
    eff = report.marks.effective if report.marks else None
    assert eff is not None and (eff.raw, eff.region) == ("机密★5年", "top")
    assert "MARK_POSITION" not in {f.code for f in report.findings}
    assert report.title == "某项目进展汇报"


def test_a_slide_list_text_no_placeholder_refers_to_is_kept(host: Path, tmp_path: Path) -> None:
    # a slide whose drawing has no reference to its listed texts (a damaged or minimal writer):
    # the listed texts stay, before the drawing's own
    listing = (_rec(0x03F3, struct.pack("<IIiII", 1, 0, 1, 256, 0))
               + _text("关于某项目的情况汇报", 0))
    document = _rec(0x03E8, _rec(0x0FF0, listing, inst=0, container=True), container=True)
    slide = _slide([_shape(3000, 300, _text("秘密★1年", 4))])
    persist = _rec(0x1772, struct.pack("<II", 1 | (1 << 20), len(document)))
    deck = _deck(host, tmp_path / "bare.ppt", document + slide + persist)
    texts = [b.text for b in extract_ppt(deck).blocks if not b.location.startswith("props")]
    assert texts == ["关于某项目的情况汇报", "秘密★1年"]
