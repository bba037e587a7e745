"""The context of a catalogue term's occurrence (rules/context.py): each class on realistic
sentences, asserted and discounted side by side, through the matcher and into the report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from markers import Block
from rules import Hit, Matcher, parse_catalog
from rules.context import classify, default_rules, document_signal
from rules.layout import layout
from scanner.pipeline import ScanOptions, scan_file
from scanner.report import to_json
from scanner.report.html import render

HEALTH = Path(__file__).resolve().parents[2] / "rules" / "catalogs" / "health.yaml"
RULES = default_rules()


def context_of(sentence: str, term: str) -> tuple[str, str | None]:
    at = sentence.index(term)
    c = classify(sentence, at, at + len(term), RULES)
    return c.kind, c.trigger


# (sentence, term, expected class): every discounted sentence has an asserted twin
CASES = [
    ("本中心现保藏菌毒种46株，存放于负一层。", "菌毒种", "asserted"),
    ("本次检查不涉及菌毒种保藏场所。", "菌毒种", "negated"),
    ("该单位从未保藏过任何菌毒种。", "菌毒种", "negated"),
    ("本次检查不涉及消防设施，但菌毒种保藏场所已纳入抽查。", "菌毒种", "asserted"),
    ("本次招标的标底已编制完成。", "标底", "asserted"),
    ("本次招标不编制标底。", "标底", "negated"),
    ("《示例省菌毒种保藏管理实施方案》及其附件已清理销毁。", "菌毒种", "cited"),
    ("根据“关于做好鼠疫疫情防控工作的通知”的要求开展自查。", "鼠疫", "cited"),
    ("某县报告1例鼠疫病例，疫情处置工作正在进行。", "鼠疫", "asserted"),
    ("发现鼠疫疫情的，要立即报告。", "鼠疫", "hypothetical"),
    ("对瞒报疫情的，依法依规严肃处理。", "疫情", "hypothetical"),
    ("如发生霍乱疫情，应按照应急预案启动响应。", "霍乱", "hypothetical"),
    ("保藏机构应当对保藏的菌毒种建立档案。", "菌毒种", "hypothetical"),
    ("某市霍乱疫情信息已于3月5日在新闻发布会上公开通报。", "霍乱", "public"),
    ("相关情况已由省政府新闻办向社会通报，霍乱疫情未扩散。", "霍乱", "public"),
    ("某市发生霍乱疫情，确诊病例6例。", "霍乱", "asserted"),
]


@pytest.mark.parametrize(("sentence", "term", "expected"), CASES)
def test_each_context_class_on_realistic_sentences(sentence: str, term: str,
                                                   expected: str) -> None:
    kind, trigger = context_of(sentence, term)
    assert kind == expected, (sentence, kind, trigger)
    assert (trigger is None) is (expected == "asserted")


def _signal(text: str) -> str | None:
    return document_signal(layout(text).opening(text), RULES)


def test_document_signal_is_what_the_title_names_the_text() -> None:
    assert _signal("讲稿：回顾1910年东北鼠疫疫情防控历史\n伍连德博士……") == "讲稿"
    assert _signal("学习《保守国家秘密法》的心得体会\n通过学习，我认识到……。") == "心得体会"
    assert _signal("在全市防汛工作会议上的讲话\n张三\n（2026年5月8日）\n同志们：\n……。") \
        == "在全市防汛工作会议上的讲话"
    assert _signal("关于报送疫情研判报告的通知\n" + "正文。" * 100 + "讲稿") is None
    # 体会 in the opening lines of minutes, 回顾 in a status report's title: ordinary words
    assert _signal("第三季度工作例会纪要\n会上各科室交流了学习体会，会议研究了下一步工作。") is None
    assert _signal("2026年防汛工作回顾及现状的说明\n今年以来，我局……。") is None


def catalogue(context: str = "", item_context: str = "") -> Matcher:
    text = ("catalog: {id: t, title: 测试" + context + "}\nitems:\n"
            "  - {id: T-1, title: 菌毒种保藏, level: 机密, max_years: 20,"
            " match: {all: [保藏], any: [菌毒种]}" + item_context + "}\n")
    return Matcher([parse_catalog(text, "inline.yaml")])


def test_only_asserted_occurrences_count_and_the_others_are_shown() -> None:
    m = catalogue()
    live = m.match_text("本中心现保藏菌毒种46株。")
    assert [h.live for h in live] == [True]
    held = m.match_text("本次检查不涉及菌毒种保藏场所。")
    assert len(held) == 1 and not held[0].live and held[0].held == "context"
    assert {(t.term, t.context, t.trigger) for t in held[0].discounted} == {
        ("菌毒种", "negated", "不涉及"), ("保藏", "negated", "不涉及")}
    both = m.match_text("本次检查不涉及菌毒种保藏场所。另查明，本中心现保藏菌毒种46株。")
    assert both[0].live and both[0].discounted and "46株" in both[0].passage


def paragraphs(m: Matcher, *texts: str) -> list[Hit]:
    return list(m.match([Block(t, f"body.p{i}", "body") for i, t in enumerate(texts)],
                        flowing=False))


SCATTERED = ("一、完善样本运输和保藏制度。", "二、加强人才队伍建设。",
             "三、开展菌毒种资源利用研究。")


def test_conditions_must_hold_within_one_passage() -> None:
    m = catalogue()
    far = paragraphs(m, *SCATTERED)
    assert len(far) == 1 and far[0].held == "passage"
    near = paragraphs(m, "一、完善菌毒种的保藏制度。", "二、加强人才队伍建设。")
    assert near[0].live and "完善菌毒种的保藏制度" in near[0].passage
    lead_in = paragraphs(m, "现将本中心保藏情况报告如下：", "共有菌毒种46株。")
    assert lead_in[0].live  # a paragraph ending in a colon runs on into what it introduces
    long_one = paragraphs(m, "本中心保藏" + "的各类物资均已登记造册" * 30 + "，另有菌毒种若干。")
    assert long_one[0].held == "passage"  # one paragraph, but further apart than 200 characters
    whole = paragraphs(catalogue(", context: {passage: 0}"), *SCATTERED)
    assert whole[0].live  # passage 0: the whole text


def test_triggers_are_data_changed_per_catalogue_and_per_item() -> None:
    sentence = "此事已移出菌毒种保藏清单。"
    assert catalogue().match_text(sentence)[0].live
    added = catalogue(", context: {add: {negated: [已移出]}}").match_text(sentence)
    assert added[0].held == "context"
    per_item = catalogue(item_context=", context: {add: {negated: [已移出]}}")
    assert per_item.match_text(sentence)[0].held == "context"
    assert catalogue().match_text("必须加强菌毒种保藏管理。")[0].held == "context"
    removed = catalogue(", context: {remove: {hypothetical: [必须]}}")
    assert removed.match_text("必须加强菌毒种保藏管理。")[0].live


def test_study_material_lowers_the_score() -> None:
    text = ("学习体会", "本中心现保藏菌毒种46株，存放于负一层。")
    hit = paragraphs(catalogue(), *text)[0]
    assert hit.held == "document" and hit.document == "学习体会" and hit.score == 0.75
    assert paragraphs(catalogue(", context: {document_factor: 1.0}"), *text)[0].live


def test_the_report_shows_discounted_occurrences_with_their_trigger(tmp_path: Path) -> None:
    doc = tmp_path / "notice.txt"
    doc.write_text("关于清理销毁过期文件的通知\n各处室：\n"
                   "《示例省菌毒种保藏管理实施方案（2012年版）》及其附件已清理销毁。\n", "utf-8")
    report = scan_file(doc, ScanOptions(as_of=dt.date(2026, 11, 30), catalogs=(str(HEALTH),)))
    assert "UNMARKED_MATCH" not in {f.code for f in report.findings}
    data = to_json(report, "en")
    hit = next(h for h in data["hits"] if h["item"] == "HLT-02")
    assert hit["live"] is False and hit["held"] == "context"
    assert {(d["term"], d["context"], d["trigger"]) for d in hit["discounted"]} >= {
        ("菌毒种", "cited", "《》")}
    json.dumps(data)
    page = render(data, "en")
    assert "not counted" in page and "the title of a cited document" in page


NEGATION = Matcher([parse_catalog(
    "catalog: {id: n, title: 否定测试}\nitems:\n"
    "  - {id: N-1, title: 地形图, level: 秘密, max_years: 5, match: {all: [地形图]}}\n"
    "  - {id: N-2, title: 调度方案, level: 秘密, max_years: 5, match: {all: [调度方案]}}\n"
    "  - {id: N-3, title: 原始影像, level: 秘密, max_years: 5, match: {all: [原始影像]}}\n",
    "negation.yaml")])
# Negation as a pattern (a negator standing as a word, then a word), not a closed list of
# triggers: each negated sentence beside an asserted twin written with the same characters.
NEGATION_CASES = [
    ("该项目未使用1:500地形图成果。", "negated"),
    ("本次检查没有调阅水库调度方案。", "negated"),
    ("单位不再保存航摄原始影像。", "negated"),
    ("经核查，该院并未留存原始影像。", "negated"),
    ("本项目没有地形图。", "negated"),
    ("未公开的地形图由专人保管。", "asserted"),
    ("尚未完成的调度方案由专人保管。", "asserted"),
    ("未经批准的调度方案暂存机要室。", "asserted"),
    ("无人机航摄原始影像已交档案室。", "asserted"),
    ("该站不断完善调度方案。", "asserted"),
    ("该项目使用了1:500地形图成果，但未使用影像。", "asserted"),
]


@pytest.mark.parametrize(("sentence", "expected"), NEGATION_CASES)
def test_negation_is_a_pattern(sentence: str, expected: str) -> None:
    hits = NEGATION.match_text(sentence)
    assert len(hits) == 1, hits
    hit = hits[0]
    if expected == "asserted":
        assert hit.live, (sentence, hit.discounted)
    else:
        assert not hit.live and hit.held == "context", sentence
        assert {t.context for t in hit.discounted} == {"negated"}
