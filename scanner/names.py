"""The one catalogue of the names a person reads for the tool's values: a file's status and
verdict, a finding's severity and code, a reviewer's decision, reason and conclusion, and a
location inside a document (``body.p4`` → 正文第4段).

Chinese by default, English on request: every function takes ``lang`` (``zh`` or ``en``). The
review app, the HTML reports and the console use these; so should every other output that shows
such a value (ledger, summary, lists): :func:`value_name` for a status/verdict/severity/decision
value, :func:`code_name` (or :func:`code_label`, name and code) for a finding code,
:func:`place` for a location (:func:`place_range` for a span), :func:`mark_text` for a mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markers.models import LEVEL_EN
from scanner.messages import Msg

STATUS = {  # a report's status
    "ok": Msg("已检查", "checked"),
    "unreadable": Msg("无法读取", "unreadable"),
    "unsupported": Msg("不支持的格式", "unsupported"),
    "needs_ocr": Msg("需OCR识别", "needs OCR"),
    "error": Msg("出错", "error"),
}
VERDICT = {  # a report's verdict (its status when the file was not read)
    "clean": Msg("通过", "clean"),
    "warning": Msg("警告", "warning"),
    "error": Msg("错误", "error"),
    "unreadable": STATUS["unreadable"],
    "unsupported": STATUS["unsupported"],
    "needs_ocr": STATUS["needs_ocr"],
}
SEVERITY = {"error": Msg("错误", "error"), "warning": Msg("警告", "warning"),
            "info": Msg("提示", "note")}
DECISION = {  # a reviewer's decision on a finding
    "confirmed": Msg("确认", "confirmed"), "dismissed": Msg("忽略", "dismissed"),
    "open": Msg("待定", "open"), "conclusion": Msg("结论", "conclusion"),
}
REASON = {  # why a finding was dismissed
    "false_alarm": Msg("误报", "false alarm"), "accepted": Msg("接受", "accepted"),
    "not_applicable": Msg("不适用", "not applicable"),
}
CONCLUSION = {  # a file's conclusion (the value kept is the Chinese word)
    "维持": Msg("维持", "keep as marked"), "变更": Msg("变更", "change the mark"),
    "解密": Msg("解密", "declassify"), "撤销标志": Msg("撤销标志", "remove the mark"),
    "定密": Msg("定密", "classify"), "延长保密期限": Msg("延长保密期限", "extend the term"),
}
REVIEW_STATE = {"open": Msg("待审", "to review"), "reviewed": Msg("已审", "reviewed"),
                "nothing": Msg("无需审核", "nothing to review")}
ORIGIN = {"original": Msg("原始", "original"), "derived": Msg("派生", "derived")}  # 原始/派生
FORMAT = {  # a file's format, where its short name is a word (docx, pdf… are shown as they are)
    "text": Msg("文本", "text"), "image": Msg("图像", "image"), "web": Msg("网页", "web page"),
    "mht": Msg("网页归档（MHT）", "web archive (MHT)"), "-": Msg("无扩展名", "no suffix"),
}
CODES = {  # every finding code (domain.md §6 and the scanner's own)
    "MARK_NO_STAR": Msg("标志缺少★", "mark without ★"),
    "MARK_WRONG_SYMBOL": Msg("标志符号错误", "wrong symbol in the mark"),
    "MARK_SPACING": Msg("标志内有空格", "spaces in the mark"),
    "PERIOD_MISSING": Msg("未标保密期限", "no term"),
    "PERIOD_EXCEEDS_MAX": Msg("保密期限超过法定最长期限", "term above the statutory maximum"),
    "PERIOD_NOT_ARABIC": Msg("保密期限未用阿拉伯数字", "term not in Arabic digits"),
    "PERIOD_UNIT": Msg("保密期限计量单位不当", "unsuitable unit of the term"),
    "PERIOD_INVALID": Msg("保密期限无效", "invalid term"),
    "LONG_TERM_REVIEW": Msg("“长期”须核对依据", "长期 needs a basis"),
    "CONDITION_MANUAL": Msg("解密条件需人工判断", "condition to judge by hand"),
    "SCOPE_MISSING": Msg("未标知悉范围", "no scope"),
    "COPY_NO_MISSING": Msg("未标份号", "no copy number"),
    "MARK_POSITION": Msg("标志位置不当", "mark out of place"),
    "HEADER_ORDER": Msg("版头要素顺序不当", "header elements out of order"),
    "MARK_CONFLICT": Msg("密级或期限不一致", "conflicting marks"),
    "WORK_SECRET_CONFUSION": Msg("工作秘密误作密级", "work secret used as a level"),
    "DATE_FORMAT": Msg("成文日期格式不规范", "irregular document date"),
    "EXPIRED": Msg("保密期限已满", "term ended"),
    "EXPIRY_SOON": Msg("保密期限即将届满", "term ends soon"),
    "DECLASS_CONFLICT": Msg("解密标注与标志矛盾", "declassified yet marked"),
    "LEVEL_STATED_UNMARKED": Msg("文中称涉密但未标志", "declared classified, not marked"),
    "OCR_LOW_CONFIDENCE": Msg("标志识别置信度低", "mark read with low confidence"),
    "AUTHORITY_EXCEEDED": Msg("超出定密权限", "above the classification authority"),
    "NO_BASIS": Msg("定密依据不明", "no basis in the catalogue"),
    "OVER_CLASSIFIED": Msg("可能定密过高", "possibly over-classified"),
    "UNDER_CLASSIFIED": Msg("可能定密过低", "possibly under-classified"),
    "UNMARKED_MATCH": Msg("可能应定未定", "possibly should be classified"),
    "PERIOD_ABOVE_CATALOG": Msg("保密期限超过目录规定", "term above the catalogue's"),
    "PERIOD_NOT_COMPARED": Msg("保密期限未能比对", "term not compared"),
    "DERIVED_BELOW_SOURCE": Msg("派生文件低于来源", "derived below its source"),
    "DERIVED_ABOVE_SOURCE": Msg("派生文件高于来源", "derived above its sources"),
    "SOURCE_DECLASSIFIED": Msg("来源已解密或到期", "sources declassified or expired"),
}
CONTEXTS = {  # how a catalogue term occurs (a hit's terms)
    "asserted": Msg("陈述", "asserted"), "negated": Msg("否定", "negated"),
    "hypothetical": Msg("假设或规定性表述", "hypothetical or instructional"),
    "public": Msg("已公开、已决定或往事", "already public, decided or past"),
    "cited": Msg("引用的文件标题", "the title of a cited document"),
}
HELD = {  # why a catalogue hit did not count
    "context": Msg("未计入：事项词语只出现在否定、假设、已公开或引用的语境中",
                   "not counted: the item's words occur only negated, hypothetical, public or "
                   "cited"),
    "passage": Msg("未计入：事项的条件没有在同一段落内同时满足",
                   "not counted: the item's conditions do not hold within one passage"),
    "document": Msg("未计入：全文为讲稿、学习或培训材料、新闻报道，评分已降低",
                    "not counted: the text is a speech, study or training material or news; "
                    "its score was lowered"),
    "genre": Msg("未计入：全文为{kind}（{why}），不是现实的涉密事项",
                 "not counted: the text is {kind} ({why}), not a live matter"),
}
# The kinds of text that are not live matters (rules.layout.genre), named for the reader.
GENRES = {"statute": Msg("法律法规或规章", "a statute or regulation"),
          "standard": Msg("标准", "a standard"), "tender": Msg("招标采购公告", "a tender notice"),
          "advert": Msg("招聘启事", "a job advert"), "publicity": Msg("宣传材料", "publicity"),
          "announcement": Msg("公开发布的公告", "a public announcement"),
          "news": Msg("新闻报道", "news"), "textbook": Msg("教材或试题", "a textbook or exam")}


def held_text(held: str, document: str | None, lang: str) -> str:
    """Why a hit was held back, in the reader's language (a kind of text named by its name)."""
    if held == "genre":
        kind, _, why = (document or "").partition(":")
        name = GENRES[kind].text(lang) if kind in GENRES else kind
        return HELD["genre"].format(kind=name, why=why).text(lang)
    return HELD[held].text(lang) if held in HELD else held


