"""The one decision of a document's title (the report's ``title``, which the ledger, the lists,
the review app and the API all show).

Only the text before a document it holds (``MarkSet.attached``) is looked at.

1. The 公文 title in the GB/T 9704 form (``示例市人民政府关于…的通知``) among the first lines of
   the text (not a list's entry), also when it wraps onto two or three lines; never the
   发文机关标志 (``…文件``), the 文号, the mark or the other header fields.
2. Else the first heading: the first short centred line that is none of those (nor the issuer's
   name the 落款 repeats).
3. Else the document's own title property, only when it is real text (a .wps or .doc file's
   property read in the wrong code page is junk, and never shown) and not a file's name (what a
   printer driver writes: ``通知.docx``).
4. Else, where the text says nothing of alignment (PDF, plain text), its first short line below
   the 版头 that reads as a heading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from markers import Block, MarkSet, fields
from markers.lines import parse_mark_line
from markers.normalize import compact
from scanner.document import Document

HEAD_BLOCKS = 20  # the 公文 title stands among the first lines of the text
HEADING_BLOCKS = 40  # a heading among the first lines
TITLE_MIN, TITLE_MAX = 4, 60  # a heading's length (the 公文 title may be longer)
WRAP = 3  # lines a 公文 title may wrap onto
TEXT_REGIONS = ("top", "body")
ISSUER_FLAG = re.compile(r"^.{2,40}文件$")  # 示例市人民政府文件
# An organisation's name standing alone (a letterhead without 文件): 某市水利局, 某有限公司
ORGANISATION = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,30}(?:公司|集团|局|厅|委员会|办公室|办公厅|政府|中心|研究院|研究所"
    r"|设计院|医院|学校|中学|小学|大学|学院|管理处|管理站|支队|大队|总队|分局|海关|银行)$")
FIELD_WORDS = ("签发人", "份号", "密级", "保密期限", "紧急程度", "抄送", "发文字号")


# The text of a slide master or layout (scanner.extract.slides.MASTER) shows on every slide: the
# deck's furniture (an organisation's name, a mark), never its title.
MASTER_TEXT = "母版"


def document_title(doc: Document, marks: MarkSet) -> str | None:
    """The title of ``doc`` (see the module's note); None when it has none."""
    skip = {m.location for m in marks.markings} | {f.location for f in marks.lead}
    text = [b for b in doc.blocks if b.region in TEXT_REGIONS and b.text.strip()
            and b.location not in skip and not b.location.startswith(MASTER_TEXT)]
    if marks.attached is not None and any(b.order < marks.attached for b in text):
        # a document held after the text (a compilation's parts, what a 转发 forwards): its
        # title is its own
        text = [b for b in text if b.order < marks.attached]
    return (gongwen_title(text) or first_heading(text)
            or property_title(doc.meta.get("title")) or first_line(text))


# a forwarded mail's 主题 line: the subject is the title, not its label
SUBJECT_LABEL = re.compile(r"^\s*(?:主\s*题|subject)\s*[:：]\s*", re.IGNORECASE)


def _clean(text: str) -> str:
    """One line: a 主题 label dropped, spaces next to Chinese text (a PDF's) removed, others one."""
    return WIDE_SPACE.sub("", " ".join(SUBJECT_LABEL.sub("", text).split()))


WIDE_SPACE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")


def gongwen_title(blocks: Sequence[Block]) -> str | None:
    """A ``…关于…的通知`` title among the first lines: one line, or a line holding ``关于`` (or
    the issuer's name before it) joined with the next one or two."""
    head = list(blocks[:HEAD_BLOCKS])
    for i, block in enumerate(head):
        line = _clean(block.text)
        if LIST_ITEM.match(line) or line.count("|") + line.count("｜") >= 2:
            continue  # a list's entry (a 目录's) or a register's row names another document
        if _is_title(line):
            return line
        if _header_line(line) or not _title_start(line):
            continue
        if "关于" not in line and i + 1 < len(head) and _is_title(_clean(head[i + 1].text)):
            continue  # an office's name above a whole title (a letterhead): not part of it
        joined = line
        for nxt in head[i + 1:i + WRAP]:
            part = _clean(nxt.text)
            if _header_line(part) or LIST_ITEM.match(part):
                break
            joined = _join(joined, part)
            if _is_title(joined) and "关于" in joined:
                return joined
    return None


# an item of a list (a 目录's entries): never a title's second line
LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}\s*[.．、)）]|[（(][一二三四五六七八九十\d]{1,3}[)）]"
                       r"|[一二三四五六七八九十]{1,3}、)")
ISSUER_NAME = re.compile(r"^[\u4e00-\u9fff]{2,30}$")  # 示例市人民政府 (no figure, no mark)
CONTENTS = ("目录", "目次")


def _title_start(line: str) -> bool:
    """Whether a title may start on ``line`` and wrap onto the next: it holds 关于, or is an
    issuer's name standing before it (no figure: not a date or a 目录 entry; not 目录)."""
    text = compact(line).text
    if fields.scope(line) is not None:
        return False  # 知悉范围, 此件发至…: the scope, never a title's first line
    return "关于" in text or (ISSUER_NAME.match(text) is not None and text not in CONTENTS)


