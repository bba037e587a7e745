"""Exit codes, in one place: 0 clean, 1 findings at or above the threshold, 2 usage or
configuration error, 3 some file could not be read (unreadable or unsupported)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markers.models import SEVERITY_RANK

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130

Outcome = tuple[str, Iterable[str]]  # a file's status and the severities of its findings


def exit_code(files: Iterable[Outcome], fail_on: str = "error") -> int:
    """The process exit code for files given as (status, severities): 3 when one could not be
    read, else 1 when one has a finding at ``fail_on`` or worse (``never``: no finding counts),
    else 0."""
    unread = findings = False
    threshold = SEVERITY_RANK.get(fail_on)
    for status, severities in files:
        if status != "ok":
            unread = True
        elif threshold is not None and not findings:
            findings = any(SEVERITY_RANK[s] >= threshold for s in severities)
    if unread:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if findings else EXIT_CLEAN


def of_report(report: dict[str, Any]) -> Outcome:
    """A report's JSON form as an :data:`Outcome`."""
    return report["status"], [f["severity"] for f in report["findings"]]