LINKS = {  # how a derived document is linked to a source (派生关系)
    "copy": Msg("复制内容", "copied content"), "cite": Msg("引用文号或标题", "cited"),
    "cite+copy": Msg("引用并复制内容", "cited and copied"),
}
YES_NO = {"yes": Msg("是", "yes"), "no": Msg("否", "no")}
EXPIRY = {  # a document's expiry state on the declassification list (its own or inferred)
    "expired": Msg("已到期", "expired"), "due": Msg("即将到期", "due"),
    "later": Msg("未到期", "not yet due"), "none": Msg("期限不明", "end unknown"),
    "unmarked": Msg("未标密级", "unmarked"),
    # its own period ran out, but a source it is derived from is still in force: not to be
    # declassified on its own mark (派生定密 follows the source)
    "held": Msg("来源仍有效", "source still in force"),
}
INFERRED = Msg("由来源推定", "inferred from source")  # a date taken from a document's sources

TABLES = {"status": STATUS, "verdict": VERDICT, "severity": SEVERITY, "decision": DECISION,
          "reason": REASON, "conclusion": CONCLUSION, "state": REVIEW_STATE,
          "context": CONTEXTS, "held": HELD, "origin": ORIGIN, "format": FORMAT,
          "expiry": EXPIRY, "link": LINKS, "yes_no": YES_NO}


