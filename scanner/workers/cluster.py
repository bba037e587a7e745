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
Workers that join later are asked the same before they get work, and every batch checks its
worker again. ``path_map`` (``--path-map LOCAL=REMOTE``) rewrites where workers read files when
they mount the archive elsewhere; reports keep the coordinator's paths, and a result whose file
is not the coordinator's (its size, or a known content hash) is not used. Losing the scheduler
is one :class:`~scanner.errors.WorkerError` (exit 2), not Dask's tracebacks.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import multiprocessing
import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import CancelledError
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from scanner import ENGINE, catalogs
from scanner.derived.index import METHOD
from scanner.errors import ConfigError, WorkerError
from scanner.messages import Msg
from scanner.workers.pool import Executor, Policy, ProcessPool
from scanner.workers.task import Job, Result, Task, failed

KILLED_TWICE = Msg("处理该文件时集群工作进程两次异常退出，已放弃",
                   "the file took down a cluster worker twice: given up")
SCHEDULER_LOST = Msg("与 Dask 调度器 {address} 的连接中断（{why}），审核已停止；"
                     "已完成的结果已保存，调度器恢复后再次运行同一命令即可从中断处继续",
                     "lost the connection to the Dask scheduler {address} ({why}): the audit "
                     "stopped; finished results are saved, run the same command again once the "
                     "scheduler is back to resume")
NO_WORKER_LEFT = Msg("Dask 调度器 {address} 上已没有与本机 dingmi 版本和目录一致的工作进程"
                     "（已拒绝：{refused}），审核已停止；再次运行同一命令即可继续",
                     "no Dask worker with this dingmi and these catalogues is left on {address} "
                     "(refused: {refused}): the audit stopped; run the same command again to "
                     "resume")
JOINED_REFUSED = Msg("Dask 工作进程 {worker} 的 dingmi 版本或目录与本机不同（{theirs}），"
                     "不分配任务",
                     "the Dask worker {worker} runs another dingmi or other catalogues "
                     "({theirs}; here {mine}): given no work")
NOT_THIS_FILE = Msg("集群工作进程读取的文件（{remote}）与本机的这个文件不一致（{what}），"
                    "结果未采用：请检查 --path-map，或工作进程上的副本是否过期",
                    "the file a cluster worker read ({remote}) is not this file ({what}): its "
                    "result is not used; check --path-map, or whether the worker's copy is stale")
NOT_READ_THERE = Msg("集群工作进程无法读取 {remote}（{reason}），本机却有该文件：请检查 --path-map",
                     "a cluster worker could not read {remote} ({reason}) though the file is "
                     "here: check --path-map")
SIZES_DIFFER = Msg("那里 {there} 字节，本机 {here} 字节", "{there} bytes there, {here} here")
MODIFIED_DIFFER = Msg("那里修改于 {there}，本机修改于 {here}",
                      "modified {there} there, {here} here")
GONE_HERE = Msg("本机已没有该文件", "the file is no longer here")
HASH_DIFFERS = Msg("内容哈希与本机文件上次审核时不同", "its content hash is not the one this "
                   "unchanged file had when it was last audited")
MTIME_SLACK_NS = 2_000_000_000  # file systems keep modification times to 2 s (FAT) or better
ANSWER_WITHIN = 20.0  # seconds a worker has to say what it runs
ASK_AGAIN = 120.0  # seconds before a worker that did not answer is asked again
WAIT_FOR_WORKER = 30.0  # seconds to wait for a checked worker when none is left
REFRESH_EVERY = 1.0  # seconds between looks at the scheduler's list of workers
_LOCAL = threading.local()  # one pool per Dask worker thread
_IDENTITIES: dict[tuple[Any, ...], tuple[str, tuple[str, ...]]] = {}  # per worker process
Identity = tuple[str, tuple[str, ...]]


class Known(Protocol):
    """What the coordinator knew of a file before this run (an audit database row)."""

    @property
    def size(self) -> int | None: ...
    @property
    def mtime_ns(self) -> int | None: ...
    @property
    def sha256(self) -> str | None: ...


