"""Spreadsheets (.xlsx and .xlsm, .xls and WPS .et) as blocks: a row a block, at ``工作表!A1``.

Officers put the mark where the eye falls first: the first rows of a sheet (often alone in A1 or
in a merged title row), the printed header or footer, or the document properties. So each row
becomes one block at the location of its first filled cell; a row with one filled cell is a
line (``top`` for the first rows of each sheet, as each printed sheet carries the mark;
``body`` after; the lines of a cell with line breaks are lines of their own), a row with
several is a table row whose cells, from the first filled one on, are joined by tabs (region
``table``, so ``密级 | 机密`` pairs as in a DOCX table; an empty cell between two filled ones is
kept, so a column lines up from row to row). Hidden sheets are read like the others. Each sheet
is read up to :data:`MAX_ROWS` rows and all sheets together up to :data:`MAX_CELLS` cells; past
either the rest is left unread and the report says so.

The OOXML workbook is read from its sheet XML with lxml (streamed, under the package limits of
:mod:`.ooxml`); the BIFF workbook (.xls, .et) with xlrd, in :mod:`.biff`. docs/benchmarks.md
has the figures behind both choices.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from markers import Block
from scanner.document import Document
from scanner.errors import ExtractError
from scanner.extract.ooxml import ooxml_props, open_package, parse_xml, read_part

MAX_ROWS = 5_000  # rows read in one sheet
MAX_CELLS = 200_000  # filled cells read in the whole workbook
TOP_ROWS = 6  # the first rows of a sheet stand where a mark stands
MAX_SPAN = 256  # columns a row's text spans with its empty cells kept

S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
# The codes of an Excel header or footer (ECMA-376 §18.3.1.39): &L, &C and &R start the left,
# centre and right sections; &P (page, also &P+1), &N (pages), &D, &T, &Z, &F, &A and &G insert
# fields or a picture; &B, &I, &U, &E, &S, &X, &Y, &O and &H switch styles; &"font,style", a font
# size (&12) and a colour (&KFF0000, or a theme colour &K01+000) set the font; && is an "&".
HF_TOKEN = re.compile(r'&(?:(?P<section>[LCR])|(?P<amp>&)|"[^"]*"?|\d+|K(?:[0-9A-Fa-f]{6}|'
                      r'\d\d[+-]\d{3})?|[PN](?:[+-]\d+)?|[DTZFAGBIUESXYOH])')
HF_SECTIONS = "LCR"  # the order a reader's eye takes them
# A character OOXML text cannot hold as such, escaped (ST_Xstring): ``_x000a_`` a line feed (as
# openpyxl writes a header's line break), ``_x000D_`` the carriage return Excel keeps in a cell,
# ``_x005F_`` an underscore (so ``_x005F_x000a_`` is the text "_x000a_").
XSTRING = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """OOXML text with its ``_xHHHH_`` escapes decoded."""
    return XSTRING.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def s(tag: str) -> str:
    return f"{{{S}}}{tag}"


def column(n: int) -> str:
    """The letters of column ``n`` (0 → A, 26 → AA)."""
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def header_footer_lines(raw: str) -> list[str]:
    """The lines of an Excel header or footer: each section (left, centre, right: text before
    any section code is the centre's) and each line within a section is a line of its own, with
    the codes removed (``&L机密★5年&C第&P页`` → ``机密★5年``, ``第页``)."""
    sections: dict[str, list[str]] = {}
    current = sections.setdefault("C", [])
    at = 0
    for m in HF_TOKEN.finditer(raw):
        current.append(raw[at:m.start()])
        at = m.end()
        if m.group("section"):
            current = sections.setdefault(m.group("section"), [])
        elif m.group("amp"):
            current.append("&")
    current.append(raw[at:])
    lines = []
    for name in HF_SECTIONS:
        text = "".join(sections.get(name, []))
        lines += [line.strip() for line in text.splitlines() if line.strip()]
    return lines


@dataclass
class Sheet:
    """One sheet as read: its name, whether hidden, its rows (row number, [(column, text)]),
    its headers and footers (the lines of each), and whether rows were left unread."""

    name: str
    hidden: bool = False
    rows: list[tuple[int, list[tuple[int, str]]]] = field(default_factory=list)
    headers: list[list[str]] = field(default_factory=list)
    footers: list[list[str]] = field(default_factory=list)
    cut: bool = False


def row_text(filled: list[tuple[int, str]]) -> str:
    """A row's filled cells joined by tabs from the first on, an empty cell between them kept as
    such so a column lines up from row to row as in a document's table (but for a row spread
    wider than :data:`MAX_SPAN` columns, whose empty cells are left out)."""
    texts = dict(filled)
    first, last = min(texts), max(texts)
    if last - first >= MAX_SPAN:
        return "\t".join(texts[c] for c in sorted(texts))
    return "\t".join(texts.get(c, "") for c in range(first, last + 1))


def cell_lines(text: str) -> list[str]:
    """The non-blank lines of a cell's text."""
    return [line.strip() for line in text.splitlines() if line.strip()] if "\n" in text or (
        "\r" in text) else [text]


