"""Worker processes: starting one, stopping it, and what a worker sets up for itself (dying with
its parent, a memory cap). Used by the audit and scan pool and by the watcher's pool."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import resource
import signal
import sys
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any


def messages(conn: Connection) -> Iterator[Any]:
    """In a child: what the main process sends, until it sends ``None`` or goes away."""
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        yield message


class Child:
    """A spawned process running ``target(connection, arg)``, and our end of its pipe. The child
    sends ``"ready"`` once it is set up; ``None`` sent to it asks it to exit."""

    def __init__(self, target: Callable[[Connection, Any], None], arg: object) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=target, args=(child, arg), daemon=True)
        self.proc.start()
        child.close()

    def started(self) -> bool:
        """Wait for the child's "ready"; False (and the child stopped) when it never came."""
        try:
            ok = bool(self.conn.recv() == "ready")
        except (EOFError, OSError):
            ok = False
        if not ok:
            self.kill()
        return ok

    def kill(self) -> None:
        """Stop the child now."""
        with contextlib.suppress(OSError):
            self.proc.kill()
        self.proc.join(timeout=10)
        self.conn.close()

    def close(self) -> None:
        """Ask the child to exit and wait for it (killed after 10 s)."""
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


def vm_size() -> int:
    """This process's virtual memory size in bytes (Linux)."""
    with Path("/proc/self/statm").open() as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def limit_memory(megabytes: int | None) -> int | None:
    """Cap this process's address space at what it uses now plus ``megabytes``; returns the size
    above which the worker should retire after its file (half-way to the cap)."""
    if not megabytes or not sys.platform.startswith("linux"):
        return None
    base = vm_size()
    limit = base + megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return base + megabytes * 1024 * 1024 // 2


def die_with_parent() -> None:
    """Linux: be killed when the main process dies, even by SIGKILL."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent died before the line above
        os._exit(1)
