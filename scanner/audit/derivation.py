"""Declassification follows the source (派生定密, domain.md §2-3): which documents of the audit
are derived from which, and the period an undated derived document takes from its sources.

The links come from the reports (``links``, written by :mod:`scanner.derived`, which leaves out
other copies of the same document): a link counts here when its source is classified. The
declassification list (:func:`declassify_rows`) then gives

- each listed document the documents derived from it, each with its own expiry and state;
- an undated derived document (its mark has a period in years or months, or none, but it has no
  成文日期, so the period cannot run from its own date) the *inferred* 解密 date: the latest end
  among its live sources (a compilation takes the longest period of its sources); with no live
  source, the latest end among them (expired: they all ran out or were declassified). A live
  source without a computable end (长期, a 解密 condition, itself undated) leaves the date
  unknown: nothing is inferred. The document is listed when that date is due, and every output
  says the date is inferred and from which source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from scanner.names import EXPIRY, INFERRED, mark_text

STATES = EXPIRY  # a listed or derived document's state (scanner.names)
RUNS_FROM_DATE = ("years", "months", "none")  # the term kinds whose end runs from the date


@dataclass(frozen=True)
class SourceLink:
    """A classified source a document is derived from, as its report names it."""

    relative: str
    mark: str
    expires_on: str
    live: bool
    copies: bool = False  # its content is reproduced (a copy link), not only cited


def sources_of(report: dict[str, Any]) -> tuple[SourceLink, ...]:
    """The classified sources the report's links derive it from, in the links' order, each
    once."""
    out: dict[str, SourceLink] = {}
    for link in report.get("links") or []:
        if not link.get("level"):
            continue
        rel = str(link.get("relative") or link.get("source") or "")
        out.setdefault(rel, SourceLink(rel, mark_text(link.get("mark")),
                                       str(link.get("expires_on") or ""),
                                       bool(link.get("live")),
                                       link.get("by") in ("copy", "cite+copy")))
    return tuple(out.values())


@dataclass(frozen=True)
class Inferred:
    """An undated derived document's 解密 date as its sources give it."""

    expires_on: str  # '' when no source has a date of its own (all declassified)
    state: str  # expired, due or later
    sources: tuple[SourceLink, ...]  # the sources the date follows

    def reason(self, lang: str) -> str:
        """Why the date is what it is, naming the sources."""
        names = ("、" if lang == "zh" else ", ").join(
            (f"“{s.relative}”（{s.mark}）" if lang == "zh" else f"'{s.relative}' ({s.mark})")
            for s in self.sources)
        if lang == "zh":
            head = f"未标成文日期，保密期限{INFERRED.zh}：随{names}"
            if self.state == "expired":
                return head + (f"，已于 {self.expires_on} 届满" if self.expires_on else
                               "，来源均已解密")
            return head + f"于 {self.expires_on} 届满"
        head = f"undated: the period is {INFERRED.en} {names}"
        if self.state == "expired":
            return head + (f", ended on {self.expires_on}" if self.expires_on else
                           ", every source declassified")
        return head + f", ending on {self.expires_on}"


def inferred_end(row: Any) -> tuple[str, tuple[SourceLink, ...], bool] | None:
    """(end, the sources it follows, whether any of them is live) for an undated derived ledger
    row, or None when the row has a date (or an end) of its own, is unmarked, carries 长期 or a
    解密 date/condition, has no source, or a live source's end is unknown."""
    if (not row.level or row.date or row.expires_on or row.term_kind not in RUNS_FROM_DATE
            or not row.sources):
        return None
    live = [s for s in row.sources if s.live]
    if live:
        if any(not s.expires_on for s in live):
            return None
        end = max(s.expires_on for s in live)
        return end, tuple(s for s in live if s.expires_on == end), True
    end = max((s.expires_on for s in row.sources if s.expires_on), default="")
    return end, tuple(row.sources), False


def infer(row: Any, as_of: dt.date, window_end: dt.date) -> Inferred | None:
    """The inferred 解密 date of an undated derived ledger row and its state as of ``as_of``
    (see :func:`inferred_end`)."""
    found = inferred_end(row)
    if found is None:
        return None
    end, sources, live = found
    if not live or dt.date.fromisoformat(end) <= as_of:
        return Inferred(end, "expired", sources)
    return Inferred(end, "due" if dt.date.fromisoformat(end) <= window_end else "later", sources)


class Derived(NamedTuple):
    """A document derived from a listed one: its row, state and expiry (its own or inferred)."""

    row: Any
    state: str  # expired, due, later, none or unmarked
    expires_on: str
    inferred: Inferred | None


class Due(NamedTuple):
    """One document on the declassification list."""

    row: Any  # scanner.audit.ledger.LedgerRow
    state: str  # expired, due, or held (its own period ends, a source it copies does not)
    zh: str  # why, in Chinese and in English
    en: str
    expires_on: str  # its own 解密 date or the inferred one
    inferred: Inferred | None = None
    derived: tuple[Derived, ...] = ()
    held_by: tuple[SourceLink, ...] = ()  # the live sources that outlast its own period

    def reason(self, lang: str) -> str:
        """The reason in ``lang``."""
        return self.zh if lang == "zh" else self.en


def _own_reason(row: Any, state: str, as_of: dt.date) -> tuple[str, str]:
    end = row.expires_on
    if state == "expired":
        zh, en = f"保密期限已于 {end} 届满", f"the period ran out on {end}"
    else:
        days = (dt.date.fromisoformat(end) - as_of).days
        zh = f"保密期限将于 {end} 届满（{days} 天后）"
        en = f"the period ends on {end} (in {days} days)"
    if row.term_kind == "date":
        zh, en = zh.replace("保密期限", "解密时间"), en.replace("the period", "the 解密时间")
    if row.statutory:
        zh += "；未标注保密期限，按法定最长期限计算"
        en += "; no period marked: the statutory maximum is applied"
    return zh, en


