"""Plain text and Markdown: encoding detection without guessing wrong.

BOMs first (UTF-8, UTF-16 LE/BE), then strict UTF-8, then UTF-16 without BOM when the text it
gives is plausible Chinese or ASCII, then Big5 (cp950) when the double-byte characters use the
trail bytes 0x40-0x7E that Big5 uses for about a third of its characters and GB2312 text never
does, then strict GB18030 (a superset of GBK and GB2312). A file that none of these decode is
refused rather than shown garbled. Lines end at CR LF, LF or a lone CR (old Mac files).
"""

from __future__ import annotations

import re
from pathlib import Path

from markers import Block
from scanner.document import Document
from scanner.errors import ExtractError

TOP_LINES = 8
LONG_LINE = 40
LINE_END = re.compile(r"\r\n|\r|\n")
BIG5_LOW_TRAILS = 0.1  # share of double-byte characters with a trail byte in 0x40-0x7E


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding that decoded it."""
    boms = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
    for bom, enc in boms:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc.replace("-sig", "")), enc
            except UnicodeDecodeError as exc:
                raise _garbled(enc) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if len(data) % 2 == 0:
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if plausible_text(text):
                return text, enc
    if _big5_like(data):
        try:
            return data.decode("cp950"), "big5"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise _garbled("utf-8/gb18030/utf-16") from exc


def _big5_like(data: bytes) -> bool:
    """Whether the double-byte characters of ``data`` look like Big5's: GB2312 (most simplified
    Chinese text) has trail bytes from 0xA1 only, Big5 from 0x40 for a large share."""
    pairs = low = 0
    i, n = 0, len(data)
    while i < n - 1:
        if data[i] >= 0x81:
            pairs += 1
            low += 0x40 <= data[i + 1] <= 0x7E
            i += 2
        else:
            i += 1
    return pairs > 0 and low >= BIG5_LOW_TRAILS * pairs


def plausible_text(text: str) -> bool:
    """Mostly ASCII, CJK ideographs and CJK or full-width punctuation: real Chinese text."""
    def ok(c: str) -> bool:
        o = ord(c)
        return (o < 0x80 or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
                or 0xFF00 <= o <= 0xFFEF or c in "“”‘’—…★·")
    return bool(text) and sum(map(ok, text)) >= 0.95 * len(text)


def _garbled(enc: str) -> ExtractError:
    return ExtractError(f"无法识别文本编码（已尝试 {enc}），为避免乱码未予读取",
                        f"unknown text encoding (tried {enc}); not read to avoid garbled text")


def blocks_from_lines(lines: list[str]) -> tuple[Block, ...]:
    """Blocks for text lines: the first short lines form the ``top`` region."""
    blocks: list[Block] = []
    top_open, seen = True, 0
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        region = "body"
        if top_open:
            seen += 1
            if seen > TOP_LINES or len(line.strip()) > LONG_LINE:
                top_open = False
            else:
                region = "top"
        block = Block(line.rstrip("\r"), f"body.l{i}", region, len(blocks))  # type: ignore[arg-type]
        blocks.append(block)
    return tuple(blocks)


def extract_text(path: Path, data: bytes | None = None) -> Document:
    """Read a .txt or .md file (from ``data`` when the caller already read it)."""
    text, enc = decode(path.read_bytes() if data is None else data)
    if "\x00" in text:
        raise ExtractError("文件含有二进制数据，不是文本文件",
                           "the file holds binary data, not text")
    return Document(path=path, kind="text", blocks=blocks_from_lines(LINE_END.split(text)),
                    meta={"encoding": enc})
