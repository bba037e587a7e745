"""Recognise one short line as a mark: ``机密★10年``, ``密级：秘密``, ``★绝密 长期`` (PDF order).

A line is a mark only when, once compacted, *all* of it is mark: an optional ``密级：`` label, the
level, a star (★ or a wrong symbol, anywhere in the line because PDF text layers move it) and a
term. Prose never qualifies because prose has more words than that (domain.md §7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markers.models import Level, Term
from markers.normalize import compact
from markers.terms import parse_condition, parse_term

STAR = "★"
WRONG_SYMBOLS = "*☆●·•✩✭⭐⋆✱"
SYMBOLS = STAR + WRONG_SYMBOLS
MAX_LINE = 32
_SYMBOL = re.compile(f"[{re.escape(SYMBOLS)}]")
_SPACE = re.compile(r"\s")

_LABEL = re.compile(r"^(密级和保密期限|密级|保密等级|秘密等级)[:]?")
_LEVEL = re.compile(r"^(绝密|机密|秘密)(级)?")
_WORK = re.compile(r"^(内部事项|内部资料|内部|工作秘密)")
_DECLASS_TAIL = re.compile(r"(\(?已?解密\)?)$")


@dataclass(frozen=True)
class LineMark:
    """What :func:`parse_mark_line` recognised in one line."""

    level: Level | None
    term: Term
    label: str | None
    star_present: bool
    symbol: str
    span: tuple[int, int]
    spaced: bool
    work_secret: str | None = None
    declass_inline: bool = False

    @property
    def bare(self) -> bool:
        """A level alone: no label, no star, no term."""
        return self.label is None and not self.star_present and self.term.kind == "none"


def _take_symbol(text: str) -> tuple[str, str, int] | None:
    """Remove the single star-like symbol from ``text``; None if there are several."""
    found = [(m.start(), m.group()) for m in _SYMBOL.finditer(text)]
    if not found:
        return text, "", -1
    if len(found) > 1:
        return None
    i, c = found[0]
    return text[:i] + text[i + 1:], c, i


def parse_mark_line(raw: str) -> LineMark | None:
    """Parse ``raw`` as a complete mark line, or return None. Never raises."""
    n = len(raw)
    # Too long for a mark whatever the spacing: when the only whitespace is ASCII space (a
    # printable string), the compact length is known without compacting.
    if n > MAX_LINE and raw.isprintable() and n - raw.count(" ") > MAX_LINE:
        return None
    c = compact(raw)
    text = c.text
    if not text or len(text) > MAX_LINE:
        return None
    label_match = _LABEL.match(text)
    label = label_match.group(1) if label_match else None
    rest = text[label_match.end():] if label_match else text
    taken = _take_symbol(rest)
    if taken is None:
        return None
    rest, symbol, _ = taken
    span = c.raw_span(0, len(text))
    spaced = _SPACE.search(raw, span[0], span[1]) is not None
    work = _WORK.match(rest)
    if work and (symbol or label):
        return LineMark(None, Term(kind="none"), label, bool(symbol), symbol, span, spaced,
                        work_secret=work.group(1))
    level_match = _LEVEL.match(rest)
    if not level_match:
        return None
    level: Level = level_match.group(1)  # type: ignore[assignment]
    term_text = rest[level_match.end():]
    declass = False
    tail = _DECLASS_TAIL.search(term_text)
    if tail and symbol:
        head = term_text[: tail.start()]
        head_term = parse_term(head)
        if (head_term is not None and head_term.kind != "none") or head == "":
            term_text, declass = head, True
    term = _term(term_text, bool(symbol), label is not None)
    if term is None:
        return None
    return LineMark(level, term, label, bool(symbol), symbol, span, spaced, declass_inline=declass)


def _term(text: str, star: bool, labelled: bool) -> Term | None:
    term = parse_term(text)
    if term is not None:
        return term
    if not star:
        return None
    cond = parse_condition(text)
    if cond is not None:
        return cond
    if len(text) <= 12 and not labelled:
        return Term(kind="none", raw=text, invalid=True)
    return None


PERIOD_FIELD = re.compile(r"^(保密期限|解密时间|解密条件)[:]?(.+)$")


def parse_period_field(raw: str) -> Term | None:
    """``保密期限：10年`` standing as its own field (covers, forms): the term, or None."""
    text = compact(raw).text
    if len(text) > MAX_LINE:
        return None
    m = PERIOD_FIELD.match(text)
    if not m:
        return None
    value = m.group(2)
    if m.group(1) == "解密条件":
        return parse_condition(value) or Term(kind="condition", condition=value, raw=value)
    return parse_term(value) or parse_condition(value)