def value_name(kind: str, value: str, lang: str = "zh") -> str:
    """The name of ``value`` of the kind ``kind`` (status, verdict, severity, decision, reason,
    conclusion, state, context, held, origin, format, expiry, link, yes_no) in ``lang``; an
    unknown value as it is."""
    found = TABLES[kind].get(value)
    return found.text(lang) if found is not None else value


def mark_text(raw: str | None) -> str:
    """A mark as every list and message shows it: without spaces (a PDF's text layer invents
    them, ``秘密★5 年``; MARK_SPACING reports the real ones); none is an empty string."""
    return "".join((raw or "").split())


def level_name(level: str, lang: str = "zh") -> str:
    """A level (绝密, 机密, 秘密) in ``lang`` (TOP SECRET, SECRET, CONFIDENTIAL)."""
    return level if lang == "zh" else LEVEL_EN.get(level, level)


def code_name(code: str, lang: str = "zh") -> str:
    """A finding code's name in ``lang`` (可能应定未定); an unknown code as it is."""
    found = CODES.get(code)
    return found.text(lang) if found is not None else code


def code_labels(codes: Iterable[str], lang: str = "zh") -> str:
    """Finding codes in one cell of a list, each as :func:`code_label`, separated by ``；``
    (``; `` in English); the code stays in each, so a search or a filter by code still finds
    it."""
    return ("；" if lang == "zh" else "; ").join(code_label(c, lang) for c in codes)


def code_label(code: str, lang: str = "zh") -> str:
    """A finding code's name with the code (``可能应定未定（UNMARKED_MATCH）``), for lists a
    reader may search by code."""
    name = code_name(code, lang)
    if name == code:
        return code
    return f"{name}（{code}）" if lang == "zh" else f"{name} ({code})"


REGIONS = {
    "body": Msg("正文", "body"), "header": Msg("页眉", "header"), "footer": Msg("页脚", "footer"),
    "footnote": Msg("脚注", "footnote"), "endnote": Msg("尾注", "endnote"),
    "tb": Msg("文本框", "text box"), "textbox": Msg("文本框", "text box"),
    "table": Msg("表格", "table"), "comment": Msg("批注", "comment"),
}
KINDS = {"first": Msg("首页", "first-page "), "even": Msg("偶数页", "even-page "),
         "default": Msg("", "")}
PROPERTIES = {
    "title": Msg("标题", "title"), "subject": Msg("主题", "subject"),
    "keywords": Msg("关键词", "keywords"), "description": Msg("备注", "description"),
    "creator": Msg("作者", "author"), "author": Msg("作者", "author"),
    "category": Msg("类别", "category"), "company": Msg("单位", "company"),
    "comments": Msg("备注", "comments"), "abstract": Msg("摘要", "abstract"),
    "doctype": Msg("文档类型", "document type"),
}
_NUMBERED = re.compile(
    r"^(page|table|textbox|forwarded|p|l|r)(\d+)(?:c(\d+))?(?:-l(\d+))?$")
MAIL_SUBJECT = re.compile(r"mail\.(?:forwarded(\d+)\.)?subject")


RANGE = "–"  # between the first and the last location of a span (``body.p6–body.p7``)
PAIR = " ⇄ "  # between a passage's place here and its source's (a derived finding's evidence)
LINKED = Msg("本文件 {here} ⇄ 来源 {source} {there}", "here {here} ⇄ source {source} {there}")
THROUGH = Msg("{first}至{last}", "{first} to {last}")
PLURAL = {"paragraph": "paragraphs", "line": "lines", "row": "rows", "column": "columns",
          "page": "pages", "table": "tables", "text box": "text boxes"}
_ZH_NUMBERED = re.compile(r"^(第|表|文本框)(\d+)(段|行|列|页|)$")
_EN_NUMBERED = re.compile(r"^(\D+) (\d+)$")


def place(location: str | None, lang: str = "zh") -> str:
    """A location in words: ``body.p4`` → 正文第4段 (body, paragraph 4),
    ``header.default.p2`` → 页眉第2段, ``page1.l7`` → 第1页第7行, ``table2.r1c3`` →
    表2第1行第3列, ``props.title`` → 文档属性“标题”, ``forwarded1.l9`` → 转发的邮件1第9行,
    ``props.mail.subject`` → 邮件主题; a span ``body.p6–body.p7`` → 正文第6–7段
    (:func:`place_range`); a derived passage ``body.p7 ⇄ 来源.docx body.p8`` → 本文件 正文第7段 ⇄
    来源 来源.docx 正文第8段. A location it cannot read is shown as it is; none is an empty
    string."""
    if not location:
        return ""
    if PAIR in location:
        here, _, rest = location.partition(PAIR)
        source, _, there = rest.rpartition(" ") if " " in rest else (rest, "", "")
        return LINKED.format(here=place(here, lang), source=source,
                             there=place(there, lang)).text(lang).rstrip()
    if RANGE in location:
        first, _, last = location.partition(RANGE)
        return place_range(first, last, lang)
    words = _words(location, lang)
    if words is None:
        return location
    return "".join(words) if lang == "zh" else ", ".join(words)


