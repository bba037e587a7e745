"""Quantities in catalogue items and texts (rules/quantity.py) and through the matcher: scales,
areas, lengths, counts, amounts, grades and other values, in Arabic and Chinese numerals, with
ranges and bounds; a number never matches inside a longer one."""

from __future__ import annotations

import pytest

from markers.normalize import normalize
from rules import Matcher, parse_catalog
from rules.errors import CatalogError
from rules.quantity import parse_condition, quantity_conditions, stated

CONDITIONS = [  # kind, as written, the range it allows
    ("scale", "1:1万及更大", "(-∞, 10000]"),
    ("scale", "1:5000至1:10万", "[5000, 100000]"),
    ("scale", "1:5万及更小", "[50000, ∞)"),
    ("scale", "大于1:5000", "(-∞, 5000)"),
    ("area", "大于25平方千米", "(2.5e+07, ∞)"),
    ("area", "不超过10公顷", "(-∞, 100000]"),
    ("length", "100千米以上", "[100000, ∞)"),
    ("count", "10处以上", "[10, ∞)"),
    ("amount", "5000万元以上", "[5e+07, ∞)"),
    ("value", "1亿立方米以上", "[1e+08, ∞)"),
    ("value", "1000万至1亿立方米", "[1e+07, 1e+08]"),
]


@pytest.mark.parametrize(("kind", "written", "expected"), CONDITIONS)
def test_conditions_as_catalogues_write_them(kind: str, written: str, expected: str) -> None:
    assert parse_condition(kind, written).range.text() == expected


def test_grades_and_their_bounds() -> None:
    assert parse_condition("grade", "一、二等").grades == {1, 2}
    assert parse_condition("grade", "三等以上").grades == {1, 2, 3}
    assert parse_condition("grade", "一至三级").grades == {1, 2, 3}


STATED = [  # text, kind, unit, what is read, its range
    ("测区采用1∶500比例尺", "scale", "", "1:500", "[500, 500]"),
    ("另附五万分之一地形图", "scale", "", "五万分之一", "[50000, 50000]"),
    ("提供1:5000至1:1万地形图", "scale", "", "1:5000至1:1万", "[5000, 10000]"),
    ("测区面积约二十五平方千米", "area", "", "二十五平方千米", "[2.5e+07, 2.5e+07]"),
    ("覆盖面积不超过10平方公里", "area", "", "不超过10平方公里", "(-∞, 1e+07]"),
    ("新增灌溉面积5至10万亩", "area", "", "5至10万亩", "[3.33333e+07, 6.66667e+07]"),
    ("输水线路全长186千米", "length", "", "186千米", "[186000, 186000]"),
    ("堤防长1,200米", "length", "", "1,200米", "[1200, 1200]"),
    ("共普查水利工程312处", "count", "处", "312处", "[312, 312]"),
    ("估算总投资48.6亿元", "amount", "", "48.6亿元", "[4.86e+09, 4.86e+09]"),
    ("总库容为1.2亿立方米", "value", "立方米", "1.2亿立方米", "[1.2e+08, 1.2e+08]"),
]


@pytest.mark.parametrize(("text", "kind", "unit", "read", "expected"), STATED)
def test_quantities_a_text_states(text: str, kind: str, unit: str, read: str,
                                  expected: str) -> None:
    t = normalize(text)
    found = stated(t, [(kind, unit)])
    assert [(t[q.start:q.end], q.range.text()) for q in found] == [(normalize(read), expected)]


def test_a_time_of_day_and_a_number_inside_a_word_are_not_quantities() -> None:
    assert stated("下午1:30开会", [("scale", "")]) == []
    assert stated(normalize("平方千米"), [("length", "")]) == []  # 千 of 千米 is no number


