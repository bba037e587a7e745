"""Matching catalogue items against a document, on token boundaries, with evidence.

An Aho-Corasick automaton over every term (and synonym) finds candidate occurrences at C speed;
a candidate counts only when it starts and ends on token boundaries of the segmentation by a
``jieba.Tokenizer`` owned here (never the global one) that knows every term as a word, so 保安 is
not found in 佳保安全 nor 核 in 审核. Segmenting is the slow part, so it is mostly avoided: without
HMM every token is a dictionary word or a single character, hence a position that no dictionary
word crosses is a boundary in every segmentation. Only candidates with a crossing word send their
sentence to the tokenizer (all such windows in one call); the result is the same as segmenting
everything. Before any of that, candidates are kept only for items that could still reach their
threshold if every candidate were real: a bigger catalogue finds many more candidates in ordinary
text, and most belong to items that cannot match.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from markers.models import Block
from rules import quantity
from rules.boundaries import Containment, containing, crossed, head, inside_number, spill, stem
from rules.conditions import best_passage, passage_text, reachable, score, slack
from rules.context import Context, ContextRules, classify, default_rules, document_signal
from rules.layout import GENRE_WORDS, Layout, genre, layout
from rules.lexicon import tokenizer
from rules.model import Catalog, Hit, Item, TermHit
from rules.quantity import Quantity
from rules.text import MatchText, build

_TOKENIZERS: dict[tuple[tuple[str, ...], bool], Any] = {}


def _tokenizer(terms: Sequence[str], cache_dir: Path | None, *, whole: bool) -> Any:
    """A jieba tokenizer with ``terms`` as words (one per process, term set and mode): its
    dictionary read on demand, or (``whole``) loaded (:mod:`rules.lexicon`)."""
    words = tuple(t for t in sorted(set(terms)) if len(t) > 1)
    key = (words, whole)
    if key not in _TOKENIZERS:
        folder = cache_dir or Path(tempfile.gettempdir()) / "dingmi-cache"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            folder = Path(tempfile.gettempdir())
        _TOKENIZERS[key] = tokenizer(words, folder, whole=whole)
    return _TOKENIZERS[key]


def _automaton(words: Sequence[str]) -> Any:
    """An Aho-Corasick automaton over ``words`` (ahocorasick-rs: its cost per character hardly
    grows with the number of words, where a trie walked in Python-facing C did)."""
    import ahocorasick_rs  # noqa: PLC0415

    return ahocorasick_rs.AhoCorasick(list(words), matchkind=ahocorasick_rs.MatchKind.Standard)


class Matcher:
    """Items of one or more catalogues, ready to match documents."""

    def __init__(self, catalogs: Sequence[Catalog], cache_dir: Path | None = None) -> None:
        self.catalogs = tuple(catalogs)
        self.items: tuple[Item, ...] = tuple(i for c in catalogs for i in c.items)
        self.cache_dir = cache_dir
        self.canonical: dict[str, set[str]] = defaultdict(set)  # surface form → canonical terms
        self.by_term: dict[str, list[int]] = defaultdict(list)  # canonical term → item indexes
        self.item_terms: list[frozenset[str]] = []
        self.slack: list[int] = []  # conditions an item may miss and still reach its threshold
        self.quantities: dict[str, Quantity] = {}  # condition key → quantity condition
        for index, item in enumerate(self.items):
            spec = item.match
            terms = {*spec.all, *spec.any, *spec.none, *(t for g in spec.near for t in g.terms)}
            self.item_terms.append(frozenset({*terms, *(q.key for q in spec.quantity)}))
            self.slack.append(slack(spec))
            for term in terms:
                self.by_term[term].append(index)
                self.canonical[term].add(term)
                for synonym in spec.synonyms.get(term, ()):
                    self.canonical[synonym].add(term)
            for q in spec.quantity:
                self.by_term[q.key].append(index)
                self.quantities[q.key] = q
        base = default_rules()
        by_catalog = {c.id: base.changed(c.context) for c in catalogs}
        self._rules: list[ContextRules] = [
            by_catalog.get(i.catalog, base).changed(i.context) if i.context
            else by_catalog.get(i.catalog, base) for i in self.items]
        self._auto: Any = None
        self._words: list[str] = []
        self._word_terms: list[tuple[str, ...]] = []  # word index → canonical terms
        self._item_words: list[frozenset[int]] = []  # item index → indexes of its words
        self._tk: Any = None

    def warm(self) -> None:
        """Build the automaton and load the whole segmentation dictionary now (workers do this
        once, before their first file, so no file pays for it; a single check reads only the
        words it needs)."""
        self._ready()
        self._tk = _tokenizer(list(self.canonical), self.cache_dir, whole=True)

    def _ready(self) -> None:
        if self._auto is None:
            self._words = sorted(self.canonical)
            self._auto = _automaton(self._words)
            index = {w: k for k, w in enumerate(self._words)}
            self._word_terms = [tuple(self.canonical[w]) for w in self._words]
            term_words: dict[str, set[int]] = defaultdict(set)
            for word, terms in self.canonical.items():
                for term in terms:
                    term_words[term].add(index[word])
            self._item_words = [frozenset(k for t in terms for k in term_words[t])
                                 for terms in self.item_terms]
            self._tk = _tokenizer(list(self.canonical), self.cache_dir, whole=False)

    def match_text(self, text: str) -> tuple[Hit, ...]:
        """Match a plain sentence or passage (used by examples and tests)."""
        return self.match([Block(text, "text.p1", "body")], flowing=False)

    def _occurrences_for(self, text: str) -> dict[str, list[TermHit]]:
        """Canonical term → occurrences in ``text`` (for tests and diagnostics)."""
        self._ready()
        return self._occurrences(build([Block(text, "text.p1", "body")], flowing=False))

    def match(self, blocks: Sequence[Block], *, flowing: bool) -> tuple[Hit, ...]:
        """Every item that matches or was vetoed, best first."""
        if not self.items:
            return ()
        self._ready()
        mt = build(blocks, flowing)
        lay = layout(mt.text, lambda pos: _table_row(mt.locate(pos)[0]))
        stated = self._quantities(mt, lay) if self.quantities else {}
        found = self._occurrences(mt, viable_only=True, present=set(stated))
        found.update(stated)
        candidates = sorted({i for term in found for i in self.by_term[term]})
        if not candidates:
            return ()
        memo: dict[tuple[int, int, int], Context] = {}
        page = Page(mt, lay, genre(mt.text, lay), memo, tuple(sorted(lay.spans())))
        hits = [h for h in (self._evaluate(i, found, page) for i in candidates) if h]
        hits.sort(key=lambda h: (not h.live, -h.score, -_rank(h.item.level), h.item.id))
        return tuple(hits)

    def _quantities(self, mt: MatchText, lay: Layout) -> dict[str, list[TermHit]]:
        """Quantity condition key → the quantities stated in the text that meet it (and are
        named by one of its ``of`` words, when it has them: in their clause, or in the header
        row of their table)."""
        text = mt.text
        kinds = [(q.kind, q.unit) for q in self.quantities.values()]
        found: dict[str, list[TermHit]] = {}
        all_stated = quantity.stated(text, kinds)
        for key, q in self.quantities.items():
            for s in all_stated:
                if not q.holds(s):
                    continue
                excerpt = mt.excerpt(s.start, s.end)
                if q.of and not _follows(text, s.start, s.end, q.of):
                    column = _in_header(text, lay.head_of(s.start), q.of)
                    if column is None:
                        continue
                    excerpt = f"〔{column}〕{excerpt}"  # named by its table's column
                block, _ = mt.locate(s.start)
                hit = TermHit(key, text[s.start:s.end], block.location, excerpt, s.start, s.end)
                found.setdefault(key, []).append(hit)
                if len(found[key]) >= KEEP:
                    break
        return found

    def _occurrences(self, mt: MatchText, *, viable_only: bool = False,
                     present: set[str] | None = None) -> dict[str, list[TermHit]]:
        """Canonical term → occurrences on token boundaries. With ``viable_only``, only the terms
        of items that the candidates (and the ``present`` quantity conditions) could satisfy
        (see :meth:`_useful`) are checked."""
        matches = self._auto.find_matches_as_indexes(mt.text, overlapping=True)
        matches = [m for m in matches if not inside_number(mt.text, m[1], m[2])]
        dropped: list[tuple[int, int, int]] = []
        if viable_only and matches:
            matches, dropped = self._useful(matches, present or set())
        if not matches:
            return {}
        words = self._words
        raw = [(start, end, words[i]) for i, start, end in matches]
        bounds = self._boundaries(mt, raw)
        on = [(s, e) for s, e, _ in raw if s in bounds and e in bounds]
        if dropped and len(on) < len(raw):
            # An occurrence off the boundaries still counts inside a longer candidate that is
            # on them, dropped or not: check the dropped ones that contain such an occurrence.
            off = [(s, e) for s, e, _ in raw if s not in bounds or e not in bounds]
            holders = [(s, e, words[i]) for i, s, e in containing(dropped, off)]
            if holders:
                more = self._boundaries(mt, holders)
                on += [(s, e) for s, e, _ in holders if s in more and e in more]
        inside = Containment(on)
        found: dict[str, list[TermHit]] = defaultdict(list)
        for start, end, word in raw:
            on_bounds = (end in bounds and (start in bounds or head(mt.text, start, end, bounds,
                                                                     self._tk.FREQ))) or (
                start in bounds and (stem(mt.text, start, end, bounds)
                                     or spill(start, end, bounds)))
            # A term inside a longer term that matched (命题 in 命题教师名单) counts too.
            if not on_bounds and not inside(start, end):
                continue
            terms = [t for t in self.canonical[word] if len(found[t]) < KEEP]
            if not terms:
                continue
            block, _ = mt.locate(start)
            hit_excerpt = mt.excerpt(start, end)
            for term in terms:
                found[term].append(TermHit(term, word, block.location, hit_excerpt, start, end))
        return found

    def _useful(self, matches: list[tuple[int, int, int]], stated: set[str]
                ) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
        """The candidates (word index, start, end) worth checking for token boundaries, and the
        others: occurrences of the terms of items that would reach their threshold if every
        candidate were a real occurrence are kept (checking only removes occurrences, so no
        other item can match)."""
        word_terms = self._word_terms
        present: set[str] = set(stated)
        for w in {w for w, _, _ in matches}:
            present.update(word_terms[w])
        useful: set[int] = set()
        items, slacks, item_words = self.items, self.slack, self._item_words
        for i in {i for t in present for i in self.by_term[t]}:
            if reachable(items[i].match, present, slacks[i]):
                useful |= item_words[i]
        keep = [m for m in matches if m[0] in useful]
        if len(keep) == len(matches):
            return matches, []
        return keep, [m for m in matches if m[0] not in useful]

    def _boundaries(self, mt: MatchText, raw: list[tuple[int, int, str]]) -> set[int]:
        """Positions known to be token boundaries: certain ones, and those of the segmented
        sentences around candidates whose edges a dictionary word crosses."""
        text, freq = mt.text, self._tk.FREQ
        certain: dict[int, bool] = {}

        def sure(p: int) -> bool:
            if p not in certain:
                certain[p] = p <= 0 or p >= len(text) or not crossed(text, p, freq)
            return certain[p]

        windows: list[tuple[int, int]] = []
        for s, e, _ in raw:
            if sure(s) and sure(e):
                continue
            lo, hi = mt.sentence(s, e)
            left, right = s, e
            while left > lo and not sure(left):
                left -= 1
            while right < hi and not sure(right):
                right += 1
            windows.append((left, right))
        bounds = {p for p, ok in certain.items() if ok}
        if windows:
            bounds |= self._segment(mt, windows)
        return bounds

    def _segment(self, mt: MatchText, spans_in: list[tuple[int, int]]) -> set[int]:
        """Token boundary positions inside each window. A window ends at positions every
        segmentation passes through, so cutting it out does not change its tokens."""
        spans = sorted(spans_in)
        merged: list[list[int]] = []
        for lo, hi in spans:
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        joined = SEPARATOR.join(mt.text[lo:hi] for lo, hi in merged)
        bounds = _window_bounds(self._tk.cut(joined, HMM=False), merged)
        if bounds is None:  # a token ran across a separator: cut the windows one by one
            bounds = set()
            for lo, hi in merged:
                pos = lo
                bounds.add(pos)
                for token in self._tk.cut(mt.text[lo:hi], HMM=False):
                    pos += len(token)
                    bounds.add(pos)
        return bounds

    def _context(self, index: int, page: Page, hit: TermHit) -> Context:
        rules = self._rules[index]
        key = (id(rules), hit.start, hit.end)
        memo = page.memo
        if key not in memo:
            memo[key] = classify(page.mt.text, hit.start, hit.end, rules, self._words_of)
        return memo[key]

    def _words_of(self, text: str) -> list[str]:
        return list(self._tk.cut(text, HMM=False))

    def _evaluate(self, index: int, found: dict[str, list[TermHit]], page: Page) -> Hit | None:
        """The item's hit: its conditions met by asserted occurrences within one reading unit
        (:mod:`rules.conditions`), or held back and saying why; None when its terms could not
        meet them anyway."""
        mt = page.mt
        item = self.items[index]
        spec = item.match
        every = score(spec, found, page.subject_terms(found))
        if not every.evidence or every.score < spec.threshold:
            return None
        vetoes = [h for t in spec.none for h in found.get(t, [])]
        rules = self._rules[index]
        asserted: dict[str, list[TermHit]] = {}
        discounted: list[TermHit] = []
        for term in self.item_terms[index]:
            for h in found.get(term, []):
                c = self._context(index, page, h)
                if c.kind == "asserted":
                    asserted.setdefault(term, []).append(h)
                else:
                    discounted.append(replace(h, context=c.kind, trigger=c.trigger))
        signal = document_signal(page.lay.opening(mt.text), rules)
        factor = rules.document_factor if signal else 1.0
        best = best_passage(spec, asserted, rules.passage, page.lay, cross=rules.section,
                            vetoes=vetoes)
        if vetoes and best.score < spec.threshold:
            # a veto holds back the unit it stands in (or the whole text, from the subject)
            unvetoed = best_passage(spec, asserted, rules.passage, page.lay,
                                    cross=rules.section)
            if unvetoed.score >= spec.threshold:
                first = {h.term: h for h in reversed(vetoes)}  # each term's first occurrence
                return Hit(item, every.evidence, round(every.score, 3), every.satisfied,
                           every.missing, tuple(sorted(first.values(), key=lambda h: h.start)))
        final = round(best.score * factor, 3)
        held = None
        if final < spec.threshold:
            held = ("context" if score(spec, asserted).score < spec.threshold
                    else "passage" if best.score < spec.threshold else "document")
        elif page.genre is not None and not _names_genre(item, page.genre[0]):
            held, signal = "genre", f"{page.genre[0]}:{page.genre[1]}"
        evidence = best.evidence if held is None else every.evidence
        if held is not None:
            shown = {(h.start, h.end): h for h in discounted}
            evidence = tuple(shown.get((h.start, h.end), h) for h in evidence)
        return Hit(item, evidence, final, best.satisfied, best.missing, (), held,
                   tuple(sorted(discounted, key=lambda h: h.start)),
                   passage_text(mt.text, best.span) if best.evidence else "", signal)


def _in_header(text: str, head: tuple[int, int] | None, words: Sequence[str]) -> str | None:
    """The word of ``words`` in the header row of a quantity's table (a column 估算总投资)."""
    if head is None:
        return None
    return next((w for w in sorted(words, key=len, reverse=True)
                 if w in text[head[0]:head[1]]), None)


