"""Tell a file's real format from its first bytes, whatever its name says."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from scanner.extract.text import plausible_text
from scanner.messages import Msg

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HTML_START = re.compile(rb"<(!doctype\s+html|html|table|body|meta)\b", re.I)
MAIL_HEADER = re.compile(rb"^([A-Za-z][A-Za-z0-9-]*):")
MAIL_FIELDS = {b"from", b"to", b"cc", b"subject", b"date", b"received", b"message-id",
               b"return-path", b"reply-to", b"mime-version", b"content-type", b"x-mailer"}
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
    """``docx``, ``xlsx``, ``pptx``, ``ofd``, ``zip`` or ``zip-damaged`` from the package's list
    of parts (and, for an OOXML package whose parts have other names, its content types)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as zf:
            names = set(zf.namelist())
            types = _content_types(zf) if "[Content_Types].xml" in names else b""
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
    return next((kind for marker, kind in MAIN_TYPES if marker in types), "zip")


# The content type of an OOXML package's main part, for packages whose parts have other names
MAIN_TYPES = ((b"wordprocessingml.document.main", "docx"), (b"ms-word.document.macroenabled",
              "docx"), (b"spreadsheetml.sheet.main", "xlsx"),
              (b"ms-excel.sheet.macroenabled", "xlsx"),
              (b"presentationml.presentation.main", "pptx"),
              (b"ms-powerpoint.presentation.macroenabled", "pptx"),
              (b"wordprocessingml.template.main", "docx"), (b"ms-word.template.macroenabled",
              "docx"), (b"spreadsheetml.template.main", "xlsx"),
              (b"ms-excel.template.macroenabled", "xlsx"),
              (b"presentationml.slideshow.main", "pptx"),
              (b"presentationml.template.main", "pptx"),
              (b"ms-powerpoint.slideshow.macroenabled", "pptx"),
              (b"ms-powerpoint.template.macroenabled", "pptx"))


def _content_types(zf: zipfile.ZipFile) -> bytes:
    """The first 256 KiB of ``[Content_Types].xml``, lower-cased (empty when unreadable)."""
    try:
        with zf.open("[Content_Types].xml") as fh:
            return fh.read(1 << 18).lower()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError,
            zlib.error):  # damaged, encrypted or of an unknown compression: no types
        return b""


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


def saved_page(head: bytes) -> str | None:
    """``mht`` or ``web`` when a file's first bytes are a web archive's or a page's (Word saves
    both under .doc, and many systems export tables as HTML under .xls); None otherwise."""
    sample = head[:4096]
    if b"MIME-Version:" in sample and b"multipart/related" in sample.lower():
        return "mht"
    if HTML_START.search(sample.lstrip()[:1024]):
        return "web"
    return None


def mail_fields(head: bytes) -> set[bytes]:
    """The (lower-case) names of the header fields a text starts with, when it starts as a mail
    message does (RFC 5322: a block of fields up to the first blank line); empty otherwise."""
    names: set[bytes] = set()
    lines = head[:16384].lstrip(b"\r\n").splitlines()
    if lines and lines[0].startswith(b"From "):  # an mbox separator line
        lines = lines[1:]
    for line in lines:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t") and names:
            continue  # a folded field goes on
        found = MAIL_HEADER.match(line)
        if found is None:
            return set()
        names.add(found.group(1).lower())
    return names


def looks_like_mail(head: bytes) -> bool:
    """Whether a text starts with a mail's header: a sender or a relay and one more known
    field."""
    known = mail_fields(head) & MAIL_FIELDS
    return bool(known & {b"from", b"received", b"return-path"}) and len(known) >= 2


OLE_STREAM_KINDS = (("worddocument", ".doc"), ("workbook", ".xls"), ("book", ".xls"),
                    ("powerpoint document", ".ppt"))


def ole_suffix(data: bytes) -> str:
    """``.doc``, ``.xls`` or ``.ppt`` by an OLE file's streams (``.doc`` when none tells: its
    reader says what the file is)."""
    import olefile  # noqa: PLC0415 - only OLE files need it

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            names = {"/".join(e).lower() for e in ole.listdir()}
    except Exception:  # a damaged file: the reader gives the reason
        return ".doc"
    return next((suffix for name, suffix in OLE_STREAM_KINDS if name in names), ".doc")


def text_suffix(data: bytes) -> str:
    """The suffix of a text file by what it holds: a web archive, a page, a mail or plain."""
    mail = looks_like_mail(data)
    if mail and mail_fields(data) & DELIVERED:
        return ".eml"  # a mail (an HTML one is multipart/related too, as a web archive is)
    page = saved_page(data[:4096])
    if page is not None:
        return ".mht" if page == "mht" else ".html"
    return ".eml" if mail else ".txt"


DELIVERED = {b"to", b"cc", b"received", b"message-id", b"return-path"}  # a browser's archive
# has a From (<Saved by …>) and a Subject, never these
