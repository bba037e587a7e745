#!/usr/bin/env python3
"""Write the formats24 held-out set: 25 marked and 10 unmarked cases per format family.

    python make_formats24.py [--out DIR] [--corpus DIR] [--soffice PATH]

Families: xlsx, xls, et, pptx, ppt, dps, rtf, html, mht, eml (docs/<family>/), and labels.tsv.
The content is deterministic (one seed); Office containers carry their own timestamps, and the
files LibreOffice converts (xls, et, ppt, dps, rtf) are whatever LibreOffice writes.

The labels come from the plan below, written from the rule book (shared/docs/domain.md) and the
formats section of the README, never from what the tool reports. See README.md of this set.
"""
from __future__ import annotations

import argparse
import base64
import copy
import datetime as dt
import html as htmlmod
import io
import quopri
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20261207
HERE = Path(__file__).resolve().parent
FAMILIES = ["xlsx", "xls", "et", "pptx", "ppt", "dps", "rtf", "html", "mht", "eml"]
EXT = {"xlsx": "xlsx", "xls": "xls", "et": "et", "pptx": "pptx", "ppt": "ppt", "dps": "dps",
       "rtf": "rtf", "html": "html", "mht": "mht", "eml": "eml"}

# ----------------------------------------------------------------------------------------------
# marks (rule book §2): three levels, every period form; three irregular forms per family
# ----------------------------------------------------------------------------------------------
REGULAR_MARKS = [
    ("机密", "机密★5年"), ("秘密", "秘密★1年"), ("绝密", "绝密★20年"), ("秘密", "秘密★6个月"),
    ("机密", "机密★10年"), ("绝密", "绝密★启用前"), ("机密", "机密★2027年12月31日"),
    ("秘密", "秘密★2028年6月30日"), ("机密", "机密★长期"), ("秘密", "秘密★长期"), ("绝密", "绝密★长期"),
    ("机密", "机密★会议开始前"), ("秘密", "秘密★公布前"), ("秘密", "秘密★3年"), ("机密", "机密★15年"),
    ("绝密", "绝密★30年"), ("机密", "机密★8个月"), ("秘密", "秘密★2026年3月1日"),
    ("绝密", "绝密★2035年1月1日"), ("绝密", "绝密★10年"), ("秘密", "秘密★10年"), ("机密", "机密★20年"),
]
WRONG_SYMBOLS = ["*", "＊", "☆"]


def irregular_marks(fi: int) -> list[tuple[str, str, str]]:
    sym = WRONG_SYMBOLS[fi % 3]
    lvl_nt = ["机密", "秘密", "绝密"][fi % 3]
    return [
        ("秘密", "秘密★５年", "full-width digits in the term (still Arabic numerals)"),
        ("机密", f"机密{sym}2年", f"wrong symbol {sym} for ★: a malformed mark, expect MARK_WRONG_SYMBOL"),
        (lvl_nt, f"{lvl_nt}★", "level and ★ with no term: expect PERIOD_MISSING"),
    ]


def split_mark(mark: str) -> tuple[str, str, str]:
    """level, symbol, term of a mark as written."""
    lvl = mark[:2]
    sym = mark[2:3]
    return lvl, sym, mark[3:]


# ----------------------------------------------------------------------------------------------
# text material
# ----------------------------------------------------------------------------------------------
SECRECY_WORDS = ("秘密", "机密", "绝密", "保密", "密级", "定密", "涉密", "解密", "★", "泄密")


def default_corpus() -> Path:
    for p in (HERE.parents[2].parent / "shared" / "corpus" / "public_texts",
              Path("/work/shared/corpus/public_texts")):
        if p.is_dir():
            return p
    return Path("/work/shared/corpus/public_texts")


class Texts:
    def __init__(self, corpus: Path):
        self.corpus = corpus
        self.filler: list[str] = []
        for f in sorted(corpus.glob("gov_sc_*.txt")):
            for line in f.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if line.startswith(("source:", "genre:", "#")) or not (40 <= len(line) <= 220):
                    continue
                if any(w in line for w in SECRECY_WORDS) or line.endswith("："):
                    continue
                self.filler.append(line)
        self.law = self._lines("law_01.txt", [70, 72, 94, 96, 98, 100, 110, 112, 114, 116, 122, 130])
        self.law += self._lines("law_03.txt", [36, 66, 68])
        self.law += self._lines("law_05.txt", [80, 86])
        self.law += self._lines("law_19.txt", [36, 54])
        self.law += self._lines("law_21.txt", [114])
        self.public = self._lines("gov_sc_13.txt", [22, 30])
        assert len(self.filler) > 100 and len(self.law) == 20 and len(self.public) == 2

    def _lines(self, name: str, numbers: list[int]) -> list[str]:
        lines = (self.corpus / name).read_text(encoding="utf-8").splitlines()
        out = []
        for n in numbers:
            s = lines[n - 1].strip()
            assert len(s) > 15, (name, n, s)
            out.append(s)
        return out


TITLES = [
    "关于做好2026年度重点项目资金调度工作的通知", "关于2026年第三季度经济运行情况的分析报告",
    "关于加强重要基础设施安全防护工作的意见", "关于印发《全市应急物资储备调整方案》的通知",
    "关于开展2026年度专项督查工作的通知", "关于调整部分区域规划建设指标的请示",
    "关于重大活动安全保卫工作方案的报告", "关于2026年度财政预算调整情况的说明",
    "关于边境地区基础设施建设项目安排的通知", "关于水资源调配应急预案修订情况的报告",
    "关于印发《重要目标防护工作方案》的通知", "关于全市粮食储备轮换计划的请示",
    "关于做好重点时段安全稳定工作的通知", "关于电力应急保障方案的报告",
]
SHEET_TITLES = [
    "2026年度重点项目资金安排表", "全市应急物资储备情况统计表", "重要基础设施防护力量部署表",
    "2026年度财政预算调整明细表", "粮食储备轮换计划表", "重点时段安保力量安排表",
    "边境地区建设项目投资计划表", "电力应急保障设备清单",
]
TITLE_FOR_TERM = {
    "启用前": ("2026年示例市初中学业水平考试数学试卷", "2026年示例市初中学业水平考试参考答案及评分标准"),
    "会议开始前": ("市政府第12次常务会议议题材料", "市政府第12次常务会议议题汇总表"),
    "公布前": ("2026年第三季度全市主要经济指标快报", "2026年第三季度全市主要经济指标快报"),
}
ORGS = ["示例市人民政府办公室", "示例市发展和改革委员会", "示例市应急管理局", "示例市水务局",
        "示例市财政局", "示例市公安局", "示例市教育局", "示例市统计局"]
SCOPES = ["知悉范围：市政府领导、各区县政府主要负责人", "知悉范围：局领导班子成员",
          "（此件发至县处级）", "知悉范围：本单位领导班子成员及相关处室负责人"]
ZHUSONG = ["各区县人民政府，市政府各部门：", "各区县应急管理局，局机关各处室：", "市政府："]
PROJECTS = ["城区供水管网改造", "应急物资储备库建设", "重点桥梁加固", "防汛指挥系统升级",
            "变电站防护改造", "通信保障车购置", "边境道路维护", "粮库智能化改造", "水源地监测站建设",
            "指挥中心视频会商系统"]
UNITS = ["市水务局", "市应急管理局", "市交通运输局", "市公安局", "市发展改革委", "市粮食和储备局"]
URGENCIES = ["特急", "加急"]

STAR_POINTS = [
    "严格落实定密责任人制度，准确确定国家秘密的密级、保密期限和知悉范围。",
    "秘密级、机密级文件资料一律登记编号，由专人管理，定期清查核对。",
    "绝密级国家秘密载体未经原定密机关批准，不得复制和摘抄。",
    "每年对保密期限已满的文件资料开展一次解密审核，及时办理解密手续。",
    "涉密计算机和存储介质严禁接入互联网，严禁在非涉密设备上处理涉密信息。",
    "新录用人员上岗前须接受保密教育培训，签订保密承诺书。",
]
GBT9704 = [
    "份号：涉密公文应当标注份号。一般用6位3号阿拉伯数字，顶格编排在版心左上角第一行。",
    "密级和保密期限：涉密公文应当根据涉密程度分别标注“绝密”“机密”“秘密”和保密期限。一般用3号黑体字，顶格编排在版心左上角第二行；保密期限中的数字用阿拉伯数字标注。",
    "公文一般由份号、密级和保密期限、紧急程度、发文机关标志、发文字号、签发人、标题、主送机关、正文、附件说明、发文机关署名、成文日期、印章、附注、附件、抄送机关、印发机关和印发日期、页码等组成。",
    "国家秘密标志由密级、★和保密期限组成，例如标注为“机密★5年”的公文，自成文日期起满5年自行解密。",
    "紧急程度：如需标注紧急程度，一般用3号黑体字，顶格编排在版心左上角；如需同时标注份号、密级和保密期限、紧急程度，按照份号、密级和保密期限、紧急程度的顺序自上而下分行排列。",
]
EXAM = [
    "根据国家有关规定，初中学业水平考试试卷（包括备用卷）、参考答案及评分标准在启用前均属于绝密级国家秘密，考试结束前按绝密级国家秘密管理。",
    "各考区要严格执行试卷交接、保管、分发制度，试卷保管场所实行24小时值守和视频监控，确保试卷安全。",
    "考试结束后，答题卡在评卷结束前按照机密级国家秘密载体管理，评卷场所实行封闭管理。",
    "对违反保密规定造成试卷泄露的，依法依规严肃追究有关单位和人员的责任。",
]
TRADE = [
    "本表所列价格测算数据属于本公司商业秘密，仅供公司经营决策使用，未经批准不得对外提供。",
    "各部门应按照公司商业秘密保护管理办法妥善保管，离职人员须交回全部资料。",
]


