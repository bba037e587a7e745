"""Fingerprints of a document's own prose: normalized text → k-gram hashes → winnowing.

Normalization folds full-width forms (:func:`markers.normalize.fold_width`) and traditional
characters (:mod:`.hanzi`) and keeps only letters and digits of every script: punctuation,
whitespace and line breaks go, so re-punctuation, re-wrapping and width changes leave the text as
it was. Every kept character remembers its block and its offset there.

Left out of the text that is fingerprinted (a break stands in their place, so no k-gram spans
them): the lead up to the title (份号, mark, 文号, title: a register repeats exactly those); the
lines every 公文 of a unit shares by its structure, not its content (the 主送 line, 版记 lines:
抄送…, …印发, distribution and 知悉范围 lines, the standard 保密 reminders), which an archive too
small for frequencies to tell would otherwise link by; every 文号 and 《…》 (citations are
evidence of their own, :mod:`.cite`); and a quotation attributed to a public text,
``《…法》第X条规定：“…”`` or ``…总书记强调：“…”`` (public: it links nothing).

Winnowing (Schleimer, Wilkerson and Aiken 2003) with k-grams of :data:`K` characters and windows
of :data:`W` k-grams: any run of at least ``W + K - 1`` = 19 normalized characters shared by two
documents yields at least one shared fingerprint (the guarantee threshold), and nothing shorter
than ``K`` = 8 characters ever does (the noise threshold).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from markers.normalize import fold_width
from scanner.derived.hanzi import to_simplified

K = 8
W = 12
GUARANTEE = W + K - 1
BREAK = "\x00"
LEAD_BLOCKS = 15  # the title is looked for among the first blocks
TITLE = re.compile(r"^(关于|關於).{2,60}$|^.{2,60}(通知|意见|方案|报告|决定|办法|规定|纪要|通报"
                   r"|批复|请示|要点|规划|细则|目录|函|摘编|汇编)$")
DOC_NO = re.compile(r"[\u4e00-\u9fff]{0,12}[〔\[(（【]\s*(?:19|20)\d{2}\s*[〕\])）】]"
                    r"\s*第?\s*\d{1,5}\s*号|[\u4e00-\u9fff]{1,12}字\s*第\s*\d{1,5}\s*号")
BOOK = re.compile(r"《[^《》]{1,80}》")
STRUCTURAL = re.compile(
    r"^(抄送|分送|抄报|主送|报送)[:：]|印发$|^[（(]?(此件|本件)?(发至|印发至|分发至).{0,30}[）)]?$"
    r"|^知悉范围[:：]|^.{2,60}[:：]$"
    r"|^.{0,30}(国家秘密|涉密|秘密文件).{0,40}(妥善保管|不得|严禁|清退|销毁|追究).{0,60}$")
# The quotation itself: “…”, or (as PDF text often has it) its opening mark moved further on
# (to the end of a line), as long as a closing mark ends it within a few lines.
_QUOTED = r"[:：，,]?\s*(?:“[^”]{2,1200}”|[^“”。\n]{2,80}\s*“+\s*[^“”]{0,400}”)"
# A newspaper or journal named as the speaker (《人民日报》评论员文章指出), not a document: a short
# name that is not a 公文's title (关于…, …通知/报告/方案…).
_GENRES = ("通知", "报告", "通报", "意见", "方案", "要点", "决定", "办法", "规定", "细则", "批复",
           "请示", "纪要", "规划", "函")
_PUBLICATION = (r"《(?!关于)[^《》]{2,10}" + "".join(f"(?<!{g})" for g in _GENRES) + "》")
PUBLIC_QUOTE = re.compile(
    r"《[^《》]{2,60}》第[一二三四五六七八九十百零〇0-9]+条(?:第[^，。“]{1,6}款)?"
    r"[^“。]{0,8}" + _QUOTED +
    r"|(?:总书记|主席|总理|同志|" + _PUBLICATION + r")[^“。]{0,16}(?:指出|强调|要求|说|讲|写道)的?"
    + _QUOTED)


@dataclass(frozen=True)
class Normal:
    """A document's normalized prose: the text (with :data:`BREAK` where a part was left out)
    and, for each character, its block and its offset in that block's raw text."""

    text: str
    block: Sequence[int]
    offset: Sequence[int]

    def origin(self, start: int, end: int) -> tuple[int, int, int]:
        """The block and raw span of the normalized span ``[start, end)`` (in the block where it
        starts)."""
        b = self.block[start]
        last = end - 1
        while last > start and self.block[last] != b:
            last -= 1
        return b, self.offset[start], self.offset[last] + 1


