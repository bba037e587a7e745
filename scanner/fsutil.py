"""Files on disk: writing results safely (atomic: temporary file + ``os.replace``; owner-only
whatever the umask) and opening sources safely (regular files only, never blocking).

A report about a classified document is itself classified, so files are 0600 and the folders
dingmi creates are 0700.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat as stat_module
from pathlib import Path
from typing import BinaryIO

from scanner.messages import Msg

FILE_MODE = 0o600
TEMP_PREFIX = ".dingmi-"  # write_atomic's temporary files: .dingmi-<name>.<pid>.tmp
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
    tmp = path.parent / f"{TEMP_PREFIX}{path.name}.{os.getpid()}.tmp"
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


_TEMPORARY = re.compile(rf"^{re.escape(TEMP_PREFIX)}.+\.(\d+)\.tmp$")


def remove_stale_temporaries(folder: Path) -> int:
    """Remove, below ``folder``, the temporary files of :func:`write_atomic` whose writer died
    before renaming them (``.dingmi-<name>.<pid>.tmp`` of a process that no longer runs: a
    killed service or worker). Returns how many were removed."""
    removed = 0
    if not folder.is_dir():
        return 0
    for top, _, names in os.walk(folder):
        for name in names:
            m = _TEMPORARY.match(name)
            if m is None or _running(int(m.group(1))):
                continue
            with contextlib.suppress(OSError):
                (Path(top) / name).unlink()
                removed += 1
    return removed


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (a killed worker whose orphaned
    entry nobody has reaped yet has finished writing for good)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    fields = stat.rpartition(")")[2].split()  # the state is the field after the command name
    return not fields or fields[0] not in ("Z", "X")


def is_within(child: Path, parent: Path) -> bool:
    """True when ``child`` is ``parent`` or lies below it (both resolved)."""
    try:
        child.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True


NOT_REGULAR = Msg("不是普通文件（管道、设备或套接字），未读取",
                  "not a regular file (a pipe, a device or a socket): not read")


def open_regular(path: Path) -> tuple[BinaryIO, os.stat_result] | Msg:
    """``path`` opened for reading if it is a regular file (checked on the open descriptor, and
    opened without blocking, so a FIFO or a device cannot hang or feed the reader forever)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat_module.S_ISREG(st.st_mode):
            os.close(fd)
            return NOT_REGULAR
        return os.fdopen(fd, "rb"), st
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        raise


def os_reason(exc: OSError) -> Msg:
    """Why a source could not be read, in words a user acts on."""
    if isinstance(exc, FileNotFoundError):
        return Msg("文件在读取前已被删除或移动",
                   "the file was deleted or moved before it could be read")
    if isinstance(exc, PermissionError):
        return Msg("无权读取该文件", "permission denied: the file cannot be read")
    if isinstance(exc, IsADirectoryError):
        return Msg("这是一个文件夹，不是文件", "this is a folder, not a file")
    return Msg("读取文件时出错：{why}", "error reading the file: {why}").format(
        why=exc.strerror or str(exc))
