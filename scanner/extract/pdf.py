"""PDF extraction with pypdfium2: every page's text, and page 1 as positioned lines.

Page 1 is rebuilt from pdfium's text rectangles, grouped into lines by vertical overlap and sorted
top to bottom, left to right, so header text that a PDF stores after the body still comes first.
Lines in the top third of page 1 form the ``top`` region (``top_right`` when they start right of the
middle). Other pages are read as plain text lines.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from markers import Block
from scanner.document import Document
from scanner.errors import ExtractError, NeedsOcr
from scanner.extract import ocr
from scanner.extract.layout import Line, group, page1_blocks
from scanner.limits import current


def _page1_lines(page: pdfium.PdfPage) -> list[Line]:
    textpage = page.get_textpage()
    try:
        rects = [textpage.get_rect(i) for i in range(textpage.count_rects())]
        pieces = _rect_texts(textpage, rects)
        if pieces is None:  # characters not in the rectangles' order: each rectangle's text
            pieces = [(left, bottom, right, top,
                       textpage.get_text_bounded(left, bottom, right, top))
                      for left, bottom, right, top in rects]
        return group(pieces)
    finally:
        textpage.close()


EPS = 0.5  # points a character's centre may stand outside its rectangle


def _rect_texts(textpage: pdfium.PdfTextPage, rects: list[tuple[float, float, float, float]]
                ) -> list[tuple[float, float, float, float, str]] | None:
    """Each text rectangle with its own characters, read left to right. PDFium makes the
    rectangles from runs of consecutive characters, so walking the characters in order gives
    each run once; the text *bounded* by a rectangle also holds its neighbours' characters where
    boxes overlap (a quotation mark written after its line, whose box spans the quoted words)
    and repeats them. A character written out of order (such a quotation mark) is put where it
    stands. None when the characters do not follow the rectangles at all (the caller then
    reads each rectangle's text)."""
    text = textpage.get_text_range()
    n = textpage.count_chars()
    if len(text) != n:
        return None
    out = []
    i = 0
    for left, bottom, right, top in rects:
        placed: list[tuple[float, int, str]] = []  # (centre x, order, character)
        x = left
        while i < n:
            if not text[i].strip():  # a space stays after the character before it; line
                if text[i] not in "\r\n":  # ends come from the rectangles
                    placed.append((x, len(placed), " "))
                i += 1
                continue
            cl, cb, cr, ct = textpage.get_charbox(i)
            x, y = (cl + cr) / 2, (cb + ct) / 2
            if not (left - EPS <= x <= right + EPS and bottom - EPS <= y <= top + EPS):
                break
            placed.append((x, len(placed), text[i]))
            i += 1
        if not any(ch.strip() for _, _, ch in placed):
            continue  # its characters stood inside the rectangle before it
        if right - left > top - bottom:  # a horizontal line: left to right
            placed.sort()
        out.append((left, bottom, right, top, "".join(ch for _, _, ch in placed)))
    return out if i >= n or not text[i:].strip() else None


def _open(path: Path, data: bytes | None) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data if data is not None else str(path))
    except pdfium.PdfiumError as exc:
        text = str(exc)
        if "password" in text.lower():
            raise ExtractError("PDF 文件已加密（需要密码），无法读取",
                               "the PDF is encrypted (password required)") from exc
        raise ExtractError(f"PDF 文件已损坏或格式无效：{text}",
                           f"damaged or invalid PDF: {text}") from exc


