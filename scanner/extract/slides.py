"""Presentations (.pptx and .pptm; .ppt and WPS .dps) as blocks at ``幻灯片N.pK``.

A mark stands on the title slide (alone in a text box at the top, or in the subtitle) or on
every slide's header or footer. The slides are read in the presentation's order: each
paragraph of each shape is a block (``top`` for the first short lines of slide 1, ``body``
after), a table row is a block with its cells joined by tabs (region ``table``), the header,
footer and date placeholders are ``header``/``footer`` blocks, and the speaker notes follow
their slide at ``幻灯片N.备注.pK``. Properties are read as for a workbook.

A mark may also stand on the slide master (or a layout), in a text box of its own, so that it
shows on every slide: the masters' and layouts' own text is read before the slides, at
``母版N.pK`` (``母版N.版式M.pK`` for a layout), never their placeholders' prompt texts (单击此处编辑
母版标题样式, "Click to edit Master title style"), only the header, footer and date placeholders'
text. A box in the master's top band stands at the top of every page, so at the top of the first
(``top``, or ``top_right`` on the right half) when the first slide shows the master's shapes.

The OOXML presentation is read from its slide XML with lxml; the binary one (PowerPoint 97 and
later, which WPS's .dps also is) by :mod:`scanner.extract.ppt`, into the same blocks.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from markers import Block
from scanner.document import Document
from scanner.errors import ExtractError
from scanner.extract.ooxml import ooxml_props, open_package, parse_xml
from scanner.extract.sheet import content_part, part_rels
from scanner.extract.text import LONG_LINE, TOP_LINES

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NOTES_REL = "notesSlide"
MAX_SLIDES = 2_000
SLIDE = "幻灯片"
NOTES = "备注"
HEADER_TYPES = {"hdr": "header", "ftr": "footer", "dt": "footer"}
SKIP_TYPES = {"sldNum", "sldImg"}


def _a(tag: str) -> str:
    return f"{{{A}}}{tag}"


def _p(tag: str) -> str:
    return f"{{{P}}}{tag}"


class SlideBlocks:
    """The blocks of a deck as they are read, with the title slide's top lines marked."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.top_seen = 0
        self.master_seen: set[tuple[str, tuple[str, ...]]] = set()

    def add(self, text: str, location: str, region: str) -> None:
        text = " ".join(text.replace("\x0b", "\n").split("\n")).strip()
        if not text:
            return
        if region == "body" and location.startswith(f"{SLIDE}1.") and NOTES not in location:
            self.top_seen += 1
            if self.top_seen <= TOP_LINES and len(text) <= LONG_LINE:
                region = "top"
        self.blocks.append(Block(text, location, region, len(self.blocks)))  # type: ignore[arg-type]

    def add_master(self, shapes: list[tuple[str, list[str]]], prefix: str) -> None:
        """A master's (or layout's) shapes as (region, paragraphs): the top band's first, left
        before right, each shape once in the whole deck (LibreOffice writes a master for each
        layout in use, each with the same boxes)."""
        rank = {"top": 0, "top_right": 1, "header": 2, "body": 3, "footer": 4}
        k = 0
        for region, paras in sorted(shapes, key=lambda shape: rank.get(shape[0], 3)):
            key = (region, tuple(paras))
            if key in self.master_seen:
                continue
            self.master_seen.add(key)
            for para in paras:
                k += 1
                text = " ".join(para.replace("\x0b", "\n").split("\n")).strip()
                if not text:
                    continue
                long = region in ("top", "top_right") and len(text) > LONG_LINE
                where = "body" if long else region
                self.blocks.append(Block(text, f"{prefix}.p{k}", where, len(self.blocks)))  # type: ignore[arg-type]


# --- OOXML (.pptx, .pptm) ---------------------------------------------------------------------

def _paragraph_text(p: etree._Element, fields: bool = True) -> str:
    """A paragraph's text (a soft line break as a newline); without the fields' text (the date
    or slide number a master's placeholder shows) when ``fields`` is False."""
    parts = []
    for el in p.iter(_a("t"), _a("br")):
        if el.tag == _a("br"):
            parts.append("\n")
        elif fields or (parent := el.getparent()) is None or parent.tag != _a("fld"):
            parts.append(el.text or "")
    return "".join(parts)


TOP_BAND_EMU = 731_520  # 0.8 inch: a text box above this on the title slide is read first
TOP_BAND_MASTER = 460  # the same in the binary format's master units (576 an inch)


