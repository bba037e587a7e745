"""Exit codes, in one place: 0 clean, 1 findings at or above the threshold, 2 usage or
configuration error, 3 some file could not be read (unreadable or unsupported)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markers.models import SEVERITY_RANK
from scanner.report import FileReport

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3


def exit_code(reports: Iterable[FileReport], fail_on: str = "error") -> int:
    """The process exit code for a set of reports."""
    unread = findings = False
    for r in reports:
        if r.status != "ok":
            unread = True
        elif fail_on != "never" and r.worst_at_least(fail_on):
            findings = True
    if unread:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if findings else EXIT_CLEAN


def json_exit_code(reports: Iterable[dict[str, Any]], fail_on: str = "never") -> int:
    """:func:`exit_code` for reports in their JSON form (``scan`` and ``audit``)."""
    unread = findings = False
    for r in reports:
        if r["status"] != "ok":
            unread = True
        elif fail_on != "never" and any(
                SEVERITY_RANK[f["severity"]] >= SEVERITY_RANK[fail_on] for f in r["findings"]):
            findings = True
    if unread:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if findings else EXIT_CLEAN
