"""Opening the embedded SQLite state databases (the watcher's and the audit's) the same way:
created owner-only before SQLite touches them, WAL mode, autocommit unless a batch is begun;
checked at open (a damaged file or one of another schema is a clear error, never silently
reused); and, for the process that owns one, an exclusive lock so that a second watcher or audit
on the same state stops at once instead of processing files twice."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from pathlib import Path

from scanner.errors import ConfigError
from scanner.fsutil import FILE_MODE, create_private, make_dirs
from scanner.messages import Msg

SCHEMA_VERSION = 1
DAMAGED = Msg("状态数据库 {path} 已损坏或不是数据库（{why}）。请保留该文件以便排查：将它移到别处，"
              "再运行同一命令（所有文件会重新处理）",
              "the state database {path} is damaged or not a database ({why}). Keep it for "
              "inspection: move it aside and run the same command again (every file will be "
              "processed again)")
NEWER = Msg("状态数据库 {path} 由更新版本的 dingmi 创建（结构版本 {version}），本版本无法使用",
            "the state database {path} was made by a newer dingmi (schema version {version}); "
            "this version cannot use it")
BUSY = Msg("另一个 dingmi 进程（pid {pid}）正在使用 {path}；同一状态只能由一个进程使用",
           "another dingmi process (pid {pid}) is using {path}; one state serves one process")


def _damaged(path: Path, why: object) -> ConfigError:
    return ConfigError(*DAMAGED.format(path=path, why=why))


def open_database(path: Path, schema: str, timeout: float) -> sqlite3.Connection:
    """Open (and create, owner-only, before SQLite touches it) a WAL database with ``schema``;
    autocommit unless a transaction is begun. A damaged file is a :class:`ConfigError`."""
    make_dirs(path.parent)
    if not path.exists():
        create_private(path)
    conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        check = conn.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise _damaged(path, check[0] if check else "quick_check")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ConfigError(*NEWER.format(path=path, version=version))
        conn.executescript(schema)
        if version != SCHEMA_VERSION:  # written once: readers opening the file write nothing
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _damaged(path, exc) from exc
    except ConfigError:
        conn.close()
        raise
    return conn


class Lock:
    """An exclusive lock on a state database (``<name>.lock`` beside it, holding the owner's
    pid), held until :meth:`release` or the process ends (the kernel releases it even after a
    kill, so a crashed run never leaves a stale lock)."""

    def __init__(self, db: Path) -> None:
        self.path = db.with_name(db.name + ".lock")
        make_dirs(self.path.parent)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
        self.fd = os.open(self.path, flags, FILE_MODE)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(self.fd)
            raise ConfigError(*BUSY.format(pid=holder, path=db)) from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()}\n".encode("ascii"), 0)

    def release(self) -> None:
        """Give the lock up."""
        with contextlib.suppress(OSError):
            os.close(self.fd)


def open_owned(path: Path, schema: str, timeout: float, *, exclusive: bool
               ) -> tuple[sqlite3.Connection, Lock | None]:
    """:func:`open_database`, first taking the database's :class:`Lock` when ``exclusive`` (the
    process that runs a command owns its state; readers such as tests do not lock)."""
    lock = Lock(path) if exclusive else None
    try:
        return open_database(path, schema, timeout), lock
    except BaseException:
        if lock is not None:
            lock.release()
        raise