# a note after a title: （征求意见稿）, （虚构示例）
NOTE = re.compile(r"[（(][^（）()]{1,20}[）)]$")


def _is_title(line: str) -> bool:
    """A 公文 title, a note in brackets after it or not."""
    return fields.gongwen_title(line) or fields.gongwen_title(NOTE.sub("", line))


def _join(a: str, b: str) -> str:
    """Two lines of one title: no space between Chinese characters."""
    if a and b and a[-1].isascii() and b[0].isascii():
        return f"{a} {b}"
    return a + b


def _header_line(line: str) -> bool:
    """A line of the 版头 or the header fields, never part of a title: the 发文机关标志, a 文号,
    a mark, a 份号, 紧急程度, a date, a field label."""
    text = compact(line).text
    if not text:
        return True
    if ISSUER_FLAG.match(NOTE.sub("", text)) and "关于" not in text:
        return True
    if fields.doc_number(text) is not None and len(text) <= 30:
        return True
    if parse_mark_line(text) is not None or fields.copy_number(text) is not None:
        return True
    if fields.urgency(text) is not None or fields.date_line(text) is not None:
        return True
    return any(w in text for w in FIELD_WORDS) or text.endswith(("：", ":"))


SIGNATURE_BLOCKS = 4  # the 落款 (the issuer's name, the date) stands among the last lines


def first_heading(blocks: Sequence[Block]) -> str | None:
    """The first short centred line that is not a header line nor the issuer's name (the name
    the 落款 at the end repeats, 机密 in it or not)."""
    tail = max(len(blocks) - SIGNATURE_BLOCKS, 0)
    for i, block in enumerate(blocks[:HEADING_BLOCKS]):
        line = _clean(block.text)
        if (block.align == "center" and TITLE_MIN <= len(line) <= TITLE_MAX
                and not _header_line(line) and real_text(line)
                and not _signed(compact(line).text, blocks[max(tail, i + 1):])):
            return line
    return None


FIRST_LINES = 5  # lines below the 版头 where an unaligned heading may stand
LETTERHEAD_BLOCKS = 3  # a letterhead's name stands among the first lines
LINE_TITLE_MAX = 40


def _letterhead(line: str) -> bool:
    """An office's or company's name alone (a letterhead without 文件, 信函格式): no heading."""
    text = compact(line).text
    return ORGANISATION.match(text) is not None and not any(w in text for w in ("关于", "的"))


def first_line(blocks: Sequence[Block]) -> str | None:
    """Where the text says nothing of alignment (PDF, plain text): the first short line below
    the 版头 (and a letterhead's name) that reads as a heading (no sentence punctuation at its
    end)."""
    if any(b.align is not None for b in blocks):
        return None
    tail = max(len(blocks) - SIGNATURE_BLOCKS, 0)
    seen = 0
    for i, block in enumerate(blocks[:HEADING_BLOCKS]):
        line = _clean(block.text)
        if _header_line(line) or (i < LETTERHEAD_BLOCKS and _letterhead(line)):
            continue
        seen += 1
        if seen > FIRST_LINES:
            return None
        if (TITLE_MIN <= len(compact(line).text) <= LINE_TITLE_MAX and real_text(line)
                and not line.endswith(("。", "，", "；", "、", ".", ",", ";"))
                and not _signed(compact(line).text, blocks[max(tail, i + 1):])):
            return line
    return None


def _signed(text: str, tail: Sequence[Block]) -> bool:
    """Whether ``text`` is the name a later line of the 落款 repeats."""
    return any(compact(b.text).text == text for b in tail)


def real_text(value: str) -> bool:
    """Whether ``value`` reads as text: printable, no replacement or private-use characters, and
    mostly letters (Chinese or Latin) and digits."""
    if not value or not value.isprintable() or "\ufffd" in value:
        return False
    letters = 0
    for ch in value:
        kind = unicodedata.category(ch)
        if kind in ("Co", "Cn", "Cs", "Cc", "Cf"):
            return False
        if kind[0] in "LN":
            letters += 1
    return letters >= 2 and letters >= 0.6 * len(value.replace(" ", ""))


def property_title(value: str | None) -> str | None:
    """The title property, when it is real text."""
    if value is None:
        return None
    line = _clean(value)
    if (len(line) > 200 or not real_text(line) or _latin_junk(line) or _header_line(line)
            or FILE_NAME.search(line)):
        return None
    return line


# a property that is a file's name (``通知.docx``, ``Microsoft Word - 通知.doc``: what a printer
# driver or a converter writes) names the file, not the document; often it is a Chinese name read
# in the wrong code page as well (``°ú DOCX ⁄c (2).docx``)
FILE_NAME = re.compile(r"\.(?:docx?|docm|dotx?|wps|wpt|pdf|ofd|rtf|txt|xlsx?|et|pptx?|dps|html?)$",
                       re.IGNORECASE)


def _latin_junk(line: str) -> bool:
    """Chinese read in a Latin code page (``ÊÂÀý``): letters from Latin-1's upper half with no
    Chinese character at all."""
    high = sum(1 for ch in line if "\u00c0" <= ch <= "\u00ff")
    return high >= 2 and high >= 0.3 * len(line) and not any("\u4e00" <= ch <= "\u9fff"
                                                            for ch in line)
