"""Audits on a Dask cluster: the same per-file task, run by Dask workers on other machines.

:class:`DaskExecutor` is an :class:`~scanner.workers.pool.Executor`: it takes the walk's tasks
as a stream, sends them in batches of ``batch`` files, keeps at most ``inflight`` batches
submitted (back-pressure: no million futures, the coordinator's memory stays flat), and yields
each file's :class:`~scanner.workers.task.Result` as batches complete. The coordinator (the
``dingmi audit`` process) stays the only writer of reports, database and outputs.

On a worker, a batch runs through a :class:`~scanner.workers.pool.ProcessPool` of one process
kept per Dask worker thread: each file has its time and memory limit as in a local audit, and a
file that hangs or blows up takes that child process, not the Dask worker. A Dask worker that dies
(killed, its machine lost) has its batches rescheduled by Dask; a batch that Dask gives up on
(``KilledWorker``) is sent again file by file, and a file whose batch of one kills a worker again
gets an ``unreadable`` report.

Before anything is sent, every worker is asked for its dingmi engine and the hashes of the
catalogues it loads from the same paths: a worker that differs is refused with a clear error.
``path_map`` (``--path-map LOCAL=REMOTE``) rewrites where workers read files when they mount the
archive elsewhere; reports keep the coordinator's paths.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from scanner import ENGINE, catalogs
from scanner.errors import ConfigError
from scanner.messages import Msg
from scanner.workers.pool import Executor, Policy, ProcessPool
from scanner.workers.task import Job, Result, Task, failed

KILLED_TWICE = Msg("处理该文件时集群工作进程两次异常退出，已放弃",
                   "the file took down a cluster worker twice: given up")
_LOCAL = threading.local()  # one pool per Dask worker thread


@dataclass(frozen=True)
class ClusterSettings:
    """Where the scheduler is and how work is cut."""

    address: str  # tcp://HOST:PORT (or tls://)
    batch: int = 8  # files per Dask task
    inflight: int = 0  # batches submitted at once (0: four per worker thread)
    path_map: tuple[tuple[str, str], ...] = ()  # (local prefix, remote prefix)
    security: Any = None  # a distributed.Security for TLS, when given


def identity(paths: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """What a worker runs: its engine and the content hashes of the catalogues ``paths`` (or
    why it cannot load them)."""
    try:
        return ENGINE, tuple(c.sha256 for c in catalogs.load(paths)) if paths else ()
    except ConfigError as exc:
        return ENGINE, (f"error: {exc.message('en')}",)


def fitness() -> tuple[str, bool]:
    """What a worker runs and whether its process is daemonic (a Dask worker under a nanny, as
    ``dask worker ADDRESS`` starts it by default: it may not start the processes an audit runs
    each file in)."""
    return ENGINE, bool(multiprocessing.current_process().daemon)


UNFIT_DAEMONIC = Msg(
    "Dask 工作进程 {worker} 是守护进程（dask worker 默认经 nanny 启动），不能为每个文件启动子进程，"
    "已拒绝。请以 DASK_DISTRIBUTED__WORKER__DAEMON=False dask worker {address} 重启该工作进程，"
    "或加 --no-nanny 启动",
    "the Dask worker {worker} is a daemonic process (dask worker starts it under a nanny by "
    "default) and cannot start a process per file: refused. Restart it as "
    "DASK_DISTRIBUTED__WORKER__DAEMON=False dask worker {address}, or with --no-nanny")
UNFIT_MISSING = Msg(
    "Dask 工作进程 {worker} 没有安装 dingmi（{error}），已拒绝。请在该机器上工作进程所用的 Python "
    "环境中安装 pip install \"dingmi[dask]=={version}\"（离线时用同一版本的离线安装包）后重启它",
    "the Dask worker {worker} has no dingmi ({error}): refused. Install it in the Python "
    "environment the worker runs in: pip install \"dingmi[dask]=={version}\" (offline: the "
    "bundle of the same version), then restart the worker")
UNFIT_VERSION = Msg(
    "Dask 工作进程 {worker} 运行的是 {theirs}，本机是 {mine}，已拒绝。请在该工作进程的环境中安装 "
    "pip install \"dingmi[dask]=={version}\" 后重启它",
    "the Dask worker {worker} runs {theirs} and this machine {mine}: refused. Install "
    "pip install \"dingmi[dask]=={version}\" in the worker's environment, then restart it")


def refuse_unfit_workers(client: Any, address: str) -> None:
    """Refuse, by name and with the fix, a worker that cannot run an audit: one without dingmi
    (or without what it imports), one with another dingmi, a daemonic one. Runs before any file
    is sent."""
    seen = client.run(fitness, on_error="return")
    names = {a: w.get("name") for a, w in client.scheduler_info()["workers"].items()}
    version = ENGINE.partition("/")[2]
    for where, got in sorted(seen.items()):
        worker = f"{names.get(where, '')} ({where})".strip()
        if isinstance(got, ImportError) or "No module named" in str(got):
            # (Dask hands back an unpickling failure as a plain Exception naming the import)
            missing = str(got).partition("No module named")[2].partition(";")[0].strip(" '\")")
            why = UNFIT_MISSING.format(worker=worker, version=version,
                                       error=f"No module named {missing or 'scanner'}")
        elif isinstance(got, BaseException):
            continue  # reported with its reason by the identity check
        elif got[0] != ENGINE:
            why = UNFIT_VERSION.format(worker=worker, theirs=got[0], mine=ENGINE,
                                       version=version)
        elif got[1]:
            why = UNFIT_DAEMONIC.format(worker=worker, address=address)
        else:
            continue
        raise ConfigError(why.zh, why.en)


def run_batch(tasks: list[Task], job: Job, policy: Policy) -> list[Result]:
    """A batch on a Dask worker: every file through this thread's one-process pool."""
    pool = getattr(_LOCAL, "pool", None)
    if pool is None or getattr(_LOCAL, "key", None) != (job, policy):
        if pool is not None:
            pool.close()
        pool = ProcessPool(job, 1, policy)
        _LOCAL.pool, _LOCAL.key = pool, (job, policy)
    return [r.packed_for_pipe() for r in pool.run(tasks)]


