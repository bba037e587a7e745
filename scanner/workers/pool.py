"""The executors that run per-file tasks: in this process, or in a pool of worker processes, each
file under a time and a memory limit. ``scan``, ``audit`` and ``watch`` all use them.

An :class:`Executor` takes tasks (any iterable: it is consumed as room frees up, so a walk can
stream into it) and yields one :class:`~scanner.workers.task.Result` per task, in completion
order; ``close`` stops it. A distributed executor implements the same interface.

:class:`ProcessPool` spawns its workers once; each loads the catalogues and the segmentation
dictionary once, then takes files one after another, at most ``window`` queued on a worker. The
caller's process keeps a deadline on the file each worker is on: past the time limit the worker is
killed and replaced, the file gets an ``unreadable`` result saying so, and the files queued behind
it are handed out again. A worker that dies (a crash in a parser, the memory limit, a kill from
outside) is treated the same way, except that its file is first tried again on a fresh worker as
many times as the :class:`Policy` allows (a worker killed from outside does not condemn the file it
held). Memory is capped in the worker with ``RLIMIT_AS`` above what it needs at rest, and a worker
that grew past half its cap retires after its file.
"""

from __future__ import annotations

import abc
import dataclasses
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from types import TracebackType

from scanner import catalogs
from scanner.errors import WorkerError
from scanner.messages import Msg
from scanner.pipeline import MEMORY
from scanner.workers.procs import Child, die_with_parent, limit_memory, messages, vm_size
from scanner.workers.task import Job, Result, Task, TextStore, failed, run_task

DIED = Msg("处理该文件时扫描子进程异常退出（崩溃或超出内存限制）",
           "the worker died while processing this file (a crash or the memory limit)")
STALLED = Msg("处理时间超过限制（{limit} 秒），已中止",
              "processing exceeded the time limit ({limit} s) and was stopped")
INTERNAL = Msg("处理该文件时出现内部错误（{name}）",
               "internal error while processing the file ({name})")
NO_START = Msg("无法启动扫描子进程（内存限制过低或系统资源不足？）",
               "a worker process could not start (memory limit too low, or the system is out of "
               "resources?)")


@dataclass(frozen=True)
class Policy:
    """Limits and retries of a pool."""

    timeout: float = 60.0  # seconds a file may take
    memory_mb: int | None = 3072  # memory a file may take above a worker at rest (None: any)
    window: int = 2  # files queued on one worker (one in hand, the next ready)
    retries: int = 0  # times a file whose worker died is tried again before it is blamed


class Executor(abc.ABC):
    """Runs per-file tasks and yields their results; the caller writes them."""

    @abc.abstractmethod
    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        """One result per task, in completion order."""

    @abc.abstractmethod
    def close(self) -> None:
        """Stop (idempotent)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def warm(job: Job) -> None:
    """Load every catalogue the job's profiles use, and the segmentation dictionary."""
    for options in job.profiles.values():
        matcher = catalogs.matcher(options.catalogs)
        if matcher is not None:
            matcher.warm()


def guarded(task: Task, job: Job, store: TextStore) -> Result:
    """:func:`run_task` with the last boundary: whatever escapes becomes the file's result."""
    try:
        return run_task(task, job, store)
    except MemoryError:
        return failed(task, job, MEMORY)
    except Exception as exc:
        return failed(task, job, INTERNAL.format(name=type(exc).__name__))


