"""Matching: token boundaries for every demo term, vetoes, near, synonyms, line breaks."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import ahocorasick_rs
import jieba
import pytest
from conftest import SHARED

import rules.matcher
from markers import Block
from rules import Matcher, load_catalog, parse_catalog
from rules.matcher import SEPARATOR, _window_bounds
from rules.text import MatchText

DEMO = Path(__file__).resolve().parents[2] / "rules" / "catalogs" / "demo.yaml"


@pytest.fixture(scope="module")
def demo() -> Matcher:
    return Matcher([load_catalog(DEMO)])


def _terms(m: Matcher) -> list[str]:
    return sorted(m.canonical)


def _containing_words(terms: list[str]) -> dict[str, str]:
    """For each term, a common dictionary word that contains it and is longer."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    auto = ahocorasick_rs.AhoCorasick(terms, matchkind=ahocorasick_rs.MatchKind.Standard)
    best: dict[str, tuple[int, str]] = {}
    catalogue_terms = set(terms)
    for word, freq in tk.FREQ.items():
        if freq < 3 or len(word) > 8 or word in catalogue_terms:
            continue
        for term in auto.find_matches_as_strings(word, overlapping=True):
            if len(word) > len(term) and freq > best.get(term, (0, ""))[0]:
                best[term] = (freq, word)
    return {t: w for t, (_, w) in best.items()}


