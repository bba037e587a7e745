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
from typing import Any

import numpy as np

from markers.normalize import fold_width
from scanner.derived.hanzi import to_simplified

K = 8
W = 12
GUARANTEE = W + K - 1
BITS = 47  # a fingerprint keeps this many bits of its 63-bit hash (six bytes in SQLite)
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
    # a held document's 版头 and its 附件 line (a 转发's, a compilation's): the held document's
    # own text is what a copy shares, not the lines two documents holding it both add
    r"|^附件[\d一二三四五六七八九十]{0,3}(?:[:：].{0,80})?$|^\d{6}$"
    r"|^(?!.*(?:关于|的))[\u4e00-\u9fff]{2,20}(?:文件|公告|通告)$")
# A standard secrecy reminder (本件涉及国家秘密，不得翻印…): left out when it starts a sentence; a
# PDF line that continues the line before it (…试验数据统一 / 存储在专用涉密计算机上…不得带离…)
# is the middle of a paragraph, not a reminder.
REMINDER = re.compile(
    r"^.{0,30}(国家秘密|涉密|秘密文件).{0,40}(妥善保管|不得|严禁|清退|销毁|追究).{0,60}$")
FULL_LINE = 16  # characters of a line that a PDF wrapped at the margin, at the least
_CONTINUED = re.compile(r"[\w，、,“‘《（(-]$")


def is_structural(texts: Sequence[str], k: int) -> bool:
    """Whether block ``k`` of ``texts`` (folded) is a structural line or a standalone reminder."""
    text = texts[k].strip()
    if STRUCTURAL.search(text) or DOC_NO.fullmatch(text):
        return True
    if not REMINDER.search(text):
        return False
    before = texts[k - 1].strip() if k > 0 else ""
    # the line before runs on into this one: it ends mid-sentence and is a full line (a date, a
    # signature or a heading above a reminder is short)
    return not (_CONTINUED.search(before) and len(before) >= max(FULL_LINE, 0.8 * len(text)))
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


def normalize_reference(blocks: Sequence[str]) -> Normal:
    """The normalized prose of a document given as its blocks' texts, character by character
    (the definition: :func:`normalize_blocks` is the same by runs; the tests hold them equal)."""
    first = title_index(blocks)
    start = 0 if first is None else first + 1
    chars: list[str] = []
    where: list[int] = []
    offsets: list[int] = []
    folded = [to_simplified(fold_width(raw)) for raw in blocks[start:]]
    masks = _masked(folded)
    for b in range(start, len(blocks)):
        text = folded[b - start]
        if is_structural(folded, b - start):
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


_TABLE: list[Any] = []  # str.isalnum() of every code point of the basic plane, built once


def _alnum(codes: Any) -> Any:
    """Whether each code point is a letter or digit (``str.isalnum``), as an array."""
    if not _TABLE:
        _TABLE.append(np.array([chr(c).isalnum() for c in range(0x10000)], dtype=bool))
    keep = _TABLE[0][np.minimum(codes, 0xFFFF)]
    for i in np.flatnonzero(codes > 0xFFFF).tolist():  # the other planes: one by one (rare)
        keep[i] = chr(int(codes[i])).isalnum()
    return keep


def normalize_blocks(blocks: Sequence[str]) -> Normal:
    """The normalized prose of a document given as its blocks' texts: :func:`normalize_reference`
    on arrays (the whole document folded at once, the letters and digits picked by a table, the
    breaks placed by the same rules)."""
    first = title_index(blocks)
    start = 0 if first is None else first + 1
    body = blocks[start:]
    if not body:
        return Normal("", [], [])
    folded = to_simplified(fold_width("\n".join(body)))  # both keep every length
    starts = np.cumsum([0] + [len(t) + 1 for t in body[:-1]])
    codes = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    keep = _alnum(codes)
    cuts: list[tuple[int, int, int]] = []  # (where, block, offset) of each part left out
    structural = [False] * len(body)
    at = starts.tolist()
    lines = [folded[at[k]:at[k] + len(raw)] for k, raw in enumerate(body)]
    for k, raw in enumerate(body):
        s = at[k]
        if is_structural(lines, k):
            keep[s:s + len(raw)] = False
            cuts.append((s, start + k, 0))
            structural[k] = True
    for pattern in (PUBLIC_QUOTE, DOC_NO, BOOK):  # (across block ends, as :func:`_masked`)
        for m in pattern.finditer(folded):
            s, e = m.span()
            k = bisect_right(at, s) - 1
            while k < len(body) and at[k] < e:
                first, last = max(s - at[k], 0), min(e - at[k], len(body[k]))
                if first < last and not structural[k]:
                    keep[at[k] + first:at[k] + last] = False
                    cuts.append((at[k] + first, start + k, first))
                k += 1
    kept = np.flatnonzero(keep)
    local = np.searchsorted(starts, kept, side="right") - 1
    where = (local + start).tolist()
    offsets = (kept - starts[local]).tolist()
    chars = codes[kept].tobytes().decode("utf-32-le", "surrogatepass")
    low = chars.lower()
    parts: list[str] = list(low) if len(low) == len(chars) and "Σ" not in chars else [
        ch.lower() for ch in chars]  # one character for one, no context
    breaks: list[tuple[int, int, int]] = []  # (place in the kept characters, block, offset)
    for place, block, offset in sorted(cuts):
        k = int(np.searchsorted(kept, place))
        if k == 0 or (breaks and breaks[-1][0] == k):
            continue  # nothing before it, or a break already there
        breaks.append((k, block, offset))
    for k, block, offset in reversed(breaks):
        parts.insert(k, BREAK)
        where.insert(k, block)
        offsets.insert(k, offset)
    return Normal("".join(parts), where, offsets)


