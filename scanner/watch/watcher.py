"""``dingmi watch``: watched folders feeding the same per-file pipeline as ``scan``.

A watchdog observer reports arrivals (created, modified, moved in, closed); the :class:`Settler`
holds each file until it stops changing; the main loop scans it, writes its reports, commits its
row in the state database (in that order) and, for a pre-issue folder, moves it. A catch-up pass at
start and a reconciliation pass every ``reconcile_seconds`` walk the folders, so files that arrived
while the service was down, or whose events the system dropped, are still processed. A folder that
disappears is reported and re-attached when it returns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import os
import queue
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TextIO

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from scanner import ENGINE, catalogs
from scanner.codenames import code_name
from scanner.containers import SEP, is_container, unique
from scanner.errors import ConfigError, ScanError
from scanner.fsutil import make_dirs, remove_stale_temporaries
from scanner.messages import Msg, printable
from scanner.pipeline import ScanOptions
from scanner.report import DEFAULT_FORMATS
from scanner.walk import WalkStats, entry_report, expand, is_temporary
from scanner.watch.config import Folder, WatchConfig, layout_problems, references
from scanner.watch.handle import Outcome, SourceChanged, handle, handle_package, link_outcome
from scanner.watch.settle import Settler, real_stat
from scanner.watch.state import StateDB
from scanner.workers.pool import Executor, InProcess, Policy, ProcessPool
from scanner.workers.task import Job, Result, Task, result_of

TICK = 0.05
FOLDER_CHECK = 1.0  # seconds between checks that every watched folder is still there
SWITCH_INTERVAL = 0.0005
WORKERS = min(os.cpu_count() or 1, 4)  # scan worker processes
WINDOW = 4  # files queued on one worker
RETRIES = 1  # a file whose worker died is tried once more before it is blamed
WATCHING = Msg("开始监视 {n} 个文件夹；待补扫 {todo} 个文件",
               "watching {n} folders; {todo} files to catch up")
FOLDER_NO_CATALOG = Msg(
    "发文前文件夹 {path} 未配置保密事项目录（catalogs）：文件内容不与任何保密事项范围比对，"
    "闸门只按标志格式和文中声明放行",
    "pre-issue folder {path} has no catalogue (catalogs): content is not checked against any "
    "catalogue (保密事项范围); the gate judges the mark's form and the text's own statements only")
GATE_NO_CATALOG = Msg("（未配置保密事项目录，内容未比对）",
                      "(no catalogue configured: content not checked)")
AGAINST = Msg("{path} 中的文件对照审核 {audit} 的派生索引检查（只读）",
              "files in {path} are checked against the derived index of the audit {audit} "
              "(read-only)")
HELD = Msg("暂缓发文：{codes}", "held: {codes}")
MISSING = Msg("监视文件夹不存在，等待其恢复：{path}", "watched folder missing: {path}")
BACK = Msg("监视文件夹已恢复：{path}", "watched folder back: {path}")
RETRY = Msg("处理失败，{seconds} 秒后重试：{path}：{error}",
            "failed, will retry in {seconds} s: {path}: {error}")
CHANGED = Msg("文件在检查后被修改，重新检查：{path}",
              "changed after it was checked; checking again: {path}")
BACKOFF_MAX = 3600.0  # seconds: the longest wait before a failing file is tried again
BATCH = 50  # state rows committed together; a crash repeats at most this many scans
# Arrivals only. A file still being written is seen by the settler re-reading its size and mtime,
# so the many modify events of a write are not needed. Close events come from inotify (Linux);
# elsewhere modifications are subscribed to instead.
EVENTS: list[type[FileSystemEvent]] = [FileCreatedEvent, FileMovedEvent, FileClosedEvent]
if sys.platform != "linux":
    EVENTS.append(FileModifiedEvent)


class _Handler(FileSystemEventHandler):
    """Runs in the observer thread: only hands the path over, so the observer holds the GIL as
    little as possible while the main loop scans."""

    def __init__(self, inbox: queue.SimpleQueue[str | bytes]) -> None:
        self.inbox = inbox

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        if event.event_type in ("created", "modified", "closed"):
            self.inbox.put(event.src_path)
        elif event.event_type == "moved":
            self.inbox.put(event.dest_path)


class Watcher:
    """Runs until ``stop`` is set. ``clock`` drives settling (tests inject their own)."""

    def __init__(self, config: WatchConfig, stop: threading.Event, *, log: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic, use_worker: bool = True,
                 log_excerpts: bool = False, lang: str = "zh",
                 against: Path | None = None) -> None:
        self.config, self.stop, self.clock = config, stop, clock
        self.log_excerpts = log_excerpts  # the mark found goes into log lines only when asked
        self.log_stream = log or sys.stderr
        self.settler = Settler(clock)
        self.folders = sorted(config.folders, key=lambda f: len(str(f.path)), reverse=True)
        # Event paths are absolute and under the scheduled folder path as configured, so a
        # string prefix test suffices (no path resolution on every event).
        self.prefixes = [(f, str(f.path).rstrip(os.sep) + os.sep) for f in self.folders]
        self.watches: dict[Path, tuple[object, int]] = {}
        self.missing: set[Path] = set()
        self.processed = 0
        self.inbox: queue.SimpleQueue[str | bytes] = queue.SimpleQueue()
        self.use_worker = use_worker
        self.lang = lang
        self.executor: Executor | None = None
        self.ready = threading.Event()
        self.failures: dict[Path, tuple[int, float, tuple[int, int] | None]] = {}
        _check_layout(config)
        self.references = references(config, against)
        self.job = Job({str(f.path): ScanOptions(as_of=config.as_of or dt.date.today(),
                                                 catalogs=f.catalogs, authority=f.authority)
                        for f in config.folders}, DEFAULT_FORMATS, lang,
                       against={k: str(v.absolute()) for k, v in self.references.items()})
        self.catalog_keys = {str(f.path): ",".join(c.sha256 for c in catalogs.load(f.catalogs))
                             for f in config.folders}

    def _executor(self) -> Executor:
        if not self.use_worker:
            return InProcess(self.job)
        policy = Policy(self.config.file_timeout_seconds, self.config.memory_mb, WINDOW, RETRIES)
        return ProcessPool(self.job, WORKERS, policy)

    # ── events ────────────────────────────────────────────────────────────────
    def folder_of(self, path: Path) -> Folder | None:
        """The watched folder that owns ``path`` and wants it (patterns, recursion)."""
        text = str(path)
        for folder, prefix in self.prefixes:
            if not text.startswith(prefix):
                continue
            if not folder.recursive and path.parent != folder.path:
                return None
            name = path.name
            if is_temporary(name) or ".report." in name:
                return None
            if not any(fnmatch.fnmatch(name, p) for p in folder.include):
                return None
            if any(fnmatch.fnmatch(name, p) for p in folder.exclude):
                return None
            return folder
        return None

    def drain(self) -> None:
        """Take the paths the observer handed over."""
        while True:
            try:
                raw = self.inbox.get_nowait()
            except queue.Empty:
                return
            self.announce(Path(os.fsdecode(raw)))

    def announce(self, path: Path) -> None:
        """An event says ``path`` arrived or changed."""
        folder = self.folder_of(path)
        if folder is not None:
            self.settler.touch(path, folder.settle_seconds)

    # ── main loop ─────────────────────────────────────────────────────────────
    def run(self) -> int:
        """Watch until stopped; 0 on a clean stop."""
        db = StateDB(self.config.state_db, exclusive=True)
        # The workers are spawned before the observer's threads exist.
        self.executor = self._executor()
        observer = Observer()
        observer.start()
        switch = sys.getswitchinterval()
        # Scanning releases the GIL at every system call; with the default 5 ms interval the
        # observer thread keeps it that long each time during a burst of events.
        sys.setswitchinterval(SWITCH_INTERVAL)
        try:
            for folder in self.config.folders:  # reports a killed run left half-written
                remove_stale_temporaries(folder.reports)
            self._attach_all(observer)
            self.reconcile(db)
            self._log(WATCHING.format(n=len(self.config.folders), todo=len(self.settler)))
            for folder in self.config.folders:
                if folder.profile == "pre-issue" and not folder.catalogs:
                    self._log(FOLDER_NO_CATALOG.format(path=printable(str(folder.path))))
                reference = self.references.get(str(folder.path))
                if reference is not None:
                    self._log(AGAINST.format(path=printable(str(folder.path)),
                                             audit=printable(str(reference))))
            self.ready.set()
            last = checked = self.clock()
            while not self.stop.is_set():
                self.drain()
                due = self.settler.due()
                if due:
                    self.process_batch(due, db)
                now = self.clock()
                if now - last >= self.config.reconcile_seconds:
                    self._attach_all(observer)
                    self.reconcile(db)
                    last = checked = now
                elif now - checked >= FOLDER_CHECK:
                    self._attach_all(observer)
                    checked = now
                self.stop.wait(TICK)
        finally:
            sys.setswitchinterval(switch)
            observer.stop()
            observer.join(timeout=10)
            if self.executor is not None:
                self.executor.close()
            db.close()
        return 0

    def _attach_all(self, observer: Observer) -> None:  # type: ignore[valid-type]
        for folder in self.config.folders:
            path = folder.path
            try:
                inode = path.stat().st_ino if path.is_dir() else None
            except OSError:
                inode = None
            current = self.watches.get(path)
            if inode is None:
                if path not in self.missing:
                    self.missing.add(path)
                    self._log(MISSING.format(path=path))
                continue
            if current is not None and current[1] == inode and path not in self.missing:
                continue  # (a recreated folder may get the old inode number back)
            if current is not None:
                with contextlib.suppress(KeyError, OSError):
                    observer.unschedule(current[0])  # type: ignore[attr-defined]
            watch = observer.schedule(_Handler(self.inbox), str(path),  # type: ignore[attr-defined]
                                      recursive=folder.recursive, event_filter=EVENTS)
            self.watches[path] = (watch, inode)
            if path in self.missing:
                self.missing.discard(path)
                self._log(BACK.format(path=path))
                self._reconcile_folder(folder, None)

    def reconcile(self, db: StateDB | None) -> None:
        """Walk every folder; queue files not yet processed in their current state."""
        for folder in self.config.folders:
            self._reconcile_folder(folder, db)

    def _reconcile_folder(self, folder: Folder, db: StateDB | None) -> None:
        for path in _files(folder):
            if self.folder_of(path) is not folder or path in self.settler:
                continue
            stat = real_stat(path)
            # unchanged since it was reported: skipped, in a pre-issue folder too when it was
            # left where it is (a link, a file with no gate folder); a file the gate moved
            # away is not what stands at its path now
            known = db.known_stat(str(path)) if db is not None and stat is not None else None
            unchanged = known is not None and known[0] == stat and not known[1]
            if unchanged or self._backing_off(path, stat):
                continue
            self.settler.touch(path, folder.settle_seconds)

    def _backing_off(self, path: Path, stat: tuple[int, int] | None) -> bool:
        """A file whose handling failed waits (doubling, up to an hour) before it is tried
        again, unless it changed."""
        failed = self.failures.get(path)
        if failed is None:
            return False
        _, until, seen = failed
        if stat != seen:
            del self.failures[path]
            return False
        return self.clock() < until

    def _failed(self, path: Path, why: str) -> None:
        count, _, _ = self.failures.get(path, (0, 0.0, None))
        wait = min(self.config.reconcile_seconds * 2 ** count, BACKOFF_MAX)
        self.failures[path] = (count + 1, self.clock() + wait, real_stat(path))
        self._log(RETRY.format(path=printable(str(path)), error=why, seconds=f"{wait:g}"))

    # ── files ─────────────────────────────────────────────────────────────────
    def process_batch(self, due: list[Path], db: StateDB) -> None:
        """Scan settled files (in the worker when there is one) and commit their rows."""
        items = [(p, str(f.path)) for p in due if (f := self.folder_of(p)) is not None]
        for start in range(0, len(items), BATCH):
            chunk = items[start:start + BATCH]
            db.begin()
            try:
                for path, outcome, error in self._results(chunk, db):
                    self._record(path, outcome, error, db)
            finally:
                db.commit()
            if self.stop.is_set():
                return  # the rest is left for the next start (not in the database yet)

    def _results(self, chunk: list[tuple[Path, str]], db: StateDB
                 ) -> Iterator[tuple[Path, Outcome | None, str | None]]:
        """Scan the chunk through the executor; this process writes reports and moves files."""
        assert self.executor is not None
        folders = {str(f.path): f for f in self.config.folders}
        as_of = self.config.as_of or dt.date.today()
        tasks = []
        packages: dict[str, tuple[Path, list[Result], int]] = {}  # ZIP: its results, expected
        for p, key in chunk:
            task = Task(str(p), _report_name(folders[key], p, db), key, as_of)
            if p.is_symlink():  # links are never followed in a watched folder
                yield p, *self._guarded(partial(
                    link_outcome, task, self.job, folders[key], catalogs=self.catalog_keys[key],
                    done=db.done, engine=ENGINE), p)
            elif is_container(p.name):  # each member a file of its own, the package gated whole
                members, ready = self._package(task, as_of)
                tasks.extend(members)
                packages[task.path] = (p, ready, len(ready) + len(members))
                if not members:
                    yield from self._package_done(p, ready, folders[key], db)
            else:
                tasks.append(task)
        for result in self.executor.run(tasks):
            if result.task.member:
                p, ready, expected = packages[result.task.path]
                ready.append(result)
                if len(ready) == expected:
                    yield from self._package_done(p, ready, folders[result.task.profile], db)
                continue
            path, key = Path(result.path), result.task.profile
            yield path, *self._guarded(partial(
                handle, result, folders[key], catalogs=self.catalog_keys[key],
                formats=self.job.formats, lang=self.lang, done=db.done, engine=ENGINE), path)

    def _package(self, task: Task, as_of: dt.date) -> tuple[list[Task], list[Result]]:
        """The member tasks of a ZIP package, and the results already known (members, or the
        package, that cannot be read)."""
        entries = expand(Path(task.path), task.relative, self.job.options(task).limits,
                         WalkStats())
        members, ready = [], []
        for entry in entries:
            member = Task.of(entry, task.profile)._replace(as_of=as_of)
            if entry.broken:
                ready.append(result_of(member, self.job, entry_report(entry, as_of),
                                       (None, None), None))
            else:
                members.append(member)
        return members, ready

    def _package_done(self, path: Path, results: list[Result], folder: Folder, db: StateDB
                      ) -> Iterator[tuple[Path, Outcome | None, str | None]]:
        yield path, *self._guarded(partial(
            handle_package, results, path, folder, catalogs=self.catalog_keys[str(folder.path)],
            formats=self.job.formats, lang=self.lang, done=db.done, engine=ENGINE), path)

    def _guarded(self, work: Callable[[], Outcome | None], path: Path
                 ) -> tuple[Outcome | None, str | None]:
        """``work``'s outcome, or why it failed: no single file stops the service. A file that
        changed after it was checked is scanned again."""
        try:
            return work(), None
        except SourceChanged:
            self._log(CHANGED.format(path=printable(str(path))))
            folder = self.folder_of(path)
            if folder is not None:
                self.settler.touch(path, folder.settle_seconds)
            return None, None
        except ScanError as exc:
            return None, exc.message(self.lang)
        except OSError as exc:
            return None, str(exc.strerror or exc)
        except Exception as exc:  # the per-file boundary of the service
            return None, f"{type(exc).__name__}: {exc}"


    def _record(self, path: Path, outcome: Outcome | None, error: str | None,
                db: StateDB) -> None:
        """A file's I/O failure is logged, never fatal: it has no row yet, so the next
        reconciliation tries it again."""
        if error is not None:
            self._failed(path, error)
            return
        if outcome is None:
            return
        try:
            db.record(outcome.row, ENGINE, outcome.catalogs)
        except sqlite3.Error as exc:
            self._failed(path, f"state database: {exc}")
            return
        self.failures.pop(path, None)
        self.processed += 1
        moved = outcome.row.moved_to
        mark = f" [{outcome.mark}]" if self.log_excerpts and outcome.mark else ""
        held = "、" if self.lang == "zh" else ", "
        gate = ""
        if outcome.held:
            gate = " " + HELD.format(codes=held.join(
                f"{c}（{code_name(c).zh}）" if self.lang == "zh" else f"{c} ({code_name(c).en})"
                for c in outcome.held)).text(self.lang)
        if outcome.gated and not outcome.catalogs:
            gate += " " + GATE_NO_CATALOG.text(self.lang)
        self._log(f"{outcome.verdict:<11} {outcome.seconds:6.2f}s {printable(str(path))}{mark}"
                  + (f" → {printable(moved)}" if moved else "") + gate)

    def _log(self, message: str | Msg) -> None:
        text = message.text(self.lang) if isinstance(message, Msg) else message
        line = f"{dt.datetime.now().isoformat(timespec='seconds')} {text}"
        print(line, file=self.log_stream, flush=True)
        if self.config.log_file is not None:
            make_dirs(self.config.log_file.parent)
            with self.config.log_file.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")


def _report_name(folder: Folder, path: Path, db: StateDB) -> str:
    """Where the reports of the file at ``path`` go, below the folder's reports. A real file
    named like a package member (``pkg.zip!a.txt`` beside ``pkg.zip``) keeps the place it was
    given before, or takes a free one: never over the reports of the member, which may have
    come first."""
    relative = path.relative_to(folder.path).as_posix()
    if SEP not in relative:
        return relative
    recorded = db.report_path(str(path))
    suffix = ".report.json"
    if recorded is not None and recorded.endswith(suffix):
        with contextlib.suppress(ValueError):
            return Path(recorded[:-len(suffix)]).relative_to(folder.reports).as_posix()
    return unique(relative, set(), lambda c: os.path.lexists(folder.reports / (c + suffix)))


def _files(folder: Folder) -> Iterator[Path]:
    if not folder.path.is_dir():
        return
    if not folder.recursive:
        yield from (p for p in sorted(folder.path.iterdir()) if p.is_file())
        return
    for root, dirs, files in os.walk(folder.path):
        dirs.sort()
        for name in sorted(files):
            yield Path(root) / name


def _check_layout(config: WatchConfig) -> None:
    """Nothing dingmi writes or moves may land in a watched folder (no loops, nothing beside the
    sources); ``watch_dirs.yaml`` is checked on load with the line named, this checks a
    configuration built otherwise."""
    for at, why in layout_problems(config):
        key = ".".join(str(x) for x in at)
        raise ConfigError(f"{key}: {why.zh}", f"{key}: {why.en}")
