"""Cover fields laid out as a grid: a thesis cover, an 审批表 or a form whose 密级, 保密期限,
知悉范围 and 份号 labels stand in one cell (or on one line) and their values beside or below them.

Forms met in real covers, in DOCX tables and in the PDF text of the same covers:

- beside: ``密级 | 机密 | 保密期限 | 10年`` (cells of one row, or words of one PDF line);
- stacked: one cell holds the labels ``密级 保密期限``, the next cell the values ``机密 10年``;
- below: a row of labels ``密级 | 保密期限 | 知悉范围`` above a row of values.

Each pair found becomes a field line (``密级：机密``) placed with the value's block, so the
mark finder reads it as it reads a ``密级：`` field (the mark's text being the value's). A
register's column header (:mod:`markers.register`) is no label: its rows pair with nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise

from markers.models import Block, container_of

OURS = {"密级": "密级", "保密期限": "保密期限", "知悉范围": "知悉范围", "控制范围": "知悉范围",
        "份号": "份号"}
OTHER_LABELS = {"分类号", "中图分类号", "UDC", "学号", "编号", "单位代码", "学校代码", "题目",
                "作者", "姓名", "导师", "指导教师", "日期", "学科", "专业", "类别", "申请人",
                "单位", "学位类别", "研究方向", "论文题目", "作者姓名", "密级及保密期限"}
_SPLIT = re.compile(r"[ \u3000]+")
_WIDE = re.compile(r" {2,}|\u3000+")  # the gap between cells where a PDF line also has spaces
# inside a cell (10 年)
MAX_LINE = 80  # longer lines are prose, not a grid


def _label(token: str) -> str | None:
    """``密级``/``密级：`` → 密级 (ours); another cover label → ""; a value → None."""
    t = token.strip().rstrip("：:").strip()
    if t in OURS:
        return OURS[t]
    return "" if t in OTHER_LABELS else None


def _cells(block: Block) -> list[list[str]]:
    """A block as cells (table cells, or the whole line) of whitespace-separated words."""
    text = block.text
    if len(text) > MAX_LINE * 4 or (block.region != "table" and len(text) > MAX_LINE):
        return []
    parts = text.split("\t") if "\t" in text else [text]
    split = _WIDE.split if _WIDE.search(text) else _SPLIT.split
    return [[w.replace(" ", "") for w in split(p.strip()) if w.strip()] for p in parts]


def _row_pairs(cells: list[list[str]]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for a, b in pairwise(cells):  # stacked: labels in a, values in b
        labels = [_label(w) for w in a]
        if len(a) >= 2 and len(a) == len(b) and all(x is not None for x in labels) and any(
                labels) and all(_label(w) is None for w in b):
            pairs += [(lab, v) for lab, v in zip(labels, b, strict=True) if lab]
    if pairs:
        return pairs
    words = [w for cell in cells for w in cell]
    for w, nxt in pairwise(words):  # beside
        lab = _label(w)
        if lab and _label(nxt) is None:
            pairs.append((lab, nxt))
    return pairs


def _below(upper: list[list[str]], lower: list[list[str]]) -> list[tuple[str, str]]:
    """A row of labels above a row of values, column by column."""
    top = [w for cell in upper for w in cell]
    labels = [_label(w) for w in top]
    if len(top) < 2 or any(x is None for x in labels) or not any(labels):
        return []
    values = [" ".join(cell) for cell in lower] if len(lower) == len(upper) > 1 else [
        w for cell in lower for w in cell]
    if len(values) != len(top) or any(_label(v) is not None for v in values):
        return []
    return [(lab, v) for lab, v in zip(labels, values, strict=True) if lab and v]


def with_cover_fields(blocks: Sequence[Block], register: Mapping[int, object] | None = None,
                      ) -> tuple[list[Block], dict[int, int]]:
    """``blocks`` with a field line (``密级：机密``) after each block that completes a pair, and
    for each such line (by ``id``) where its value starts in it. The rows of a register
    (``register``: ids of rows holding a register's column header or entries) complete none:
    its column headers are not labels of the values below them."""
    out: list[Block] = []
    made: dict[int, int] = {}
    previous: Block | None = None
    prev_cells: list[list[str]] = []
    register = register or {}
    for block in blocks:
        out.append(block)
        if id(block) in register or (not prev_cells
                                     and not any(label in block.text for label in OURS)):
            previous, prev_cells = block, []
            continue
        cells = _cells(block) if block.region != "props" else []
        pairs = _row_pairs(cells) if cells else []
        if cells and previous is not None and prev_cells and (
                block.region != "table" or container_of(previous.location)
                == container_of(block.location)) and previous.region == block.region:
            pairs += _below(prev_cells, cells)
        seen: set[str] = set()
        for label, value in pairs:
            text = f"{label}：{value}"
            if text not in seen and text != block.text:
                seen.add(text)
                field = block._replace(text=text)
                made[id(field)] = len(label) + 1
                out.append(field)
        previous, prev_cells = block, cells
    return out, made
