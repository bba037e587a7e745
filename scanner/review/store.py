"""What the review app shows and saves: the files of an audit (from its state database), their
reports, and the reviewers' decisions (saved one by one as they are made, so two browser tabs or
two reviewers never overwrite each other's).

The audit may be run again while the app is open: the file list follows the database (checked
with SQLite's ``data_version`` at every use, and only the rows that changed are read again), so a
decision is made on the content the database holds now and files the new run added appear. A
file keeps its number for the life of the app (a page opened earlier still names the same file);
files added later are numbered after the others."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from scanner.audit.db import AuditDB, FileRow
from scanner.audit.run import DB_NAME
from scanner.decisions import FILE, Decision, Decisions, finding_key, finding_terms, fingerprint
from scanner.errors import ConfigError
from scanner.report.model import own_level


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
        self._files: list[FileEntry] = []
        self._seen: dict[str, tuple[object, ...]] = {}  # path → what its entry was built from
        self._version: int | None = None
        with self.lock:
            self._refresh()

    @property
    def files(self) -> list[FileEntry]:
        """The audited files as the database has them now, each at its number."""
        with self.lock:
            self._refresh()
            return self._files

    def _refresh(self) -> None:
        """Read the rows again when another connection (an audit run) committed since."""
        version = int(self.db.conn.execute("PRAGMA data_version").fetchone()[0])
        if version == self._version:
            return
        self._version = version
        files = list(self._files)
        number = {e.path: e.n for e in files}
        added = []
        for row in sorted(self.db.known().values(), key=lambda r: r.relative):
            state = (row.relative, row.sha256, row.key, row.status, row.scans, row.mtime_ns)
            if self._seen.get(row.path) == state:
                continue
            self._seen[row.path] = state
            if row.path in number:
                files[number[row.path]] = self._entry(number[row.path], row)
            else:
                added.append(row)
        for row in added:
            files.append(self._entry(len(files), row))
        self._files = files  # replaced whole: a request iterating the old list is undisturbed

    def _entry(self, n: int, row: FileRow) -> FileEntry:
        report = self.db.report_of(row.path) or {}
        mark = (report.get("marking") or {}).get("raw") or ""
        sha = (report.get("source") or {}).get("sha256") or row.sha256 or ""
        return FileEntry(n, row.path, row.relative, sha, row.status,
                         report.get("verdict") or row.status,
                         own_level(report) or "", mark,
                         tuple(f["code"] for f in report.get("findings") or []))

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


def needs_review(entry: FileEntry) -> bool:
    """Whether a file waits for a reviewer: it has findings (a clean file, or one with nothing
    found, does not)."""
    return bool(entry.codes)


def review_state(entry: FileEntry, decisions: Decisions) -> str:
    """``reviewed``, ``open`` (waits for a reviewer) or ``nothing`` (no findings, no
    conclusion: nothing to review)."""
    if reviewed(entry, decisions):
        return "reviewed"
    return "open" if needs_review(entry) else "nothing"


def copies(entry: FileEntry, files: list[FileEntry]) -> list[FileEntry]:
    """The other files with the same content (the same hash: a folder and its zip, a copy
    filed twice)."""
    if not entry.sha256:
        return []
    return [e for e in files if e.sha256 == entry.sha256 and e.n != entry.n]


def reviewed(entry: FileEntry, decisions: Decisions) -> bool:
    """A file is reviewed when it has a conclusion or every finding has a decision."""
    current = [d for d in decisions.for_path(entry.relative) if d.sha256 == entry.sha256]
    if any(d.code == FILE for d in current):
        return True
    decided = {d.code for d in current}
    return bool(entry.codes) and all(c in decided for c in entry.codes)