@dataclass
class Case:
    family: str
    marked: bool
    kind: str                 # layout (marked) or unmarked type
    level: str = ""
    mark: str = ""
    copy_number: str = ""
    position: str = ""        # expect a MARK_POSITION finding: yes / no / unsure (marked only)
    notes: str = ""
    name: str = ""
    title: str = ""
    urgency: str = ""
    org: str = ""
    date: str = ""
    scope: str = ""
    zhusong: str = ""
    paras: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------
# plans: layouts per family (marked) and the ten unmarked types
# ----------------------------------------------------------------------------------------------
def rep(items):
    out = []
    for item in items:
        n = item[2] if len(item) > 2 else 1
        out += [(item[0], item[1])] * n
    return out


LAYOUTS = {
    "sheet": rep([
        ("a1", "no", 4), ("copyno_above", "no", 2), ("copyno_label_urgency", "no"),
        ("merged_mark_row", "no", 2), ("header_only", "no", 2), ("header_copyno", "no"),
        ("sheet2_only", "yes", 2), ("every_sheet", "no"), ("cell_mark_newline_title", "no"),
        ("blank_first_row", "no"), ("mark_after_title", "yes"), ("label_value", "no"),
        ("header_and_cell", "no"), ("styled_a1", "no"), ("copyno_above_urgency", "no"),
        ("top_right", "yes"), ("mark_scope_row", "no"), ("stacked_copyno_mark", "no"),
    ]),
    "slides": rep([
        ("tb_topleft", "no", 4), ("tb_topleft_first_in_tree", "no", 2), ("tb_copyno", "no", 2),
        ("tb_copyno_label_urgency", "no"), ("footer_every", "unsure", 2), ("tb_every_slide", "no"),
        ("notes_only", "yes", 2), ("slide2_only", "yes", 2), ("doc_page_tb", "no"),
        ("tb_topright", "yes"), ("group_topleft", "no"), ("tb_mark_then_title", "no"),
        ("master_tb", "no", 2), ("runs_split", "no", 2), ("softbreak_copyno", "no"),
    ]),
    "rtf": rep([
        ("plain", "no", 4), ("copyno_above", "no", 3), ("copyno_label_urgency", "no", 2),
        ("runs_split", "no", 3), ("header", "no", 2), ("header_copyno", "no"),
        ("table_label_value", "no"), ("table_layout_cell", "no"), ("after_title", "yes"),
        ("right_aligned", "yes"), ("mark_scope_same_line", "no", 2), ("first_page_header", "no"),
        ("blank_lines_before", "no", 2), ("softbreak_copyno", "no"),
    ]),
    "html": rep([
        ("p/utf8_meta5", "no", 4), ("p_copyno/gb2312_httpequiv", "no", 2),
        ("table_rows/utf8_httpequiv", "no"), ("table_rows/gb2312_httpequiv", "no"),
        ("table_label_value/utf8_meta5", "no"), ("div_left/utf8_meta5", "no"),
        ("div_left/gbk_meta5", "no"), ("word_html/gb2312_httpequiv", "no", 2),
        ("br_lines/utf8_meta5", "no"), ("entity_star/gb2312_httpequiv", "no"),
        ("p_copyno/gbk_no_meta", "no"), ("p/utf8_bom_no_meta", "no"),
        ("font_tags_html4/gb2312_httpequiv", "no"), ("after_title/utf8_meta5", "yes"),
        ("right_aligned/utf8_meta5", "yes"), ("span_styled/gbk_meta5", "no"),
        ("oa_page_nav/utf8_meta5", "unsure"), ("span_styled/utf8_meta5", "no"),
        ("nbsp_padding/gb18030_httpequiv", "no"), ("table_rows/gbk_no_meta", "no"),
    ]),
    "mht": rep([
        ("p/ie_utf8_qp", "no", 4), ("p_copyno/word_gb2312_qp", "no", 2),
        ("table_rows/word_gb2312_qp", "no"), ("table_rows/b64_utf8", "no"),
        ("table_label_value/ie_gb2312_qp", "no"), ("div_left/chrome_utf8_qp", "no", 2),
        ("word_html/word_gb2312_qp", "no", 2), ("br_lines/b64_gb2312", "no"),
        ("entity_star/ie_utf8_qp", "no"), ("font_tags_html4/ie_gb2312_qp", "no"),
        ("after_title/b64_utf8", "yes"), ("right_aligned/word_gb2312_qp", "yes"),
        ("span_styled/chrome_utf8_qp", "no"), ("oa_page_nav/ie_utf8_qp", "unsure"),
        ("nbsp_padding/b64_gb2312", "no"), ("p/b64_utf8", "no"), ("p_copyno/chrome_utf8_qp", "no"),
        ("word_html/b64_gb2312", "no"), ("table_rows/ie_gb2312_qp", "no"),
    ]),
    "eml": rep([
        ("plain_utf8_8bit", "no", 4), ("plain_gbk_b64_copyno", "no", 2), ("html_only", "no", 2),
        ("alternative", "no", 2), ("subject_and_body", "no", 3), ("attach_docx_only", "no", 3),
        ("attach_xlsx_only", "no", 2), ("body_and_docx", "no", 2), ("plain_qp", "no", 2),
        ("forwarded", "unsure"), ("attach_docx_rfc2047_name", "no", 2),
    ]),
}
GROUP = {"xlsx": "sheet", "xls": "sheet", "et": "sheet", "pptx": "slides", "ppt": "slides",
         "dps": "slides", "rtf": "rtf", "html": "html", "mht": "mht", "eml": "eml"}
COPYNO_LAYOUTS = {
    "copyno_above", "copyno_label_urgency", "header_copyno", "copyno_above_urgency", "label_value",
    "stacked_copyno_mark", "tb_copyno", "tb_copyno_label_urgency", "softbreak_copyno",
    "table_label_value", "table_layout_cell", "p_copyno", "table_rows", "br_lines",
    "plain_gbk_b64_copyno", "forwarded", "attach_docx_rfc2047_name", "attach_xlsx_only",
}
URGENT_LAYOUTS = {"copyno_label_urgency", "copyno_above_urgency", "tb_copyno_label_urgency", "br_lines"}
UNMARKED = ["u_law", "u_star_bullets", "u_empty_form", "u_register", "u_neibu", "u_public",
            "u_gbt9704", "u_exam", "u_trade", "u_plain"]
UNMARKED_NOTES = {
    "u_law": "statute text (保守国家秘密法 and others) full of 绝密/机密/秘密/保密期限 in prose",
    "u_star_bullets": "secrecy work points as a ★ bullet list (prose after each ★)",
    "u_empty_form": "a form whose 密级/保密期限/份号 fields are empty",
    "u_register": "a 台账 (register) listing other documents' marks in a column; the file itself is not marked",
    "u_neibu": "内部资料 at the top: a work secret notice, not a state-secret level",
    "u_public": "public government text mentioning 国家秘密、商业秘密 in prose, 此件公开发布",
    "u_gbt9704": "GB/T 9704 training text quoting how marks are written, an example mark quoted inside a sentence",
    "u_exam": "public notice on exam-paper secrecy: 启用前/绝密级/机密级 in prose",
    "u_trade": "company trade secret (商业秘密/普通商密★) at the top: not a state secret",
    "u_plain": "public government text without secrecy words",
}


def cn_date(rng: random.Random) -> str:
    y = rng.choice([2024, 2025, 2026])
    m = rng.randint(1, 11 if y == 2026 else 12)
    d = rng.randint(1, 28)
    return f"{y}年{m}月{d}日"


def plan_family(fam: str, fi: int, texts: Texts) -> list[Case]:
    rng = random.Random(SEED * 100 + fi)
    group = GROUP[fam]
    layouts = LAYOUTS[group]
    assert len(layouts) == 25, (fam, len(layouts))
    regular = REGULAR_MARKS[:]
    rng.shuffle(regular)
    marks = [(lv, mk, note) for lv, mk, note in irregular_marks(fi)] + [(lv, mk, "") for lv, mk in regular]
    cases: list[Case] = []
    for i, ((layout, pos), (lvl, mark, mnote)) in enumerate(zip(layouts, marks)):
        c = Case(fam, True, layout, level=lvl, mark=mark, position=pos)
        base = layout.split("/")[0]
        if base in COPYNO_LAYOUTS:
            c.copy_number = f"{rng.randint(1, 400):06d}"
        if base in URGENT_LAYOUTS:
            c.urgency = rng.choice(URGENCIES)
        term = split_mark(mark)[2]
        sheetish = group == "sheet"
        if term in TITLE_FOR_TERM:
            c.title = TITLE_FOR_TERM[term][1 if sheetish else 0]
        else:
            c.title = rng.choice(SHEET_TITLES if sheetish else TITLES)
        c.org = rng.choice(ORGS)
        c.date = cn_date(rng)
        c.scope = rng.choice(SCOPES)
        c.zhusong = rng.choice(ZHUSONG)
        c.paras = rng.sample(texts.filler, 3)
        c.notes = mnote
        cases.append(c)
    for kind in UNMARKED:
        c = Case(fam, False, kind, notes=UNMARKED_NOTES[kind])
        c.org = rng.choice(ORGS)
        c.date = cn_date(rng)
        fill_unmarked(c, rng, texts, fi)
        cases.append(c)
    # layout-specific label notes
    for c in cases:
        if c.marked:
            c.notes = "; ".join(x for x in (LAYOUT_NOTES.get(c.kind.split("/")[0], ""), c.notes) if x)
    rng.shuffle(cases)
    for i, c in enumerate(cases, 1):
        c.name = f"{fam}_{i:02d}.{EXT[fam]}"
    return cases


