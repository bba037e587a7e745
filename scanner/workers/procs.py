"""Worker processes: starting one, stopping it, and what a worker sets up for itself (dying with
its parent, a memory cap). Used by the audit and scan pool, the watcher's pool and the server's
check.

A worker dies with its parent through ``PR_SET_PDEATHSIG``, and on Linux the "parent" is the
*thread* that started it: a worker started by a short-lived thread (a request of ``serve`` that
replaced a dead worker) would be killed as soon as that thread ended. Every worker is therefore
started by the main thread or, from any other thread, by one starter thread that lives as long as
the process.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import queue
import resource
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
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


_starts: queue.Queue[tuple[Callable[[], None], Future[None]]] = queue.Queue()
_starter: threading.Thread | None = None
_starter_lock = threading.Lock()


def _start_forever() -> None:
    while True:
        start, done = _starts.get()
        try:
            start()
        except BaseException as exc:  # handed to the thread that asked
            done.set_exception(exc)
        else:
            done.set_result(None)


def start_lasting(start: Callable[[], None]) -> None:
    """Call ``start`` (which starts a process) from a thread that lives as long as this process:
    the main thread when called from it, else the starter thread."""
    global _starter  # noqa: PLW0603 - one starter per process, started when first needed
    if threading.current_thread() is threading.main_thread():
        start()
        return
    with _starter_lock:
        if _starter is None or not _starter.is_alive():
            _starter = threading.Thread(target=_start_forever, name="dingmi-worker-starter",
                                        daemon=True)
            _starter.start()
    done: Future[None] = Future()
    _starts.put((start, done))
    done.result()


class Child:
    """A spawned process running ``target(connection, arg)``, and our end of its pipe. The child
    sends ``"ready"`` once it is set up; ``None`` sent to it asks it to exit."""

    def __init__(self, target: Callable[[Connection, Any], None], arg: object) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=target, args=(child, arg), daemon=True)
        try:
            start_lasting(self.proc.start)
        finally:
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
