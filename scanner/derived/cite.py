"""Citations: the 文号 and 《titles》 a document names, and its own 文号 and title as keys.

A 文号 is keyed by year and number (``示例发〔2024〕12号`` → ``2024|12``), its prefix kept
apart, in every bracket form (``〔〕 [] () （） 【】``, with or without 第); ``…字第12号`` has no
year and is keyed by prefix and number. A title is keyed by its letters and digits (traditional
and full-width forms folded). A line that is nothing but citations, titles, marks, numbering and
dates is a *listing* (a register of documents), not a citation: a register is not derived from
what it lists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markers.normalize import fold_width
from scanner.derived.hanzi import to_simplified

_NO = re.compile(r"([\u4e00-\u9fff]{0,12}?)[〔\[(（【]\s*((?:19|20)\d{2})\s*[〕\])）】]"
                 r"\s*第?\s*(\d{1,5})\s*号")
_NO_ZI = re.compile(r"([\u4e00-\u9fff]{1,12}字)\s*第\s*(\d{1,5})\s*号")
_BOOK = re.compile(r"《([^《》]{2,80})》")
_MARK = re.compile(r"(绝密|机密|秘密)\s*[★*＊☆]\s*[^\s，。；]{0,12}")
LISTING_MAX = 8  # own characters left on a line that only lists documents
_LEADS = ("根据", "按照", "依据", "现将", "转发", "印发", "落实", "贯彻", "执行", "关于")


def _fold(text: str) -> str:
    return to_simplified(fold_width(text))


def key_text(text: str) -> str:
    """Letters and digits only, folded: how titles are compared."""
    return "".join(ch for ch in _fold(text) if ch.isalnum())


def _prefix(raw: str) -> str:
    """The issuing prefix of a 文号 without leading words of the sentence it stands in."""
    for lead in _LEADS:
        if lead in raw:
            raw = raw.rsplit(lead, 1)[1]
    return raw


@dataclass(frozen=True)
class NumberKey:
    """A 文号 as a key: ``prefix`` may be empty (``〔2021〕12号`` alone)."""

    prefix: str
    year: str
    number: str
    raw: str

    @property
    def key(self) -> str:
        """Year (or ``字``) and number: what an index is looked up by."""
        return f"{self.year}|{int(self.number)}"


def numbers_in(text: str) -> list[tuple[NumberKey, tuple[int, int]]]:
    """Every 文号 in ``text`` with its span."""
    folded = _fold(text)
    found = []
    for m in _NO.finditer(folded):
        prefix = _prefix(m.group(1))
        raw = m.group(0)[len(m.group(1)) - len(prefix):]
        found.append((NumberKey(prefix, m.group(2), m.group(3), raw), m.span()))
    for m in _NO_ZI.finditer(folded):
        prefix = _prefix(m.group(1))
        raw = m.group(0)[len(m.group(1)) - len(prefix):]
        found.append((NumberKey(prefix, "字", m.group(2), raw), m.span()))
    return found


def own_number(raw: str | None) -> NumberKey | None:
    """The key of a 文号 as written (the first one in ``raw``)."""
    if not raw:
        return None
    found = numbers_in(raw)
    return found[0][0] if found else None


OWN_LINE_REST = 6  # characters besides the 文号 on its own line (签发人：张三)
OWN_LEAD = 15  # blocks a document's own 文号 is looked for in when no title is found


BELOW_TITLE = 2  # blocks below the title a 纪要's or 简报's own 文号 may stand in


def own_number_in(blocks: Sequence[str], first: int = OWN_LEAD,
                  title: int | None = None) -> NumberKey | None:
    """A document's own 文号: one standing on a line of its own among the first ``first`` blocks
    (those above the title: a 文号 below it — a compilation's 《source》（文号） broken across
    a PDF's lines — is a citation; a short line that cites another document's 文号 in a
    sentence is not its own either). Failing that, a bare 文号 line (not in brackets) right
    below the title at block ``title``: a 会议纪要 or 简报 puts its number under its name."""
    for text in blocks[:first]:
        key = _alone(text)
        if key is not None:
            return key
    if title is not None:
        for text in blocks[title + 1:title + 1 + BELOW_TITLE]:
            key = _alone(text, bare=True)
            if key is not None:
                return key
            if not _TITLE_GOES_ON.match(_fold(text).strip()):
                break  # not the rest of a title broken across lines: the body begins
    return None


_TITLE_GOES_ON = re.compile(r"^[^，。、：；:;,《》（）()\[\]【】〔〕]{1,30}$")


def _alone(text: str, *, bare: bool = False) -> NumberKey | None:
    """The 文号 of a line that holds little else (签发人：张三 at most; with ``bare``, nothing but
    the 文号: no bracket around it, as a compilation writes its source's （文号）)."""
    found = numbers_in(text)
    if not found:
        return None
    key, (s, e) = found[0]
    folded = _fold(text)
    rest = folded[:s] + folded[e:]
    if bare:
        return key if not any(ch.isalnum() or ch in "()（）[]【】" for ch in rest) else None
    if sum(1 for ch in rest if "\u4e00" <= ch <= "\u9fff") <= OWN_LINE_REST:
        return key
    return None


@dataclass(frozen=True)
class Citation:
    """One 文号 or 《title》 named in a block."""

    kind: str  # "number" or "title"
    block: int
    raw: str
    number: NumberKey | None = None
    title_key: str = ""


def citations(blocks: Sequence[str], own: NumberKey | None) -> list[Citation]:
    """The citations in a document's blocks, its own 文号 left out."""
    out: list[Citation] = []
    for b, text in enumerate(blocks):
        if "号" not in text and "號" not in text and "《" not in text:
            continue
        for key, _ in numbers_in(text):
            if own is not None and key.key == own.key and key.prefix == own.prefix:
                continue
            out.append(Citation("number", b, key.raw, number=key))
        for m in _BOOK.finditer(_fold(text)):
            out.append(Citation("title", b, m.group(0), title_key=key_text(m.group(1))))
    return out


_CITING = re.compile(r"(?:根据|依据|按照|遵照|参照|执行)[^《》]{0,12}《")
CELL_SEPARATORS = re.compile(r"\s*[|｜\t]\s*")
ROW_CELLS = 3  # cells of a row of a register (序号, 文号, 标题, 密级…)


def is_listing(text: str, titles: Sequence[str] = ()) -> bool:
    """Whether a line only lists documents (文号, titles, marks, numbering, dates), or is a row
    of cells (a register's, as a table or as text with ``|`` between cells) one of which is a
    文号."""
    cells = [c for c in CELL_SEPARATORS.split(text) if c.strip()]
    if len(cells) >= ROW_CELLS and any(_NO.search(_fold(c)) for c in cells):
        return True
    if _CITING.search(_fold(text)):
        return False  # 根据《…》（文号）: a sentence citing, though a PDF line holds little else
    rest = _fold(text)
    for pattern in (_NO, _NO_ZI, _BOOK, _MARK):
        rest = pattern.sub(" ", rest)
    rest = key_text(rest)
    for title in titles:
        if title:
            rest = rest.replace(title, "")
    rest = re.sub(r"\d+年\d+月\d+日|\d+", "", rest)
    return len([ch for ch in rest if "\u4e00" <= ch <= "\u9fff"]) < LISTING_MAX
