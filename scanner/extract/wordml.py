"""Text of WordprocessingML paragraphs: runs joined into lines, struck-through text, alignment.

The element-level reading that the DOCX stories (body, headers, footers, text boxes, table cells)
share; :mod:`scanner.extract.docx` walks the stories and the package.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag."""
    return f"{{{W}}}{tag}"


T, TAB, BR, CR, P, TBL, TR, TC = (w(x) for x in ("t", "tab", "br", "cr", "p", "tbl", "tr", "tc"))
SKIP = {w("del"), w("instrText"), w("delText"), f"{{{MC}}}Fallback", w("txbxContent"),
        w("pPr"), w("rPr"), w("footnoteReference")}


def _walk(el: etree._Element) -> Iterator[etree._Element]:
    """The elements below ``el`` in document order, skipping what is not text (deleted
    revisions, field codes, fallback copies, properties) but yielding text boxes."""
    for child in el:
        if child.tag in SKIP:
            if child.tag == w("txbxContent"):
                yield child
            continue
        yield child
        yield from _walk(child)


def run_struck(t: etree._Element) -> bool:
    """Whether the run holding text element ``t`` is struck through (single or double)."""
    run = t.getparent()
    rpr = run.find(w("rPr")) if run is not None else None
    if rpr is None:
        return False
    for tag in ("strike", "dstrike"):
        el = rpr.find(w(tag))
        if el is not None and el.get(w("val"), "true") not in ("0", "false", "off"):
            return True
    return False


TXBX, STRIKE, DSTRIKE = w("txbxContent"), w("strike"), w("dstrike")
FAST_SKIP = (w("del"), f"{{{MC}}}AlternateContent", TXBX, STRIKE, DSTRIKE)


def paragraph_lines(p: etree._Element, full: bool = True, breaks: bool = True
                    ) -> tuple[list[tuple[str, bool]], list[etree._Element]]:
    """The lines of a paragraph (split at ``w:br``) with a struck flag, and its text boxes.

    With ``full`` False (the story has no text box, revision or strike-through) lxml finds the
    text elements in C; with ``breaks`` False too (no line break or tab either) it also joins
    them in C."""
    if full:
        return _paragraph_lines_full(p)
    if not breaks:
        return [("".join(str(t) for t in p.itertext(T, with_tail=False)), False)], []
    lines: list[tuple[str, bool]] = []
    parts: list[str] = []
    for el in p.iter(T, TAB, BR, CR):
        tag = el.tag
        if tag == T:
            parts.append(el.text or "")
        elif tag == TAB:
            parts.append("\t")
        else:
            lines.append(("".join(parts), False))
            parts = []
    lines.append(("".join(parts), False))
    return lines, []


def _paragraph_lines_full(
    p: etree._Element,
) -> tuple[list[tuple[str, bool]], list[etree._Element]]:
    lines: list[tuple[str, bool]] = []
    parts: list[str] = []
    struck_all, any_text = True, False
    boxes: list[etree._Element] = []
    for el in _walk(p):
        tag = el.tag
        if tag == T:
            text = el.text or ""
            parts.append(text)
            if text.strip():
                any_text = True
                struck_all = struck_all and run_struck(el)
        elif tag == TAB:
            parts.append("\t")
        elif tag in (BR, CR):
            lines.append(("".join(parts), any_text and struck_all))
            parts, struck_all, any_text = [], True, False
        elif tag == w("txbxContent"):
            boxes.append(el)
    lines.append(("".join(parts), any_text and struck_all))
    return lines, boxes


JC, JC_VAL = f"{w('pPr')}/{w('jc')}", w("val")
ALIGN = {"right": "right", "end": "right", "center": "center"}


def alignment_of(p: etree._Element) -> str | None:
    """``right`` or ``center`` when the paragraph says so (``w:jc``), else None."""
    jc = p.find(JC)
    value = jc.get(JC_VAL) if jc is not None else None
    return ALIGN.get(value or "")


def cell_text(tc: etree._Element) -> str:
    """A table cell's non-blank lines joined by spaces."""
    texts: list[str] = []
    for p in tc.iter(P):
        lines, _ = paragraph_lines(p)
        texts.extend(t for t, _ in lines if t.strip())
    return " ".join(texts)
