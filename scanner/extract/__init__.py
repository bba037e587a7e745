"""Choose the extractor for a file by its content, and check the content matches the name.

A file whose name and content disagree (a PDF named ``.docx``) is refused with a reason rather than
read as something it is not. Formats not read yet get :class:`UnsupportedFormat`. The extractors
themselves are listed in :mod:`.registry`.
"""

from __future__ import annotations

from pathlib import Path

from scanner.containers import is_container
from scanner.document import Document
from scanner.errors import ExtractError, UnsupportedFormat
from scanner.extract.registry import EXTRACTORS, for_path, supported_text
from scanner.extract.sniff import KIND_NAMES, saved_page, sniff, zip_kind

OFFICE_KINDS = ("doc", "xls", "ppt")


def expected_kind(path: Path) -> str | None:
    """The format its extension promises, or None when dingmi does not read that extension."""
    e = for_path(path)
    return e.kind if e else None


def extract(path: Path, head: bytes, data: bytes | None = None,
            reader: str | None = None) -> Document:
    """Extract ``path`` whose first bytes are ``head`` (and whole content ``data``, if read);
    ``reader`` names the kind of a package's member whose name does not tell it (a mail's
    body)."""
    want = for_path(path)
    got = sniff(path, head, data)
    if got == "empty":
        raise ExtractError("文件为空（0 字节）", "the file is empty (0 bytes)")
    if reader is not None:
        return EXTRACTORS[reader].read(path, data)
    if want is None and is_container(path.name):
        raise UnsupportedFormat("ZIP 压缩包由 check、scan、audit 和 watch 逐个检查其中的文件；"
                                "单独上传的压缩包不展开，请上传其中的文件",
                                "ZIP archives are opened member by member by check, scan, audit "
                                "and watch; one uploaded on its own is not: upload its files")
    if want is None:
        zh, en = KIND_NAMES.get(got, KIND_NAMES["binary"])
        suffix = path.suffix or "（无扩展名）"
        raise UnsupportedFormat(f"暂不支持 {suffix} 格式（内容为{zh}）；"
                                f"支持 {supported_text('zh')}",
                                f"{path.suffix or 'files without extension'} is not supported yet "
                                f"(content: {en}); supported: {supported_text('en')}")
    if got == "ole-encrypted":
        raise ExtractError("文件已加密（受密码保护的 Office 文件），无法读取",
                           "the file is a password-protected Office document")
    if got in want.sniffed:
        return want.read(path, data)  # the reader checks the rest (one opening of a package)
    if got == "rtf" and want.kind == "doc":  # Word and WPS save RTF under .doc too
        return EXTRACTORS["rtf"].read(path, data)
    if got == "text" and want.kind in OFFICE_KINDS:
        page = saved_page(head)  # a web page or web archive saved under an Office name
        if page is not None:
            return EXTRACTORS[page].read(path, data)
    if got == "zip":
        got = zip_kind(path, data)
    if got != want.kind:
        zh, en = KIND_NAMES.get(got, KIND_NAMES["binary"])
        raise ExtractError(f"文件扩展名为 {path.suffix}，但内容是{zh}；请核对文件",
                           f"the file is named {path.suffix} but its content is {en}")
    return want.read(path, data)