def test_titles_propose_their_quantity_conditions() -> None:
    assert quantity_conditions("1:1万及更大比例尺地形图及其数字化成果") == [
        {"scale": "1:1万及更大"}]
    assert quantity_conditions("连续覆盖范围超过6平方千米的大于1:5000的地形图") == [
        {"area": "超过6平方千米"}, {"scale": "大于1:5000"}]
    assert quantity_conditions("国家一、二等水准网成果") == [{"grade": "一、二等"}]
    assert quantity_conditions("重大招商引资项目谈判底线") == []


CATALOG = """\
catalog: {id: q, title: 数量条件测试}
items:
  - id: Q-1
    title: 1:1万及更大比例尺地形图
    level: 机密
    long_term: true
    match: {any: [地形图, 数字线划图], quantity: [{scale: 1:1万及更大}]}
  - id: Q-2
    title: 1:500地形图
    level: 秘密
    max_years: 5
    match: {all: ["1:500", 地形图]}
  - id: Q-3
    title: 大型水库调度方案
    level: 秘密
    max_years: 5
    match: {all: [调度方案], quantity: [{value: 1亿立方米以上, of: [库容]}]}
  - id: Q-4
    title: 1级、2级堤防的险工险段
    level: 秘密
    max_years: 5
    match: {all: [险工险段], quantity: [{grade: 一、二级, of: [堤防]}]}
"""
MATCHER = Matcher([parse_catalog(CATALOG, "q.yaml")])
# (sentence, the items that must match): each on both sides of its bound, side by side
CASES = [
    ("本项目使用1:5000地形图。", {"Q-1"}),
    ("本项目使用1:50000地形图。", set()),
    ("提供1:500地形图。", {"Q-1", "Q-2"}),
    ("提供21:500地形图。", set()),  # 21:500 is no 1:500
    ("提供1∶2000数字线划图。", {"Q-1"}),
    ("提供五万分之一地形图。", set()),
    ("该水库总库容为1.5亿立方米，调度方案见附件。", {"Q-3"}),
    ("该水库总库容为1500万立方米，调度方案见附件。", set()),
    ("调度方案见附件，下游人口1.5亿立方米。", set()),  # not named by its word
    ("东河东平段为2级堤防，排查险工险段6处。", {"Q-4"}),
    ("东河东平段为4级堤防，排查险工险段6处。", set()),
]


@pytest.mark.parametrize(("sentence", "items"), CASES)
def test_quantity_conditions_through_the_matcher(sentence: str, items: set[str]) -> None:
    assert {h.item.id for h in MATCHER.match_text(sentence) if h.live} == items


def test_a_number_never_matches_inside_a_longer_number() -> None:
    for text in ("1:5000", "1:50000", "21:500", "1:500.5"):
        assert "1:500" not in MATCHER._occurrences_for(f"提供{text}地形图。"), text
    assert "1:500" in MATCHER._occurrences_for("提供1:500地形图。")


def test_quantity_evidence_is_shown_with_its_condition() -> None:
    hit = next(h for h in MATCHER.match_text("本项目使用1:2000地形图。") if h.item.id == "Q-1")
    assert "all:〔比例尺1:1万及更大〕" in hit.satisfied
    assert any(t.found == "1:2000" and "【1:2000】" in t.excerpt for t in hit.terms)


@pytest.mark.parametrize(("entry", "message"), [
    ("{scale: 1比1万}", "cannot read the quantity condition"),
    ("{volume: 1亿立方米}", "exactly one kind key"),
    ("{count: 10以上}", "cannot read the quantity condition"),
])
def test_unreadable_conditions_are_refused_with_the_right_form(entry: str,
                                                               message: str) -> None:
    text = ("catalog: {id: b, title: t}\nitems:\n  - id: B-1\n    title: t\n    level: 秘密\n"
            f"    max_years: 5\n    match:\n      all: [地形图]\n      quantity: [{entry}]\n")
    with pytest.raises(CatalogError) as err:
        parse_catalog(text, "bad.yaml")
    assert message in err.value.text("en") and "correct form" in err.value.text("en")
