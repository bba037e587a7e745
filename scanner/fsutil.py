"""Writing results safely: atomic (temporary file + ``os.replace``), owner-only whatever the umask.

A report about a classified document is itself classified, so files are 0600 and the folders
dingmi creates are 0700.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


_MADE: set[Path] = set()


def make_dirs(path: Path) -> None:
    """Create ``path`` and missing parents with mode 0700 (existing folders are left alone)."""
    if path in _MADE:
        return
    missing: list[Path] = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        d.chmod(DIR_MODE)
    _MADE.add(path)


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (before a database opens it:
    SQLite gives its -wal and -shm files the mode of the database file)."""
    make_dirs(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600; fsync first when ``durable``."""
    make_dirs(path.parent)
    tmp = path.parent / f".dingmi-{path.name}.{os.getpid()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, FILE_MODE)
    except FileNotFoundError:  # the folder was removed since it was made: make it again
        _MADE.discard(path.parent)
        make_dirs(path.parent)
        fd = os.open(tmp, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def is_within(child: Path, parent: Path) -> bool:
    """True when ``child`` is ``parent`` or lies below it (both resolved)."""
    try:
        child.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True
