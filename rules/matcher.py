"""Matching catalogue items against a document, on token boundaries, with evidence.

An Aho-Corasick automaton over every term (and synonym) finds candidate occurrences at C speed;
only the sentences holding a candidate are segmented by a ``jieba.Tokenizer`` owned here (never
the global one) that knows every term as a word. A candidate counts only when it starts and ends
on token boundaries, so 保安 is not found in 佳保安全 nor 核 in 审核. The cost is set by the
candidates, not by the size of the catalogue.
"""

from __future__ import annotations

import logging
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markers.models import Block
from rules.model import Catalog, Hit, Item, TermHit
from rules.text import MatchText, build

_TOKENIZERS: dict[tuple[str, ...], Any] = {}


def _tokenizer(terms: Sequence[str], cache_dir: Path | None) -> Any:
    """A jieba tokenizer with ``terms`` as words (one per process and term set)."""
    key = tuple(sorted(terms))
    if key in _TOKENIZERS:
        return _TOKENIZERS[key]
    import jieba  # noqa: PLC0415 (0.1 s import paid only when a catalogue is in play)

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    folder = cache_dir or Path(tempfile.gettempdir())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tk.tmp_dir = str(folder)
    except OSError:
        tk.tmp_dir = tempfile.gettempdir()
    tk.initialize()
    for term in key:
        if len(term) > 1:
            tk.add_word(term)
    _TOKENIZERS[key] = tk
    return tk


def _automaton(words: Sequence[str]) -> Any:
    import ahocorasick  # noqa: PLC0415

    auto = ahocorasick.Automaton()
    for word in words:
        auto.add_word(word, word)
    auto.make_automaton()
    return auto


class Matcher:
    """Items of one or more catalogues, ready to match documents."""

    def __init__(self, catalogs: Sequence[Catalog], cache_dir: Path | None = None) -> None:
        self.catalogs = tuple(catalogs)
        self.items: tuple[Item, ...] = tuple(i for c in catalogs for i in c.items)
        self.cache_dir = cache_dir
        self.canonical: dict[str, set[str]] = defaultdict(set)  # surface form → canonical terms
        self.by_term: dict[str, list[int]] = defaultdict(list)  # canonical term → item indexes
        for index, item in enumerate(self.items):
            spec = item.match
            terms = {*spec.all, *spec.any, *spec.none, *(t for g in spec.near for t in g.terms)}
            for term in terms:
                self.by_term[term].append(index)
                self.canonical[term].add(term)
                for synonym in spec.synonyms.get(term, ()):
                    self.canonical[synonym].add(term)
        self._auto: Any = None
        self._tk: Any = None

    def _ready(self) -> None:
        if self._auto is None:
            self._auto = _automaton(sorted(self.canonical))
            self._tk = _tokenizer(list(self.canonical), self.cache_dir)

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
        found = self._occurrences(mt)
        candidates = sorted({i for term in found for i in self.by_term[term]})
        hits = [h for h in (self._evaluate(self.items[i], found) for i in candidates) if h]
        hits.sort(key=lambda h: (h.vetoed, -h.score, -_rank(h.item.level), h.item.id))
        return tuple(hits)

    def _occurrences(self, mt: MatchText) -> dict[str, list[TermHit]]:
        """Canonical term → occurrences on token boundaries."""
        raw: list[tuple[int, int, str]] = []
        for end, word in self._auto.iter(mt.text):
            raw.append((end - len(word) + 1, end + 1, word))
        if not raw:
            return {}
        bounds = self._boundaries(mt, raw)
        whole = [(s, e) for s, e, _ in raw if s in bounds and e in bounds]
        found: dict[str, list[TermHit]] = defaultdict(list)
        for start, end, word in raw:
            on_bounds = start in bounds and end in bounds
            # A term inside a longer term that matched (命题 in 命题教师名单) counts too.
            if not on_bounds and not any(s <= start and end <= e for s, e in whole):
                continue
            block, _ = mt.locate(start)
            hit_excerpt = mt.excerpt(start, end)
            for term in self.canonical[word]:
                found[term].append(TermHit(term, word, block.location, hit_excerpt, start, end))
        return found

    def _boundaries(self, mt: MatchText, raw: list[tuple[int, int, str]]) -> set[int]:
        """Token boundary positions of every sentence that holds a candidate."""
        spans = sorted(mt.sentence(s, e) for s, e, _ in raw)
        merged: list[list[int]] = []
        for lo, hi in spans:
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        bounds: set[int] = set()
        for lo, hi in merged:
            pos = lo
            bounds.add(pos)
            for token in self._tk.cut(mt.text[lo:hi], HMM=False):
                pos += len(token)
                bounds.add(pos)
        return bounds

    def _evaluate(self, item: Item, found: dict[str, list[TermHit]]) -> Hit | None:
        spec = item.match
        satisfied: list[str] = []
        missing: list[str] = []
        evidence: list[TermHit] = []
        for term in spec.all:
            (satisfied if term in found else missing).append(f"all:{term}")
            evidence.extend(found.get(term, [])[:3])
        if spec.any:
            present = [t for t in spec.any if t in found]
            for term in present:
                evidence.extend(found[term][:3])
            quota = min(len(present), spec.min_any)
            satisfied.extend(f"any:{t}" for t in present[:quota])
            missing.extend(["any"] * (spec.min_any - quota))
        for group in spec.near:
            pair = _near(group.terms, group.within, found)
            label = f"near:{'+'.join(group.terms)}≤{group.within}"
            (satisfied if pair else missing).append(label)
            evidence.extend(pair)
        vetoes = tuple(h for t in spec.none for h in found.get(t, [])[:1])
        score = len(satisfied) / max(spec.parts(), 1)
        if not evidence or (score < spec.threshold and not vetoes):
            return None
        if vetoes and score < spec.threshold:
            return None
        unique = tuple(dict.fromkeys(evidence))
        return Hit(item, unique, round(score, 3), tuple(satisfied), tuple(missing), vetoes)


def _near(terms: Sequence[str], within: int, found: dict[str, list[TermHit]]) -> list[TermHit]:
    """One occurrence of each term, all within ``within`` characters; [] when impossible."""
    if any(t not in found for t in terms):
        return []
    anchors = found[terms[0]]
    for anchor in anchors[:50]:
        chosen = [anchor]
        for term in terms[1:]:
            best = min(found[term][:200], key=lambda h: abs(h.start - anchor.start))
            if abs(best.start - anchor.start) > within:
                break
            chosen.append(best)
        else:
            return chosen
    return []


def _rank(level: str) -> int:
    return {"秘密": 1, "机密": 2, "绝密": 3}.get(level, 0)