class WorkerRefused(Exception):
    """Raised by a batch on a worker whose engine or catalogues are not the coordinator's: the
    batch is given to another worker and this one gets no more work."""

    def __init__(self, address: str, theirs: Identity) -> None:
        super().__init__(address, theirs)
        self.address, self.theirs = address, theirs


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


def fitness() -> tuple[str, bool, int]:
    """What a worker runs, whether its process is daemonic (a Dask worker under a nanny, as
    ``dask worker ADDRESS`` starts it by default: it may not start the processes an audit runs
    each file in) and the method its derived-index fingerprints are computed by (a worker of
    another method would put fingerprints in the index that match nothing)."""
    return ENGINE, bool(multiprocessing.current_process().daemon), METHOD


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

UNFIT_METHOD = Msg(
    "Dask 工作进程 {worker} 计算派生定密索引的方法是第 {theirs} 版，本机是第 {mine} 版（同为 "
    "{engine} 的不同构建），其指纹与索引不符，已拒绝。请在该工作进程的环境中重新安装与本机相同的 "
    "dingmi 后重启它",
    "the Dask worker {worker} computes the derived index by method {theirs} and this machine by "
    "method {mine} (two builds of {engine}): its fingerprints would not match the index; "
    "refused. Install the same dingmi as this machine's in the worker's environment, then "
    "restart it")


def refuse_unfit_workers(client: Any, address: str, workers: list[str] | None = None,
                         timeout: float | None = None) -> None:
    """Refuse, by name and with the fix, a worker that cannot run an audit: one without dingmi
    (or without what it imports), one with another dingmi, a daemonic one. Runs before any file
    is sent; only ``workers`` are asked (all when None), each answering within ``timeout`` (a
    stopped worker is left to the identity check, which gives it no work)."""
    try:
        seen = client.run(fitness, workers=workers, on_error="return",
                          callback_timeout=timeout)
    except (TimeoutError, ValueError, KeyError):
        return  # a worker that stopped answering or left meanwhile: the identity check has it
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
        elif (got[2] if len(got) > 2 else 1) != METHOD:
            why = UNFIT_METHOD.format(worker=worker, theirs=got[2] if len(got) > 2 else 1,
                                      mine=METHOD, engine=ENGINE)
        else:
            continue
        raise ConfigError(why.zh, why.en)


def catalog_paths(job: Job) -> tuple[str, ...]:
    """Every catalogue path the job's profiles name."""
    return tuple(p for profile in job.profiles.values() for p in profile.catalogs)


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def own_identity(paths: tuple[str, ...]) -> Identity:
    """:func:`identity`, computed again only when a catalogue file changed (a worker checks
    itself before every batch)."""
    key = (paths, str(Path.cwd()), tuple(_stamp(p) for p in paths))
    if key not in _IDENTITIES:
        _IDENTITIES.clear()
        _IDENTITIES[key] = identity(paths)
    return _IDENTITIES[key]


def _when(mtime_ns: int) -> str:
    return dt.datetime.fromtimestamp(mtime_ns / 1e9).strftime("%Y-%m-%d %H:%M:%S")


def _this_worker() -> str:
    try:
        from distributed import get_worker  # noqa: PLC0415

        return str(get_worker().address)
    except (ImportError, ValueError):
        return ""


def run_batch(tasks: list[Task], job: Job, policy: Policy, expected: Identity) -> list[Result]:
    """A batch on a Dask worker: the worker first checks that it runs the coordinator's engine
    and catalogues (``expected``; a worker may have joined, or been restarted, after the audit
    began), then every file goes through this thread's one-process pool."""
    theirs = own_identity(catalog_paths(job))
    if (theirs[0], tuple(theirs[1])) != (expected[0], tuple(expected[1])):
        raise WorkerRefused(_this_worker(), theirs)
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


def _quiet_dask() -> None:
    """Dask's own log lines (reconnection attempts, tracebacks of lost connections) are not the
    coordinator's output: what went wrong is said once, as a dingmi message."""
    names = [n for n in logging.root.manager.loggerDict if n.startswith(("distributed", "tornado"))]
    for name in {"distributed", "tornado", *names}:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _shown(theirs: Identity) -> Msg:
    engine, hashes = theirs[0], ", ".join(h[:12] for h in theirs[1])
    return Msg(f"{engine}，目录 {hashes or '无'}", f"{engine}, catalogues {hashes or 'none'}")


