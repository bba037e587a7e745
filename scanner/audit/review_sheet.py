"""``review.xlsx``, the 审核意见表: every file, each finding with its decision (or open), and the
file's conclusion; every value by its name (:mod:`scanner.names`), the finding with its code."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from scanner.audit import ledger
from scanner.audit.ledger import LedgerRow, _clean, _text_cell, sheet_names
from scanner.names import code_label, value_name

REVIEW_COLUMNS = (  # (zh, en, width)
    ("路径", "path", 40), ("标题", "title", 30), ("文号", "document number", 20),
    ("份号", "copy number", 12), ("国家秘密标志", "mark", 18), ("发现", "finding", 44),
    ("级别", "severity", 10), ("说明", "message", 50), ("审核决定", "decision", 10),
    ("理由", "reason", 12), ("审核人", "reviewer", 10), ("时间", "time", 20),
    ("备注", "note", 30),
)


class _Sheets:
    """Rows appended across worksheets, a new one when a sheet is full."""

    def __init__(self, make: Any) -> None:
        self.make, self.sheet, self.rows = make, make(), 0

    def append(self, values: Sequence[str]) -> None:
        if self.rows >= ledger.SHEET_ROWS:
            self.sheet, self.rows = self.make(), 0
        self.sheet.append([_text_cell(self.sheet, _clean(v)) for v in values])
        self.rows += 1


def review_lines(row: LedgerRow, lang: str) -> list[tuple[str, ...]]:
    """The lines of one file: a line per finding, the conclusion, or one line saying why there
    is nothing (the reason a file was not read, else ``—``)."""
    head = (row.relative, row.title, row.doc_number, row.copy_number, row.mark)
    out: list[tuple[str, ...]] = []
    for r in row.reviews:
        message = r[2] if lang == "zh" else r[3]
        out.append((*head, code_label(r[0], lang), value_name("severity", r[1], lang), message,
                    value_name("decision", r[4], lang),
                    value_name("reason", r[5], lang) if r[5] else "", r[6], r[7], r[8]))
    if row.conclusion:
        c = row.conclusion
        said = f"{value_name('conclusion', c[0], lang)} {c[1]}".strip()
        conclusion = value_name("decision", "conclusion", lang)
        out.append((*head, conclusion, "", said, conclusion, "", c[2], c[3], c[4]))
    if not out:
        why = row.reason if lang == "zh" else row.reason_en
        out.append((*head, "", "", why or "—", "", "", "", "", ""))
    return out


def review_xlsx(rows: Sequence[LedgerRow], lang: str) -> bytes:
    """The workbook, frozen header, set widths; more lines than a sheet holds continue on
    further sheets (审核意见表 2, …)."""
    from openpyxl import Workbook  # noqa: PLC0415 - only the audit needs it
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    wb = Workbook(write_only=True)
    names = iter(sheet_names("审核意见表" if lang == "zh" else "review", 10_000))

    def new_sheet() -> Any:
        from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

        sheet = wb.create_sheet(next(names))
        sheet.freeze_panes = "A2"
        for i, (_, _, width) in enumerate(REVIEW_COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        header = []
        for zh, en, _ in REVIEW_COLUMNS:
            cell = WriteOnlyCell(sheet, value=zh if lang == "zh" else en)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        return sheet

    ws = _Sheets(new_sheet)
    for row in rows:
        for line in review_lines(row, lang):
            ws.append(line)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