LAYOUT_NOTES = {
    "header_only": "mark only in the sheet's printed header (left section)",
    "header_copyno": "份号 and mark only in the sheet's printed header",
    "header_and_cell": "mark in the printed header and in A1",
    "sheet2_only": "mark only at the top of the second sheet: a mark found, misplaced (README: a later sheet's top is not page 1)",
    "every_sheet": "mark at the top of every sheet",
    "cell_mark_newline_title": "mark and title in one cell, separated by a line break",
    "blank_first_row": "row 1 empty, mark in A2",
    "mark_after_title": "mark below the title row: found, misplaced",
    "label_value": "份号/密级 labels with values in the next cell at the top",
    "top_right": "mark in the top-right cell of the table width: found, misplaced",
    "mark_scope_row": "mark in A1 and 知悉范围 in D1 of the same row",
    "stacked_copyno_mark": "份号 and mark stacked in one cell (line break)",
    "merged_mark_row": "mark in a merged row A1:F1",
    "footer_every": "mark only in the footer placeholder of every slide (bottom); position judged unsure",
    "tb_every_slide": "mark in a top-left text box on every slide",
    "notes_only": "mark only in the speaker notes of slide 1: a careful officer treats the file as marked, the mark misplaced",
    "slide2_only": "mark only in a top-left text box on slide 2: found, misplaced",
    "doc_page_tb": "slide 1 is one text box holding a 公文 first page, mark on its first line",
    "tb_topright": "mark in a top-right text box of slide 1: found, misplaced",
    "group_topleft": "mark in a text box inside a group shape, top-left of slide 1",
    "tb_mark_then_title": "one text box: mark line then title line",
    "master_tb": "mark in a text box on the slide master (shown top-left on every slide), not on the slides themselves",
    "runs_split": "mark typed in several runs (level, ★, term in different fonts)",
    "softbreak_copyno": "份号 and mark in one paragraph separated by a soft line break",
    "tb_topleft_first_in_tree": "top-left text box placed first in the shape tree",
    "header": "mark only in the page header",
    "first_page_header": "mark only in the first-page header (different first page)",
    "table_label_value": "份号/密级 label cells with values beside them at the top",
    "table_layout_cell": "份号 and mark in the top-left cell of a layout table",
    "after_title": "mark after the title: found, misplaced",
    "right_aligned": "mark right-aligned above the title (top-right): found, misplaced",
    "mark_scope_same_line": "mark and 知悉范围 on one line, separated by spaces or a tab",
    "blank_lines_before": "two empty paragraphs before the mark",
    "oa_page_nav": "an OA page: navigation and receipt fields above the 公文, whose first line is the mark",
    "plain_gbk_b64_copyno": "GBK body, base64",
    "html_only": "text/html body only",
    "alternative": "multipart/alternative plain + html",
    "subject_and_body": "mark at the start of the subject and on the body's first line",
    "attach_docx_only": "mark only in the attached .docx; body only asks to read the attachment",
    "attach_xlsx_only": "mark only in the attached .xlsx; body only asks to read the attachment",
    "body_and_docx": "mark in the body and in the attached .docx",
    "plain_qp": "quoted-printable body",
    "forwarded": "forwarded mail: the 公文 with 份号 and mark below the forwarding header",
    "attach_docx_rfc2047_name": "mark only in the attached .docx whose name is RFC 2047-encoded GB2312",
}


def fill_unmarked(c: Case, rng: random.Random, texts: Texts, fi: int) -> None:
    k = c.kind
    c.extra = {}
    if k == "u_law":
        c.title = "中华人民共和国保守国家秘密法（节选）" if fi % 2 == 0 else "保守国家秘密法律法规摘编"
        start = rng.randint(0, 8)
        c.paras = texts.law[start:start + 8]
    elif k == "u_star_bullets":
        c.title = "2026年度保密工作要点"
        c.paras = ["★ " + p for p in STAR_POINTS]
    elif k == "u_empty_form":
        c.title = rng.choice(["发文稿纸", "涉密文件资料登记表", "文件审批单"])
        c.extra["form"] = [["份号", ""], ["密级", ""], ["保密期限", ""], ["知悉范围", ""], ["紧急程度", ""]]
        c.paras = ["拟稿单位：办公室　　拟稿人：王某某　　核稿人：李某某", "签发：", "标题：" + rng.choice(TITLES)]
    elif k == "u_register":
        c.title = "2026年度国家秘密载体登记台账"
        rows = []
        pool = REGULAR_MARKS[:]
        rng.shuffle(pool)
        for i in range(6):
            rows.append([str(i + 1), rng.choice(TITLES), f"示政发〔2026〕{rng.randint(1, 60)}号",
                         pool[i][1], f"{rng.randint(1, 300):06d}", str(rng.randint(1, 5)),
                         f"2026年{rng.randint(1, 11)}月{rng.randint(1, 28)}日", rng.choice(["李某", "王某", "赵某"])])
        c.extra["table"] = (["序号", "文件标题", "文号", "密级和保密期限", "份号", "份数", "接收日期", "经办人"], rows)
        c.paras = ["说明：本台账登记本单位接收的国家秘密载体，每季度清查核对一次。"]
    elif k == "u_neibu":
        c.extra["top"] = "内部资料　注意保存"
        c.title = f"{c.org}工作简报（第{rng.randint(3, 30)}期）"
        c.paras = rng.sample(texts.filler, 3)
    elif k == "u_public":
        c.title = "关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见（节选）"
        c.paras = [texts.public[0], rng.choice(texts.filler), texts.public[1]]
        c.extra["tail"] = "（此件公开发布）"
    elif k == "u_gbt9704":
        c.title = "公文格式规范培训讲义（节选）"
        c.paras = GBT9704[:]
    elif k == "u_exam":
        c.title = "关于做好2026年初中学业水平考试试卷保密工作的通知"
        c.zhusong = "各区县教育局，各考区："
        c.paras = EXAM[:]
    elif k == "u_trade":
        c.extra["top"] = "普通商密★3年" if fi % 2 == 0 else "商业秘密　注意保管"
        c.title = "示例能源集团有限公司2026年度采购价格测算表"
        c.paras = TRADE[:]
        c.extra["table"] = (["序号", "物资名称", "测算单价（元）", "数量", "备注"],
                            [[str(i + 1), n, str(rng.randint(100, 9000)), str(rng.randint(1, 50)), ""]
                             for i, n in enumerate(["变压器", "电缆", "开关柜", "断路器"])])
    elif k == "u_plain":
        c.title = rng.choice(["关于推进政务服务“一网通办”工作的通知", "关于做好2026年春季农业生产工作的意见",
                              "关于加强城市道路交通管理工作的通知"])
        c.zhusong = rng.choice(ZHUSONG)
        c.paras = rng.sample(texts.filler, 4)
    else:
        raise ValueError(k)


def data_rows(c: Case, n: int = 6):
    rng = random.Random(c.name + c.mark)
    header = ["序号", "项目名称", "责任单位", "金额（万元）", "完成时限", "备注"]
    rows = []
    for i in range(n):
        rows.append([i + 1, rng.choice(PROJECTS), rng.choice(UNITS), rng.randint(50, 5000),
                     f"2026年{rng.randint(1, 12)}月", ""])
    return header, rows