class Budget:
    """The cells left to read in a workbook."""

    def __init__(self) -> None:
        self.cells = MAX_CELLS
        self.cut = False

    def take(self, n: int) -> bool:
        if n > self.cells:
            self.cut = True
            return False
        self.cells -= n
        return True


def blocks_of(sheets: list[Sheet], props: Iterable[tuple[str, str]]) -> tuple[list[Block],
                                                                               dict[str, str]]:
    """The blocks of a workbook's sheets and properties, and the reading note (when cut)."""
    out: list[Block] = []

    def add(text: str, location: str, region: str) -> None:
        out.append(Block(text, location, region, len(out)))  # type: ignore[arg-type]

    for sh in sheets:
        for k, lines in enumerate(sh.headers, 1):
            for line in lines:
                add(line, f"{sh.name}!页眉{k if k > 1 else ''}", "header")
        for n, (row, cells) in enumerate(sh.rows):
            filled = sorted(((c, t) for c, t in cells if t), key=lambda cell: cell[0])
            if not filled:
                continue
            where = f"{sh.name}!{column(filled[0][0])}{row}"
            if len(filled) > 1:
                add(row_text(filled), where, "table")
            else:  # a cell's lines (Alt+Enter) are lines, as a paragraph's are
                region = "top" if n < TOP_ROWS else "body"
                for line in cell_lines(filled[0][1]):
                    add(line, where, region)
        for k, lines in enumerate(sh.footers, 1):
            for line in lines:
                add(line, f"{sh.name}!页脚{k if k > 1 else ''}", "footer")
    for where, value in props:
        add(value, where, "props")
    meta: dict[str, str] = {}
    cut = [sh.name for sh in sheets if sh.cut]
    if cut:
        names = "、".join(cut[:5])
        meta["note_zh"] = (f"表格过大：工作表 {names} 只读取了前 {MAX_ROWS} 行"
                           f"（整个工作簿最多 {MAX_CELLS} 个单元格）")
        meta["note_en"] = (f"large spreadsheet: only the first {MAX_ROWS} rows of sheet(s) "
                           f"{', '.join(cut[:5])} were read (at most {MAX_CELLS} cells in the "
                           "workbook)")
    return out, meta


# --- OOXML (.xlsx, .xlsm) ---------------------------------------------------------------------

STRICT = ((b"http://purl.oclc.org/ooxml/spreadsheetml/main", S.encode()),
          (b"http://purl.oclc.org/ooxml/officeDocument/relationships", R.encode()),
          (b"http://purl.oclc.org/ooxml/presentationml/main",
           b"http://schemas.openxmlformats.org/presentationml/2006/main"),
          (b"http://purl.oclc.org/ooxml/drawingml/main",
           b"http://schemas.openxmlformats.org/drawingml/2006/main"))


def content_part(zf: zipfile.ZipFile, name: str) -> bytes | None:
    """A part as :func:`read_part` gives it, with the namespaces of Strict Open XML (Excel's and
    PowerPoint's "Strict" save) mapped to the transitional ones the readers know."""
    data = read_part(zf, name)
    if data is not None and b"purl.oclc.org/ooxml/" in data[:4096]:
        for strict, transitional in STRICT:
            data = data.replace(strict, transitional)
    return data


def part_rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    data = read_part(zf, posixpath.join(folder, "_rels", name + ".rels"))
    if data is None:
        return {}
    out = {}
    for rel in parse_xml(data, name + ".rels").iter(f"{{{REL}}}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        out[rel.get("Id", "")] = path
    return out


def _shared_strings(zf: zipfile.ZipFile, part: str | None) -> list[str]:
    data = content_part(zf, part) if part else None
    if data is None:
        return []
    root = parse_xml(data, part or "sharedStrings.xml")
    phonetic = s("rPh")
    out = []
    for si in root.iter(s("si")):
        texts = [t.text or "" for t in si.iter(s("t"))
                 if not any(a.tag == phonetic for a in t.iterancestors())]
        out.append(unescape("".join(texts)))
    return out


def _ref_column(ref: str | None, fallback: int) -> int:
    if not ref:
        return fallback
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        else:
            break
    return n - 1 if n else fallback


DATE_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


class Book:
    """What a workbook says about all its cells: shared strings, which styles are dates, and
    its date system."""

    def __init__(self, strings: list[str], dates: set[int], date1904: bool) -> None:
        self.strings, self.dates = strings, dates
        self.epoch = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)

    def date(self, value: str) -> str | None:
        """A date serial number written out (2026年3月2日); None when it is not one."""
        try:
            serial = float(value)
            day = self.epoch + dt.timedelta(days=int(serial))
        except (ValueError, OverflowError):
            return None
        return f"{day.year}年{day.month}月{day.day}日"


