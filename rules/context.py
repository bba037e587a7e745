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

A negation is also found as a pattern: a negator standing as a word of its own (未, 没有, 不再,
并未…) followed by a word, before the term in its clause, unless that word says the matter is
still secret or pending (未公开的, 未经批准, 未完成的).

A document-level signal (the text names itself a 讲稿, 学习体会, 培训材料… in its title) lowers
the score of every hit by ``document_factor`` rather than vetoing it.

The triggers are data: :data:`DEFAULT_FILE` ships with the package; a catalogue's header and each
item may add triggers (``add``), remove them (``remove``) and set ``passage`` and
``document_factor`` (format: docs/catalogue.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from rules.layout import named_as

DEFAULT_FILE = Path(__file__).resolve().parent / "context.yaml"
CLASSES = ("negated", "hypothetical", "public")
KINDS = (*CLASSES, "contrast", "document")
SENTENCE_END = "。！？；!?;\n"
CLAUSE_END = SENTENCE_END + "，,：:"
DOC_KINDS = "通知|通报|办法|方案|规定|意见|条例|决定|报告|纪要|细则|规划|预案|制度|标准|规范|指南"
QUOTED_DOC = re.compile(rf"“[^”\n]{{2,60}}(?:{DOC_KINDS})”")
# After the term, in its clause: the matter no longer exists (分洪口门不再设置, 该站已撤销).
DISCONTINUED = re.compile(r"[^，,。；;！？!?\n]{0,6}?(?:已经?|均已|现已)?"
                          r"(?:不再(?:保留|设置|使用|存在|运行|启用|执行|实施|保存|提供|作为)"
                          r"|(?:已|均已|现已|同时|一并|予以|宣布)"
                          r"(?:撤销|取消|拆除|停用|注销|报废|销毁|废弃|废止|关停))")
# A sentence that gives a kind of matter its level (…坐标成果一般属机密级, …定为秘密级, …属于
# 敏感技术资料) states a rule about classification, not the matter itself, unless it points at
# this document's own content (本, 该, 此, 上述, 所附…).
LEVEL_RULE = re.compile(r"(?:一般|通常|均|都|应|应当|可)?(?:属于?|定为|列为|划为|确定为)"
                        r"(?:绝密|机密|秘密|国家秘密|涉密|敏感)")
DEICTIC = re.compile(r"本(?:报告|文|函|通知|方案|项目|次|单位|院|局|批)|该|此|上述|所附"
                     r"|附件|附表|以下|如下")
CITED_RULE = re.compile(r"》(?:第[一二三四五六七八九十百零〇\d]+条)?(?:中)?"
                        r"(?:规定了|规定|明确了|明确|要求|适用于|给出了|界定了)")
INSTRUCTION = re.compile(r"的[，,](?:要|应|应当|须|必须|立即|一律|依法|依规|严肃|按照|由)")


@dataclass(frozen=True)
class ContextRules:
    """Triggers by kind, the passage width and the document factor in force."""

    triggers: dict[str, tuple[str, ...]]
    passage: int = 200
    document_factor: float = 0.75
    section: bool = False  # a reading unit's window may cross paragraphs of one section

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
        if "section" in spec:
            out = replace(out, section=bool(spec["section"]))
        return out


def default_rules() -> ContextRules:
    """The shipped rules (rules/context.yaml)."""
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    return ContextRules({k: tuple(data["triggers"][k]) for k in KINDS},
                        int(data["passage"]), float(data["document_factor"]),
                        bool(data.get("section", False)))


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
    s_lo, _ = _bounds(text, start, end, SENTENCE_END)
    rule = CITED_RULE.search(text, s_lo, start)
    if rule is not None:  # 《…图式》规定了1:500地形图的符号: what a cited document says
        return rule.group(0)
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


# A negation as a pattern: a negator standing as a word of its own, followed by a word, before
# the term in its clause (该项目未使用…, 没有采用…, 不再提供…, 并未…). Words after the negator
# that describe a matter still secret or pending (未公开的, 未经批准, 未完成的) are not negations.
NEGATORS = frozenset({"未", "没", "没有", "并未", "并没有", "从未", "从不", "不再", "均未", "都未",
                      "都没有", "并不", "不", "无", "毫无", "绝无", "未曾"})
NOT_NEGATED = ("公开", "公布", "发布", "经", "解密", "批准", "定密", "标密", "脱密", "审查", "审核",
               "授权", "允许", "完成", "实施", "结束", "定稿", "审定", "启用", "披露", "对外",
               "上报", "宣布", "正式", "最终", "到期", "届满", "满", "超过", "得", "能", "宜",
               "可", "应", "要", "准", "许", "止", "少", "足", "仅", "但", "论", "同", "限")
WORDS_AFTER = 2  # the negated word may be followed by one more before the term's own words


def _clause_start(text: str, start: int, limit: int = 80) -> int:
    """Where the clause holding ``start`` begins: after the last clause mark, not counting a
    colon or comma between digits (1:500, 1,200)."""
    pos = start - 1
    floor = max(start - limit, 0)
    while pos >= floor:
        ch = text[pos]
        if ch in CLAUSE_END and not (ch in ":," and text[pos - 1:pos].isdigit()
                                     and text[pos + 1:pos + 2].isdigit()):
            return pos + 1
        pos -= 1
    return floor


def _negation(text: str, start: int, words_of: Callable[[str], list[str]],
              contrast: tuple[str, ...]) -> str | None:
    """The negator and the word it negates before ``start`` in its clause, if any."""
    clause = text[_clause_start(text, start):start]
    if not any(ch in clause for ch in "未没不无"):
        return None
    tokens = words_of(clause)
    found: str | None = None
    for i, tok in enumerate(tokens[:-1] if len(tokens) > 1 else tokens):
        if tok not in NEGATORS:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else text[start:start + 2]
        if nxt.startswith(NOT_NEGATED) or not any("\u4e00" <= ch <= "\u9fff" for ch in nxt):
            continue
        rest = "".join(tokens[i + 1:])
        if any(c in rest for c in contrast):
            continue
        found = tok + nxt
    if found is None and tokens and tokens[-1] in NEGATORS:  # 没有【地形图】: the term is negated
        after = text[start:start + 2]
        if not after.startswith(NOT_NEGATED):
            found = tokens[-1]
    return found


def classify(text: str, start: int, end: int, rules: ContextRules,
             words_of: Callable[[str], list[str]] | None = None) -> Context:
    """The context of the occurrence ``text[start:end]``. With ``words_of`` (a segmenter),
    negations are also found as a pattern (:func:`_negation`), not only by their triggers."""
    cited = _cited(text, start, end)
    if cited is not None:
        return Context("cited", cited)
    lo, hi = _bounds(text, start, end, SENTENCE_END)
    t = rules.triggers
    for kind in ("negated", "hypothetical"):
        trigger = _before(text, lo, start, t[kind], t["contrast"])
        if trigger is not None:
            return Context(kind, trigger)
    if words_of is not None:
        negation = _negation(text, start, words_of, t["contrast"])
        if negation is not None:
            return Context("negated", negation)
    sentence = text[lo:hi]
    for word in t["public"]:
        if word in sentence:
            return Context("public", word)
    gone = DISCONTINUED.match(text, end, min(hi, end + 12))
    if gone is not None:
        return Context("negated", gone.group(0))
    rule = LEVEL_RULE.search(text, end, hi)
    if rule is not None and DEICTIC.search(text, lo, start) is None:
        return Context("hypothetical", "…" + rule.group(0))
    _, c_hi = _bounds(text, start, end, CLAUSE_END)
    if c_hi > end and text[c_hi - 1] == "的":
        m = INSTRUCTION.match(text, c_hi - 1)
        if m is not None:
            return Context("hypothetical", "…" + m.group(0))
    return ASSERTED


def document_signal(title: str, rules: ContextRules) -> str | None:
    """The document-level trigger (讲稿, 学习体会, 培训材料…) the title names the text by, if
    any (:func:`rules.layout.named_as`)."""
    return named_as(title, rules.triggers["document"])
