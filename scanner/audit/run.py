"""``dingmi audit``: a whole archive in one sitting, resumable, with the ledger and the statistics.

1. Walk the archives (temporary and lock files are counted, unreadable folders get a report).
2. A file whose path, size and mtime are recorded under the same settings key, with its report on
   disk, is taken from the state database as it is: nothing is read.
3. Everything else goes to the executor (:mod:`scanner.workers.pool`); this process writes each
   result's reports, then commits results in batches, so an audit killed at any moment resumes
   where it stopped and processes no file twice.
4. The outputs (ledger, declassification list, statistics, summary) are built from the database
   rows of the files found in this walk, in path order, so an interrupted and resumed audit gives
   the same outputs as an uninterrupted one. When neither the rows nor the settings changed since
   the last outputs, the outputs on disk are kept.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from scanner import ENGINE, catalogs, progress_seconds
from scanner.audit.db import AuditDB, FileRow
from scanner.audit.facts import ArchiveIds, facts_of
from scanner.audit.ledger import LedgerRow, ledger_row
from scanner.audit.links_sheet import derived_csv
from scanner.audit.outputs import OUTPUT_NAMES, RunContext, write_outputs
from scanner.decisions import Decisions
from scanner.derived.archive import LinkRow, run_stage
from scanner.derived.index import Writer
from scanner.derived.join import Runner, dask_runner, local_runner
from scanner.fsutil import is_within, remove_stale_temporaries
from scanner.messages import Msg
from scanner.pipeline import ScanOptions
from scanner.report import OutputOptions, check_out_dir, pack_json, write_rendered, write_report
from scanner.report.outputs import FILE_OUTPUTS, main_suffix
from scanner.report.write import make_output_dir, remove_rendered, write_output
from scanner.walk import Entry, WalkStats, entry_report, walk
from scanner.workers.pool import Executor, Policy, ProcessPool
from scanner.workers.task import Job, Result, Task

DB_NAME = "audit.sqlite"
COMMIT_EVERY = 0.5  # seconds between commits of finished files


@dataclass(frozen=True)
class AuditOptions:
    """Everything ``dingmi audit`` was asked to do."""

    roots: tuple[Path, ...]
    out: Path
    options: ScanOptions
    jobs: int = 0  # 0: one worker a core
    timeout: float = 60.0
    memory_mb: int | None = 3072
    window_months: int = 3
    lang: str = "zh"
    formats: tuple[str, ...] = ("json", "html")
    redact: bool = False
    decisions: Decisions | None = None  # reviewers' decisions applied to every report
    executor: str = "local"  # local (worker processes here) or dask://HOST:PORT
    path_map: tuple[tuple[str, str], ...] = ()  # (local, remote) prefixes for cluster workers
    batch: int = 8  # files per cluster task


@dataclass
class AuditResult:
    """What the run did: counts for the closing line and the tests."""

    files: int = 0
    processed: int = 0
    reused: int = 0
    removed: int = 0  # files gone from the archive whose reports were removed
    temporary: int = 0
    outputs_written: bool = False
    seconds: float = 0.0
    rows: list[LedgerRow] = field(default_factory=list)  # one per file, not whole reports
    unreadable: int = 0  # files with status unreadable or unsupported
    not_read: dict[str, int] = field(default_factory=dict)  # those by status


def settings_key(options: ScanOptions, catalog_hashes: list[str], out: OutputOptions,
                 decisions: str = "") -> str:
    """Everything that changes a report: a result stored under another key is not reused."""
    parts = [ENGINE, options.as_of.isoformat(), str(options.soon_days),
             options.authority or "", str(options.derived), repr(options.limits), out.lang,
             ",".join(out.formats), str(out.redact), *catalog_hashes]
    if decisions:
        parts.append(f"decisions:{decisions}")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def _report_file(reports: Path, relative: str, formats: tuple[str, ...]) -> Path:
    base = reports / relative
    return base.with_name(base.name + main_suffix(formats))


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _row(done: Result, key: str) -> FileRow:
    return FileRow(done.path, done.relative, done.size, done.mtime_ns, done.sha256, key,
                   done.status, 1)


ETA_AFTER = 4  # files done before a time left is estimated


class _Progress:
    """A rich progress bar on a terminal; plain lines with rate and ETA otherwise."""

    def __init__(self, total: int, stream: TextIO, lang: str, every: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.stream, self.lang, self.clock = total, stream, lang, clock
        self.every = progress_seconds() if every is None else every
        self.start = self.last = clock()
        self.done = 0
        self.first: float | None = None  # when the first file finished
        self.bar: Any = None
        if total and stream.isatty():
            from rich.console import Console  # noqa: PLC0415
            from rich.progress import (  # noqa: PLC0415 - only on a terminal
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
            )

            self.bar = Progress(TextColumn("审核 audit"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}"), TextColumn("{task.fields[eta]}"),
                                console=Console(file=stream), transient=False)
            self.task = self.bar.add_task("audit", total=total, rate="", eta="")
            self.bar.start()

    def line(self) -> str:
        now = self.clock()
        rate = self.done / max(now - self.start, 1e-9)
        eta = self.eta(now)
        if eta is None:
            return (f"已处理 {self.done}/{self.total} 个文件（{rate:.1f} 个/秒，正在估算剩余时间）"
                    if self.lang == "zh" else
                    f"processed {self.done}/{self.total} files ({rate:.1f} files/s, "
                    "estimating the time left)")
        if self.lang == "zh":
            return (f"已处理 {self.done}/{self.total} 个文件（{rate:.1f} 个/秒，"
                    f"预计还需 {eta:.0f} 秒）")
        return f"processed {self.done}/{self.total} files ({rate:.1f} files/s, ETA {eta:.0f} s)"

    def eta(self, now: float) -> float | None:
        """Seconds left, from the pace since the first file finished (the first carries the
        workers' start and the catalogue's loading); None until enough files are done."""
        if self.first is None or self.done < ETA_AFTER or now <= self.first:
            return None
        return (self.total - self.done) * (now - self.first) / (self.done - 1)

    def tick(self) -> None:
        self.done += 1
        now = self.clock()
        if self.first is None:
            self.first = now
        if self.bar is not None:
            rate = self.done / max(now - self.start, 1e-9)
            eta = self.eta(now)
            self.bar.update(self.task, advance=1, rate=f"{rate:.1f}/s",
                            eta="" if eta is None else f"ETA {eta:.0f} s")
        elif now - self.last >= self.every:
            self.last = now
            print(self.line(), file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def run_audit(a: AuditOptions, *, stdout: TextIO | None = None,
              stderr: TextIO | None = None, rows_wanted: bool = False) -> AuditResult:
    """Audit every file under ``a.roots`` into ``a.out``. ``result.rows`` holds the ledger rows
    when the outputs were written or ``rows_wanted`` is set."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    started = time.perf_counter()
    roots = list(a.roots)
    check_out_dir(a.out, roots)
    make_output_dir(a.out)
    cats = catalogs.load(a.options.catalogs) if a.options.catalogs else ()
    reports_dir = a.out / "reports"
    out = OutputOptions(reports_dir, a.formats, a.lang, a.redact)
    key = settings_key(a.options, [c.sha256 for c in cats], out,
                       a.decisions.digest() if a.decisions is not None else "")
    db = AuditDB(a.out / DB_NAME, exclusive=True)
    result = AuditResult()
    try:
        for d in a.decisions or ():  # imported: the review app shows them
            db.save_decision(d)
        known = db.known()
        order, relatives, todo = _survey(db, known, a, out, key=key, result=result)
        result.removed = _remove_gone(known, set(order), relatives, reports_dir, roots)
        db.flush()
        if todo:
            remove_stale_temporaries(reports_dir)  # reports a killed run left half-written
            result.processed = _process(db, todo, a, out, key=key, stderr=stderr, known=known)
        db.flush()
        if result.processed:
            known = db.known()
        result.not_read = dict(Counter(known[p].status for p in order
                                       if p in known and known[p].status != "ok"))
        result.unreadable = sum(result.not_read.values())
        derived, links = run_stage(db, known, order, reports=reports_dir, formats=a.formats,
                                   lang=a.lang, as_of=a.options.as_of.isoformat(),
                                   runner=_join_runner(a, db.path))
        db.set_meta("derived", derived)  # cross-document results change the outputs too
        write_output(a.out / DERIVED_CSV, derived_csv(links, a.lang))
        _outputs(db, known, order, a, key=key, catalog_ids=[c.id for c in cats], result=result,
                 rows_wanted=rows_wanted, links=tuple(links))
    finally:
        db.close()
    result.seconds = time.perf_counter() - started
    print(closing_line(result, a), file=stdout)
    return result


