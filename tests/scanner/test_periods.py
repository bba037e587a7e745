"""PERIOD_ABOVE_CATALOG compares a mark's term with an item's whatever their forms: years,
months, a date (a duration turned into a date from the document date), 长期, a condition (never
compared: PERIOD_NOT_COMPARED says so). Each pair both ways: longer, equal, shorter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from markers.lines import parse_mark_line
from markers.models import Term
from rules.model import Item
from scanner.pipeline import ScanOptions, scan_file
from scanner.verdicts import compare_term

DOC_DATE = dt.date(2026, 3, 2)


def term(text: str) -> Term:
    line = parse_mark_line(text)
    assert line is not None and line.term is not None
    return line.term


YEARS5 = Item("Y", "five years", "秘密", max_years=5)
MONTHS18 = Item("M", "eighteen months", "秘密", max_months=18)
UNTIL = Item("D", "until a date", "秘密", until=dt.date(2030, 12, 31))
LONG = Item("L", "long term", "绝密", long_term=True)
COND = Item("C", "a condition", "秘密", condition="公布前")

# (mark, item, expected): longer → above, equal and shorter → within
CASES = [
    ("秘密★6年", YEARS5, "above"), ("秘密★5年", YEARS5, "within"), ("秘密★4年", YEARS5, "within"),
    ("秘密★19个月", MONTHS18, "above"), ("秘密★18个月", MONTHS18, "within"),
    ("秘密★1年", MONTHS18, "within"), ("秘密★2年", MONTHS18, "above"),
    ("秘密★61个月", YEARS5, "above"), ("秘密★60个月", YEARS5, "within"),
    # a date mark against a duration: the document date + 5 years is 2031-03-02
    ("秘密★2031年3月3日", YEARS5, "above"), ("秘密★2031年3月2日", YEARS5, "within"),
    ("秘密★2029年12月31日", YEARS5, "within"),
    # a duration against a date item: 2026-03-02 + n
    ("秘密★5年", UNTIL, "above"), ("秘密★57个月", UNTIL, "within"), ("秘密★4年", UNTIL, "within"),
    # dates both
    ("秘密★2031年1月1日", UNTIL, "above"), ("秘密★2030年12月31日", UNTIL, "within"),
    ("秘密★2028年6月30日", UNTIL, "within"),
    # 长期
    ("绝密★长期", YEARS5, "above"), ("绝密★长期", LONG, "within"), ("绝密★30年", LONG, "within"),
    # conditions: equal is within, anything else is not compared
    ("秘密★公布前", COND, "within"), ("秘密★5年", COND, "unknown"),
    ("秘密★启用前", YEARS5, "unknown"), ("秘密★开标前", COND, "unknown"),
]


@pytest.mark.parametrize(("mark", "item", "expected"), CASES)
def test_every_form_both_ways(mark: str, item: Item, expected: str) -> None:
    got = compare_term(term(mark), item, DOC_DATE)
    assert got.result == expected, (mark, item.id, got)


def test_without_a_document_date_a_duration_and_a_date_are_not_compared() -> None:
    got = compare_term(term("秘密★2035年1月1日"), YEARS5, None)
    assert got.result == "unknown" and "document date is unknown" in got.en
    assert compare_term(term("秘密★6年"), YEARS5, None).result == "above"  # needs no date


HEALTH = Path(__file__).resolve().parents[2] / "rules" / "catalogs" / "health.yaml"
BODY = ("截至本周，全省血液战略储备库存量为3.2万单位，可满足全省8天临床用血，"
        "各中心血站要按照调配方案做好节假日期间的用血保障工作。")  # HLT-10 秘密 5年


@pytest.mark.parametrize(("mark", "date", "code"), [
    ("秘密★2035年12月31日", "2026年3月2日", "PERIOD_ABOVE_CATALOG"),
    ("秘密★2030年12月31日", "2026年3月2日", None),
    ("秘密★72个月", "2026年3月2日", "PERIOD_ABOVE_CATALOG"),
    ("秘密★2035年12月31日", None, "PERIOD_NOT_COMPARED"),
    ("秘密★公布前", "2026年3月2日", "PERIOD_NOT_COMPARED"),
])
def test_through_a_scan(tmp_path: Path, mark: str, date: str | None, code: str | None) -> None:
    lines = ["000001", mark, "关于血液储备情况的通报", "各处室：", BODY,
             "知悉范围：委领导", "示例省卫生健康委员会", *([date] if date else [])]
    path = tmp_path / "doc.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = scan_file(path, ScanOptions(as_of=dt.date(2026, 11, 30), catalogs=(str(HEALTH),)))
    codes = {f.code for f in report.findings} & {"PERIOD_ABOVE_CATALOG", "PERIOD_NOT_COMPARED"}
    assert codes == ({code} if code else set()), report.findings
