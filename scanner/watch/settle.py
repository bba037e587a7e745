"""Deciding when a file is complete: its size and mtime unchanged for ``settle`` seconds and it
can be opened for reading. Pure logic with an injected clock and stat, so tests never sleep."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Stat = Callable[[Path], tuple[int, int] | None]


def real_stat(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a regular file or of a link itself (links are not followed), or None
    when it is gone or something else (a folder, a FIFO, a device)."""
    try:
        st = path.lstat()
    except OSError:
        return None
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        return None
    return st.st_size, st.st_mtime_ns


def readable(path: Path) -> bool:
    """The file can be opened for reading now (a link is not opened: it is never followed)."""
    if path.is_symlink():
        return True
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    os.close(fd)
    return True


@dataclass
class _Pending:
    stat: tuple[int, int] | None
    since: float
    settle: float


class Settler:
    """Files announced by events wait here until they stop changing. Thread-safe."""

    def __init__(self, clock: Callable[[], float], stat: Stat = real_stat,
                 can_read: Callable[[Path], bool] = readable) -> None:
        self.clock, self.stat, self.can_read = clock, stat, can_read
        self.pending: dict[Path, _Pending] = {}
        self.lock = threading.Lock()

    def touch(self, path: Path, settle: float) -> None:
        """A file was created, written or moved in: (re)start its quiet period."""
        with self.lock:
            self.pending[path] = _Pending(self.stat(path), self.clock(), settle)

    def due(self) -> list[Path]:
        """Files whose size and mtime have not changed for their settle time (and readable).
        Files that vanished are dropped."""
        now = self.clock()
        ready: list[Path] = []
        with self.lock:
            for path, p in list(self.pending.items()):
                if now - p.since < p.settle:
                    continue  # cannot be due yet; events restart the period meanwhile
                current = self.stat(path)
                if current is None:
                    del self.pending[path]
                elif current != p.stat:
                    p.stat, p.since = current, now
                elif now - p.since >= p.settle and self.can_read(path):
                    ready.append(path)
                    del self.pending[path]
        return sorted(ready)

    def __contains__(self, path: object) -> bool:
        with self.lock:
            return path in self.pending

    def __len__(self) -> int:
        with self.lock:
            return len(self.pending)