def extract_pdf(path: Path, max_pages: int | None = None, *, data: bytes | None = None
                ) -> Document:
    """Read a PDF into a :class:`Document` (from ``data`` when the caller already read it; at
    most ``max_pages`` pages, by default the limit in force)."""
    max_pages = max_pages or current().max_pages
    pdf = _open(path, data)
    try:
        n = len(pdf)
        if n == 0:
            raise ExtractError("PDF 文件没有页面", "the PDF has no pages")
        if n > max_pages:
            raise ExtractError(f"PDF 页数 {n} 超过上限 {max_pages}",
                               f"the PDF has {n} pages, above the limit of {max_pages} "
                               "(--max-pages)")
        blocks: list[Block] = []
        meta = {k.lower(): v for k, v in pdf.get_metadata_dict(skip_empty=True).items()
                if isinstance(v, str)}
        for index in range(n):
            page = pdf[index]
            try:
                if index == 0:
                    _add_page1(page, blocks, meta)
                else:
                    _add_page(page, index + 1, blocks, meta)
            finally:
                page.close()
        for key in ("title", "subject", "keywords"):
            if meta.get(key):
                blocks.append(Block(meta[key], f"props.{key}", "props", len(blocks)))
        return Document(path=path, kind="pdf", blocks=tuple(blocks), pages=n, meta=meta,
                        spacing_reliable=False)
    except pdfium.PdfiumError as exc:
        raise ExtractError(f"PDF 内容无法解析：{exc}",
                           f"cannot parse the PDF content: {exc}") from exc
    finally:
        pdf.close()


SCANNED = ("PDF 第 1 页没有文字层，只有图像（扫描件？）：需要 OCR 识别后才能检查密级标志",
           "page 1 of the PDF has no text layer, only images (a scan?): it needs OCR before its "
           "mark can be checked")


def _pictures_only(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE],
                                              max_depth=3))


def _ocr_page(page: pdfium.PdfPage, number: int, meta: dict[str, str]
              ) -> tuple[list[Line], float, float]:
    """OCR of page ``number``, which has no text: its lines (pixels, y upward), width and
    height. A page that would render to more than ``--max-megapixels`` is not rendered."""
    mode = current().ocr
    if mode == "off" or not ocr.available():
        zh, en = SCANNED
        if mode != "off":
            zh, en = zh + ocr.NO_ENGINE[0], en + ocr.NO_ENGINE[1]
        raise NeedsOcr(zh, en)  # where marks stand there is only a picture: never "clean"
    width, height = page.get_size()
    scale = ocr.DPI / 72
    ocr.check_pixels((width * scale) * (height * scale), {
        "what": f"PDF 第 {number} 页", "what_en": f"page {number} of the PDF",
        "width": f"{width:.0f}", "height": f"{height:.0f}", "unit": f"磅，按 {ocr.DPI} dpi 渲染时",
        "unit_en": f"pt, rendered at {ocr.DPI} dpi", "verb": "渲染", "verb_en": "rendered"})
    for picture in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        px_width, px_height = ctypes.c_uint(0), ctypes.c_uint(0)  # from its dictionary:
        pdfium_raw.FPDFImageObj_GetImagePixelSize(  # nothing decoded
            picture.raw, ctypes.byref(px_width), ctypes.byref(px_height))
        ocr.check_pixels(px_width.value * px_height.value, {
            "what": f"PDF 第 {number} 页上的图片",
            "what_en": f"a picture on page {number} of the PDF",
            "width": px_width.value, "height": px_height.value, "unit": "像素", "unit_en": "pixels",
            "verb": "渲染", "verb_en": "rendered"})
    image = page.render(scale=scale).to_numpy()
    got = ocr.recognise(image, mode)
    ocr.note_ocr(meta, got)
    return got.lines, float(image.shape[1]), float(image.shape[0])


def _add_page1(page: pdfium.PdfPage, blocks: list[Block], meta: dict[str, str]) -> None:
    width, height = page.get_size()
    lines = _page1_lines(page)
    if not lines and _pictures_only(page):
        lines, width, height = _ocr_page(page, 1, meta)
        page1_blocks(lines, width, height, blocks, y_down=True)
        return
    page1_blocks(lines, width, height, blocks)


def _add_page(page: pdfium.PdfPage, number: int, blocks: list[Block],
              meta: dict[str, str]) -> None:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
    finally:
        textpage.close()
    if not text.strip() and current().ocr == "all" and ocr.available() and _pictures_only(page):
        lines, _, _ = _ocr_page(page, number, meta)
        ocr.page_blocks(lines, number, blocks)
        return
    for i, line in enumerate(text.splitlines(), 1):
        if line.strip():
            blocks.append(Block(line, f"page{number}.l{i}", "body", len(blocks)))
