"""Ledger rows and cells: the language asked for is the language of every cell, the reason
included."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from scanner import ENGINE
from scanner.audit.ledger import LedgerRow, csv_safe, ledger_csv, ledger_row, ledger_xlsx
from scanner.audit.outputs import declassify_csv
from scanner.messages import Msg
from scanner.report import FileReport, Source, to_json

WHY = Msg("文件已加密，无法读取", "the file is encrypted")


def _rows(lang: str) -> list[dict[str, str]]:
    report = FileReport.unreadable(Source("/a/x.docx", None, 10), WHY, dt.date(2026, 11, 22),
                                   engine=ENGINE, relative="x.docx")
    data = ledger_csv([ledger_row(to_json(report, lang))], lang)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_reason_and_actions_follow_the_language() -> None:
    zh, en = _rows("zh")[0], _rows("en")[0]
    assert zh["说明"] == WHY.zh and zh["建议处理"] == "人工查看：文件无法自动读取"
    assert en["reason"] == WHY.en and en["suggested action"] == (
        "review by hand: the file could not be read")
    assert Path(en["path"]).name == "x.docx"


# 4. formula injection (docs/robustness.md, defects fixed) ────────────────────────────────────
HOSTILE = ['=HYPERLINK("http://example.invalid","点我")', "+1+2", "-2+3", "@SUM(1)", "\tx", "=1+1"]


def _hostile_rows(lang: str) -> list[LedgerRow]:
    rows = []
    for i, name in enumerate(HOSTILE):
        report = FileReport(Source(f"/a/{name}", "0" * 64, 10), "ok", ENGINE,
                            dt.date(2026, 11, 22), title=HOSTILE[-1 - i],
                            relative=f"{name}/{name}.docx")
        row = ledger_row(to_json(report, lang))
        rows.append(replace(row, level="秘密", mark="秘密★1年", expires_on="2020-01-01"))
    return rows


def test_4_no_ledger_cell_is_a_formula(tmp_path: Path) -> None:
    from openpyxl import load_workbook  # noqa: PLC0415

    path = tmp_path / "ledger.xlsx"
    path.write_bytes(ledger_xlsx(_hostile_rows("zh"), "zh"))
    ws = load_workbook(path).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert 'HYPERLINK("http://example.invalid","点我")' in "".join(map(str, values))


def test_4_csv_cells_that_start_like_a_formula_are_neutralised() -> None:
    for data in (ledger_csv(_hostile_rows("en"), "en"),
                 declassify_csv(_hostile_rows("en"), dt.date(2026, 11, 22),
                                dt.date(2027, 2, 22), "en")):
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert len(rows) == 1 + len(HOSTILE)
        for row in rows:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert csv_safe("=1+1") == "'=1+1" and csv_safe("文件.docx") == "文件.docx"


def test_more_rows_than_a_worksheet_holds_continue_on_further_sheets(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.audit import ledger  # noqa: PLC0415

    monkeypatch.setattr(ledger, "SHEET_ROWS", 3)
    report = {"source": {"path": "/a/x.docx", "relative": "x.docx", "kind": "docx"},
              "status": "ok", "findings": [
                  {"code": "SCOPE_MISSING", "severity": "error", "message_zh": "缺", "message_en":
                   "missing", "evidence": []}], "verdicts": [], "hits": []}
    rows = [ledger.ledger_row({**report, "source": {**report["source"],
                                                    "relative": f"{i:02d}.docx"}})
            for i in range(7)]
    wb = openpyxl.load_workbook(io.BytesIO(ledger.ledger_xlsx(rows, "zh")))
    assert wb.sheetnames == ["定密台账", "定密台账 2", "定密台账 3"]
    assert [ws.max_row for ws in wb.worksheets] == [4, 4, 2]  # header + 3, 3, 1
    assert wb.worksheets[2]["A2"].value == "06.docx"
    review = openpyxl.load_workbook(io.BytesIO(ledger.review_xlsx(rows, "en")))
    assert review.sheetnames == ["review", "review 2", "review 3"]
    assert sum(ws.max_row - 1 for ws in review.worksheets) == 7
