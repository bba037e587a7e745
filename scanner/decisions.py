"""Reviewers' decisions on findings and files, and how they change a report.

A decision on a finding is *confirmed* or *dismissed* (with a reason: false alarm, accepted, not
applicable) and a note; a decision on a file is the officer's conclusion (维持, 变更为 <mark>, 解密,
撤销标志, 定密 <mark> for an unmarked file that should be classified, 延长保密期限 <mark>). Each
carries who made it and when. A finding's decision is keyed by a fingerprint of the file's
content hash, the finding code, the catalogue items it names and its location, so it
survives re-audits while the content is unchanged; when the file changes, the decision is *stale*:
shown in the report, not applied.

Applied to a report (its JSON form): a dismissed finding moves from ``findings`` to ``suppressed``
(with who and why) and no longer counts toward the verdict, the exit code or the statistics; a
confirmed one stays, with its decision; stale decisions are listed apart; a conclusion is shown.

The portable form is a YAML file (``decisions.yaml``), one entry per decision, sorted, so it
diffs well under version control.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from markers import STATUTORY_MAX_YEARS
from markers.lines import MAX_LINE, parse_mark_line
from rules.yamlnodes import AliasFound, DuplicateKey, compose, refuse_aliases, to_python
from scanner.errors import ConfigError
from scanner.report.model import verdict_of
from scanner.yamlconf import ALIAS

KINDS = ("confirmed", "dismissed", "conclusion")
REASONS = ("false_alarm", "accepted", "not_applicable")
CONCLUSIONS = ("维持", "变更", "解密", "撤销标志", "定密", "延长保密期限")
WITH_MARK = ("变更", "定密", "延长保密期限")  # conclusions that name the mark the file gets
FILE = "FILE"  # the code of a file's conclusion
_ITEM = re.compile(r"^\[([^\]]+)\]")


@dataclass(frozen=True)
class Decision:
    """One reviewer's decision."""

    path: str  # the file, relative to the audited folder (as in the ledger)
    sha256: str  # the content it was made on
    code: str  # the finding code, or FILE for a conclusion
    decision: str  # confirmed | dismissed | conclusion
    by: str
    at: str  # ISO date and time
    item: str = ""  # catalogue items the finding names (sorted, comma-joined)
    location: str = ""
    reason: str = ""  # for a dismissal
    note: str = ""
    conclusion: str = ""  # for a file: 维持 | 变更 | 解密 | 撤销标志 | 定密 | 延长保密期限
    mark: str = ""  # the new mark of 变更, 定密 or 延长保密期限
    terms: tuple[str, ...] = field(default=())  # the catalogue terms the finding showed

    @property
    def fingerprint(self) -> str:
        """Content hash + code + items + location: the same finding on the same content."""
        return fingerprint(self.sha256, self.code, self.item, self.location)

    def to_yaml(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if v not in ("", ())}
        if self.terms:
            out["terms"] = list(self.terms)
        return {"fingerprint": self.fingerprint, **out}


def fingerprint(sha256: str, code: str, item: str, location: str) -> str:
    """The key of a finding's decision."""
    return hashlib.sha256("\x1f".join((sha256, code, item, location)).encode()).hexdigest()[:20]


def finding_key(finding: dict[str, Any]) -> tuple[str, str, str]:
    """(code, items, location) of a finding in a report's JSON form."""
    items = sorted({m.group(1) for e in finding.get("evidence") or []
                    if (m := _ITEM.match(e.get("excerpt") or ""))})
    return finding["code"], ",".join(items), finding.get("location") or ""


def finding_terms(finding: dict[str, Any]) -> tuple[str, ...]:
    """The catalogue terms a verdict's evidence shows (``【term】``)."""
    found = [m.group(1) for e in finding.get("evidence") or []
             for m in re.finditer(r"【([^】]+)】", e.get("excerpt") or "")]
    return tuple(dict.fromkeys(found))


def validate(d: Decision) -> None:
    """Raise ValueError when ``d`` is not a decision the reports know."""
    if d.decision not in KINDS:
        raise ValueError(f"decision must be one of {', '.join(KINDS)}")
    if d.decision == "dismissed" and d.reason not in REASONS:
        raise ValueError(f"a dismissal needs a reason: {', '.join(REASONS)}")
    if d.decision == "conclusion" and (d.code != FILE or d.conclusion not in CONCLUSIONS):
        raise ValueError(f"a conclusion is one of {'、'.join(CONCLUSIONS)}, on the file")
    if d.conclusion in WITH_MARK and not d.mark:
        raise ValueError(f"{d.conclusion} needs the new mark")
    if d.conclusion in WITH_MARK and not valid_mark(d.mark):
        raise ValueError(f"{d.conclusion} needs a well-formed new mark such as 机密★10年, "
                         f"not {d.mark[:40]!r}")
    if not d.by.strip():
        raise ValueError("a decision needs the reviewer's name")


def valid_mark(mark: str) -> bool:
    """Whether ``mark`` is a mark in its standard form: a level alone, or a level, ★ and a lawful
    term (a period within the statutory maximum, 长期, a date or a condition), nothing else."""
    if not mark or len(mark) > MAX_LINE or mark != mark.strip() or any(c.isspace() for c in mark):
        return False
    line = parse_mark_line(mark)
    if (line is None or line.level is None or line.label is not None or line.spaced
            or line.declass_inline or line.work_secret is not None):
        return False
    term = line.term
    if not line.star_present:
        return term.kind == "none" and mark == line.level
    if (line.symbol != "★" or term.kind == "none" or term.invalid or term.bracketed
            or term.chinese_numerals):
        return False
    months = term.total_months()
    return months is None or 0 < months <= STATUTORY_MAX_YEARS[line.level] * 12