def _follows(text: str, start: int, end: int, words: Sequence[str], *, reach: int = 40,
             after: int = 4) -> bool:
    """Whether one of ``words`` names the quantity ``text[start:end]``: it stands before it in
    the same clause (总库容为1.2亿立方米, 下泄流量由3000…加大至6500立方米每秒 for
    ``of: [库容]``, ``[下泄流量]``) or right after it (2级堤防 for ``of: [堤防]``)."""
    lo = max(start - reach, 0)
    for stop in "。；;！？!?\n，,":
        at = text.rfind(stop, lo, start)
        if at >= 0:
            lo = at + 1
    if any(w in text[lo:start] for w in words):
        return True
    tail = text[end:end + after + max(map(len, words))]
    return any(tail.find(w) in range(after + 1) for w in words)


class Page(NamedTuple):
    """One document as the items are judged on it: its match text, layout, kind of text (when
    not a live matter) and the contexts decided so far."""

    mt: MatchText
    lay: Layout
    genre: tuple[str, str] | None
    memo: dict[tuple[int, int, int], Context]
    spans: tuple[tuple[int, int], ...]

    def subject_terms(self, found: dict[str, list[TermHit]]) -> frozenset[str]:
        """The terms that occur in a subject span somewhere (title zone, a heading)."""
        return frozenset(t for t, hs in found.items()
                         if any(a <= h.start and h.end <= b for h in hs for a, b in self.spans))


