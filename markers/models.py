"""Value types shared by the whole project: blocks of text, marks, findings.

Everything here is immutable (frozen dataclasses, and a named tuple for blocks) so products can be
passed between processes and compared in tests. Locations are strings such as ``page1.top.l2``,
``header.first.p1``, ``body.p12``, ``table2.r1``, ``props.custom.密级``; the *region* says what
kind of place that is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

Level = Literal["绝密", "机密", "秘密"]
LEVELS: tuple[Level, ...] = ("绝密", "机密", "秘密")
LEVEL_RANK: dict[str, int] = {"秘密": 1, "机密": 2, "绝密": 3}
STATUTORY_MAX_YEARS: dict[str, int] = {"绝密": 30, "机密": 20, "秘密": 10}
LEVEL_EN: dict[str, str] = {"绝密": "TOP SECRET", "机密": "SECRET", "秘密": "CONFIDENTIAL"}

Region = Literal["top", "top_right", "header", "footer", "body", "table", "textbox", "props"]
TermKind = Literal["years", "months", "long_term", "date", "condition", "none"]
Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


class Block(NamedTuple):
    """One piece of text and where it stood.

    ``region`` classifies the place (the top-left block of page 1, a header, the body...);
    ``align`` is ``"right"`` or ``"center"`` when the source says so; ``struck`` is true when every
    character was struck through (a cancelled mark); ``order`` is the reading order in the file.
    A named tuple rather than a dataclass: documents hold thousands and tuples are built in C.
    """

    text: str
    location: str
    region: Region = "body"
    order: int = 0
    align: str | None = None
    struck: bool = False


# A spreadsheet's location: ``工作表!A1`` (a row, at its first filled cell), ``工作表!页眉2`` (a
# section of the printed header), ``工作表!页脚``; a sheet's name may hold dots and ``!``.
SHEET_PLACE = re.compile(r"(?P<sheet>.+)!(?:[A-Z]{1,3}[0-9]+|(?P<printed>页眉|页脚)[0-9]*)")


def sheet_of(location: str) -> str | None:
    """The sheet of a spreadsheet location, None for any other location."""
    found = None if location.startswith("props.") else SHEET_PLACE.fullmatch(location)
    return found.group("sheet") if found else None


SHEET_ROW = re.compile(r".+!(?P<column>[A-Z]{1,3})[0-9]+")


def first_column(location: str) -> int:
    """The column a table row's first cell stands in: a spreadsheet row (``工作表!C7``, whose text
    runs from its first filled cell, 0 for A) starts where its location says; a row of any other
    table (``table2.r3``, every cell in its text) at 0."""
    found = None if location.startswith("props.") else SHEET_ROW.fullmatch(location)
    if found is None:
        return 0
    n = 0
    for ch in found.group("column"):
        n = n * 26 + ord(ch) - 64
    return n - 1


# A title a document carries as a property, where officers also write the mark: a mail's
# subject (``props.mail.subject``; a forwarded mail's ``props.mail.forwarded1.subject``).
TITLE_PLACE = re.compile(r"props\.mail\.(?:forwarded\d+\.)?subject")


def in_title(location: str) -> bool:
    """Whether a location is a title property (a mail's subject)."""
    return TITLE_PLACE.fullmatch(location) is not None


def container_of(location: str) -> str:
    """The location without its last part: ``header.first.p2`` → ``header.first``. A sheet's
    rows are one container (``工作表!``, whose order is the rows'), its printed header another
    (``工作表!页眉``), its footer a third."""
    found = None if location.startswith("props.") else SHEET_PLACE.fullmatch(location)
    if found is not None:
        return f"{found.group('sheet')}!{found.group('printed') or ''}"
    return location.rsplit(".", 1)[0]


@dataclass(frozen=True)
class Term:
    """The part of a mark after the ★: a period, a date, a condition or nothing."""

    kind: TermKind
    years: int | None = None
    months: int | None = None
    until: dt.date | None = None
    condition: str | None = None
    raw: str = ""
    chinese_numerals: bool = False
    bracketed: bool = False
    invalid: bool = False

    def total_months(self) -> int | None:
        """Length in months for period terms, else None."""
        if self.kind not in ("years", "months"):
            return None
        return (self.years or 0) * 12 + (self.months or 0)


@dataclass(frozen=True)
class Marking:
    """One occurrence of a classification mark.

    ``form`` is ``line`` (``机密★10年`` standing alone), ``field`` (``密级：机密``) or ``property``
    (a document property). ``span`` indexes ``block_text`` so the raw text can always be shown.
    """

    level: Level
    term: Term
    raw: str
    location: str
    region: Region
    block_text: str
    span: tuple[int, int]
    form: Literal["line", "field", "property"] = "line"
    symbol: str = "★"
    spaced: bool = False
    star_present: bool = True
    struck: bool = False
    order: int = 0
    align: str | None = None
    in_lead: bool = False


@dataclass(frozen=True)
class Field:
    """A header element found beside the mark: 份号, 紧急程度, 知悉范围, a date, a 文号, a stamp."""

    kind: str
    value: str
    raw: str
    location: str
    order: int = 0
    region: Region = "body"
    in_lead: bool = False


@dataclass(frozen=True)
class DateField:
    """A 成文日期 and how it was written."""

    date: dt.date | None
    raw: str
    chinese: bool = False
    short_year: bool = False
    zero_padded: bool = False


@dataclass(frozen=True)
class Evidence:
    """Where a finding comes from: a location and the excerpt of text there."""

    location: str
    excerpt: str


@dataclass(frozen=True)
class Finding:
    """A rule of domain.md §6 that the document breaks (or an informational note)."""

    code: str
    severity: Severity
    message_zh: str
    message_en: str
    location: str | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class MarkSet:
    """Everything ``find_marks`` learnt about one document's marking."""

    markings: tuple[Marking, ...] = ()
    effective: Marking | None = None
    copy_number: Field | None = None
    copy_candidates: tuple[Field, ...] = ()
    urgency: Field | None = None
    scope: Field | None = None
    document_date: DateField | None = None
    document_date_field: Field | None = None
    doc_number: str | None = None
    is_gongwen: bool = False
    declass_stamp: Field | None = None
    work_secret: tuple[Field, ...] = ()
    lead: tuple[Field, ...] = field(default_factory=tuple)
    spacing_reliable: bool = True
    derived: bool = False
    stated: Field | None = None  # the text gives itself a level or period in prose
    # the order of the block where a document attached after the 落款 starts (the document a
    # 转发 forwards, a 附件), None when there is none
    attached: int | None = None
    # the effective mark stands in a document held after the text, not at the document's own
    # head (an unmarked 转发 holding a marked document)
    held: bool = False
