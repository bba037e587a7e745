"""The segmentation dictionary read on demand (rules/lexicon.py) gives the same hits as the whole
dictionary in memory and as a plain jieba tokenizer loaded and given the terms one by one (the
way the matcher worked before): on the public texts, both evaluation sets and a generated
catalogue of 400 items whose terms cross word edges."""

from __future__ import annotations

import logging
from pathlib import Path

import jieba
import pytest
from conftest import DATA_TEXTS, HAS_SHARED, SHARED

from markers import Block
from rules import Matcher, load_catalog
from rules.lexicon import Lexicon, lexicon_file
from scanner.extract.text import extract_text

CATALOGS = Path(__file__).resolve().parents[2] / "rules" / "catalogs"
EVAL = Path(__file__).resolve().parents[1] / "data"


def plain_tokenizer(terms: list[str]) -> object:
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for term in sorted(set(terms)):
        if len(term) > 1:
            tk.add_word(term)
    return tk


def texts() -> list[Path]:
    found = [*DATA_TEXTS.glob("*.txt"), *(EVAL / "eval" / "docs").glob("*.txt"),
             *(EVAL / "eval2" / "docs").glob("*.txt")]
    if HAS_SHARED:
        found += (SHARED / "corpus" / "public_texts").glob("*")
    return sorted(found)


def signature(m: Matcher, blocks: tuple[Block, ...]) -> list[tuple[object, ...]]:
    return [(h.item.id, h.live, h.held, h.score, tuple((t.term, t.start, t.end) for t in h.terms))
            for h in m.match(blocks, flowing=False)]


@pytest.mark.slow
@pytest.mark.parametrize("catalog", ["demo.yaml", "health.yaml", "generated"])
def test_the_same_hits_three_ways(catalog: str, tmp_path: Path) -> None:
    docs = [extract_text(p).blocks for p in texts()]
    if catalog == "generated":
        from test_matcher import _generated  # noqa: PLC0415

        jieba.setLogLevel(logging.WARNING)
        words = sorted({w for d in docs[:40] for b in d for w in jieba.lcut(b.text)
                        if 2 <= len(w) <= 4 and w.isalnum() and not w.isascii()})
        m = _generated(7, words)
    else:
        m = Matcher([load_catalog(CATALOGS / catalog)], cache_dir=tmp_path)
    m._ready()
    assert isinstance(m._tk.FREQ, Lexicon)  # on demand unless warmed
    lazy = [signature(m, d) for d in docs]
    m.warm()
    assert isinstance(m._tk.FREQ, dict)
    whole = [signature(m, d) for d in docs]
    m._tk = plain_tokenizer(list(m.canonical))
    plain = [signature(m, d) for d in docs]
    assert lazy == whole == plain
    assert sum(1 for s in lazy if s) >= 20  # the comparison saw hits


@pytest.mark.slow
def test_the_lexicon_file_is_built_once_and_reused(tmp_path: Path) -> None:
    path = lexicon_file(tmp_path)
    built = path.stat().st_mtime_ns
    assert lexicon_file(tmp_path) == path and path.stat().st_mtime_ns == built
    lexicon = Lexicon(path)
    tk = plain_tokenizer([])
    for word in ("中华人民共和国", "保密", "测绘", "坐标转换", "不存在的词语甲乙"):
        assert lexicon.get(word) == tk.FREQ.get(word), word
    assert lexicon.total == tk.total


@pytest.mark.slow
def test_without_a_usable_cache_folder_the_dictionary_is_loaded_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rules.lexicon  # noqa: PLC0415

    def refuse(cache_dir: Path) -> Path:
        raise PermissionError(13, "read-only", str(cache_dir))

    monkeypatch.setattr(rules.lexicon, "lexicon_file", refuse)
    tk = rules.lexicon.tokenizer(("坐标转换参数",), tmp_path, whole=False)
    assert isinstance(tk.FREQ, dict) and tk.FREQ["坐标转换参数"] > 0
    assert "坐标转换参数" in list(tk.cut("提供坐标转换参数一套", HMM=False))
