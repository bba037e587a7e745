"""OFD (GB/T 33190) extraction: a zip package of XML, read with the same safe part reader as DOCX.

``OFD.xml`` names one or more documents (``DocBody/DocRoot``); each ``Document.xml`` lists its
pages (``Pages/Page@BaseLoc``), template pages (``CommonData/TemplatePage``) and annotations. A
page's text is in ``TextObject`` elements: a ``Boundary`` (x y width height, millimetres, y
growing downward), an optional ``CTM`` and ``TextCode`` runs with their ``X``/``Y`` inside the
boundary. Page 1 is rebuilt as positioned lines (grouped by baseline band, read left to right,
template text included), as for PDF, so the mark finder's rules (a short line of its own at the
top) apply unchanged; later pages are lines in reading order. Seals and signatures are drawings
and are ignored. ``DocInfo`` gives the title and the custom data (``props.custom.<Name>``; a
``SecurityLevel`` entry's value is given as the Chinese level, 机密 for SECRET).
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from markers import Block
from scanner.document import Document
from scanner.errors import ExtractError
from scanner.extract.layout import TOP_FRACTION, Line, group
from scanner.extract.ooxml import open_package, parse_xml, read_part

NS = "{*}"  # OFD files use http://www.ofdspec.org/2016 or http://www.ofdspec.org
A4 = (210.0, 297.0)
LEVELS = {"TOP SECRET": "绝密", "TOPSECRET": "绝密", "SECRET": "机密", "CONFIDENTIAL": "秘密",
          "绝密": "绝密", "机密": "机密", "秘密": "秘密"}
PROPERTY_NAMES = {"securitylevel", "密级", "security_level", "classification"}

Piece = tuple[float, float, float, float, str]


def _floats(text: str | None, n: int) -> list[float] | None:
    try:
        values = [float(x) for x in (text or "").split()]
    except ValueError:
        return None
    return values if len(values) >= n else None


def _resolve(base: str, loc: str) -> str:
    """A location inside the package: absolute (``/Doc_0/…``) or relative to ``base``."""
    loc = loc.strip().replace("\\", "/")
    joined = loc.lstrip("/") if loc.startswith("/") else posixpath.join(base, loc)
    return posixpath.normpath(joined)


def _part(zf: zipfile.ZipFile, name: str) -> etree._Element | None:
    data = read_part(zf, name)
    return parse_xml(data, name) if data is not None else None


def _pieces(root: etree._Element) -> list[Piece]:
    """Every text run of a page (or template, or annotation) as (left, bottom, right, top,
    text) with y growing upward."""
    out: list[Piece] = []
    for obj in root.iter(f"{NS}TextObject"):
        box = _floats(obj.get("Boundary"), 4)
        if box is None:
            continue
        bx, by, bw, _ = box[:4]
        size = (_floats(obj.get("Size"), 1) or [box[3]])[0]
        ctm = _floats(obj.get("CTM"), 6)
        codes = list(obj.iter(f"{NS}TextCode"))
        for code in codes:
            text = code.text or ""
            if not text.strip():
                continue
            x = (_floats(code.get("X"), 1) or [0.0])[0]
            y = (_floats(code.get("Y"), 1) or [size])[0]
            if ctm is not None:
                a, b, c, d, e, f = ctm[:6]
                x, y = a * x + c * y + e, b * x + d * y + f
                size = size * (abs(d) or 1.0)
            left, baseline = bx + x, by + y
            right = bx + bw if len(codes) == 1 else left + size * len(text)
            out.append((left, -baseline, right, -(baseline - size), text))
    return out


def _page_roots(zf: zipfile.ZipFile, doc_dir: str, document: etree._Element
                ) -> list[tuple[etree._Element, list[etree._Element], tuple[float, float]]]:
    """Each page's content, with its template pages and annotation pages, and its size."""
    templates: dict[str, str] = {}
    for tpl in document.iter(f"{NS}TemplatePage"):
        if tpl.get("ID") and tpl.get("BaseLoc"):
            templates[tpl.get("ID", "")] = _resolve(doc_dir, tpl.get("BaseLoc", ""))
    box = _floats(document.findtext(f"{NS}CommonData/{NS}PageArea/{NS}PhysicalBox"), 4)
    default = (box[2], box[3]) if box else A4
    annotations = _annotations(zf, doc_dir, document)
    pages = []
    for page in document.iter(f"{NS}Page"):
        loc = page.get("BaseLoc")
        if not loc:
            continue
        root = _part(zf, _resolve(doc_dir, loc))
        if root is None:
            raise ExtractError(f"OFD 包中缺少页面 {loc}", f"the OFD package lacks the page {loc}")
        extra = []
        for ref in root.iter(f"{NS}Template"):
            name = templates.get(ref.get("TemplateID", ""))
            tpl_root = _part(zf, name) if name else None
            if tpl_root is not None:
                extra.append(tpl_root)
        extra += annotations.get(page.get("ID", ""), [])
        own = _floats(root.findtext(f"{NS}Area/{NS}PhysicalBox"), 4)
        pages.append((root, extra, (own[2], own[3]) if own else default))
    return pages