def now() -> str:
    """The time a decision is made, to the second, local."""
    return dt.datetime.now().replace(microsecond=0).isoformat()


class Decisions:
    """A set of decisions, indexed for applying them to reports."""

    def __init__(self, decisions: Iterable[Decision] = ()) -> None:
        self.by_key: dict[tuple[str, str], Decision] = {}
        self.by_path: dict[str, dict[str, Decision]] = {}  # path → key → decision
        for d in decisions:
            self.add(d)

    def add(self, d: Decision) -> None:
        """Add or replace (the same finding, or the same file's conclusion, decided again)."""
        key = (d.path, d.fingerprint) if d.code != FILE else (d.path, f"{FILE}:{d.sha256}")
        self.by_key[key] = d
        self.by_path.setdefault(d.path, {})[key[1]] = d

    def __iter__(self) -> Iterator[Decision]:
        return iter(sorted(self.by_key.values(),
                           key=lambda d: (d.path, d.code, d.location, d.item, d.fingerprint)))

    def __len__(self) -> int:
        return len(self.by_key)

    def for_path(self, path: str) -> list[Decision]:
        """The decisions on the file at ``path`` (an index: the review list asks for every
        file)."""
        return list(self.by_path.get(path, {}).values())

    def digest(self) -> str:
        """Changes whenever any decision does (part of an audit's settings key)."""
        return hashlib.sha256(dump(self).encode("utf-8")).hexdigest()[:16]


def dump(decisions: Decisions) -> str:
    """The YAML text of ``decisions``: one entry per decision, sorted."""
    body = {"decisions": [d.to_yaml() for d in decisions]}
    return ("# dingmi 审核决定 / review decisions (dingmi review, --decisions)\n"
            + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100))


def decision_of(entry: dict[str, Any]) -> Decision:
    """A decision from its YAML/JSON entry (ValueError or TypeError when it is not one)."""
    names = set(Decision.__dataclass_fields__)
    values: dict[str, Any] = {k: str(v) for k, v in entry.items() if k in names and k != "terms"}
    values["terms"] = tuple(str(t) for t in entry.get("terms") or ())
    d = Decision(**values)
    validate(d)
    return d


def _read(path: Path) -> Any:
    """The plain value of the YAML (or JSON) file at ``path``. Aliases are refused before any
    value is built, as in catalogues and settings: a few hundred bytes of nested aliases expand
    into gigabytes."""
    try:
        node = compose(path.read_text(encoding="utf-8"))
        if node is None:
            return None
        refuse_aliases(node)
        return to_python(node, (), {})
    except AliasFound as exc:
        where = f"{path}:{exc.line}"
        raise ConfigError(f"审核决定文件 {where}：{ALIAS.zh}",
                          f"the decisions file {where}: {ALIAS.en}") from exc
    except DuplicateKey as exc:
        where = f"{path}:{exc.line}"
        raise ConfigError(f"审核决定文件 {where}：键 {exc.key} 重复",
                          f"the decisions file {where}: the key {exc.key} is given twice") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"无法读取审核决定文件 {path}：{why}",
                          f"cannot read the decisions file {path}: {why}") from exc


def load(path: Path) -> Decisions:
    """The decisions in a YAML (or JSON) file; a clear error when it is not one."""
    data = _read(path)
    entries = data.get("decisions") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"审核决定文件 {path} 应有 decisions 列表",
                          f"the decisions file {path} needs a 'decisions' list")
    out = Decisions()
    for i, entry in enumerate(entries, 1):
        try:
            if not isinstance(entry, dict):
                raise ValueError("an entry must be a mapping")
            d = decision_of(entry)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"审核决定文件 {path} 第 {i} 条有误：{exc}",
                              f"the decisions file {path}, entry {i}: {exc}") from exc
        out.add(d)
    return out


def _shown(d: Decision) -> dict[str, Any]:
    return {k: v for k, v in asdict(d).items() if v not in ("", ())}


def apply(report: dict[str, Any], decisions: Decisions | None) -> dict[str, Any]:
    """``report`` (a JSON form) with the decisions on its file applied; the verdict follows."""
    if decisions is None or not len(decisions):
        return report
    source = report["source"]
    path = source.get("relative") or source["path"]
    mine = decisions.for_path(path)
    if not mine:
        return report
    sha = source.get("sha256") or ""
    current = {d.fingerprint: d for d in mine if d.sha256 == sha and d.code != FILE}
    kept, suppressed = [], []
    for f in report["findings"]:
        code, item, location = finding_key(f)
        d = current.get(fingerprint(sha, code, item, location))
        if d is not None and d.decision == "dismissed":
            suppressed.append({**f, "suppressed": _shown(d)})
            continue
        kept.append({**f, "decision": _shown(d)} if d is not None else f)
    verdict_codes = {v["code"] for v in report["verdicts"]}
    out = {**report, "findings": kept, "suppressed": suppressed,
           "verdicts": [f for f in kept if f["code"] in verdict_codes],
           "stale_decisions": [_shown(d) for d in mine if d.sha256 != sha],
           "verdict": verdict_of(report["status"], (f["severity"] for f in kept))}
    conclusion = [d for d in mine if d.code == FILE and d.sha256 == sha]
    if conclusion:
        out["conclusion"] = _shown(conclusion[0])
    return out
