"""Saved web pages (.htm, .html, .xhtml) and single-file web archives (.mht, .mhtml).

The page is parsed with lxml.html (no network, no scripts: a parser only) after its bytes are
decoded as the page says (a byte-order mark, a ``<meta charset>``), else as UTF-8 when they are,
else GB18030 (what Chinese Windows tools write). Scripts, styles and comments are dropped. Each
block element (paragraph, heading, list item, ``div`` holding text...) is a block; a table row
is one block with its cells joined by tabs (region ``table``, at ``tableN.rR`` as in DOCX); the
first short lines are the ``top`` region; ``align``/``text-align`` give a block's alignment;
the page title is a property. An MHT archive is read with the standard library's ``email``
package: its first HTML part (else its first text part) is the page.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

import lxml.html
from lxml import etree

from markers import Block
from scanner.document import Document
from scanner.errors import ExtractError
from scanner.extract.text import LONG_LINE, TOP_LINES

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "section",
          "article", "header", "footer", "center", "dt", "dd", "caption", "address", "main",
          "aside", "nav", "form", "fieldset", "figcaption", "ul", "ol", "dl", "body", "hr"}
DROP = {"script", "style", "noscript", "template", "head", "object", "embed", "svg", "iframe"}
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
ALIGN = re.compile(r"text-align\s*:\s*(center|right)", re.I)
MAX_DEPTH = 200


def decode_page(data: bytes, declared: str | None = None) -> str:
    """The page's text, decoded as the page (or its archive) says, else by trying."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    names = [declared] if declared else []
    m = CHARSET.search(data[:4096])
    if m:
        names.append(m.group(1).decode("ascii", "replace"))
    for declared_name in names:
        name = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}.get(
            declared_name.lower(), declared_name)
        try:
            return data.decode(name, "replace")
        except LookupError:
            continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


def _align(el: etree._Element) -> str | None:
    value = (el.get("align") or "").lower()
    if value in ("center", "right"):
        return value
    m = ALIGN.search(el.get("style") or "")
    return m.group(1).lower() if m else None


class _Page:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.line: list[str] = []
        self.align: str | None = None
        self.n = self.tables = 0
        self.top_open, self.top_seen = True, 0

    def flush(self) -> None:
        text = " ".join("".join(self.line).split())
        self.line = []
        if not text:
            return
        self.n += 1
        region = "body"
        if self.top_open:
            self.top_seen += 1
            self.top_open = self.top_seen <= TOP_LINES and len(text) <= LONG_LINE
            region = "top" if self.top_open else region
        self.blocks.append(Block(text, f"body.p{self.n}", region, len(self.blocks),  # type: ignore[arg-type]
                                 self.align))
        self.align = None

    def walk(self, el: etree._Element, depth: int = 0) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in DROP or depth > MAX_DEPTH:
            self.line.append(el.tail or "")
            return
        if tag == "table":
            self.flush()
            self.table(el)
            self.line.append(el.tail or "")
            return
        block = tag in BLOCKS
        if block:
            self.flush()
            self.align = _align(el)
        if tag == "br":
            align = self.align
            self.flush()
            self.align = align
        self.line.append(el.text or "")
        for child in el:
            self.walk(child, depth + 1)
        if block:
            if self.align is None:
                self.align = _align(el)
            self.flush()
        self.line.append(el.tail or "")

    def table(self, tbl: etree._Element) -> None:
        self.tables += 1
        self.top_open = False
        rows = [tr for tr in tbl.iter("tr") if _owner(tr) is tbl]
        for r, tr in enumerate(rows, 1):
            cells = [" ".join("".join(str(t) for t in c.itertext()).split()) for c in tr
                     if c.tag in ("td", "th")]
            if any(cells):
                self.blocks.append(Block("\t".join(cells), f"table{self.tables}.r{r}", "table",
                                         len(self.blocks)))


def _owner(tr: etree._Element) -> etree._Element | None:
    return next((a for a in tr.iterancestors("table")), None)


def read_page(text: str) -> tuple[list[Block], dict[str, str]]:
    """The blocks and the title of an HTML page."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        return [], {}
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"网页无法解析：{exc}", f"the web page cannot be parsed: {exc}") from exc
    etree.strip_elements(root, etree.Comment, "script", "style", with_tail=False)
    meta: dict[str, str] = {}
    title = root.findtext(".//title")
    if title and title.strip():
        meta["title"] = " ".join(title.split())
    page = _Page()
    body = root.find("body")
    page.walk(body if body is not None else root)
    page.flush()
    if "title" in meta:
        page.blocks.append(Block(meta["title"], "props.title", "props", len(page.blocks)))
    return page.blocks, meta


def extract_html(path: Path, data: bytes | None = None) -> Document:
    """Read a saved web page."""
    content = data if data is not None else path.read_bytes()
    blocks, meta = read_page(decode_page(content))
    return Document(path=path, kind="web", blocks=tuple(blocks), meta=meta)


def archive_page(content: bytes) -> str:
    """The page of an MHT archive: its first HTML part, else its first text part."""
    msg = email.message_from_bytes(content, policy=email.policy.default)
    if not isinstance(msg, EmailMessage) or (not msg.is_multipart()
                                             and msg.get_content_maintype() != "text"):
        raise ExtractError("不是 MHT 网页档案（没有 MIME 结构）",
                           "not an MHT web archive (no MIME structure)")
    parts = [p for p in msg.walk() if not p.is_multipart()]
    html = [p for p in parts if p.get_content_type() == "text/html"]
    chosen = html or [p for p in parts if p.get_content_maintype() == "text"]
    if not chosen:
        raise ExtractError("MHT 档案中没有网页或文本部分", "the MHT archive holds no page or text")
    return part_text(chosen[0])


def part_text(part: EmailMessage) -> str:
    """A text part's content, decoded by its declared charset (GB18030 for GB2312 and GBK, and
    when the charset is unknown)."""
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return str(part.get_payload())
    return decode_page(raw, (part.get_content_charset() or "").lower() or None)


def extract_mht(path: Path, data: bytes | None = None) -> Document:
    """Read a single-file web archive."""
    content = data if data is not None else path.read_bytes()
    page = archive_page(content)
    if "<" in page and re.search(r"<(html|body|p|div|table)\b", page, re.I):
        blocks, meta = read_page(page)
    else:
        blocks, meta = read_page("<pre>" + page.replace("&", "&amp;").replace("<", "&lt;")
                                 .replace("\n", "<br>") + "</pre>")
    return Document(path=path, kind="mht", blocks=tuple(blocks), meta=meta)