_MOD = 2**61 - 1  # a Mersenne prime: a polynomial hash of code points modulo it
_BASE = 1_000_003
_TOP = pow(_BASE, K - 1, _MOD)
_MIX = 0x9E3779B97F4A7C15  # odd: multiplying by it modulo 2**63 spreads the values, one for one
_SHIFT = np.uint64(63 - BITS)


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


def fingerprints_reference(text: str) -> list[tuple[int, int]]:
    """Winnowed (full 63-bit hash, position) pairs of ``text`` in plain Python: in every window
    of :data:`W` consecutive k-grams the smallest hash (the rightmost on a tie) is taken, each
    occurrence once (a monotonic queue). :func:`fingerprints` is the same, vectorized (the
    tests hold them equal)."""
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


_P = np.uint64(_MOD)
_POW = [pow(_BASE, K - 1 - j, _MOD) for j in range(K)]
_LOW = [np.uint64(p & (2**31 - 1)) for p in _POW]  # each power split in two halves so that a
_HIGH = [np.uint64(p >> 31) for p in _POW]  # code point (< 2**21) times a half fits in 64 bits
_M30 = np.uint64(2**30 - 1)
_MIXU = np.uint64(_MIX)
_M63 = np.uint64(2**63 - 1)
_U30, _U31, _U61 = np.uint64(30), np.uint64(31), np.uint64(61)


def _fold(x: Any) -> Any:
    """``x`` reduced modulo 2**61 - 1 (a Mersenne prime: the high bits add to the low ones)."""
    return (x & _P) + (x >> _U61)


def kgram_array(text: str) -> tuple[Any, Any]:
    """The hashes and positions of every k-gram of ``text`` that spans no :data:`BREAK` (the
    values of :func:`kgram_hashes`, computed on arrays in unsigned 64-bit arithmetic)."""
    raw = text.encode("utf-32-le", "surrogatepass")
    codes = np.frombuffer(raw, dtype=np.uint32).astype(np.uint64)
    n = len(codes) - K + 1
    if n <= 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    h = np.zeros(n, np.uint64)
    for j in range(K):
        c = codes[j:j + n]
        x = c * _HIGH[j]  # < 2**51; times 2**31 modulo p: its bits from 30 up wrap to the bottom
        h = _fold(h + _fold(c * _LOW[j] + (x >> _U30) + ((x & _M30) << _U31)))
    h = np.where(h >= _P, h - _P, h)
    h = (h * _MIXU) & _M63  # (h * MIX) mod 2**63: the product wraps modulo 2**64
    breaks = codes == 0
    if not breaks.any():
        return h, np.arange(n)
    seen = np.concatenate(([0], np.cumsum(breaks)))
    ok = seen[K:K + n] == seen[:n]
    return h[ok], np.nonzero(ok)[0]


def fingerprints(text: str) -> list[tuple[int, int]]:
    """Winnowed (fingerprint, position) pairs of ``text``: in every window of :data:`W`
    consecutive k-grams the k-gram of smallest 63-bit hash (the rightmost on a tie) is taken,
    each occurrence once; its fingerprint is the hash's top :data:`BITS` bits (what the index
    stores). The same choice as :func:`fingerprints_reference`, on arrays."""
    h, pos = kgram_array(text)
    if len(h) == 0:
        return []
    if len(h) <= W:
        chosen = np.array([len(h) - 1 - int(np.argmin(h[::-1]))])
    else:
        windows = np.lib.stride_tricks.sliding_window_view(h, W)
        chosen = W - 1 - np.argmin(windows[:, ::-1], axis=1) + np.arange(len(h) - W + 1)
        keep = np.empty(len(chosen), dtype=bool)
        keep[0] = True
        keep[1:] = chosen[1:] != chosen[:-1]
        chosen = chosen[keep]
    return list(zip((h[chosen] >> _SHIFT).tolist(), pos[chosen].tolist(), strict=True))
