"""Turn a :class:`MarkSet` into findings: the rules of domain.md §6 that need no catalogue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from markers.codes import make
from markers.expiry import expires_on
from markers.lines import WRONG_SYMBOLS
from markers.models import (
    LEVEL_RANK,
    STATUTORY_MAX_YEARS,
    DateField,
    Evidence,
    Finding,
    Marking,
    MarkSet,
    container_of,
    in_title,
)

DEFAULT_SOON_DAYS = 92


def _ev(m: Marking) -> tuple[Evidence, ...]:
    return (Evidence(m.location, m.block_text.strip()),)


def check(
    marks: MarkSet, *, as_of: dt.date, soon_days: int = DEFAULT_SOON_DAYS
) -> tuple[Finding, ...]:
    """All findings for one document, in a stable order (mark, period, header, document)."""
    out: list[Finding] = []
    live = [m for m in marks.markings if not m.struck]
    shown = [m for m in live if m.form != "property" and m.term.kind != "none"]
    for m in live:
        if m.form == "property" and m.term.kind == "none" and shown:
            continue  # a level-only property (OFD's SecurityLevel) beside a mark with its term
        if m.form != "field" or m is marks.effective:
            out.extend(_symbol_checks(m, marks.spacing_reliable))
            out.extend(_term_checks(m))
    eff = marks.effective
    if eff is not None:
        out.extend(_position_checks(eff, marks))
        out.extend(_header_checks(eff, marks))
        out.extend(_expiry_checks(eff, marks, as_of, soon_days))
    out.extend(_conflict_checks(live, marks))
    out.extend(_document_checks(marks, live))
    return tuple(_dedupe(out))


def _dedupe(findings: list[Finding]) -> Iterator[Finding]:
    seen: set[tuple[str, str | None, str]] = set()
    for f in findings:
        key = (f.code, f.location, f.message_en)
        if key not in seen:
            seen.add(key)
            yield f


def _symbol_checks(m: Marking, spacing_reliable: bool) -> Iterator[Finding]:
    if m.form == "line" and not m.star_present:
        yield make("MARK_NO_STAR", m.location, _ev(m), raw=m.raw)
    if m.symbol and m.symbol in WRONG_SYMBOLS:
        yield make("MARK_WRONG_SYMBOL", m.location, _ev(m), symbol=m.symbol)
    if m.spaced and spacing_reliable and m.form == "line":
        yield make("MARK_SPACING", m.location, _ev(m), raw=m.raw)


def _term_checks(m: Marking) -> Iterator[Finding]:
    t, level, ev = m.term, m.level, _ev(m)
    max_years = STATUTORY_MAX_YEARS[level]
    names = {"level": f"{level}", "years": max_years}
    if t.kind == "none" and not t.invalid:
        yield make("PERIOD_MISSING", m.location, ev, raw=m.raw, **names)
        return
    if t.invalid:
        why = _invalid_why(t.raw)
        yield make("PERIOD_INVALID", m.location, ev, term=t.raw, why_zh=why[0], why_en=why[1])
    if t.chinese_numerals:
        yield make("PERIOD_NOT_ARABIC", m.location, ev, term=t.raw)
    months = t.total_months()
    if months is not None and months > max_years * 12:
        yield make("PERIOD_EXCEEDS_MAX", m.location, ev, term=t.raw, **names)
    if t.kind == "long_term":  # lawful at any level where a catalogue item provides it
        yield make("LONG_TERM_REVIEW", m.location, ev)
    if t.kind == "months" and (t.months or 0) >= 12:
        yield make("PERIOD_UNIT", m.location, ev, term=t.raw,
                   why_zh="一年以上应以“年”计", why_en="a year or more is counted in 年")
    if t.kind == "years" and (t.years or 0) == 0 and (t.months or 0) > 0:
        yield make("PERIOD_UNIT", m.location, ev, term=t.raw,
                   why_zh="不足一年应以“月”计", why_en="under a year is counted in months")
    if t.kind == "condition":
        yield make("CONDITION_MANUAL", m.location, ev, condition=t.condition or t.raw)


def _invalid_why(raw: str) -> tuple[str, str]:
    if "永久" in raw or "无限期" in raw:
        return "不存在“永久”保密期限", "there is no permanent term"
    if raw[:1] in "([（【〔<《{":
        return "期限不应加括号", "the term must not be bracketed"
    return "无法识别", "not a period, date or condition"


def _position_checks(m: Marking, marks: MarkSet) -> Iterator[Finding]:
    live = [x for x in marks.markings if not x.struck]
    if not any(x.form != "property" for x in live):  # the text itself carries no mark
        for title in [x for x in live if in_title(x.location)]:
            yield make("MARK_POSITION", title.location, _ev(title), raw=title.raw,
                       where_zh="仅标于邮件主题，正文首页左上角未标",
                       where_en="only in the mail's subject, not at the top left of its body")
    headed = any(x.in_lead for x in live)
    for other in [x for x in live if x.form == "line"]:
        if headed and marks.attached is not None and other.order >= marks.attached:
            continue  # an attached document's own mark, the document's own at its head
        where = None
        if other.region == "top_right" or other.align == "right":
            where = ("位于右上角", "top right")
        elif not other.in_lead and other.region in ("top", "header"):
            where = ("位于标题或其他内容之后", "after the title or other text")
        elif not other.in_lead:
            where = ("位于正文中", "in the body")
        if where is not None:
            yield make("MARK_POSITION", other.location, _ev(other), raw=other.raw,
                       where_zh=where[0], where_en=where[1])


def _header_checks(m: Marking, marks: MarkSet) -> Iterator[Finding]:
    """The GB/T 9704 版头 rules: for a 公文 (a 文号, an 印发 line, or its shape) only."""
    if not marks.is_gongwen:
        return
    if m.form == "line" and m.in_lead:
        home = container_of(m.location)
        lead = [f for f in marks.lead if container_of(f.location) == home]
        kinds = [f.kind for f in lead if f.kind in ("copy", "mark", "urgency")]
        rank = {"copy": 0, "mark": 1, "urgency": 2}
        if kinds != sorted(kinds, key=rank.__getitem__):
            zh = {"copy": "份号", "mark": "密级", "urgency": "紧急程度"}
            yield make("HEADER_ORDER", m.location, tuple(Evidence(f.location, f.raw) for f in lead),
                       order_zh="→".join(zh[k] for k in kinds), order_en=" → ".join(kinds))
    above = [c for c in marks.copy_candidates if c.in_lead and (
        c.order < m.order or (c.location == m.location and c.order == m.order))]  # 份号：… 密级：…
    six = [c for c in above if len(c.value) == 6]
    if not six:
        detail = f"（现为“{above[0].value}”）" if above else ""
        detail_en = f" (found '{above[0].value}')" if above else ""
        yield make("COPY_NO_MISSING", m.location, _ev(m), detail_zh=detail, detail_en=detail_en)


def _expiry_checks(m: Marking, marks: MarkSet, as_of: dt.date, soon_days: int) -> Iterator[Finding]:
    date = marks.document_date.date if marks.document_date else None
    end = expires_on(m, date)
    if end is None:
        return
    if end <= as_of:
        yield make("EXPIRED", m.location, _ev(m), date=end.isoformat())
    elif (end - as_of).days <= soon_days:
        yield make("EXPIRY_SOON", m.location, _ev(m), date=end.isoformat(),
                   days=(end - as_of).days)


def _label(m: Marking) -> str:
    """A mark as the message lists it; where each is, the finding's evidence says (a place in
    words, by the reader's language: ``scanner.names.place``)."""
    return f"{m.level}{('★' + m.term.raw) if m.term.raw else ''}"


