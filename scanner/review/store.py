"""What the review app shows and saves: the files of an audit (from its state database), their
reports, and the reviewers' decisions (saved one by one as they are made, so two browser tabs or
two reviewers never overwrite each other's)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from scanner.audit.db import AuditDB
from scanner.audit.run import DB_NAME
from scanner.decisions import FILE, Decision, Decisions, finding_key, finding_terms, fingerprint
from scanner.errors import ConfigError


@dataclass(frozen=True)
class FileEntry:
    """One audited file as the list shows it."""

    n: int  # its place in the list (the file page's address: no path ever travels in a URL)
    path: str  # the key in the state database
    relative: str
    sha256: str
    status: str
    verdict: str
    level: str
    mark: str
    codes: tuple[str, ...]

    @property
    def folder(self) -> str:
        return str(PurePosixPath(self.relative).parent)


class AuditStore:
    """An audit folder opened for review."""

    def __init__(self, folder: Path) -> None:
        db_path = folder / DB_NAME
        if not db_path.is_file():
            raise ConfigError(f"{folder} 不是审核输出目录（缺少 {DB_NAME}）",
                              f"{folder} is not an audit's output folder (no {DB_NAME})")
        self.folder = folder
        self.lock = threading.Lock()  # one SQLite connection, shared by the server's threads
        self.db = AuditDB(db_path)
        self.db.conn.execute("PRAGMA busy_timeout=10000")
        self.files = self._files()

    def _files(self) -> list[FileEntry]:
        known = sorted(self.db.known().values(), key=lambda r: r.relative)
        out: list[FileEntry] = []
        for row in known:
            report = self.db.report_of(row.path) or {}
            mark = (report.get("marking") or {}).get("raw") or ""
            out.append(FileEntry(len(out), row.path, row.relative, row.sha256 or "", row.status,
                                 report.get("verdict") or row.status,
                                 report.get("classification") or "", mark,
                                 tuple(f["code"] for f in report.get("findings") or [])))
        return out

    def report(self, entry: FileEntry) -> dict[str, Any]:
        with self.lock:
            return self.db.report_of(entry.path) or {}

    def decisions(self) -> Decisions:
        with self.lock:
            return self.db.decisions()

    def save(self, d: Decision) -> None:
        with self.lock:
            self.db.save_decision(d)

    def close(self) -> None:
        with self.lock:
            self.db.close()


def finding_views(report: dict[str, Any], decisions: Decisions, relative: str
                  ) -> list[dict[str, Any]]:
    """The findings of a report with their fingerprint and current decision (if any)."""
    sha = report.get("source", {}).get("sha256") or ""
    mine = {d.fingerprint: d for d in decisions.for_path(relative)
            if d.sha256 == sha and d.code != FILE}
    out = []
    for f in report.get("findings") or []:
        code, item, location = finding_key(f)
        fp = fingerprint(sha, code, item, location)
        out.append({**f, "fingerprint": fp, "item": item, "terms": list(finding_terms(f)),
                    "decision": mine.get(fp)})
    return out


def stale(decisions: Decisions, relative: str, sha: str) -> list[Decision]:
    """Decisions made on another content of this file: shown, not applied."""
    return [d for d in decisions.for_path(relative) if d.sha256 != sha]


def conclusion(decisions: Decisions, relative: str, sha: str) -> Decision | None:
    return next((d for d in decisions.for_path(relative) if d.code == FILE and d.sha256 == sha),
                None)


def reviewed(entry: FileEntry, decisions: Decisions) -> bool:
    """A file is reviewed when it has a conclusion or every finding has a decision."""
    current = [d for d in decisions.for_path(entry.relative) if d.sha256 == entry.sha256]
    if any(d.code == FILE for d in current):
        return True
    decided = {d.code for d in current}
    return bool(entry.codes) and all(c in decided for c in entry.codes)
