"""Exit codes, in one place: 0 clean, 1 findings the gate policy (``--fail-on``) holds, 2 usage or
configuration error, 3 some file could not be read (unreadable or unsupported)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scanner.gate import FailOn, parse

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130

# A file's status, the severities of its findings and (optionally) their codes and whether its
# only mark stands in a document it holds (``marking.held``).
Outcome = (tuple[str, Iterable[str]] | tuple[str, Iterable[str], Iterable[str]]
           | tuple[str, Iterable[str], Iterable[str], bool])


def exit_code(files: Iterable[Outcome], fail_on: str | FailOn = "error") -> int:
    """The process exit code for files given as (status, severities[, codes]): 3 when one could
    not be read, else 1 when one has a finding the policy ``fail_on`` holds (a severity
    threshold such as ``error``, finding codes, ``pre-issue``; ``never``: none), else 0."""
    policy = parse(fail_on) if isinstance(fail_on, str) else fail_on
    unread = findings = False
    for status, severities, *rest in files:
        if status != "ok":
            unread = True
        elif not findings:
            codes = [str(c) for c in rest[0]] if rest else []  # type: ignore[attr-defined]
            held = policy.held and len(rest) > 1 and bool(rest[1]) and "MARK_POSITION" in codes
            findings = (any(policy.holds({"code": "", "severity": s}) for s in severities)
                        or any(c in policy.codes for c in codes) or held)
    if unread:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if findings else EXIT_CLEAN


def of_report(report: dict[str, Any]) -> tuple[str, list[str], list[str], bool]:
    """A report's JSON form as an :data:`Outcome`."""
    return (report["status"], [f["severity"] for f in report["findings"]],
            [f["code"] for f in report["findings"]],
            bool((report.get("marking") or {}).get("held")))
