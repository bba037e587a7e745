"""Offline OCR of scanned pages and images (the optional extra ``pip install "dingmi[ocr]"``:
RapidOCR on ONNX Runtime, whose Chinese models ship inside the wheel; nothing is downloaded).

Marks stand at the top of page 1, so the top region is read first (``--ocr top``, the default),
then the rest of page 1 when the top shows no mark; ``--ocr page1`` reads all of page 1 at once,
``--ocr all`` every page without a text layer, ``--ocr off`` none (such pages are ``needs_ocr``).
Each recognised line keeps its position, so it becomes a line of the page as a PDF's text would
(the mark finder's rules apply unchanged), and its confidence (the lowest one is reported).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any, NamedTuple

from markers import Block
from markers.models import Evidence, Finding, MarkSet
from scanner.document import Document
from scanner.errors import ExtractError, NeedsOcr
from scanner.extract.imagesize import image_sizes
from scanner.extract.layout import TOP_FRACTION, Line, group, page1_blocks
from scanner.limits import current

DPI = 200
MARKISH = re.compile("[绝机秘]密|密级|★")

LOW_CONFIDENCE = 0.80  # a mark read below this gets OCR_LOW_CONFIDENCE
Piece = tuple[float, float, float, float, str, float]  # left, bottom, right, top, text, confidence


class Recognised(NamedTuple):
    """What OCR read: lines (y growing upward, pixels), the lowest confidence, how much of the
    page (``top`` or ``page``), and the pieces read below :data:`LOW_CONFIDENCE`."""

    lines: list[Line]
    lowest: float
    read: str
    low: list[tuple[str, float]]


@functools.cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR  # noqa: PLC0415 - the optional extra

    return RapidOCR()


def available() -> bool:
    """Whether the OCR extra is installed (its import works)."""
    try:
        import rapidocr_onnxruntime  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def _read(image: Any, y0: int) -> list[Piece]:
    result, _ = _engine()(image)
    pieces = []
    for box, text, confidence in result or []:
        xs = [p[0] for p in box]
        ys = [p[1] + y0 for p in box]
        pieces.append((min(xs), -max(ys), max(xs), -min(ys), str(text), float(confidence)))
    return pieces


NOTHING_READ = ("OCR 在第 1 页没有识别出文字：请人工查看",
                "OCR found no text on page 1: check it by hand")


def recognise(image: Any, mode: str) -> Recognised:
    """Lines of an image (a numpy array, height first): the top region first, the rest when
    ``mode`` asks for it or the top shows no mark. Nothing read at all is ``needs_ocr``
    (a blurred scan must not pass as a document without a mark)."""
    height = int(image.shape[0])
    cut = int(height * TOP_FRACTION)
    read = "page"
    if mode == "top":
        pieces = _read(image[:cut], 0)
        read = "top"
        if not any(MARKISH.search(p[4]) for p in pieces):
            pieces, read = pieces + _read(image[cut:], cut), "page"
    else:
        pieces = _read(image, 0)
    if not any(p[4].strip() for p in pieces):
        raise NeedsOcr(*NOTHING_READ)
    lowest = min((p[5] for p in pieces), default=1.0)
    low = [(p[4], p[5]) for p in pieces if p[5] < LOW_CONFIDENCE and p[4].strip()]
    return Recognised(group([p[:5] for p in pieces]), lowest, read, low)


def decode_image(data: bytes, page: int = 0) -> Any:
    """Page ``page`` of an image file, its pixels (BGR, as OpenCV reads them; OpenCV comes with
    the extra). Check its size first (:func:`check_pixels`): this decodes whatever it declares."""
    import cv2  # noqa: PLC0415
    import numpy as np  # noqa: PLC0415

    buffer = np.frombuffer(data, np.uint8)
    if page == 0:
        return cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    ok, frames = cv2.imdecodemulti(buffer, cv2.IMREAD_COLOR, range=(page, page + 1))
    return frames[0] if ok and frames else None


TOO_MANY_PIXELS = ("{what}为 {width}×{height} {unit}（{mp} 百万像素），"
                   "超过 OCR 的上限 {limit} 百万像素（--max-megapixels）：未{verb}，请人工查看",
                   "{what_en} is {width}×{height} {unit_en} ({mp} megapixels), above the limit of "
                   "{limit} megapixels for OCR (--max-megapixels): not {verb_en}; check it by hand")


def check_pixels(pixels: float, values: dict[str, object]) -> None:
    """Refuse (``needs_ocr``) a picture of more than the limit of pixels, before it is decoded or
    rendered; ``values`` say what it is, for the message."""
    limit = current().max_megapixels
    if pixels > limit * 1_000_000:
        given = {"mp": f"{pixels / 1_000_000:.0f}", "limit": limit, **values}
        raise NeedsOcr(TOO_MANY_PIXELS[0].format(**given), TOO_MANY_PIXELS[1].format(**given))


NO_ENGINE = ("；未安装 OCR 组件（pip install \"dingmi[ocr]\"）",
             "; the OCR extra is not installed (pip install \"dingmi[ocr]\")")


def note_ocr(meta: dict[str, str], got: Recognised) -> None:
    """Record that OCR read some text, how much of page 1 (``top``: only its top region, where
    a mark was found), the lowest confidence of what it read, and the pieces read with a low
    confidence (``ocr_low``: JSON pairs of text and confidence)."""
    before = float(meta.get("ocr_confidence", "1"))
    meta["ocr"] = "rapidocr"
    meta["ocr_confidence"] = f"{min(before, got.lowest):.2f}"
    meta.setdefault("ocr_page1", got.read)
    if got.low:
        low = json.loads(meta.get("ocr_low", "[]")) + [[t, round(c, 2)] for t, c in got.low]
        meta["ocr_low"] = json.dumps(low, ensure_ascii=False)


LOW_READ = ("标志“{raw}”由 OCR 识别，置信度 {confidence:.2f} 低于 {limit:.2f}：请对照原件核对",
            "the mark '{raw}' was read by OCR with a confidence of {confidence:.2f}, below "
            "{limit:.2f}: check it against the original")


def low_confidence(meta: dict[str, str], marks: MarkSet) -> tuple[Finding, ...]:
    """OCR_LOW_CONFIDENCE for each mark whose line holds a piece OCR read with a low
    confidence (a misread 机密 may be 秘密, a misread term another term)."""
    if "ocr_low" not in meta:
        return ()
    low: list[tuple[str, float]] = [(t, c) for t, c in json.loads(meta["ocr_low"])]
    out = []
    for mark in marks.markings:
        line = mark.block_text
        confidences = [c for t, c in low if t.strip() and (t.strip() in line or mark.raw in t)]
        if confidences:
            confidence = min(confidences)
            values = {"raw": mark.raw, "confidence": confidence, "limit": LOW_CONFIDENCE}
            out.append(Finding("OCR_LOW_CONFIDENCE", "warning", LOW_READ[0].format(**values),
                               LOW_READ[1].format(**values), mark.location,
                               (Evidence(mark.location, line),)))
    return tuple(out)


IMAGE_NEEDS = ("这是图像文件：需要 OCR 识别后才能检查密级标志",
               "an image: it needs OCR before its mark can be checked")


def page_blocks(lines: list[Line], number: int, blocks: list[Block]) -> None:
    """The lines of page ``number`` (after page 1) as body blocks, as a PDF page's text is."""
    text = "\n".join(line.text() for line in lines)
    for i, line in enumerate(text.splitlines(), 1):
        if line.strip():
            blocks.append(Block(line, f"page{number}.l{i}", "body", len(blocks)))


