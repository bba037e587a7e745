"""Links and marks to findings: DERIVED_BELOW_SOURCE, DERIVED_ABOVE_SOURCE, SOURCE_DECLASSIFIED.

Rules an officer applies (domain.md §2-3, §6): a derived document carries the highest level and
the longest period of its sources, terms compared as written; only live sources count (an expired,
cancelled or declassified source justifies nothing); a catalogue hit of its own justifies a higher
mark. Only copy links (content reproduced) can put a document *below* its source; a citation alone
makes a source for the other two rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markers.codes import make
from markers.models import LEVEL_RANK, Evidence
from scanner.derived.index import Meta
from scanner.report.model import finding_json

STAGE = "derived"


@dataclass(frozen=True)
class Source:
    """One linked source as the judge sees it."""

    meta: Meta
    copies: bool
    evidence: tuple[Evidence, ...]


def _rank(m: Meta) -> int:
    return LEVEL_RANK.get(m.level or "", 0)


def _names(sources: Sequence[Source]) -> dict[str, str]:
    return {"sources_zh": "、".join(f"“{s.meta.relative}”（{s.meta.mark}）" for s in sources),
            "sources_en": ", ".join(f"'{s.meta.relative}' ({s.meta.mark})" for s in sources)}


def _top(sources: Sequence[Source]) -> tuple[int, int | None]:
    """The highest level of ``sources`` and the longest comparable period at that level."""
    rank = max(_rank(s.meta) for s in sources)
    months = [s.meta.months for s in sources if _rank(s.meta) == rank and s.meta.months is not None]
    return rank, max(months) if months else None


def _setting(sources: Sequence[Source]) -> Source:
    """The source whose mark sets what a document derived from ``sources`` carries: the highest
    level, and at it the longest period as written (长期 the longest)."""
    return max(sources, key=lambda s: (_rank(s.meta), s.meta.months if s.meta.months is not None
                                       else -1))


def _clean(mark: str | None) -> str:
    return "".join((mark or "").split())  # (a PDF's text layer puts spaces in a mark)


def suggested(findings: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The mark a document found below its source should carry (its source's), in the shape of
    a report's ``suggested_marking``; None when it is not below a source."""
    for f in findings:
        if f["code"] == "DERIVED_BELOW_SOURCE" and f.get("suggested"):
            want = f["suggested"]
            return {"level": want["level"], "term": None, "scope": None, "item": None,
                    "catalog": None, "text": want["mark"], "basis_found": False,
                    "source": want["source"]}
    return None


def judge(own: Meta, sources: Sequence[Source], as_of: str) -> list[dict[str, Any]]:
    """The derived-classification findings of one document (JSON-ready, tagged with
    ``stage: derived``)."""
    marked = [s for s in sources if s.meta.level is not None]
    if not marked:
        return []
    live = [s for s in marked if s.meta.live(as_of)]
    out = []
    own_mark = own.mark or ""
    ev = tuple(e for s in marked for e in s.evidence)[:6]
    copied = [s for s in live if s.copies]
    if copied:
        rank, months = _top(copied)
        mine = _rank(own)
        lower = own.level is None or own.cancelled or mine < rank or (
            mine == rank and months is not None and own.months is not None
            and own.months < months)
        if lower:
            want = _setting(copied)
            out.append(make("DERIVED_BELOW_SOURCE", None, ev, **_names(copied),
                            own_zh=f"标为“{own_mark}”" if own.level else "未标密级",
                            own_en=f"marked '{own_mark}'" if own.level else "unmarked",
                            want=_clean(want.meta.mark)))
    if live and own.level is not None and not own.cancelled and not out and own.hits == 0:
        rank, months = _top(live)
        mine = _rank(own)
        if mine > rank or (mine == rank and months is not None and own.months is not None
                           and own.months > months):
            out.append(make("DERIVED_ABOVE_SOURCE", None, ev, own=own_mark,
                            **_names(live)))
    if not live and own.level is not None and not own.cancelled:
        out.append(make("SOURCE_DECLASSIFIED", None, ev, own=own_mark, **_names(marked)))
    found = [{**finding_json(f), "stage": STAGE} for f in out]
    for f in found:
        if f["code"] == "DERIVED_BELOW_SOURCE":
            top = _setting(copied)
            f["suggested"] = {"level": top.meta.level, "mark": _clean(top.meta.mark),
                              "source": top.meta.relative}
    return found
