"""Safe reading of the XML parts of a zip-based document (DOCX, later OFD).

Parts are parsed with entity resolution and network access off; a part that declares a document
type (DOCTYPE: entity expansion, external entities) is refused, since Office never writes one. A
part whose declared size, or whose parts together, pass the inflation limit, or whose compression
ratio passes the ratio limit, is refused before it is inflated (zip bombs). See
:mod:`scanner.limits`.

A package already read into memory (the usual case: it was read once to be hashed) has each
part cut out and inflated in one call, with ISA-L where installed; anything out of the ordinary
goes through the zipfile module, which also says what is wrong with a damaged part.
"""

from __future__ import annotations

import io
import struct
import types
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from scanner.errors import ExtractError
from scanner.limits import LIBXML2_MAX_DEPTH, MB, charge_inflated, current


def _inflater() -> types.ModuleType:
    """ISA-L's zlib interface (it inflates about twice as fast as zlib, with the same results);
    zlib itself on a platform without its wheel."""
    try:
        from isal import isal_zlib  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        return zlib
    return isal_zlib


inflate_lib = _inflater()

RATIO_FLOOR = 1024 * 1024  # parts smaller than this inflated are not held to the ratio

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          load_dtd=False, remove_comments=True, remove_pis=True)


def read_part(zf: zipfile.ZipFile, name: str) -> bytes | None:
    """The bytes of part ``name``, None if absent; ExtractError past the size limits."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    limits = current()
    budget = limits.max_unzipped_mb * MB
    total = charge_inflated(info.file_size)
    if total > budget:
        raise ExtractError(
            f"解压后的内容（{total // MB} MB 以上）超过上限 {limits.max_unzipped_mb} MB，"
            "疑似压缩炸弹，未读取",
            f"the package inflates to {total // MB} MB or more, above the limit of "
            f"{limits.max_unzipped_mb} MB (--max-unzipped-mb): refused as a likely zip bomb")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
        raise ExtractError(
            f"部件 {name} 的压缩比 {ratio:.0f}:1 超过上限 {limits.max_ratio}:1，"
            "疑似压缩炸弹，未读取",
            f"part {name} has a compression ratio of {ratio:.0f}:1, above the limit of "
            f"{limits.max_ratio}:1 (--max-ratio): refused as a likely zip bomb")
    fast = _inflate_in_memory(zf, info)
    if fast is not None:
        return fast
    try:
        with zf.open(info) as fh:
            data = fh.read(min(budget, info.file_size) + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise ExtractError(f"文件已损坏，无法解压 {name}：{exc}",
                           f"damaged file: cannot inflate {name}: {exc}") from exc
    except RuntimeError as exc:
        raise ExtractError("文件已加密，无法读取", f"encrypted zip entry: {exc}") from exc
    if len(data) > info.file_size:  # the directory under-declared the size
        charge_inflated(len(data) - info.file_size)
        if len(data) > budget:
            raise ExtractError(
                f"部件 {name} 解压后超过上限 {limits.max_unzipped_mb} MB，未读取",
                f"part {name} inflates past the limit of {limits.max_unzipped_mb} MB "
                "(--max-unzipped-mb)")
    return data


LOCAL_HEADER = b"PK\x03\x04"
LOCAL_HEADER_SIZE = 30


def _inflate_in_memory(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """Part ``info`` of a package held in memory, in one slice and one inflate call; None when
    anything is out of the ordinary (encryption, another compression, a local header or name
    that disagrees with the directory, a size or CRC that does not match), and the zipfile
    module then reads the part and reports what is wrong. The caller has checked the declared
    size against the limits; the inflate stops one byte past it."""
    fp = zf.fp
    if (not isinstance(fp, io.BytesIO) or info.flag_bits & 0x1
            or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)):
        return None
    raw = fp.getvalue()  # the bytes the package was opened from, not a copy
    start = info.header_offset
    header = raw[start:start + LOCAL_HEADER_SIZE]
    if len(header) < LOCAL_HEADER_SIZE or not header.startswith(LOCAL_HEADER):
        return None
    name_size, extra_size = struct.unpack_from("<HH", header, 26)
    name_at = start + LOCAL_HEADER_SIZE
    try:
        name = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
    except UnicodeEncodeError:
        return None
    if raw[name_at:name_at + name_size] != name:
        return None
    begin = name_at + name_size + extra_size
    body = raw[begin:begin + info.compress_size]
    if len(body) != info.compress_size:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        data = body
    else:
        try:
            data = inflate_lib.decompressobj(-15).decompress(body, info.file_size + 1)
        except (zlib.error, inflate_lib.error):
            return None
    if len(data) != info.file_size or inflate_lib.crc32(data) != info.CRC:
        return None
    return data


def parse_xml(data: bytes, name: str) -> etree._Element:
    """Parse one XML part with the safe parser."""
    if b"<!DOCTYPE" in data[:4096]:
        raise ExtractError(
            f"部件 {name} 含有 DOCTYPE 声明（实体扩展或外部实体），Office 文件不应含有，未读取",
            f"part {name} declares a DOCTYPE (entity expansion or external entities), which "
            "Office files never contain: refused")
    depth = current().max_xml_depth
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        if "Excessive depth" in str(exc):
            raise _too_deep(name, depth) from exc
        raise ExtractError(f"文件内部件 {name} 不是有效的 XML：{exc}",
                           f"part {name} is not valid XML: {exc}") from exc
    if depth < LIBXML2_MAX_DEPTH and _deeper_than(root, depth):
        raise _too_deep(name, depth)
    return root


def _too_deep(name: str, depth: int) -> ExtractError:
    return ExtractError(f"部件 {name} 的 XML 嵌套超过上限 {depth} 层，未读取",
                        f"part {name} has XML nested deeper than the limit of {depth} levels "
                        "(--max-xml-depth)")


def _deeper_than(root: etree._Element, depth: int) -> bool:
    """True when some element lies more than ``depth`` levels below ``root`` (only checked when
    the limit is set below libxml2's own)."""
    level = [root]
    for _ in range(depth):
        level = [child for el in level for child in el]
        if not level:
            return False
    return True


def open_package(path: Path, data: bytes | None, kind: str) -> zipfile.ZipFile:
    """The zip package of a DOCX or OFD file (from ``data`` when the caller already read it);
    a damaged or encrypted package is an :class:`ExtractError` naming ``kind``."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data) if data is not None else path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractError(f"{kind} 文件已损坏（不是完整的 ZIP 包），无法打开",
                           f"damaged {kind} (not a complete ZIP package): {exc}") from exc
    if any(info.flag_bits & 0x1 for info in zf.infolist()):
        zf.close()
        raise ExtractError("文件已加密，无法读取", "the package is encrypted")
    return zf


CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"


def ooxml_props(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """The package's core properties (title, subject, keywords, description, category) and
    its custom ones, as (location, value): ``props.title``, ``props.custom.密级``."""
    out = []
    core = read_part(zf, "docProps/core.xml")
    if core is not None:
        root = parse_xml(core, "docProps/core.xml")
        for ns, tag in ((DC, "title"), (DC, "subject"), (CP, "keywords"), (DC, "description"),
                        (CP, "category")):
            el = root.find(f"{{{ns}}}{tag}")
            value = (el.text or "").strip() if el is not None else ""
            if value:
                out.append((f"props.{tag}", value))
    custom = read_part(zf, "docProps/custom.xml")
    if custom is not None:
        root = parse_xml(custom, "docProps/custom.xml")
        for prop in root.iter(f"{{{CUSTOM}}}property"):
            value = "".join(str(x) for x in prop.itertext()).strip()
            name = prop.get("name", "")
            if value and name:
                out.append((f"props.custom.{name}", value))
    return out
