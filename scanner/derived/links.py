"""A document's sources: the indexed documents it copies passages of, or cites.

*Copied content.* The document's fingerprints are looked up; a fingerprint found in more documents
than :func:`boilerplate_limit` allows is boilerplate (版记, standard reminders, routine sentences)
and ignored. Each shared fingerprint seeds an alignment of the two normalized texts: the exact run
around it is extended both ways across small edits (a character replaced, dropped or added, up to
:data:`MAX_SKIP` on either side, as long as :data:`RESUME` characters match again after it), so
OCR noise does not cut a passage into pieces. A passage counts when it holds at least
:data:`MIN_PASSAGE` matching characters with no more than one edit per :data:`EDIT_EVERY`: a
routine sentence pattern shared by unrelated documents breaks off at its first differing name.
The older of two documents is the source (by date). When the dates do not tell (the same date, or
one or both undated), a document that cites the other (by its 文号 or 《title》) while not cited
by it is derived from it (a 转发 holding the whole document it forwards); else an undated document
is taken as derived from a dated one, and of two undated ones the one whose text the shared
passages cover the more is derived.
Candidates are taken oldest first (of one date, the one the passages make up more of first), and
a passage already explained by an older source is not counted again: two documents copying the
same source link to it, not to each other.

*Citation.* A 文号 (key and, when written, prefix) or a 《title》 resolved to exactly one other
document; a line that only lists documents (a register) cites nothing, unless the document holds
that document's text too (a compilation's 目录).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from scanner.derived import cite
from scanner.derived.fingerprint import BREAK, GUARANTEE, K, Normal, W
from scanner.derived.index import DocRow, Reader
from scanner.derived.stock import is_stock

MIN_PASSAGE = 40  # matching characters in one passage for a copy link
SHORT_PASSAGE = 24  # a shorter one counts beside a neighbour it was swapped with (reordering)
NEAR = 8  # characters between two passages that stood together in the source
REPEATS = 16  # a fingerprint this often in one text is a repeated run, not a copied passage
MIN_SEEDS = 2  # shared fingerprints outside boilerplate before two documents are aligned
EDIT_EVERY = 16  # at most one edit per this many matching characters
MAX_SKIP = 2  # characters an edit may replace, drop or add on either side
RESUME = 4  # characters that must match again after an edit
UNDATED = "9999-99-99"
ROUTINE_MIN = 8  # a passage in this many documents may still be one source's, copied
OWN_SHARE = 3  # a passage with less than a third of its own (outside widely held stretches)


def boilerplate_limit(documents: int) -> int:
    """A fingerprint in more documents than this is boilerplate: a quarter of a small archive,
    and at most ``20 + N/2000`` documents (never fewer than 5)."""
    return max(5, min(documents // 4, 20 + documents // 2000))


def routine_limit(documents: int) -> int:
    """A passage held by more documents than this is routine text (a template paragraph every
    writer of the archive reuses): a tenth of the archive, at least :data:`ROUTINE_MIN` and at
    most the boilerplate limit. Counted over whole passages, where a fingerprint's own count
    misses a template whose filled-in names and figures split its fingerprints."""
    return max(ROUTINE_MIN, min(documents // 10, boilerplate_limit(documents)))


@dataclass(frozen=True)
class Passage:
    """A shared passage: its normalized span here and in the source, and fingerprints."""

    here: tuple[int, int]
    there: tuple[int, int]
    matched: int  # characters that match (edits excluded)
    short: bool = False  # fewer than MIN_PASSAGE: counts only beside a neighbour (reordered)


@dataclass
class Link:
    """This document derives from ``source`` by copy, citation or both."""

    source: DocRow
    passages: list[Passage] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    share: float = 0.0  # of this document's normalized text the passages cover

    @property
    def by(self) -> str:
        """``copy``, ``cite`` or ``cite+copy``."""
        if self.passages and self.citations:
            return "cite+copy"
        return "copy" if self.passages else "cite"

    @property
    def copies(self) -> bool:
        """Whether content is reproduced (a passage, or a citation with shared fingerprints)."""
        return bool(self.passages)


def _exact(a: str, b: str, i: int, j: int, step: int) -> int:
    """How many characters match going from ``a[i]``/``b[j]`` in direction ``step`` (slices
    compared by doubling then halving: the comparisons run in C)."""
    if not (0 <= i < len(a) and 0 <= j < len(b)) or a[i] != b[j] or a[i] == BREAK:
        return 0
    if step > 0 and a[i:i + RESUME] != b[j:j + RESUME]:  # short runs: character by character
        n = 0
        while n < RESUME and i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n] \
                and a[i + n] != BREAK:
            n += 1
        return n
    if step < 0:  # backwards: the same question on the prefixes, read from their ends
        limit = min(i, j) + 1

        def same(n: int) -> bool:
            return a[i - n + 1:i + 1] == b[j - n + 1:j + 1]
    else:
        limit = min(len(a) - i, len(b) - j)

        def same(n: int) -> bool:
            return a[i:i + n] == b[j:j + n]
    lo, n = 0, 1
    while n <= limit and same(n):
        lo, n = n, n * 2
    hi = min(n, limit + 1)  # same(lo) holds, same(hi) does not (or hi is past the limit)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if same(mid):
            lo = mid
        else:
            hi = mid
    seg = a[i - lo + 1:i + 1] if step < 0 else a[i:i + lo]
    cut = seg.find(BREAK) if step > 0 else (lo - 1 - seg.rfind(BREAK) if BREAK in seg else -1)
    return cut if cut >= 0 else lo


def _at(text: str, i: int) -> str:
    return text[i] if 0 <= i < len(text) else BREAK


_SKIPS = sorted(((x, y) for x in range(MAX_SKIP + 1) for y in range(MAX_SKIP + 1) if x or y),
                key=lambda s: (max(s), s[0] + s[1]))


def _extend(a: str, b: str, i: int, j: int, step: int) -> tuple[int, int, int, list[range]]:
    """Extend from ``a[i]``/``b[j]`` in direction ``step`` across small edits: (characters
    covered in ``a``, in ``b``, edits, the exact runs as ranges of ``a``)."""
    ca = cb = edits = 0
    runs: list[range] = []
    while True:
        run = _exact(a, b, i + step * ca, j + step * cb, step)
        if run:
            first, last = i + step * ca, i + step * (ca + run - 1)
            runs.append(range(min(first, last), max(first, last) + 1))
        ca += run
        cb += run
        na, nb = i + step * ca, j + step * cb
        if _at(a, na) == BREAK or _at(b, nb) == BREAK:  # a left-out part ends a passage
            return ca, cb, edits, runs
        for x, y in _SKIPS:
            ia, jb = i + step * (ca + x), j + step * (cb + y)
            if _exact(a, b, ia, jb, step) >= RESUME:
                if _figures_differ(_edited(a, na, x, step), _edited(b, nb, y, step)):
                    return ca, cb, edits, runs  # another figure: another fact, not a copy
                ca += x
                cb += y
                edits += 1
                break
        else:
            return ca, cb, edits, runs


def _edited(text: str, at: int, n: int, step: int) -> str:
    """The ``n`` characters an edit passes over from ``text[at]`` in direction ``step``."""
    return text[at:at + n] if step > 0 else text[max(at - n + 1, 0):at + 1]


def _figures_differ(here: str, there: str) -> bool:
    """Whether an edit replaces a figure by another (digits on both sides): a copy keeps its
    figures, a routine sentence pattern fills in its own."""
    return any(c.isdigit() for c in here) and any(c.isdigit() for c in there)


def _own_run(runs: list[range], boiler: bytearray) -> int:
    """The longest stretch of exactly matching characters outside boilerplate."""
    best = cur = 0
    prev = None
    for x in sorted(x for r in runs for x in r):
        if boiler[x] or (prev is not None and x != prev + 1):
            cur = 0
        if not boiler[x]:
            cur += 1
            best = max(best, cur)
        prev = x
    return best


def _align(here: Normal, there: Normal, i: int, j: int,
           boiler: bytearray) -> tuple[Passage | None, int]:
    """The passage around the shared k-gram at ``here.text[i:]`` and ``there.text[j:]`` if it
    counts (and where the alignment ended here): enough matching characters outside boilerplate
    (``boiler`` marks it here), few edits, and one exact run outside boilerplate at least as long
    as the guarantee threshold; a stray piece at either end (:func:`_stray`) is no part of it."""
    a, b = here.text, there.text
    ra, rb, re_, rr = _extend(a, b, i, j, 1)
    la, lb, le, lr = _extend(a, b, i - 1, j - 1, -1) if i and j else (0, 0, 0, [])
    front = _stray(here, there, i - la, j - lb, step=1, limit=i + ra)
    back = _stray(here, there, i + ra - 1, j + rb - 1, step=-1, limit=i - la + front - 1)
    first, stop = i - la + front, i + ra - back
    runs = [range(max(r.start, first), min(r.stop, stop)) for r in rr + lr]
    edits = re_ + le
    matched = sum(1 for r in runs for x in r if not boiler[x])
    if (matched < SHORT_PASSAGE or edits * EDIT_EVERY > matched
            or _own_run(runs, boiler) < GUARANTEE):
        return None, i + ra
    return Passage((first, stop), (j - lb + front, j + rb - back), matched,
                   short=matched < MIN_PASSAGE), i + ra


def _stray(here: Normal, there: Normal, i: int, j: int, *, step: int, limit: int) -> int:
    """How many characters from ``here[i]``/``there[j]`` (going in direction ``step``, at a
    passage's start or, backwards, its end) are a stray piece: fewer than :data:`RESUME`,
    matching exactly, on the far side of a block end on both sides (a heading's last word before
    a copied paragraph: the same word ends the source's paragraph before it), with :data:`K`
    characters matching exactly in the next block here before ``limit``. 0: none."""
    a, b = here.text, there.text
    for n in range(1, RESUME):
        x, y = i + step * n, j + step * n  # the first character past the piece
        if not (0 <= x < len(a) and 0 <= y < len(b)) or (x - limit) * step >= 0:
            return 0
        if a[x - step] != b[y - step]:
            return 0  # not an exact piece
        here_ends = here.block[x] != here.block[x - step]
        there_ends = there.block[y] != there.block[y - step]
        if here_ends != there_ends:
            return 0  # one text runs on where the other ends a block: a text wrapped anew
        if here_ends:  # the rest: K characters matching exactly in the next block here
            inside = (x + step * (K - 1) - limit) * step < 0 and 0 <= y + step * (K - 1) < len(b)
            return n if inside and all(
                a[x + step * m] == b[y + step * m] and here.block[x + step * m] == here.block[x]
                for m in range(K)) else 0
    return 0


def boiler_mask(length: int, positions: Sequence[int]) -> bytearray:
    """The characters covered by boilerplate fingerprints (and the gaps between two of them no
    longer than a window: a boilerplate run has a fingerprint in every window)."""
    mask = bytearray(length)
    last = None
    for p in sorted(positions):
        start = last if last is not None and p - last <= W else p
        for x in range(start, min(p + K, length)):
            mask[x] = 1
        last = p
    return mask


def _passages(pairs: list[tuple[int, int]], here: Normal, there: Normal,
              boiler: bytearray) -> list[Passage]:
    """Aligned passages from seed pairs (each stretch of this document once)."""
    pairs.sort()
    out: list[Passage] = []
    reach = -1
    failed: dict[int, int] = {}  # offset o - d of a failed alignment → where it ended
    for d, o in pairs:
        if d < reach or any(boiler[d:d + K]):  # a seed touching boilerplate is no evidence
            continue
        if failed.get(o - d, -1) > d:  # the same stretch, already aligned and refused
            continue
        p, end = _align(here, there, d, o, boiler)
        if p is not None:
            out.append(p)
            reach = end  # (a stray piece left at its end is no seed of another passage)
        else:
            failed[o - d] = end
    return [p for p in out if not p.short or any(_swapped(p, q) for q in out if q is not p)]


def _swapped(p: Passage, q: Passage) -> bool:
    """Whether two passages stand one right after the other in the source but the other way
    round here (sentences reordered), holding :data:`MIN_PASSAGE` characters together. In the
    same order they are one stretch broken by a difference (another figure, another name):
    no evidence of copying."""
    if p.matched + q.matched < MIN_PASSAGE:
        return False
    first, second = (p, q) if p.there[0] <= q.there[0] else (q, p)
    near = -NEAR <= second.there[0] - first.there[1] <= NEAR
    return near and second.here[1] <= first.here[0] + NEAR  # (a few shared characters at the seam)


def _covered(passages: Sequence[Passage], side: int) -> int:
    spans = sorted(p.here if side == 0 else p.there for p in passages)
    total, end = 0, -1
    for first, stop in spans:
        start = max(first, end)
        if stop > start:
            total += stop - start
            end = stop
    return total


def find_links(prints: Sequence[tuple[int, int]], normal: Normal, date: str | None,
               cites: Sequence[dict[str, Any]], reader: Reader, *, own_sha: str,
               documents: int, text_of: Callable[[DocRow], Normal | None]) -> list[Link]:
    """The sources of a document given by its fingerprints, normalized text, date and
    citations; ``text_of`` gives another document's normalized text."""
    chars = len(normal.text)
    by_hash: dict[int, list[int]] = defaultdict(list)
    for h, p in prints:
        by_hash[h].append(p)
    rows, common = reader.lookup(by_hash, boilerplate_limit(documents))  # (common: boilerplate)
    shared: dict[int, list[tuple[int, int]]] = defaultdict(list)
    boiler = boiler_mask(chars, [p for h in common for p in by_hash[h]])
    seen: dict[tuple[int, int], int] = defaultdict(int)
    for h, doc, pos in rows:
        if len(by_hash[h]) > REPEATS:
            continue  # a run repeated within the text (no evidence of copying)
        seen[h, doc] += 1
        if seen[h, doc] > REPEATS:
            continue  # the same run repeated in the other text: its pairs would grow as n × m
        for here in by_hash[h]:
            shared[doc].append((here, pos))
    links: dict[int, Link] = {}
    candidates: list[tuple[str, float, int, list[Passage]]] = []
    docs_of: dict[int, set[int]] = defaultdict(set)  # (of the rare fingerprints: the rows')
    for h, doc, _ in rows:
        docs_of[h].add(doc)
    routine = _Routine(by_hash, docs_of, routine_limit(documents), common, reader.docs_with)
    me = reader.doc_by_sha(own_sha)
    for doc_id, pairs in shared.items():
        other = reader.doc(doc_id)
        if other.sha256 == own_sha:
            continue
        if len({d for d, _ in pairs if not boiler[d]}) < MIN_SEEDS:
            continue
        there = text_of(other)
        passages = _passages(pairs, normal, there, boiler) if there else []
        passages = [p for p in passages if not routine.held_widely(p.here)
                    and not is_stock(normal.text[p.here[0]:p.here[1]])]
        if passages and _is_source(other, passages, chars, date,
                                   partial(_citation_order, other, me, cites, reader)):
            # oldest first; of two of one date, the one the passages make up more of (the
            # source itself before a document holding it with more besides)
            held = -_covered(passages, 1) / max(other.chars, 1)
            candidates.append((other.date or UNDATED, held, doc_id, passages))
    claimed: set[int] = set()
    for _, _, doc_id, passages in sorted(candidates):
        fresh = [p for p in passages if not _claimed(p, claimed)]
        if not fresh:
            continue
        for passage in fresh:
            claimed.update(range(*passage.here))
        links[doc_id] = Link(reader.doc(doc_id), fresh)
    for c in cites:
        for other in _resolve(c, reader):
            if other.sha256 == own_sha:
                continue
            if cite.is_listing(c["line"], [other.title_key or ""]) and other.id not in links:
                continue  # a line listing documents (a register) cites nothing by itself; a
                # compilation's 目录 names the documents whose text it holds
            link = links.setdefault(other.id, Link(other))
            if c["raw"] not in link.citations:
                link.citations.append(c["raw"])
    for link in links.values():
        link.share = round(_covered(link.passages, 0) / chars, 3) if chars else 0.0
    return sorted(links.values(), key=lambda lk: (lk.source.date or UNDATED, lk.source.id))


class _Routine:
    """Whether a passage of this document is routine text: held by more documents than the
    limit (those holding at least half of its fingerprints: a template whose filled-in names
    split its fingerprints), or made mostly (all but a third, and fewer than
    :data:`MIN_PASSAGE` characters) of stretches whose own fingerprints are that widely held
    (two routine paragraphs in a row: each widely held, only the few fingerprints across their
    junction held by fewer)."""

    def __init__(self, by_hash: dict[int, list[int]], docs_of: dict[int, set[int]],
                 limit: int, common: set[int], docs_with: Callable[[int], set[int]]) -> None:
        self.limit = limit
        self.docs_of = docs_of
        self.common, self.docs_with = common, docs_with  # (boilerplate: read when needed)
        self.at = sorted((p, h) for h, ps in by_hash.items() for p in ps)
        self.cache: dict[tuple[int, int], bool] = {}

    def _docs(self, h: int) -> set[int]:
        if h in self.common and h not in self.docs_of:
            self.docs_of[h] = self.docs_with(h)
        return self.docs_of.get(h, set())

    def held_widely(self, span: tuple[int, int]) -> bool:
        """Whether the passage at ``span`` is routine text."""
        if span not in self.cache:
            start, end = span
            inside = self.at[bisect_left(self.at, (start, -1)):bisect_left(self.at, (end, -1))]
            counts: dict[int, int] = defaultdict(int)
            for _, h in inside:
                for doc in self._docs(h):
                    counts[doc] += 1
            holders = sum(1 for c in counts.values() if c * 2 >= len(inside))
            wide = [p - start for p, h in inside if len(self._docs(h)) > self.limit]
            own = (end - start) - sum(boiler_mask(end - start, wide))
            mostly_wide = own < MIN_PASSAGE and own * OWN_SHARE < end - start
            self.cache[span] = bool(inside) and (holders > self.limit or mostly_wide)
        return self.cache[span]


def _claimed(p: Passage, claimed: set[int]) -> bool:
    span = range(*p.here)
    return sum(1 for i in span if i in claimed) * 2 > len(span)


def _is_source(other: DocRow, passages: list[Passage], chars: int, date: str | None,
               citation_order: Callable[[], int]) -> bool:
    if date and other.date and date != other.date:
        return other.date < date
    order = citation_order()
    if order:
        return order > 0
    if other.date and not date:
        return True
    if date and not other.date:
        return False
    here = _covered(passages, 0) / max(chars, 1)
    there = _covered(passages, 1) / max(other.chars, 1)
    return here > there


def _names(c: dict[str, Any], row: DocRow) -> bool:
    """Whether the citation ``c`` names the document ``row`` (by its 文号, with its issuer when
    the citation writes one, or by its title), in a sentence or in a line listing documents (a
    compilation's 目录: it links nothing, but says which of two documents holds the other)."""
    if c["kind"] == "title":
        return bool(c["title_key"]) and c["title_key"] == row.title_key
    return bool(c["key"]) and c["key"] == row.number_key and (
        not c["prefix"] or _same_issuer(c["prefix"], row.number_prefix))


def _citation_order(other: DocRow, me: DocRow | None, cites: Sequence[dict[str, Any]],
                    reader: Reader) -> int:
    """1 when this document cites ``other`` and is not cited by it (``other`` is its source),
    -1 the other way round, 0 when citations do not tell (``me``: this document's own row, None
    when it is not indexed: a draft checked against an archive)."""
    mine = any(_names(c, other) for c in cites)
    theirs = me is not None and any(_names(c, me) for c in reader.cites_of(other.id))
    return int(mine) - int(theirs)


def _resolve(c: dict[str, Any], reader: Reader) -> list[DocRow]:
    if c["kind"] == "title":
        found = reader.by_title(c["title_key"]) if c["title_key"] else []
    else:
        found = reader.by_number(c["key"])
        if c["prefix"]:
            found = [d for d in found if _same_issuer(c["prefix"], d.number_prefix)]
    shas = {d.sha256 for d in found}
    if len(shas) == 1:
        return found[:1]
    if found and len({(d.title_key, d.number_key, d.date) for d in found}) == 1 and \
            found[0].title_key:
        # one document kept in several copies (the 发文稿 and its PDF): the copy a passage
        # would be credited to first, the oldest indexed (as candidates are taken)
        return [min(found, key=lambda d: d.id)]
    return []


def _same_issuer(cited: str, own: str | None) -> bool:
    """Whether a cited 文号's prefix names the issuer of a document's own one: equal, or one
    ending with the other (``省水利厅青水发``, ``贵委东发改能`` as written in a sentence, against
    ``青水发``, ``东发改能``); a document whose own 文号 has no prefix matches any."""
    return not own or cited.endswith(own) or own.endswith(cited)
