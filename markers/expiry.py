"""When a mark's period ends: document date + period, a 解密时间, or never (长期, conditions)."""

from __future__ import annotations

import datetime as dt

from markers.models import STATUTORY_MAX_YEARS, Marking


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamping to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError("unreachable")  # pragma: no cover


def effective_months(marking: Marking) -> int | None:
    """The period in months that counts: the term, or the statutory maximum when missing."""
    term = marking.term
    if term.kind in ("years", "months") and not term.invalid:
        return term.total_months()
    if term.kind == "none":
        return STATUTORY_MAX_YEARS[marking.level] * 12
    return None


def expires_on(marking: Marking, document_date: dt.date | None) -> dt.date | None:
    """The last day of secrecy, or None when it cannot be computed (condition, 长期, no date)."""
    if marking.term.kind == "date":
        return marking.term.until
    months = effective_months(marking)
    if months is None or document_date is None:
        return None
    try:
        return add_months(document_date, months)
    except (ValueError, OverflowError):
        return None