def _within(part: Marking, head: Marking) -> bool:
    """Whether an attached document's mark is covered by the head's: a lower level, or the same
    level with a period no longer (a compilation's head carries the highest of its parts)."""
    if LEVEL_RANK.get(part.level, 0) != LEVEL_RANK.get(head.level, 0):
        return LEVEL_RANK.get(part.level, 0) < LEVEL_RANK.get(head.level, 0)
    mine, theirs = part.term.total_months(), head.term.total_months()
    return part.term.kind == "none" or (mine is not None and theirs is not None
                                        and mine <= theirs)


def _conflict_checks(live: list[Marking], marks: MarkSet) -> Iterator[Finding]:
    head = next((m for m in live if m.in_lead), None)
    if head is not None and marks.attached is not None:
        # the marks of documents held after the text (a compilation's parts, the document a
        # 转发 forwards) conflict only when above the head's
        live = [m for m in live if m.order < marks.attached or not _within(m, head)]
    levels = {m.level for m in live}
    periods = {(m.term.kind, m.term.total_months(), m.term.until, m.term.condition)
               for m in live if m.term.kind != "none"}
    if len(levels) > 1 or len(periods) > 1:
        ev = tuple(Evidence(m.location, m.block_text.strip()) for m in live)
        listed = "；".join(dict.fromkeys(_label(m) for m in live))  # each mark once
        yield make("MARK_CONFLICT", live[0].location, ev, list=listed)


