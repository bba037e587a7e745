"""The audit's worker processes: each file under a time limit and a memory limit.

Workers are spawned once; each loads the catalogues and the segmentation dictionary once, then
takes files one after another. A worker reads and hashes the file, takes the extracted text from
the state database when this content was extracted before (a catalogue edit re-matches without
extracting again), writes the per-file reports and sends back the compressed report.

The main process keeps a deadline on the file each worker is on: past the time limit the worker is
killed and replaced, the file gets a report saying so, and the other files queued on that worker are
handed out again. A worker that dies (a crash in a parser, the memory limit) is treated the same
way. Memory is capped in the worker with ``RLIMIT_AS`` above what it needs at rest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, NamedTuple

from scanner import ENGINE, catalogs
from scanner.auditdb import Lookup, pack_json, unpack_json
from scanner.document import pack, unpack
from scanner.errors import WorkerError
from scanner.pipeline import ScanOptions, assess, extract_document, read_source
from scanner.procs import Child, die_with_parent, limit_memory, messages, vm_size
from scanner.report import FileReport, Source, to_json
from scanner.run import OutputOptions, write_report

DIED_ZH = "处理该文件时扫描子进程异常退出（崩溃或超出内存限制）"
DIED_EN = "the worker died while processing this file (a crash or the memory limit)"
WINDOW = 2  # files queued on a worker: one in hand, one ready, so the pipe never runs dry


class Task(NamedTuple):
    """One file to audit."""

    path: str
    relative: str


@dataclass(frozen=True)
class Settings:
    """What every worker needs; fixed for the whole audit."""

    options: ScanOptions
    reports: OutputOptions
    db_path: Path | None  # None: no stored texts to reuse (``scan``)
    key: str
    timeout: float
    memory_mb: int | None


@dataclass(frozen=True)
class Done:
    """A file's result as the main process records it."""

    path: str
    relative: str
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    status: str
    report: bytes
    text: bytes | None
    retire: bool = False  # the worker asks to be replaced (it ran near its memory limit)


def audit_one(task: Task, settings: Settings, lookup: Lookup) -> Done:
    """Read, extract (or take the stored text), assess and write the reports of one file."""
    options = settings.options
    path = Path(task.path)
    started = time.perf_counter()
    read = read_source(path, options)
    text: bytes | None = None
    if isinstance(read, FileReport):
        report, mtime_ns = read, None
    else:
        mtime_ns = read.mtime_ns
        stored = lookup.text(read.source.sha256 or "", ENGINE)
        if stored is not None:  # extracted before: only the marks and the catalogue again
            body = unpack_json(stored)
            if "failed" in body:
                report = FileReport(read.source, body["failed"], ENGINE, options.as_of,
                                    body["zh"], body["en"])
            else:
                report = assess(unpack(path, body), read.source, options, {"extract": 0.0})
        else:
            extracted = extract_document(path, read, options)
            if isinstance(extracted, FileReport):
                report = extracted
                text = pack_json({"failed": report.status, "zh": report.reason_zh,
                                  "en": report.reason_en})
            else:
                text = pack(extracted)
                report = assess(extracted, read.source, options,
                                {"extract": time.perf_counter() - started})
    report = report.with_relative(task.relative)
    return done_of(report, write_report(report, settings.reports), mtime_ns, text)


def done_of(report: FileReport, as_json: dict[str, Any], mtime_ns: int | None,
            text: bytes | None) -> Done:
    """The value sent back for ``report`` (``as_json``: its JSON form as written)."""
    s = report.source
    return Done(s.path, report.relative, s.size, mtime_ns, s.sha256, report.status,
                pack_json(as_json), text)


def failed(task: Task, settings: Settings, zh: str, en: str) -> Done:
    """The result of a file that killed or stalled its worker (written by the main process)."""
    report = FileReport(Source(task.path, None, None), "unreadable", ENGINE,
                        settings.options.as_of, zh, en).with_relative(task.relative)
    mtime_ns = None
    with contextlib.suppress(OSError):
        st = Path(task.path).stat()
        s = report.source
        report = FileReport(Source(s.path, None, st.st_size, st.st_mtime), report.status,
                            report.engine, report.as_of, zh, en, relative=task.relative)
        mtime_ns = st.st_mtime_ns
    as_json = to_json(report, settings.reports.lang)
    with contextlib.suppress(OSError):
        as_json = write_report(report, settings.reports)
    return done_of(report, as_json, mtime_ns, None)


