"""The per-file task every command runs, in a worker process or in the caller's: read the file,
extract it (or take its text from the store of an earlier run), assess it and render its reports.

The task *returns* everything (the report, its rendered files, the compressed extracted text); it
writes nothing. The process that runs the command is the one writer of reports and state, whatever
executor ran the task (:mod:`scanner.workers.pool`, or a cluster's).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple, cast

from scanner import ENGINE
from scanner.containers import SEP, Chain
from scanner.decisions import Decisions
from scanner.decisions import apply as apply_decisions
from scanner.derived.index import facts_of, pack_facts
from scanner.derived.stage import blocks_of
from scanner.document import pack, unpack
from scanner.errors import ScanError
from scanner.messages import Msg
from scanner.pipeline import ScanOptions, assess, extract_document, read_source
from scanner.report import FileReport, Source, pack_json, to_json, unpack_json
from scanner.report.outputs import DEFAULT_FORMATS, Rendered, render_files
from scanner.walk import Entry

TEXTS_TABLE = "texts"  # (sha256, engine, data): the audit database's store of extracted texts


class Task(NamedTuple):
    """One file to process: where it is, where its reports go (``relative``), which settings
    (``profile``, a key of :attr:`Job.profiles`), and the date to judge it by when it is not the
    profile's (a long-running watcher's today)."""

    path: str
    relative: str
    profile: str = ""
    as_of: dt.date | None = None
    member: Chain = ()  # a member of the package at ``path`` (:mod:`scanner.containers`)
    shown: str = ""  # ... shown as ``path!shown``
    display: str = ""  # the path reports show when ``path`` is where a cluster worker reads it

    @property
    def name(self) -> str:
        """The file's name in reports and state: its path, or ``package!member``."""
        path = self.display or self.path
        return f"{path}{SEP}{self.shown}" if self.member else path

    @classmethod
    def of(cls, entry: Entry, profile: str = "") -> Task:
        """The task of a walked entry."""
        return cls(str(entry.path.absolute()), entry.relative, profile, None, entry.member,
                   entry.shown)


@dataclass(frozen=True)
class Job:
    """What every worker needs, fixed for a whole run."""

    profiles: Mapping[str, ScanOptions]
    formats: tuple[str, ...] = DEFAULT_FORMATS
    lang: str = "zh"
    redact: bool = False
    texts: Path | None = None  # a database whose texts table holds earlier extractions
    keep_text: bool = False  # return the compressed extracted text (the audit stores it)
    derived: bool = False  # with a newly extracted text, return its derived-index facts too
    decisions: Decisions | None = None  # reviewers' decisions applied to every report
    # the audit folder whose derived index each profile's files are checked against (read-only,
    # in the worker: ``watch`` and ``serve`` ``--against``)
    against: Mapping[str, str] = field(default_factory=dict)

    def options(self, task: Task) -> ScanOptions:
        """The scan settings of ``task``."""
        options = self.profiles[task.profile]
        return options if task.as_of is None else replace(options, as_of=task.as_of)

    def wants_text(self) -> bool:
        """Whether a task needs the extracted text back from :func:`_report`."""
        return self.keep_text or bool(self.against)


@dataclass(frozen=True)
class Result:
    """What one task gives back."""

    task: Task
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    status: str
    verdict: str
    files: Rendered  # the rendered reports to write
    text: bytes | None = None  # the extracted text, compressed, when the job keeps it
    retire: bool = False  # the worker asks to be replaced (it ran near its memory limit)
    packed: bytes | None = None  # the JSON report compressed (as it crosses a pipe)
    data: dict[str, Any] | None = field(default=None, repr=False, compare=False)  # ... or not
    facts: bytes | None = None  # the derived-index facts of a new text (:mod:`scanner.derived`)

    @property
    def report(self) -> bytes:
        """The JSON report, compressed (:func:`scanner.report.unpack_json`)."""
        if self.packed is not None:
            return self.packed
        written = next((b for suffix, b in self.files if suffix == ".report.json"), None)
        return zlib.compress(written, 6) if written is not None else pack_json(self.data or {})

    @property
    def path(self) -> str:
        """The file's name in reports and state (``package!member`` for a member)."""
        return self.task.name

    @property
    def relative(self) -> str:
        """Where its reports go, below the report folder."""
        return self.task.relative

    def json(self) -> dict[str, Any]:
        """The JSON report."""
        return self.data if self.data is not None else unpack_json(self.report)

    def packed_for_pipe(self) -> Result:
        """The same result with its report compressed: smaller to send to another process."""
        return replace(self, packed=self.report, data=None)


