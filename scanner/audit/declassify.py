"""The declassification list in the shape an office works from: ``declassify.xlsx``, one sheet
per deciding office (定密机关), with 档号, 文号 and 定密依据; and ``declassify-review.html``, a
printable 解密审核表 per office (A4, a column for the opinion, signature lines).

Both take the rows :func:`scanner.audit.derivation.declassify_rows` chose (expired or due within
the window, by the document's own date or, for an undated derived document, the date inferred
from its sources), in path order within each office; offices in name order, an unknown office
last. Under each listed document come the documents derived from it (numbered ``1.1``, ``1.2``…),
so the officer reviews them with their source; the workbook also has a sheet of them.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Callable, Sequence
from typing import Any

from scanner.audit.derivation import (
    STATES,
    Derived,
    Due,
    derived_reason,
    expiry_text,
    held_text,
    sources_text,
)
from scanner.audit.ledger import _clean, _text_cell
from scanner.messages import Msg
from scanner.names import level_name, value_name

TEXT = {
    "unknown": Msg("定密机关不明", "office unknown"),
    "office": Msg("定密机关", "classifying office"),
    "sheet": Msg("解密清单", "declassification"),
    "form": Msg("解密审核表", "Declassification review form"),
    "as_of": Msg("基准日期", "as of"),
    "count": Msg("份数", "documents"),
    "none": Msg("没有已到期或即将到期的文件。", "No document has expired or is due."),
    "notice": Msg("本表涉及国家秘密信息，请按涉密载体管理。",
                  "This form describes classified documents; handle it accordingly."),
    "opinion": Msg("审核意见", "opinion"),
    "choices": Msg("□解密 □延长 □变更 □维持", "□ declassify □ extend □ change □ keep"),
    "clerk": Msg("承办人", "prepared by"),
    "officer": Msg("定密责任人", "classification officer"),
    "date": Msg("日期", "date"),
    "derived_sheet": Msg("派生文件", "derived documents"),
    "derived_count": Msg("派生文件", "derived documents"),
    "has_derived": Msg("派生文件 {n} 份，列于其下", "{n} derived documents, listed below it"),
    "derived_from": Msg("派生自第 {no} 项“{src}”", "derived from no. {no} '{src}'"),
}
DERIVED_COLUMNS = (  # the sheet of derived documents: (zh, en, width)
    ("来源路径", "source path", 36), ("来源标志", "source mark", 16),
    ("来源状态", "source state", 12),
    ("派生文件路径", "derived document", 36), ("标题", "title", 36),
    ("文号", "document number", 20), ("份号", "copy number", 12), ("国家秘密标志", "mark", 16),
    ("成文日期", "date", 12), ("解密日期", "expiry date", 24), ("解密日期依据", "expiry basis", 36),
    ("状态", "state", 10),
)
COLUMNS = (  # (zh, en, width)
    ("序号", "no.", 6), ("档号", "archive number", 20), ("文号", "document number", 22),
    ("标题", "title", 40), ("份号", "copy number", 12), ("密级", "level", 13),
    ("国家秘密标志", "mark", 18),
    ("成文日期", "date", 12), ("解密日期", "expiry date", 12), ("状态", "state", 10),
    ("定密依据", "basis", 36), ("原始/派生", "original/derived", 16), ("原因", "reason", 40),
    ("路径", "path", 40), ("派生关系", "derivation", 36),
)
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _t(key: str, lang: str) -> str:
    return TEXT[key].text(lang)


def groups(due: Sequence[Due]) -> list[tuple[str, list[Due]]]:
    """The rows by deciding office ('' for unknown, last), each in path order."""
    by: dict[str, list[Due]] = {}
    for d in due:
        by.setdefault(d[0].issuer, []).append(d)
    return [(k, sorted(by[k], key=lambda d: d[0].relative))
            for k in sorted(by, key=lambda k: (k == "", k))]


def office_name(office: str, lang: str) -> str:
    """The office as shown ('' is 定密机关不明)."""
    return office or _t("unknown", lang)


def _values(i: int, d: Due, lang: str) -> list[str]:
    row = d.row
    relation = [sources_text(d.inferred, lang)] if d.inferred else []
    if d.held_by:
        relation.append(held_text(d.held_by, lang))
    if d.derived:
        relation.append(TEXT["has_derived"].text(lang).format(n=len(d.derived)))
    return [str(i), row.archive_id, row.doc_number, row.title, row.copy_number,
            level_name(row.level, lang), row.mark, row.date,
            expiry_text(d.expires_on, d.inferred, lang), STATES[d.state].text(lang), row.basis,
            value_name("origin", row.origin, lang) if row.origin else "", d.reason(lang),
            row.relative, ("；" if lang == "zh" else "; ").join(relation)]


def _child_values(no: str, parent: int, source: Due, c: Derived, *, as_of: dt.date,
                  lang: str) -> list[str]:
    """A derived document's line under its source."""
    row = c.row
    reason = derived_reason(c, as_of, lang)
    relation = TEXT["derived_from"].text(lang).format(no=parent, src=source.row.relative)
    return [no, row.archive_id, row.doc_number, row.title, row.copy_number,
            level_name(row.level, lang), row.mark, row.date,
            expiry_text(c.expires_on, c.inferred, lang), STATES[c.state].text(lang), row.basis,
            value_name("origin", row.origin, lang) if row.origin else "", reason, row.relative,
            relation]