def _table_row(block: Block) -> bool:
    return block.region == "table" or "\t" in block.text


def _names_genre(item: Item, kind: str) -> bool:
    """Whether the item's own terms name the kind of text (an exam paper item in an exam)."""
    words = GENRE_WORDS.get(kind, ())
    terms = (*item.match.all, *item.match.any, item.title)
    return any(w in t for w in words for t in terms)


KEEP = 50  # occurrences kept per term: evidence shows a few, ``near`` looks at these

# Joins the windows for one call to the tokenizer: not a word character, not whitespace, so
# jieba cuts on both sides of it and never joins it to a neighbour.
SEPARATOR = "\x00"


def _window_bounds(tokens: Iterable[str], windows: list[list[int]]) -> set[int] | None:
    """Token boundaries (as positions of the text) from the tokens of the windows joined by
    :data:`SEPARATOR`; None if a token does not end exactly at its window's end."""
    bounds: set[int] = set()
    k = 0
    lo, hi = windows[0]
    pos = lo
    bounds.add(pos)
    for token in tokens:
        if pos == hi:  # the separator before the next window
            if token != SEPARATOR or k + 1 >= len(windows):
                return None
            k += 1
            lo, hi = windows[k]
            pos = lo
            bounds.add(pos)
            continue
        pos += len(token)
        if pos > hi:
            return None
        bounds.add(pos)
    return bounds if (k == len(windows) - 1 and pos == hi) else None


def _rank(level: str) -> int:
    return {"秘密": 1, "机密": 2, "绝密": 3}.get(level, 0)
