"""A worker process for ``watch``: it scans while the watcher's process keeps the observer, the
settling and the state database. Scanning then no longer competes with the observer thread for
the interpreter, and a file that crashes the worker cannot take the watcher down.

The worker is started (spawned, before the observer's threads exist) with the configuration; it
answers each path with an :class:`Outcome` or an error. At most ``WINDOW`` paths are in flight,
so neither side can block the other on a full pipe.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path

from scanner import catalogs
from scanner.errors import WorkerError
from scanner.handle import Outcome, handle, handle_failure
from scanner.procs import Child, die_with_parent, limit_memory, messages
from scanner.state import StateDB
from scanner.watchconf import WatchConfig

WINDOW = 4
Result = tuple[Path, Outcome | None, str | None]
STALLED = ("扫描时间超过限制（{limit} 秒），已中止", "the scan exceeded the time limit ({limit} s) "
           "and was stopped")
DIED = ("扫描该文件时子进程异常退出（崩溃或超出内存限制）",
        "the scan worker died while reading this file (a crash or the memory limit)")


def _serve(conn: Connection, config: WatchConfig) -> None:
    die_with_parent()
    db = StateDB(config.state_db)
    folders = {str(f.path): f for f in config.folders}
    for folder in config.folders:
        matcher = catalogs.matcher(folder.catalogs)
        if matcher is not None:
            matcher.warm()
    limit_memory(config.memory_mb)
    conn.send("ready")
    try:
        for path, key in messages(conn):
            try:
                conn.send(("ok", handle(Path(path), folders[key], config.as_of, db.done)))
            except OSError as exc:
                conn.send(("error", str(exc.strerror or exc)))
    finally:
        db.close()


class ScanWorker(Child):
    """One worker process; ``run`` yields results in the order of the paths given."""

    def __init__(self, config: WatchConfig) -> None:
        super().__init__(_serve, config)
        if not self.started():
            raise WorkerError("无法启动扫描子进程", "the scan worker process could not start")
        self.inflight: deque[tuple[Path, str]] = deque()
        self.head_since = time.monotonic()

    def send(self, item: tuple[Path, str]) -> None:
        """Hand over one ``(path, folder key)``."""
        if not self.inflight:
            self.head_since = time.monotonic()
        self.inflight.append(item)
        self.conn.send((str(item[0]), item[1]))

    def receive(self) -> Result:
        """The result for the oldest path in flight (EOFError when the worker died)."""
        kind, value = self.conn.recv()
        path, _ = self.inflight.popleft()
        self.head_since = time.monotonic()
        return (path, value, None) if kind == "ok" else (path, None, value)

    def alive(self) -> bool:
        """False once the process has exited."""
        return self.proc.is_alive()

    @property
    def busy(self) -> bool:
        """True while a path is in flight."""
        return bool(self.inflight)


class WorkerPool:
    """Several workers (one a core by default); results come back as they are ready.

    The file a worker is on has ``file_timeout_seconds``: past it, the worker is killed and
    replaced and the file gets an ``unreadable`` report saying so. A worker that dies is replaced
    and its files handed out again; the file it was on is tried once more, and reported as the
    cause (``unreadable``) only if a second worker dies on it too (a worker killed from outside
    while idle does not condemn the next file)."""

    def __init__(self, config: WatchConfig, size: int) -> None:
        self.config = config
        self.folders = {str(f.path): f for f in config.folders}
        self.workers = [ScanWorker(config) for _ in range(max(size, 1))]
        self.deaths: dict[Path, int] = {}

    def run(self, items: list[tuple[Path, str]]) -> Iterator[Result]:
        """Spread ``items`` over the workers, at most WINDOW in flight each; yield results."""
        todo = deque(items)
        limit = self.config.file_timeout_seconds
        for i in range(len(self.workers)):
            yield from self._fill(i, todo)
        while any(w.busy for w in self.workers):
            busy = [w for w in self.workers if w.busy]
            left = min(w.head_since for w in busy) + limit - time.monotonic()
            ready = wait([w.conn for w in busy], timeout=max(left, 0.0))
            for i, worker in enumerate(list(self.workers)):
                if worker.conn in ready:
                    try:
                        result = worker.receive()
                    except (EOFError, OSError):
                        yield from self._lost(i, todo, DIED)
                    else:
                        yield result
                elif worker.busy and time.monotonic() - worker.head_since > limit:
                    zh, en = STALLED
                    yield from self._lost(i, todo, (zh.format(limit=f"{limit:g}"),
                                                    en.format(limit=f"{limit:g}")))
                yield from self._fill(i, todo)

    def _fill(self, i: int, todo: deque[tuple[Path, str]]) -> Iterator[Result]:
        while todo and len(self.workers[i].inflight) < WINDOW:
            item = todo.popleft()
            try:
                self.workers[i].send(item)
            except OSError:
                yield from self._lost(i, todo, DIED)

    def _lost(self, i: int, todo: deque[tuple[Path, str]], why: tuple[str, str]
              ) -> Iterator[Result]:
        """Replace the worker and hand its files out again; the file in hand is reported as the
        cause when it stalled, or when a worker died on it before."""
        dead = self.workers[i]
        path, key = dead.inflight.popleft()
        seconds = time.monotonic() - dead.head_since
        todo.extendleft(reversed(dead.inflight))
        dead.kill()
        self.workers[i] = ScanWorker(self.config)
        if why is DIED and self.deaths.get(path, 0) == 0:
            self.deaths[path] = 1
            todo.appendleft((path, key))  # once more, on the new worker
            return
        self.deaths.pop(path, None)
        try:
            outcome = handle_failure(path, self.folders[key], self.config.as_of, why, seconds)
        except OSError as exc:
            yield path, None, str(exc.strerror or exc)
            return
        yield path, outcome, None

    def close(self) -> None:
        """Stop every worker."""
        for worker in self.workers:
            worker.close()
