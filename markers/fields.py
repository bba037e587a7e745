"""The elements that stand around a mark: 份号, 紧急程度, 知悉范围, 成文日期, 文号, 解密 stamps.

Each recogniser takes one line and returns a value or None; :mod:`markers.find` decides which
lines to ask (a 份号 only counts in the top block, a date near the end, and so on).
"""

from __future__ import annotations

import datetime as dt
import re

from markers.models import DateField
from markers.normalize import compact
from markers.terms import CN_NUM, cn_number

_COPY = re.compile(r"^(?:份号[:]?)?(\d{1,8})$")
_URGENCY = re.compile(r"^(?:紧急程度[:]?)?(特急|加急|特提|平急|急件)$")
_SCOPE_LABEL = re.compile(r"^\(?(知悉范围|阅知范围|发放范围|分发范围)[:]?(.{1,80}?)\)?[。.]?$")
_SCOPE_DIST = re.compile(r"^\(?(?:此件|本件|此文)?(发至[^。]{1,40}?)\)?[。.]?$")
_DATE_AR = re.compile(r"(\d{2,4})年(\d{1,2})月(\d{1,2})日$")
_DATE_CN = re.compile(rf"([{CN_NUM}]{{2,4}})年([{CN_NUM}]{{1,3}})月([{CN_NUM}]{{1,3}})日$")
_ISSUED = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日印发$")
_DOC_NO = re.compile(
    r"[\u4e00-\u9fffA-Za-z]{1,16}[〔\[【(（]\s*(?:\d{4}|20[\dXx]{2}|[Xx]{4})\s*[〕\]】)）]\s*"
    r"第?\s*(?:\d{1,5}|[Xx]{1,3})\s*号"
)
_NO_LABEL = re.compile(r"^(?:发文字号|發文字號|文件编号|文件編號|文号|文號|字号|字號)")
_DECLASS = re.compile(r"^\(?(已)?解密\)?(\d{4}年\d{1,2}月\d{1,2}日)?$")


def copy_number(raw: str) -> str | None:
    """The digits of a 份号 line (``000123`` or ``份号：000123``)."""
    m = _COPY.match(compact(raw).text)
    return m.group(1) if m else None


def urgency(raw: str) -> str | None:
    """特急 / 加急 when the line is just that."""
    m = _URGENCY.match(compact(raw).text)
    return m.group(1) if m else None


def scope(raw: str) -> str | None:
    """The scope of a ``知悉范围：…`` line or of distribution wording (``此件发至县团级``)."""
    text = compact(raw).text
    if len(text) > 90:
        return None
    m = _SCOPE_LABEL.match(text)
    if m:
        value = m.group(2).strip(":")
        return value or None
    m = _SCOPE_DIST.match(text)
    return m.group(1) if m else None


def date_line(raw: str) -> DateField | None:
    """A short line ending in a date (``2023年3月22日``, ``二〇二三年一月一日``)."""
    text = compact(raw).text
    if len(text) > 30 or text.endswith("印发"):
        return None
    m = _DATE_AR.search(text)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        full_year = int(y) + (2000 if len(y) == 2 else 0)
        return DateField(_date(full_year, int(mo), int(d)), text[m.start():], False, len(y) == 2,
                         mo.startswith("0") or d.startswith("0"))
    m = _DATE_CN.search(text)
    if m:
        digits = m.group(1)
        year = cn_number(digits) if "十" not in digits else None
        month, day = cn_number(m.group(2)), cn_number(m.group(3))
        when = _date(year, month, day) if year and month and day else None
        return DateField(when, text[m.start():], True, len(digits) == 2, False)
    return None


def issued_date(raw: str) -> DateField | None:
    """The date of a 版记 line ``XX办公室 2023年3月22日印发``."""
    m = _ISSUED.search(compact(raw).text)
    if not m:
        return None
    return DateField(_date(int(m.group(1)), int(m.group(2)), int(m.group(3))), m.group(0))


def doc_number(raw: str) -> str | None:
    """A 发文字号 such as ``国办发〔2023〕12号`` anywhere in a short line. A table row's cells
    (joined by tabs) are read one by one, and a label before the number (``文号``, ``发文字号``,
    in a cell of its own or without a colon) is not part of it."""
    if len(compact(raw).text) > 60:
        return None
    for cell in raw.split("\t"):
        m = _DOC_NO.search(compact(cell).text)
        if m:
            return _NO_LABEL.sub("", m.group(0))
    return None


def declass_stamp(raw: str) -> str | None:
    """A 解密 stamp line: ``解密``, ``已解密``, ``解密2024年1月1日``."""
    m = _DECLASS.match(compact(raw).text)
    return m.group(0) if m else None


def _date(y: int | None, m: int | None, d: int | None) -> dt.date | None:
    if y is None or m is None or d is None:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


GONGWEN_KINDS = ("通知|通报|请示|报告|意见|决定|批复|函|复函|纪要|公告|通告|议案|命令|令|决议|公报|"
                 "指示|方案|规定|办法")
# (a kind may take a word before it: 的指导意见, 的实施方案, 的补充通知, 的暂行办法)
_TITLE = re.compile(rf"^(?:[^，。；,;]{{0,40}}?)关于.{{2,80}}的[\u4e00-\u9fff]{{0,4}}?"
                    rf"(?:{GONGWEN_KINDS})$")
_ADDRESSEE = re.compile(r"^[^。；！？;!?]{2,80}[：:]$")
_NOT_ADDRESSEE = ("如下", "以下", "附件", "知悉范围", "密级", "保密期限", "主题词", "抄送",
                  "联系人", "题目", "作者", "姓名", "日期", "单位", "说明")


def gongwen_title(raw: str) -> bool:
    """A title in the GB/T 9704 form: ``关于…的通知`` (通报, 请示, 报告, 意见, 决定, 批复, 函…)."""
    text = compact(raw).text
    return len(text) <= 100 and _TITLE.match(text) is not None


def addressee(raw: str) -> bool:
    """A 主送机关 line: short, ending in a colon, naming bodies (``各区县卫生健康局：``), not a
    lead-in (``现将有关事项通知如下：``) or a form label."""
    text = compact(raw).text
    return _ADDRESSEE.match(text) is not None and not any(w in text for w in _NOT_ADDRESSEE)
