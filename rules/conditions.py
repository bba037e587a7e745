"""An item's conditions against occurrences of its terms: how much of its match specification they
meet (all terms, the any-quota, near groups), within one passage of the text, and whether an
item could reach its threshold at all (the matcher's pre-filter)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from rules.layout import Layout
from rules.model import MatchSpec, TermHit


class Score(NamedTuple):
    """How much of an item's match specification some occurrences meet."""

    score: float
    satisfied: tuple[str, ...]
    missing: tuple[str, ...]
    evidence: tuple[TermHit, ...]
    span: tuple[int, int]


def score(spec: MatchSpec, found: dict[str, list[TermHit]],
          anywhere: frozenset[str] = frozenset()) -> Score:
    """How much of ``spec`` the occurrences ``found`` meet, and the evidence. A near group's
    term in ``anywhere`` (the subject: title, headings) is near every other occurrence."""
    satisfied: list[str] = []
    missing: list[str] = []
    evidence: list[TermHit] = []
    for term in (*spec.all, *(q.key for q in spec.quantity)):
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
        pair = near(group.terms, group.within, found, anywhere)
        label = f"near:{'+'.join(group.terms)}≤{group.within}"
        (satisfied if pair else missing).append(label)
        evidence.extend(pair)
    unique = tuple(dict.fromkeys(evidence))
    span = (min((h.start for h in unique), default=0), max((h.end for h in unique), default=0))
    return Score(len(satisfied) / max(spec.parts(), 1), tuple(satisfied), tuple(missing), unique,
                  span)


def best_passage(spec: MatchSpec, found: dict[str, list[TermHit]], width: int,
                 lay: Layout, *, cross: bool = False, vetoes: Sequence[TermHit] = ()) -> Score:
    """The best score of ``spec`` within one reading unit: at most ``width`` characters of one
    paragraph (with ``cross``, of one section) together with that paragraph's subject — the
    title zone, the headings above it and its table's header row (:mod:`rules.layout`).
    ``width`` 0: the whole text. The earliest unit among equals; the score's span is the
    window's. A unit whose window or subject holds one of ``vetoes`` (occurrences of the item's
    ``none`` terms) does not count."""
    whole = score(spec, found)
    if width <= 0 or not whole.evidence:
        return whole if not vetoes else score(spec, {})
    paragraph = lay.paragraph
    where = {h.start: paragraph(h.start) for hs in found.values() for h in hs}
    subjects: dict[tuple[tuple[int, int], ...], dict[str, list[TermHit]]] = {}

    def subject_of(p: int) -> dict[str, list[TermHit]]:
        spans = lay.subject[p]
        if spans not in subjects:
            subjects[spans] = {t: w for t, hs in found.items()
                               if (w := [h for h in hs if any(a <= h.start and h.end <= b
                                                              for a, b in spans)])}
        return subjects[spans]

    def unit(p: int, k: int) -> bool:
        return lay.section[k] == lay.section[p] if cross else k == p

    # A quantity is an attribute of the document's subject wherever it stands when it is stated
    # where the document names its object (龙潭水库总库容5.2亿立方米 in a report on 龙潭水库大坝…)
    # or named by a specific word of its own (总干渠142千米: three characters or more).
    attributes = {q.key: w for q in spec.quantity
                  if (w := [h for h in found.get(q.key, []) if paragraph(h.start) in lay.about
                            or _named(h, q.of)])}
    for t, hs in found.items():  # what the paragraphs naming the object say is the subject's
        w = [h for h in hs if paragraph(h.start) in lay.about]
        if w:
            attributes[t] = list(dict.fromkeys([*attributes.get(t, []), *w]))
    quantities = {q.key for q in spec.quantity}
    best: Score | None = None
    for anchor in sorted(where):
        p = where[anchor]
        inside = {t: w for t, hs in found.items()
                  if (w := [h for h in hs if anchor <= h.start and h.end <= anchor + width
                            and unit(p, where[h.start])])}
        if not set(inside) - quantities:
            continue  # a quantity qualifies a matter; the matter is where its words are
        if vetoes and _vetoed(vetoes, (anchor, anchor + width), p, lay, unit=unit, where=where):
            continue
        window = score(spec, inside).span
        subject = subject_of(p)
        for t, hs in (*subject.items(), *attributes.items()):
            inside[t] = list(dict.fromkeys([*hs, *inside.get(t, [])]))
        got = score(spec, inside, frozenset(subject))._replace(span=window)
        if best is None or got.score > best.score:
            best = got
            if got.score >= 1.0:
                break
    return best if best is not None else score(spec, {})


def _vetoed(vetoes: Sequence[TermHit], window: tuple[int, int], p: int, lay: Layout, *,
            unit: Callable[[int, int], bool], where: dict[int, int]) -> bool:
    """Whether a veto stands in the unit: in its window, or in its subject spans."""
    lo, hi = window
    for v in vetoes:
        k = where.get(v.start, lay.paragraph(v.start))
        if lo <= v.start and v.end <= hi and unit(p, k):
            return True
        if any(a <= v.start and v.end <= b for a, b in lay.subject[p]):
            return True
    return False


def _named(hit: TermHit, words: Sequence[str]) -> bool:
    """Whether a quantity's excerpt shows it named by one of ``words`` of three characters or
    more (a short word such as 工程 or 面积 names too many things)."""
    return any(len(w) >= 3 and w in hit.excerpt for w in words)


def passage_text(text: str, span: tuple[int, int], margin: int = 12, cap: int = 240) -> str:
    """The text of a passage with a little context, on one line."""
    lo, hi = max(span[0] - margin, 0), min(span[1] + margin, len(text))
    text = text[lo:hi].replace("\n", " ")
    return text if len(text) <= cap else text[:cap] + "…"


def slack(spec: MatchSpec) -> int:
    """How many of its conditions (parts) an item may miss and still reach its threshold."""
    parts = spec.parts()
    need = next((k for k in range(parts + 1) if k / max(parts, 1) >= spec.threshold), parts)
    return parts - max(need, 1)


def reachable(spec: MatchSpec, present: set[str], slack: int) -> bool:
    """Could the item reach its threshold with the ``present`` terms? (The score of
    :func:`score` with every present term found is an upper bound; counting stops
    at the first condition too many that fails.)"""
    missed = 0
    for t in (*spec.all, *(q.key for q in spec.quantity)):
        if t not in present:
            missed += 1
            if missed > slack:
                return False
    if spec.any:
        missed += max(spec.min_any - sum(1 for t in spec.any if t in present), 0)
        if missed > slack:
            return False
    for group in spec.near:
        if not all(t in present for t in group.terms):
            missed += 1
            if missed > slack:
                return False
    return True


def near(terms: Sequence[str], within: int, found: dict[str, list[TermHit]],
         anywhere: frozenset[str] = frozenset()) -> list[TermHit]:
    """One occurrence of each term, all within ``within`` characters; [] when impossible. Terms
    in ``anywhere`` stand near every occurrence (they are the subject of what follows)."""
    if any(t not in found for t in terms):
        return []
    rest = [t for t in terms if t not in anywhere]
    if len(rest) < len(terms):
        given = [found[t][0] for t in terms if t in anywhere]
        if len(rest) <= 1:
            return given + [found[t][0] for t in rest]
        chosen = near(rest, within, found)
        return given + chosen if chosen else []
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
