"""The Word binary format (.doc, WPS .wps, .eid, .dot, .wpt): an OLE compound file whose
``WordDocument`` stream holds the text, read natively with olefile.

The File Information Block (FIB) at the start of ``WordDocument`` gives the length of each story
(main text, footnotes, headers and footers, comments, endnotes, text boxes) and where the piece
table (CLX) lies in the table stream (``0Table`` or ``1Table``). The piece table maps character
positions to bytes: compressed pieces are cp1252, the others UTF-16LE, in any order (fast-saved
files). Stories are cut by character position; the header story is further cut by ``PlcfHdd``
into each section's headers and footers, so a mark in the first-page header stands in a header
block as it does in DOCX. Field codes are dropped and their results kept. Paragraph properties
(alignment, table cells) are not read: a cell mark ends a block like a paragraph mark.

Every offset and length is checked against its stream: a damaged or fuzzed file ends as an
``unreadable`` report with the reason, never a crash or a hang; encrypted files say so; Word
6.0/95 files (nFib 101–105) are read by :mod:`scanner.extract.doc6`; an OLE file without a
``WordDocument`` stream (Works .wps, Excel) is refused with what it is.
"""

from __future__ import annotations

import bisect
import io
import re
import struct
from pathlib import Path

import olefile

from markers import Block
from scanner.document import Document
from scanner.errors import ExtractError, UnsupportedFormat
from scanner.extract.doc6 import read_word6
from scanner.extract.embedded import embedded_blocks
from scanner.extract.oleprops import custom_properties, prop_blocks, summary_meta
from scanner.extract.wordstory import (
    IN_TABLE,
    ROW_END,
    STORIES,
    _damaged,
    _Out,
    _pieces,
    _u32,
)

WORD97_NFIB = 0x00C1
# FIB offsets (MS-DOC 2.5): flags, story lengths (FibRgLw97), PlcfHdd and Clx (FibRgFcLcb97)
FLAGS, NFIB = 0x0A, 0x02
CCP = {"text": 0x4C, "ftn": 0x50, "hdd": 0x54, "mcr": 0x58, "atn": 0x5C, "edn": 0x60,
       "txbx": 0x64, "hdrtxbx": 0x68}
FC_PLCFHDD, FC_PLCFBTEPAPX, FC_CLX = 0xF2, 0x102, 0x1A2
SPRM_PJC = (0x2403, 0x2461)  # paragraph alignment (Word 97 and later forms)
SPRM_IN_TABLE, SPRM_TTP = 0x2416, 0x2417  # in a table; the mark that ends a table row
ALIGN = {1: "center", 2: "right"}
FKP = 512
PARA_END = re.compile("[\r\x07]")
HDD_KINDS = ("header.even", "header.default", "footer.even", "footer.default", "header.first",
             "footer.first")


def _sprm_size(sprm: int, grpprl: bytes, at: int) -> int:
    """The operand size of a property modifier (MS-DOC 2.2.5.1)."""
    spra = sprm >> 13
    if spra == 6:  # variable: a size byte (two for sprmTDefTable)
        if sprm == 0xD608 and at + 2 <= len(grpprl):
            return 2 + int(struct.unpack_from("<H", grpprl, at)[0])
        return 1 + (grpprl[at] if at < len(grpprl) else 0)
    return {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}[spra]


def _alignment(grpprl: bytes) -> tuple[str | None, int]:
    """The alignment a paragraph's properties set (None: left or not said) and its table flags
    (:data:`IN_TABLE`, :data:`ROW_END`)."""
    i, found, flags = 0, None, 0
    while i + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, i)[0]
        size = _sprm_size(sprm, grpprl, i + 2)
        if i + 3 <= len(grpprl):
            operand = grpprl[i + 2]
            if sprm in SPRM_PJC:
                found = ALIGN.get(operand)
            elif sprm == SPRM_IN_TABLE:
                flags = flags | IN_TABLE if operand else flags & ~IN_TABLE
            elif sprm == SPRM_TTP:
                flags = flags | ROW_END if operand else flags & ~ROW_END
        i += 2 + size
    return found, flags


Run = tuple[int, int, str | None, int]  # first byte, end byte, alignment, table flags


