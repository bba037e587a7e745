"""A document as an officer reads it (rules/layout.py): the title and headings are the subject of
what follows, paragraphs that name the title's object describe it, and texts that are not live
matters (statutes, standards, tenders, adverts, news, textbooks) are told by their structure."""

from __future__ import annotations

import pytest

from markers import Block
from rules import Hit, Matcher, parse_catalog
from rules.layout import genre, layout

CATALOG = """\
catalog: {id: l, title: 版式测试}
items:
  - id: L-1
    title: 重要变电站的安全防护方案
    level: 机密
    max_years: 10
    match: {all: [变电站], any: [安全防护方案, 监控点位, 警卫力量部署]}
  - id: L-2
    title: 大型水库大坝安全监测数据
    level: 秘密
    max_years: 5
    match:
      all: [大坝]
      any: [渗流监测数据, 隐患分析]
      quantity: [{value: 1亿立方米以上, of: [库容]}]
"""
MATCHER = Matcher([parse_catalog(CATALOG, "l.yaml")])
FILLER = ["（一）后勤保障", "完成办公楼消防设施改造和电梯更新，公务用车实行平台化管理。",
          "（二）档案工作", "全年收文1316件，完成年度文书档案整理归档，推进档案数字化。"]


def lines(*texts: str) -> list[Hit]:
    return list(MATCHER.match([Block(t, f"body.p{i}", "body") for i, t in enumerate(texts)],
                              flowing=False))


def live(*texts: str) -> set[str]:
    return {h.item.id for h in lines(*texts) if h.live}


def test_the_title_is_the_subject_of_every_paragraph() -> None:
    # the title names the object; the sensitive attribute comes sections later
    assert live("关于东郊220千伏变电站安全防护工作的报告", "省电力公司：", "一、基本情况",
                *FILLER, "二、防护措施", "站内共设监控点位48个，分三个区域布设。") == {"L-1"}
    # the same paragraph under an unrelated title: its words alone do not make the item
    assert live("关于机关后勤工作的报告", "办公室：", "一、基本情况", *FILLER,
                "二、防护措施", "站内共设监控点位48个，分三个区域布设。") == set()


def test_a_heading_is_the_subject_of_its_section_only() -> None:
    assert live("年度工作总结", "一、变电站运维", "全年完成监控点位改造12处。") == {"L-1"}
    assert live("年度工作总结", "一、变电站运维", "全年完成巡视120次。", "二、机关建设",
                "全年完成监控点位改造12处。") == set()


def test_a_paragraph_naming_the_object_describes_it() -> None:
    # the capacity is stated where the report names its reservoir; the data come later
    doc = ["龙潭水库大坝安全监测专家会商会议纪要", "会议纪要如下：", "一、水库概况",
           "龙潭水库总库容5.2亿立方米，为大（2）型水库。", *FILLER, "二、会商意见",
           "专家认为左岸渗流监测数据持续偏高，需高度重视。"]
    assert live(*doc) == {"L-2"}
    small = [t.replace("5.2亿", "5200万") for t in doc]
    assert live(*small) == set()
    # a capacity stated for another object does not qualify this one
    other = [*doc[:3], "全市小型水库总数86座。", *FILLER, "二、会商意见",
             "专家认为左岸渗流监测数据持续偏高，需高度重视。", "另：青山水库总库容5.2亿立方米。"]
    assert live(*other) == set()


def test_layout_title_headings_and_table_header() -> None:
    text = "\n".join(["示例市水利局文件", "关于某水库的报告", "市政府：", "一、概况",
                      "水库总库容1.2亿立方米。", "（一）主要指标", "库容\t坝高", "1.2亿\t92米"])
    lay = layout(text, lambda pos: "\t" in text[pos:text.find("\n", pos) if "\n" in text[pos:]
                                             else len(text)])
    assert lay.title_text(text) == "示例市水利局文件\n关于某水库的报告"
    last = lay.paragraph(len(text) - 1)
    spans = [text[a:b] for a, b in lay.subject[last]]
    assert spans == ["示例市水利局文件\n关于某水库的报告", "一、概况", "（一）主要指标",
                     "库容\t坝高"]


GENRES = [  # (kind, a realistic opening or structure)
    ("statute", "某省测绘管理条例\n第一条 为了加强测绘管理，制定本条例。\n"
                "第二条 本条例适用于本省。\n"
                "第三条 县级以上人民政府测绘主管部门负责本行政区域测绘工作。"),
    ("standard", "基础地理信息要素分类与代码\n1 范围\n本标准规定了基础地理信息要素的分类和代码。\n"
                 "2 规范性引用文件"),
    ("tender", "某市1:500地形图测绘项目招标公告\n一、项目概况\n工期90日历天。\n二、投标人资格要求"),
    ("advert", "某测绘院2026年公开招聘工作人员公告\n一、招聘岗位\n二、报名条件\n有经验者优先。"),
    ("news", "本报讯（记者 张三）近日，某市完成新一轮基础测绘工作。"),
    ("textbook", "第三章 地形图的识读\n学习目标\n思考题\n1. 地形图的比例尺有哪些表示方法？"),
]


