"""Hypothesis properties of the mark parser: never raises, spans slice back, idempotent folding."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from markers import Block, check, find_marks
from markers.find import is_short, readable_blocks
from markers.lines import parse_mark_line
from markers.normalize import TRADITIONAL, compact, normalize

MARKY = st.sampled_from(list("绝机秘密★*＊☆●·级：:（）() \u3000\t年个月长期启用前"
                             "0123456789一二十内部解"))
TEXT = st.text(alphabet=st.one_of(MARKY, st.characters()), max_size=40)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_parse_never_raises_and_span_slices_back(text: str) -> None:
    result = parse_mark_line(text)
    if result is not None:
        start, end = result.span
        assert 0 <= start <= end <= len(text)
        assert compact(text[start:end]).text == compact(text).text


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_compact_offsets_point_at_the_same_characters(text: str) -> None:
    c = compact(text)
    assert len(c.offsets) == len(c.text)
    for ch, i in zip(c.text, c.offsets, strict=True):
        assert normalize(text[i]) == ch


def _compact_spec(text: str) -> tuple[str, list[int]]:
    """The compact form, one character at a time: whitespace, U+200B and U+FEFF dropped,
    full-width ASCII (U+FF01-U+FF5E) shifted to ASCII, the traditional forms of the mark's
    characters made simplified; each kept character's raw index."""
    kept = [(i, c) for i, c in enumerate(text) if not c.isspace() and c not in "\u200b\ufeff"]
    folded = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else
                     TRADITIONAL.get(c, c) for _, c in kept)
    return folded, [i for i, _ in kept]


WIDE = st.sampled_from(list("，（）；：！？０９ＡＺａｚ～\uff01\uff5e\uff5f\uff00\u3000 \t\n"
                            "\u200b\ufeff\xa0\u2028\x1f秘密★機絕級範圍號"))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.one_of(WIDE, MARKY, st.characters()), max_size=60))
@example("机密★１０年，（三）：")
@example("秘 密\u3000★\u200b5年\ufeff")
def test_compact_is_the_character_by_character_specification(text: str) -> None:
    c = compact(text)
    assert (c.text, list(c.offsets)) == _compact_spec(text)


def test_every_dropped_character_but_the_space_is_non_printable() -> None:
    """compact() skips its regex for printable text without an ASCII space: true only while no
    whitespace character (nor U+200B, U+FEFF) is printable in this Python's Unicode data."""
    printable = [hex(c) for c in range(0x110000)
                 if (chr(c).isspace() or chr(c) in "\u200b\ufeff") and chr(c).isprintable()]
    assert printable == ["0x20"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, st.sampled_from(["top", "header", "body", "table", "props"])),
                max_size=12))
def test_find_and_check_never_raise(items: list[tuple[str, str]]) -> None:
    blocks = [Block(t, f"{region}.p{i}", region, i)  # type: ignore[arg-type]
              for i, (t, region) in enumerate(items)]
    marks = find_marks(blocks)
    for m in marks.markings:
        assert m.block_text[m.span[0]:m.span[1]].strip() or m.form != "line"
    check(marks, as_of=dt.date(2026, 11, 22))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["绝密", "机密", "秘密"]), st.integers(1, 40),
       st.sampled_from(["★", "*", "＊", "☆"]), st.sampled_from(["", " ", "\u3000"]))
def test_generated_marks_parse_to_their_parts(level: str, years: int, star: str, gap: str) -> None:
    result = parse_mark_line(f"{level}{gap}{star}{gap}{years}年")
    assert result is not None
    assert result.level == level
    assert result.term.years == years
    assert result.spaced is bool(gap)


# The recogniser trigger as one regex: the specification that readable_blocks' faster checks
# (the alternatives rewritten for speed, then the digit line) must keep.
TRIGGER_SPEC = re.compile(r"[密急]|内部|內部|特提|范围|範圍|发至|發至|派生|期限|份号|份號"
                          r"|[〔\[【(（].{0,16}[号號]|年.{0,14}日|^[\s\d０-９]+$")
FRAGMENT = st.one_of(
    st.sampled_from(["密", "急", "内部", "特提", "范围", "发至", "派生", "期限", "份号", "〔", "[",
                     "【", "(", "（", "号", "年", "日", "2023", "１２", " ", "\u3000", "\t", "\n",
                     "内", "特", "范", "发", "派", "期", "份", "通知如下"]),
    st.text(max_size=6))
TRIGGER_TEXT = st.lists(FRAGMENT, max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(TRIGGER_TEXT)
@example("2023年3月1日")
@example("国办发〔2023〕1号")
@example("０１２ 3")
@example("特急")
@example("内部资料")
@example("此件发至县级")
@example("知悉范围：本单位")
@example("保密期限：5年")
@example("派生定密")
@example("份号：0001")
@example("年一一一一一一一一一一一一一一日")
@example("年一一一一一一一一一一一一一一一日")
@example("年一\n一日")
@example("（一一一一一一一一一一一一一一一一号")
@example("（一一一一一一一一一一一一一一一一一号")
@example("（号号")
@example("正文" * 50 + "密")
def test_readable_blocks_keep_the_trigger_specification(text: str) -> None:
    expected = is_short(text) and TRIGGER_SPEC.search(text) is not None
    block = Block(text, "body.p1")
    assert readable_blocks([block]) == ([block] if expected else [])