def place_range(first: str | None, last: str | None, lang: str = "zh") -> str:
    """A span from one location to another in words: the same place once (``body.p6``,
    ``body.p6`` → 正文第6段), two places that differ in their last number only by that number's
    range (正文第6–7段, 第1页第6–12行; body, paragraphs 6–7; page 1, lines 6–12), any other two
    places from one to the other (第1页第40行至第2页第3行)."""
    if not last or last == first:
        return place(first, lang)
    if not first:
        return place(last, lang)
    a, b = _words(first, lang), _words(last, lang)
    if a is not None and b is not None and len(a) == len(b) and a[:-1] == b[:-1]:
        joined = _joined(a[-1], b[-1], lang)
        if joined is not None:
            words = [*a[:-1], joined]
            return "".join(words) if lang == "zh" else ", ".join(words)
    return THROUGH.format(first=place(first, lang), last=place(last, lang)).text(lang)


def _joined(a: str, b: str, lang: str) -> str | None:
    """Two numbered words of one kind as a range (第6段, 第7段 → 第6–7段; paragraph 6,
    paragraph 7 → paragraphs 6–7); None when they are of different kinds."""
    if lang == "zh":
        x, y = _ZH_NUMBERED.match(a), _ZH_NUMBERED.match(b)
        if x and y and (x.group(1), x.group(3)) == (y.group(1), y.group(3)):
            return f"{x.group(1)}{x.group(2)}{RANGE}{y.group(2)}{x.group(3)}"
        return None
    x, y = _EN_NUMBERED.match(a), _EN_NUMBERED.match(b)
    if x and y and x.group(1) == y.group(1):
        kind = x.group(1)
        return f"{PLURAL.get(kind, kind)} {x.group(2)}{RANGE}{y.group(2)}"
    return None


def _words(location: str, lang: str) -> list[str] | None:
    """A location's words (None: it cannot be read)."""
    parts = location.split(".")
    if parts[0] == "props":
        return [_property(parts[1:], location, lang)]
    words: list[str] = []
    for part in parts:
        if part in KINDS and words:  # header.first: a first-page header
            words[-1] = KINDS[part].text(lang) + words[-1]
            continue
        if part in REGIONS:
            words.append(REGIONS[part].text(lang))
            continue
        numbered = _NUMBERED.match(part)
        if numbered is None:
            return None
        words.extend(_numbered(numbered, lang))
    return words


def _numbered(found: re.Match[str], lang: str) -> list[str]:
    what, n, column, line = found.group(1), found.group(2), found.group(3), found.group(4)
    zh = lang == "zh"
    if what == "page":
        out = [f"第{n}页" if zh else f"page {n}"]
    elif what == "table":
        out = [f"表{n}" if zh else f"table {n}"]
    elif what == "textbox":
        out = [f"文本框{n}" if zh else f"text box {n}"]
    elif what == "forwarded":  # a forwarded mail's body (scanner.mail)
        out = [f"转发的邮件{n}" if zh else f"forwarded mail {n}"]
    elif what == "p":
        out = [f"第{n}段" if zh else f"paragraph {n}"]
    else:  # a line of text or a table's row
        out = [f"第{n}行" if zh else (f"row {n}" if what == "r" else f"line {n}")]
    if column:
        out.append(f"第{column}列" if zh else f"column {column}")
    if line:
        out.append(f"第{line}行" if zh else f"line {line}")
    return out


def _property(parts: list[str], location: str, lang: str) -> str:
    if not parts:
        return location
    if parts[0] == "custom" and len(parts) > 1:
        name = ".".join(parts[1:])
        return f"自定义属性“{name}”" if lang == "zh" else f"custom property “{name}”"
    key = ".".join(parts)
    mail = MAIL_SUBJECT.fullmatch(key)
    if mail is not None:  # a mail's subject, or a forwarded mail's (scanner.mail)
        n = mail.group(1)
        if n is None:
            return "邮件主题" if lang == "zh" else "the mail's subject"
        return f"转发的邮件{n}的主题" if lang == "zh" else f"the subject of forwarded mail {n}"
    known = PROPERTIES.get(key.lower())
    shown = known.text(lang) if known is not None else key
    return f"文档属性“{shown}”" if lang == "zh" else f"document property “{shown}”"
