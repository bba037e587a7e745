"""Tell a file's real format from its first bytes, whatever its name says."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from scanner.extract.text import plausible_text
from scanner.messages import Msg

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")

KIND_NAMES = {
    "pdf": Msg("PDF 文件", "a PDF file"),
    "docx": Msg("Word（.docx）文件", "a Word .docx file"),
    "ofd": Msg("OFD 版式文件", "an OFD file"),
    "xlsx": Msg("Excel（.xlsx）工作簿", "an Excel .xlsx workbook"),
    "pptx": Msg("PowerPoint（.pptx）演示文稿", "a PowerPoint .pptx presentation"),
    "zip": Msg("ZIP 压缩包", "a ZIP archive"),
    "zip-damaged": Msg("损坏的 ZIP 包", "a damaged ZIP package"),
    "ole": Msg("旧版 Office（.doc/.wps/.xls/.ppt）文件",
               "a legacy Office (.doc/.wps/.xls/.ppt) file"),
    "ole-encrypted": Msg("加密的 Office 文件", "a password-protected Office file"),
    "empty": Msg("空文件", "an empty file"),
    "binary": Msg("无法识别的二进制数据", "unrecognised binary data"),
    "text": Msg("文本文件", "a text file"),
    "rtf": Msg("RTF 文档", "an RTF document"),
    "image": Msg("图像文件", "an image"),
}


def sniff(path: Path, head: bytes, data: bytes | None = None) -> str:
    """One of the keys of :data:`KIND_NAMES`, judged from content only (``zip`` for any ZIP
    package: :func:`zip_kind` tells which, at the cost of reading its directory)."""
    if not head:
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return "ole-encrypted" if _ole_encrypted(path, data) else "ole"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(IMAGE_MAGIC):
        return "image"
    if head.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if _looks_text(head):
        return "text"
    return "binary"


def _ole_encrypted(path: Path, data: bytes | None) -> bool:
    if data is None:
        with path.open("rb") as fh:
            data = fh.read(1 << 20)
    return "EncryptedPackage".encode("utf-16-le") in data[:1 << 20]


def zip_kind(path: Path, data: bytes | None = None) -> str:
    """``docx``, ``ofd``, ``zip`` or ``zip-damaged`` from the package's list of parts."""
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip-damaged"
    if "word/document.xml" in names or ("[Content_Types].xml" in names and any(
            n.startswith("word/") for n in names)):
        return "docx"
    if "OFD.xml" in names:
        return "ofd"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"


def _looks_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:4096]
    if b"\x00" in sample:  # UTF-16 without a BOM (Chinese text has few zero bytes)
        return _utf16_plausible(sample)
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls <= len(sample) // 100 or _utf16_plausible(sample)


def _utf16_plausible(sample: bytes) -> bool:
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = sample[: len(sample) // 2 * 2].decode(enc)
        except UnicodeDecodeError:
            continue
        if plausible_text(text):
            return True
    return False