TOO_MANY_PAGES = ("图像文件页数超过上限 {limit}（--max-pages）",
                  "the image has more than {limit} pages, the limit (--max-pages)")
DAMAGED_IMAGE = ("图像文件已损坏，无法解码", "damaged image: it cannot be decoded")


def _image_values(page: int, pages: int, width: int, height: int) -> dict[str, object]:
    if pages == 1:
        what, what_en = "图像", "the image"
    else:
        what, what_en = f"图像第 {page} 页", f"page {page} of the image"
    return {"what": what, "what_en": what_en, "width": width, "height": height,
            "unit": "像素", "unit_en": "pixels", "verb": "解码", "verb_en": "decoded"}


def read_image(path: Path, data: bytes | None) -> Document:
    """An image file read by OCR (``needs_ocr`` when OCR is off or not installed): page 1 as
    page 1 of a document, and with ``--ocr all`` every further page of a multi-page TIFF. Each
    page's size is read from the headers and checked against ``--max-megapixels`` before it is
    decoded."""
    mode = current().ocr
    if mode == "off" or not available():
        zh, en = IMAGE_NEEDS
        if mode != "off":
            zh, en = zh + NO_ENGINE[0], en + NO_ENGINE[1]
        raise NeedsOcr(zh, en)
    data = path.read_bytes() if data is None else data
    limit = current().max_pages
    sizes = image_sizes(data, limit)
    if len(sizes) > limit:
        raise ExtractError(TOO_MANY_PAGES[0].format(limit=limit),
                           TOO_MANY_PAGES[1].format(limit=limit))
    wanted = sizes if mode == "all" else sizes[:1]
    for number, (width, height) in enumerate(wanted, 1):  # all of them before any is decoded
        check_pixels(width * height, _image_values(number, len(sizes), width, height))
    meta: dict[str, str] = {}
    blocks: list[Block] = []
    for index in range(len(wanted)):
        image = decode_image(data, index)
        if image is None:
            raise ExtractError(*DAMAGED_IMAGE)
        if index == 0:
            got = recognise(image, mode)
            page1_blocks(got.lines, float(image.shape[1]), float(image.shape[0]), blocks,
                         y_down=True)
        else:
            try:
                got = recognise(image, mode)
            except NeedsOcr:  # a blank page after the first
                continue
            page_blocks(got.lines, index + 1, blocks)
        note_ocr(meta, got)
        del image
    return Document(path=path, kind="image", blocks=tuple(blocks), pages=len(sizes), meta=meta,
                    spacing_reliable=False)
