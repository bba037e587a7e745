"""The audit's state database: what each file gave, keyed so that nothing is done twice.

Three tables (and ``meta``), one SQLite file in WAL mode beside the audit's outputs:

- ``texts``: a file's extracted text and locations (compressed), or why it could not be extracted,
  by content hash and engine. A catalogue edit, another as-of date, or the same content found again
  under another name is assessed from here without extracting again.
- ``files``: each path with the size and mtime it had, its content hash, the *settings key*
  (engine, catalogue hashes, as-of date, authority, language...) and its report (compressed JSON),
  and how many times it was processed (``scans``) and extracted (``extractions``). An unchanged
  file under the same key is recognised from its stat alone, so a second run over an unchanged
  archive reads and hashes nothing.
- ``decisions``: reviewers' decisions (:mod:`scanner.decisions`), written by ``dingmi review`` as
  they are made (one row each, so two reviewers never overwrite each other's) and imported from a
  decisions file by ``audit --decisions``.

Only the audit's main process writes; workers open the database read-only to look up content
they have hashed (:class:`scanner.workers.task.TextStore`). Rows are committed in batches after
their reports are on disk, so a crash repeats at most the files of one batch and never loses one.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markers.models import Block
from scanner import ENGINE
from scanner.dbfile import open_owned
from scanner.decisions import FILE, Decision, Decisions, decision_of
from scanner.report import unpack_json
from scanner.workers.task import TEXTS_TABLE

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TEXTS_TABLE} (
    sha256 TEXT NOT NULL,
    engine TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (sha256, engine)
);
CREATE TABLE IF NOT EXISTS files (
    path BLOB PRIMARY KEY,  -- the file system's bytes (names need not be UTF-8)
    relative BLOB NOT NULL,
    size INTEGER,
    mtime_ns INTEGER,
    sha256 TEXT,
    key TEXT NOT NULL,
    status TEXT NOT NULL,
    scans INTEGER NOT NULL DEFAULT 0,
    extractions INTEGER NOT NULL DEFAULT 0,
    report BLOB
);
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    key TEXT PRIMARY KEY,  -- the path and the finding's fingerprint (or the file's conclusion)
    path BLOB NOT NULL,
    data TEXT NOT NULL  -- the decision as JSON
);
"""


def _b(text: str) -> bytes:
    """A path as the bytes the file system gave (names need not be UTF-8)."""
    return text.encode("utf-8", "surrogateescape")


def _s(data: bytes | str) -> str:
    return data.decode("utf-8", "surrogateescape") if isinstance(data, bytes) else data


@dataclass(frozen=True)
class FileRow:
    """What the database knows of one path."""

    path: str
    relative: str
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    key: str
    status: str
    scans: int


class AuditDB:
    """The main process's read-write handle (creates the file owner-only)."""

    def __init__(self, path: Path, *, exclusive: bool = False) -> None:
        self.path = path
        # the audit's own: one run per output
        self.conn, self.lock = open_owned(path, SCHEMA, 60, exclusive=exclusive)
        self.pending = 0

    def close(self) -> None:
        """Commit what is pending, close, give the lock up."""
        try:
            self.flush()
            self.conn.close()
        finally:
            if self.lock is not None:
                self.lock.release()

    def flush(self) -> None:
        """Commit the current batch."""
        if self.pending:
            self.conn.execute("COMMIT")
            self.pending = 0

    def _write(self, sql: str, args: tuple[Any, ...]) -> None:
        if not self.pending:
            self.conn.execute("BEGIN")
        self.conn.execute(sql, args)
        self.pending += 1

    def known(self) -> dict[str, FileRow]:
        """Every recorded path."""
        cur = self.conn.execute("SELECT path, relative, size, mtime_ns, sha256, key, status, "
                                "scans FROM files")
        rows = (FileRow(_s(r[0]), _s(r[1]), *r[2:]) for r in cur.fetchall())
        return {row.path: row for row in rows}

    def report_of(self, path: str) -> dict[str, Any] | None:
        """The stored report for ``path`` (as it was recorded for that path)."""
        row = self.conn.execute("SELECT report FROM files WHERE path=?",
                                (_b(path),)).fetchone()
        return unpack_json(row[0]) if row and row[0] is not None else None

    def blocks_of(self, sha256: str | None) -> list[Block] | None:
        """The text blocks extracted from this content by this engine (None: not stored, or
        the content could not be extracted)."""
        if not sha256:
            return None
        row = self.conn.execute(f"SELECT data FROM {TEXTS_TABLE} WHERE sha256=? AND engine=?",
                                (sha256, ENGINE)).fetchone()
        if row is None:
            return None
        body = json.loads(zlib.decompress(row[0]))
        return [Block(*b) for b in body.get("blocks") or []] if "blocks" in body else None

    def record(self, row: FileRow, report: bytes, text: bytes | None, *, processed: bool) -> None:
        """Record a file's result (its report already on disk). ``processed`` counts a scan;
        ``text`` is given when the file was extracted (which is counted too)."""
        if text is not None and row.sha256:
            self._write("INSERT OR IGNORE INTO texts (sha256, engine, data) VALUES (?,?,?)",
                        (row.sha256, ENGINE, text))
        self._write(
            "INSERT INTO files (path, relative, size, mtime_ns, sha256, key, status, scans, "
            "extractions, report) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(path) DO UPDATE SET "
            "relative=excluded.relative, size=excluded.size, mtime_ns=excluded.mtime_ns, "
            "sha256=excluded.sha256, key=excluded.key, status=excluded.status, "
            "scans=files.scans + excluded.scans, "
            "extractions=files.extractions + excluded.extractions, report=excluded.report",
            (_b(row.path), _b(row.relative), row.size, row.mtime_ns, row.sha256, row.key,
             row.status, 1 if processed else 0, 1 if text is not None else 0, report))

    def get_meta(self, name: str) -> str | None:
        """A stored setting (for example the digest of the last outputs)."""
        row = self.conn.execute("SELECT value FROM meta WHERE name=?", (name,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, name: str, value: str) -> None:
        """Store a setting (committed with the current batch)."""
        self._write("INSERT OR REPLACE INTO meta (name, value) VALUES (?,?)", (name, value))

    def decisions(self) -> Decisions:
        """Every decision stored."""
        rows = self.conn.execute("SELECT data FROM decisions ORDER BY key").fetchall()
        return Decisions(decision_of(json.loads(r[0])) for r in rows)

    def save_decision(self, d: Decision) -> None:
        """Store one decision at once (it replaces the same finding's or file's earlier one)."""
        key = (f"{d.path}\x1f{FILE}:{d.sha256}" if d.code == FILE
               else f"{d.path}\x1f{d.fingerprint}")
        self.flush()
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO decisions (key, path, data) VALUES (?,?,?)",
                              (key, _b(d.path), json.dumps(d.to_yaml(), ensure_ascii=False)))
