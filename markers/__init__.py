"""Pure mark finding and checking: text blocks with locations in, values out.

This package does no I/O and imports nothing outside the standard library, so it can be
tested on strings and reused by any front end. ``find_marks`` reads the blocks of one document
and returns a :class:`MarkSet`; ``check`` turns it into findings.
"""

from markers.checks import check
from markers.find import find_marks
from markers.models import (
    LEVELS,
    STATUTORY_MAX_YEARS,
    Block,
    Finding,
    Marking,
    MarkSet,
    Term,
)

__all__ = [
    "LEVELS",
    "STATUTORY_MAX_YEARS",
    "Block",
    "Finding",
    "MarkSet",
    "Marking",
    "Term",
    "check",
    "find_marks",
]