# ----------------------------------------------------------------------------------------------
# spreadsheets (openpyxl); xls and et converted by LibreOffice Calc
# ----------------------------------------------------------------------------------------------
def build_xlsx(c: Case, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for col, w in zip("ABCDEF", (8, 26, 18, 14, 14, 12)):
        ws.column_dimensions[col].width = w
    bold16 = Font(name="宋体", size=16, bold=True)
    hei = Font(name="黑体", size=14)
    wrap = Alignment(wrap_text=True, vertical="top", horizontal="left")

    def put(r: int, text: str, font=None, merge=False, align=None):
        cell = ws.cell(row=r, column=1, value=text)
        if font:
            cell.font = font
        if merge:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        if align:
            cell.alignment = align
        return cell

    def title_row(r: int, sheet=None):
        s = sheet or ws
        cell = s.cell(row=r, column=1, value=c.title)
        cell.font = bold16
        cell.alignment = Alignment(horizontal="center")
        s.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)

    def table(r: int, sheet=None):
        s = sheet or ws
        header, rows = data_rows(c)
        for j, h in enumerate(header, 1):
            s.cell(row=r, column=j, value=h).font = Font(bold=True)
        for i, row in enumerate(rows, 1):
            for j, v in enumerate(row, 1):
                s.cell(row=r + i, column=j, value=v)
        end = r + len(rows) + 2
        s.cell(row=end, column=1, value=c.scope)
        s.cell(row=end + 1, column=1, value=f"制表单位：{c.org}　　{c.date}")
        return end + 2

    def copyno_cell(r: int, label: bool):
        cell = ws.cell(row=r, column=1, value=("份号：" if label else "") + c.copy_number)
        cell.number_format = "@"

    k = c.kind
    if k in ("a1", "styled_a1"):
        cell = put(1, c.mark, hei)
        if k == "styled_a1":
            cell.font = Font(name="黑体", size=14, bold=True, color="FFC00000")
            ws.freeze_panes = "A5"
        title_row(2)
        table(4)
    elif k in ("copyno_above", "copyno_above_urgency"):
        copyno_cell(1, False)
        put(2, c.mark, hei)
        r = 3
        if k == "copyno_above_urgency":
            put(3, c.urgency, hei)
            r = 4
        title_row(r)
        table(r + 2)
    elif k == "copyno_label_urgency":
        copyno_cell(1, True)
        put(2, c.mark, hei)
        put(3, c.urgency, hei)
        title_row(4)
        table(6)
    elif k == "merged_mark_row":
        put(1, c.mark, hei, merge=True, align=Alignment(horizontal="left"))
        title_row(2)
        table(4)
    elif k in ("header_only", "header_copyno"):
        ws.oddHeader.left.text = c.mark if k == "header_only" else f"份号：{c.copy_number}\n{c.mark}"
        ws.oddHeader.left.size = 12
        ws.oddHeader.right.text = "第 &P 页"
        title_row(1)
        table(3)
    elif k == "header_and_cell":
        ws.oddHeader.left.text = c.mark
        put(1, c.mark, hei)
        title_row(2)
        table(4)
    elif k == "sheet2_only":
        ws.title = "填表说明"
        put(1, c.title + "（填表说明）", bold16)
        put(3, "1. 本表由各责任单位填报，金额单位为万元。")
        put(4, "2. 完成时限填写到月。")
        ws2 = wb.create_sheet("汇总表")
        for col, w in zip("ABCDEF", (8, 26, 18, 14, 14, 12)):
            ws2.column_dimensions[col].width = w
        ws2.cell(row=1, column=1, value=c.mark).font = hei
        title_row(2, ws2)
        table(4, ws2)
    elif k == "every_sheet":
        put(1, c.mark, hei)
        title_row(2)
        table(4)
        for name in ("分项明细", "进度安排"):
            s = wb.create_sheet(name)
            s.cell(row=1, column=1, value=c.mark).font = hei
            s.cell(row=2, column=1, value=c.title + "（" + name + "）").font = bold16
            table(4, s)
    elif k == "cell_mark_newline_title":
        put(1, c.mark + "\n" + c.title, hei, merge=True, align=wrap)
        ws.row_dimensions[1].height = 48
        table(3)
    elif k == "blank_first_row":
        ws.row_dimensions[1].height = 8
        put(2, c.mark, hei)
        title_row(3)
        table(5)
    elif k == "mark_after_title":
        title_row(1)
        put(2, c.mark, hei)
        table(4)
    elif k == "label_value":
        ws.cell(row=1, column=1, value="份号")
        ws.cell(row=1, column=2, value=c.copy_number).number_format = "@"
        ws.cell(row=2, column=1, value="密级")
        ws.cell(row=2, column=2, value=c.mark)
        title_row(3)
        table(5)
    elif k == "top_right":
        cell = ws.cell(row=1, column=6, value=c.mark)
        cell.font = hei
        cell.alignment = Alignment(horizontal="right")
        title_row(2)
        table(4)
    elif k == "mark_scope_row":
        put(1, c.mark, hei)
        ws.cell(row=1, column=4, value="知悉范围：局领导班子成员")
        title_row(2)
        table(4)
    elif k == "stacked_copyno_mark":
        cell = put(1, f"{c.copy_number}\n{c.mark}", hei, align=wrap)
        ws.row_dimensions[1].height = 40
        title_row(2)
        table(4)
    else:
        raise ValueError(k)
    _fix_props(wb)
    wb.save(path)
    _header_newlines(path)


def _header_newlines(path: Path) -> None:
    """openpyxl writes a line break in a header as _x000a_; Excel and WPS write the line feed itself."""
    import re
    import zipfile
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    changed = False
    out = []
    for info, data in items:
        if info.filename.startswith("xl/worksheets/") and b"_x000a_" in data:
            new = re.sub(rb"<oddHeader>.*?</oddHeader>", lambda m: m.group(0).replace(b"_x000a_", b"\n"), data)
            changed |= new != data
            data = new
        out.append((info, data))
    if changed:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in out:
                z.writestr(info, data)


def _fix_props(wb):
    wb.properties.creator = "办公室"
    wb.properties.created = dt.datetime(2026, 9, 1, 9, 0, 0)
    wb.properties.modified = dt.datetime(2026, 9, 1, 9, 0, 0)


def build_xlsx_unmarked(c: Case, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.column_dimensions["A"].width = 14
    for col in "BCDEFGH":
        ws.column_dimensions[col].width = 18
    r = 1
    top = c.extra.get("top")
    form = c.extra.get("form")
    if top:
        ws.cell(row=1, column=1, value=top).font = Font(name="黑体", size=14)
        r = 2
    if form:
        for label, value in form:
            ws.cell(row=r, column=1, value=label)
            ws.cell(row=r, column=2, value=value or None)
            r += 1
        r += 1
    cell = ws.cell(row=r, column=1, value=c.title)
    cell.font = Font(size=16, bold=True)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=8)
    cell.alignment = Alignment(horizontal="center")
    r += 2
    if c.zhusong:
        ws.cell(row=r, column=1, value=c.zhusong)
        r += 1
    for p in c.paras:
        cell = ws.cell(row=r, column=1, value=p)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=8)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 15 * (1 + len(p) // 60)
        r += 1
    tbl = c.extra.get("table")
    if tbl:
        r += 1
        header, rows = tbl
        for j, h in enumerate(header, 1):
            ws.cell(row=r, column=j, value=h).font = Font(bold=True)
        for row in rows:
            r += 1
            for j, v in enumerate(row, 1):
                cell = ws.cell(row=r, column=j, value=v)
                if header[j - 1] == "份号":
                    cell.number_format = "@"
        r += 1
    if c.extra.get("tail"):
        ws.cell(row=r + 1, column=1, value=c.extra["tail"])
    if c.kind == "u_register":
        ws.title = "台账"
    _fix_props(wb)
    wb.save(path)


# ----------------------------------------------------------------------------------------------
# presentations (python-pptx); ppt and dps converted by LibreOffice Impress
# ----------------------------------------------------------------------------------------------
def _pptx_prs():
    from pptx import Presentation
    prs = Presentation()
    prs.core_properties.author = "办公室"
    prs.core_properties.created = dt.datetime(2026, 9, 1, 9, 0, 0)
    prs.core_properties.modified = dt.datetime(2026, 9, 1, 9, 0, 0)
    prs.core_properties.last_modified_by = "办公室"
    return prs


def _tb(shapes, left, top, width, height, lines, size=18, font="黑体", align=None):
    from pptx.util import Inches, Pt
    tb = shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    tf = tb.text_frame
    tf.word_wrap = True
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        r = p.add_run()
        r.text = line
        r.font.size = Pt(size)
        r.font.name = font
        if align is not None:
            p.alignment = align
    return tb


def _content_slides(prs, c: Case, start_title: bool = True):
    """slide 1 title slide (title, org and date), slide 2 bullets, slide 3 table."""
    from pptx.util import Inches, Pt
    s1 = prs.slides.add_slide(prs.slide_layouts[0])
    s1.shapes.title.text = c.title
    s1.placeholders[1].text = f"{c.org}\n{c.date}"
    s2 = prs.slides.add_slide(prs.slide_layouts[1])
    s2.shapes.title.text = "一、主要情况"
    body = s2.placeholders[1].text_frame
    body.text = c.paras[0][:80]
    for ptxt in c.paras[1:]:
        body.add_paragraph().text = ptxt[:80]
    body.add_paragraph().text = c.scope
    s3 = prs.slides.add_slide(prs.slide_layouts[5])
    s3.shapes.title.text = "二、项目安排"
    header, rows = data_rows(c, 4)
    shape = s3.shapes.add_table(len(rows) + 1, len(header), Inches(0.5), Inches(1.6), Inches(9), Inches(3))
    t = shape.table
    for j, h in enumerate(header):
        t.cell(0, j).text = h
    for i, row in enumerate(rows, 1):
        for j, v in enumerate(row):
            t.cell(i, j).text = str(v)
    for row in t.rows:
        for cell in row.cells:
            for p in cell.text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(12)
    return [s1, s2, s3]


def _to_front(slide, shape):
    sp = shape._element
    tree = slide.shapes._spTree
    tree.remove(sp)
    tree.insert(2, sp)


def _add_footer(slide, text):
    from pptx.enum.shapes import PP_PLACEHOLDER
    for ph in slide.slide_layout.placeholders:
        if ph.placeholder_format.type == PP_PLACEHOLDER.FOOTER:
            el = copy.deepcopy(ph._element)
            slide.shapes._spTree.append(el)
            break
    for shp in slide.placeholders:
        if shp.placeholder_format.type == PP_PLACEHOLDER.FOOTER:
            shp.text_frame.text = text
            return
    raise RuntimeError("no footer placeholder")


def build_pptx(c: Case, path: Path) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    prs = _pptx_prs()
    k = c.kind
    if k == "doc_page_tb":
        s1 = prs.slides.add_slide(prs.slide_layouts[6])
        _tb(s1.shapes, 0.5, 0.3, 9, 6.8, [c.mark, c.title, c.zhusong] + [p[:70] for p in c.paras[:2]] + [c.scope],
            size=14, font="仿宋_GB2312")
        s2 = prs.slides.add_slide(prs.slide_layouts[1])
        s2.shapes.title.text = "附：项目安排"
        s2.placeholders[1].text_frame.text = c.paras[2][:80]
    else:
        slides = _content_slides(prs, c)
        s1 = slides[0]
        if k == "tb_topleft":
            _tb(s1.shapes, 0.3, 0.2, 3.5, 0.6, [c.mark])
        elif k == "tb_topleft_first_in_tree":
            tb = _tb(s1.shapes, 0.3, 0.2, 3.5, 0.6, [c.mark])
            _to_front(s1, tb)
        elif k == "tb_copyno":
            _tb(s1.shapes, 0.3, 0.2, 3.5, 1.0, [c.copy_number, c.mark])
        elif k == "tb_copyno_label_urgency":
            _tb(s1.shapes, 0.3, 0.15, 3.5, 1.3, [f"份号：{c.copy_number}", c.mark, c.urgency])
        elif k == "footer_every":
            for s in slides:
                _add_footer(s, c.mark)
        elif k == "tb_every_slide":
            for s in slides:
                _tb(s.shapes, 0.3, 0.1, 3.5, 0.5, [c.mark], size=14)
        elif k == "notes_only":
            s1.notes_slide.notes_text_frame.text = (
                f"{c.mark}\n讲解要点：先介绍总体情况，再逐项说明项目安排和资金来源。\n{c.scope}")
        elif k == "slide2_only":
            _tb(slides[1].shapes, 0.3, 0.1, 3.5, 0.5, [c.mark], size=16)
        elif k == "tb_topright":
            _tb(s1.shapes, 6.2, 0.2, 3.5, 0.6, [c.mark], align=PP_ALIGN.RIGHT)
        elif k == "group_topleft":
            grp = s1.shapes.add_group_shape()
            rect = grp.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(0.2), Inches(0.1), Inches(0.3), Inches(0.6))
            rect.fill.solid()
            rect.fill.fore_color.rgb = RGBColor(0xC0, 0, 0)
            _tb(grp.shapes, 0.6, 0.15, 3.2, 0.6, [c.mark])
        elif k == "tb_mark_then_title":
            _tb(s1.shapes, 0.3, 0.2, 6, 1.2, [c.mark, c.title[:24]], size=16)
        elif k == "master_tb":
            tb = _tb(s1.shapes, 0.3, 0.1, 3.5, 0.5, [c.mark], size=14)
            el = tb._element
            s1.shapes._spTree.remove(el)
            el.nvSpPr.cNvPr.set("id", "9001")
            el.nvSpPr.cNvPr.set("name", "密级标志")
            prs.slide_master.shapes._spTree.append(el)
        elif k == "runs_split":
            tb = s1.shapes.add_textbox(Inches(0.3), Inches(0.2), Inches(3.5), Inches(0.6))
            p = tb.text_frame.paragraphs[0]
            lvl, sym, term = split_mark(c.mark)
            for text, font, bold, red in ((lvl, "黑体", True, True), (sym, "宋体", False, True),
                                          (term, "黑体", True, False)):
                if not text:
                    continue
                r = p.add_run()
                r.text = text
                r.font.name = font
                r.font.size = Pt(18)
                r.font.bold = bold
                if red:
                    r.font.color.rgb = RGBColor(0xC0, 0, 0)
        elif k == "softbreak_copyno":
            tb = s1.shapes.add_textbox(Inches(0.3), Inches(0.2), Inches(3.5), Inches(1.0))
            tb.text_frame.text = f"{c.copy_number}\v{c.mark}"
        else:
            raise ValueError(k)
    prs.save(path)


