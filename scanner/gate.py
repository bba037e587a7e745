"""The gate policy (``fail_on``): which findings hold a document back, and why.

A policy is a severity threshold (``error``, ``warning``, ``info``; ``never``: none) and finding
codes that hold whatever their severity. ``pre-issue``, the default of a pre-issue folder and of
``POST /api/v1/check``, holds on errors and on the catalogue and text findings that say a
document is likely classified and not (or too lowly) marked: UNMARKED_MATCH, UNDER_CLASSIFIED,
LEVEL_STATED_UNMARKED, and the MARK_POSITION of a mark that stands only in a document it holds
(an unmarked 转发 of a classified document). A file that could not be read is always held.

Written as ``error``, ``pre-issue``, ``error,UNMARKED_MATCH`` or a YAML list of those words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from markers.codes import CODES
from markers.models import SEVERITY_RANK
from scanner.codenames import code_name
from scanner.messages import Msg
from scanner.verdicts import VERDICT_CODES

SEVERITIES = ("error", "warning", "info", "never")
PRE_ISSUE = "pre-issue"
PRE_ISSUE_CODES = ("UNMARKED_MATCH", "UNDER_CLASSIFIED", "LEVEL_STATED_UNMARKED")
KNOWN_CODES = frozenset({*CODES, *VERDICT_CODES, "OCR_LOW_CONFIDENCE"})
BAD = Msg("fail_on 应为 error、warning、info、never、pre-issue 或发现代码（逗号分隔），"
          "不认识：{word}",
          "fail_on must be error, warning, info, never, pre-issue or finding codes "
          "(comma-separated); unknown: {word}")
UNREAD = Msg("文件未能读取，内容未检查", "the file could not be read: its content was not checked")


@dataclass(frozen=True)
class FailOn:
    """A gate policy: findings at ``severity`` or worse hold, and so do ``codes``."""

    severity: str | None = "error"  # None: no severity holds by itself
    codes: frozenset[str] = frozenset()
    # pre-issue: a document whose only mark stands in a document it holds (an unmarked 转发 of a
    # classified document) is held by that mark's MARK_POSITION
    held: bool = False

    @property
    def text(self) -> str:
        """The policy written back as it is read (``error,UNMARKED_MATCH``, ``pre-issue``)."""
        codes = sorted(self.codes - set(PRE_ISSUE_CODES)) if self.held else sorted(self.codes)
        words = ([PRE_ISSUE] if self.held else []) + (
            [self.severity] if self.severity and not (self.held and self.severity == "error")
            else []) + codes
        return ",".join(words) or "never"

    def holds(self, finding: dict[str, Any]) -> bool:
        """Whether a finding (a report's JSON form) holds the document."""
        if finding["code"] in self.codes:
            return True
        return (self.severity is not None
                and SEVERITY_RANK[finding["severity"]] >= SEVERITY_RANK[self.severity])


DEFAULT_PRE_ISSUE = FailOn("error", frozenset(PRE_ISSUE_CODES), held=True)


def parse(value: str | Sequence[str]) -> FailOn:
    """The policy ``value`` writes; ValueError (its message a :class:`Msg` ``.args[0]``) when a
    word is none of the severities, ``pre-issue`` or a finding code."""
    words = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    severity: str | None = None
    codes: set[str] = set()
    rank = -1
    held = False
    for raw in words:
        word = raw.strip()
        if not word:
            continue
        if word == PRE_ISSUE:
            word = "error"
            codes.update(PRE_ISSUE_CODES)
            held = True
        if word in SEVERITY_RANK:
            if rank < 0 or SEVERITY_RANK[word] < rank:  # the lowest threshold named wins
                severity, rank = word, SEVERITY_RANK[word]
        elif word == "never":
            continue
        elif word.upper() in KNOWN_CODES:
            codes.add(word.upper())
        else:
            raise ValueError(BAD.format(word=word))
    return FailOn(severity, frozenset(codes), held)


def reasons(report: dict[str, Any], policy: FailOn) -> list[dict[str, Any]]:
    """Why the gate holds the document of ``report`` (its JSON form): each finding that holds,
    with the code's Chinese and English names and the finding's messages; an unread file is
    held with its reason. Empty: it may pass."""
    if report["status"] != "ok":
        name = code_name(report["status"])
        return [{"code": report["status"].upper(), "severity": "error",
                 "name_zh": name.zh, "name_en": name.en,
                 "message_zh": report.get("reason_zh") or UNREAD.zh,
                 "message_en": report.get("reason_en") or UNREAD.en, "location": None}]
    out = []
    held = policy.held and bool((report.get("marking") or {}).get("held"))
    for f in report["findings"]:
        if policy.holds(f) or (held and f["code"] == "MARK_POSITION"):
            name = code_name(f["code"])
            out.append({"code": f["code"], "severity": f["severity"], "name_zh": name.zh,
                        "name_en": name.en, "message_zh": f["message_zh"],
                        "message_en": f["message_en"], "location": f.get("location")})
    return out


def passes(reports: Iterable[dict[str, Any]], policy: FailOn) -> bool:
    """Whether every report passes the gate."""
    return not any(reasons(r, policy) for r in reports)


def catalogue_used(report: dict[str, Any]) -> bool:
    """Whether the report's content was matched against a catalogue (保密事项范围)."""
    return bool(report.get("catalogs"))


NO_CATALOG_CHECK = Msg("未使用保密事项目录：内容未与任何保密事项范围比对，“通过”只说明标志格式",
                       "no catalogue used: the content was not checked against any catalogue "
                       "(保密事项范围); a pass speaks for the mark's form only")
