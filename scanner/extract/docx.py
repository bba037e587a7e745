"""DOCX extraction straight from the package XML with lxml.

Body paragraphs and tables in document order, text boxes, headers and footers of every section,
core and custom properties. Runs are joined, simple fields (``w:fldSimple``) keep their text,
deleted revisions and field codes are dropped, and a ``mc:Fallback`` copy of a text box is skipped
so nothing is read twice. The first lines of the body form the ``top`` region.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from markers import Block
from scanner.document import Document
from scanner.errors import ExtractError
from scanner.extract.ooxml import ooxml_props, open_package, parse_xml, read_part
from scanner.extract.wordml import (
    ALIGN,
    BR,
    CR,
    FAST_SKIP,
    TAB,
    TBL,
    TC,
    TR,
    P,
    T,
    W,
    alignment_of,
    cell_text,
    paragraph_lines,
    w,
)

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"


DOCUMENT = w("document")
PAGE_BREAK = f".//{w('br')}[@{w('type')}='page']"
SECT = f"{w('pPr')}/{w('sectPr')}"
TOP_LINES = 8
LONG_LINE = 40


class _Builder:
    """Collects blocks in reading order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.textboxes = 0

    def add(self, text: str, location: str, region: str, align: str | None = None,
            struck: bool = False) -> None:
        self.blocks.append(Block(text, location, region, len(self.blocks), align, struck))  # type: ignore[arg-type]


SDT_LIKE = (w("sdt"), w("customXml"))
SDT_CONTENT = w("sdtContent")
TITLE_ZONE = 40  # alignment is read for the first paragraphs (titles) and possible marks only
TITLE_MAX = 60  # a heading is at most this long (scanner.title)


# A plain body in one pass: the number of paragraphs on the first line, then a line per paragraph,
# its text, a tab and its alignment (w:jc). See _Body.read_plain.
_PLAIN_TEXTS = etree.XSLT(etree.XML(f"""<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:w="{W}">
  <xsl:output method="text" encoding="utf-8"/>
  <xsl:template match="/">
    <xsl:value-of select="count(/w:document/w:body//w:p)"/>
    <xsl:text>&#10;</xsl:text>
    <xsl:for-each select="/w:document/w:body//w:p">
      <xsl:for-each select=".//w:t"><xsl:value-of select="."/></xsl:for-each>
      <xsl:text>&#9;</xsl:text>
      <xsl:value-of select="w:pPr/w:jc/@w:val"/>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>""".encode()))
XSLT_FROM = 40  # body elements from which the one-pass transform is used


