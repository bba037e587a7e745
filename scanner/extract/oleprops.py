"""The property sets of any OLE file (a Word, Excel or PowerPoint binary file): the summary
information's title, subject and keywords, and the user-defined (custom) properties such as
密级, as blocks at ``props.…``. A code page Python does not know is read as cp1252 and noted."""

from __future__ import annotations

import codecs
import io

import olefile


def prop_blocks(meta: dict[str, str], custom: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(location, text) of the title, subject, keywords and custom properties."""
    props = [(f"props.{k}", meta[k]) for k in ("title", "subject", "keywords") if meta.get(k)]
    return props + [(f"props.custom.{n}", v) for n, v in custom]


def ole_properties(content: bytes) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The (location, text) of the title, subject, keywords and custom properties of any OLE
    file (an Excel or PowerPoint binary file too), and its metadata; nothing when the file or
    its property sets cannot be read."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(content))
    except Exception:  # the caller's reader says what is wrong with the file
        return [], {}
    with ole:
        streams = {"/".join(s) for s in ole.listdir()}
        meta = summary_meta(ole)
        custom = custom_properties(ole, streams)
    return prop_blocks(meta, custom), meta


USER_DEFINED = "\x05DocumentSummaryInformation"


def custom_properties(ole: olefile.OleFileIO, streams: set[str]) -> list[tuple[str, str]]:
    """The user-defined (custom) properties with text values, such as 密级 (values decoded as
    UTF-8 when they are, else GB18030: the codepage Chinese Word writes)."""
    if USER_DEFINED not in streams:
        return []
    try:
        found = ole.get_userdefined_properties(USER_DEFINED)
    except Exception:  # a damaged property set: the text is still worth reading
        return []
    out = []
    for prop in found:
        name, value = str(prop.get("property_name", "")).strip(), prop.get("value")
        if isinstance(value, bytes) and len(value) % 2 == 0 and value[1::2].count(0) * 2 > len(
                value) // 2:  # UTF-16 (a wide string stored as bytes)
            value = value.decode("utf-16-le", "replace")
        if isinstance(value, bytes):
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                value = value.decode("gb18030", "replace")
        if name and isinstance(value, str) and value.strip("\x00 ").strip():
            out.append((name, value.strip("\x00 ").strip()))
    return out


# Code pages a property set may name that Python knows under another name (or not at all); the
# code page is a signed 16-bit value, so UTF-8 (65001) is often stored as -535.
CODEPAGES = {65001: "utf-8", 1200: "utf-16-le", 1201: "utf-16-be", 10000: "mac_roman",
             10001: "shift_jis", 10002: "big5", 10003: "euc_kr", 10008: "gb2312",
             10029: "mac_latin2", 10007: "mac_cyrillic", 10006: "mac_greek", 10081: "mac_turkish",
             20127: "ascii", 20936: "gb2312", 28591: "latin-1", 54936: "gb18030"}
FALLBACK = "cp1252"


def codec_of(codepage: object) -> tuple[str, bool]:
    """The Python codec for a property set's code page, and whether it is a stand-in (a code
    page Python does not know is read as cp1252, and the caller says so)."""
    if not isinstance(codepage, int):
        return "cp936", False
    number = codepage & 0xFFFF
    name = CODEPAGES.get(number, f"cp{number}")
    try:
        codecs.lookup(name)
    except LookupError:
        return FALLBACK, True
    return name, False


def summary_meta(ole: olefile.OleFileIO) -> dict[str, str]:
    """Title, subject and keywords from the summary information (decoded as the file says; a
    code page Python does not know is read as cp1252 and noted in ``note_zh``/``note_en``)."""
    try:
        info = ole.get_metadata()
    except Exception:  # a damaged property set: the text is still worth reading
        return {}
    out = {}
    codec, stand_in = codec_of(getattr(info, "codepage", None))
    for key in ("title", "subject", "keywords"):
        value = getattr(info, key, None)
        if isinstance(value, bytes):
            value = value.decode(codec, "replace")
        if isinstance(value, str) and value.strip("\x00 ").strip():
            out[key] = value.strip("\x00 ").strip()
    if stand_in:
        number = getattr(info, "codepage", 0)
        out["note_zh"] = (f"文档属性使用了无法识别的代码页 {number}，已按 cp1252 读取"
                          "（正文不受影响）")
        out["note_en"] = (f"the document properties name an unknown code page ({number}): "
                          "read as cp1252 (the text itself is not affected)")
    return out
