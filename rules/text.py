"""The text that catalogue items are matched against, with a map back to blocks.

Blocks are compacted (whitespace removed, width folded) and joined. Where lines of one flowing
paragraph were broken (PDF lines, hard-wrapped text) they are joined with nothing, so a term split
by a line break is still found: a line that runs the width of its page continues into the next
one unless that is a heading; elsewhere a newline keeps paragraphs (and titles, headings, short
last lines) apart.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from markers.models import Block, container_of
from markers.normalize import Compact, compact
from rules.layout import HEADING

SENTENCE_END = "。！？；!?;\n"


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@dataclass(frozen=True)
class MatchText:
    """Joined compact text; ``starts[i]`` is where block ``i`` begins in ``text``."""

    text: str
    starts: tuple[int, ...]
    blocks: tuple[Block, ...]
    compacts: tuple[Compact, ...]

    def locate(self, pos: int) -> tuple[Block, int]:
        """The block holding text position ``pos`` and the offset in its compact text."""
        i = max(bisect.bisect_right(self.starts, pos) - 1, 0)
        return self.blocks[i], pos - self.starts[i]

    def excerpt(self, start: int, end: int, width: int = 18) -> str:
        """The match with up to ``width`` characters either side (one line)."""
        left = self.text[max(start - width, 0):start].split("\n")[-1]
        right = self.text[end:end + width].split("\n")[0]
        return f"{left}【{self.text[start:end]}】{right}"

    def sentence(self, start: int, end: int, limit: int = 60) -> tuple[int, int]:
        """The bounds of the sentence around ``[start, end)``, at most ``limit`` either side."""
        text = self.text
        floor = max(start - limit, 0)
        lo = max(max(text.rfind(c, floor, start) for c in SENTENCE_END) + 1, floor)
        ceiling = min(end + limit, len(text))
        found = [i for i in (text.find(c, end, ceiling) for c in SENTENCE_END) if i >= 0]
        return lo, min(found, default=ceiling)


FULL_LINE = 0.8  # a flowing line at least this share of its page's longest line runs on


def _widths(blocks: Sequence[Block]) -> dict[str, int]:
    """The longest (compact) line of each container: a line that falls well short of it ends
    its paragraph (a title, a heading, a paragraph's last line)."""
    widest: dict[str, int] = {}
    for block in blocks:
        key = container_of(block.location)
        n = len(block.text) - block.text.count(" ")
        if n > widest.get(key, 0):
            widest[key] = n
    return widest


def build(blocks: Sequence[Block], flowing: bool) -> MatchText:
    """Join ``blocks``; with ``flowing`` true, a CJK line end is joined to the next line without
    a break when the line runs the width of its page (the next line continues its paragraph)
    and the next line is no heading."""
    widest = _widths(blocks) if flowing else {}
    prev_full = False
    parts: list[str] = []
    starts: list[int] = []
    kept: list[Block] = []
    compacts: list[Compact] = []
    pos = 0
    prev_container = ""
    for block in blocks:
        c = compact(block.text) if len(block.text) < 512 else _compact_nocache(block.text)
        if not c.text:
            continue
        if parts:
            if flowing:  # the container is only needed to join flowing lines
                container = container_of(block.location)
                joined = (container == prev_container and prev_full and _cjk(parts[-1][-1])
                          and _cjk(c.text[0]) and HEADING.match(c.text) is None)
                prev_container = container
            else:
                joined = False
            if not joined:
                parts.append("\n")
                pos += 1
        elif flowing:
            prev_container = container_of(block.location)
        if flowing:
            prev_full = len(c.text) >= FULL_LINE * widest.get(container_of(block.location), 0)
        starts.append(pos)
        kept.append(block)
        compacts.append(c)
        parts.append(c.text)
        pos += len(c.text)
    return MatchText("".join(parts), tuple(starts), tuple(kept), tuple(compacts))


def _compact_nocache(text: str) -> Compact:
    return compact.__wrapped__(text)