def build_pptx_unmarked(c: Case, path: Path) -> None:
    from pptx.util import Inches, Pt
    prs = _pptx_prs()
    s1 = prs.slides.add_slide(prs.slide_layouts[0])
    s1.shapes.title.text = c.title
    s1.placeholders[1].text = f"{c.org}\n{c.date}"
    if c.extra.get("top"):
        _tb(s1.shapes, 0.3, 0.2, 4, 0.6, [c.extra["top"]])
    form = c.extra.get("form")
    if form:
        s = prs.slides.add_slide(prs.slide_layouts[5])
        s.shapes.title.text = c.title
        shape = s.shapes.add_table(len(form), 2, Inches(1), Inches(1.6), Inches(8), Inches(3))
        for i, (label, value) in enumerate(form):
            shape.table.cell(i, 0).text = label
            shape.table.cell(i, 1).text = value
    s2 = prs.slides.add_slide(prs.slide_layouts[1])
    s2.shapes.title.text = "主要内容" if not c.zhusong else c.zhusong.rstrip("：")
    tf = s2.placeholders[1].text_frame
    tf.text = c.paras[0]
    for ptxt in c.paras[1:]:
        tf.add_paragraph().text = ptxt
    for p in tf.paragraphs:
        for r in p.runs:
            r.font.size = Pt(14)
    tbl = c.extra.get("table")
    if tbl:
        header, rows = tbl
        s3 = prs.slides.add_slide(prs.slide_layouts[5])
        s3.shapes.title.text = c.title
        shape = s3.shapes.add_table(len(rows) + 1, len(header), Inches(0.3), Inches(1.5), Inches(9.4), Inches(4))
        for j, h in enumerate(header):
            shape.table.cell(0, j).text = h
        for i, row in enumerate(rows, 1):
            for j, v in enumerate(row):
                shape.table.cell(i, j).text = str(v)
        for row in shape.table.rows:
            for cell in row.cells:
                for p in cell.text_frame.paragraphs:
                    for r in p.runs:
                        r.font.size = Pt(10)
    if c.extra.get("tail"):
        _tb(s2.shapes, 0.5, 6.6, 6, 0.5, [c.extra["tail"]], size=12)
    if c.kind == "u_gbt9704":
        s2.notes_slide.notes_text_frame.text = "讲解时提示：密级和保密期限之间用★隔开，保密期限用阿拉伯数字。"
    prs.save(path)


# ----------------------------------------------------------------------------------------------
# Word documents (python-docx): RTF via LibreOffice Writer, and mail attachments
# ----------------------------------------------------------------------------------------------
def _docx_base():
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt
    doc = Document()
    st = doc.styles["Normal"]
    st.font.name = "Times New Roman"
    st.font.size = Pt(16)
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    cp = doc.core_properties
    cp.author = "办公室"
    cp.last_modified_by = "办公室"
    cp.created = dt.datetime(2026, 9, 1, 9, 0, 0)
    cp.modified = dt.datetime(2026, 9, 1, 9, 0, 0)
    cp.revision = 1
    return doc


def _run_font(run, name):
    from docx.oxml.ns import qn
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(container, text="", font=None, align=None, bold=False, size=None):
    from docx.shared import Pt
    p = container.add_paragraph()
    if text:
        r = p.add_run(text)
        if font:
            _run_font(r, font)
        r.bold = bold
        if size:
            r.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    return p


def _docx_body(doc, c: Case, with_title=True):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    if with_title:
        _para(doc, c.title, "方正小标宋简体", WD_ALIGN_PARAGRAPH.CENTER, size=22)
    _para(doc, c.zhusong)
    for p in c.paras:
        _para(doc, p)
    _para(doc, c.org, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, c.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, c.scope)
    _para(doc, f"{c.org}　　{c.date}印发")


