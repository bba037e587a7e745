"""How a document is laid out, as an officer reads it: its title, its section headings, its
paragraphs and table rows, and what kind of text it is.

An officer reads the title (and the headings above a paragraph) as the subject of what follows:
in 关于某变电站安全防护方案的报告 the paragraph that lists 监控点位 is about that substation's
protection. :class:`Layout` gives each paragraph the spans of its *subject*: the title zone, the
headings of the sections it stands in (一、 → （一） → 1. → （1）, 第X章/节) and, for a table row,
the table's header row. :mod:`rules.conditions` reads an item within one paragraph (or a window of
one section) together with its subject.

:func:`genre` tells texts that are not live matters from their structure and opening: statutes
and regulations (articles 第N条 and 本条例/本办法), standards (本标准规定了…, 规范性引用文件),
tender and procurement notices, job adverts, published news, textbooks and exam questions.
:func:`named_as` tells speeches, study notes and training material by what their title calls
them (…学习体会, 在…会议上的讲话), not by a word somewhere in the first lines.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

TITLE_LINES = 8  # the title zone is looked for in this many first lines
TITLE_MAX = 60  # a title line is at most this long
HEADING_MAX = 40  # the part of a paragraph taken as its heading
HEADING = re.compile(
    r"^(?:(?P<l0>第[一二三四五六七八九十百零〇\d]+[章部篇])|(?P<l1>第[一二三四五六七八九十百零〇\d]+节)"
    r"|(?P<l2>[一二三四五六七八九十]+[、.])|(?P<l3>[(（][一二三四五六七八九十]+[)）])"
    r"|(?P<l4>\d{1,2}[.、](?!\d))|(?P<l5>[(（]\d{1,2}[)）]))")
SENTENCE_END = "。！？；!?;"


@dataclass(frozen=True)
class Layout:
    """Paragraph starts of a match text and, for each paragraph, its section and the spans of
    its subject (title zone, headings above it, its table's header row)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    section: tuple[int, ...]
    subject: tuple[tuple[tuple[int, int], ...], ...]
    title: tuple[int, int]
    about: frozenset[int] = frozenset()  # paragraphs that name the title's object
    heads: tuple[tuple[int, int] | None, ...] = ()  # a table row's header row, per paragraph

    def spans(self) -> set[tuple[int, int]]:
        """Every subject span of the document (title zone, headings, table header rows)."""
        return {span for spans in self.subject for span in spans}

    def head_of(self, pos: int) -> tuple[int, int] | None:
        """The header row of the table row holding ``pos`` (None outside tables)."""
        return self.heads[self.paragraph(pos)] if self.heads else None

    def paragraph(self, pos: int) -> int:
        """The index of the paragraph holding text position ``pos``."""
        return max(bisect.bisect_right(self.starts, pos) - 1, 0)

    def title_text(self, text: str) -> str:
        """The title zone's text."""
        return text[self.title[0]:self.title[1]]

    def opening(self, text: str, lines: int = 3) -> str:
        """The title zone and the first lines after it (past the 主送 line): where a text names
        what it is (讲稿：…, a sub-title 学习《…》体会)."""
        after = text[self.title[1]:].lstrip("\n").split("\n")[:lines]
        return "\n".join([self.title_text(text), *after])


def paragraph_bounds(text: str) -> tuple[list[int], list[int]]:
    """Where each paragraph of a match text begins and ends. A paragraph ending in a colon runs
    on into the next (现将…报告如下：/ the list it introduces) unless that is a heading; a table
    row is one line."""
    starts, ends = [0], []
    at = text.find("\n")
    while at >= 0:
        if text[at - 1:at] not in ("：", ":") or HEADING.match(text[at + 1:at + 16]):
            ends.append(at)
            starts.append(at + 1)
        at = text.find("\n", at + 1)
    ends.append(len(text))
    return starts, ends


def _title_zone(text: str) -> tuple[int, int]:
    """The first short lines before the body: 发文机关标志, 文号, the title (wrapped or not); it
    ends before the 主送 line (ending in a colon), a heading, a sentence or a long line."""
    end = pos = 0
    for line in text.split("\n")[:TITLE_LINES]:
        start, pos = pos, pos + len(line) + 1
        if not line:
            continue
        if len(line) > TITLE_MAX or line[-1] in SENTENCE_END or line.endswith((":", "：")) \
                or HEADING.match(line):
            break
        end = start + len(line)
    if end >= len(text.rstrip("\n")):
        return 0, 0  # all of it: a sentence or a heading alone has no title
    return 0, end


# What a title says about the document rather than its object (关于…的报告, 2026年度, 工作情况).
TITLE_FRAME = re.compile(
    r"^关于|(?:的)?(?:会议纪要|纪要|请示|报告|通知|通报|函|复函|批复|意见|方案|说明|汇报|总结|决定|"
    r"情况说明|工作总结|工作方案|实施方案|工作报告|情况报告|情况汇报)$|\d{4}年度?|\d+月|年度|"
    r"上半年|下半年|第[一二三四]季度")
FRAME_WORDS = ("工作情况", "有关情况", "有关事项", "有关工作", "工作推进", "专项工作", "相关工作",
               "情况报告", "会议纪要", "专题会议", "工作会议", "推进情况", "落实情况", "开展情况",
               "进展情况", "实施情况", "运行情况", "管理工作", "工作方案", "实施方案", "评估情况")
NAME_LEN = 4  # characters of the title a paragraph must repeat to name its object


def _object_names(title: str) -> set[str]:
    """Runs of :data:`NAME_LEN` characters of the title's object (its frame removed)."""
    core = title.replace("\n", "")
    for _ in range(3):
        core = TITLE_FRAME.sub("", core)
    names = set()
    for part in re.split(r"[的和及与、,，《》“”()（）\s]", core):
        for i in range(len(part) - NAME_LEN + 1):
            gram = part[i:i + NAME_LEN]
            if gram not in FRAME_WORDS and not any(ch.isdigit() for ch in gram):
                names.add(gram)
    return names


def _about(text: str, title: tuple[int, int], starts: list[int], ends: list[int]
           ) -> frozenset[int]:
    """The paragraphs that name the title's object (repeat a run of its characters)."""
    names = _object_names(text[title[0]:title[1]])
    if not names:
        return frozenset()
    return frozenset(k for k, (s, e) in enumerate(zip(starts, ends, strict=True))
                     if s >= title[1] and any(n in text[s:e] for n in names))


def _heading(line: str) -> tuple[int, int] | None:
    """(level, length) of a heading at the start of ``line``: the whole line when short, else
    its first sentence (一、基本情况。该站位于… has the heading 一、基本情况)."""
    m = HEADING.match(line)
    if m is None or m.lastgroup is None:
        return None
    level = int(m.lastgroup[1])
    if len(line) <= HEADING_MAX:
        return level, len(line)
    cut = min((i for i in (line.find(c) for c in "。：:；") if i > 0), default=HEADING_MAX)
    return level, min(cut, HEADING_MAX)


def layout(text: str, is_table: Callable[[int], bool] | None = None) -> Layout:
    """The layout of a match text; ``is_table(position)`` tells whether the paragraph starting
    there is a table row (its table's first row is part of its subject)."""
    starts, ends = paragraph_bounds(text)
    tables = {k for k, s in enumerate(starts) if is_table(s)} if is_table else set()
    title = _title_zone(text)
    chain: dict[int, tuple[int, int]] = {}
    section_id = 0
    sections: list[int] = []
    subjects: list[tuple[tuple[int, int], ...]] = []
    rows = tables
    table_head: tuple[int, int] | None = None
    heads: list[tuple[int, int] | None] = []
    for k, (s, e) in enumerate(zip(starts, ends, strict=True)):
        head = _heading(text[s:e]) if s >= title[1] else None
        if head is not None:
            level, length = head
            chain = {lv: span for lv, span in chain.items() if lv < level}
            chain[level] = (s, s + length)
            section_id += 1
        if k in rows:
            if k - 1 not in rows:
                table_head = (s, e)
        else:
            table_head = None
        spans = [title] if title[1] > title[0] else []
        spans.extend(chain[lv] for lv in sorted(chain))
        if table_head is not None and table_head[0] != s:
            spans.append(table_head)
            heads.append(table_head)
        else:
            heads.append(None)
        sections.append(section_id)
        subjects.append(tuple(spans))
    return Layout(tuple(starts), tuple(ends), tuple(sections), tuple(subjects), title,
                  _about(text, title, starts, ends), tuple(heads))


# ── What kind of text it is ────────────────────────────────────────────────────────────────
ARTICLE = re.compile(r"(?:^|\n)第[一二三四五六七八九十百零〇]+条")
SELF_REFERENCE = re.compile(r"本(?:条例|办法|规定|细则|法|规则|实施细则|标准|准则)"
                            r"(?:所称|自|由|适用|规定)")
STANDARD = re.compile(r"本(?:标准|文件|部分|规范|规程)(?:规定了|适用于|给出了|确立了)"
                      r"|规范性引用文件|术语和定义|(?:^|\n)(?:GB|GB/T|CH/T|CH|SL|DL/T|SL/T)\d")
TENDER = re.compile(r"招标公告|采购公告|招标文件|比选公告|磋商公告|竞争性谈判公告|中标公告"
                    r"|中标候选人|成交公告|询价公告|投标人资格|投标截止|开标时间|招标编号"
                    r"|采购项目编号")
ADVERT = re.compile(r"招聘公告|招聘启事|招聘简章|诚聘|岗位职责|任职要求|任职资格|应聘|薪资待遇"
                    r"|者优先|报名条件|报名方式|薪酬待遇")
NEWS = re.compile(r"本报讯|新华社|新华网|人民网|[(（]记者|记者[\u4e00-\u9fff]{2,3}(?:报道|摄)"
                  r"|通讯员|据[\u4e00-\u9fff]{2,8}报道|来源[:：]|责任编辑")
EXAM = re.compile(r"思考题|练习题|习题|选择题|填空题|判断题|简答题|论述题|课后练习|本章小结"
                  r"|学习目标|教学目标|参考答案")
TENDER_TITLE = re.compile(r"(?:招标|采购|比选|磋商|询价|竞价|中标|成交)[^\n]{0,20}"
                          r"(?:公告|公示|邀请书|文件)")
ADVERT_TITLE = re.compile(r"(?:招聘|诚聘|招录|招考|选聘)[^\n]{0,20}(?:公告|启事|简章|公示|通知)?")
PUBLICITY_TITLE = re.compile(r"宣传(?:活动|月|周|日|材料|提纲|手册|册|栏|展板|品)|科普|宣讲")
# The document is itself a publication: its title publishes (关于公布…的通知, …向社会公开…) or
# it is a notice to the public (…的通告, …公告).
ANNOUNCEMENT_TITLE = re.compile(r"(?:^|\n)(?:关于)?(?:公布|向社会公开|公开发布)[^\n]{2,60}$"
                                r"|向社会(?:公开|公布|发布)|(?:通告|公告)$")
OPENING_NAMES = {"招标公告", "采购公告", "招标文件", "比选公告", "磋商公告", "竞争性谈判公告",
                 "中标公告", "中标候选人", "成交公告", "询价公告", "招聘公告", "招聘启事",
                 "招聘简章", "诚聘"}
OPTIONS = re.compile(r"A[.．、][^\n]{1,40}B[.．、][^\n]{1,40}C[.．、]")
# An item whose own terms name the kind of text is not held by it (an exam paper item by the
# exam's options, a tender item by the tender's wording).
GENRE_WORDS = {"statute": ("条例", "办法", "规定"), "standard": ("标准",),
               "tender": ("招标", "投标", "标底", "采购"), "advert": ("招聘",),
               "news": ("新闻",), "publicity": ("宣传",), "announcement": ("公告", "通告"),
               "textbook": ("试卷", "试题", "考试", "答案", "教材")}


def genre(text: str, lay: Layout) -> tuple[str, str] | None:
    """(kind, evidence) when the text is not a live matter by its structure and opening:
    ``statute``, ``standard``, ``tender``, ``advert``, ``publicity`` (a campaign for the public,
    named in the title), ``announcement`` (the title publishes: 关于公布…, …通告), ``news``,
    ``textbook``. None otherwise."""
    opening = text[:200]
    articles = ARTICLE.findall(text)
    if len(articles) >= 3 or (articles and SELF_REFERENCE.search(text)):
        return "statute", articles[0].strip() if articles else ""
    m = STANDARD.search(text[:3000])
    if m is not None:
        return "standard", m.group(0).strip()
    title = lay.title_text(text)
    for kind, pattern in (("tender", TENDER_TITLE), ("advert", ADVERT_TITLE),
                          ("publicity", PUBLICITY_TITLE), ("announcement", ANNOUNCEMENT_TITLE)):
        m = pattern.search(title)
        if m is not None:
            return kind, m.group(0)
    for kind, pattern in (("tender", TENDER), ("advert", ADVERT)):
        # named in the opening, or two different signs of the kind (岗位职责 alone is a duty)
        found = dict.fromkeys(pattern.findall(text))
        m = pattern.search(opening)
        if (m is not None and m.group(0) in OPENING_NAMES) or len(found) >= 2:
            return kind, next(iter(found))
    m = NEWS.search(text[:200])
    if m is not None:
        return "news", m.group(0)
    exam = EXAM.findall(text)
    if len(exam) >= 2 or (exam and OPTIONS.search(text)) or len(OPTIONS.findall(text)) >= 2:
        return "textbook", exam[0] if exam else "A. B. C."
    return None


def named_as(title: str, words: tuple[str, ...]) -> str | None:
    """The word of ``words`` a line of the title zone is named by (…学习体会, 讲稿：…, 在…会议上
    的讲话), if any: the genre a document names itself, not a word somewhere in its first lines."""
    for raw in title.split("\n"):
        if len(raw) > TITLE_MAX or any(c in raw[:-1] for c in "。；;！？!?"):
            continue  # a sentence, not a title or a label
        line = re.sub(r"[(（][^)）]{0,20}[)）]$", "", raw.rstrip("。 "))
        found = [w for w in words if line.endswith(w) or line.startswith((w + ":", w + "："))]
        if found:
            return max(found, key=len)
        m = re.search(r"在.{2,40}上的(?:讲话|发言|致辞)$", line)
        if m is not None:
            return m.group(0)
    return None
