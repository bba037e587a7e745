"""Find a document's marks and the elements around them in its blocks.

Where a line stands decides whether it is a mark. The *lead* of a container (the first page's
top block, a header) is its leading run of field lines: 份号, the mark, 紧急程度, a 解密 stamp.
A mark in the lead is where GB/T 9704 puts it; a full mark line elsewhere is still a mark but
misplaced; a bare level counts only in the lead; ``密级：`` fields count anywhere (covers, forms,
tables).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import pairwise
from typing import Literal

from markers import fields
from markers.cover import with_cover_fields
from markers.held import MARKISH, MAX_DENSE, attachment_start, document_date
from markers.lines import LineMark, parse_mark_line, parse_period_field
from markers.models import (
    Block,
    Field,
    Marking,
    MarkSet,
    Term,
    container_of,
    in_title,
    sheet_of,
)
from markers.normalize import compact
from markers.register import cell_columns, register_cells
from markers.stated import stated_level

LEAD_REGIONS = ("top", "header", "top_right")
PAIR_DISTANCE = 3


# Every recogniser needs one of these: 密 (levels, 密级, 解密, 工作秘密), 内部, 急/特提
# (urgency), a bracket before 号 (文号), 年…日 (dates), 期限, 范围/发至 (scope), 派生, 份号, or a
# line of digits. Written for speed: every alternative starts with a literal character, so the
# engine skips to the next possible start in C; "the first 号 (日) within 16 (14)" means the same
# as "some 号 (日) within" and never backtracks.
TRIGGER = re.compile("|".join([  # simplified and traditional forms (markers.normalize folds)
    "密", "急", "内部", "內部", "特提", "范围", "範圍", "发至", "發至", "派生", "期限", "份号",
    "份號",
    *(re.escape(bracket) + r"[^号號\n]{0,16}[号號]" for bracket in "〔[【(（"),
    r"年[^日\n]{0,14}日"]))
DIGIT_LINE = re.compile(r"[\s\d０-９]+$")
# A 文号 cited in a line (派生自…, 根据…, 依据…) names another document, not this one.
CITING = re.compile(r"派生|依据|根据|参照|按照|转发|见|引用|来文|原文")
# A 文号 beside a 《title》 (``文号 《title》`` in a register, ``《title》（文号）`` in a
# compilation) names that titled document.
TITLED_AFTER = re.compile(r"^[)）\]】,，、:：;；]*《")
TITLED_BEFORE = re.compile(r"》[(（\[【]*$")
# A row of a numbered list of documents: its 序号, then the 文号 (``1. 某发〔2025〕3号 …``).
NUMBERED = re.compile(r"[(（]?\d{1,4}[.、．)）]?")
# A row of cells written as text (``1 | 某发〔2025〕8号 | 关于…的通知 | 机密★10年``): a register's.
CELLS = re.compile(r"\s*[|｜]\s*")
ROW_CELLS = 3
# A numbered line (``1. 关于…的通知（某发〔2025〕8号）``, a 目录's entry): a 文号 in it is cited.
LIST_START = re.compile(r"[(（]?\d{1,3}[.、．)）]\D")
DERIVED = re.compile(r"派生(定密|自|于)|定密(依据|方式)[:：]?.{0,20}派生")


def readable_blocks(blocks: Sequence[Block]) -> list[Block]:
    """The blocks that could be a mark or a header element at all: short, and holding a trigger
    or only digits, or a document property (its name says what it is: ``保密期限`` = ``10年``).
    One comprehension: a document holds thousands of blocks."""
    trigger, digits = TRIGGER.search, DIGIT_LINE.match
    return [b for b in blocks
            if (len(t := b.text) <= MAX_DENSE or is_short(t))
            and (trigger(t) is not None or digits(t) is not None or b.region == "props")]


def is_short(text: str) -> bool:
    """Cheap test (no compaction) that ``text`` has at most :data:`MAX_DENSE` non-space chars."""
    n = len(text)
    if n <= MAX_DENSE:
        return True
    spaces = text.count(" ") + text.count("\u3000") + text.count("\t")
    return n - spaces <= MAX_DENSE


def _lead_kind(text: str) -> str | None:
    """The kind of a line (or a table row) of the lead: ``copy``, ``mark``, ``urgency``,
    ``declass`` (a row of several fields: ``mark`` if one is, else its first field's kind;
    ``grid`` for a 版头 grid's other fields), or None when it is no lead line."""
    grid = "\t" in text
    parts = [f for cell in _grid_fields(text) for f in field_parts(cell)] if grid else (
        field_parts(text))
    if len(parts) > 1 or (grid and parts and GRID_FIELD.match(compact(parts[0]).text)):
        kinds = [_lead_kind(p) or ("scope" if fields.scope(p) else None)
                 or ("period" if parse_period_field(p) else None)
                 or ("grid" if grid and (GRID_FIELD.match(compact(p).text)
                                         or _number_cell(p)) else None)
                 for p in parts]
        if None in kinds:
            return None
        return "mark" if "mark" in kinds else next((k for k in kinds if k != "grid"), "grid")
    text = parts[0] if parts else text
    if fields.copy_number(text) is not None:
        return "copy"
    if fields.urgency(text) is not None:
        return "urgency"
    if fields.declass_stamp(text) is not None:
        return "declass"
    lm = parse_mark_line(text)
    if lm is not None and (lm.level is not None or lm.work_secret):
        return "mark"
    return None


def lead_runs(blocks: Sequence[Block]) -> dict[int, str]:
    """Map ``id(block)`` → field kind for every block in the lead of its container."""
    stopped: set[str] = set()
    lead: dict[int, str] = {}
    leading = _leading_table(blocks)
    for block in blocks:
        if not block.text.strip() or (block.region not in LEAD_REGIONS and not (
                block.region == "table" and container_of(block.location) == leading)):
            continue
        key = container_of(block.location)
        if key in stopped:
            continue
        kind = _lead_kind(block.text)
        if kind is None:
            stopped.add(key)
        else:
            lead[id(block)] = kind
    return _first_sheet_leads(blocks, lead)


def _first_sheet_leads(blocks: Sequence[Block], lead: dict[int, str]) -> dict[int, str]:
    """A workbook's first sheet is its first page: the tops of later sheets (where officers
    repeat the mark on each printed sheet) are in the lead only when the first sheet's top or
    printed header holds a mark; else a mark found only on a later sheet is misplaced."""
    first = next((s for b in blocks if b.region != "props" and (s := sheet_of(b.location))),
                 None)
    if first is None:
        return lead
    if any(kind == "mark" and sheet_of(b.location) == first
           for b in blocks if (kind := lead.get(id(b)))):
        return lead
    later = {id(b) for b in blocks if id(b) in lead and sheet_of(b.location) not in (None, first)}
    return {k: v for k, v in lead.items() if k not in later}


def _leading_table(blocks: Sequence[Block]) -> str | None:
    """The table a document opens with, before any paragraph (a 版头 laid out in a table: 份号
    and mark in its first cell), or None."""
    for block in blocks:
        if block.text.strip() and block.region in ("top", "body", "table"):
            return container_of(block.location) if block.region == "table" else None
    return None


# Several fields on one line, as officers type them: 密级：机密  保密期限：5年 (spaces, a tab, a
# full-width space, 、 or nothing between), or a mark followed by other fields (机密★5年    知悉
# 范围：市政府领导). The line is cut before each field label after the first.
FIELD_LABEL = re.compile(
    r"(?<!和)(?:密\s*级|保密期限|解密时间|解密条件|知悉范围|阅知范围|发放范围|份\s*号|紧急程度)\s*[:：]")
FIELD_SEP = re.compile(r"[\s\u3000、；;，,]+$")


# A 份号 (six digits) standing before the mark or the urgency on the same line: the two lines
# of a cell or of a soft line break joined by a space (``000029 机密★15年``).
COPY_BEFORE = re.compile(r"^\s*\d{6}[\s\u3000]+(?=[绝机秘]\s*密|特\s*急|加\s*急)")


def field_parts(text: str) -> list[str]:
    """The fields of a line holding several (each without the separators around it); the line
    itself when it holds one."""
    lead = COPY_BEFORE.match(text)
    if lead:
        return [text[:lead.end()].strip(), *field_parts(text[lead.end():])]
    cuts = [m.start() for m in FIELD_LABEL.finditer(text) if text[:m.start()].strip()]
    if not cuts:
        return [text]
    parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return [p for p in (FIELD_SEP.sub("", part).strip() for part in parts) if p]


LABEL_CELL = re.compile(  # a cell holding only a field's label: its value is in the next cell
    r"^\s*(?:密\s*级(?:\s*[和及与、/]\s*保密期限)?|保密等级|秘密等级|保密期限|解密时间|解密条件|知悉范围"
    r"|份\s*号|紧急程度)\s*[:：]?\s*$")


# The other fields of a 版头 laid out as a grid of label and value cells: the 签发人 (GB/T 9704
# §7.2.5) and a 紧急程度 of 平件 (none). They stand in the lead beside 份号 and mark.
GRID_LABEL = re.compile(r"^\s*签\s*发\s*人\s*[:：]?\s*$")
GRID_FIELD = re.compile(r"^(?:签发人:.{1,20}|紧急程度:(?:平件|普通|一般))$")


def _grid_fields(row: str) -> list[str]:
    """A table row's cells as fields, a label cell read with the value beside it (``份号 |
    000041 | 签发人 | 张某`` → ``份号：000041``, ``签发人：张某``)."""
    cells = [c for c in row.split("\t") if c.strip()]
    out: list[str] = []
    i = 0
    while i < len(cells):
        cell = cells[i]
        label = LABEL_CELL.match(cell) or GRID_LABEL.match(cell)
        if label and i + 1 < len(cells) and not (LABEL_CELL.match(cells[i + 1])
                                                 or GRID_LABEL.match(cells[i + 1])):
            out.append(f"{_cell_label(cell)}：{cells[i + 1]}")
            i += 2
            continue
        out.append(cell)
        i += 1
    return out


def _number_cell(cell: str) -> bool:
    """Whether a cell holds only a 发文字号 (a 版头 grid's 文号 beside 份号 and mark)."""
    number = fields.doc_number(cell)
    return number is not None and len(compact(cell).text) <= len(compact(number).text) + 5


def _cell_label(cell: str) -> str:
    """A label cell's label as a field line writes it (``密级和保密期限：`` reads as ``密级：``)."""
    label = compact(cell).text.rstrip(":")
    return "密级" if label.startswith("密级") else label


def _segments(block: Block, register: frozenset[int] = frozenset()) -> Iterable[tuple[str, int]]:
    """The texts of a block to try as marks, each with where the mark's own text starts in it:
    the fields of a line that holds several; in a table row, each line of each cell, and a label
    cell read with the value in the next cell (``密级 | 机密`` as ``密级：机密``, whose mark is the
    value ``机密``). A following label cell is not a value (``机密 | 紧急程度``), and the cells of a
    register's columns (``register``: :mod:`markers.register`) are none of these."""
    if block.region != "table" or "\t" not in block.text:
        parts = field_parts(block.text)
        for part in parts if len(parts) > 1 else (block.text,):
            yield part, 0
        return
    cells: list[str | None] = [None if column in register else cell for column, cell in zip(
        cell_columns(block), block.text.split("\t"), strict=True)] if register else list(
        block.text.split("\t"))
    cells = [c for c in cells if c is None or c.strip()]  # a register cell parts its neighbours
    valued: set[int] = set()
    for i, (a, b) in enumerate(pairwise(cells)):
        if a is not None and b is not None and LABEL_CELL.match(a) and not LABEL_CELL.match(b):
            valued.add(i + 1)  # a label's value (密级 | 机密): read with its label, as a field
            label = _cell_label(a)
            yield f"{label}：{_lines(b)[0]}", len(label) + 1
    for i, cell in enumerate(cells):
        if cell is None:
            continue
        for line in _lines(cell)[1 if i in valued else 0:]:
            parts = field_parts(line)
            for part in parts if len(parts) > 1 else (line,):
                yield part, 0


def _lines(cell: str) -> list[str]:
    """The lines of a cell (a spreadsheet cell may hold line breaks)."""
    return [line for line in cell.splitlines() if line.strip()] or [cell]


def _row_fields(row: str) -> list[str]:
    """A table row as fields: the row itself, after any 份号 standing before a mark in one of its
    cells (the cell's two lines joined)."""
    numbers = [m.group().strip() for m in map(COPY_BEFORE.match, row.split("\t")) if m]
    return [*numbers, row]


def _accept(lm: LineMark, block: Block, in_lead: bool) -> bool:
    if lm.level is None:
        return False
    if lm.label is not None:
        return True
    if lm.star_present:
        return True
    if lm.term.kind != "none":
        return block.region in LEAD_REGIONS
    return in_lead


def _marking(lm: LineMark, block: Block, text: str, in_lead: bool, value: int = 0) -> Marking:
    """The marking ``lm`` read in ``text`` (a segment of ``block``), whose mark's own text starts
    at ``value`` (after a label cell's label read with it)."""
    assert lm.level is not None
    form: Literal["line", "field"] = "field" if lm.label is not None else "line"
    span = lm.span if text == block.text else (0, len(block.text))
    raw = text[max(lm.span[0], value):lm.span[1]].strip()
    return Marking(
        level=lm.level, term=lm.term, raw=raw, location=block.location,
        region=block.region, block_text=block.text, span=span, form=form,
        symbol=lm.symbol or "", spaced=lm.spaced, star_present=lm.star_present,
        struck=block.struck or lm.declass_inline, order=block.order, align=block.align,
        in_lead=in_lead,
    )


MARK_PROPERTIES = ("密级", "securitylevel", "security_level")  # OFD writes SecurityLevel


def _property_marking(block: Block) -> Marking | None:
    name = block.location.rsplit(".", 1)[-1].lower()
    if not any(p in name for p in MARK_PROPERTIES):
        return None
    lm = parse_mark_line(f"密级：{block.text}") or parse_mark_line(block.text)
    if lm is None or lm.level is None:
        return None
    return Marking(level=lm.level, term=lm.term, raw=block.text.strip(),
                   location=block.location,
                   region="props", block_text=block.text, span=(0, len(block.text)),
                   form="property", symbol=lm.symbol or "", star_present=lm.star_present,
                   order=block.order)


# Where a mark written in a title may end: a separator (a space, a bracket, a colon, a comma,
# a bar), or the end of a period or date written right after the symbol (机密★5年关于…).
TITLE_CUT = re.compile(r"[\s\u3000【】\[\]（）()〔〕<>《》:：，,、|]")
TITLE_TERM = re.compile(
    r"[绝机秘]\s*密\s*[^\s\w]\s*(?:\d+\s*(?:个月|年|月)(?:\s*\d+\s*[月日])*|长期)")
TITLE_PREFIX = re.compile(r"^(?:\s*(?:re|fw|fwd|回复|答复|转发)\s*[:：])+", re.IGNORECASE)
BRACKETS = "【】[]（）()〔〕<>《》 \u3000"


def _title_marking(block: Block) -> Marking | None:
    """A mark written at the start or the end of a title property (a mail's subject:
    ``机密★5年 关于…的通知``, ``【机密★5年】关于…``, ``关于…的通知（机密★5年）``): the shortest
    run from the start (after any 回复/转发/Re/Fw prefix) or up to the end that reads as a mark
    with a level and a symbol (or a ``密级：`` label), one with a lawful-looking term first."""
    if not in_title(block.location) or MARKISH.search(block.text) is None:
        return None
    text = block.text
    start = m.end() if (m := TITLE_PREFIX.match(text)) else 0
    seps = sorted({m.start() for m in TITLE_CUT.finditer(text, start)})
    ends = sorted({*seps, *(m.end() for m in TITLE_TERM.finditer(text, start)), len(text)})
    spans = [(start, k) for k in ends if k > start]
    spans += [(k + 1, len(text)) for k in reversed(seps) if k < len(text) - 1]
    found: list[tuple[tuple[int, int], LineMark]] = []
    for span in spans:
        a, b = _unbracketed(text, *span)
        lm = parse_mark_line(text[a:b]) if a < b else None
        if lm is not None and lm.level is not None and lm.work_secret is None and (
                lm.symbol or lm.label is not None):
            found.append(((a, b), lm))
    best = next((f for f in found if f[1].term.kind != "none" and not f[1].term.invalid),
                found[0] if found else None)
    if best is None:
        return None
    (a, b), lm = best
    assert lm.level is not None
    return Marking(level=lm.level, term=lm.term, raw=text[a:b].strip(), location=block.location,
                   region="props", block_text=text, span=(a, b), form="property",
                   symbol=lm.symbol or "", spaced=lm.spaced, star_present=lm.star_present,
                   order=block.order)


def _unbracketed(text: str, a: int, b: int) -> tuple[int, int]:
    """The span ``[a, b)`` of ``text`` without the brackets and spaces around it."""
    while a < b and text[a] in BRACKETS:
        a += 1
    while b > a and text[b - 1] in BRACKETS:
        b -= 1
    return a, b


def _listing_rows(blocks: Sequence[Block]) -> set[int]:
    """``id`` of every block that is one of several rows listing documents by their 文号 (a
    register, a list of documents received): rows of one table, two or more of which hold a
    文号, and lines that begin with a 序号 (then a 文号, or a title and its 文号), two or more in
    the document. A 文号
    there is another document's, not this one's (a 版头 laid out in a table has one 文号)."""
    tables: dict[str, list[int]] = {}
    numbered: list[int] = []
    for block in blocks:
        if ("号" not in block.text and "號" not in block.text) or block.region == "props":
            continue
        cells = [c for c in CELLS.split(block.text) if c.strip()]
        if len(cells) >= ROW_CELLS and any(fields.doc_number(c) for c in cells):
            numbered.append(id(block))  # a row of cells written as text
            continue
        number = fields.doc_number(block.text)
        if number is None:
            continue
        if block.region == "table":
            tables.setdefault(container_of(block.location), []).append(id(block))
        text = compact(block.text).text
        if NUMBERED.fullmatch(text[:text.find(number)]) or LIST_START.match(text):
            numbered.append(id(block))
    rows = {row for found in tables.values() if len(found) > 1 for row in found}
    return rows | (set(numbered) if len(numbered) > 1 else set())


def _beside_title(text: str, number: str) -> bool:
    """Whether the 文号 ``number`` stands beside a 《title》 in ``text`` (naming that document)."""
    line = compact(text).text
    start = line.find(number)
    if start < 0:
        return False
    end = start + len(number)
    return (TITLED_AFTER.match(line[end:]) is not None
            or TITLED_BEFORE.search(line[:start]) is not None)


def _field(kind: str, value: str, block: Block, in_lead: bool) -> Field:
    text = block.text.strip()
    return Field(kind, value, text, block.location, block.order, block.region, in_lead)


def find_marks(blocks: Sequence[Block], *, spacing_reliable: bool = True) -> MarkSet:
    """Read every block once and collect marks and header elements."""
    register = register_cells(blocks)
    blocks, made = with_cover_fields(blocks, register)
    lead = lead_runs(blocks)
    markings: list[Marking] = []
    periods: list[tuple[Block, Term]] = []
    work: list[Field] = []
    found: dict[str, list[Field]] = {"copy": [], "urgency": [], "scope": [], "declass": []}
    copies, urgencies, scopes, stamps = (found[k] for k in ("copy", "urgency", "scope", "declass"))
    lead_fields: list[Field] = []
    doc_number: str | None = None
    own_number = False
    readable = readable_blocks(blocks)
    listing = _listing_rows(readable)
    attached = attachment_start(blocks, lead)
    for block in readable:
        in_lead = id(block) in lead
        if block.region == "props":
            prop = _property_marking(block) or _title_marking(block)
            if prop is not None:
                markings.append(prop)
            elif "保密期限" in block.location:
                term = parse_period_field(f"保密期限：{block.text}")
                if term is not None:
                    periods.append((block, term))
            continue
        markish = MARKISH.search(block.text) is not None
        skip = register.get(id(block), frozenset())
        for text, value in _segments(block, skip) if id(block) not in made else (
                (block.text, made[id(block)]),):
            lm = parse_mark_line(text) if markish else None
            if lm is not None and lm.work_secret:
                work.append(_field("work_secret", lm.work_secret, block, in_lead))
            elif lm is not None and _accept(lm, block, in_lead):
                markings.append(_marking(lm, block, text, in_lead, value))
            if "期限" in text or "解密" in text:
                term = parse_period_field(text)
                if term is not None:
                    periods.append((block, term))
        parts = field_parts(block.text) if block.region != "table" else _row_fields(block.text)
        for part in parts:
            _collect_fields(block if len(parts) == 1 else block._replace(text=part), in_lead,
                            found)
        if in_lead:
            lead_fields.append(_field(lead[id(block)], block.text.strip(), block, True))
        if (doc_number is None or not own_number) and ("号" in block.text or "號" in block.text
                                                         ) and id(block) not in register \
                and id(block) not in listing and (attached is None or block.order < attached):
            # (a register's row, or a line listing documents, names another document's 文号)
            found_number = fields.doc_number(block.text)
            if (found_number is not None and CITING.search(block.text) is None
                    and not _beside_title(block.text, found_number)):
                alone = len(compact(block.text).text) <= len(found_number) + 2
                if doc_number is None or alone:  # a 文号 line of its own is the document's
                    doc_number, own_number = found_number, alone
    markings = _pair_periods(markings, periods)
    date_field, date = document_date(readable, attached)
    effective, held, (copies, urgencies, scopes) = _own_part(markings, attached, (
        copies, urgencies, scopes))
    issued = any(fields.issued_date(b.text) for b in readable
                 if "印" in b.text and b.region in ("body", "table"))
    return MarkSet(
        markings=tuple(markings),
        effective=effective,
        held=held,
        copy_number=copies[0] if copies else None,
        copy_candidates=tuple(copies),
        urgency=urgencies[0] if urgencies else None,
        scope=scopes[0] if scopes else None,
        document_date=date,
        document_date_field=date_field,
        doc_number=doc_number,
        is_gongwen=doc_number is not None or issued or _gongwen_shape(blocks, date_field),
        declass_stamp=stamps[0] if stamps else None,
        work_secret=tuple(work),
        lead=tuple(lead_fields),
        spacing_reliable=spacing_reliable,
        derived=any(DERIVED.search(b.text) for b in readable if "派" in b.text),
        stated=stated_level(blocks) if not markings else None,
        attached=attached,
    )


def _collect_fields(block: Block, in_lead: bool, found: dict[str, list[Field]]) -> None:
    copies, urgencies = found["copy"], found["urgency"]
    scopes, stamps = found["scope"], found["declass"]
    text = block.text
    copy_label = "份号" in text or "份號" in text
    if block.region in LEAD_REGIONS or in_lead or (block.region == "table" and copy_label):
        number = fields.copy_number(text)
        if number is not None and (in_lead or copy_label):
            copies.append(_field("copy", number, block, in_lead))
        level = fields.urgency(text)
        if level is not None:
            urgencies.append(_field("urgency", level, block, in_lead))
    # Cheap character tests first (a space may stand inside a word: single characters).
    if "解" in text and "密" in text and block.region in (*LEAD_REGIONS, "body"):
        stamp = fields.declass_stamp(text)
        if stamp is not None:
            stamps.append(_field("declass", stamp, block, in_lead))
    if "范" in text or "发" in text or "範" in text or "發" in text:
        scope = fields.scope(text)
        if scope is not None:
            scopes.append(_field("scope", scope, block, in_lead))


def _pair_periods(markings: list[Marking], periods: list[tuple[Block, Term]]) -> list[Marking]:
    """Give a ``密级：`` field or property with no term the nearest ``保密期限：`` field's term."""
    out: list[Marking] = []
    for marking in markings:
        m = marking
        if m.form != "line" and m.term.kind == "none" and periods:
            near = [(abs(b.order - m.order), t) for b, t in periods
                    if (b.region == "props") == (m.form == "property")]
            near = [x for x in near if x[0] <= PAIR_DISTANCE or m.form == "property"]
            if near:
                m = replace(m, term=min(near, key=lambda x: x[0])[1])
        out.append(m)
    return out


def _priority(m: Marking) -> tuple[int, int]:
    if m.form == "line" and m.in_lead:
        rank = 0
    elif m.form == "line" and m.region in LEAD_REGIONS:
        rank = 1
    elif m.form == "property":
        rank = 2
    elif m.form == "field" and m.region in (*LEAD_REGIONS, "table"):
        rank = 3
    elif m.form == "line":
        rank = 4
    else:
        rank = 5
    return (1 if m.struck else 0, rank * 1_000_000 + m.order)


def own_blocks(blocks: Sequence[Block]) -> Sequence[Block]:
    """The blocks of a document's own text: before a document it holds (the document a 转发
    forwards, a compilation's parts), where its 落款 and 定密机关 are."""
    attached = attachment_start(blocks, lead_runs(blocks))
    return blocks if attached is None else [b for b in blocks if b.order < attached]


FieldLists = tuple[list[Field], list[Field], list[Field]]


def _own_part(markings: list[Marking], attached: int | None,
              lists: FieldLists) -> tuple[Marking | None, bool, FieldLists]:
    """The document's effective mark, from its own text before a document it holds (and its
    properties), with the 份号, urgency and scope found there (a held document's are its own);
    with no mark there, a held document's mark and fields (True: the document is unmarked)."""
    own = _effective([m for m in markings
                      if attached is None or m.order < attached or m.form == "property"])
    if own is None:
        held = _effective(markings)
        return held, held is not None, lists
    if attached is None:
        return own, False, lists
    copies, urgencies, scopes = ([f for f in found if f.order < attached] for found in lists)
    return own, False, (copies, urgencies, scopes)


def _effective(markings: list[Marking]) -> Marking | None:
    live = [m for m in markings if not m.struck]
    if not live:
        return None
    return min(live, key=_priority)


HEAD_BLOCKS = 20  # the title and the 主送 line stand among the first blocks of the text
SIGNATURE_BLOCKS = 4  # the 落款 (issuer, date) stands among the last blocks


def _gongwen_shape(blocks: Sequence[Block], date_field: Field | None) -> bool:
    """The GB/T 9704 shape without a 文号 or an 印发 line: a title ``关于…的通知`` among the first
    lines, a 主送机关 line ending in a colon right after it, and a 落款 (the 成文日期, with the
    issuer's line just before it) at the end. Theses, forms, registers and slides lack it."""
    if date_field is None:
        return False
    body = [b for b in blocks if b.region in ("top", "body") and b.text.strip()]
    titles = [i for i, b in enumerate(body[:HEAD_BLOCKS]) if fields.gongwen_title(b.text)]
    if not titles or not any(fields.addressee(b.text) for i in titles
                             for b in body[i + 1:i + 3]):
        return False
    tail = [b.location for b in body[-SIGNATURE_BLOCKS:]]
    if date_field.location not in tail:
        return False
    at = next(i for i, b in enumerate(body) if b.location == date_field.location)
    signer = compact(body[at - 1].text).text if at > 0 else ""
    same_line = len(compact(date_field.raw).text) > len(compact(date_field.value).text) + 1
    return same_line or (0 < len(signer) <= 40 and not signer.endswith(("。", "；")))