def build_docx(c: Case, path: Path, layout: str | None = None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    doc = _docx_base()
    k = layout or c.kind
    hei = "黑体"
    if k == "plain":
        _para(doc, c.mark, hei)
        _docx_body(doc, c)
    elif k == "copyno_above":
        _para(doc, c.copy_number, hei)
        _para(doc, c.mark, hei)
        _docx_body(doc, c)
    elif k == "copyno_label_urgency":
        _para(doc, f"份号：{c.copy_number}", hei)
        _para(doc, c.mark, hei)
        _para(doc, c.urgency, hei)
        _docx_body(doc, c)
    elif k == "runs_split":
        p = doc.add_paragraph()
        lvl, sym, term = split_mark(c.mark)
        for text, font in ((lvl, "黑体"), (sym, "宋体"), (term, "黑体")):
            if text:
                r = p.add_run(text)
                _run_font(r, font)
                r.bold = font == "黑体"
        _docx_body(doc, c)
    elif k in ("header", "header_copyno"):
        sec = doc.sections[0]
        hp = sec.header.paragraphs[0]
        if k == "header_copyno":
            hp.add_run(f"份号：{c.copy_number}")
            hp = sec.header.add_paragraph()
        r = hp.add_run(c.mark)
        _run_font(r, hei)
        hp.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _docx_body(doc, c)
    elif k == "first_page_header":
        sec = doc.sections[0]
        sec.different_first_page_header_footer = True
        hp = sec.first_page_header.paragraphs[0]
        _run_font(hp.add_run(c.mark), hei)
        sec.header.paragraphs[0].add_run(c.org)
        _docx_body(doc, c)
        doc.add_page_break()
        for ptxt in c.paras:
            _para(doc, ptxt)
    elif k == "table_label_value":
        t = doc.add_table(rows=2, cols=4)
        t.style = "Table Grid"
        vals = [["份号", c.copy_number, "签发人", "张某某"], ["密级", c.mark, "紧急程度", "平件"]]
        for i, row in enumerate(vals):
            for j, v in enumerate(row):
                t.cell(i, j).text = v
        _docx_body(doc, c)
    elif k == "table_layout_cell":
        t = doc.add_table(rows=1, cols=3)
        t.cell(0, 0).text = c.copy_number
        t.cell(0, 0).add_paragraph(c.mark)
        t.cell(0, 2).text = f"示政办发〔2026〕{random.Random(c.name).randint(1, 90)}号"
        _docx_body(doc, c)
    elif k == "after_title":
        from docx.enum.text import WD_ALIGN_PARAGRAPH as A
        _para(doc, c.title, "方正小标宋简体", A.CENTER, size=22)
        _para(doc, c.mark, hei)
        _docx_body(doc, c, with_title=False)
    elif k == "right_aligned":
        _para(doc, c.mark, hei, WD_ALIGN_PARAGRAPH.RIGHT)
        _docx_body(doc, c)
    elif k == "mark_scope_same_line":
        sep = "　　" if random.Random(c.name).random() < 0.5 else "\t"
        _para(doc, f"{c.mark}{sep}{c.scope if c.scope.startswith('知悉') else '知悉范围：局领导班子成员'}", hei)
        _docx_body(doc, c)
    elif k == "blank_lines_before":
        _para(doc)
        _para(doc)
        _para(doc, c.mark, hei)
        _docx_body(doc, c)
    elif k == "softbreak_copyno":
        p = doc.add_paragraph()
        r = p.add_run(c.copy_number)
        _run_font(r, hei)
        r.add_break()
        r2 = p.add_run(c.mark)
        _run_font(r2, hei)
        _docx_body(doc, c)
    else:
        raise ValueError(k)
    doc.save(path)


def build_docx_unmarked(c: Case, path: Path) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    doc = _docx_base()
    if c.extra.get("top"):
        _para(doc, c.extra["top"], "黑体")
    form = c.extra.get("form")
    if form:
        _para(doc, c.title, "方正小标宋简体", WD_ALIGN_PARAGRAPH.CENTER, size=22)
        t = doc.add_table(rows=len(form), cols=2)
        t.style = "Table Grid"
        for i, (label, value) in enumerate(form):
            t.cell(i, 0).text = label
            t.cell(i, 1).text = value
    else:
        _para(doc, c.title, "方正小标宋简体", WD_ALIGN_PARAGRAPH.CENTER, size=22)
    if c.zhusong:
        _para(doc, c.zhusong)
    for p in c.paras:
        _para(doc, p)
    tbl = c.extra.get("table")
    if tbl:
        header, rows = tbl
        t = doc.add_table(rows=len(rows) + 1, cols=len(header))
        t.style = "Table Grid"
        for j, h in enumerate(header):
            t.cell(0, j).text = h
        for i, row in enumerate(rows, 1):
            for j, v in enumerate(row):
                t.cell(i, j).text = str(v)
    if c.kind in ("u_exam", "u_plain", "u_public"):
        _para(doc, c.org, align=WD_ALIGN_PARAGRAPH.RIGHT)
        _para(doc, c.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if c.extra.get("tail"):
        _para(doc, c.extra["tail"])
    doc.save(path)


# ----------------------------------------------------------------------------------------------
# web pages, written by hand as office systems export them
# ----------------------------------------------------------------------------------------------
def esc(s: str) -> str:
    return htmlmod.escape(s, quote=False)


def html_gongwen_rest(c: Case, with_title=True) -> str:
    out = []
    if with_title:
        out.append(f'<p style="text-align:center;font-size:22pt;font-family:方正小标宋简体">{esc(c.title)}</p>')
    out.append(f"<p>{esc(c.zhusong)}</p>")
    out += [f'<p style="text-indent:2em">{esc(p)}</p>' for p in c.paras]
    out.append(f'<p style="text-align:right">{esc(c.org)}</p>')
    out.append(f'<p style="text-align:right">{esc(c.date)}</p>')
    out.append(f"<p>{esc(c.scope)}</p>")
    out.append(f'<hr><p>{esc(c.org)}　　{esc(c.date)}印发</p>')
    return "\n".join(out)


def html_body_marked(c: Case, structure: str) -> str:
    m = esc(c.mark)
    cn = c.copy_number
    lvl, sym, term = split_mark(c.mark)
    if structure == "p":
        return f'<p style="font-family:黑体">{m}</p>\n' + html_gongwen_rest(c)
    if structure == "p_copyno":
        return f'<p style="font-family:黑体">{cn}</p>\n<p style="font-family:黑体">{m}</p>\n' + html_gongwen_rest(c)
    if structure == "table_rows":
        return ('<table border="0" cellpadding="2" width="100%">\n'
                f'<tr><td align="left">份号：{cn}</td></tr>\n'
                f'<tr><td align="left" style="font-family:黑体">{m}</td></tr>\n'
                f'<tr><td align="center" style="font-size:22pt">{esc(c.title)}</td></tr>\n</table>\n'
                + html_gongwen_rest(c, with_title=False))
    if structure == "table_label_value":
        return ('<table border="1" cellspacing="0" width="100%">\n'
                f'<tr><td width="15%">份号</td><td width="35%">{cn}</td><td width="15%">签发人</td><td>张某某</td></tr>\n'
                f'<tr><td>密级</td><td>{m}</td><td>紧急程度</td><td>平件</td></tr>\n</table>\n'
                + html_gongwen_rest(c))
    if structure == "div_left":
        return (f'<div style="text-align:left;font-family:黑体;font-size:16pt">{m}</div>\n'
                + html_gongwen_rest(c))
    if structure == "word_html":
        spans = (f"<span style='font-size:16.0pt;font-family:黑体'>{lvl}</span>"
                 f"<span style='font-size:16.0pt;font-family:宋体'>{esc(sym)}</span>")
        if term:
            spans += f"<span lang=EN-US style='font-size:16.0pt;font-family:黑体'>{esc(term)}</span>"
        out = []
        if cn:
            out.append(f"<p class=MsoNormal align=left style='text-align:left'><span lang=EN-US "
                       f"style='font-size:16.0pt;font-family:黑体'>{cn}<o:p></o:p></span></p>")
        out.append(f"<p class=MsoNormal align=left style='text-align:left'>{spans}<o:p></o:p></p>")
        out.append(f"<p class=MsoNormal align=center style='text-align:center'><span style='font-size:22.0pt;"
                   f"font-family:方正小标宋简体'>{esc(c.title)}<o:p></o:p></span></p>")
        out.append(f"<p class=MsoNormal><span style='font-size:16.0pt'>{esc(c.zhusong)}<o:p></o:p></span></p>")
        for p in c.paras:
            out.append(f"<p class=MsoNormal style='text-indent:32.0pt'><span style='font-size:16.0pt'>"
                       f"{esc(p)}<o:p></o:p></span></p>")
        out.append(f"<p class=MsoNormal align=right style='text-align:right'><span style='font-size:16.0pt'>"
                   f"{esc(c.org)}<o:p></o:p></span></p>")
        out.append(f"<p class=MsoNormal align=right style='text-align:right'><span lang=EN-US "
                   f"style='font-size:16.0pt'>{esc(c.date)}<o:p></o:p></span></p>")
        out.append(f"<p class=MsoNormal><span style='font-size:16.0pt'>{esc(c.scope)}<o:p></o:p></span></p>")
        return "<div class=WordSection1>\n" + "\n".join(out) + "\n</div>"
    if structure == "br_lines":
        lines = [cn, m] + ([c.urgency] if c.urgency else [])
        return f'<p style="font-family:黑体">{"<br>".join(lines)}</p>\n' + html_gongwen_rest(c)
    if structure == "entity_star":
        ent = m.replace("★", "&#9733;")
        return f"<p>{ent}</p>\n" + html_gongwen_rest(c)
    if structure == "font_tags_html4":
        paras = "".join(f"<P>{esc(p)}</P>\n" for p in c.paras)
        return (f'<FONT face="黑体" size=4>{m}</FONT><BR>\n<CENTER><FONT size=6>{esc(c.title)}</FONT></CENTER>\n'
                f"<P>{esc(c.zhusong)}</P>\n{paras}<P align=right>{esc(c.org)}<BR>{esc(c.date)}</P>\n"
                f"<P>{esc(c.scope)}</P>")
    if structure == "after_title":
        return (f'<p style="text-align:center;font-size:22pt">{esc(c.title)}</p>\n<p>{m}</p>\n'
                + html_gongwen_rest(c, with_title=False))
    if structure == "right_aligned":
        return f'<p align="right" style="text-align:right">{m}</p>\n' + html_gongwen_rest(c)
    if structure == "span_styled":
        return (f'<p><span style="font-family:黑体;font-size:16pt;color:#000000">{m}</span></p>\n'
                + html_gongwen_rest(c))
    if structure == "oa_page_nav":
        return ('<div class="nav">首页 | 公文管理 | 收文办理 | 保密工作 | 个人设置</div>\n'
                f'<div class="meta">来文单位：{esc(c.org)}　收文日期：{esc(c.date)}　收文编号：2026-{random.Random(c.name).randint(100, 999)}</div>\n'
                f'<div id="content">\n<p style="font-family:黑体">{m}</p>\n' + html_gongwen_rest(c) + "\n</div>")
    if structure == "nbsp_padding":
        return f"<p>&nbsp;</p>\n<p>{m}&nbsp;&nbsp;&nbsp;</p>\n" + html_gongwen_rest(c)
    raise ValueError(structure)


def html_body_unmarked(c: Case, variant: int) -> str:
    out = []
    if c.extra.get("top"):
        out.append(f'<p style="font-family:黑体">{esc(c.extra["top"])}</p>')
    out.append(f'<h2 style="text-align:center">{esc(c.title)}</h2>')
    form = c.extra.get("form")
    if form:
        if variant % 2 == 0:
            out.append('<form><table border="1">')
            for label, _ in form:
                if label == "密级":
                    out.append('<tr><td>密级</td><td><select name="mj"><option value="">请选择</option>'
                               '<option>绝密</option><option>机密</option><option>秘密</option>'
                               '<option>非密</option></select></td></tr>')
                else:
                    out.append(f'<tr><td>{label}</td><td><input type="text" name="f{len(out)}"></td></tr>')
            out.append("</table></form>")
        else:
            out.append('<table border="1">' + "".join(f"<tr><td>{lab}</td><td>&nbsp;</td></tr>" for lab, _ in form)
                       + "</table>")
    if c.zhusong:
        out.append(f"<p>{esc(c.zhusong)}</p>")
    if c.kind == "u_star_bullets" and variant % 2 == 0:
        out.append("<ul style=\"list-style:none\">" + "".join(f"<li>{esc(p)}</li>" for p in c.paras) + "</ul>")
    else:
        out += [f'<p style="text-indent:2em">{esc(p)}</p>' for p in c.paras]
    tbl = c.extra.get("table")
    if tbl:
        header, rows = tbl
        out.append('<table border="1" cellspacing="0">')
        out.append("<tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>")
        for row in rows:
            out.append("<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in row) + "</tr>")
        out.append("</table>")
    if c.kind in ("u_exam", "u_plain", "u_public"):
        out.append(f'<p style="text-align:right">{esc(c.org)}<br>{esc(c.date)}</p>')
    if c.extra.get("tail"):
        out.append(f"<p>{esc(c.extra['tail'])}</p>")
    return "\n".join(out)


ENCODINGS = {  # name: (python codec, head meta or None, bom)
    "utf8_meta5": ("utf-8", '<meta charset="utf-8">', False),
    "utf8_httpequiv": ("utf-8", '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', False),
    "gb2312_httpequiv": ("gbk", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', False),
    "gbk_no_meta": ("gbk", None, False),
    "utf8_bom_no_meta": ("utf-8", None, True),
    "gbk_meta5": ("gbk", '<meta charset="gbk">', False),
    "gb18030_httpequiv": ("gb18030", '<meta http-equiv="Content-Type" content="text/html; charset=gb18030">', False),
}
WORD_HEAD = ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"\n'
             'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">\n')


def html_page(c: Case, body: str, meta: str | None, word=False, html4=False) -> str:
    title = f"<title>{esc(c.title)}</title>"
    head_meta = (meta + "\n") if meta else ""
    if word:
        return (WORD_HEAD + "<head>\n" + head_meta + '<meta name=ProgId content=Word.Document>\n'
                '<meta name=Generator content="Microsoft Word 15">\n' + title + "\n<style>\n<!--\n"
                " p.MsoNormal {margin:0cm;text-align:justify;font-size:10.5pt;font-family:等线;}\n"
                "-->\n</style>\n</head>\n<body lang=ZH-CN style='text-justify-trim:punctuation'>\n" + body
                + "\n</body>\n</html>\n")
    if html4:
        return ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<HTML>\n<HEAD>\n' + head_meta
                + title.upper().replace("<TITLE>", "<TITLE>") + "\n</HEAD>\n<BODY bgColor=#ffffff>\n" + body
                + "\n</BODY>\n</HTML>\n")
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n' + head_meta + title + "\n"
            '<style>body{font-family:仿宋_GB2312,FangSong;font-size:16pt;width:156mm;margin:auto}</style>\n'
            "</head>\n<body>\n" + body + "\n</body>\n</html>\n")


def html_for_case(c: Case, meta: str | None, variant: int = 0) -> str:
    if c.marked:
        structure = c.kind.split("/")[0]
        body = html_body_marked(c, structure)
        return html_page(c, body, meta, word=structure == "word_html", html4=structure == "font_tags_html4")
    return html_page(c, html_body_unmarked(c, variant), meta)


def build_html(c: Case, path: Path, idx: int) -> None:
    if c.marked:
        enc = c.kind.split("/")[1]
    else:
        enc = list(ENCODINGS)[idx % len(ENCODINGS)]
        c.extra["encoding"] = enc
    codec, meta, bom = ENCODINGS[enc]
    text = html_for_case(c, meta, idx)
    data = text.encode(codec)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)