class InProcess(Executor):
    """Tasks run one after another in this process (``check``, tests, small runs)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.store = TextStore(job.texts)

    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        for task in tasks:
            yield guarded(task, self.job, self.store)

    def close(self) -> None:
        self.store.close()


def _serve(conn: Connection, start: tuple[Job, int | None]) -> None:
    job, memory_mb = start
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides when to stop
    warm(job)
    store = TextStore(job.texts)
    retire_above = limit_memory(memory_mb)
    conn.send("ready")
    try:
        for message in messages(conn):
            result = guarded(Task(*message), job, store).packed_for_pipe()
            if retire_above is not None and vm_size() > retire_above:
                # memory a file took is not always given back: a fresh worker takes over
                conn.send(dataclasses.replace(result, retire=True))
                return
            conn.send(result)
    finally:
        store.close()
    os._exit(0)  # asked to stop: nothing to flush; skips freeing the dictionary object by object


class _Worker(Child):
    def __init__(self, job: Job, memory_mb: int | None) -> None:
        super().__init__(_serve, (job, memory_mb))
        self.inflight: deque[Task] = deque()
        self.head_since = 0.0
        self.ready = False

    def wait_ready(self) -> None:
        if self.ready:
            return
        if not self.started():
            raise WorkerError(*NO_START)
        self.ready = True


class ProcessPool(Executor):
    """``size`` worker processes under a :class:`Policy`."""

    def __init__(self, job: Job, size: int, policy: Policy = Policy(),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.job, self.policy, self.clock = job, policy, clock
        self.workers = [_Worker(job, policy.memory_mb) for _ in range(max(size, 1))]
        self.deaths: dict[Task, int] = {}
        for w in self.workers:
            w.wait_ready()

    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        source = iter(tasks)
        todo: deque[Task] = deque()
        while True:
            for i in range(len(self.workers)):
                yield from self._fill(i, todo, source)
            busy = [w for w in self.workers if w.inflight]
            if not busy:
                if not todo:
                    return
                continue
            left = min(w.head_since for w in busy) + self.policy.timeout - self.clock()
            ready = wait([w.conn for w in busy], timeout=max(left, 0.0))
            for i, worker in enumerate(list(self.workers)):
                if worker.conn not in ready:
                    continue
                try:
                    result: Result = worker.conn.recv()
                except (EOFError, OSError):
                    yield from self._lost(i, todo, DIED)
                    continue
                worker.inflight.popleft()
                worker.head_since = self.clock()
                self.deaths.pop(result.task, None)
                if result.retire:
                    self._replace(i, todo)
                yield result
            now = self.clock()
            for i, worker in enumerate(list(self.workers)):
                if worker.inflight and now - worker.head_since > self.policy.timeout:
                    yield from self._lost(i, todo, STALLED.format(limit=f"{self.policy.timeout:g}"))

    def _next(self, todo: deque[Task], source: Iterator[Task]) -> Task | None:
        if todo:
            return todo.popleft()
        return next(source, None)

    def _fill(self, i: int, todo: deque[Task], source: Iterator[Task]) -> Iterator[Result]:
        worker = self.workers[i]
        while len(worker.inflight) < self.policy.window:
            task = self._next(todo, source)
            if task is None:
                return
            if not worker.inflight:
                worker.head_since = self.clock()
            worker.inflight.append(task)
            try:
                worker.conn.send(tuple(task))
            except OSError:
                yield from self._lost(i, todo, DIED)
                return

    def _lost(self, i: int, todo: deque[Task], why: Msg) -> Iterator[Result]:
        """Replace the worker and hand its queued files out again; the file in hand is tried
        again when the worker died and the policy allows, else it is blamed."""
        blamed = self.workers[i].inflight.popleft()
        self._replace(i, todo)
        if why is DIED and self.deaths.get(blamed, 0) < self.policy.retries:
            self.deaths[blamed] = self.deaths.get(blamed, 0) + 1
            todo.appendleft(blamed)
            return
        self.deaths.pop(blamed, None)
        yield failed(blamed, self.job, why)

    def _replace(self, i: int, todo: deque[Task]) -> None:
        """A new worker for slot ``i``; the old one's queued files go back to the front."""
        old = self.workers[i]
        todo.extendleft(reversed(old.inflight))
        old.inflight.clear()
        old.kill()
        self.workers[i] = _Worker(self.job, self.policy.memory_mb)
        self.workers[i].wait_ready()

    def close(self) -> None:
        for worker in self.workers:
            worker.close()
        self.workers = []
