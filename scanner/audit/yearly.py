"""The yearly 定密工作 statistics: what was classified in each year (by 成文日期), by level,
original and derived, and the decisions taken that year (定密, 变更, 延长, 解密, by the date of the
reviewer's conclusion); in ``stats.json`` (``by_year``) and as the sheet of ``stats.xlsx``."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from markers.models import LEVELS
from scanner.audit.ledger import LedgerRow
from scanner.decisions import Decision

DECISION_KINDS = ("定密", "变更", "延长", "解密")
UNDATED = "undated"


def decision_kind(conclusion: str) -> str | None:
    """The counted kind of a file's conclusion (延长保密期限 counts as 延长), or None."""
    for kind in DECISION_KINDS:
        if conclusion.startswith(kind):
            return kind
    return None


def by_year(rows: Sequence[LedgerRow], decisions: Sequence[Decision]) -> dict[str, Any]:
    """year → counts; marked documents without a 成文日期 under ``undated``."""
    years: dict[str, dict[str, Any]] = {}

    def year(key: str) -> dict[str, Any]:
        return years.setdefault(key, {
            "classified": 0, "by_level": dict.fromkeys(LEVELS, 0), "original": 0, "derived": 0,
            "decisions": dict.fromkeys(DECISION_KINDS, 0)})

    for r in rows:
        if r.status != "ok" or not r.level:
            continue
        y = year(r.date[:4] if r.date else UNDATED)
        y["classified"] += 1
        if r.level in y["by_level"]:
            y["by_level"][r.level] += 1
        if r.origin in ("original", "derived"):
            y[r.origin] += 1
    for d in decisions:
        kind = decision_kind(d.conclusion) if d.decision == "conclusion" else None
        if kind is not None and d.at[:4].isdigit():
            year(d.at[:4])["decisions"][kind] += 1
    return dict(sorted(years.items(), key=lambda kv: (kv[0] == UNDATED, kv[0])))


HEADERS = (("年度", "year"), ("定密件数", "classified"), ("绝密", "top secret"),
           ("机密", "secret"), ("秘密", "confidential"), ("原始定密", "original"),
           ("派生定密", "derived"), ("定密决定", "decided to classify"), ("变更", "changed"),
           ("延长", "extended"), ("解密", "declassified"))


def stats_xlsx(years: dict[str, Any], lang: str) -> bytes:
    """The sheet 年度统计: one line per year, and a total line."""
    from openpyxl import Workbook  # noqa: PLC0415 - only the audit needs it
    from openpyxl.styles import Font  # noqa: PLC0415

    wb = Workbook()
    ws = wb.active
    ws.title = "年度统计" if lang == "zh" else "by year"
    ws.append([zh if lang == "zh" else en for zh, en in HEADERS])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    ws.freeze_panes = "A2"
    total = [0] * (len(HEADERS) - 1)
    for key, y in years.items():
        values = [y["classified"], *(y["by_level"][lv] for lv in LEVELS), y["original"],
                  y["derived"], *(y["decisions"][k] for k in DECISION_KINDS)]
        total = [a + b for a, b in zip(total, values, strict=True)]
        label = key if key != UNDATED else ("成文日期不明" if lang == "zh" else "undated")
        ws.append([label, *values])
    ws.append(["合计" if lang == "zh" else "total", *total])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for letter in "ABCDEFGHIJK":
        ws.column_dimensions[letter].width = 12
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