def _date_styles(zf: zipfile.ZipFile) -> set[int]:
    """The indexes of the cell styles that show a number as a date."""
    data = content_part(zf, "xl/styles.xml")
    if data is None:
        return set()
    root = parse_xml(data, "xl/styles.xml")
    custom = set()
    for fmt in root.iter(s("numFmt")):
        code = LITERALS.sub("", fmt.get("formatCode", ""))
        if re.search("[yYdD年日]", code):
            try:
                custom.add(int(fmt.get("numFmtId", "")))
            except ValueError:
                continue
    xfs = root.find(s("cellXfs"))
    out = set()
    for k, xf in enumerate(xfs if xfs is not None else []):
        try:
            fmt_id = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        if fmt_id in DATE_IDS or fmt_id in custom:
            out.add(k)
    return out


def _cell_text(c: etree._Element, book: Book) -> str:
    strings = book.strings
    kind = c.get("t")
    if kind == "inlineStr":
        return unescape("".join(t.text or "" for t in c.iter(s("t")))).strip()
    v = c.find(s("v"))
    value = (v.text or "") if v is not None else ""
    if kind == "s":
        try:
            return strings[int(value)].strip()
        except (ValueError, IndexError):
            return ""
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE"
    style = c.get("s")
    if kind in (None, "n") and style and value and book.dates and style.isdigit() and int(
            style) in book.dates:
        return book.date(value) or value.strip()
    return value.strip()


def _read_sheet(data: bytes, part: str, sheet: Sheet, book: Book,
                budget: Budget) -> None:
    """Stream one worksheet part: its rows (up to the limits) and its header and footer."""
    if b"<!DOCTYPE" in data[:4096]:
        parse_xml(data, part)  # refuses it with the reason
    events = etree.iterparse(io.BytesIO(data), events=("end",), resolve_entities=False,
                             no_network=True, huge_tree=False, load_dtd=False,
                             tag=(s("row"), s("headerFooter")))
    try:
        for _, el in events:
            if el.tag == s("headerFooter"):
                for child in el:
                    lines = header_footer_lines(unescape(child.text or ""))
                    if not lines:
                        continue
                    local = etree.QName(child).localname
                    (sheet.headers if "Header" in local else sheet.footers).append(lines)
                continue
            if sheet.cut:
                el.clear()
                continue
            try:
                number = int(el.get("r") or len(sheet.rows) + 1)
            except ValueError:
                number = len(sheet.rows) + 1
            cells = [(_ref_column(c.get("r"), k), _cell_text(c, book))
                     for k, c in enumerate(el.iter(s("c")))]
            cells = [(col, text) for col, text in cells if text]
            el.clear()
            if len(sheet.rows) >= MAX_ROWS or not budget.take(len(cells)):
                sheet.cut = True
                continue
            if cells:
                sheet.rows.append((number, cells))
    except etree.XMLSyntaxError as exc:
        raise ExtractError(f"文件内部件 {part} 不是有效的 XML：{exc}",
                           f"part {part} is not valid XML: {exc}") from exc


def extract_xlsx(path: Path, data: bytes | None = None) -> Document:
    """Read an OOXML workbook (.xlsx, .xlsm) from its sheet XML."""
    with open_package(path, data, "XLSX") as zf:
        workbook = content_part(zf, "xl/workbook.xml")
        if workbook is None:
            raise ExtractError("XLSX 包中没有工作簿部件（xl/workbook.xml），不是 Excel 工作簿",
                               "not an Excel workbook: the package has no xl/workbook.xml")
        root = parse_xml(workbook, "xl/workbook.xml")
        rels = part_rels(zf, "xl/workbook.xml")
        strings_part = next((p for p in rels.values() if p.endswith("sharedStrings.xml")), None)
        strings = _shared_strings(zf, strings_part or "xl/sharedStrings.xml")
        pr = root.find(s("workbookPr"))
        book = Book(strings, _date_styles(zf),
                    pr is not None and pr.get("date1904", "").lower() in ("1", "true"))
        budget = Budget()
        sheets: list[Sheet] = []
        for el in root.iter(s("sheet")):
            sheet = Sheet(el.get("name") or f"Sheet{len(sheets) + 1}",
                          hidden=el.get("state") in ("hidden", "veryHidden"))
            part = rels.get(el.get(f"{{{R}}}id", ""))
            body = content_part(zf, part) if part else None
            if body is not None and part is not None:
                _read_sheet(body, part, sheet, book, budget)
            sheets.append(sheet)
        props = ooxml_props(zf)
    blocks, meta = blocks_of(sheets, props)
    meta.update({k.split(".", 1)[1]: v for k, v in props if k.count(".") == 1})
    return Document(path=path, kind="xlsx", blocks=tuple(blocks), meta=meta)