def derived_reason(d: Derived, as_of: dt.date, lang: str) -> str:
    """Why a derived document's line says what it says (its own date, or the inferred one)."""
    if d.inferred is not None:
        return d.inferred.reason(lang)
    row = d.row
    if d.state in ("expired", "due"):
        zh, en = _own_reason(row, d.state, as_of)
        return zh if lang == "zh" else en
    if d.state == "later":
        return (f"保密期限至 {d.expires_on}" if lang == "zh" else
                f"the period runs until {d.expires_on}")
    if d.state == "unmarked":
        return ("未标密级，内容来自所列来源" if lang == "zh" else
                "unmarked, though its content comes from the source listed")
    return ("无法计算解密日期（未标成文日期或保密期限）" if lang == "zh" else
            "no computable expiry (no date or no period)")


def derived_entry(row: Any, as_of: dt.date, window_end: dt.date) -> Derived:
    """A derived document as listed under its source."""
    guess = infer(row, as_of, window_end)
    if guess is not None:
        return Derived(row, guess.state, guess.expires_on, guess)
    return Derived(row, row.expiry_state(as_of, window_end), row.expires_on, None)


def declassify_rows(rows: Sequence[Any], as_of: dt.date, window_end: dt.date) -> list[Due]:
    """Every document expired or due in the window (by its own date, or by the date inferred
    from its sources when it has none), each with the documents derived from it."""
    children: dict[str, list[Any]] = {}
    for row in rows:
        for s in row.sources:
            children.setdefault(s.relative, []).append(row)
    out = []
    for row in rows:
        guess = infer(row, as_of, window_end)
        if guess is not None:
            state, end = guess.state, guess.expires_on
            zh, en = guess.reason("zh"), guess.reason("en")
        else:
            state, end = row.expiry_state(as_of, window_end), row.expires_on
            zh, en = _own_reason(row, state, as_of) if state in ("expired", "due") else ("", "")
        if state not in ("expired", "due"):
            continue
        held_by = outlasting(row, end) if guess is None else ()
        if held_by:
            state = "held"
            zh += "；" + held_reason(held_by, "zh")
            en += "; " + held_reason(held_by, "en")
        derived = tuple(derived_entry(c, as_of, window_end)
                        for c in sorted(children.get(row.relative, ()), key=lambda c: c.relative)
                        if c.relative != row.relative)
        out.append(Due(row, state, zh, en, end, guess, derived, held_by))
    return out


def outlasting(row: Any, end: str) -> tuple[SourceLink, ...]:
    """The live sources a document copies whose period outlasts ``end`` (its own 解密 date), or
    whose end is not a date (长期, a condition): the content it reproduces stays classified with
    them (a source only cited reproduces nothing)."""
    return tuple(s for s in row.sources
                 if s.live and s.copies and (not s.expires_on or s.expires_on > end))


def held_reason(sources: Sequence[SourceLink], lang: str) -> str:
    """Why a document whose own period ran out is not to be declassified on it."""
    if lang == "zh":
        names = "、".join(f"“{s.relative}”（{s.mark}" + (f"，至 {s.expires_on}）" if s.expires_on
                                                        else "）") for s in sources)
        return f"但其内容派生自仍有效的来源{names}：应随来源，不宜解密，并按来源更正标志"
    names = ", ".join(f"'{s.relative}' ({s.mark}" + (f", until {s.expires_on})" if s.expires_on
                                                      else ")") for s in sources)
    return (f"but its content is derived from {names}, still in force: it follows the source, "
            "is not to be declassified, and its mark should be corrected to the source's")


def held_text(sources: Sequence[SourceLink], lang: str) -> str:
    """The sources that hold a document classified, for the expiry-basis column."""
    if not sources:
        return ""
    sep = "、" if lang == "zh" else ", "
    names = sep.join(f"{s.relative}（{s.mark}）" if lang == "zh" else f"{s.relative} ({s.mark})"
                     for s in sources)
    return f"随来源：{names}" if lang == "zh" else f"follows its source: {names}"


def expiry_text(expires_on: str, inferred: Inferred | bool | None, lang: str) -> str:
    """The 解密日期 as a person reads it: an inferred date says so."""
    if not inferred:
        return expires_on
    return (f"{expires_on}（{INFERRED.zh}）" if lang == "zh" else
            f"{expires_on} ({INFERRED.en})").strip()


def sources_text(inferred: Inferred | None, lang: str) -> str:
    """The sources an inferred date follows ('' for a date of the document's own)."""
    if inferred is None:
        return ""
    sep = "、" if lang == "zh" else ", "
    names = sep.join(f"{s.relative}（{s.mark}）" if lang == "zh" else f"{s.relative} ({s.mark})"
                     for s in inferred.sources)
    return f"{INFERRED.zh}：{names}" if lang == "zh" else f"{INFERRED.en}: {names}"


def derived_text(derived: Sequence[Derived], lang: str) -> str:
    """The documents derived from a listed one, in one cell: each with its mark, 解密日期 and
    state."""
    parts = []
    for d in derived:
        mark = d.row.mark or STATES["unmarked"].text(lang)
        when = expiry_text(d.expires_on, d.inferred, lang)
        bits = [mark, *([when] if when else []), STATES[d.state].text(lang)]
        parts.append(f"{d.row.relative}（{'，'.join(bits)}）" if lang == "zh"
                     else f"{d.row.relative} ({', '.join(bits)})")
    return ("；" if lang == "zh" else "; ").join(parts)
