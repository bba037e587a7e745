"""Classification verdicts from the mark and the catalogue hits (domain.md §3, §4, §6).

Verdicts are suggestions with evidence, never facts: each says "likely", names the items and shows
the terms that matched. The report also proposes a mark from the best item, or says that no
state-secret basis was found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from markers import Finding, MarkSet
from markers.expiry import add_months
from markers.models import LEVEL_RANK, Evidence, Term
from markers.normalize import normalize
from rules import Hit
from rules.model import Item

AUTHORITY_MAX = {"central": "绝密", "provincial": "绝密", "city": "机密", "county": None}
VERDICT_CODES = ("NO_BASIS", "OVER_CLASSIFIED", "UNDER_CLASSIFIED", "UNMARKED_MATCH",
                 "PERIOD_ABOVE_CATALOG", "PERIOD_NOT_COMPARED", "AUTHORITY_EXCEEDED")


@dataclass(frozen=True)
class Suggestion:
    """The mark the catalogue suggests, or none."""

    level: str | None
    term: str | None
    scope: str | None
    item_id: str | None
    catalog: str | None

    @property
    def text(self) -> str:
        """``机密★10年`` or the no-basis sentence."""
        if self.level is None:
            return "未发现国家秘密依据（no state-secret basis found）"
        return f"{self.level}★{self.term}"


def parse_authority(value: str) -> tuple[str, str | None]:
    """``city`` → (city, 机密); ``county:秘密`` → (county, 秘密). ValueError when invalid."""
    kind, _, level = value.partition(":")
    if kind not in AUTHORITY_MAX or (level and level not in LEVEL_RANK):
        raise ValueError(value)
    if level:
        return kind, level
    return kind, AUTHORITY_MAX[kind]


def _ev(hits: Sequence[Hit]) -> tuple[Evidence, ...]:
    return tuple(Evidence(t.location, f"[{h.item.id}] {t.excerpt}") for h in hits
                 for t in h.terms[:4])


def _names(hits: Sequence[Hit]) -> str:
    return "、".join(f"{h.item.id}（{h.item.title}，{h.item.level}）" for h in hits[:3])


def _f(code: str, zh: str, en: str, hits: Sequence[Hit], location: str | None = None
       ) -> Finding:
    return Finding(code, "warning", zh, en, location, _ev(hits))


def verdicts(marks: MarkSet, hits: Sequence[Hit], *, authority: str | None = None,
             derived: bool = False) -> tuple[tuple[Finding, ...], Suggestion]:
    """The verdict findings and the suggested mark."""
    live = [h for h in hits if h.live]
    eff = marks.effective
    out: list[Finding] = []
    where = eff.location if eff else None
    if eff is not None and not live:
        out.append(_f("NO_BASIS",
                      "可能缺乏定密依据：未匹配到保密事项范围中的任何事项（依据不当？）",
                      "likely no basis: no catalogue item matches this marked document", [],
                      where))
    if eff is not None and live:
        rank = LEVEL_RANK[eff.level]
        top = max(LEVEL_RANK[h.item.level] for h in live)
        if rank > top:
            out.append(_f("OVER_CLASSIFIED",
                          f"可能定密过高：标为{eff.level}，匹配事项的密级均更低：{_names(live)}",
                          f"likely over-classified: marked {eff.level}, every matching item is "
                          f"lower: {_names(live)}", live, where))
        higher = [h for h in live if LEVEL_RANK[h.item.level] > rank]
        if higher:
            out.append(_f("UNDER_CLASSIFIED",
                          f"可能定密过低：标为{eff.level}，匹配事项要求更高密级：{_names(higher)}",
                          f"likely under-classified: marked {eff.level}, matching items require "
                          f"more: {_names(higher)}", higher, where))
        date = marks.document_date.date if marks.document_date else None
        out.extend(_period(eff.term, eff.level, date, live, where))
    if eff is None and live and not marks.work_secret:
        out.append(_f("UNMARKED_MATCH", f"可能应定未定：未标密级，但内容符合事项 {_names(live)}",
                      f"likely should be classified: no mark, but it matches {_names(live)}",
                      live))
    out.extend(authority_findings(marks, authority, derived))
    return tuple(out), _suggest(live)


def authority_findings(marks: MarkSet, authority: str | None, derived: bool
                       ) -> list[Finding]:
    """AUTHORITY_EXCEEDED when an original classification is above the unit's 定密权限 (the
    level and the configured authority are enough: no catalogue is needed)."""
    eff = marks.effective
    if eff is None or not authority or derived or marks.derived:
        return []
    return _authority(eff.level, authority, eff.location)


def _term_text(term: Term) -> str:
    return term.raw or {"long_term": "长期"}.get(term.kind, "")


class Compared(NamedTuple):
    """How a mark's term stands against an item's: ``above``, ``within`` or ``unknown`` (with
    why, in Chinese and English), and what was compared (for the message)."""

    result: str
    zh: str = ""
    en: str = ""


def compare_term(term: Term, item: Item, document_date: dt.date | None) -> Compared:
    """A mark's term against an item's maximum, whatever their forms: years and months, a date
    (a duration turned into a date from the document date), 长期, a condition."""
    if item.long_term:
        return Compared("within")
    if term.kind == "condition" or item.condition:
        if term.kind == "condition" and item.condition and (
                normalize(term.condition or term.raw) == normalize(item.condition)):
            return Compared("within")
        return Compared("unknown", f"解密条件无法与期限比较（标志“{_term_text(term)}”，事项"
                                   f"“{item.term_text()}”），请人工判断",
                        f"a declassification condition cannot be compared with a period (mark "
                        f"'{_term_text(term)}', item '{item.term_text()}'): judge it by hand")
    if term.kind == "long_term":
        return Compared("above", "长期", "long term (长期)")
    item_months = item.max_total_months()
    months = term.total_months()
    if months is not None and item_months is not None:
        return Compared("above" if months > item_months else "within",
                        f"{months}个月，事项最长{item_months}个月",
                        f"{months} months, the item allows {item_months}")
    if term.kind == "date" and term.until is not None and item.until is not None:
        return Compared("above" if term.until > item.until else "within",
                        f"至{term.until.isoformat()}，事项至{item.until.isoformat()}",
                        f"until {term.until.isoformat()}, the item until {item.until.isoformat()}")
    if document_date is None:
        return Compared("unknown", f"成文日期未知，无法将“{_term_text(term)}”与事项"
                                   f"“{item.term_text()}”换算比较",
                        f"the document date is unknown, so '{_term_text(term)}' cannot be "
                        f"compared with the item's '{item.term_text()}'")
    if months is not None and item.until is not None:
        end = add_months(document_date, months)
        return Compared("above" if end > item.until else "within",
                        f"成文日期{document_date.isoformat()}起{months}个月至{end.isoformat()}，"
                        f"事项至{item.until.isoformat()}",
                        f"{months} months from the document date {document_date.isoformat()} "
                        f"end on {end.isoformat()}, the item ends on {item.until.isoformat()}")
    if term.kind == "date" and term.until is not None and item_months is not None:
        allowed = add_months(document_date, item_months)
        return Compared("above" if term.until > allowed else "within",
                        f"至{term.until.isoformat()}，事项自成文日期{document_date.isoformat()}"
                        f"起最长{item_months}个月即至{allowed.isoformat()}",
                        f"until {term.until.isoformat()}; the item's {item_months} months from "
                        f"the document date {document_date.isoformat()} end on "
                        f"{allowed.isoformat()}")
    return Compared("within")  # no term of its own (PERIOD_MISSING says so)


def _period(term: Term, level: str, document_date: dt.date | None, live: Sequence[Hit],
            where: str | None) -> list[Finding]:
    same = [h for h in live if h.item.level == level]
    if not same or term.kind == "none" or term.invalid:
        return []
    compared = [(h, compare_term(term, h.item, document_date)) for h in same]
    if any(c.result == "within" for _, c in compared):
        return []
    unknown = [(h, c) for h, c in compared if c.result == "unknown"]
    if unknown:
        h, c = unknown[0]
        zh = f"保密期限未与事项 {_names([h])} 比较：{c.zh}"
        en = f"the period was not compared with {_names([h])}: {c.en}"
        return [Finding("PERIOD_NOT_COMPARED", "info", zh, en, where, _ev([h]))]
    c = compared[0][1]
    shown = _term_text(term)
    return [_f("PERIOD_ABOVE_CATALOG",
               f"保密期限可能过长：“{shown}”（{c.zh}），超过事项 {_names(same)} 规定的期限",
               f"period likely too long: '{shown}' ({c.en}), above what {_names(same)} allows",
               same, where)]


AUTHORITY_ZH = {"central": "中央国家机关", "provincial": "省级机关", "city": "设区的市级机关",
                "county": "县级机关"}


def _authority(level: str, authority: str, where: str | None) -> list[Finding]:
    kind, allowed = parse_authority(authority)
    if allowed is not None and LEVEL_RANK[level] <= LEVEL_RANK[allowed]:
        return []
    unit = AUTHORITY_ZH[kind]
    limit_zh = f"最高可定{allowed}级" if allowed else "无原始定密权（未经授权）"
    return [Finding("AUTHORITY_EXCEEDED", "error",
                    f"超出定密权限：本单位为{unit}，{limit_zh}，文件标为{level}（非派生定密）",
                    f"above the unit's authority ({kind}: up to {allowed or 'none'}), marked "
                    f"{level} as an original classification", where)]


def _suggest(live: Sequence[Hit]) -> Suggestion:
    if not live:
        return Suggestion(None, None, None, None, None)
    best = max(live, key=lambda h: (h.score, LEVEL_RANK[h.item.level]))
    item = best.item
    return Suggestion(item.level, item.term_text(), item.scope, item.id, item.catalog)


def allows_long_term(level: str, hits: Sequence[Hit]) -> bool:
    """True when a live hit at ``level`` provides 长期 (so LONG_TERM_REVIEW does not apply)."""
    return any(h.item.long_term and h.item.level == level for h in hits if h.live)