class _Body:
    """Reads the main story: paragraphs, tables, text boxes; marks the top region."""

    def __init__(self, out: _Builder, body: etree._Element) -> None:
        self.out = out
        seen = {el.tag for el in body.iter(*FAST_SKIP, BR, CR, TAB, TBL, *SDT_LIKE)}
        self.full = not seen.isdisjoint(FAST_SKIP)
        self.breaks = not seen.isdisjoint((BR, CR, TAB))
        self.flat = not self.full and seen.isdisjoint((TBL, *SDT_LIKE))
        self.paragraphs = 0
        self.tables = 0
        self.top_open = True
        self.top_seen = 0

    def read(self, body: etree._Element) -> None:
        if self.flat:
            self.read_flat(body)
            return
        for child in body:
            if child.tag == P:
                self.paragraph(child)
            elif child.tag == TBL:
                self.table(child)
            elif child.tag in SDT_LIKE:
                content = child.find(SDT_CONTENT)
                self.read(content if content is not None else child)

    def read_flat(self, body: etree._Element) -> None:
        """One pass over a body of plain paragraphs (no table, text box, revision or strike):
        lxml yields paragraphs and their text elements in document order, in C."""
        if not self.breaks:
            self.read_plain(body)
            return
        p: etree._Element | None = None
        lines: list[tuple[str, bool]] = []
        parts: list[str] = []
        for el in body.iter(P, T, TAB, BR, CR):
            tag = el.tag
            if tag == T:
                parts.append(el.text or "")
            elif tag == P:
                if p is not None:
                    lines.append(("".join(parts), False))
                    self.emit(p, lines, [])
                p, lines, parts = el, [], []
            elif tag == TAB:
                parts.append("\t")
            else:
                lines.append(("".join(parts), False))
                parts = []
        if p is not None:
            lines.append(("".join(parts), False))
            self.emit(p, lines, [])

    def read_plain(self, body: etree._Element) -> None:
        """Plain paragraphs with no break or tab either: one line each. Their texts and
        alignments come from one XSLT pass in C; the top block goes through :meth:`emit` (it
        looks at the paragraph elements), then each line becomes a body block right here."""
        parent = body.getparent()
        lines: list[str] = []
        # A transform costs a fixed ~0.1 ms: short bodies are quicker paragraph by paragraph.
        if len(body) >= XSLT_FROM and parent is not None and parent.tag == DOCUMENT:
            lines = str(_PLAIN_TEXTS(body.getroottree())).split("\n")
        if not lines or lines[0] != str(len(lines) - 2):  # a text holds a newline, or no w:document
            self.read_paragraphs(body)
            return
        rows = [line.rpartition("\t") for line in lines[1:-1]]  # (text, tab, alignment)
        k = 0
        for p, (text, _, _) in zip(body.iter(P), rows, strict=False):
            if not self.top_open:
                break
            self.emit(p, [(text, False)], [])
            k += 1
        blocks = self.out.blocks
        n = self.paragraphs
        for i in range(k, len(rows)):
            n += 1
            text, _, jc = rows[i]
            if not text or text.isspace():
                continue
            align = None
            if ((n <= TITLE_ZONE and len(text.strip()) <= TITLE_MAX)
                    or "密" in text or "内部" in text):
                align = ALIGN.get(jc)
            blocks.append(Block(text, f"body.p{n}", "body", len(blocks), align, False))
        self.paragraphs = n

    def read_paragraphs(self, body: etree._Element) -> None:
        """Plain paragraphs one by one (lxml joins each one's text elements in C)."""
        for p in body.iter(P):
            self.emit(p, [("".join(str(t) for t in p.itertext(T, with_tail=False)), False)], [])

    def paragraph(self, p: etree._Element) -> None:
        lines, boxes = paragraph_lines(p, self.full, self.breaks)
        self.emit(p, lines, boxes)

    def emit(self, p: etree._Element, lines: list[tuple[str, bool]],
             boxes: list[etree._Element]) -> None:
        """Blocks for the lines of paragraph ``p`` and its text boxes."""
        if not self.top_open and not boxes and len(lines) == 1:
            self._emit_body_line(p, lines[0])
            return
        self.paragraphs += 1
        align: str | None = None
        aligned = False
        for i, (text, struck) in enumerate(lines, 1):
            if not text.strip():
                continue
            if not aligned and (self.paragraphs <= TITLE_ZONE or "密" in text or "内部" in text):
                align, aligned = alignment_of(p), True
            region = self._region(text)
            loc = f"body.p{self.paragraphs}" + (f"-l{i}" if len(lines) > 1 else "")
            self.out.add(text, loc, region, align, struck)
        for box in boxes:
            self.textbox(box)
        if self.top_open and (p.find(PAGE_BREAK) is not None or p.find(SECT) is not None):
            self.top_open = False

    def _emit_body_line(self, p: etree._Element, line: tuple[str, bool]) -> None:
        """The common case, kept lean: a one-line paragraph after the top block."""
        self.paragraphs += 1
        text, struck = line
        if not text or text.isspace():
            return
        align = None
        if ((self.paragraphs <= TITLE_ZONE and len(text.strip()) <= TITLE_MAX)
                or "密" in text or "内部" in text):
            align = alignment_of(p)
        blocks = self.out.blocks
        blocks.append(Block(text, f"body.p{self.paragraphs}", "body", len(blocks), align, struck))

    def _region(self, text: str) -> str:
        if not self.top_open:
            return "body"
        self.top_seen += 1
        if self.top_seen > TOP_LINES or len(text.strip()) > LONG_LINE:
            self.top_open = False
            return "body"
        return "top"

    def textbox(self, box: etree._Element) -> None:
        self.out.textboxes += 1
        n = self.out.textboxes
        region = "top" if self.top_open else "textbox"
        for k, p in enumerate(box.iter(P), 1):
            lines, _ = paragraph_lines(p)
            for text, struck in lines:
                if text.strip():
                    self.out.add(text, f"textbox{n}.p{k}", region, alignment_of(p), struck)

    def table(self, tbl: etree._Element) -> None:
        self.tables += 1
        self.top_open = False
        for r, tr in enumerate(tbl.iter(TR), 1):
            cells = [cell_text(tc) for tc in tr.findall(TC)]
            if any(c.strip() for c in cells):
                self.out.add("\t".join(cells), f"table{self.tables}.r{r}", "table")


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    data = read_part(zf, posixpath.join(folder, "_rels", name + ".rels"))
    if data is None:
        return {}
    root = parse_xml(data, name + ".rels")
    out = {}
    for rel in root.iter(f"{{{REL}}}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External":
            out[rel.get("Id", "")] = posixpath.normpath(posixpath.join(folder, target))
    return out


def _main_part(zf: zipfile.ZipFile) -> str:
    if "word/document.xml" in zf.NameToInfo:
        return "word/document.xml"
    for rel_id, target in _rels(zf, ".rels").items():
        del rel_id
        if target.endswith(".xml") and target.startswith("word/"):
            return target
    return "word/document.xml"


def _story(zf: zipfile.ZipFile, part: str, prefix: str, region: str, out: _Builder) -> None:
    data = read_part(zf, part)
    if data is None:
        return
    root = parse_xml(data, part)
    for k, p in enumerate(root.iter(P), 1):
        lines, boxes = paragraph_lines(p)
        for text, struck in lines:
            if text.strip():
                out.add(text, f"{prefix}.p{k}", region, alignment_of(p), struck)
        for box in boxes:
            for j, bp in enumerate(box.iter(P), 1):
                for text, struck in paragraph_lines(bp)[0]:
                    if text.strip():
                        out.add(text, f"{prefix}.tb.p{j}", region, alignment_of(bp), struck)


def _headers(zf: zipfile.ZipFile, sections: list[etree._Element], rels: dict[str, str],
             out: _Builder, footers: bool) -> None:
    kind = "footer" if footers else "header"
    seen: set[str] = set()
    for n, sect in enumerate(sections, 1):
        title_pg = sect.find(w("titlePg")) is not None
        for ref in sect.findall(w(f"{kind}Reference")):
            typ = ref.get(w("type"), "default")
            target = rels.get(ref.get(f"{{{R}}}id", ""))
            if target is None or target in seen:
                continue
            seen.add(target)
            name = kind if n == 1 else f"{kind}{n}"
            label = "first" if typ == "first" and title_pg else typ
            _story(zf, target, f"{name}.{label}", kind, out)


def _properties(zf: zipfile.ZipFile, out: _Builder, meta: dict[str, str]) -> None:
    for location, value in ooxml_props(zf):
        tag = location.removeprefix("props.")
        if "." not in tag:  # a core property: the document's own title, subject…
            meta[tag] = value
        out.add(value, location, "props")


OBJECT_RELS = ("oleObject", "package")
MAX_OBJECTS = 50


def _object(name: str, data: bytes) -> list[Block]:
    """The blocks of one embedded object: a Word or Excel package or binary file (an OLE
    ``.bin`` holding a Word document or a workbook); nothing for any other kind."""
    from scanner.extract.sniff import OLE_MAGIC, zip_kind  # noqa: PLC0415 - objects are rare

    path = Path(name)
    if data.startswith(b"PK"):
        kind = zip_kind(path, data)
        if kind == "docx":
            return list(extract_docx(path, data, objects=False).blocks)
        if kind == "xlsx":
            from scanner.extract.sheet import extract_xlsx  # noqa: PLC0415

            return list(extract_xlsx(path, data).blocks)
        return []
    if data.startswith(OLE_MAGIC):
        from scanner.extract.sniff import ole_suffix  # noqa: PLC0415

        suffix = ole_suffix(data)
        if suffix == ".doc":
            from scanner.extract.doc import extract_doc  # noqa: PLC0415

            return list(extract_doc(path, data).blocks)
        if suffix == ".xls":
            from scanner.extract.biff import extract_xls  # noqa: PLC0415

            return list(extract_xls(path, data).blocks)
    return []


def _object_parts(zf: zipfile.ZipFile, main: str) -> list[str]:
    """The parts the main part embeds as objects (``oleObject`` and ``package`` relationships,
    in the order the relationships list them); a chart's data workbook is not one of them."""
    folder, name = posixpath.split(main)
    data = read_part(zf, posixpath.join(folder, "_rels", name + ".rels"))
    if data is None:
        return []
    out = []
    for rel in parse_xml(data, name + ".rels").iter(f"{{{REL}}}Relationship"):
        if (rel.get("Type", "").rsplit("/", 1)[-1] in OBJECT_RELS
                and rel.get("TargetMode") != "External"):
            out.append(posixpath.normpath(posixpath.join(folder, rel.get("Target", ""))))
    return out


def _objects(zf: zipfile.ZipFile, out: _Builder, main: str) -> None:
    """Word documents and workbooks embedded in the document, as text of it (see
    :mod:`.embedded`); one that cannot be read is skipped."""
    from scanner.extract.embedded import as_object  # noqa: PLC0415 - objects are rare

    for n, name in enumerate(_object_parts(zf, main)[:MAX_OBJECTS], 1):
        try:
            data = read_part(zf, name)
            blocks = _object(name, data) if data else []
        except Exception:  # an unreadable object is skipped: the document itself was read
            continue
        out.blocks += as_object(blocks, n, len(out.blocks))


def extract_docx(path: Path, data: bytes | None = None, *, objects: bool = True) -> Document:
    """Read a DOCX file (from ``data`` when the caller already read it) into a Document; with
    ``objects``, the Word documents and workbooks embedded in it too (an embedded document's
    own objects are not read)."""
    with open_package(path, data, "DOCX") as zf:
        main = _main_part(zf)
        data = read_part(zf, main)
        if data is None:
            if "OFD.xml" in zf.namelist():
                raise ExtractError("文件扩展名为 .docx，但内容是OFD 版式文件；请核对文件",
                                   "the file is named .docx but its content is an OFD file")
            raise ExtractError("DOCX 包中没有正文部件（word/document.xml），不是 Word 文档",
                               "not a Word document: the package has no main part "
                               "(word/document.xml)")
        root = parse_xml(data, main)
        out = _Builder()
        meta: dict[str, str] = {}
        sections = list(root.iter(w("sectPr")))
        # The relationships are read only when a section refers to a header or footer.
        refs = any(s.find(w("headerReference")) is not None
                   or s.find(w("footerReference")) is not None for s in sections)
        rels = _rels(zf, main) if refs else {}
        _headers(zf, sections, rels, out, footers=False)
        body = root.find(w("body"))
        if body is not None:
            _Body(out, body).read(body)
        _headers(zf, sections, rels, out, footers=True)
        if objects:
            _objects(zf, out, main)
        _properties(zf, out, meta)
    return Document(path=path, kind="docx", blocks=tuple(out.blocks), meta=meta)