class TextStore:
    """A read-only view of earlier extractions, by content hash (None: no store)."""

    def __init__(self, path: Path | None) -> None:
        self.conn: sqlite3.Connection | None = None
        if path is not None and path.exists():
            self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)

    def text(self, sha256: str) -> bytes | None:
        """The stored extraction of this content by this engine."""
        if self.conn is None:
            return None
        row = self.conn.execute(f"SELECT data FROM {TEXTS_TABLE} WHERE sha256=? AND engine=?",
                                (sha256, ENGINE)).fetchone()
        return bytes(row[0]) if row else None

    def close(self) -> None:
        """Close the connection."""
        if self.conn is not None:
            self.conn.close()


Stamp = tuple[int | None, int | None]  # (size, mtime_ns) of what is on disk


def _report(task: Task, job: Job, store: TextStore) -> tuple[FileReport, Stamp, bytes | None]:
    options = job.options(task)
    started = time.perf_counter()
    read = read_source(Path(task.path).absolute(), options, task.member, task.shown)
    if isinstance(read, FileReport):
        return read, (read.source.size, None), None
    path = Path(read.source.path)
    stored = store.text(read.source.sha256 or "")
    if stored is not None:  # extracted before: only the marks and the catalogue again
        body = unpack_json(stored)
        if "failed" in body:
            why = Msg(body["zh"], body["en"])
            return (FileReport.unreadable(read.source, why, options.as_of, engine=ENGINE,
                                          status=body["failed"]), read.on_disk, None)
        doc = unpack(path, body)
        kept = stored if job.against else None  # (the store already holds it: not sent back)
        return assess(doc, read.source, options, {"extract": 0.0}), read.on_disk, kept
    extracted = extract_document(path, read, options)
    if isinstance(extracted, FileReport):
        text = pack_json({"failed": extracted.status, "zh": extracted.reason_zh,
                          "en": extracted.reason_en}) if job.wants_text() else None
        return extracted, read.on_disk, text
    report = assess(extracted, read.source, options, {"extract": time.perf_counter() - started})
    return report, read.on_disk, pack(extracted) if job.wants_text() else None


def result_of(task: Task, job: Job, report: FileReport, stamp: Stamp, text: bytes | None, *,
              derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> Result:
    """Render ``report`` and wrap it as the task's result (``stamp``: what is on disk;
    ``derive``: what adds the derived links and findings, before the decisions apply)."""
    report = report.with_relative(task.relative)
    if task.display and report.source.path != task.name:
        report = replace(report, source=replace(report.source, path=task.name))
    as_json = to_json(report, job.lang, redact=job.redact)
    if derive is not None:
        as_json = derive(as_json)
    as_json = apply_decisions(as_json, job.decisions)
    files = render_files(as_json, job.formats, job.lang)
    s = report.source
    verdict = as_json["verdict"] if derive is not None else report.verdict  # its findings count
    return Result(task, stamp[0], stamp[1], s.sha256, report.status, verdict, files, text,
                  data=as_json)


INDEX_UNREADABLE = Msg("无法读取对照的派生索引 {where}：{why}",
                      "cannot read the derived index in {where}: {why}")


def run_task(task: Task, job: Job, store: TextStore) -> Result:
    """Process one file; never raises for a bad file (its report says why). With ``against``
    for its profile, the draft is also judged against that audit's index (read-only)."""
    report, stamp, text = _report(task, job, store)
    kept = text if job.keep_text else None
    folder = job.against.get(task.profile)
    if folder is None or text is None:
        return _with_facts(job, result_of(task, job, report, stamp, kept), text)
    from scanner.derived.against import NO_AUDIT, shared  # noqa: PLC0415 - used only here
    where = Path(folder).name  # (a server's reports name none of its folders)
    try:
        against = shared(folder)
        return result_of(task, job, report, stamp, kept,
                         derive=lambda r: against.apply(r, text))
    except ScanError:  # the index went away since start-up
        return failed(task, job, NO_AUDIT.format(where=where))
    except sqlite3.Error as exc:
        return failed(task, job, INDEX_UNREADABLE.format(where=where, why=str(exc)))


def _with_facts(job: Job, result: Result, text: bytes | None) -> Result:
    """An audit's result with the derived-index facts of a newly extracted text: its fingerprints
    are computed here, in the worker, not by the coordinator."""
    if not job.derived or text is None or result.status != "ok" or not result.sha256:
        return result
    blocks = blocks_of(text)
    if blocks is None:
        return result
    facts = facts_of(result.sha256, [t for t, _ in blocks], result.json())
    return replace(result, facts=pack_facts(facts))


def failed(task: Task, job: Job, why: Msg) -> Result:
    """The result of a file that stalled or killed its worker (made in the caller's process)."""
    options = job.options(task)
    source, stamp = Source(task.name, None, None), cast(Stamp, (None, None))
    with contextlib.suppress(OSError):
        st = Path(task.path).stat()
        stamp = (st.st_size, st.st_mtime_ns)
        if not task.member:
            source = Source(task.path, None, st.st_size, st.st_mtime)
    report = FileReport.unreadable(source, why, options.as_of, engine=ENGINE)
    return result_of(task, job, report, stamp, None)
