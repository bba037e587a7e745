"""Token boundaries of catalogue terms: where a candidate occurrence may start and end.

A term counts only on token boundaries of the matcher's segmentation, with these exceptions and
guards: digits and ASCII letters never split (``1:500`` is not in ``1:5000``); the head of a
compound counts (疫苗 in 流感|疫苗), and so do a word's stem (反恐 in 反恐怖) and a term jieba cut
the other way (地下水 in 地下|水源地). :func:`crossed` tells cheaply whether any dictionary word
spans a position (the matcher segments only where one does).
"""

from __future__ import annotations

import bisect

MAX_WORD = 8


def ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def inside_number(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` begins or ends inside a longer run of digits or ASCII letters
    (``1:500`` in ``1:5000`` or ``21:500``, ``1:1万`` in ``11:1万``): term boundaries hold
    at digits and ASCII."""
    first, last = text[start], text[end - 1]
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if ascii_word(first) and before and (ascii_word(before) or (
            before in ".,:" and start > 1 and text[start - 2].isdigit())):
        return True
    if ascii_word(last) and after and ascii_word(after):
        return True
    return last.isdigit() and after in (".", ",") and text[end + 1:end + 2].isdigit()


def head(text: str, start: int, end: int, bounds: set[int], freq: dict[str, int]) -> bool:
    """Whether ``[start, end)`` (two characters or more, ending on a boundary) is the head of a
    compound token whose rest is a word of its own: a kind of the term (疫苗 in 流感|疫苗, 民兵 in
    基干|民兵). A term cut across two tokens (计划 in 设计|划) or after a single character
    (试卷 in 考试卷, 底价 in 无底价) is not."""
    if end - start < 2 or any(p in bounds for p in range(start + 1, end)):
        return False
    left = max((p for p in bounds if p < start), default=-1)
    return start - left >= 2 and left >= 0 and freq.get(text[left:start], 0) > 0


def stem(text: str, start: int, end: int, bounds: set[int]) -> bool:
    """Whether ``[start, end)`` (two characters or more) is a word's stem: the token from
    ``start`` is the term and one more Chinese character (反恐 in 反恐怖, 地下水 in 地下水源)."""
    return (end - start >= 2 and end + 1 in bounds and end not in bounds
            and all(p not in bounds for p in range(start + 1, end))
            and "\u4e00" <= text[end:end + 1] <= "\u9fff")


def spill(start: int, end: int, bounds: set[int]) -> bool:
    """Whether ``[start, end)`` (three characters or more) is a word of two or more and the
    first character of the next word, a segmentation jieba could have chosen the other way
    (地下水 in 地下|水源地: 地下水|源地)."""
    return (end - start >= 3 and end - 1 in bounds and end not in bounds
            and all(p not in bounds for p in range(start + 1, end - 1)))


def containing(matches: list[tuple[int, int, int]], spans: list[tuple[int, int]]
                ) -> list[tuple[int, int, int]]:
    """The matches (word index, start, end) that contain one of ``spans`` and are longer."""
    by_start = sorted(matches, key=lambda m: m[1])
    starts = [m[1] for m in by_start]
    longest = max(e - s for _, s, e in matches)
    out: dict[tuple[int, int, int], None] = {}
    for s, e in spans:
        k = bisect.bisect_left(starts, s - longest)
        while k < len(by_start) and by_start[k][1] <= s:
            m = by_start[k]
            if m[2] >= e and m[2] - m[1] > e - s:
                out[m] = None
            k += 1
    return list(out)


class Containment:
    """Is ``[start, end)`` inside one of the given intervals? (sorted starts + running max end)"""

    def __init__(self, intervals: list[tuple[int, int]]) -> None:
        intervals.sort()
        self.starts = [s for s, _ in intervals]
        self.reach: list[int] = []
        best = -1
        for _, e in intervals:
            best = max(best, e)
            self.reach.append(best)

    def __call__(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end


def crossed(text: str, p: int, freq: dict[str, int]) -> bool:
    """True when some dictionary word of two or more characters spans position ``p``.

    ``freq`` holds every word and, with frequency 0, every prefix of a word, so extending a
    candidate to the right stops as soon as it is no longer a prefix."""
    n = len(text)
    for i in range(max(p - MAX_WORD + 1, 0), p):
        j = p + 1
        while j <= n and j - i <= MAX_WORD:
            value = freq.get(text[i:j])
            if value is None:
                break
            if value > 0:
                return True
            j += 1
    return False
