"""Fingerprints and citations: normalization, the winnowing guarantee, what is left out."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.derived.cite import citations, is_listing, key_text, own_number
from scanner.derived.fingerprint import (
    BREAK,
    GUARANTEE,
    K,
    fingerprints,
    kgram_hash,
    normalize_blocks,
)
from scanner.derived.hanzi import S2T, to_simplified
from scanner.derived.index import facts_of
from scanner.derived.links import _same_issuer

TEXT = "经实地勘察，北岭前进保障基地现有技术升级能力可满足30个检查组同时开展工作。"


@pytest.mark.parametrize("edited", [
    "经实地勘察、北岭前进保障基地现有技术升级能力可满足30个检查组同时开展工作；",  # re-punctuated
    "经实地勘察，北岭前进保障基地\n现有技术升级能力可满足\n30个检查组同时开展工作。",  # line breaks
    "经实地勘察,北岭前进保障基地现有技术升级能力可满足３０个检查组同时开展工作.",  # width
    "經實地勘察，北嶺前進保障基地現有技術升級能力可滿足30個檢查組同時開展工作。",  # traditional
    "经 实 地 勘 察 ， 北岭前进保障基地现有技术升级能力可满足30个检查组同时开展工作。",
])
def test_edits_normalize_away(edited: str) -> None:
    blocks = edited.split("\n")
    assert normalize_blocks(blocks).text == normalize_blocks([TEXT]).text


def test_traditional_table_keeps_simplified_text() -> None:
    assert to_simplified(TEXT) == TEXT
    assert all(to_simplified(t) == s for s, t in S2T.items())


def test_lead_up_to_the_title_is_left_out() -> None:
    blocks = ["000123", "机密★10年", "示例发〔2024〕3号", "关于北岭前进保障基地有关事项的通知",
              TEXT]
    assert normalize_blocks(blocks).text == normalize_blocks([TEXT]).text


@pytest.mark.parametrize("quote", [
    "《中华人民共和国保守国家秘密法》第二十一条规定：“国家秘密的密级、保密期限和知悉范围，应当根据情况变化及时变更。”",
    "习近平总书记强调：“保密工作是党和国家一项极为重要的工作，要坚持总体国家安全观。”",
])
def test_public_quotation_is_left_out(quote: str) -> None:
    text = normalize_blocks([TEXT + quote + TEXT]).text
    assert "国家秘密的密级" not in text and "极为重要" not in text
    assert text.count(BREAK) == 1


@pytest.mark.parametrize("lines", [
    # a PDF's lines: the quotation broken across them, its opening mark moved to a line's end
    ["习近平总书记强调： 保密工作是党和国家一项极为重要的工作，要坚持总体国家安全 ““",
     "观，切实筑牢保密防线，确保党和国家秘密安全。”"],
    ["《中华人民共和国保守国家秘密法》第二十一条规定：“国家秘密的密级、保密期限和知悉范围，",
     "应当根据情况变化及时变更。”"],
])
def test_public_quotation_across_lines_is_left_out(lines: list[str]) -> None:
    text = normalize_blocks([TEXT, *lines, TEXT]).text
    assert "极为重要" not in text and "切实筑牢" not in text and "及时变更" not in text
    assert text.count(BREAK) == 1 and text.count(normalize_blocks([TEXT]).text) == 2


def test_a_quotation_of_a_newspaper_is_left_out_not_one_of_a_document() -> None:
    paper = ("正如《人民日报》评论员文章所指出的："
             "“能源安全是关系国家经济社会发展的全局性、战略性问题。”")
    assert "全局性" not in normalize_blocks([TEXT, paper]).text
    source = "《关于北岭前进保障基地有关事项的通知》指出：“三号试验区于九月底前完成换装。”"
    assert "三号试验区于九月底前完成换装" in normalize_blocks([TEXT, source]).text


def test_an_attribution_without_quotation_marks_keeps_the_text() -> None:
    own = "同志强调，要加强北岭前进保障基地的值守力量，三号试验区于九月底前完成换装。"
    assert "三号试验区于九月底前完成换装" in normalize_blocks([own]).text


def test_citations_are_left_out_of_fingerprints() -> None:
    text = normalize_blocks(["现将示例发〔2024〕12号和《关于某事的通知》转发给你们。"]).text
    assert "2024" not in text and "某事" not in text


def test_hash_is_stable() -> None:
    assert kgram_hash("经实地勘察北岭前") == kgram_hash("经实地勘察北岭前")
    assert 0 <= kgram_hash("经实地勘察北岭前") < 2**63


_HAN = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1)


@settings(max_examples=60, deadline=None)
@given(a=_HAN, b=_HAN, shared=st.text(alphabet=st.characters(min_codepoint=0x5000,
                                                                max_codepoint=0x50FF),
                                      min_size=GUARANTEE, max_size=80))
def test_winnowing_guarantee(a: str, b: str, shared: str) -> None:
    """Any shared run of at least the guarantee threshold yields a shared fingerprint."""
    fa = {h for h, _ in fingerprints(a + shared + a)}
    fb = {h for h, _ in fingerprints(b + shared + b[::-1])}
    assert fa & fb


def test_noise_threshold() -> None:
    """Nothing shorter than k characters is ever shared: a run of k - 1 gives no fingerprint."""
    rng = random.Random(3)
    alphabet = [chr(c) for c in range(0x4E00, 0x9FA5)]
    a = "".join(rng.choice(alphabet) for _ in range(300))
    b = "".join(rng.choice(alphabet) for _ in range(300))
    run = "保障基地现有技"[: K - 1]
    fa = {h for h, _ in fingerprints(a[:150] + run + a[150:])}
    fb = {h for h, _ in fingerprints(b[:150] + run + b[150:])}
    assert not fa & fb


@pytest.mark.parametrize(("line", "key", "prefix"), [
    ("现将示例发〔2024〕12号转发给你们", "2024|12", "示例发"),
    ("按照示例发[2024]12号要求", "2024|12", "示例发"),
    ("按照示例发(2024)12号要求", "2024|12", "示例发"),
    ("按照示例发（2024）第12号要求", "2024|12", "示例发"),
    ("根据〔2021〕7号文件", "2021|7", ""),
    ("依据京公网字第123号", "字|123", "京公网字"),
])
def test_number_citations(line: str, key: str, prefix: str) -> None:
    found = citations([line], None)
    assert [(c.number.key, c.number.prefix) for c in found if c.number] == [(key, prefix)]


def test_own_number_is_not_a_citation() -> None:
    own = own_number("示例办函〔2025〕74号")
    assert citations(["示例办函〔2025〕74号"], own) == []


def test_own_number_stands_above_the_title() -> None:
    blocks = ["国防科技工业保密管理要求汇编",
              "一、《关于鹰岭-3型动力系统定型试验总体安排的通知》（北", "国科发〔2024〕12号）摘录"]
    facts = facts_of("x", blocks, {})
    assert facts.number is None  # a compilation's cited 文号 broken across lines is not its own
    assert facts_of("y", ["北国科发〔2024〕12号", "关于鹰岭-3型动力系统定型试验总体安排的通知"],
                    {}).number is not None


def test_own_number_below_the_title_of_minutes() -> None:
    """A 会议纪要 or 简报 puts its number under its name: a bare 文号 line right below the title
    (or below the rest of a title broken across lines) is the document's own, not a citation."""
    lead = ["000023", "机密★2年"]
    body = ["2024年1月12日，省国防科工办主持召开协调会，现纪要如下。"]
    for title in (["鹰岭-3型首飞保障工作协调会议纪要"], ["鹰岭-3型首飞保障工作", "协调会议纪要"]):
        facts = facts_of("m", [*lead, *title, "北国科纪〔2024〕3号", *body], {})
        assert facts.number is not None and facts.number.key == "2024|3", title
        assert facts.cites == []
    for below in ("根据北国科纪〔2024〕3号会议纪要，现将有关事项通知如下。",  # a sentence cites it
                  "（北国科纪〔2024〕3号）"):  # a compilation's source, in brackets
        facts = facts_of("n", [*lead, "鹰岭-3型首飞保障工作协调会议纪要", below, *body], {})
        assert facts.number is None, below
        assert [c["key"] for c in facts.cites] == ["2024|3"], below


