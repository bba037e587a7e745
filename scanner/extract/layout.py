"""Lines from positioned text: pieces of text with their horizontal extent and their vertical
band, grouped into lines by vertical overlap and read left to right (PDF page 1, OFD pages).

Coordinates grow upward (``top`` > ``bottom``), as in PDF; a reader whose page grows downward
(OFD) negates its y values.
"""

from __future__ import annotations

from dataclasses import dataclass

from markers import Block

TOP_FRACTION = 0.30


@dataclass
class Line:
    """One line: its vertical band and its pieces (left, right, text)."""

    top: float
    bottom: float
    parts: list[tuple[float, float, str]]

    @property
    def x0(self) -> float:
        return min(x for x, _, _ in self.parts)

    def text(self) -> str:
        """Parts left to right; a space only where the gap is wider than half the line height."""
        gap = 0.5 * max(self.top - self.bottom, 1.0)
        out: list[str] = []
        last_right: float | None = None
        for left, right, text in sorted(self.parts):
            if last_right is not None and left - last_right > gap:
                out.append(" ")
            out.append(text.strip("\r\n"))
            last_right = right
        return "".join(out)


def find_line(lines: list[Line], top: float, bottom: float) -> Line | None:
    """The line among the last few that ``top``..``bottom`` overlaps by half, if any."""
    height = max(top - bottom, 1.0)
    for line in reversed(lines[-8:]):
        overlap = min(top, line.top) - max(bottom, line.bottom)
        if overlap > 0.5 * min(height, max(line.top - line.bottom, 1.0)):
            return line
    return None


def group(pieces: list[tuple[float, float, float, float, str]]) -> list[Line]:
    """Lines from pieces (left, bottom, right, top, text), top to bottom, left to right."""
    lines: list[Line] = []
    for left, bottom, right, top, text in pieces:
        if not text.strip():
            continue
        line = find_line(lines, top, bottom)
        if line is None:
            lines.append(Line(top, bottom, [(left, right, text)]))
        else:
            line.parts.append((left, right, text))
            line.top, line.bottom = max(line.top, top), min(line.bottom, bottom)
    lines.sort(key=lambda ln: (-ln.top, ln.x0))
    return lines


def page1_blocks(lines: list[Line], width: float, height: float, blocks: list[Block],
                 *, y_down: bool = False) -> None:
    """Page 1's lines as blocks: the top third is the ``top`` region (``top_right`` when a
    line starts right of the middle)."""
    for i, line in enumerate(lines, 1):
        region = "body"
        in_top = (-line.top <= height * TOP_FRACTION) if y_down else (
            line.top >= height * (1 - TOP_FRACTION))
        if in_top:
            region = "top" if line.x0 < width / 2 else "top_right"
        blocks.append(Block(line.text(), f"page1.l{i}", region, len(blocks)))  # type: ignore[arg-type]