def _survey(db: AuditDB, known: dict[str, FileRow], a: AuditOptions, out: OutputOptions, *,
            key: str, result: AuditResult) -> tuple[list[str], set[str], list[Task]]:
    """Walk the archives: every file's path in order, their places under the report folder, and
    the files to process (the others' results are reused; a broken entry is recorded here)."""
    assert out.out is not None
    stats = WalkStats()
    todo: list[Task] = []  # only what must be processed, as plain strings
    order: list[str] = []
    relatives: set[str] = set()
    for entry in walk(list(a.roots), a.out, stats, a.options.limits):  # no list of every entry
        path = entry.name
        order.append(path)
        relatives.add(entry.relative)
        if entry.broken:
            _record_broken(db, entry, a.options, out, key)
            continue
        row = known.get(path)
        if (row is not None and row.key == key and row.relative == entry.relative
                and _stat(entry.path) == (row.size, row.mtime_ns)
                and _report_file(out.out, entry.relative, a.formats).exists()):
            result.reused += 1
            continue
        todo.append(Task.of(entry))
    result.files = len(order)
    result.temporary = stats.temporary
    return order, relatives, todo


def _remove_gone(known: dict[str, FileRow], found: set[str], relatives: set[str],
                 reports: Path, roots: list[Path]) -> int:
    """Remove the reports of files recorded by an earlier run and no longer in the archive (as
    the ledger leaves them out): only the report files the audit writes, at their place under
    ``reports``, never one a file found now has there, never anything in the archive. Their rows
    stay in the database. Returns how many files' reports were removed."""
    suffixes = [o.suffix for o in FILE_OUTPUTS.values()]
    removed = 0
    for path, row in known.items():
        if path in found or row.relative in relatives or not row.relative:
            continue
        target = reports / row.relative
        if not any(os.path.lexists(f"{target}{suffix}") for suffix in suffixes):
            continue  # removed by an earlier run (the row stays)
        if any(is_within(target, root) for root in roots):
            continue
        removed += remove_rendered(reports, row.relative, suffixes)
    return removed