def test_a_secrecy_reminder_is_left_out_but_not_a_line_of_a_paragraph() -> None:
    """A reminder (本件涉及国家秘密，不得翻印) is standard text; a PDF line in the middle of a
    paragraph that happens to hold 涉密 … 不得 is the paragraph's content and stays."""
    lines = ["关于试验数据管理的通知",  # as a PDF's lines: the paragraph wrapped at the margin
             "四、安全与保密。试验现场实行封闭管理，进出人员凭当日通行证件登记，试验数据统一",
             "存储在专用涉密计算机上，油耗数据和故障记录一律不得带离试验现场。",
             "北辰省国防科技工业办公室", "2024年3月18日",
             "本件涉及国家秘密，请妥善保管，不得翻印。"]  # after the date: a reminder
    text = normalize_blocks(lines).text
    assert "存储在专用涉密计算机上油耗数据和故障记录一律不得带离试验现场" in text
    assert "翻印" not in text


@pytest.mark.parametrize(("cited", "own", "same"), [
    ("为承担北国科发", "北国科发", True), ("贵委东发改能", "东发改能", True),
    ("北国科发", "北国科发", True), ("南公发", "北国科发", False), ("国科发", "北国科发", True),
    ("川办发", "", True),
])
def test_a_cited_prefix_names_the_issuer(cited: str, own: str, same: bool) -> None:
    assert _same_issuer(cited, own) is same


def test_title_citation_and_listing() -> None:
    title = "关于北岭三号试验区有关事项的通知"
    found = citations([f"请认真贯彻《{title}》精神"], None)
    assert [c.title_key for c in found] == [key_text(title)]
    assert is_listing(f"1. 示例发〔2024〕1号  {title}  绝密★30年", [key_text(title)])
    assert not is_listing("现将示例发〔2024〕1号转发给你们，请结合实际认真贯彻执行。")