def _serve(conn: Connection, settings: Settings) -> None:
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides when to stop
    matcher = catalogs.matcher(settings.options.catalogs)
    if matcher is not None:
        matcher.warm()
    lookup = Lookup(settings.db_path)
    retire_above = limit_memory(settings.memory_mb)
    conn.send("ready")
    try:
        for message in messages(conn):
            task = Task(*message)
            try:
                result = audit_one(task, settings, lookup)
            except MemoryError:
                result = failed(task, settings, "读取该文件超出内存限制",
                                "reading the file exceeded the memory limit")
            except Exception as exc:
                result = failed(task, settings, f"处理该文件时出现内部错误（{type(exc).__name__}）",
                                f"internal error while processing the file ({type(exc).__name__})")
            if retire_above is not None and vm_size() > retire_above:
                # memory a file took is not always given back: a fresh worker takes over
                conn.send(dataclasses.replace(result, retire=True))
                return
            conn.send(result)
    finally:
        lookup.close()
    os._exit(0)  # asked to stop: nothing to flush; skips freeing the dictionary object by object


class _Worker(Child):
    def __init__(self, settings: Settings) -> None:
        super().__init__(_serve, settings)
        self.inflight: deque[Task] = deque()
        self.head_since = 0.0
        self.ready = False

    def wait_ready(self) -> None:
        if self.ready:
            return
        if not self.started():
            raise WorkerError("无法启动审核子进程（内存限制过低或系统资源不足？）",
                              "an audit worker process could not start (memory limit too low, "
                              "or the system is out of resources?)")
        self.ready = True


class AuditPool:
    """``size`` workers; :meth:`run` yields one :class:`Done` per task, in completion order."""

    def __init__(self, settings: Settings, size: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings, self.clock = settings, clock
        self.workers = [_Worker(settings) for _ in range(max(size, 1))]
        for w in self.workers:
            w.wait_ready()

    def run(self, tasks: Iterable[Task]) -> Iterator[Done]:
        """Process every task; a file that times out or kills its worker gets a report."""
        todo = deque(tasks)
        while todo or any(w.inflight for w in self.workers):
            for i in range(len(self.workers)):
                yield from self._fill(i, todo)
            busy = [w for w in self.workers if w.inflight]
            if not busy:
                continue
            now = self.clock()
            left = min(w.head_since + self.settings.timeout for w in busy) - now
            ready = wait([w.conn for w in busy], timeout=max(left, 0.0))
            for i, worker in enumerate(list(self.workers)):
                if worker.conn in ready:
                    try:
                        result: Done = worker.conn.recv()
                    except (EOFError, OSError):
                        yield self._lost(i, todo, DIED_ZH, DIED_EN)
                        continue
                    worker.inflight.popleft()
                    worker.head_since = self.clock()
                    if result.retire:
                        self._replace(i, todo)
                    yield result
            now = self.clock()
            for i, worker in enumerate(list(self.workers)):
                if worker.inflight and now - worker.head_since > self.settings.timeout:
                    limit = f"{self.settings.timeout:g}"
                    yield self._lost(i, todo, f"处理时间超过限制（{limit} 秒），已中止",
                                     f"processing exceeded the time limit ({limit} s) and "
                                     "was stopped")

    def _fill(self, i: int, todo: deque[Task]) -> Iterator[Done]:
        worker = self.workers[i]
        while todo and len(worker.inflight) < WINDOW:
            task = todo.popleft()
            if not worker.inflight:
                worker.head_since = self.clock()
            worker.inflight.append(task)
            try:
                worker.conn.send(tuple(task))
            except OSError:
                yield self._lost(i, todo, "扫描子进程异常退出 / the worker died",
                                 "the worker died before the file could be processed")
                return

    def _lost(self, i: int, todo: deque[Task], zh: str, en: str) -> Done:
        """Blame the file in hand, hand the rest out again, replace the worker."""
        blamed = self.workers[i].inflight.popleft()
        self._replace(i, todo)
        return failed(blamed, self.settings, zh, en)

    def _replace(self, i: int, todo: deque[Task]) -> None:
        """A new worker for slot ``i``; the old one's queued files go back to the front."""
        old = self.workers[i]
        todo.extendleft(reversed(old.inflight))
        old.kill()
        self.workers[i] = _Worker(self.settings)
        self.workers[i].wait_ready()

    def close(self) -> None:
        """Stop every worker."""
        for worker in self.workers:
            worker.close()
