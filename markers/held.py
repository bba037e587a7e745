"""Documents a document holds after its own text, and the document's own date.

A 转发 appends the document it forwards, a compilation (汇编) holds its parts whole, a 附件
follows the 落款: :func:`attachment_start` finds where the first held document starts (its 版头,
an 附件 heading, an issuer's line), so that the holding document's title, 文号, 份号, scope,
定密机关 and 成文日期 are read from its own text. :func:`document_date` is that 成文日期.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markers import fields
from markers.lines import parse_mark_line
from markers.models import Block, DateField, Field
from markers.normalize import compact, normalize

MAX_DENSE = 90  # every recogniser wants a short line: at most 90 non-space characters
MARKISH = re.compile(r"密|内部|內部")


# The first line of a document attached after the 落款 (a 附件 heading, a 份号, a 发文机关标志):
# with a mark line, where an attached document (the document a 转发 forwards, a 附件) starts.
ATTACHED = re.compile(r"^(?:附件[\d一二三四五六七八九十]{0,3}|\d{6}"
                      r"|(?!.*(?:关于|的))[\u4e00-\u9fff]{2,20}(?:文件|公告|通告))$")
# ``附件：title``: the 附件说明 above the 落款, or (after the 落款's date) the held document's
# heading
ATTACHED_NOTE = re.compile(r"^附件[\d一二三四五六七八九十]{0,3}[:：].{1,80}$")


OFFICE = re.compile(r"^[\u4e00-\u9fff]{2,30}$")  # an office's name before a date
BRACKETED = re.compile(r"^[（(](.+)[）)]$")
NOT_OFFICE = re.compile(r"期限|解密|截至|截止|至|前|后|日期|时间|启用")


def _dated_line(text: str, date: str) -> bool:
    """Whether ``text`` is only the date ``date`` (in brackets or not: a speech's date under its
    title), or an office's name and the date (not a term: ``保密期限至…``, ``…前``)."""
    line = BRACKETED.sub(r"\1", normalize(text))
    if line == date:
        return True
    prefix = line[:-len(date)] if line.endswith(date) else ""
    return OFFICE.match(prefix) is not None and NOT_OFFICE.search(prefix) is None


def _is_mark_line(text: str, standing: bool = False) -> bool:
    """Whether ``text`` is a mark (``standing``: a mark standing alone as a 版头's, ``机密★10年``,
    not a field ``密级：秘密``)."""
    lm = parse_mark_line(text) if MARKISH.search(text) else None
    return lm is not None and lm.level is not None and (
        not standing or (lm.label is None and lm.star_present))


BODY_PARAGRAPH = 40  # characters of a paragraph of text (no 版头 line is as long)


def attachment_start(blocks: Sequence[Block], lead: dict[int, str]) -> int | None:
    """The order of the block where a document held after this one's own text starts (the
    document a 转发 forwards, a compilation's parts, a 附件): a 附件 heading, 份号, 发文机关标志
    or mark standing alone, followed by what starts a document (its 版头, a title or text),
    after a line that is only a date (the 落款's) or a paragraph of text; or a 份号 or mark
    followed by a 发文机关标志 or 文号 (a held document's 版头) out of the document's own head,
    when that head is marked or the document has a title of its own first (a compilation's
    cover, a 目录). None when there is none: a mark alone at the end of a text is misplaced,
    not a document. A paragraph of text is long and ends a sentence (not a receipt line)."""
    headed = "mark" in lead.values()
    shown = [b for b in blocks
             if b.region in ("top", "body", "table", "textbox") and compact(b.text).text]
    dated = prose = signed = False  # (signed: a 落款's date line seen)
    titled: str | None = None  # the document's own title (a 公文 title, a collection's, 目录)
    for i, block in enumerate(shown):
        text = compact(block.text).text
        short = len(text) <= MAX_DENSE
        head = short and (ATTACHED_COPY.match(text) is not None or _is_mark_line(text, True))
        opens = _starts_document(shown, i) if head else ATTACHED.match(text) is not None
        if short and dated and opens:  # (a 份号 or mark alone at the end opens nothing)
            return block.order
        if signed and ATTACHED_NOTE.match(text):
            return block.order
        if head and (headed or titled) and id(block) not in lead and _held_head(
                shown[i + 1:i + 1 + HEAD_SPAN], titled):
            return block.order
        if block.region in ("top", "body") and text[-1] in "。！？；":
            prose = True  # a sentence of the text: a date line after it is the 落款's
            dated = dated or len(text) >= BODY_PARAGRAPH
        elif prose and "日" in text and short:
            parsed = fields.date_line(block.text)
            signed = signed or (parsed is not None and parsed.raw == normalize(block.text))
            dated = dated or signed
        if titled is None and short and (fields.gongwen_title(text) or COLLECTION.search(text)
                                         is not None or text in CONTENTS):
            titled = text
    return None