def _paragraph_runs(word: bytes, table: bytes) -> list[Run]:
    """(first byte, end byte, alignment, table flags) of paragraph runs, from the paragraph
    property pages (FKPs) of PlcBtePapx; empty when that table is missing or damaged."""
    fc, lcb = _u32(word, FC_PLCFBTEPAPX), _u32(word, FC_PLCFBTEPAPX + 4)
    if lcb < 12 or fc + lcb > len(table) or (lcb - 4) % 8:
        return []
    n = (lcb - 4) // 8
    pns = struct.unpack_from(f"<{n}I", table, fc + 4 * (n + 1))
    runs = []
    for pn in pns[:10_000]:
        page = word[(pn & 0x3FFFFF) * FKP:(pn & 0x3FFFFF) * FKP + FKP]
        if len(page) < FKP:
            continue
        crun = page[FKP - 1]
        if crun == 0 or 4 * (crun + 1) + 13 * crun > FKP - 1:
            continue
        fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for k in range(crun):
            offset = 2 * page[4 * (crun + 1) + 13 * k]
            align, flags = None, 0
            if offset and offset < FKP - 1:
                cb = page[offset]
                start, size = (offset + 1, 2 * cb - 1) if cb else (offset + 2, 2 * page[offset + 1])
                align, flags = _alignment(page[start + 2:start + size])  # after the style index
            runs.append((fcs[k], fcs[k + 1], align, flags))
    return runs


def _text(word: bytes, pieces: list[tuple[int, int, int, bool]], total: int) -> str:
    """Characters 0..total in character-position order."""
    parts: list[str] = []
    for cp0, cp1, fc, compressed in sorted(pieces):
        if cp1 <= cp0 or cp0 >= total:
            continue
        count = min(cp1, total) - cp0
        size = count if compressed else 2 * count
        if fc + size > len(word):
            raise _damaged("a piece of text lies outside the document stream")
        raw = word[fc:fc + size]
        parts.append(raw.decode("cp1252", "replace") if compressed
                     else raw.decode("utf-16-le", "replace"))
    return "".join(parts)


def _alignments(pieces: list[tuple[int, int, int, bool]], runs: list[Run],
                text: str) -> dict[int, tuple[str | None, int]]:
    """Alignment and table flags by the character position of each paragraph mark that has
    either."""
    if not runs:
        return {}
    runs.sort()
    starts = [r[0] for r in runs]
    ordered = sorted(pieces)
    firsts = [p[0] for p in ordered]
    out: dict[int, tuple[str | None, int]] = {}
    for m in PARA_END.finditer(text):
        cp = m.start()
        i = bisect.bisect_right(firsts, cp) - 1
        if i < 0 or cp >= ordered[i][1]:
            continue
        cp0, _, fc, compressed = ordered[i]
        byte = fc + (cp - cp0) * (1 if compressed else 2)
        k = bisect.bisect_right(starts, byte) - 1
        if k >= 0 and byte < runs[k][1] and (runs[k][2] or runs[k][3]):
            out[cp] = (runs[k][2], runs[k][3])
    return out


def _header_stories(table: bytes, word: bytes, hdd: str) -> list[tuple[str, str]]:
    """(label, text) of each header and footer, from PlcfHdd; the whole story as one header
    when that table is missing or damaged."""
    fc, lcb = _u32(word, FC_PLCFHDD), _u32(word, FC_PLCFHDD + 4)
    if lcb < 8 or fc + lcb > len(table):
        return [("header.default", hdd)] if hdd.strip() else []
    cps = struct.unpack_from(f"<{lcb // 4}I", table, fc)
    out = []
    for i in range(6, len(cps) - 1):  # the first six are the note separators
        a, b = cps[i], cps[i + 1]
        if b <= a or b > len(hdd):
            continue
        section, kind = divmod(i - 6, 6)
        label = HDD_KINDS[kind] if section == 0 else f"{HDD_KINDS[kind]}{section + 1}"
        out.append((label, hdd[a:b]))
    return out