class DaskExecutor(Executor):
    """Per-file tasks on a Dask cluster (``--executor dask://HOST:PORT``).

    Batches go only to workers the coordinator has checked (``workers=`` restrictions): those
    of the start, and any that joins later once it has answered with the same engine and
    catalogues (looked at every second); a worker that differs gets no work, and one line says
    so. Each batch checks its worker again before it runs (a worker restarted in between) and
    refuses to run on a different one: the batch goes elsewhere and the worker is dropped.
    Each result's file is compared with the coordinator's own: a size or a modification time
    that differs (or, for a file unchanged since its last audit, a content hash) means the
    worker read another file
    (a wrong ``--path-map``, a stale copy): that file gets an ``unreadable`` report saying so.
    """

    def __init__(self, job: Job, policy: Policy, settings: ClusterSettings,
                 known: Mapping[str, Known] | None = None, stderr: Any = None) -> None:
        try:
            from distributed import Client as _Client  # noqa: PLC0415 - the dask extra
        except ImportError as exc:
            raise ConfigError("未安装 Dask 组件（pip install \"dingmi[dask]\"）",
                              "the Dask extra is not installed (pip install \"dingmi[dask]\")"
                              ) from exc
        _quiet_dask()
        self.job, self.policy, self.settings = job, policy, settings
        self.known: Mapping[str, Known] = known or {}
        self.stderr = stderr
        self.paths = catalog_paths(job)
        self.mine = identity(self.paths)
        self.verified: set[str] = set()  # worker addresses checked, alive at the last look
        self.refused: dict[str, str] = {}  # address: how the worker is named
        self.silent: dict[str, float] = {}  # address: when to ask again a worker that was silent
        self.names: dict[str, str] = {}  # address: name, of the workers that were silent
        self.last_look = time.monotonic()
        self.source: Iterator[Task] = iter(())
        self.pending: dict[Any, tuple[list[Task], frozenset[str]]] = {}  # future: batch, where
        self.retried: deque[list[Task]] = deque()
        self.exhausted = False
        self.finished: queue.Queue[Any] = queue.Queue()  # futures as they finish
        make: Any = _Client  # (distributed is not typed)
        try:
            self.client: Any = make(settings.address, timeout="30s", security=settings.security,
                                 set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"无法连接 Dask 调度器 {settings.address}：{exc}",
                              f"cannot reach the Dask scheduler {settings.address}: {exc}"
                              ) from exc
        _quiet_dask()  # (the client's loggers exist now)
        try:
            self._check_workers(start=True)
            threads = sum(self.client.nthreads().values()) or 1
        except (OSError, TimeoutError) as exc:
            self.close()
            raise self._lost(exc) from None
        except ConfigError:
            self.close()
            raise
        self.inflight = settings.inflight or 4 * threads

    def _workers(self) -> dict[str, str]:
        """The scheduler's workers now: address and how to name it."""
        info = self.client.scheduler_info()["workers"]
        return {a: f"{w.get('name', '')} ({a})".strip() for a, w in info.items()}

    def _check_workers(self, *, start: bool = False) -> None:
        """Ask every worker not yet checked for its engine and catalogue hashes. At the start a
        worker that differs stops the audit (exit 2); later it is left without work."""
        workers = self._workers()
        if start and not workers:
            raise ConfigError(f"Dask 调度器 {self.settings.address} 没有工作进程",
                              f"the Dask scheduler {self.settings.address} has no workers")
        self.verified &= set(workers)
        now = time.monotonic()
        new = [a for a in workers if a not in self.verified and a not in self.refused
               and self.silent.get(a, 0.0) <= now]
        if not new:
            return
        seen = self._ask(new)
        if start and seen:  # those that answered: refused by name with the fix if unfit
            refuse_unfit_workers(self.client, self.settings.address, list(seen), ANSWER_WITHIN)
        for address in new:
            if address not in seen:
                self.silent[address] = time.monotonic() + ASK_AGAIN
                self.names[address] = workers.get(address, address)
        for address, theirs in seen.items():
            worker = workers.get(address, address)
            if isinstance(theirs, BaseException):
                said = f"{type(theirs).__name__}: {theirs}"
                why = Msg(said, said)
                if start:
                    raise ConfigError(
                        f"Dask 工作进程 {worker} 无法运行 dingmi（{why.zh}），已拒绝",
                        f"the Dask worker {worker} cannot run dingmi ({why.en}): refused")
                self._refuse(address, worker, why)
            elif tuple(theirs[0:1]) != self.mine[0:1] or tuple(theirs[1]) != self.mine[1]:
                if start:
                    mine = _shown(self.mine)
                    raise ConfigError(
                        f"Dask 工作进程 {worker} 的 dingmi 版本或目录与本机不同（"
                        f"{_shown(theirs).zh}），已拒绝",
                        f"the Dask worker {worker} runs another dingmi or other catalogues "
                        f"({_shown(theirs).en}; here {mine.en}): refused")
                self._refuse(address, worker, _shown(theirs))
            else:
                self.verified.add(address)

    def _ask(self, addresses: list[str]) -> dict[str, Any]:
        """What each worker runs, by address; one that does not answer within
        :data:`ANSWER_WITHIN` (stopped, overloaded) or left meanwhile is missing."""
        try:
            answers: dict[str, Any] = self.client.run(
                identity, self.paths, workers=addresses, on_error="return",
                callback_timeout=ANSWER_WITHIN)
        except (ValueError, KeyError):
            return {}  # a worker that left meanwhile: the next look sees the cluster as it is
        except TimeoutError:
            if len(addresses) == 1:
                return {}
            answers = {}
            for address in addresses:  # one at a time: the silent one alone is left out
                answers.update(self._ask([address]))
        return answers

    def _refuse(self, address: str, worker: str, theirs: Msg) -> None:
        self.verified.discard(address)
        if address in self.refused:
            return
        self.refused[address] = worker
        mine = _shown(self.mine)
        line = Msg(JOINED_REFUSED.zh.format(worker=worker, theirs=theirs.zh, mine=mine.zh),
                   JOINED_REFUSED.en.format(worker=worker, theirs=theirs.en, mine=mine.en))
        print(f"dingmi: {line.text(self.job.lang)}", file=self.stderr or sys.stderr, flush=True)

    def _usable(self) -> set[str]:
        """The checked workers alive now; when none is left, wait a while for one to join (a
        worker being restarted), then stop."""
        deadline = time.monotonic() + WAIT_FOR_WORKER
        while True:
            self._check_workers()
            if self.verified:
                return set(self.verified)
            if time.monotonic() > deadline:
                said = Msg(*(", ".join([*self.refused.values(),
                                         *(f"{self.names[a]} {note}" for a in self.silent)])
                             or "-" for note in ("无应答", "no answer")))
                raise WorkerError(
                    NO_WORKER_LEFT.zh.format(address=self.settings.address, refused=said.zh),
                    NO_WORKER_LEFT.en.format(address=self.settings.address, refused=said.en))
            time.sleep(0.5)

    def _submit(self, batch: list[Task]) -> tuple[Any, frozenset[str]]:
        remote = [_remote(t, self.settings.path_map) for t in batch]
        where = frozenset(self.verified) or frozenset(self._usable())
        future = self.client.submit(run_batch, remote, self.job, self.policy, self.mine,
                                    pure=False, workers=sorted(where), allow_other_workers=False)
        return future, where

    def _mismatch(self, task: Task, result: Result) -> tuple[Msg | None, tuple[int, int] | None]:
        """Why the file the worker read is not the coordinator's file (None: it is, as far as
        its size, its modification time and a content hash known from an unchanged file's last
        audit can tell), and the coordinator's own size and modification time of it."""
        here = _stamp(task.path)
        if result.size is None:
            return None, here  # nothing was read there: its report says why
        if here is None:
            return GONE_HERE, None
        if here[0] != result.size:
            return SIZES_DIFFER.format(there=result.size, here=here[0]), here
        if result.mtime_ns is not None and abs(result.mtime_ns - here[1]) > MTIME_SLACK_NS:
            return MODIFIED_DIFFER.format(there=_when(result.mtime_ns), here=_when(here[1])), here
        row = self.known.get(task.name)
        if (row is not None and (row.size, row.mtime_ns) == here and row.sha256
                and result.sha256 and row.sha256 != result.sha256):
            return HASH_DIFFERS, here
        return None, here

    def _checked(self, batch: list[Task], results: list[Result]) -> Iterator[Result]:
        by_path = {(t.path, t.member): t for t in batch}
        for result in results:
            own = by_path.get((result.task.display or result.task.path, result.task.member))
            if own is None:
                yield result
                continue
            why, here = self._mismatch(own, result)
            remote = _remote(own, self.settings.path_map).path
            if result.size is None and here is not None and remote != own.path:
                data = result.json()  # read here, not where the map points: say where
                text = Msg(NOT_READ_THERE.zh.format(remote=remote, reason=data.get("reason_zh")),
                           NOT_READ_THERE.en.format(remote=remote, reason=data.get("reason_en")))
                yield replace(failed(own, self.job, text), mtime_ns=None)
                continue
            if why is None:  # recorded with the coordinator's stat, which its next walk sees
                read = here is not None and result.size is not None
                yield replace(result, task=own,
                              mtime_ns=here[1] if read and here else result.mtime_ns)
                continue
            text = Msg(NOT_THIS_FILE.zh.format(remote=remote, what=why.zh),
                       NOT_THIS_FILE.en.format(remote=remote, what=why.en))
            # no modification time kept: the next run reads the file again (a fixed --path-map)
            yield replace(failed(own, self.job, text), mtime_ns=None)

    def _lost(self, exc: BaseException) -> WorkerError:
        said = str(exc).strip().splitlines()
        why = said[0].rsplit(">: ", 1)[-1][:160] if said else type(exc).__name__
        return WorkerError(*SCHEDULER_LOST.format(address=self.settings.address, why=why))

    def _fill(self) -> None:
        """Submit batches until ``inflight`` are out (batches sent again first)."""
        while len(self.pending) < self.inflight:
            if self.retried:
                batch = self.retried.popleft()
            elif self.exhausted:
                return
            else:
                batch = [t for _, t in zip(range(self.settings.batch), self.source, strict=False)]
                if not batch:
                    self.exhausted = True
                    return
            future, where = self._submit(batch)
            self.pending[future] = (batch, where)
            future.add_done_callback(self.finished.put)

    def _look(self) -> None:
        """Check the workers that joined; batches held for workers all gone are sent again."""
        if time.monotonic() - self.last_look < REFRESH_EVERY:
            return
        self.last_look = time.monotonic()
        usable = self._usable()
        for future, (batch, where) in list(self.pending.items()):
            if not where & usable and not future.done():
                del self.pending[future]
                future.cancel()
                self.retried.append(batch)

    def _finished(self, future: Any) -> Iterator[Result]:
        """The results of a finished batch (or its files sent again)."""
        from distributed.scheduler import KilledWorker  # noqa: PLC0415

        batch, _ = self.pending.pop(future)
        try:
            results: list[Result] = future.result()
        except KilledWorker:
            if len(batch) > 1:  # find the file to blame: each one on its own
                self.retried.extend([t] for t in batch)
            else:
                yield failed(batch[0], self.job, KILLED_TWICE)
            return
        except WorkerRefused as exc:  # restarted, or joined between two looks
            self._refuse(exc.address, self._workers().get(exc.address, exc.address),
                         _shown(exc.theirs))
            self.retried.append(batch)
            return
        finally:
            future.release()
        yield from self._checked(batch, results)

    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        self.source = iter(tasks)
        self.pending.clear()
        self.retried.clear()
        self.exhausted = False
        try:
            self._fill()
            while self.pending or self.retried:
                try:
                    future = self.finished.get(timeout=REFRESH_EVERY)
                except queue.Empty:
                    future = None
                if future is not None and future in self.pending:  # (not one sent again)
                    yield from self._finished(future)
                self._look()
                self._fill()
        except (OSError, TimeoutError, CancelledError, asyncio.CancelledError) as exc:
            raise self._lost(exc) from None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close(timeout=5)
