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
    assert zh["状态"] == "无法读取" and en["status"] == "unreadable"


FINDINGS = {"source": {"path": "/a/x.docx", "relative": "x.docx", "kind": "docx"},
            "status": "ok", "classification": "机密",
            "marking": {"raw": "机密★5年", "level": "机密"},
            "findings": [
                {"code": "SCOPE_MISSING", "severity": "error", "message_zh": "缺",
                 "message_en": "missing", "evidence": [],
                 "decision": {"decision": "confirmed", "by": "张三"}},
                {"code": "UNDER_CLASSIFIED", "severity": "warning", "message_zh": "低",
                 "message_en": "low", "evidence": []}],
            "suppressed": [{"code": "MARK_POSITION", "severity": "warning", "message_zh": "位",
                            "message_en": "place", "evidence": [],
                            "suppressed": {"decision": "dismissed", "reason": "false_alarm",
                                           "by": "李四"}}],
            "verdicts": [{"code": "UNDER_CLASSIFIED"}], "hits": [],
            "conclusion": {"conclusion": "变更", "mark": "绝密★10年", "by": "王五"}}


def _cells(lang: str) -> dict[str, str]:
    data = ledger_csv([ledger_row(FINDINGS)], lang)
    return next(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_ledger_shows_names_not_codes() -> None:
    """Status, findings, verdicts and decisions by their names (each finding's code kept in
    brackets, so a filter by code still finds it); English under ``en``."""
    zh = _cells("zh")
    assert zh["状态"] == "已检查" and zh["密级"] == "机密"
    assert zh["发现"] == "未标知悉范围（SCOPE_MISSING）；可能定密过低（UNDER_CLASSIFIED）"
    assert zh["判定"] == "可能定密过低（UNDER_CLASSIFIED）"
    assert zh["审核决定"] == ("确认 未标知悉范围（SCOPE_MISSING）；忽略 标志位置不当"
                          "（MARK_POSITION）（误报，李四）；结论：变更 绝密★10年（王五）")
    en = _cells("en")
    assert en["status"] == "checked" and en["level"] == "SECRET"
    assert en["findings"] == ("no scope (SCOPE_MISSING); possibly under-classified "
                              "(UNDER_CLASSIFIED)")
    assert en["decisions"] == (
        "confirmed no scope (SCOPE_MISSING); dismissed mark out of place (MARK_POSITION) "
        "(false alarm, 李四); conclusion: change the mark 绝密★10年 (王五)")


def test_review_sheet_shows_names_title_number_and_copy() -> None:
    from scanner.audit.review_sheet import review_xlsx  # noqa: PLC0415

    row = replace(ledger_row(FINDINGS), title="关于某事的通知", doc_number="某发〔2025〕1号",
                  copy_number="000012")
    for lang, found, severity, decision, conclusion in (
            ("zh", "未标知悉范围（SCOPE_MISSING）", "错误", "确认", "结论"),
            ("en", "no scope (SCOPE_MISSING)", "error", "confirmed", "conclusion")):
        ws = openpyxl.load_workbook(io.BytesIO(review_xlsx([row], lang))).active
        lines = [[c or "" for c in r] for r in ws.iter_rows(values_only=True)]
        head = lines[0]
        first = dict(zip(head, lines[1], strict=True))
        keys = (("文号", "份号", "发现", "级别", "审核决定") if lang == "zh" else
                ("document number", "copy number", "finding", "severity", "decision"))
        assert [first[k] for k in keys] == ["某发〔2025〕1号", "000012", found, severity,
                                            decision]
        last = dict(zip(head, lines[-1], strict=True))
        assert last[keys[2]] == conclusion
        assert "MARK_POSITION" not in {str(v) for line in lines for v in line}


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
    from scanner.audit import ledger, review_sheet  # noqa: PLC0415

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
    review = openpyxl.load_workbook(io.BytesIO(review_sheet.review_xlsx(rows, "en")))
    assert review.sheetnames == ["review", "review 2", "review 3"]
    assert sum(ws.max_row - 1 for ws in review.worksheets) == 7