def _outputs(db: AuditDB, known: dict[str, FileRow], order: list[str], a: AuditOptions, *,
             key: str, catalog_ids: list[str], result: AuditResult,
             rows_wanted: bool, links: tuple[LinkRow, ...] = ()) -> None:
    """Write the outputs unless those on disk show exactly these rows under these settings;
    the reports are read from the database only when something needs them."""
    decisions = db.decisions()  # the review app's and imported ones: the yearly statistics
    digest = _outputs_digest(known, order, a,
                             key + decisions.digest() + (db.get_meta("derived") or ""))
    fresh = all((a.out / name).exists() for name in OUTPUT_NAMES)
    stale = digest != db.get_meta("outputs") or not fresh
    if stale or rows_wanted:
        result.rows = _ledger_rows(db, order, a)
    if stale:
        write_outputs(result.rows, a.out, RunContext(a.options.as_of, a.window_months, a.lang,
                                                     a.formats, tuple(catalog_ids),
                                                     decisions=tuple(decisions),
                                                     links=links))
        db.set_meta("outputs", digest)
        result.outputs_written = True
    db.flush()


def _ledger_rows(db: AuditDB, order: list[str], a: AuditOptions) -> list[LedgerRow]:
    """The ledger rows of the files found, with what their stored text and their folders add
    (定密机关, 派生, 档号)."""
    ids = ArchiveIds()
    rows = []
    for path in order:
        report = db.report_of(path)
        if report is None:
            continue
        src = report["source"]
        blocks = db.blocks_of(src.get("sha256")) if report["status"] == "ok" else None
        facts = facts_of(blocks, src["path"], src.get("relative") or src["path"], ids)
        rows.append(ledger_row(report, facts, derived=a.options.derived))
    return rows


DERIVED_CSV = "derived.csv"  # 派生关系: one row per link between documents


def _record_broken(db: AuditDB, entry: Entry, options: ScanOptions, out: OutputOptions,
                         key: str) -> None:
    report = entry_report(entry, options.as_of)
    as_json = write_report(report, out)
    s = report.source
    row = FileRow(s.path, report.relative, s.size, None, s.sha256, key, report.status, 1)
    db.record(row, pack_json(as_json), None, processed=True)


def _process(db: AuditDB, todo: list[Task], a: AuditOptions, out: OutputOptions, *, key: str,
             stderr: TextIO, known: dict[str, FileRow] | None = None) -> int:
    jobs = a.jobs or os.cpu_count() or 1
    jobs = max(1, min(jobs, len(todo)))
    job = Job({"": a.options}, out.formats, out.lang, out.redact, texts=db.path, keep_text=True,
              decisions=a.decisions, derived=True)
    progress = _Progress(len(todo), stderr, a.lang)
    pool = executor_for(a, job, jobs, known=known, stderr=stderr)
    assert out.out is not None
    n = 0
    last_commit = time.monotonic()
    index = Writer(db.conn)  # the workers computed each new text's fingerprints: kept for the
    try:
        for done in pool.run(todo):
            write_rendered(out.out, done.relative, done.files)
            db.record(_row(done, key), done.report, done.text, processed=True)
            if done.facts is not None:  # stage, which inserts them in the archive's order
                index.hold(done.facts)
            n += 1
            progress.tick()
            now = time.monotonic()
            if now - last_commit >= COMMIT_EVERY:
                db.flush()
                last_commit = now
    finally:
        db.flush()
        pool.close()
        progress.close()
    return n


