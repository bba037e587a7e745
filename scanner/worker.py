"""A worker process for ``watch``: it scans while the watcher's process keeps the observer, the
settling and the state database. Scanning then no longer competes with the observer thread for
the interpreter, and a file that crashes the worker cannot take the watcher down.

The worker is started (spawned, before the observer's threads exist) with the configuration; it
answers each path with an :class:`Outcome` or an error. At most ``WINDOW`` paths are in flight,
so neither side can block the other on a full pipe.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path

from scanner.handle import Outcome, handle
from scanner.state import StateDB
from scanner.watchconf import WatchConfig

WINDOW = 4
Result = tuple[Path, Outcome | None, str | None]


def _serve(conn: Connection, config: WatchConfig) -> None:
    db = StateDB(config.state_db)
    folders = {str(f.path): f for f in config.folders}
    conn.send("ready")
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return
            if message is None:
                return
            path, key = message
            try:
                conn.send(("ok", handle(Path(path), folders[key], config.as_of, db.done)))
            except OSError as exc:
                conn.send(("error", str(exc.strerror or exc)))
    finally:
        db.close()


class ScanWorker:
    """One worker process; ``run`` yields results in the order of the paths given."""

    def __init__(self, config: WatchConfig) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, config), daemon=True)
        self.proc.start()
        child.close()
        if self.conn.recv() != "ready":
            raise RuntimeError("the scan worker did not start")
        self.inflight: deque[Path] = deque()

    def send(self, item: tuple[Path, str]) -> None:
        """Hand over one ``(path, folder key)``."""
        self.inflight.append(item[0])
        self.conn.send((str(item[0]), item[1]))

    def receive(self) -> Result:
        """The result for the oldest path in flight (EOFError when the worker died)."""
        kind, value = self.conn.recv()
        path = self.inflight.popleft()
        return (path, value, None) if kind == "ok" else (path, None, value)

    def alive(self) -> bool:
        """False once the process has exited."""
        return self.proc.is_alive()

    @property
    def busy(self) -> bool:
        """True while a path is in flight."""
        return bool(self.inflight)

    def close(self) -> None:
        """Ask the worker to exit and wait for it."""
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=10)
        self.conn.close()


class WorkerPool:
    """Several workers (one a core by default); results come back as they are ready."""

    def __init__(self, config: WatchConfig, size: int) -> None:
        self.config = config
        self.workers = [ScanWorker(config) for _ in range(max(size, 1))]

    def run(self, items: list[tuple[Path, str]]) -> Iterator[Result]:
        """Spread ``items`` over the workers, at most WINDOW in flight each; yield results.
        A worker that dies (on receiving or on sending) is replaced; its files in flight come
        back as errors and are left for reconciliation."""
        todo = deque(items)
        for i in range(len(self.workers)):
            yield from self._fill(i, todo)
        while any(w.busy for w in self.workers):
            ready = wait([w.conn for w in self.workers if w.busy])
            for i, worker in enumerate(list(self.workers)):
                if worker.conn not in ready:
                    continue
                try:
                    result = worker.receive()
                except (EOFError, OSError):
                    yield from self._replace(i)
                else:
                    yield result
                yield from self._fill(i, todo)

    def _fill(self, i: int, todo: deque[tuple[Path, str]]) -> Iterator[Result]:
        while todo and len(self.workers[i].inflight) < WINDOW:
            try:
                self.workers[i].send(todo.popleft())
            except OSError:
                yield from self._replace(i)

    def _replace(self, i: int) -> Iterator[Result]:
        dead = self.workers[i]
        lost = list(dead.inflight)
        dead.close()
        self.workers[i] = ScanWorker(self.config)
        for path in lost:
            yield path, None, "扫描子进程意外退出 / the scan worker died"

    def close(self) -> None:
        """Stop every worker."""
        for worker in self.workers:
            worker.close()