def _in_top_band(el: etree._Element) -> bool:
    """Whether a shape is placed in the top band of its slide (a placeholder that inherits its
    position is not)."""
    off = el.find(f"{_p('spPr')}/{_a('xfrm')}/{_a('off')}")
    try:
        return off is not None and int(off.get("y", "")) < TOP_BAND_EMU
    except ValueError:
        return False


def _shapes(root: etree._Element, prefix: str, out: SlideBlocks, notes: bool = False) -> None:
    """The text of a slide's (or notes page's) shapes and tables in document order."""
    n = 0
    tables = 0
    shapes = list(root.iter(_p("sp"), _a("tbl")))
    if prefix == f"{SLIDE}1":
        shapes.sort(key=lambda el: not _in_top_band(el))  # stable: the band first, in order
    for el in shapes:
        if el.tag == _a("tbl"):
            tables += 1
            for r, tr in enumerate(el.iter(_a("tr")), 1):
                cells = [" ".join(t for t in (_paragraph_text(p).strip()
                                              for p in tc.iter(_a("p"))) if t)
                         for tc in tr.iter(_a("tc"))]
                if any(cells):
                    out.add("\t".join(c for c in cells if c), f"{prefix}.table{tables}.r{r}",
                            "table")
            continue
        ph = el.find(f"{_p('nvSpPr')}/{_p('nvPr')}/{_p('ph')}")
        kind = ph.get("type", "") if ph is not None else ""
        if kind in SKIP_TYPES or (notes and kind in ("hdr", "ftr", "dt")):
            continue
        region = HEADER_TYPES.get(kind, "body")
        body = el.find(_p("txBody"))
        if body is None:
            continue
        for para in body.iter(_a("p")):
            n += 1
            out.add(_paragraph_text(para), f"{prefix}.p{n}", region)


def extract_pptx(path: Path, data: bytes | None = None) -> Document:
    """Read an OOXML presentation from its slide XML."""
    with open_package(path, data, "PPTX") as zf:
        main = "ppt/presentation.xml"
        pres = content_part(zf, main)
        if pres is None:
            raise ExtractError("PPTX 包中没有演示文稿部件（ppt/presentation.xml），不是演示文稿",
                               "not a presentation: the package has no ppt/presentation.xml")
        root = parse_xml(pres, main)
        rels = part_rels(zf, main)
        out = SlideBlocks()
        slide_ids = root.find(_p("sldIdLst"))
        parts = [rels.get(el.get(f"{{{R}}}id", ""), "")
                 for el in (slide_ids if slide_ids is not None else [])]
        _masters(zf, parts[:MAX_SLIDES], _slide_width(root), out)
        for n, part in enumerate(parts[:MAX_SLIDES], 1):
            _slide(zf, part, n, out)
        props = ooxml_props(zf)
    meta = {k.split(".", 1)[1]: v for k, v in props if k.count(".") == 1}
    if len(parts) > MAX_SLIDES:
        meta["note_zh"] = f"演示文稿过大：只读取了前 {MAX_SLIDES} 张幻灯片"
        meta["note_en"] = f"large presentation: only the first {MAX_SLIDES} slides were read"
    for where, value in props:
        out.blocks.append(Block(value, where, "props", len(out.blocks)))
    return Document(path=path, kind="pptx", blocks=tuple(out.blocks), pages=len(parts),
                    meta=meta)


def _slide(zf: zipfile.ZipFile, part: str, n: int, out: SlideBlocks) -> None:
    data = content_part(zf, part) if part else None
    if data is None:
        return
    _shapes(parse_xml(data, part), f"{SLIDE}{n}", out)
    notes = next((t for t in _typed_rels(zf, part) if t.rsplit("/", 1)[-1].startswith("notes")),
                 None)
    body = content_part(zf, notes) if notes else None
    if body is not None and notes is not None:
        _shapes(parse_xml(body, notes), f"{SLIDE}{n}.{NOTES}", out, notes=True)


def _typed_rels(zf: zipfile.ZipFile, part: str) -> list[str]:
    return list(part_rels(zf, part).values())


MASTER = "母版"  # scanner.title.MASTER_TEXT: a master's text is never the deck's title
LAYOUT = "版式"
SLIDE_WIDTH_EMU = 9_144_000  # 10 inches: the 4:3 default, when the presentation does not say


def _slide_width(pres: etree._Element) -> int:
    size = pres.find(_p("sldSz"))
    try:
        return int(size.get("cx", "")) if size is not None else SLIDE_WIDTH_EMU
    except ValueError:
        return SLIDE_WIDTH_EMU