@pytest.mark.parametrize(("kind", "text"), GENRES)
def test_texts_that_are_not_live_matters(kind: str, text: str) -> None:
    assert genre(text, layout(text)) is not None
    assert genre(text, layout(text))[0] == kind  # type: ignore[index]


@pytest.mark.parametrize("text", [
    "关于东郊变电站安全防护方案的报告\n省电力公司：\n一、岗位职责\n值班人员岗位职责明确。",
    "关于提供测绘成果的函\n省水利厅：\n根据《测绘成果管理条例》第十条规定，现提供成果如下。",
    "第三季度工作例会纪要\n会上各科室交流了学习体会，研究了下一步工作。",
])
def test_live_documents_are_not_taken_for_those(text: str) -> None:
    assert genre(text, layout(text)) is None


def test_a_statute_holds_its_hits_and_says_why() -> None:
    hits = lines("某省电力设施保护条例", "第一条 为保护电力设施，制定本条例。",
                 "第二条 本省变电站安全防护方案由省电力公司编制。",
                 "第三条 本条例自公布之日起施行。")
    assert hits and not hits[0].live and hits[0].held == "genre"
    assert hits[0].document is not None and hits[0].document.startswith("statute")
    # the same sentence in a unit's own report is live
    assert live("关于东郊变电站的报告", "省电力公司：", "东郊变电站已制定安全防护方案。") == {"L-1"}


def test_a_cited_standard_and_an_advert_without_its_name_in_the_title() -> None:
    # what a cited standard says is not the matter; the same words as a unit's own are
    assert live("关于东郊变电站工作的报告", "省电力公司：",
                "《变电站设计规范》规定了变电站安全防护方案的编制要求。") == set()
    assert live("关于东郊变电站工作的报告", "省电力公司：",
                "东郊变电站已按规范编制安全防护方案。") == {"L-1"}
    advert = ["某供电公司2026年人员补充计划", "一、岗位", "变电运维岗2人。",
              "二、报名条件", "熟悉变电站安全防护方案者优先。"]
    assert live(*advert) == set()


VETO = Matcher([parse_catalog(
    "catalog: {id: v, title: 否决测试}\nitems:\n"
    "  - {id: V-1, title: 尚未整改的高危漏洞, level: 机密, max_years: 2,"
    " match: {all: [漏洞], any: [高危漏洞, 尚未整改], none: [已完成整改]}}\n", "v.yaml")])


def test_a_veto_holds_back_its_own_unit_only() -> None:
    doc = ["关于高危漏洞整改情况的通报", "各单位：", "一、总体情况", "今年共开展检查3次。",
           "二、整改情况", "截至7月8日，甲类问题已完成整改。", "三、遗留问题",
           "电力监控系统高危漏洞9个尚未整改，详见附表。"]
    hits = list(VETO.match([Block(t, f"body.p{i}", "body") for i, t in enumerate(doc)],
                           flowing=False))
    assert hits and hits[0].live
    # said of the title itself, the veto holds back every unit
    vetoed = [doc[0].replace("整改情况", "已完成整改情况"), *doc[1:]]
    hits = list(VETO.match([Block(t, f"body.p{i}", "body") for i, t in enumerate(vetoed)],
                           flowing=False))
    assert hits and not hits[0].live and hits[0].vetoed


@pytest.mark.parametrize(("title", "announcement"), [
    ("关于公布东江市2026年有序用电方案的通知", True), ("关于实施城区限制供水的通告", True),
    ("关于东湖蓄滞洪区运用方案向社会公开的通知", True),
    ("关于印发东江市2026年有序用电方案的通知", False), ("关于有序用电方案编制情况的报告", False)])
def test_a_document_that_is_itself_a_publication(title: str, announcement: bool) -> None:
    text = f"{title}\n各单位：\n现将有关事项通知如下。"
    found = genre(text, layout(text))
    assert (found is not None and found[0] == "announcement") is announcement, found


def test_a_sentence_that_classes_a_kind_of_matter_is_a_rule() -> None:
    assert live("关于东郊变电站工作的报告", "省电力公司：",
                "考虑到变电站监控点位布设图属于敏感技术资料，检查组未予调阅。") == set()
    assert live("关于东郊变电站工作的报告", "省电力公司：",
                "本报告所附变电站监控点位布设图属于涉密资料，请妥善保管。") == {"L-1"}


def test_flowing_lines_join_only_where_a_paragraph_runs_on() -> None:
    from rules.text import build  # noqa: PLC0415

    lines = ["知悉范围：省水利厅领导班子成员", "关于引江济北调水工程运行安全评估情况的报告",
             "省水利厅：", "一、工程概况",
             "引江济北调水工程从长江干流取水，输水线路全长一百八十六千米，其中明",
             "渠一百三十二千米。", "二、薄弱环节", "评估认为渡槽伸缩缝止水老化。"]
    mt = build([Block(t, f"page1.l{i}", "body") for i, t in enumerate(lines)], flowing=True)
    assert mt.text.split("\n") == [
        "知悉范围:省水利厅领导班子成员", "关于引江济北调水工程运行安全评估情况的报告",
        "省水利厅:", "一、工程概况",
        "引江济北调水工程从长江干流取水,输水线路全长一百八十六千米,其中明渠一百三十二千米。",
        "二、薄弱环节", "评估认为渡槽伸缩缝止水老化。"]