def _document_checks(marks: MarkSet, live: list[Marking]) -> Iterator[Finding]:
    eff = marks.effective
    if eff is None and marks.stated is not None and not live:
        s = marks.stated
        yield make("LEVEL_STATED_UNMARKED", s.location, (Evidence(s.location, s.raw),), raw=s.raw)
    for w in marks.work_secret:
        yield make("WORK_SECRET_CONFUSION", w.location, (Evidence(w.location, w.raw),), raw=w.raw)
    if eff is not None and marks.scope is None:
        yield make("SCOPE_MISSING", eff.location, _ev(eff))
    stamp = marks.declass_stamp
    if stamp is not None:
        for m in live:
            yield make("DECLASS_CONFLICT", m.location,
                       (Evidence(stamp.location, stamp.raw), *_ev(m)), raw=m.raw)
    d, f = marks.document_date, marks.document_date_field
    if d is not None and f is not None and (eff is not None or marks.is_gongwen):
        for zh, en in _date_form(d):
            yield make("DATE_FORMAT", f.location, (Evidence(f.location, f.raw),), raw=d.raw,
                       why_zh=zh, why_en=en)


# GB/T 9704-2012 took effect on 2012-07-01: from then the 成文日期 is written in Arabic numerals
# (2023年3月22日); before it GB/T 9704-1999 required Chinese numerals (二〇〇五年六月十一日).
GBT_9704_2012 = dt.date(2012, 7, 1)


def _date_form(d: DateField) -> list[tuple[str, str]]:
    """Why the 成文日期 is not written as the standard in force on that date required."""
    old = d.date is not None and d.date < GBT_9704_2012
    reasons: list[tuple[str, str]] = []
    if old and not d.chinese:
        reasons.append(("2012年7月1日前应按GB/T 9704-1999使用汉字数字（如二〇〇五年六月十一日）",
                        "written with Arabic numerals; before 2012-07-01 GB/T 9704-1999 required "
                        "Chinese numerals (二〇〇五年六月十一日)"))
    if d.chinese and not old:
        reasons.append(("使用汉字数字（自2012年7月1日起按GB/T 9704-2012应使用阿拉伯数字）",
                        "written with Chinese numerals; from 2012-07-01 GB/T 9704-2012 requires "
                        "2023年3月22日"))
    if d.short_year:
        reasons.append(("年份未写全", "written with a short year; write the full year"))
    if d.zero_padded and not old:
        reasons.append(("月日不应补零", "written with zero padding; use 2023年3月22日"))
    return reasons