def _remote(task: Task, path_map: tuple[tuple[str, str], ...]) -> Task:
    for local, remote in path_map:
        if task.path == local or task.path.startswith(local.rstrip("/") + "/"):
            return task._replace(path=remote.rstrip("/") + task.path[len(local.rstrip("/")):],
                                 display=task.display or task.path)
    return task


class DaskExecutor(Executor):
    """Per-file tasks on a Dask cluster (``--executor dask://HOST:PORT``)."""

    def __init__(self, job: Job, policy: Policy, settings: ClusterSettings) -> None:
        try:
            from distributed import Client as _Client  # noqa: PLC0415 - the dask extra
        except ImportError as exc:
            raise ConfigError("未安装 Dask 组件（pip install \"dingmi[dask]\"）",
                              "the Dask extra is not installed (pip install \"dingmi[dask]\")"
                              ) from exc
        self.job, self.policy, self.settings = job, policy, settings
        make: Any = _Client  # (distributed is not typed)
        try:
            self.client: Any = make(settings.address, timeout="30s", security=settings.security,
                                 set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"无法连接 Dask 调度器 {settings.address}：{exc}",
                              f"cannot reach the Dask scheduler {settings.address}: {exc}"
                              ) from exc
        self._check_workers()
        threads = sum(self.client.nthreads().values()) or 1
        self.inflight = settings.inflight or 4 * threads

    def _check_workers(self) -> None:
        paths = tuple(p for profile in self.job.profiles.values() for p in profile.catalogs)
        mine = identity(paths)
        seen = self.client.run(identity, paths, on_error="return")
        if not seen:
            raise ConfigError(f"Dask 调度器 {self.settings.address} 没有工作进程",
                              f"the Dask scheduler {self.settings.address} has no workers")
        refuse_unfit_workers(self.client, self.settings.address)
        names = {a: w.get("name") for a, w in self.client.scheduler_info()["workers"].items()}
        for address, theirs in seen.items():
            worker = f"{names.get(address, '')} ({address})".strip()
            if isinstance(theirs, BaseException):
                raise ConfigError(
                    f"Dask 工作进程 {worker} 无法运行 dingmi（{type(theirs).__name__}: {theirs}），"
                    "已拒绝", f"the Dask worker {worker} cannot run dingmi "
                    f"({type(theirs).__name__}: {theirs}): refused")
            if tuple(theirs[0:1]) != mine[0:1] or tuple(theirs[1]) != mine[1]:
                raise ConfigError(
                    f"Dask 工作进程 {worker} 的 dingmi 版本或目录与本机不同（{theirs[0]}，"
                    f"目录 {', '.join(h[:12] for h in theirs[1]) or '无'}），已拒绝",
                    f"the Dask worker {worker} runs another dingmi or other catalogues "
                    f"({theirs[0]}, catalogues {', '.join(h[:12] for h in theirs[1]) or 'none'}"
                    f"; here {mine[0]}, {', '.join(h[:12] for h in mine[1]) or 'none'}): "
                    "refused")

    def _submit(self, batch: list[Task]) -> Any:
        remote = [_remote(t, self.settings.path_map) for t in batch]
        return self.client.submit(run_batch, remote, self.job, self.policy, pure=False)

    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        from distributed import as_completed as _as_completed  # noqa: PLC0415
        from distributed.scheduler import KilledWorker  # noqa: PLC0415

        source = iter(tasks)
        originals: dict[Any, list[Task]] = {}
        retried: deque[list[Task]] = deque()
        completed: Any = _as_completed
        done = completed(loop=self.client.loop)

        def fill() -> None:
            while len(originals) < self.inflight:
                if retried:
                    batch = retried.popleft()
                else:
                    batch = [t for _, t in zip(range(self.settings.batch), source, strict=False)]
                if not batch:
                    return
                future = self._submit(batch)
                originals[future] = batch
                done.add(future)

        fill()
        while originals:
            future = next(done)
            batch = originals.pop(future)
            try:
                results: list[Result] = future.result()
            except KilledWorker:
                if len(batch) > 1:  # find the file to blame: each one on its own
                    retried.extend([t] for t in batch)
                else:
                    yield failed(batch[0], self.job, KILLED_TWICE)
                future.release()
                fill()
                continue
            future.release()
            by_path = {(t.path, t.member): t for t in batch}
            for result in results:
                own = by_path.get((result.task.display or result.task.path, result.task.member))
                yield replace(result, task=own) if own is not None else result
            fill()

    def close(self) -> None:
        self.client.close()
