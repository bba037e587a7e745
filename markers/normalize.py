"""Text normalisation with an offset map back to the raw text.

Marks are matched on a *compact* form: whitespace removed, full-width ASCII folded to ASCII
(``０-９`` → ``0-9``, ``：`` and ``∶`` → ``:``, ``（`` → ``(``) and the traditional forms of
the characters marks are written with folded to simplified ones (``機密`` → ``机密``). Every
compact character remembers its index in the raw string, so a match can always be sliced back
out of the original.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

_FULLWIDTH_START = 0xFF01
_FULLWIDTH_END = 0xFF5E
_FULLWIDTH_SHIFT = 0xFEE0
# Traditional forms of the characters marks and their fields are written with (機密★5年,
# 絕密★長期, 知悉範圍, 份號), folded to the simplified ones: one character for one, so offsets hold.
TRADITIONAL = dict(zip("機絕級祕長啟範圍號個內發閱緊時間條啓",
                       "机绝级秘长启范围号个内发阅紧时间条启", strict=True))
_HALF = {chr(c): chr(c - _FULLWIDTH_SHIFT) for c in range(_FULLWIDTH_START, _FULLWIDTH_END + 1)}
_HALF.update(TRADITIONAL)
_HALF["\u2236"] = ":"  # the ratio sign of map scales (1∶5万) reads as a colon
_FULLWIDTH = re.compile(
    f"[{chr(_FULLWIDTH_START)}-{chr(_FULLWIDTH_END)}{''.join(TRADITIONAL)}\u2236]")
_DROP = re.compile(r"[\s\u200b\ufeff]+")
_KEEP = re.compile(r"[^\s\u200b\ufeff]+")


class Compact(NamedTuple):
    """A compact string and, for each of its characters, the index in the raw string (a named
    tuple: every block of a document is compacted for matching, and tuples are built in C)."""

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
    # No whitespace to drop: every whitespace character but the ASCII space is non-printable,
    # and so are U+200B and U+FEFF (a fast test in C; the regex decides otherwise).
    if (raw.isprintable() and " " not in raw) or _DROP.search(raw) is None:
        return Compact(fold_width(raw), range(len(raw)), raw)
    chars: list[str] = []
    offsets: list[int] = []
    for run in _KEEP.finditer(raw):
        chars.append(run.group())
        offsets.extend(range(run.start(), run.end()))
    return Compact(fold_width("".join(chars)), tuple(offsets), raw)


def fold_width(text: str) -> str:
    """Full-width ASCII (U+FF01-U+FF5E) folded to ASCII and :data:`TRADITIONAL` characters to
    simplified ones, the length kept. Only the characters present are replaced:
    ``str.translate`` with a mapping is slow on CJK text."""
    found = _FULLWIDTH.findall(text)
    for ch in set(found):
        text = text.replace(ch, _HALF[ch])
    return text


def normalize(text: str) -> str:
    """The compact form of ``text`` (idempotent: ``normalize(normalize(t)) == normalize(t)``)."""
    return compact(text).text