def title_index(blocks: Sequence[str]) -> int | None:
    """The block that is the title, among the first ones (None: none looks like one)."""
    for i, text in enumerate(blocks[:LEAD_BLOCKS]):
        t = to_simplified(fold_width("".join(text.split())))
        if 4 <= len(t) <= 64 and TITLE.match(t) and "★" not in t:
            return i
    return None


def _masked(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """For each block, the spans to leave out: public quotations, 文号, 《…》. They are looked
    for across block ends (a PDF's lines break a quotation or a title anywhere)."""
    joined = "\n".join(texts)
    starts = [0]
    for t in texts:
        starts.append(starts[-1] + len(t) + 1)
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    for pattern in (PUBLIC_QUOTE, DOC_NO, BOOK):
        for m in pattern.finditer(joined):
            s, e = m.span()
            b = bisect_right(starts, s) - 1
            while b < len(texts) and starts[b] < e:
                out[b].append((max(s - starts[b], 0), min(e - starts[b], len(texts[b]))))
                b += 1
    return out


def normalize_blocks(blocks: Sequence[str]) -> Normal:
    """The normalized prose of a document given as its blocks' texts."""
    first = title_index(blocks)
    start = 0 if first is None else first + 1
    chars: list[str] = []
    where: list[int] = []
    offsets: list[int] = []
    folded = [to_simplified(fold_width(raw)) for raw in blocks[start:]]
    masks = _masked(folded)
    for b in range(start, len(blocks)):
        text = folded[b - start]
        if STRUCTURAL.search(text.strip()):
            if chars and chars[-1] != BREAK:
                chars.append(BREAK)
                where.append(b)
                offsets.append(0)
            continue
        masked = [False] * len(text)
        for s, e in masks[b - start]:
            for i in range(s, e):
                masked[i] = True
        gap = not chars or chars[-1] == BREAK  # a part left out at a block start breaks too
        for i, ch in enumerate(text):
            if masked[i]:
                if not gap:
                    chars.append(BREAK)
                    where.append(b)
                    offsets.append(i)
                    gap = True
                continue
            if ch.isalnum():
                chars.append(ch.lower())
                where.append(b)
                offsets.append(i)
                gap = False
    return Normal("".join(chars), where, offsets)


_MOD = 2**61 - 1  # a Mersenne prime: a polynomial hash of code points modulo it
_BASE = 1_000_003
_TOP = pow(_BASE, K - 1, _MOD)
_MIX = 0x9E3779B97F4A7C15  # odd: multiplying by it modulo 2**63 spreads the values, one for one


def kgram_hash(gram: str) -> int:
    """A stable 63-bit hash of one k-gram (the same in every process and on every machine): the
    polynomial of its code points modulo a prime, mixed."""
    h = 0
    for ch in gram:
        h = (h * _BASE + ord(ch)) % _MOD
    return (h * _MIX) % 2**63


def kgram_hashes(text: str) -> list[tuple[int, int]]:
    """(hash, position) of every k-gram of ``text`` that spans no :data:`BREAK`, rolled along
    the text (each character costs a few integer operations)."""
    out: list[tuple[int, int]] = []
    h = run = 0
    for i, ch in enumerate(text):
        if ch == BREAK:
            h = run = 0
            continue
        if run == K:
            h = (h - ord(text[i - K]) * _TOP) % _MOD
            run -= 1
        h = (h * _BASE + ord(ch)) % _MOD
        run += 1
        if run == K:
            out.append(((h * _MIX) % 2**63, i - K + 1))
    return out


def fingerprints(text: str) -> list[tuple[int, int]]:
    """Winnowed (hash, position) pairs of ``text``: in every window of :data:`W` consecutive
    k-grams the smallest hash (the rightmost on a tie) is taken, each occurrence once (a
    monotonic queue: linear in the length)."""
    grams = kgram_hashes(text)
    if not grams:
        return []
    if len(grams) <= W:
        return [min(grams, key=lambda g: (g[0], -g[1]))]
    chosen: list[tuple[int, int]] = []
    queue: deque[int] = deque()  # indexes into grams, their hashes increasing
    last = -1
    for k, (h, _) in enumerate(grams):
        while queue and grams[queue[-1]][0] >= h:  # rightmost minimum wins ties
            queue.pop()
        queue.append(k)
        if queue[0] <= k - W:
            queue.popleft()
        if k >= W - 1 and grams[queue[0]][1] != last:
            chosen.append(grams[queue[0]])
            last = grams[queue[0]][1]
    return chosen
