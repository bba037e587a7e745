"""The extractors, by the kind of file they read: one entry per format.

Each :class:`Extractor` names its kind (as :mod:`.sniff` tells it from content), the file suffixes
that promise it, the sniffed kinds it takes as they are, whether its lines flow (a PDF's text
layer breaks lines where the page does, so the matcher may join them), and its reader. Adding a
format is one entry here; the suffixes in messages, the watched folders' default patterns and the
README's list of formats (kept in step by a test) come from this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scanner.document import Document
from scanner.messages import Msg


@dataclass(frozen=True)
class Extractor:
    """One format dingmi reads."""

    kind: str
    suffixes: tuple[str, ...]
    read: Callable[[Path, bytes | None], Document]
    name: Msg
    sniffed: tuple[str, ...]  # content kinds read as they are (the reader checks the rest)
    flowing: bool = False  # lines flow: a catalogue term may run across a line break


def _docx(path: Path, data: bytes | None) -> Document:
    from scanner.extract.docx import extract_docx  # noqa: PLC0415 - each reader when needed

    return extract_docx(path, data)


def _pdf(path: Path, data: bytes | None) -> Document:
    from scanner.extract.pdf import extract_pdf  # noqa: PLC0415

    return extract_pdf(path, data=data)


def _doc(path: Path, data: bytes | None) -> Document:
    from scanner.extract.doc import extract_doc  # noqa: PLC0415

    return extract_doc(path, data)


def _ofd(path: Path, data: bytes | None) -> Document:
    from scanner.extract.ofd import extract_ofd  # noqa: PLC0415

    return extract_ofd(path, data)


def _image(path: Path, data: bytes | None) -> Document:
    from scanner.extract.ocr import read_image  # noqa: PLC0415

    return read_image(path, data)


def _text(path: Path, data: bytes | None) -> Document:
    from scanner.extract.text import extract_text  # noqa: PLC0415

    return extract_text(path, data)


def _xlsx(path: Path, data: bytes | None) -> Document:
    from scanner.extract.sheet import extract_xlsx  # noqa: PLC0415

    return extract_xlsx(path, data)


def _xls(path: Path, data: bytes | None) -> Document:
    from scanner.extract.biff import extract_xls  # noqa: PLC0415

    return extract_xls(path, data)


def _pptx(path: Path, data: bytes | None) -> Document:
    from scanner.extract.slides import extract_pptx  # noqa: PLC0415

    return extract_pptx(path, data)


def _ppt(path: Path, data: bytes | None) -> Document:
    from scanner.extract.ppt import extract_ppt  # noqa: PLC0415

    return extract_ppt(path, data)


def _rtf(path: Path, data: bytes | None) -> Document:
    from scanner.extract.rtf import extract_rtf  # noqa: PLC0415

    return extract_rtf(path, data)


def _html(path: Path, data: bytes | None) -> Document:
    from scanner.extract.web import extract_html  # noqa: PLC0415

    return extract_html(path, data)


def _mht(path: Path, data: bytes | None) -> Document:
    from scanner.extract.web import extract_mht  # noqa: PLC0415

    return extract_mht(path, data)


def _eml(path: Path, data: bytes | None) -> Document:
    from scanner.mail import mail_document  # noqa: PLC0415

    return mail_document(path, data)


EXTRACTORS: dict[str, Extractor] = {e.kind: e for e in (
    Extractor("docx", (".docx", ".docm", ".dotx", ".dotm"), _docx,
              Msg("Word 文档", "Word documents"), ("zip",)),
    Extractor("pdf", (".pdf",), _pdf, Msg("PDF 文件（有文字层）", "PDF files with a text layer"),
              (), flowing=True),
    Extractor("doc", (".doc", ".wps", ".eid", ".dot", ".wpt"), _doc,
              Msg("Word 二进制文档（含 WPS 的 .wps）", "Word binary documents (WPS .wps too)"),
              ("ole",)),
    Extractor("ofd", (".ofd",), _ofd, Msg("OFD 版式文件", "OFD documents (GB/T 33190)"), (),
              flowing=True),
    Extractor("xlsx", (".xlsx", ".xlsm", ".xltx", ".xltm"), _xlsx,
              Msg("Excel 工作簿（读取工作表 XML）", "Excel workbooks (the sheet XML)"), ("zip",)),
    Extractor("xls", (".xls", ".et", ".xlt", ".ett"), _xls,
              Msg("Excel 二进制工作簿（含 WPS 的 .et；xlrd 读取）",
                  "Excel binary workbooks (WPS .et too; read by xlrd)"), ("ole",)),
    Extractor("pptx", (".pptx", ".pptm", ".ppsx", ".ppsm", ".potx", ".potm"), _pptx,
              Msg("PowerPoint 演示文稿（读取幻灯片 XML）",
                  "PowerPoint presentations (the slide XML)"), ("zip",)),
    Extractor("ppt", (".ppt", ".dps", ".pps", ".dpt"), _ppt,
              Msg("PowerPoint 二进制演示文稿（含 WPS 的 .dps）",
                  "PowerPoint binary presentations (WPS .dps too)"), ("ole",)),
    Extractor("rtf", (".rtf",), _rtf, Msg("RTF 文档（自有解析器）", "RTF documents (own reader)"),
              ("rtf",)),
    Extractor("web", (".htm", ".html", ".xhtml"), _html,
              Msg("网页（lxml.html 解析）", "web pages (parsed by lxml.html)"), ("text",)),
    Extractor("mht", (".mht", ".mhtml"), _mht,
              Msg("单文件网页档案（标准库 email 解析）",
                  "single-file web archives (the standard library's email)"), ("text",)),
    Extractor("eml", (".eml",), _eml,
              Msg("邮件（正文与附件分别检查，如压缩包中的文件）",
                  "mail files (the body and each attachment checked like ZIP members)"),
              ("text",)),
    Extractor("text", (".txt", ".md", ".markdown"), _text,
              Msg("纯文本（自动识别编码）", "plain text (encoding detected)"), ("text", "rtf")),
    Extractor("image", (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"), _image,
              Msg("图像（OCR 识别；未安装 OCR 时状态为 needs_ocr）",
                  "images (read by OCR; status needs_ocr without it)"), ("image",), flowing=True),
)}
BY_SUFFIX = {s: e for e in EXTRACTORS.values() for s in e.suffixes}


def for_path(path: Path) -> Extractor | None:
    """The extractor a file's suffix promises (None: a format dingmi does not read)."""
    return BY_SUFFIX.get(path.suffix.lower())


def flowing(kind: str) -> bool:
    """Whether the lines of documents of ``kind`` flow (see :class:`Extractor`)."""
    e = EXTRACTORS.get(kind)
    return e is not None and e.flowing


def suffixes() -> list[str]:
    """Every suffix dingmi reads, in registry order."""
    return [s for e in EXTRACTORS.values() for s in e.suffixes]


def supported_text(lang: str) -> str:
    """The list of supported suffixes for a message."""
    return ("、" if lang == "zh" else ", ").join(suffixes())
