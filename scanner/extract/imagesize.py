"""The pixel sizes an image file declares, read from its headers without decoding anything.

A small file may declare an enormous picture (a PNG of zeros that says 30000×30000 is 875 KB and
decodes to 2.7 GB), so the size is read and checked against the limit before any decoder runs.
PNG, JPEG, BMP and TIFF (every page of a multi-page TIFF) are the formats the image reader takes;
a header that cannot be read is a damaged file.
"""

from __future__ import annotations

import struct

from scanner.errors import ExtractError

Size = tuple[int, int]  # width, height

DAMAGED = ("图像文件已损坏：无法读出其尺寸", "damaged image: its size cannot be read")
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _damaged() -> ExtractError:
    return ExtractError(*DAMAGED)


def _png(data: bytes) -> list[Size]:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise _damaged()
    width, height = struct.unpack(">II", data[16:24])
    return [(width, height)]


def _jpeg(data: bytes) -> list[Size]:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise _damaged()
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        if marker in _JPEG_SOF:
            if at + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return [(width, height)]
        if marker in (0xD9, 0xDA) or length < 2:  # end of image, or scan data before any frame
            break
        at += 2 + length
    raise _damaged()


def _bmp(data: bytes) -> list[Size]:
    if len(data) < 26:
        raise _damaged()
    (header,) = struct.unpack("<I", data[14:18])
    if header == 12:  # the OS/2 core header: 16-bit sizes
        width, height = struct.unpack("<HH", data[18:22])
    else:
        width, height = struct.unpack("<ii", data[18:26])
    return [(abs(width), abs(height))]


def _tiff(data: bytes, most: int) -> list[Size]:
    order = "<" if data[:2] == b"II" else ">"
    if len(data) < 8:
        raise _damaged()
    (offset,) = struct.unpack(order + "I", data[4:8])
    pages: list[Size] = []
    seen: set[int] = set()
    while offset:
        if offset in seen or offset + 2 > len(data):
            if offset in seen:
                break  # a directory chain that loops back: the pages up to it
            raise _damaged()
        seen.add(offset)
        (count,) = struct.unpack(order + "H", data[offset:offset + 2])
        end = offset + 2 + 12 * count
        if end + 4 > len(data):
            raise _damaged()
        size = {256: 0, 257: 0}
        for i in range(count):
            entry = data[offset + 2 + 12 * i:offset + 14 + 12 * i]
            tag, kind = struct.unpack(order + "HH", entry[:4])
            if tag in size:
                if kind == 3:  # SHORT
                    (size[tag],) = struct.unpack(order + "H", entry[8:10])
                elif kind == 4:  # LONG
                    (size[tag],) = struct.unpack(order + "I", entry[8:12])
                else:
                    raise _damaged()
        if not size[256] or not size[257]:
            raise _damaged()
        pages.append((size[256], size[257]))
        if len(pages) > most:  # enough to say there are too many
            break
        (offset,) = struct.unpack(order + "I", data[end:end + 4])
    if not pages:
        raise _damaged()
    return pages


def image_sizes(data: bytes, most_pages: int) -> list[Size]:
    """The width and height of every page ``data`` declares (one for all but TIFF; for TIFF at
    most ``most_pages + 1``, enough to tell that there are too many)."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return _png(data)
        if data.startswith(b"\xff\xd8"):
            return _jpeg(data)
        if data.startswith(b"BM"):
            return _bmp(data)
        if data.startswith((b"II*\x00", b"MM\x00*")):
            return _tiff(data, most_pages)
    except struct.error as exc:
        raise _damaged() from exc
    raise _damaged()
