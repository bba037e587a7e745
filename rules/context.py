"""The context of one occurrence of a catalogue term, read as a classification officer reads it.

A term can occur in a text that is plainly not about the secret matter: the matter is negated or
ruled out (…不涉及菌毒种保藏…), it is the title of another document (《…方案》 being destroyed),
the sentence is instructional or hypothetical (发现…的，要立即报告; 如发生…), or the matter is
already public (已向社会公布). Only *asserted* occurrences count toward an item's conditions;
the others stay in the evidence with their context and the trigger that decided it.

The method is that of NegEx and ConText in clinical text: trigger phrases with a scope.

- ``negated`` and ``hypothetical`` triggers stand before the term in its sentence and reach
  forward to the end of the sentence, unless a contrast word (但, 但是, 然而…) stands between;
- ``public`` triggers (already public, decided or past) reach over their whole sentence;
- ``cited``: the term stands inside 《…》 (or in quotes naming a document) on its line;
- the instructional shape: the term stands in a clause ending in 的, followed by 要, 应, 依法…
  (…的，要…；对…的，依法处理) — hypothetical.

A document-level signal (the text is a 讲稿, 学习体会, 培训材料, 新闻报道…, recognised in its first
lines) lowers the score of every hit by ``document_factor`` rather than vetoing it.

The triggers are data: :data:`DEFAULT_FILE` ships with the package; a catalogue's header and each
item may add triggers (``add``), remove them (``remove``) and set ``passage`` and
``document_factor`` (format: docs/catalogue.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

DEFAULT_FILE = Path(__file__).resolve().parent / "context.yaml"
CLASSES = ("negated", "hypothetical", "public")
KINDS = (*CLASSES, "contrast", "document")
SENTENCE_END = "。！？；!?;\n"
CLAUSE_END = SENTENCE_END + "，,：:"
DOC_KINDS = "通知|通报|办法|方案|规定|意见|条例|决定|报告|纪要|细则|规划|预案|制度|标准|规范|指南"
QUOTED_DOC = re.compile(rf"“[^”\n]{{2,60}}(?:{DOC_KINDS})”")
INSTRUCTION = re.compile(r"的[，,](?:要|应|应当|须|必须|立即|一律|依法|依规|严肃|按照|由)")
OPENING = 160  # characters of the text where a document-level signal is looked for


@dataclass(frozen=True)
class ContextRules:
    """Triggers by kind, the passage width and the document factor in force."""

    triggers: dict[str, tuple[str, ...]]
    passage: int = 200
    document_factor: float = 0.75

    def changed(self, spec: dict[str, Any] | None) -> ContextRules:
        """These rules with a catalogue's or an item's ``context:`` applied."""
        if not spec:
            return self
        triggers = {k: list(v) for k, v in self.triggers.items()}
        for kind, words in (spec.get("add") or {}).items():
            triggers[kind] = [*triggers[kind], *(w for w in words if w not in triggers[kind])]
        for kind, words in (spec.get("remove") or {}).items():
            triggers[kind] = [w for w in triggers[kind] if w not in set(words)]
        out = replace(self, triggers={k: tuple(v) for k, v in triggers.items()})
        if "passage" in spec:
            out = replace(out, passage=int(spec["passage"]))
        if "document_factor" in spec:
            out = replace(out, document_factor=float(spec["document_factor"]))
        return out


def default_rules() -> ContextRules:
    """The shipped rules (rules/context.yaml)."""
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    return ContextRules({k: tuple(data["triggers"][k]) for k in KINDS},
                        int(data["passage"]), float(data["document_factor"]))


@dataclass(frozen=True)
class Context:
    """What decided an occurrence's context: its class and the trigger (None: asserted)."""

    kind: str = "asserted"  # asserted, negated, hypothetical, public, cited
    trigger: str | None = None


ASSERTED = Context()


def _bounds(text: str, start: int, end: int, stops: str, limit: int = 80) -> tuple[int, int]:
    floor = max(start - limit, 0)
    lo = max(max(text.rfind(c, floor, start) for c in stops) + 1, floor)
    ceiling = min(end + limit, len(text))
    found = [i for i in (text.find(c, end, ceiling) for c in stops) if i >= 0]
    return lo, min(found, default=ceiling)


def _cited(text: str, start: int, end: int) -> str | None:
    lo, hi = _bounds(text, start, end, "\n", 120)
    opened = text.rfind("《", lo, start)
    if opened >= 0 and text.rfind("》", opened, start) < 0 and text.find("》", end, hi) >= 0:
        return "《》"
    for m in QUOTED_DOC.finditer(text, lo, hi):
        if m.start() < start and end <= m.end():
            return "“…”"
    return None


def _before(text: str, lo: int, start: int, words: tuple[str, ...],
            contrast: tuple[str, ...]) -> str | None:
    """The last trigger of ``words`` in ``text[lo:start]`` with no contrast word after it."""
    best: tuple[int, str] | None = None
    for word in words:
        at = text.rfind(word, lo, start)
        if at >= 0 and (best is None or at > best[0]):
            best = (at, word)
    if best is None:
        return None
    after = best[0] + len(best[1])
    if any(text.find(c, after, start) >= 0 for c in contrast):
        return None
    return best[1]


def classify(text: str, start: int, end: int, rules: ContextRules) -> Context:
    """The context of the occurrence ``text[start:end]``."""
    cited = _cited(text, start, end)
    if cited is not None:
        return Context("cited", cited)
    lo, hi = _bounds(text, start, end, SENTENCE_END)
    t = rules.triggers
    for kind in ("negated", "hypothetical"):
        trigger = _before(text, lo, start, t[kind], t["contrast"])
        if trigger is not None:
            return Context(kind, trigger)
    sentence = text[lo:hi]
    for word in t["public"]:
        if word in sentence:
            return Context("public", word)
    _, c_hi = _bounds(text, start, end, CLAUSE_END)
    if c_hi > end and text[c_hi - 1] == "的":
        m = INSTRUCTION.match(text, c_hi - 1)
        if m is not None:
            return Context("hypothetical", "…" + m.group(0))
    return ASSERTED


def document_signal(text: str, rules: ContextRules) -> str | None:
    """The document-level trigger (讲稿, 培训材料…) in the first lines of ``text``, if any."""
    opening = text[:OPENING]
    return next((w for w in rules.triggers["document"] if w in opening), None)
