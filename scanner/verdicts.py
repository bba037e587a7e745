"""Classification verdicts from the mark and the catalogue hits (domain.md §3, §4, §6).

Verdicts are suggestions with evidence, never facts: each says "likely", names the items and shows
the terms that matched. The report also proposes a mark from the best item, or says that no
state-secret basis was found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markers import Finding, MarkSet
from markers.models import LEVEL_RANK, Evidence
from rules import Hit

AUTHORITY_MAX = {"central": "绝密", "provincial": "绝密", "city": "机密", "county": None}
VERDICT_CODES = ("NO_BASIS", "OVER_CLASSIFIED", "UNDER_CLASSIFIED", "UNMARKED_MATCH",
                 "PERIOD_ABOVE_CATALOG", "AUTHORITY_EXCEEDED")


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
        out.extend(_period(eff.term.total_months(), eff.level, live, where))
    if eff is None and live and not marks.work_secret:
        out.append(_f("UNMARKED_MATCH", f"可能应定未定：未标密级，但内容符合事项 {_names(live)}",
                      f"likely should be classified: no mark, but it matches {_names(live)}",
                      live))
    if eff is not None and authority and not derived and not marks.derived:
        out.extend(_authority(eff.level, authority, where))
    return tuple(out), _suggest(live)


def _period(months: int | None, level: str, live: Sequence[Hit], where: str | None
            ) -> list[Finding]:
    same = [h for h in live if h.item.level == level]
    if months is None or not same:
        return []
    limits = [h.item.max_total_months() for h in same]
    if any(limit is None for limit in limits):
        return []
    allowed = max(x for x in limits if x is not None)
    if months <= allowed:
        return []
    return [_f("PERIOD_ABOVE_CATALOG", f"保密期限可能过长：{months}个月，超过事项 {_names(same)} "
               f"规定的最长 {allowed} 个月", f"period likely too long: {months} months, above the "
               f"{allowed} months allowed by {_names(same)}", same, where)]


def _authority(level: str, authority: str, where: str | None) -> list[Finding]:
    kind, allowed = parse_authority(authority)
    if allowed is not None and LEVEL_RANK[level] <= LEVEL_RANK[allowed]:
        return []
    limit_zh = allowed or "无原始定密权"
    return [Finding("AUTHORITY_EXCEEDED", "error",
                    f"超出定密权限：本单位（{kind}）最高可定{limit_zh}，"
                    f"文件标为{level}（非派生定密）",
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
