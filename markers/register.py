"""Registers (台账, 登记簿, 清单): a table whose header row names a column ``密级和保密期限`` (or
``密级``, ``保密期限``, ``份号``…) over many rows, each row listing *another* document's mark,
term or copy number. Such a column is not the document's mark: a file that is a register of
classified documents is not itself marked by them.

A label cell with its value beside it (``密级 | 机密★5年``) or just below it in a small grid (a
row of labels over one row of values) is a 版头 or a cover, and is read as a field
(:mod:`markers.cover`, :func:`markers.find.find_marks`). What sets a register's column apart is
its rows: the header cell has no value beside it, and at least :data:`REGISTER_ROWS` rows below
it hold a value of that column's kind in the same column (a level for ``密级``, a term for
``保密期限``, digits for ``份号``). Cells line up by column in every table of a document, and
in a spreadsheet from the column its row's location names (:func:`markers.models.first_column`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markers.lines import SYMBOLS, parse_mark_line
from markers.models import Block, container_of, first_column
from markers.normalize import compact
from markers.terms import parse_condition, parse_term

REGISTER_ROWS = 3  # rows with a value below a column header that make it a register's column
MAX_HEADER = 12  # characters of a column header (密级和保密期限, 密级（保密期限）)

_HEAD = re.compile(r"密级|密等级|保密期限|解密时间|解密条件|份号")
_LEVEL = re.compile(r"[绝机秘]密")
_DIGITS = re.compile(r"\d{1,8}")
_SYMBOL = re.compile(f"[{re.escape(SYMBOLS)}]")
# Labels of the other fields a cover or a 版头 grid holds: a cell holding one is a label, not a
# value in a register's column.
_OTHER_LABEL = re.compile(r"知悉范围|控制范围|阅知范围|紧急程度|[:：]$")

Columns = dict[int, str]  # column → the text of a filled cell
RegisterCells = dict[int, frozenset[int]]  # id(block) → the columns of its register cells


def _kind(cell: str) -> str | None:
    """What a column header cell names: ``level`` (密级, 密级和保密期限…), ``term`` (保密期限,
    解密时间…) or ``copy`` (份号); None for any other cell (a mark itself, a title, a value)."""
    text = compact(cell).text.rstrip(":")
    found = _HEAD.search(text)
    if found is None or len(text) > MAX_HEADER or _DIGITS.search(text) or _SYMBOL.search(text):
        return None
    lm = parse_mark_line(text)
    if lm is not None and lm.level is not None:
        return None  # 机密 (保密期限 in a condition): a mark, not a header
    if "级" in text:
        return "level"
    return "copy" if found.group() == "份号" else "term"


def _is_value(kind: str, cell: str) -> bool:
    """Whether ``cell`` holds a value of a column of ``kind``."""
    text = compact(cell).text
    if not text or _kind(cell) is not None or _OTHER_LABEL.search(text):
        return False
    if kind == "copy":
        return _DIGITS.fullmatch(text) is not None
    if _LEVEL.search(text):
        return True
    return kind == "term" and (parse_term(text) is not None
                               or parse_condition(text) is not None)


def _columns(block: Block) -> Columns:
    start = first_column(block.location)
    return {start + i: c for i, c in enumerate(block.text.split("\t")) if c.strip()}


def register_cells(blocks: Sequence[Block]) -> RegisterCells:
    """The register cells of a document's tables: for each table row holding one, ``id(row)``
    → the columns (as :func:`cell_columns` counts them) of its column header or its entries."""
    tables: dict[str, list[Block]] = {}
    for block in blocks:
        if block.region == "table" and "\t" in block.text:
            tables.setdefault(container_of(block.location), []).append(block)
    found: dict[int, set[int]] = {}
    for rows in tables.values():
        if len(rows) <= REGISTER_ROWS:
            continue
        heads = [i for i, b in enumerate(rows) if _HEAD.search(compact(b.text).text)]
        if not heads:
            continue
        grid = [(b, _columns(b)) for b in rows]
        for i in heads:
            head, cols = grid[i]
            for col, cell in cols.items():
                kind = _kind(cell)
                if kind is None:
                    continue
                beside = cols.get(min((c for c in cols if c > col), default=-1), "")
                if beside and _is_value(kind, beside):
                    continue  # 密级 | 机密: a label with its value, as on a cover
                below = [(b, c[col]) for b, c in grid[i + 1:] if col in c]
                if sum(_is_value(kind, value) for _, value in below) < REGISTER_ROWS:
                    continue
                for b in (head, *(b for b, _ in below)):
                    found.setdefault(id(b), set()).add(col)
    return {k: frozenset(v) for k, v in found.items()}


def cell_columns(block: Block) -> list[int]:
    """The column of each cell of a table row's text (its tab-separated parts)."""
    start = first_column(block.location)
    return [start + i for i in range(block.text.count("\t") + 1)]