# ----------------------------------------------------------------------------------------------
# MHTML archives (email package)
# ----------------------------------------------------------------------------------------------
def tiny_png() -> bytes:
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    raw = b"\x00\xc0\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _ew(text: str, charset: str) -> str:
    """an RFC 2047 encoded word as browsers write it (=?gb2312?B?...?=)."""
    codec = "gbk" if charset == "gb2312" else charset
    return f"=?{charset}?B?" + base64.b64encode(text.encode(codec)).decode("ascii") + "?="


def build_mht(c: Case, path: Path, idx: int) -> None:
    from email import policy
    from email.mime.base import MIMEBase
    from email.mime.multipart import MIMEMultipart

    if c.marked:
        wrapper = c.kind.split("/")[1]
    else:
        wrapper = ["ie_utf8_qp", "word_gb2312_qp", "b64_utf8", "chrome_utf8_qp", "b64_gb2312",
                   "ie_gb2312_qp"][idx % 6]
        c.extra["wrapper"] = wrapper
    parts = wrapper.split("_")
    style, cs = parts[0], parts[1]
    cte = parts[2] if len(parts) > 2 else "b64"
    codec = {"utf8": "utf-8", "gb2312": "gbk"}[cs]
    cs_name = {"utf8": "utf-8", "gb2312": "gb2312"}[cs]
    if style == "chrome":
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">'
    else:
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={cs_name}">'
    html_text = html_for_case(c, meta, idx)
    raw = html_text.encode(codec)
    boundary = {"word": "----=_NextPart_01DB0F2A.6C3E8B20", "ie": "----=_NextPart_000_0000_01DB0F2A.6C3E8B20",
                "chrome": "----MultipartBoundary--" + f"{zlib.crc32(c.name.encode()):08x}" * 4 + "----",
                "b64": "----=_Part_24_" + f"{zlib.crc32(c.name.encode()):010d}"}[style]
    msg = MIMEMultipart("related", boundary=boundary)
    msg.set_param("type", "text/html")
    base = "file:///C:/Users/office/Desktop/" + f"{c.name[:-4]}"
    if style == "word":
        msg.preamble = ("This document is a Single File Web Page, also known as a Web Archive file.  If you are "
                        "seeing this message, your browser or editor doesn't support Web Archive files.  Please "
                        "download a browser that supports Web Archive, such as Windows Internet Explorer.")
    elif style == "ie":
        msg["From"] = _ew("<由 Windows Internet Explorer 8 保存>", "gb2312")
        msg["Subject"] = _ew(c.title, "gb2312")
        msg["Date"] = "Tue, 8 Sep 2026 10:12:30 +0800"
        msg["X-MimeOLE"] = "Produced By Microsoft MimeOLE V6.1.7601.17609"
    elif style == "chrome":
        msg["From"] = "<Saved by Blink>"
        msg["Snapshot-Content-Location"] = f"http://oa.example.gov.cn/gw/view?id={idx + 1000}"
        msg["Subject"] = _ew(c.title, "utf-8")
        msg["Date"] = "Tue, 8 Sep 2026 10:12:30 +0800"
    if style == "chrome":
        part = MIMEBase("text", "html")
    else:
        part = MIMEBase("text", "html", charset=cs_name)
    if cte == "qp":
        part.set_payload(quopri.encodestring(raw).decode("ascii"))
        part["Content-Transfer-Encoding"] = "quoted-printable"
    else:
        part.set_payload(base64.encodebytes(raw).decode("ascii"))
        part["Content-Transfer-Encoding"] = "base64"
    if style == "chrome":
        part["Content-ID"] = f"<frame-{zlib.crc32(c.name.encode()):08X}@mhtml.blink>"
        part["Content-Location"] = f"http://oa.example.gov.cn/gw/view?id={idx + 1000}"
    else:
        part["Content-Location"] = base + ".htm"
    msg.attach(part)
    img = MIMEBase("image", "png")
    img.set_payload(base64.encodebytes(tiny_png()).decode("ascii"))
    img["Content-Transfer-Encoding"] = "base64"
    img["Content-Location"] = (base + ".files/image001.png") if style != "chrome" else \
        "http://oa.example.gov.cn/static/logo.png"
    msg.attach(img)
    if style == "word":
        fl = MIMEBase("text", "xml", charset="utf-8")
        fl.set_payload(quopri.encodestring(
            b'<xml xmlns:o="urn:schemas-microsoft-com:office:office">\n <o:MainFile HRef="../x.htm"/>\n'
            b' <o:File HRef="image001.png"/>\n <o:File HRef="filelist.xml"/>\n</xml>').decode("ascii"))
        fl["Content-Transfer-Encoding"] = "quoted-printable"
        fl["Content-Location"] = base + ".files/filelist.xml"
        msg.attach(fl)
    crlf = style in ("word", "ie")
    pol = policy.compat32.clone(linesep="\r\n" if crlf else "\n", max_line_length=0)
    path.write_bytes(msg.as_bytes(policy=pol))


# ----------------------------------------------------------------------------------------------
# mail (EmailMessage)
# ----------------------------------------------------------------------------------------------
DOCX_CT = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX_CT = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def text_gongwen(c: Case, head: list[str]) -> str:
    lines = head + [c.title, c.zhusong] + ["　　" + p for p in c.paras] + [c.org, c.date, c.scope]
    return "\n".join(lines) + "\n"


def _mail(c: Case, subject: str, idx: int):
    from email.headerregistry import Address
    from email.message import EmailMessage
    msg = EmailMessage()
    msg["From"] = Address("办公室 王某某", addr_spec="wang@oa.example.gov.cn")
    msg["To"] = Address("李某某", addr_spec="li@oa.example.gov.cn")
    msg["Subject"] = subject
    msg["Date"] = f"Tue, {1 + idx % 28:02d} Sep 2026 09:{idx % 60:02d}:00 +0800"
    msg["Message-ID"] = f"<formats24.{c.name}@oa.example.gov.cn>"
    return msg


def _attachment_bytes(c: Case, kind: str, layout: str | None, tmp: Path) -> bytes:
    p = tmp / f"att_{c.name}.{kind}"
    if kind == "docx":
        if c.marked:
            build_docx(c, p, layout)
        else:
            build_docx_unmarked(c, p)
    else:
        if c.marked:
            c2 = copy.copy(c)
            c2.kind = layout
            build_xlsx(c2, p)
        else:
            build_xlsx_unmarked(c, p)
    return p.read_bytes()


