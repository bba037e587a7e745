"""Choose the extractor for a file by its content, and check the content matches the name.

A file whose name and content disagree (a PDF named ``.docx``) is refused with a reason rather than
read as something it is not. Formats not read yet get :class:`UnsupportedFormat`.
"""

from __future__ import annotations

from pathlib import Path

from scanner.document import Document
from scanner.errors import ExtractError, UnsupportedFormat
from scanner.extract.docx import extract_docx
from scanner.extract.pdf import extract_pdf
from scanner.extract.sniff import KIND_NAMES, sniff, zip_kind
from scanner.extract.text import extract_text

SUPPORTED = {".docx": "docx", ".docm": "docx", ".pdf": "pdf", ".txt": "text", ".md": "text",
             ".markdown": "text"}
LATER = {".doc", ".wps", ".ofd", ".rtf", ".odt", ".xls", ".xlsx", ".et", ".ppt", ".pptx",
         ".dps", ".eid", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}


def expected_kind(path: Path) -> str | None:
    """The format its extension promises, or None when dingmi does not read that extension."""
    return SUPPORTED.get(path.suffix.lower())


def extract(path: Path, head: bytes, data: bytes | None = None) -> Document:
    """Extract ``path`` whose first bytes are ``head`` (and whole content ``data``, if read)."""
    want = expected_kind(path)
    got = sniff(path, head)
    if got == "empty":
        raise ExtractError("文件为空（0 字节）", "the file is empty (0 bytes)")
    if want is None:
        zh, en = KIND_NAMES.get(got, KIND_NAMES["binary"])
        suffix = path.suffix or "（无扩展名）"
        raise UnsupportedFormat(f"暂不支持 {suffix} 格式（内容为{zh}）；"
                                "支持 .docx、.pdf、.txt、.md",
                                f"{path.suffix or 'files without extension'} is not supported yet "
                                f"(content: {en}); supported: .docx, .pdf, .txt, .md")
    if got == "ole-encrypted":
        raise ExtractError("文件已加密（受密码保护的 Office 文件），无法读取",
                           "the file is a password-protected Office document")
    if want == "text" and got == "text":
        return extract_text(path)
    if want == "docx" and got == "zip":
        return extract_docx(path, data)  # checks the parts itself; one opening of the package
    if got == "zip":
        got = zip_kind(path)
    if got != want:
        zh, en = KIND_NAMES.get(got, KIND_NAMES["binary"])
        raise ExtractError(f"文件扩展名为 {path.suffix}，但内容是{zh}；请核对文件",
                           f"the file is named {path.suffix} but its content is {en}")
    if want == "docx":
        return extract_docx(path)
    return extract_pdf(path)