def _straddles(terms: list[str]) -> tuple[dict[str, str], set[str]]:
    """For a two-character term, two words whose junction spells it (目标|底线 → 标底); and the
    terms for which no such pair exists (no dictionary word ends or begins with the character)."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    two = [(f, w) for w, f in tk.FREQ.items() if len(w) == 2 and f >= 3]
    ends: dict[str, tuple[int, str]] = {}
    starts: dict[str, tuple[int, str]] = {}
    for f, w in two:
        if f > ends.get(w[1], (0, ""))[0]:
            ends[w[1]] = (f, w)
        if f > starts.get(w[0], (0, ""))[0]:
            starts[w[0]] = (f, w)
    out = {}
    impossible = set()
    for t in terms:
        if len(t) == 2 and t[0] in ends and t[1] in starts:
            left, right = ends[t[0]][1], starts[t[1]][1]
            if t not in (left, right):
                out[t] = left + right
        elif len(t) == 2:
            impossible.add(t)
    return out, impossible


def _compound_head(term: str, word: str, freq: dict[str, int]) -> bool:
    """``word`` is a word of two characters or more followed by ``term`` (a kind of it), or
    ``term`` and one more Chinese character (its stem: 反恐 in 反恐怖, 判决 in 判决书)."""
    rest = word[:-len(term)]
    if word.startswith(term) and len(word) == len(term) + 1 and len(term) >= 2:
        return True
    return word.endswith(term) and len(rest) >= 2 and freq.get(rest, 0) > 0


def test_terms_inside_longer_words_do_not_match(demo: Matcher) -> None:
    terms = _terms(demo)
    words = _containing_words(terms)
    assert len(words) >= 20, "too few terms have a longer dictionary word to test with"
    demo.warm()
    freq = demo._tk.FREQ
    for term, word in words.items():
        found = demo._occurrences_for(f"会议讨论了{word}的有关情况。")
        assert (term in found) is _compound_head(term, word, freq), (term, word)


def test_a_term_as_the_head_of_a_compound_counts() -> None:
    """流感|疫苗 is a kind of 疫苗 and counts; 考|试卷 (after one character) and 设计|划 (cut
    across two tokens) do not."""
    m = Matcher([parse_catalog("catalog: {id: h, title: 测试}\nitems:\n  - {id: H-1, title: 事项, "
                               "level: 秘密, max_years: 5, match: {any: [疫苗, 试卷, 计划]}}\n",
                               "inline.yaml")])
    assert "疫苗" in m._occurrences_for("本轮流感疫苗集中采购已启动。")
    assert "疫苗" in m._occurrences_for("本轮疫苗集中采购已启动。")
    assert "试卷" not in m._occurrences_for("他拿着考试卷走进教室。")
    assert "计划" not in m._occurrences_for("这是一项建筑设计划分的工作。")


def test_terms_across_a_word_boundary_do_not_match(demo: Matcher) -> None:
    """Two-character terms with no longer dictionary word are tried across a word boundary;
    longer terms without one are compounds that cannot stand inside another word."""
    terms = _terms(demo)
    words = _containing_words(terms)
    rest = [t for t in terms if t not in words]
    straddles, impossible = _straddles(rest)
    assert len(straddles) >= 5
    for term, text in straddles.items():
        assert term not in demo._occurrences_for(f"会议讨论了{text}的有关情况。"), (term, text)
    untested = [t for t in rest if t not in straddles and t not in impossible and len(t) < 3]
    assert not untested, untested
    assert impossible <= {"入闱"}, impossible  # 闱 begins no word of the dictionary


def test_terms_on_their_own_do_match(demo: Matcher) -> None:
    for term in _terms(demo):
        assert term in demo._occurrences_for(f"说明：{term}。"), term


@pytest.mark.parametrize(("text", "absent"), [
    ("佳保安全公司成立", "保安"), ("审核通过后公布", "核")])
def test_classic_substring_traps(tmp_path: Path, text: str, absent: str) -> None:
    cat = parse_catalog(
        "catalog: {id: t, title: t}\nitems:\n"
        f"  - {{id: T-1, title: t, level: 秘密, max_years: 1, match: {{all: [{absent}]}}}}\n",
        "inline.yaml")
    m = Matcher([cat])
    assert m.match_text(text) == ()
    assert m.match_text(f"关于{absent}的规定") != ()


def test_demo_examples_all_pass(demo: Matcher) -> None:
    for item in demo.items:
        for sentence in item.examples_match:
            assert item.id in {h.item.id for h in demo.match_text(sentence) if not h.vetoed}
        for sentence in item.examples_no_match:
            assert item.id not in {h.item.id for h in demo.match_text(sentence)
                                   if not h.vetoed}


def test_veto_is_reported_with_evidence(demo: Matcher) -> None:
    hits = demo.match_text("东区地块规划调整方案拟调整用地性质，现予以公示。")
    hit = next(h for h in hits if h.item.id == "PLAN-01")
    assert hit.vetoed and hit.vetoed_by[0].term == "公示"


def test_hit_evidence_has_locations_and_excerpts(demo: Matcher) -> None:
    blocks = [Block("标题", "body.p1", "top", 0),
              Block("与某集团的谈判底线为土地价格不低于每亩30万元。", "body.p2", "body", 1)]
    hit = next(h for h in demo.match(blocks, flowing=False) if h.item.id == "NEG-01")
    assert hit.score == 1.0
    assert {t.location for t in hit.terms} == {"body.p2"}
    assert any("【谈判底线】" in t.excerpt for t in hit.terms)


def test_line_break_inside_a_term_when_lines_flow(demo: Matcher) -> None:
    blocks = [Block("请严格保管本次谈判底", "page1.l5", "body", 0),
              Block("线，不得外传。", "page1.l6", "body", 1)]
    flowing = {h.item.id for h in demo.match(blocks, flowing=True)}
    apart = {h.item.id for h in demo.match(blocks, flowing=False)}
    assert "NEG-01" in flowing and "NEG-01" not in apart


def test_near_and_synonyms() -> None:
    cat = parse_catalog(
        "catalog: {id: t, title: t}\nitems:\n"
        "  - id: N-1\n    title: t\n    level: 机密\n    max_years: 5\n    match:\n"
        "      all: [试卷]\n      near: [{terms: [试卷, 启用前], within: 12}]\n"
        "      synonyms: {试卷: [考卷]}\n", "inline.yaml")
    m = Matcher([cat])
    assert m.match_text("考卷在启用前严格保管。")
    assert not m.match_text("试卷" + "，随后进行了大量其他的准备工作和安排" + "启用前")


PUBLIC_TEXTS = SHARED / "corpus" / "public_texts"


def _cut_each(tk: object, text: str, windows: list[list[int]]) -> set[int]:
    bounds: set[int] = set()
    for lo, hi in windows:
        pos = lo
        bounds.add(pos)
        for token in tk.cut(text[lo:hi], HMM=False):  # type: ignore[attr-defined]
            pos += len(token)
            bounds.add(pos)
    return bounds


@pytest.mark.shared
def test_windows_cut_in_one_call_give_the_boundaries_of_cutting_each(demo: Matcher) -> None:
    """The matcher cuts all its windows in one tokenizer call, joined by a separator; the token
    boundaries must be those of cutting every window alone (real text, windows of every size,
    digits, Latin letters, spaces and line breaks at their edges)."""
    demo.warm()
    tk = demo._tk
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(PUBLIC_TEXTS.glob("*.txt"))[:6])
    text += "\nABC 12.5% 第3条\r\n二〇二三年 x-y\r"
    rng = __import__("random").Random(5)
    windows: list[list[int]] = []
    pos = 0
    while pos < len(text) - 2:
        lo = pos + rng.randint(1, 40)
        hi = min(lo + rng.randint(1, 30), len(text))
        if lo < hi:
            windows.append([lo, hi])
        pos = hi
    assert len(windows) > 100
    joined = SEPARATOR.join(text[lo:hi] for lo, hi in windows)
    assert _window_bounds(tk.cut(joined, HMM=False), windows) == _cut_each(tk, text, windows)


def test_window_tokens_that_do_not_fit_are_refused() -> None:
    """A token running past its window (or a missing separator) makes the one-call result
    unusable; the matcher then cuts window by window."""
    windows = [[0, 2], [5, 7]]
    assert _window_bounds(["ab", SEPARATOR, "cd"], windows) == {0, 2, 5, 7}
    assert _window_bounds(["abc", "d"], windows) is None  # runs past the first window
    assert _window_bounds(["ab", "c", "d"], windows) is None  # no separator
    assert _window_bounds(["ab", SEPARATOR], windows) is None  # the second window is missing


def test_text_holding_the_separator_still_matches(demo: Matcher) -> None:
    plain = demo.match_text("今年高考试卷的运送由公安押运，试卷保密室实行双人双锁。")
    with_nul = demo.match_text("今年高考试卷的运送由公安押运，\x00试卷保密室实行双人双锁。")
    assert plain
    assert [h.item.id for h in plain] == [h.item.id for h in with_nul]


def _generated(seed: int, words: list[str]) -> Matcher:
    """A catalogue exercising every rule part: all/any with quotas, none, near, synonyms,
    thresholds below 1, and terms inside other terms."""
    rng = __import__("random").Random(seed)
    lines = ["catalog: {id: gen, title: 生成目录}", "items:"]
    for i in range(400):
        a, b, c, d, e = rng.sample(words, 5)
        inner = a[: max(2, len(a) - 1)] if len(a) > 2 else b
        threshold = rng.choice(["1.0", "0.5", "0.34"])
        lines.append(
            f"  - {{id: G-{i:04d}, title: 事项{i}, level: 秘密, max_years: 5, match: {{"
            f"all: [{a}], any: [{b}, {c}, {inner}], min_any: {rng.choice([1, 2])}, "
            f"none: [{d}], near: [{{terms: [{b}, {e}], within: {rng.choice([10, 60])}}}], "
            f"synonyms: {{{c}: [{c}件]}}, threshold: {threshold}}}}}")
    return Matcher([parse_catalog("\n".join(lines) + "\n", "generated.yaml")])


def _all_candidates(self: Matcher, matches: list[tuple[int, int, int]], stated: set[str]
                    ) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    return matches, []


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("seed", [1, 2])
def test_checking_only_viable_candidates_changes_no_result(
        seed: int, demo: Matcher, monkeypatch: pytest.MonkeyPatch) -> None:
    """The matcher checks token boundaries only for candidates of items that could reach their
    threshold; every hit (item, score, parts, evidence, vetoes) must be what checking every
    candidate gives, on real public texts, with the demo catalogue and generated ones."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(PUBLIC_TEXTS.glob("*.txt"))]
    jieba.setLogLevel(logging.WARNING)
    vocabulary = sorted({w for t in texts[:10] for w in jieba.lcut(t) if 2 <= len(w) <= 4
                         and w.isalnum() and not w.isascii()})
    matchers = [demo, _generated(seed, vocabulary)]
    fast = [[m.match([Block(t, "body.p1", "body")], flowing=False) for t in texts]
            for m in matchers]
    monkeypatch.setattr(Matcher, "_useful", _all_candidates)
    slow = [[m.match([Block(t, "body.p1", "body")], flowing=False) for t in texts]
            for m in matchers]
    assert sum(len(h) for h in slow[1]) > 20  # the generated catalogue does match
    assert fast == slow


def test_segment_falls_back_to_one_window_at_a_time(demo: Matcher,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """When a token runs across the separator (here a newline joined to a window's closing
    carriage return) the windows are cut one by one, with the same boundaries as ever."""
    demo.warm()
    # Built texts hold no carriage return (whitespace is compacted away): only the text is
    # read here, so a stand-in with one shows the fallback at work.
    mt = cast(MatchText, SimpleNamespace(text="今年高考试卷\r保密室实行双人双锁"))
    end = mt.text.index("\r") + 1
    windows = [[0, end], [end + 1, len(mt.text)]]  # apart, so they are not merged
    monkeypatch.setattr(rules.matcher, "SEPARATOR", "\n")
    joined = "\n".join(mt.text[lo:hi] for lo, hi in windows)
    assert _window_bounds(demo._tk.cut(joined, HMM=False), windows) is None  # the fallback
    assert demo._segment(mt, [(lo, hi) for lo, hi in windows]) == _cut_each(
        demo._tk, mt.text, windows)