def _not_word(streams: set[str]) -> Exception:
    """Why an OLE file without a Word stream is not read (what it is, where that shows)."""
    lower = {s.lower() for s in streams}
    if lower & {"matost", "contents", "sprmcontents"}:
        return UnsupportedFormat("这是 Microsoft Works 的 .wps 文件（与 WPS Office 不同的格式），"
                                 "暂不支持",
                                 "a Microsoft Works .wps file (not WPS Office's format): "
                                 "not supported")
    if lower & {"workbook", "book"}:
        return ExtractError("文件扩展名是 Word 文档，但内容是 Excel 工作簿；请核对文件",
                            "the name says Word document but the content is an Excel workbook")
    if "powerpoint document" in lower:
        return ExtractError("文件扩展名是 Word 文档，但内容是 PowerPoint 演示文稿；请核对文件",
                            "the name says Word document but the content is a PowerPoint "
                            "presentation")
    return ExtractError("OLE 文件中没有 Word 正文流（可能是其他 Office 文件）",
                        "an OLE file without a Word document stream (another Office file?)")


def _named(streams: set[str], name: str) -> str | None:
    """The stream called ``name``, or one whose name differs only in case (some writers store
    ``worddocument``); None when there is neither."""
    if name in streams:
        return name
    return next((s for s in sorted(streams) if s.lower() == name.lower()), None)


def extract_doc(path: Path, data: bytes | None = None) -> Document:
    """Read a Word binary document (from ``data`` when the caller already read it)."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data) if data is not None else str(path))
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise _damaged(f"not a readable OLE file ({exc})") from exc
    with ole:
        streams = {"/".join(s) for s in ole.listdir()}
        blocks = read_word(ole, streams)
        meta = summary_meta(ole)
        custom = custom_properties(ole, streams)
        blocks += embedded_blocks(ole, streams, len(blocks), read_word)
    for where, value in prop_blocks(meta, custom):
        blocks.append(Block(value, where, "props", len(blocks)))
    return Document(path=path, kind="doc", blocks=tuple(blocks), meta=meta)


def read_word(ole: olefile.OleFileIO, streams: set[str], prefix: str = "") -> list[Block]:
    """The blocks of the Word document whose streams are under ``prefix`` (the file's own, or
    an embedded object's storage such as ``ObjectPool/_1234/``), properties aside."""
    own = {s[len(prefix):] for s in streams if s.startswith(prefix)}
    word_name = _named(own, "WordDocument")
    if word_name is None:
        raise _not_word(own)
    word = ole.openstream(prefix + word_name).read()
    if len(word) < FC_CLX + 8 or struct.unpack_from("<H", word, 0)[0] != 0xA5EC:
        raise _damaged("the file information block is missing")
    flags = struct.unpack_from("<H", word, FLAGS)[0]
    if flags & 0x0100:
        raise ExtractError("Word 文档已加密（受密码保护），无法读取",
                           "the Word document is encrypted (password-protected)")
    nfib = struct.unpack_from("<H", word, NFIB)[0]
    if nfib < WORD97_NFIB:  # Word 6.0/95 (or older: refused there)
        return read_word6(ole, word, nfib)
    wanted = "1Table" if flags & 0x0200 else "0Table"
    table_name = _named(own, wanted)
    if table_name is None:
        raise _damaged(f"the {wanted} stream is missing")
    table = ole.openstream(prefix + table_name).read()
    lengths = {k: _u32(word, at) for k, at in CCP.items()}
    total = sum(lengths.values())
    if total > 50_000_000:
        raise _damaged("the story lengths are out of range")
    pieces = _pieces(table, _u32(word, FC_CLX), _u32(word, FC_CLX + 4))
    text = _text(word, pieces, total)
    stories: dict[str, str] = {}
    at = 0
    for key in STORIES:
        stories[key] = text[at:at + lengths[key]]
        at += lengths[key]
    head = text[:lengths["text"]]  # alignment is read for the main text only
    out = _Out(_alignments(pieces, _paragraph_runs(word, table), head))
    headers = _header_stories(table, word, stories["hdd"])
    for label, story in headers:
        if label.startswith("header"):
            out.story(story, label, "header")
    out.story(stories["text"], "body", "body")
    for label, story in headers:
        if label.startswith("footer"):
            out.story(story, label, "footer")
    out.story(stories["ftn"], "footnote", "body")
    out.story(stories["edn"], "endnote", "body")
    out.story(stories["txbx"], "textbox", "textbox")
    out.story(stories["hdrtxbx"], "header.textbox", "header")
    return out.blocks