def _related(zf: zipfile.ZipFile, part: str, kind: str) -> str | None:
    """The part of ``kind`` (``slideLayout``, ``slideMaster``) that ``part`` is built on."""
    return next((t for t in _typed_rels(zf, part) if t.rsplit("/", 1)[-1].startswith(kind)),
                None)


def _root(zf: zipfile.ZipFile, part: str | None) -> etree._Element | None:
    data = content_part(zf, part) if part else None
    return parse_xml(data, part) if data is not None and part else None


def _shows_master(root: etree._Element | None) -> bool:
    """Whether a slide (or layout) shows the shapes of the layout and master it is built on."""
    return root is None or root.get("showMasterSp") not in ("0", "false")


def _masters(zf: zipfile.ZipFile, parts: list[str], width: int, out: SlideBlocks) -> None:
    """The own text of the masters and layouts the slides are built on, each once, masters in
    the order the slides first use them, each followed by its layouts in use."""
    layouts: dict[str, str] = {}  # layout part -> its master's part, in the order of first use
    for part in parts:
        layout = _related(zf, part, "slideLayout") if part else None
        if layout is not None and layout not in layouts:
            layouts[layout] = _related(zf, layout, "slideMaster") or ""
    if not layouts:
        return
    first_layout = _related(zf, parts[0], "slideLayout") if parts[0] else None
    first_shows = _shows_master(_root(zf, parts[0]))  # slide 1 shows its layout's shapes
    layout_shows = first_shows and _shows_master(_root(zf, first_layout))  # and the master's
    for m, master in enumerate(dict.fromkeys(layouts.values()), 1):
        master_root = _root(zf, master)
        prefix = f"{MASTER}{m}" if master_root is not None else MASTER
        if master_root is not None:
            on_first = layout_shows and layouts.get(first_layout or "") == master
            out.add_master(_master_shapes(master_root, width, on_first), prefix)
        rels = part_rels(zf, master) if master else {}
        listed = master_root.find(_p("sldLayoutIdLst")) if master_root is not None else None
        order = [rels.get(el.get(f"{{{R}}}id", ""), "")
                 for el in (listed if listed is not None else [])]
        for k, layout in enumerate((x for x, of in layouts.items() if of == master), 1):
            layout_root = _root(zf, layout)
            if layout_root is None:
                continue
            j = order.index(layout) + 1 if layout in order else len(order) + k
            on_first = first_shows and layout == first_layout
            out.add_master(_master_shapes(layout_root, width, on_first), f"{prefix}.{LAYOUT}{j}")


def _master_shapes(root: etree._Element, width: int,
                   on_first: bool) -> list[tuple[str, list[str]]]:
    """The text of a master's (or layout's) own shapes as (region, paragraphs): text boxes and
    other shapes that are not placeholders, and the header, footer and date placeholders; never
    the other placeholders, whose text is only a prompt (单击此处编辑母版标题样式). A shape in
    the top band stands at the top of every page: ``top`` (``top_right`` on the right half) when
    the first slide shows it, ``body`` otherwise."""
    tree = root.find(f"{_p('cSld')}/{_p('spTree')}")
    shapes: list[tuple[str, list[str]]] = []
    for el in tree.iter(_p("sp"), _a("tbl")) if tree is not None else ():
        if el.tag == _a("tbl"):
            rows = ["\t".join(c for c in (" ".join(t for t in (_paragraph_text(p).strip()
                                                               for p in tc.iter(_a("p"))) if t)
                                          for tc in tr.iter(_a("tc"))) if c)
                    for tr in el.iter(_a("tr"))]
            shapes.append(("table", rows))
            continue
        ph = el.find(f"{_p('nvSpPr')}/{_p('nvPr')}/{_p('ph')}")
        body = el.find(_p("txBody"))
        if body is None:
            continue
        if ph is not None:
            region = HEADER_TYPES.get(ph.get("type", ""))
            if region is not None:
                shapes.append((region, [_paragraph_text(p, fields=False)
                                        for p in body.iter(_a("p"))]))
            continue
        region = "body"
        if on_first and _in_top_band(el):
            region = "top_right" if _left(el) >= width // 2 else "top"
        shapes.append((region, [_paragraph_text(p) for p in body.iter(_a("p"))]))
    return shapes


def _left(el: etree._Element) -> int:
    off = el.find(f"{_p('spPr')}/{_a('xfrm')}/{_a('off')}")
    try:
        return int(off.get("x", "")) if off is not None else 0
    except ValueError:
        return 0
