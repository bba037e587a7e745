"""The text of a Word binary document's stories as blocks, for the Word 97 and the Word 6/95
readers alike: the piece table, fields (codes dropped, results kept), paragraphs, the first
page's top lines and the rows of tables."""

from __future__ import annotations

import struct

from markers import Block
from scanner.errors import ExtractError
from scanner.extract.text import LONG_LINE, TOP_LINES

MAX_PIECES = 100_000
STORIES = ("text", "ftn", "hdd", "mcr", "atn", "edn", "txbx", "hdrtxbx")
IN_TABLE, ROW_END = 1, 2  # flags of a paragraph (see _paragraph_props)
BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\x0e": "\n", "\x1e": "-", "\x1f": "",
                        "\xa0": " "})
DROP = {"\x01", "\x02", "\x03", "\x04", "\x05", "\x08"}  # pictures, note references, objects


def _damaged(why: str) -> ExtractError:
    return ExtractError(f"Word 文档已损坏：{why}", f"damaged Word document: {why}")


def _u32(data: bytes, at: int) -> int:
    if at + 4 > len(data):
        raise _damaged("the file information block is cut short")
    return int(struct.unpack_from("<I", data, at)[0])


def _pieces(table: bytes, fc_clx: int, lcb_clx: int) -> list[tuple[int, int, int, bool]]:
    """The piece table: (first character position, last, byte offset, compressed)."""
    if fc_clx + lcb_clx > len(table) or lcb_clx <= 0:
        raise _damaged("the piece table lies outside the table stream")
    clx = table[fc_clx:fc_clx + lcb_clx]
    i = 0
    while i < len(clx) and clx[i] == 0x01:  # Prc: formatting, skipped
        if i + 3 > len(clx):
            raise _damaged("a formatting record of the piece table is cut short")
        i += 3 + struct.unpack_from("<H", clx, i + 1)[0]
    if i + 5 > len(clx) or clx[i] != 0x02:
        raise _damaged("no piece table")
    lcb = struct.unpack_from("<I", clx, i + 1)[0]
    plc = clx[i + 5:i + 5 + lcb]
    n = (len(plc) - 4) // 12
    if n <= 0 or n > MAX_PIECES or len(plc) < 4 + 12 * n:
        raise _damaged("the piece table is malformed")
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    out = []
    for k in range(n):
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)[0]
        compressed = bool(fc & 0x40000000)
        fc &= 0x3FFFFFFF
        out.append((cps[k], cps[k + 1], fc // 2 if compressed else fc, compressed))
    return out


def _fields(text: str) -> str:
    """Field codes (between 0x13 and 0x14) dropped; results (up to 0x15) kept."""
    out: list[str] = []
    depth_code: list[bool] = []  # for each open field: still in its code part
    for ch in text:
        if ch == "\x13":
            depth_code.append(True)
        elif ch == "\x14":
            if depth_code:
                depth_code[-1] = False
        elif ch == "\x15":
            if depth_code:
                depth_code.pop()
        elif not any(depth_code) and ch not in DROP:
            out.append(ch)
    return "".join(out)


def _paragraphs(text: str, first_cp: int = 0) -> list[tuple[str, bool, int]]:
    """(paragraph text with fields resolved, ended by a cell mark, character position of its
    mark) in order."""
    out: list[tuple[str, bool, int]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in "\r\x07":
            out.append((_fields(text[start:i]).translate(BREAKS).strip(), ch == "\x07",
                        first_cp + i))
            start = i + 1
    if start < len(text):
        out.append((_fields(text[start:]).translate(BREAKS).strip(), False, first_cp + len(text)))
    return out


class _Out:
    def __init__(self, props_at: dict[int, tuple[str | None, int]] | None = None) -> None:
        self.blocks: list[Block] = []
        self.props_at = props_at or {}  # alignment and table flags by a paragraph mark's position
        self.tables = 0

    def story(self, text: str, prefix: str, region: str, first_cp: int = 0) -> None:
        top_open, seen = region == "body", 0  # the body's first short lines: page 1's top
        rows = _Rows(self, region) if region == "body" else None
        for n, (para, cell, cp) in enumerate(_paragraphs(text, first_cp), 1):
            align, flags = self.props_at.get(cp, (None, 0))
            if rows is not None and (flags & IN_TABLE or cell) and rows.take(para, cell, flags):
                top_open = False
                continue
            if rows is not None:
                rows.close()
            if not para:
                continue
            where = "table" if cell and region == "body" else region
            if top_open and not cell:
                seen += 1
                top_open = seen <= TOP_LINES and len(para) <= LONG_LINE
                where = "top" if top_open else where
            self.blocks.append(Block(para, f"{prefix}.p{n}", where,  # type: ignore[arg-type]
                                     len(self.blocks), align))
        if rows is not None:
            rows.close()


class _Rows:
    """The cells of the body's tables gathered into rows: one block per row, its cells'
    texts joined by tabs, at ``tableN.rR`` in region ``table`` (as DOCX). Only paragraphs whose
    properties say they stand in a table are gathered (a file without readable paragraph
    properties keeps a block per cell)."""

    def __init__(self, out: _Out, region: str) -> None:
        self.out, self.region = out, region
        self.parts: list[str] = []  # the paragraphs of the open cell
        self.cells: list[str] = []  # the open row's finished cells
        self.row = 0
        self.open = False

    def take(self, para: str, cell: bool, flags: int) -> bool:
        """Gather one paragraph; False when it does not belong to a table."""
        if not flags & IN_TABLE and not (cell and self.open):
            return False
        if not self.open:
            self.out.tables += 1
            self.open, self.row = True, 0
        if flags & ROW_END:
            self._row()
            return True
        if para:
            self.parts.append(" ".join(line.strip() for line in para.split("\n") if line.strip()))
        if cell:
            self.cells.append(" ".join(self.parts))
            self.parts = []
        return True

    def _row(self) -> None:
        if self.parts:
            self.cells.append(" ".join(self.parts))
        self.row += 1
        if any(c.strip() for c in self.cells):
            self.out.blocks.append(Block("\t".join(self.cells),
                                         f"table{self.out.tables}.r{self.row}", "table",
                                         len(self.out.blocks)))
        self.cells, self.parts = [], []

    def close(self) -> None:
        """End the open table (a row left without its end mark still counts)."""
        if self.open and (self.cells or self.parts):
            self._row()
        self.open = False
