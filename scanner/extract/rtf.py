"""RTF (.rtf; also a .doc that Word or WPS saved as RTF) read by a small tokenizer of its own.

Groups, control words and text are walked once: ``\\par`` ends a paragraph, ``\\cell`` a table
cell and ``\\row`` a table row (a row is one block, its cells joined by tabs, at ``tableN.rR`` as
in DOCX), ``\\line`` and ``\\tab`` are kept as such. Text is decoded as the file says: ``\\uN``
characters (skipping their ``\\ucN`` stand-ins) and ``\\'hh`` bytes in the code page of
``\\ansicpg`` (cp936 when a Chinese writer leaves it out). The header and footer destinations
become ``header``/``footer`` blocks; ``\\info``'s title, subject and keywords are properties;
fonts, colours, styles, pictures, objects and other ignorable (``\\*``) destinations are
skipped. Groups nest at most :data:`MAX_DEPTH` deep; a file that does not start with ``{\\rtf``
or ends inside a group is damaged.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from markers import Block
from scanner.document import Document
from scanner.errors import ExtractError
from scanner.extract.text import LONG_LINE, TOP_LINES

MAX_DEPTH = 256
TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|"
                   rb"([^\\{}\r\n]+)|[\r\n]+", re.S)
SKIP = {b"fonttbl", b"colortbl", b"stylesheet", b"pict", b"object", b"themedata",
        b"colorschememapping", b"latentstyles", b"datastore", b"listtable", b"listoverridetable",
        b"revtbl", b"rsidtbl", b"generator", b"xmlnstbl", b"mmathPr", b"fldinst", b"bkmkstart",
        b"bkmkend", b"docvar", b"userprops", b"operator", b"author", b"company", b"comment"}
HEADERS = {b"header": "header", b"headerl": "header", b"headerr": "header",
           b"headerf": "header", b"footer": "footer", b"footerl": "footer",
           b"footerr": "footer", b"footerf": "footer"}
PROPS = {b"title", b"subject", b"keywords"}
ALIGNS = {1: "center", 2: "right"}
CHARS = {b"tab": "\t", b"line": "\n", b"emdash": "—", b"endash": "–", b"lquote": "‘",
         b"rquote": "’", b"ldblquote": "“", b"rdblquote": "”", b"bullet": "•",
         b"~": "\xa0", b"-": "", b"_": "-"}


class _State:
    """What a group inherits: where its text goes, the \\uc count and the byte code page."""

    __slots__ = ("codec", "dest", "uc")

    def __init__(self, dest: str, uc: int, codec: str) -> None:
        self.dest, self.uc, self.codec = dest, uc, codec


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.line: dict[str, list[str]] = {}  # text of the open paragraph by destination
        self.counts: dict[str, int] = {}
        self.cells: list[str] = []
        self.parts: list[str] = []  # paragraphs of the open table cell
        self.tables = self.rows = 0
        self.in_table = False
        self.top_open, self.top_seen = True, 0
        self.props: dict[str, list[str]] = {}
        self.pending: list[int] = []  # bytes of \'hh escapes not yet decoded

    def emit(self, text: str, dest: str, region: str, align: str | None = None) -> None:
        text = " ".join(t.strip() for t in text.replace("\xa0", " ").split("\n") if t.strip())
        if not text:
            return
        self.counts[dest] = self.counts.get(dest, 0) + 1
        if region == "body" and self.top_open:
            self.top_seen += 1
            self.top_open = self.top_seen <= TOP_LINES and len(text) <= LONG_LINE
            region = "top" if self.top_open else region
        self.blocks.append(Block(text, f"{dest}.p{self.counts[dest]}", region,  # type: ignore[arg-type]
                                 len(self.blocks), align))

    def paragraph(self, dest: str, align: str | None = None) -> None:
        text = "".join(self.line.pop(dest, []))
        region = "body" if dest == "body" else dest.rstrip("0123456789")
        self.emit(text, dest, region, align)

    def cells_part(self, text: str) -> None:
        """A paragraph inside the open table cell."""
        if text.strip():
            self.parts.append(" ".join(text.split()))

    def cell(self) -> None:
        self.cells_part("".join(self.line.pop("body", [])))
        self.cells.append(" ".join(self.parts))
        self.parts = []
        self.in_table = True

    def row(self) -> None:
        if self.parts:
            self.cell()
        if not self.rows:
            self.tables += 1
        self.rows += 1
        cells, self.cells = self.cells, []
        if any(cells):
            self.top_open = False
            self.blocks.append(Block("\t".join(cells), f"table{self.tables}.r{self.rows}",
                                     "table", len(self.blocks)))

    def end_table(self) -> None:
        if self.cells or self.parts:
            self.row()
        self.in_table, self.rows = False, 0


def _codec(cp: int) -> str:
    name = {65001: "utf-8", 10008: "gb2312", 10000: "mac_roman"}.get(cp, f"cp{cp}")
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp936"
    return name


def _flush(r: _Reader, st: _State) -> None:
    if r.pending:
        data = bytes(r.pending)
        r.pending = []
        _text(r, st, data.decode(st.codec, "replace"))


def _text(r: _Reader, st: _State, text: str) -> None:
    if st.dest == "skip":
        return
    if st.dest.startswith("prop:"):
        r.props.setdefault(st.dest[5:], []).append(text)
        return
    r.line.setdefault(st.dest, []).append(text)


def _control(r: _Reader, st: _State, word: bytes, arg: int | None,
             state: dict[str, int]) -> int:
    """Apply one control word; returns the number of stand-in characters to skip after it."""
    if word == b"u" and arg is not None:
        _text(r, st, chr(arg % 0x10000) if arg % 0x10000 < 0xD800 or arg % 0x10000 >= 0xE000
              else "\ufffd")
        return st.uc
    if word == b"uc" and arg is not None:
        st.uc = max(0, min(arg, 8))
    elif word == b"ansicpg" and arg is not None:
        st.codec = _codec(arg)
        state["codepage"] = arg
    elif word in (b"par", b"sect", b"page"):
        if st.dest != "skip" and not st.dest.startswith("prop:"):
            if st.dest == "body" and state.get("intbl", 0):
                r.cells_part("".join(r.line.pop("body", [])))
            else:
                if st.dest == "body" and r.in_table:
                    r.end_table()
                r.paragraph(st.dest, ALIGNS.get(state.get("align", 0)))
    elif word == b"pard":
        state["intbl"] = state["align"] = 0
    elif word in (b"qc", b"qr", b"ql", b"qj"):
        state["align"] = {b"qc": 1, b"qr": 2}.get(word, 0)
    elif word == b"intbl":
        state["intbl"] = 1
    elif word == b"cell" and st.dest == "body":
        r.cell()
    elif word == b"row" and st.dest == "body":
        r.row()
    elif word in CHARS:
        _text(r, st, CHARS[word])
    return 0


class _Parser:
    """One pass over the tokens: groups, control words, escapes and text."""

    def __init__(self) -> None:
        self.r = _Reader()
        self.stack: list[_State] = []
        self.st = _State("body", 1, "cp936")
        self.state: dict[str, int] = {}
        self.skip = 0  # stand-in characters after \uN still to skip
        self.first_in_group = self.star = False

    def open_group(self) -> None:
        _flush(self.r, self.st)
        if len(self.stack) >= MAX_DEPTH:
            raise ExtractError(f"RTF 分组嵌套超过 {MAX_DEPTH} 层，未读取",
                               f"RTF groups nested deeper than {MAX_DEPTH}: refused")
        self.stack.append(self.st)
        self.st = _State(self.st.dest, self.st.uc, self.st.codec)
        self.first_in_group, self.star, self.skip = True, False, 0

    def close_group(self) -> bool:
        """End a group; False at the end of the document group."""
        _flush(self.r, self.st)
        if not self.stack:
            return False
        dest = self.st.dest
        if dest not in ("body", "skip", "info") and not dest.startswith("prop:") and (
                self.stack[-1].dest != dest):
            self.r.paragraph(dest)
        self.st = self.stack.pop()
        self.first_in_group, self.star, self.skip = False, False, 0
        return True

    def destination(self, word: bytes) -> None:
        st = self.st
        if word in HEADERS:
            n = sum(1 for b in self.r.counts if b.startswith(HEADERS[word])) + 1
            st.dest = f"{HEADERS[word]}{n}" if n > 1 else HEADERS[word]
        elif word in PROPS and self.stack and self.stack[-1].dest == "info":
            st.dest = f"prop:{word.decode()}"
        elif word == b"info":
            st.dest = "info"
        elif word in SKIP or self.star:
            st.dest = "skip"

    def word(self, word: bytes, arg: bytes | None) -> None:
        _flush(self.r, self.st)
        if self.first_in_group or self.star:
            self.destination(word)
        self.first_in_group = self.star = False
        if self.st.dest != "info":
            self.skip = _control(self.r, self.st, word, int(arg) if arg else None, self.state)

    def symbol(self, sym: bytes) -> None:
        _flush(self.r, self.st)
        if sym in (b"\\", b"{", b"}"):
            _text(self.r, self.st, sym.decode())
        elif sym in CHARS:
            _text(self.r, self.st, CHARS[sym])
        elif sym in (b"\n", b"\r"):
            _control(self.r, self.st, b"par", None, self.state)

    def text(self, text: bytes) -> None:
        if self.skip:
            cut = min(self.skip, len(text))
            text, self.skip = text[cut:], self.skip - cut
        if self.st.dest == "info" or not text:
            return
        if max(text) >= 0x80:  # raw bytes in the code page (some writers do not escape them)
            self.r.pending.extend(text)
            return
        _flush(self.r, self.st)
        _text(self.r, self.st, text.decode("ascii"))

    def run(self, data: bytes) -> None:
        for m in TOKEN.finditer(data):
            word, arg, hexa, sym, brace, text = m.groups()
            if brace == b"{":
                self.open_group()
            elif brace == b"}":
                if not self.close_group():
                    return
            elif sym == b"*":
                self.star = True
            elif word is not None:
                self.word(word, arg)
            else:
                self.first_in_group = False
                if hexa is not None:
                    if self.skip:
                        self.skip -= 1
                    else:
                        self.r.pending.append(int(hexa, 16))
                elif sym is not None:
                    self.symbol(sym)
                elif text is not None:
                    self.text(text)
        if self.stack:
            raise ExtractError("RTF 文件不完整（分组没有结束），文件已损坏",
                               "damaged RTF file: it ends inside a group")


def read_rtf(data: bytes) -> tuple[list[Block], dict[str, str]]:
    """The blocks and properties of an RTF file."""
    if data.lstrip()[:5] != b"{\\rtf":
        raise ExtractError("不是 RTF 文件（缺少 {\\rtf 开头）", "not an RTF file (no {\\rtf start)")
    parser = _Parser()
    parser.run(data)
    r = parser.r
    _flush(r, parser.st)
    r.end_table()
    for dest in list(r.line):
        if dest == "body" or dest.startswith(("header", "footer")):
            r.paragraph(dest)
    meta = {k: "".join(v).strip() for k, v in r.props.items() if "".join(v).strip()}
    for key, value in meta.items():
        r.blocks.append(Block(value, f"props.{key}", "props", len(r.blocks)))
    return r.blocks, meta


def extract_rtf(path: Path, data: bytes | None = None) -> Document:
    """Read an RTF file (from ``data`` when the caller already read it)."""
    content = data if data is not None else path.read_bytes()
    blocks, meta = read_rtf(content)
    blocks = _headers_first(blocks)
    return Document(path=path, kind="rtf", blocks=tuple(blocks), meta=meta)


def _headers_first(blocks: list[Block]) -> list[Block]:
    """Headers first and footers after the body, as the other readers give them."""
    order = {"header": 0, "footer": 2, "props": 3}
    ranked = sorted(blocks, key=lambda b: (order.get(b.region, 1), b.order))
    return [Block(b.text, b.location, b.region, n, b.align, b.struck)
            for n, b in enumerate(ranked)]