def build_eml(c: Case, path: Path, idx: int, tmp: Path) -> None:
    k = c.kind
    placeholder = None
    if c.marked:
        att_name = f"{c.title[:30]}.docx"
        if k == "plain_utf8_8bit":
            msg = _mail(c, c.title, idx)
            msg.set_content(text_gongwen(c, [c.mark]), charset="utf-8", cte="8bit")
        elif k == "plain_gbk_b64_copyno":
            msg = _mail(c, c.title, idx)
            msg.set_content(text_gongwen(c, [c.copy_number, c.mark]), charset="gbk", cte="base64")
        elif k == "html_only":
            msg = _mail(c, c.title, idx)
            msg.set_content(html_page(c, html_body_marked(c, "p"), '<meta charset="utf-8">'), subtype="html",
                            charset="utf-8", cte="base64")
        elif k == "alternative":
            msg = _mail(c, c.title, idx)
            msg.set_content(text_gongwen(c, [c.mark]), charset="utf-8", cte="base64")
            msg.add_alternative(html_page(c, html_body_marked(c, "div_left"), None), subtype="html",
                                charset="utf-8", cte="quoted-printable")
        elif k == "subject_and_body":
            msg = _mail(c, f"{c.mark} {c.title}", idx)
            msg.set_content(text_gongwen(c, [c.mark]), charset="utf-8", cte="base64")
        elif k in ("attach_docx_only", "attach_docx_rfc2047_name", "body_and_docx"):
            msg = _mail(c, ("转发：" if k != "body_and_docx" else "") + c.title, idx)
            if k == "body_and_docx":
                msg.set_content(text_gongwen(c, [c.mark]), charset="utf-8", cte="base64")
            else:
                msg.set_content("李科长：\n　　附件请查收，请按要求办理并于本周五前反馈。\n王某某\n", charset="utf-8",
                                cte="base64")
            layout = "copyno_above" if c.copy_number else "plain"
            data = _attachment_bytes(c, "docx", layout, tmp)
            if k == "attach_docx_rfc2047_name":
                placeholder = "F24ATTACHMENT.docx"
                msg.add_attachment(data, *DOCX_CT, filename=placeholder)
                list(msg.iter_attachments())[-1].set_param("name", placeholder)
                att_name = f"{c.title[:20]}.docx"
            else:
                msg.add_attachment(data, *DOCX_CT, filename=att_name)
            c.extra["attachment"] = att_name
        elif k == "attach_xlsx_only":
            msg = _mail(c, "报送：" + c.title, idx)
            msg.set_content("各位：\n　　现将表格发给你们，请核对后回复。\n", charset="utf-8", cte="base64")
            att_name = f"{c.title[:30]}.xlsx"
            msg.add_attachment(_attachment_bytes(c, "xlsx", "copyno_above", tmp), *XLSX_CT, filename=att_name)
            c.extra["attachment"] = att_name
        elif k == "plain_qp":
            msg = _mail(c, c.title, idx)
            msg.set_content(text_gongwen(c, [c.mark]), charset="utf-8", cte="quoted-printable")
        elif k == "forwarded":
            msg = _mail(c, "转发：" + c.title, idx)
            head = ["李科长：", "　　转发市政府办公室文件，请阅处。", "", "-------- 转发的邮件 --------",
                    "发件人：\"市政府办公室\" <office@oa.example.gov.cn>", "发送日期：2026年9月8日 10:12",
                    "收件人：\"王某某\" <wang@oa.example.gov.cn>", f"主题：{c.title}", "",
                    c.copy_number, c.mark]
            msg.set_content(text_gongwen(c, head), charset="gbk", cte="base64")
        else:
            raise ValueError(k)
    else:
        msg = _mail(c, c.title, idx)
        body_lines = ([c.extra["top"]] if c.extra.get("top") else []) + [c.title]
        if c.zhusong:
            body_lines.append(c.zhusong)
        body_lines += c.paras
        if c.kind == "u_register":
            msg.set_content("各处室：\n　　附件为本季度国家秘密载体登记台账，请核对本处室登记情况，如有出入请于"
                            "11月30日前反馈。\n办公室\n", charset="utf-8", cte="base64")
            msg.add_attachment(_attachment_bytes(c, "xlsx", None, tmp), *XLSX_CT, filename="2026年第四季度台账.xlsx")
        elif c.kind == "u_gbt9704":
            msg.set_content("各位同事：\n　　公文格式培训讲义见附件，请提前阅读。\n", charset="gbk", cte="base64")
            msg.add_attachment(_attachment_bytes(c, "docx", None, tmp), *DOCX_CT, filename="公文格式培训讲义.docx")
        elif c.kind == "u_empty_form":
            msg.set_content("\n".join(body_lines) + "\n", charset="utf-8", cte="base64")
            msg.add_alternative(html_page(c, html_body_unmarked(c, idx), '<meta charset="utf-8">'),
                                subtype="html", charset="utf-8", cte="base64")
        elif c.kind == "u_plain":
            msg.set_content("\n".join(body_lines) + "\n", charset="utf-8", cte="quoted-printable")
            msg.add_attachment(_attachment_bytes(c, "docx", None, tmp), *DOCX_CT, filename=f"{c.title}.docx")
        else:
            cte = ["base64", "quoted-printable", "8bit"][idx % 3]
            cs = "gbk" if idx % 2 else "utf-8"
            msg.set_content("\n".join(body_lines) + "\n", charset=cs, cte=cte)
    for n, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"----=_Part_{n}_{zlib.crc32(c.name.encode()):010d}")
    data = msg.as_bytes()
    if placeholder:
        enc = "=?GB2312?B?" + base64.b64encode(c.extra["attachment"].encode("gb2312")).decode() + "?="
        assert data.count(placeholder.encode()) == 2, data.count(placeholder.encode())
        data = data.replace(placeholder.encode(), enc.encode())
    path.write_bytes(data)


# ----------------------------------------------------------------------------------------------
# LibreOffice conversion
# ----------------------------------------------------------------------------------------------
def convert(soffice: str, files: list[Path], target: str, outdir: Path, profile: Path) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    for i in range(0, len(files), 20):
        batch = files[i:i + 20]
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(outdir)] + [str(f) for f in batch]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
        for f in batch:
            out = outdir / (f.stem + "." + target)
            if not out.is_file():
                raise SystemExit(f"LibreOffice did not convert {f} to {target}")


# ----------------------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE)
    ap.add_argument("--corpus", type=Path, default=default_corpus())
    ap.add_argument("--soffice", default=shutil.which("soffice") or "/usr/bin/soffice")
    args = ap.parse_args()
    texts = Texts(args.corpus)
    docs = args.out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    all_cases: list[Case] = []
    with tempfile.TemporaryDirectory(prefix="formats24-") as tmpd:
        tmp = Path(tmpd)
        profile = tmp / "lo-profile"
        for fi, fam in enumerate(FAMILIES):
            cases = plan_family(fam, fi, texts)
            dest = docs / fam
            dest.mkdir(parents=True)
            src = tmp / ("src_" + fam)
            src.mkdir()
            if fam in ("xlsx", "xls", "et"):
                target = dest if fam == "xlsx" else src
                for c in cases:
                    p = target / (Path(c.name).stem + ".xlsx")
                    (build_xlsx if c.marked else build_xlsx_unmarked)(c, p)
                if fam == "xlsx":
                    # a third of them saved again by LibreOffice Calc, as Excel and WPS write them (shared
                    # strings, their own styles) rather than as openpyxl does (inline strings)
                    resave = [c for i, c in enumerate(cases) if i % 3 == 2]
                    moved = []
                    for c in resave:
                        moved.append(src / c.name)
                        shutil.move(dest / c.name, moved[-1])
                    conv = tmp / "conv_xlsx"
                    convert(args.soffice, moved, "xlsx", conv, profile)
                    for c in resave:
                        shutil.copyfile(conv / c.name, dest / c.name)
                        c.notes = "; ".join(x for x in (c.notes, "saved again by LibreOffice Calc") if x)
                else:
                    conv = tmp / ("conv_" + fam)
                    convert(args.soffice, sorted(src.glob("*.xlsx")), "xls", conv, profile)
                    for c in cases:
                        shutil.copyfile(conv / (Path(c.name).stem + ".xls"), dest / c.name)
            elif fam in ("pptx", "ppt", "dps"):
                target = dest if fam == "pptx" else src
                for c in cases:
                    p = target / (Path(c.name).stem + ".pptx")
                    (build_pptx if c.marked else build_pptx_unmarked)(c, p)
                if fam != "pptx":
                    conv = tmp / ("conv_" + fam)
                    convert(args.soffice, sorted(src.glob("*.pptx")), "ppt", conv, profile)
                    for c in cases:
                        shutil.copyfile(conv / (Path(c.name).stem + ".ppt"), dest / c.name)
            elif fam == "rtf":
                for c in cases:
                    p = src / (Path(c.name).stem + ".docx")
                    if c.marked:
                        build_docx(c, p)
                    else:
                        build_docx_unmarked(c, p)
                conv = tmp / "conv_rtf"
                convert(args.soffice, sorted(src.glob("*.docx")), "rtf", conv, profile)
                for c in cases:
                    shutil.copyfile(conv / c.name, dest / c.name)
            elif fam == "html":
                for i, c in enumerate(cases):
                    build_html(c, dest / c.name, i)
            elif fam == "mht":
                for i, c in enumerate(cases):
                    build_mht(c, dest / c.name, i)
            elif fam == "eml":
                for i, c in enumerate(cases):
                    build_eml(c, dest / c.name, i, tmp)
            all_cases += cases
            print(f"{fam}: {sum(c.marked for c in cases)} marked, {sum(not c.marked for c in cases)} unmarked",
                  file=sys.stderr)
    write_labels(args.out / "labels.tsv", all_cases)
    return 0


def write_labels(path: Path, cases: list[Case]) -> None:
    cols = ["file", "format", "marked", "level", "mark", "copy_number", "position_finding", "layout", "notes"]
    lines = ["\t".join(cols)]
    for c in sorted(cases, key=lambda c: (FAMILIES.index(c.family), c.name)):
        notes = c.notes
        if c.extra.get("attachment"):
            notes = (notes + f"; attachment: {c.extra['attachment']}").strip("; ")
        if c.family == "html" and not c.marked:
            notes += f"; encoding {c.extra['encoding']}"
        if c.family == "mht" and not c.marked:
            notes += f"; wrapper {c.extra['wrapper']}"
        row = [f"{c.family}/{c.name}", c.family, "yes" if c.marked else "no", c.level, c.mark, c.copy_number,
               c.position if c.marked else "", c.kind, notes.replace("\t", " ")]
        lines.append("\t".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
