"""Table-driven cases for one-line mark parsing, including the PDF orders of domain.md §7."""

from __future__ import annotations

import datetime as dt

import pytest

from markers.lines import parse_mark_line, parse_period_field

# text, level, term kind, years, months, until, condition, star present
MARKS = [
    ("机密★10年", "机密", "years", 10, None, None, None, True),
    ("秘密★6个月", "秘密", "months", None, 6, None, None, True),
    ("秘密★1年6个月", "秘密", "years", 1, 6, None, None, True),
    ("秘密★2027年12月31日", "秘密", "date", None, None, dt.date(2027, 12, 31), None, True),
    ("绝密★启用前", "绝密", "condition", None, None, None, "启用前", True),
    ("机密★会议开始前", "机密", "condition", None, None, None, "会议开始前", True),
    ("绝密★长期", "绝密", "long_term", None, None, None, None, True),
    ("★绝密 长期", "绝密", "long_term", None, None, None, None, True),
    ("绝密 长期 ★", "绝密", "long_term", None, None, None, None, True),
    ("机 密★5 年", "机密", "years", 5, None, None, None, True),
    ("机密★５年", "机密", "years", 5, None, None, None, True),
    ("密级：秘密", "秘密", "none", None, None, None, None, False),
    ("密级:机密★5年", "机密", "years", 5, None, None, None, True),
    ("秘密1年", "秘密", "years", 1, None, None, None, False),
    ("机密", "机密", "none", None, None, None, None, False),
]
NOT_MARKS = [
    "BJTU机密文件", "机密文件", "划分为绝密级、机密级和秘密级", "密级：", "（三）秘密",
    "公文一般由份号、密级和保密期限、紧急程度组成", "保密学位论文在解密后适用本授权书。",
    "核心商密★5年", "普通商密", "国家秘密的密级分为绝密、机密、秘密三级。", "",
    "绝密★★30年", "第十四条 秘密事项",
]


@pytest.mark.parametrize(("text", "level", "kind", "years", "months", "until", "cond", "star"),
                         MARKS, ids=[m[0] for m in MARKS])
def test_marks(  # noqa: PLR0917 (one parameter per table column)
    text: str, level: str, kind: str, years: int | None, months: int | None,
    until: dt.date | None, cond: str | None, star: bool,
) -> None:
    r = parse_mark_line(text)
    assert r is not None
    assert (r.level, r.term.kind, r.term.years, r.term.months) == (level, kind, years, months)
    assert (r.term.until, r.term.condition, r.star_present) == (until, cond, star)


@pytest.mark.parametrize("text", NOT_MARKS)
def test_not_marks(text: str) -> None:
    r = parse_mark_line(text)
    assert r is None or (r.level is None and not r.work_secret)


@pytest.mark.parametrize(("text", "flag"), [
    ("机密★一年", "chinese_numerals"), ("秘密★十二个月", "chinese_numerals"),
    ("绝密★(30年)", "invalid"), ("绝密★【30年】", "invalid"), ("绝密★永久", "invalid"),
    ("秘密★0年", "invalid"),
])
def test_term_flags(text: str, flag: str) -> None:
    r = parse_mark_line(text)
    assert r is not None and getattr(r.term, flag) is True


def test_work_secret_recognised() -> None:
    for text in ("内部★1年", "密级：内部", "工作秘密★"):
        r = parse_mark_line(text)
        assert r is not None and r.work_secret, text
    r = parse_mark_line("内部资料注意保管")
    assert r is None


def test_declass_inline() -> None:
    r = parse_mark_line("秘密★5年 解密")
    assert r is not None and r.declass_inline and r.term.years == 5


def test_period_field() -> None:
    term = parse_period_field("保密期限：10年")
    assert term is not None and term.years == 10
    assert parse_period_field("保密期限的确定") is None
