"""Ledger rows and cells: the language asked for is the language of every cell, the reason
included."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from scanner import ENGINE
from scanner.audit.ledger import ledger_csv, ledger_row
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
