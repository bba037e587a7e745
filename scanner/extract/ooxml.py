"""Safe reading of the XML parts of a zip-based document (DOCX, later OFD).

Parts are parsed with entity resolution and network access off, and a part whose declared or
actual size passes the limit is refused before it is inflated (zip bombs).
"""

from __future__ import annotations

import zipfile

from lxml import etree

from scanner.errors import ExtractError

MAX_PART_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          load_dtd=False, remove_comments=True, remove_pis=True)


def read_part(zf: zipfile.ZipFile, name: str) -> bytes | None:
    """The bytes of part ``name``, None if absent; ExtractError past the size limits."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES or (
            info.compress_size and info.file_size / max(info.compress_size, 1) > MAX_RATIO
            and info.file_size > 10 * 1024 * 1024):
        raise ExtractError(
            f"文件内部件 {name} 解压后过大（{info.file_size} 字节），疑似压缩炸弹",
            f"part {name} inflates to {info.file_size} bytes: refused as a likely zip bomb")
    try:
        with zf.open(info) as fh:
            data = fh.read(MAX_PART_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ExtractError(f"文件已损坏，无法解压 {name}：{exc}",
                           f"damaged file: cannot inflate {name}: {exc}") from exc
    except RuntimeError as exc:
        raise ExtractError("文件已加密，无法读取", f"encrypted zip entry: {exc}") from exc
    return data


def parse_xml(data: bytes, name: str) -> etree._Element:
    """Parse one XML part with the safe parser."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ExtractError(f"文件内部件 {name} 不是有效的 XML：{exc}",
                           f"part {name} is not valid XML: {exc}") from exc