def _held_head(after: Sequence[Block], own_title: str | None) -> bool:
    """Whether the blocks after a 份号 or mark are a held document's 版头: a 发文机关标志 or a 文号,
    or a 公文 title other than the document's own (a cover's mark repeated on the first page
    above the same title starts nothing)."""
    for block in after:
        text = compact(block.text).text
        if _issuer_or_number(block.text):
            return True
        if fields.gongwen_title(text):
            return text != own_title
    return False


def _starts_document(shown: Sequence[Block], i: int) -> bool:
    """Whether what follows ``shown[i]`` starts a document: a 版头's 发文机关标志 or 文号, a
    title, or a sentence of text among the next few blocks."""
    for block in shown[i + 1:i + 1 + HEAD_SPAN + 2]:
        text = compact(block.text).text
        if _issuer_or_number(block.text) or fields.gongwen_title(text) or (
                text[-1] in "。！？；" and len(text) >= BODY_PARAGRAPH // 2):
            return True
    return False


# The title of a collection of documents (汇编, 选编, 摘编…) and a 目录 heading: a document
# that holds others.
COLLECTION = re.compile(r"(?:汇编|选编|摘编|汇集|辑要|文件集)(?:[(（][^()（）]{1,10}[)）])?$")
CONTENTS = ("目录", "目次")


ATTACHED_COPY = re.compile(r"^\d{6}$")
ISSUER = re.compile(r"^(?!.*(?:关于|的))[\u4e00-\u9fff]{2,20}(?:文件|公告|通告)$")
HEAD_SPAN = 4  # blocks after a 份号 or mark in which a 版头's 发文机关标志 or 文号 stands


def _issuer_or_number(raw: str) -> bool:
    """A 发文机关标志 (``省水利厅文件``) or a line that is only a 文号."""
    text = compact(raw).text
    if ISSUER.match(text):
        return True
    number = fields.doc_number(raw) if "号" in text else None
    return number is not None and len(text) <= len(compact(number).text) + 2


def document_date(readable: Sequence[Block],
                   attached: int | None = None) -> tuple[Field | None, DateField | None]:
    """The 成文日期: the last line that is only a date, else the last short line ending in one,
    else the date of the 印发 line, else a line of the top that is only a date; only before
    ``attached`` (where an attached document starts:
    its dates are its own)."""
    candidates = [b for b in readable
                  if "日" in b.text and b.region in ("body", "table", "textbox")
                  and not _is_mark_line(b.text)]  # (a mark's 解密时间 is no 成文日期)
    if attached is not None:  # (no date before it: undated, whatever the attached one says)
        candidates = [b for b in candidates if b.order < attached]
    best: tuple[Block, DateField] | None = None
    for block in reversed(candidates):
        parsed = fields.date_line(block.text)
        if parsed is None:
            continue
        if best is None:
            best = (block, parsed)
        if parsed.raw == normalize(block.text):
            best = (block, parsed)
            break
    if best is None:
        for block in reversed(candidates):
            issued = fields.issued_date(block.text)
            if issued is not None:
                best = (block, issued)
                break
    if best is None:  # a line of the first page's top that is only a date (a title slide's, a
        # short text's 落款) or an office's name and a date (a register's or an excerpt's head)
        for block in reversed(readable):
            parsed = fields.date_line(BRACKETED.sub(r"\1", block.text.strip())) if (
                block.region == "top" and (attached is None or block.order < attached)) else None
            if parsed is not None and _dated_line(block.text, parsed.raw):
                best = (block, parsed)
                break
    if best is None:
        return None, None
    block, parsed = best
    return Field("date", parsed.raw, block.text.strip(), block.location, block.order,
                 block.region), parsed