def _annotations(zf: zipfile.ZipFile, doc_dir: str, document: etree._Element
                 ) -> dict[str, list[etree._Element]]:
    """Annotation pages by the ID of the page they belong to."""
    loc = document.findtext(f"{NS}Annotations")
    if not loc:
        return {}
    index_name = _resolve(doc_dir, loc)
    index = _part(zf, index_name)
    out: dict[str, list[etree._Element]] = {}
    if index is None:
        return out
    for page in index.iter(f"{NS}Page"):
        file_loc = page.findtext(f"{NS}FileLoc")
        if not file_loc:
            continue
        root = _part(zf, _resolve(posixpath.dirname(index_name), file_loc))
        if root is not None:
            out.setdefault(page.get("PageID", ""), []).append(root)
    return out


def _page_blocks(number: int, lines: list[Line], size: tuple[float, float],
                 blocks: list[Block]) -> None:
    width, height = size
    for i, line in enumerate(lines, 1):
        region = "body"
        if number == 1 and -line.top <= height * TOP_FRACTION:
            region = "top" if line.x0 < width / 2 else "top_right"
        blocks.append(Block(line.text(), f"page{number}.l{i}", region,  # type: ignore[arg-type]
                            len(blocks)))


def _doc_info(ofd: etree._Element, blocks: list[Block], meta: dict[str, str]) -> None:
    for info in ofd.iter(f"{NS}DocInfo"):
        for key in ("Title", "Subject", "Keywords", "Abstract"):
            value = (info.findtext(f"{NS}{key}") or "").strip()
            if value:
                meta.setdefault(key.lower(), value)
                blocks.append(Block(value, f"props.{key.lower()}", "props", len(blocks)))
        for data in info.iter(f"{NS}CustomData"):
            name, value = data.get("Name", "").strip(), (data.text or "").strip()
            if not name or not value:
                continue
            if name.lower() in PROPERTY_NAMES:  # recorded with the level in Chinese
                value = LEVELS.get(value.upper().replace("_", " "), value)
            blocks.append(Block(value, f"props.custom.{name}", "props", len(blocks)))


def extract_ofd(path: Path, data: bytes | None = None) -> Document:
    """Read an OFD package (from ``data`` when the caller already read it)."""
    with open_package(path, data, "OFD") as zf:
        ofd = _part(zf, "OFD.xml")
        if ofd is None:
            raise ExtractError("不是 OFD 文件：包中没有 OFD.xml", "not an OFD file: no OFD.xml")
        blocks: list[Block] = []
        meta: dict[str, str] = {}
        number = 0
        for root_loc in ofd.iter(f"{NS}DocRoot"):
            name = _resolve("", root_loc.text or "")
            document = _part(zf, name)
            if document is None:
                raise ExtractError(f"OFD 包中缺少文档 {name}", f"the OFD package lacks {name}")
            for root, extra, size in _page_roots(zf, posixpath.dirname(name), document):
                number += 1
                pieces = [p for r in (*extra, root) for p in _pieces(r)]
                _page_blocks(number, group(pieces), size, blocks)
        if number == 0:
            raise ExtractError("OFD 文件没有页面", "the OFD file has no pages")
        _doc_info(ofd, blocks, meta)
    return Document(path=path, kind="ofd", blocks=tuple(blocks), pages=number, meta=meta,
                    spacing_reliable=False)
