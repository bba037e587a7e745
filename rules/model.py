"""Catalogue values: a catalogue, its items and their match specifications, and the hits.

A catalogue (保密事项范围 or a unit's 一览表/定密细目) lists items; an item's level is exact and its
period is a maximum (domain.md §4). Every hit carries its evidence so a verdict can show why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from markers.models import STATUTORY_MAX_YEARS
from rules.quantity import Quantity


@dataclass(frozen=True)
class Near:
    """Terms that must all occur within ``within`` characters of each other."""

    terms: tuple[str, ...]
    within: int


@dataclass(frozen=True)
class MatchSpec:
    """How an item is recognised in a text."""

    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    min_any: int = 1
    none: tuple[str, ...] = ()
    near: tuple[Near, ...] = ()
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    threshold: float = 1.0
    quantity: tuple[Quantity, ...] = ()

    def parts(self) -> int:
        """How many conditions the spec has (all terms, the any-quota, near groups,
        quantity conditions)."""
        return (len(self.all) + (self.min_any if self.any else 0) + len(self.near)
                + len(self.quantity))


@dataclass(frozen=True)
class Item:
    """One catalogue item (事项)."""

    id: str
    title: str
    level: str
    max_years: int | None = None
    max_months: int | None = None
    long_term: bool = False
    until: dt.date | None = None
    condition: str | None = None
    scope: str | None = None
    tier: str | None = None
    basis: str | None = None
    match: MatchSpec = field(default_factory=MatchSpec)
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    catalog: str = ""
    context: dict[str, Any] | None = field(default=None, compare=False)  # rules/context.py

    def term_text(self) -> str:
        """The item's term as it would be written after the ★ (``10年``, ``长期``, …)."""
        if self.long_term:
            return "长期"
        if self.until is not None:
            return f"{self.until.year}年{self.until.month}月{self.until.day}日"
        if self.condition:
            return self.condition
        if self.max_years:
            return f"{self.max_years}年"
        if self.max_months:
            return f"{self.max_months}个月"
        return f"{STATUTORY_MAX_YEARS[self.level]}年"

    def max_total_months(self) -> int | None:
        """The period maximum in months, None when not a period (长期, date, condition)."""
        if self.max_years is not None:
            return self.max_years * 12
        if self.max_months is not None:
            return self.max_months
        return None


@dataclass(frozen=True)
class Catalog:
    """A loaded catalogue and where it came from."""

    id: str
    title: str
    issuer: str
    version: str
    effective: dt.date | None
    items: tuple[Item, ...]
    path: str = ""
    sha256: str = ""
    fictional: bool = False
    context: dict[str, Any] | None = field(default=None, compare=False)  # rules/context.py


@dataclass(frozen=True)
class TermHit:
    """One occurrence of a term: the canonical term, what stood in the text, where, and its
    context (``asserted``, or why it does not count: ``negated``, ``hypothetical``, ``public``,
    ``cited``, with the trigger that decided it)."""

    term: str
    found: str
    location: str
    excerpt: str
    start: int
    end: int
    context: str = "asserted"
    trigger: str | None = None


@dataclass(frozen=True)
class Hit:
    """An item that matches (or was vetoed), with the evidence."""

    item: Item
    terms: tuple[TermHit, ...]
    score: float
    satisfied: tuple[str, ...]
    missing: tuple[str, ...]
    vetoed_by: tuple[TermHit, ...] = ()
    held: str | None = None  # not live although its terms occur: context, passage or document
    discounted: tuple[TermHit, ...] = ()  # occurrences that did not count, with their context
    passage: str = ""  # the stretch of text where the conditions held (or came nearest)
    document: str | None = None  # the document-level signal that lowered the score

    @property
    def vetoed(self) -> bool:
        """True when a ``none`` term occurred."""
        return bool(self.vetoed_by)

    @property
    def live(self) -> bool:
        """True when the hit counts toward the verdicts (not vetoed, not held back)."""
        return not self.vetoed_by and self.held is None