def _lines(rows: Sequence[Due], as_of: dt.date, lang: str) -> list[tuple[bool, list[str]]]:
    """(derived?, values) of every line of one office's table: each listed document, then the
    documents derived from it."""
    out = []
    for i, d in enumerate(rows, start=1):
        out.append((False, _values(i, d, lang)))
        out += [(True, _child_values(f"{i}.{j}", i, d, c, as_of=as_of, lang=lang))
                for j, c in enumerate(d.derived, start=1)]
    return out


def sheet_title(office: str, taken: set[str]) -> str:
    """A worksheet name for ``office``: without the characters Excel refuses, at most 31
    characters, unique in the workbook."""
    base = _SHEET_BAD.sub("_", office).strip("'") or "_"
    name, n = base[:31], 1
    while name.lower() in taken:
        n += 1
        suffix = f" {n}"
        name = base[:31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def declassify_xlsx(due: Sequence[Due], as_of: dt.date, lang: str) -> bytes:
    """One sheet per office: the office and its count on the first line, then the table."""
    from openpyxl import Workbook  # noqa: PLC0415 - only the audit needs it
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for office, rows in groups(due) or [("", [])]:
        shown = office_name(office, lang) if due else _t("sheet", lang)
        ws = wb.create_sheet(sheet_title(shown, taken))
        ws.append([f"{_t('office', lang)}：{shown}" if lang == "zh"
                   else f"{_t('office', lang)}: {shown}", f"{_t('count', lang)}", len(rows)])
        ws["A1"].font = bold
        ws.append([zh if lang == "zh" else en for zh, en, _ in COLUMNS])
        for cell in ws[2]:
            cell.font = bold
        for i, (_, _, width) in enumerate(COLUMNS, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A3"
        lines = _lines(rows, as_of, lang)
        for _, values in lines:
            ws.append([_text_cell(ws, _clean(v)) for v in values])
        ws.auto_filter.ref = f"A2:{get_column_letter(len(COLUMNS))}{len(lines) + 2}"
    if any(d.derived for d in due):
        _derived_sheet(wb.create_sheet(sheet_title(_t("derived_sheet", lang), taken)), due, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _derived_sheet(ws: Any, due: Sequence[Due], lang: str) -> None:
    """One line per (listed source, derived document)."""
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    ws.append([zh if lang == "zh" else en for zh, en, _ in DERIVED_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, (_, _, width) in enumerate(DERIVED_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    n = 0
    for _, rows in groups(due):
        for d in rows:
            for c in d.derived:
                values = [d.row.relative, d.row.mark, STATES[d.state].text(lang),
                          c.row.relative, c.row.title, c.row.doc_number, c.row.copy_number,
                          c.row.mark, c.row.date,
                          expiry_text(c.expires_on, c.inferred, lang),
                          sources_text(c.inferred, lang), STATES[c.state].text(lang)]
                ws.append([_text_cell(ws, _clean(v)) for v in values])
                n += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(DERIVED_COLUMNS))}{n + 1}"


FORM_COLUMNS = ((0, 4), (1, 10), (2, 11), (3, 15), (4, 7), (6, 9), (7, 8), (8, 8), (10, 13))
# (value index, width in %) of the form's columns; the opinion column takes the rest


def review_forms(due: Sequence[Due], as_of: dt.date, lang: str) -> str:
    """The 解密审核表: one form per office, each starting on a new A4 page."""
    e = html.escape
    heads = [(zh if lang == "zh" else en) for zh, en, _ in COLUMNS]
    colon = "：" if lang == "zh" else ": "
    sections = []
    for office, rows in groups(due):
        shown = office_name(office, lang)
        cols = "".join(f'<col style="width:{w}%">' for _, w in FORM_COLUMNS) + "<col>"
        head = "".join(f"<th>{e(heads[i])}</th>" for i, _ in FORM_COLUMNS)
        body = "".join(
            ('<tr class="derived">' if derived else "<tr>")
            + "".join(f"<td>{_cell(i, values, e)}</td>" for i, _ in FORM_COLUMNS)
            + f'<td class="opinion">{e(_t("choices", lang))}</td></tr>'
            for derived, values in _lines(rows, as_of, lang))
        children = sum(len(d.derived) for d in rows)
        more = (f'<span>{e(_t("derived_count", lang))}{colon}{children}</span>'
                if children else "")
        sign = "".join(
            f'<div class="sign"><span>{e(_t(who, lang))}{colon}</span><span class="line"></span>'
            f'<span>{e(_t("date", lang))}{colon}</span><span class="line short"></span></div>'
            for who in ("clerk", "officer"))
        sections.append(
            f'<section class="form"><h1>{e(_t("form", lang))}</h1>'
            f'<p class="notice">{e(_t("notice", lang))}</p>'
            f'<p class="meta"><span>{e(_t("office", lang))}{colon}{e(shown)}</span>'
            f'<span>{e(_t("as_of", lang))}{colon}{as_of.isoformat()}</span>'
            f'<span>{e(_t("count", lang))}{colon}{len(rows)}</span>{more}</p>'
            f"<table><colgroup>{cols}</colgroup><thead><tr>{head}"
            f'<th>{e(_t("opinion", lang))}</th></tr></thead><tbody>{body}</tbody></table>'
            f'<div class="signs">{sign}</div></section>')
    if not sections:
        sections.append(f'<section class="form"><h1>{e(_t("form", lang))}</h1>'
                        f'<p>{e(_t("none", lang))}</p></section>')
    return ('<!DOCTYPE html><html lang="' + ("zh-CN" if lang == "zh" else "en") + '"><head>'
            '<meta charset="utf-8">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">"
            f"<title>{e(_t('form', lang))}</title><style>{FORM_CSS}</style></head><body>"
            + "".join(sections) + "</body></html>")


def _cell(i: int, values: list[str], e: Callable[[str], str]) -> str:
    """One cell of the form; the title's cell also says how the line relates to the others
    (derived from, derived documents below, the date inferred)."""
    text = e(values[i])
    if i == 3 and values[-1]:
        text += f'<div class="rel">{e(values[-1])}</div>'
    return text


FORM_CSS = """
@page{size:A4 landscape;margin:12mm}
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#000;margin:0;
font-size:10.5pt}
.form{break-after:page;page-break-after:always;max-width:273mm;margin:0 auto}
.form:last-child{break-after:auto;page-break-after:auto}
h1{text-align:center;font-size:18pt;margin:.2em 0}.notice{text-align:center;font-weight:bold}
.meta{display:flex;justify-content:space-between;gap:1em;flex-wrap:wrap}
table{width:100%;border-collapse:collapse;table-layout:fixed}
thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}
td,th{border:1px solid #000;padding:3px 4px;vertical-align:top;overflow-wrap:anywhere;
word-break:break-word}th{background:#eee}td.opinion{white-space:normal;min-height:3em}
.signs{display:flex;justify-content:space-between;gap:2em;margin-top:1.5em;
break-inside:avoid;page-break-inside:avoid}
tr.derived td:first-child{padding-left:1em}tr.derived{background:#f6f6f6}
.rel{font-size:9pt;margin-top:2px}
.sign{display:flex;align-items:flex-end;gap:.3em}.line{display:inline-block;width:38mm;
border-bottom:1px solid #000;height:1.2em}.line.short{width:28mm}
"""


def as_bytes(text: str) -> bytes:
    """The page as UTF-8 (a file name that is not UTF-8 as escapes)."""
    return text.encode("utf-8", "backslashreplace")

