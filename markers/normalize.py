"""Text normalisation with an offset map back to the raw text.

Marks are matched on a *compact* form: whitespace removed and full-width ASCII folded to ASCII
(``０-９`` → ``0-9``, ``：`` → ``:``, ``（`` → ``(``). Every compact character remembers its index
in the raw string, so a match can always be sliced back out of the original.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_FULLWIDTH_START = 0xFF01
_FULLWIDTH_END = 0xFF5E
_FULLWIDTH_SHIFT = 0xFEE0


_FOLD = {c: c - _FULLWIDTH_SHIFT for c in range(_FULLWIDTH_START, _FULLWIDTH_END + 1)}
_DROP = re.compile(r"[\s\u200b\ufeff]+")
_KEEP = re.compile(r"[^\s\u200b\ufeff]+")


def fold_char(ch: str) -> str:
    """Fold one full-width ASCII character to its half-width form; others unchanged."""
    code = ord(ch)
    if _FULLWIDTH_START <= code <= _FULLWIDTH_END:
        return chr(code - _FULLWIDTH_SHIFT)
    return ch


def fold(text: str) -> str:
    """Fold full-width ASCII to ASCII and the ideographic space to a plain space."""
    return "".join(fold_char(c) for c in text).replace("\u3000", " ")


@dataclass(frozen=True)
class Compact:
    """A compact string and, for each of its characters, the index in the raw string."""

    text: str
    offsets: Sequence[int]
    raw: str

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a compact span ``[start, end)`` back to a raw span."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.raw)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


@lru_cache(maxsize=8192)
def compact(raw: str) -> Compact:
    """Remove whitespace and fold width, keeping the offset of every kept character.

    Cached: one block is asked several questions (mark? 份号? date?) and compacted once. Folding
    keeps the length, so only the removed whitespace moves offsets."""
    if _DROP.search(raw) is None:
        return Compact(raw.translate(_FOLD), range(len(raw)), raw)
    chars: list[str] = []
    offsets: list[int] = []
    for run in _KEEP.finditer(raw):
        chars.append(run.group().translate(_FOLD))
        offsets.extend(range(run.start(), run.end()))
    return Compact("".join(chars), tuple(offsets), raw)


def normalize(text: str) -> str:
    """The compact form of ``text`` (idempotent: ``normalize(normalize(t)) == normalize(t)``)."""
    return compact(text).text
