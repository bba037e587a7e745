"""BIFF workbooks (.xls, WPS .et) read with xlrd, as sheets of :mod:`.sheet` (a row a block at
``工作表!A1``), with the printed header and footer of each worksheet from its records (xlrd does
not read them). A password-protected workbook (a FILEPASS record) is refused as encrypted; an
OLE file holding another kind of document says what it is.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import olefile

from scanner.document import Document
from scanner.errors import ExtractError
from scanner.extract.oleprops import ole_properties
from scanner.extract.sheet import MAX_ROWS, Budget, Sheet, blocks_of, header_footer_lines, unescape


def extract_xls(path: Path, data: bytes | None = None) -> Document:
    """Read a BIFF workbook (.xls, WPS .et) with xlrd."""
    content = data if data is not None else path.read_bytes()
    _check_workbook_stream(content)
    sheets = biff_sheets(content)
    props, info = ole_properties(content)
    blocks, meta = blocks_of(sheets, props)
    return Document(path=path, kind="xls", blocks=tuple(blocks), meta={**info, **meta})


def biff_sheets(content: bytes) -> list[Sheet]:
    """The sheets of a BIFF workbook: an OLE file, or the bare ``Workbook`` stream of one (an
    Excel object embedded in a Word document)."""
    import xlrd  # noqa: PLC0415 - loaded for BIFF files only

    try:
        book = xlrd.open_workbook(file_contents=content, on_demand=True,
                                  logfile=io.StringIO(), formatting_info=False)
    except Exception as exc:  # xlrd raises many kinds on a damaged file
        raise _biff_error(exc) from exc
    budget = Budget()
    sheets: list[Sheet] = []
    printed = _biff_headers(content)
    try:
        for index in range(book.nsheets):
            sh = book.sheet_by_index(index)
            sheet = Sheet(sh.name, hidden=bool(getattr(sh, "visibility", 0)))
            for r in range(sh.nrows):
                if r >= MAX_ROWS:
                    sheet.cut = True
                    break
                cells = [(c, _biff_text(sh.cell(r, c), book.datemode))
                         for c in range(sh.row_len(r))]
                cells = [(c, t) for c, t in cells if t]
                if not budget.take(len(cells)):
                    sheet.cut = True
                    break
                if cells:
                    sheet.rows.append((r + 1, cells))
            if len(printed) == book.nsheets:
                sheet.headers, sheet.footers = printed[index]
            sheets.append(sheet)
            book.unload_sheet(index)
    except Exception as exc:
        raise _biff_error(exc) from exc
    finally:
        book.release_resources()
    return sheets


BOF, HEADER, FOOTER, WORKSHEET = 0x0809, 0x0014, 0x0015, 0x0010


def _biff_headers(content: bytes) -> list[tuple[list[list[str]], list[list[str]]]]:
    """The printed header and footer lines of each worksheet, in stream order, from the HEADER
    and FOOTER records (xlrd does not read them); empty when the stream cannot be walked."""
    data = content
    try:
        if content.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file, not a bare stream
            with olefile.OleFileIO(io.BytesIO(content)) as ole:
                name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
                data = ole.openstream(name).read() if name else b""
    except Exception:  # xlrd has read the file: only the headers are lost
        return []
    out: list[tuple[list[list[str]], list[list[str]]]] = []
    at = 0
    while at + 4 <= len(data):
        typ, size = struct.unpack_from("<HH", data, at)
        body = data[at + 4:at + 4 + size]
        at += 4 + size
        if typ == BOF and len(body) >= 4:
            if struct.unpack_from("<H", body, 2)[0] == WORKSHEET:
                out.append(([], []))
        elif typ in (HEADER, FOOTER) and out and len(body) >= 3:
            count, wide = struct.unpack_from("<H", body, 0)[0], body[2] & 1
            raw = body[3:3 + count * (2 if wide else 1)]
            # LibreOffice keeps an OOXML escape (_x000a_, openpyxl's line break) as text when it
            # writes an .xlsx's header to .xls: read it as the character it stands for
            lines = header_footer_lines(unescape(raw.decode("utf-16-le" if wide else "latin-1",
                                                            "replace")))
            if lines:
                out[-1][0 if typ == HEADER else 1].append(lines)
    return out


def _check_workbook_stream(content: bytes) -> None:
    """Refuse, saying what it is, an OLE file without an Excel workbook stream."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(content))
    except Exception as exc:  # olefile raises many kinds on a damaged file
        raise ExtractError(f"Excel 工作簿已损坏（不是可读的 OLE 文件）：{exc}",
                           f"damaged Excel workbook: not a readable OLE file ({exc})") from exc
    with ole:
        lower = {"/".join(e).lower() for e in ole.listdir()}
    if lower & {"workbook", "book"}:
        return
    if "worddocument" in lower:
        raise ExtractError("文件扩展名是 Excel 工作簿，但内容是 Word 文档；请核对文件",
                           "the name says Excel workbook but the content is a Word document")
    if "powerpoint document" in lower:
        raise ExtractError("文件扩展名是 Excel 工作簿，但内容是 PowerPoint 演示文稿；请核对文件",
                           "the name says Excel workbook but the content is a PowerPoint "
                           "presentation")
    raise ExtractError("OLE 文件中没有 Excel 工作簿流（可能是 Excel 5.0 之前或其他 Office 文件）",
                       "an OLE file without an Excel workbook stream (older than Excel 5, or "
                       "another Office file?)")


def _biff_text(cell: object, datemode: int) -> str:
    """A cell's text; a date cell as the date written out (2026年3月2日), as it shows."""
    import xlrd  # noqa: PLC0415

    kind, value = getattr(cell, "ctype", 0), getattr(cell, "value", "")
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if kind == xlrd.XL_CELL_DATE and isinstance(value, float):
        try:
            when = xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return str(value)
        return f"{when.year}年{when.month}月{when.day}日"
    if kind == xlrd.XL_CELL_NUMBER and isinstance(value, float) and value.is_integer():
        return str(int(value))
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    return str(value).strip()


def _biff_error(exc: Exception) -> ExtractError:
    text = str(exc)
    if "encrypt" in text.lower() or "FILEPASS" in text:
        return ExtractError("Excel 工作簿已加密（受密码保护），无法读取",
                            "the Excel workbook is encrypted (password-protected)")
    if "Workbook" in text and "not found" in text.lower():
        return ExtractError("OLE 文件中没有 Excel 工作簿流",
                            "an OLE file without an Excel workbook stream")
    return ExtractError(f"Excel 工作簿已损坏：{type(exc).__name__}: {text[:200]}",
                        f"damaged Excel workbook: {type(exc).__name__}: {text[:200]}")
