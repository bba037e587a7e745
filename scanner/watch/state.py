"""The embedded SQLite state database: one row per scanned file.

WAL mode, one writer. A report is written (atomically) before its row is committed, so a crash
between the two repeats the scan and never loses it. ``done`` answers "was this exact content at
this path already reported with this engine and these catalogues?", which makes processing
exactly-once across restarts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from scanner.dbfile import open_owned

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path BLOB NOT NULL,  -- the file system's bytes (names need not be UTF-8)
    sha256 TEXT NOT NULL,
    size INTEGER,
    mtime_ns INTEGER,
    status TEXT NOT NULL,
    verdict TEXT,
    report_path TEXT,
    engine TEXT NOT NULL,
    catalogs TEXT NOT NULL,
    scanned_at REAL NOT NULL,
    moved_to TEXT,
    PRIMARY KEY (path, sha256, engine, catalogs)
);
CREATE INDEX IF NOT EXISTS files_path ON files(path);
"""


def _b(text: str | None) -> bytes | None:
    """A path as the bytes the file system gave (names need not be UTF-8)."""
    return None if text is None else text.encode("utf-8", "surrogateescape")


def _s(data: bytes | str | None) -> str | None:
    if data is None or isinstance(data, str):
        return data
    return data.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Row:
    """One recorded scan."""

    path: str
    sha256: str
    size: int | None
    mtime_ns: int | None
    status: str
    verdict: str | None
    report_path: str | None
    moved_to: str | None


class StateDB:
    """Open (and create, owner-only) the state database at ``path``."""

    def __init__(self, path: Path, *, exclusive: bool = False) -> None:
        self.path = path
        # the watcher's own: one per state
        self.conn, self.lock = open_owned(path, SCHEMA, 30, exclusive=exclusive)

    def close(self) -> None:
        """Close the connection (and give the lock up)."""
        self.conn.close()
        if self.lock is not None:
            self.lock.release()

    def done(self, path: str, sha256: str, engine: str, catalogs: str) -> bool:
        """True when this content at this path was already reported by this engine/catalogues."""
        cur = self.conn.execute(
            "SELECT 1 FROM files WHERE path=? AND sha256=? AND engine=? AND catalogs=?",
            (_b(path), sha256, engine, catalogs))
        return cur.fetchone() is not None

    def known_stat(self, path: str) -> tuple[tuple[int, int], bool] | None:
        """(size, mtime_ns) of the latest row for ``path`` (a cheap "unchanged?" test), and
        whether that file was moved away (by a pre-issue gate: what is at the path now arrived
        since)."""
        cur = self.conn.execute(
            "SELECT size, mtime_ns, moved_to FROM files WHERE path=? ORDER BY scanned_at DESC "
            "LIMIT 1", (_b(path),))
        row = cur.fetchone()
        return ((row[0], row[1]), row[2] is not None) if row else None

    def report_path(self, path: str) -> str | None:
        """Where the latest report of ``path`` was written (None: never reported)."""
        cur = self.conn.execute(
            "SELECT report_path FROM files WHERE path=? ORDER BY scanned_at DESC LIMIT 1",
            (_b(path),))
        row = cur.fetchone()
        return _s(row[0]) if row else None

    def begin(self) -> None:
        """Start a batch: rows recorded until :meth:`commit` are committed together (a crash
        before then repeats those scans; their reports are already on disk)."""
        self.conn.execute("BEGIN")

    def commit(self) -> None:
        """Commit the batch."""
        self.conn.execute("COMMIT")

    def record(self, row: Row, engine: str, catalogs: str) -> None:
        """Record one scan (after its report is on disk); committed now unless in a batch."""
        self.conn.execute(
            "INSERT OR REPLACE INTO files (path, sha256, size, mtime_ns, status, verdict, "
            "report_path, engine, catalogs, scanned_at, moved_to) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (_b(row.path), row.sha256, row.size, row.mtime_ns, row.status, row.verdict,
             _b(row.report_path), engine, catalogs, time.time(), _b(row.moved_to)))

    def rows(self) -> list[Row]:
        """Every recorded scan (tests and statistics)."""
        cur = self.conn.execute("SELECT path, sha256, size, mtime_ns, status, verdict, "
                                "report_path, moved_to FROM files ORDER BY path")
        return [Row(_s(r[0]) or "", r[1], r[2], r[3], r[4], r[5], _s(r[6]), _s(r[7]))
                for r in cur.fetchall()]
