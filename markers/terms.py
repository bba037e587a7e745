"""Parsing the term of a mark: ``10年``, ``6个月``, ``长期``, ``2027年12月31日``, ``启用前``.

Input is already compact (see :mod:`markers.normalize`). The parser never raises: anything it does
not understand becomes a condition (when a ★ vouches for it) or ``None``.
"""

from __future__ import annotations

import datetime as dt
import re

from markers.models import Term, TermKind

CN_DIGITS = {
    "〇": 0, "零": 0, "○": 0, "O": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
CN_NUM = "〇零○一二两三四五六七八九十"

_YEARS_MONTHS = re.compile(r"^(?:(\d{1,3})年)?(?:(\d{1,3})个?月)?$")
_CN_YEARS_MONTHS = re.compile(rf"^(?:([{CN_NUM}]{{1,4}})年)?(?:([{CN_NUM}]{{1,4}})个?月)?$")
_DATE = re.compile(r"^(\d{4})(?:年|[.\-/])(\d{1,2})(?:月|[.\-/])(\d{1,2})日?$")
_BRACKETS = "()[]【】〔〕<>《》{}"
_CONDITION_HINT = re.compile(r"(前|后|时|止|以前|之前|解密|公布|启用|结束|开始|完成)")


def cn_number(text: str) -> int | None:
    """Value of a small Chinese numeral (``十二`` → 12, ``二〇二三`` → 2023); None if not one."""
    if not text or any(c not in CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        value = 0
        for c in text:
            value = value * 10 + CN_DIGITS[c]
        return value
    head, _, tail = text.partition("十")
    if len(head) > 1 or len(tail) > 1 or "十" in tail:
        return None
    tens = CN_DIGITS[head] if head else 1
    ones = CN_DIGITS[tail] if tail else 0
    return tens * 10 + ones


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_term(text: str) -> Term | None:
    """Parse a compact term. Returns None when ``text`` is not recognisably a term.

    Recognised: Arabic periods, Chinese-numeral periods (flagged), ``长期``, ``永久`` (invalid),
    bracketed terms (flagged), 解密时间 dates. Free text is left to :func:`parse_condition`.
    """
    raw = text
    if not text:
        return Term(kind="none", raw=raw)
    bracketed = False
    if len(text) >= 2 and text[0] in _BRACKETS and text[-1] in _BRACKETS:
        bracketed = True
        text = text[1:-1]
    if text in ("长期",):
        return Term(kind="long_term", raw=raw, bracketed=bracketed, invalid=bracketed)
    if text in ("永久", "永久保密", "无限期"):
        return Term(kind="none", raw=raw, invalid=True, bracketed=bracketed)
    m = _DATE.match(text)
    if m:
        day = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return Term(kind="date", until=day, raw=raw, bracketed=bracketed,
                    invalid=bracketed or day is None)
    m = _YEARS_MONTHS.match(text)
    if m and (m.group(1) or m.group(2)):
        return _period(m.group(1), m.group(2), raw, bracketed, chinese=False)
    m = _CN_YEARS_MONTHS.match(text)
    if m and (m.group(1) or m.group(2)):
        years = cn_number(m.group(1)) if m.group(1) else None
        months = cn_number(m.group(2)) if m.group(2) else None
        if (m.group(1) and years is None) or (m.group(2) and months is None):
            return None
        kind: TermKind = "years" if years is not None else "months"
        return Term(kind=kind, years=years, months=months,
                    raw=raw, chinese_numerals=True, bracketed=bracketed, invalid=bracketed)
    return None


def _period(y: str | None, mo: str | None, raw: str, bracketed: bool, chinese: bool) -> Term:
    years = int(y) if y else None
    months = int(mo) if mo else None
    kind: TermKind = "years" if years is not None else "months"
    zero = (years or 0) == 0 and (months or 0) == 0
    return Term(kind=kind, years=years, months=months, raw=raw, bracketed=bracketed,
                chinese_numerals=chinese, invalid=bracketed or zero)


def parse_condition(text: str) -> Term | None:
    """A 解密条件 such as ``启用前`` or ``会议开始前``: short CJK text, no digits-only content."""
    if not text or len(text) > 24:
        return None
    if not any("\u4e00" <= c <= "\u9fff" for c in text):
        return None
    if _CONDITION_HINT.search(text) is None:
        return None
    return Term(kind="condition", condition=text, raw=text)
