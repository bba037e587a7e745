"""Opening the embedded SQLite state databases (the watcher's and the audit's) the same way:
created owner-only before SQLite touches them, WAL mode, autocommit unless a batch is begun."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scanner.fsutil import create_private, make_dirs


def open_database(path: Path, schema: str, timeout: float) -> sqlite3.Connection:
    """Open (and create, owner-only, before SQLite touches it) a WAL database with ``schema``;
    autocommit unless a transaction is begun."""
    make_dirs(path.parent)
    if not path.exists():
        create_private(path)
    conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(schema)
    return conn