def _join_runner(a: AuditOptions, db: Path) -> Runner | None:
    """Who judges the documents' links besides this process: the Dask cluster's workers, or
    worker processes here (None: ``--jobs 1``)."""
    if a.executor != "local":
        scheme, _, where = a.executor.partition("://")
        return dask_runner(f"{'tcp' if scheme == 'dask' else scheme}://{where}", db,
                           path_map=a.path_map)
    jobs = a.jobs or os.cpu_count() or 1
    return local_runner(db, jobs) if jobs > 1 else None


def executor_for(a: AuditOptions, job: Job, jobs: int, *,
                 known: dict[str, FileRow] | None = None, stderr: TextIO | None = None
                 ) -> Executor:
    """Worker processes here, or the Dask cluster ``a.executor`` names (``known``: what the
    database knew of each file, which a cluster's results are compared with)."""
    policy = Policy(a.timeout, a.memory_mb)
    if a.executor == "local":
        return ProcessPool(job, jobs, policy)
    from scanner.workers.cluster import ClusterSettings, DaskExecutor  # noqa: PLC0415

    scheme, _, where = a.executor.partition("://")
    address = f"{'tcp' if scheme == 'dask' else scheme}://{where}"
    return DaskExecutor(job, policy, ClusterSettings(address, batch=a.batch,
                                                     path_map=a.path_map),
                        known=known, stderr=stderr)


def _outputs_digest(known: dict[str, FileRow], order: list[str], a: AuditOptions,
                    key: str) -> str:
    """Changes whenever anything the outputs show could have changed."""
    h = hashlib.sha256()
    for part in (key, str(a.window_months), a.lang, ",".join(a.formats)):
        h.update(part.encode("utf-8") + b"\x1f")
    for path in order:
        row = known.get(path)
        if row is not None:
            h.update(f"{path}\x1f{row.relative}\x1f{row.sha256}\x1f{row.size}\x1f{row.mtime_ns}"
                     f"\x1f{row.status}\x1e".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


NOT_READ = Msg("；{n} 个文件未能读取（{parts}），退出码为 3",
               "; {n} files could not be read ({parts}), hence exit code 3")
NOT_READ_PARTS = {"unreadable": Msg("无法读取 {n}", "unreadable {n}"),
                  "unsupported": Msg("不支持的格式 {n}", "unsupported format {n}"),
                  "needs_ocr": Msg("需 OCR {n}", "needing OCR {n}")}
REMOVED = Msg("，删除已不在档案中的文件的报告 {n}", ", reports of files no longer in the archive "
              "removed {n}")
NO_CATALOG = Msg("；未使用保密事项目录：内容未与任何保密事项范围比对",
                 "; no catalogue used: content not checked against any catalogue (保密事项范围)")


def closing_line(r: AuditResult, a: AuditOptions) -> str:
    """The summary printed at the end: the counts, why the exit code is 3 when it is, and that
    no catalogue was used when none was."""
    removed = REMOVED.format(n=r.removed).text(a.lang) if r.removed else ""
    if a.lang == "zh":
        line = (f"审核完成：共 {r.files} 个文件，本次处理 {r.processed}，沿用上次结果 {r.reused}"
                f"{removed}，跳过临时/锁定文件 {r.temporary}，用时 {r.seconds:.1f} 秒；"
                f"输出目录 {a.out}")
    else:
        line = (f"audit finished: {r.files} files, processed {r.processed}, reused {r.reused}"
                f"{removed}, lock/temporary files skipped {r.temporary}, {r.seconds:.1f} s; "
                f"outputs in {a.out}")
    if r.unreadable:
        sep = "，" if a.lang == "zh" else ", "
        parts = sep.join(NOT_READ_PARTS[s].format(n=n).text(a.lang) if s in NOT_READ_PARTS
                         else f"{s} {n}" for s, n in sorted(r.not_read.items()))
        line += NOT_READ.format(n=r.unreadable, parts=parts).text(a.lang)
    if not a.options.catalogs:
        line += NO_CATALOG.text(a.lang)
    return line

