"""``dingmi check`` and ``dingmi scan``: run the pipeline over files, print, write reports."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from scanner.errors import ConfigError
from scanner.fsutil import is_within, make_dirs, write_atomic
from scanner.html_report import render
from scanner.outcome import exit_code
from scanner.pipeline import ScanOptions, scan_file
from scanner.report import FileReport, Source, encode_json, to_json
from scanner.walk import Entry, WalkStats, walk

VERDICT_TEXT = {
    "zh": {"clean": "通过", "warning": "警告", "error": "错误", "unreadable": "无法读取",
           "unsupported": "不支持"},
    "en": {"clean": "PASS", "warning": "WARN", "error": "FAIL", "unreadable": "UNREADABLE",
           "unsupported": "UNSUPPORTED"},
}
SYMBOL = {"clean": "✓", "warning": "!", "error": "✗", "unreadable": "?", "unsupported": "?"}


@dataclass(frozen=True)
class OutputOptions:
    """Where and how reports are written."""

    out: Path | None
    formats: tuple[str, ...] = ("json", "html")
    lang: str = "zh"
    redact: bool = False  # evidence as locations only, no excerpts of the document


@dataclass(frozen=True)
class Isolation:
    """Scan in worker processes: each file under a time and a memory limit."""

    jobs: int = 0  # 0: one a core
    timeout: float = 60.0
    memory_mb: int | None = 2048


def verdict_line(r: dict[str, Any], name: str, lang: str) -> str:
    """One line: symbol, verdict, file, mark, finding codes (or the reason it was not read);
    ``r`` is a report's JSON form."""
    v = r["verdict"]
    head = f"{SYMBOL[v]} {VERDICT_TEXT[lang][v]:<4} {printable(name)}"
    if r["status"] != "ok":
        return f"{head}  {r['reason_zh'] if lang == 'zh' else r['reason_en']}"
    mark = (r["marking"] or {}).get("raw") or ("无标志" if lang == "zh" else "no mark")
    codes = " ".join(f["code"] for f in r["findings"])
    return f"{head}  [{mark}]  {codes}".rstrip()


def printable(name: str) -> str:
    """A file name fit for one line of a terminal: control characters (a newline in a name)
    escaped, bytes that are not UTF-8 shown as ``\\x..`` escapes."""
    if name.isprintable():
        return name
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in name)


def write_report(r: FileReport, out: OutputOptions) -> dict[str, Any]:
    """Write the JSON and/or HTML report of ``r`` under ``out.out``; returns the JSON form."""
    as_json = to_json(r, out.lang, redact=out.redact)
    if out.out is None:
        return as_json
    base = str(out.out / r.relative)
    if "json" in out.formats:
        write_atomic(Path(base + ".report.json"), encode_json(as_json))
    if "html" in out.formats:
        page = render(r, out.lang, redact=out.redact, data=as_json)
        write_atomic(Path(base + ".report.html"), page.encode("utf-8", "backslashreplace"))
    return as_json


def scan_entry(entry: Entry, options: ScanOptions) -> FileReport:
    """The report for one walked entry (a folder that could not be listed included)."""
    if entry.error is not None:
        err = entry.error
        reason = err.strerror or str(err)
        r = FileReport(Source(str(entry.path.absolute()), None, None), "unreadable",
                       "", options.as_of, f"无法读取该文件夹：{reason}",
                       f"the folder cannot be listed: {reason}")
    else:
        r = scan_file(entry.path, options)
    return r.with_relative(entry.relative)


def check_out_dir(out: Path | None, roots: list[Path]) -> None:
    """Refuse to write reports inside a folder being scanned (nothing beside the sources)."""
    if out is None:
        return
    for root in roots:
        if root.is_dir() and is_within(out, root):
            raise ConfigError(
                f"报告目录 {out} 位于被扫描的文件夹 {root} 内；请用 --out 指定其他位置",
                f"the report folder {out} lies inside the scanned folder {root}; "
                "choose another with --out")


class Progress:
    """Periodic progress lines on stderr for long runs (every ``every`` seconds)."""

    def __init__(self, stream: TextIO, lang: str, every: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.lang, self.every, self.clock = stream, lang, every, clock
        self.start = self.last = clock()
        self.done = 0

    def tick(self) -> None:
        self.done += 1
        now = self.clock()
        if now - self.last >= self.every:
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            text = (f"已扫描 {self.done} 个文件（{rate:.1f} 个/秒）" if self.lang == "zh"
                    else f"scanned {self.done} files ({rate:.1f} files/s)")
            print(text, file=self.stream, flush=True)


def run_scan(roots: list[Path], options: ScanOptions, out: OutputOptions, *, quiet: bool,
             stdout: TextIO | None = None, stderr: TextIO | None = None,
             isolation: Isolation | None = None) -> list[dict[str, Any]]:
    """Scan every file under ``roots``; write reports; print lines and a summary. With
    ``isolation``, files are read in worker processes under time and memory limits (a file that
    hangs, crashes or blows up its worker gets a report saying so); without, in this process.
    Returns the reports' JSON forms."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    check_out_dir(out.out, roots)
    if out.out is not None:
        make_dirs(out.out)
    stats = WalkStats()
    progress = Progress(stderr, out.lang)
    reports: list[dict[str, Any]] = []

    def done(r: dict[str, Any]) -> None:
        reports.append(r)
        progress.tick()
        if not quiet and (r["verdict"] != "clean" or r["classification"]):
            print(verdict_line(r, r["source"]["relative"], out.lang), file=stdout)

    entries = walk(roots, out.out, stats)
    if isolation is None:
        for entry in entries:
            done(write_report(scan_entry(entry, options), out))
    else:
        _run_isolated(list(entries), options, out, isolation, done)
    print(summary(reports, stats, out), file=stdout)
    return reports


def _run_isolated(entries: list[Entry], options: ScanOptions, out: OutputOptions,
                  isolation: Isolation, done: Callable[[dict[str, Any]], None]) -> None:
    import os  # noqa: PLC0415

    from scanner.auditdb import unpack_json  # noqa: PLC0415 - the worker pool only when used
    from scanner.auditpool import AuditPool, Settings, Task  # noqa: PLC0415

    tasks = []
    for entry in entries:
        if entry.error is not None:
            done(write_report(scan_entry(entry, options), out))
        else:
            tasks.append(Task(str(entry.path.absolute()), entry.relative))
    if not tasks:
        return
    jobs = max(1, min(isolation.jobs or os.cpu_count() or 1, len(tasks)))
    settings = Settings(options, out, None, "", isolation.timeout, isolation.memory_mb)
    pool = AuditPool(settings, jobs)
    try:
        for result in pool.run(tasks):
            done(unpack_json(result.report))
    finally:
        pool.close()


def summary(reports: list[dict[str, Any]], stats: WalkStats, out: OutputOptions) -> str:
    """The closing line of a scan."""
    n = len(reports)
    marked = sum(1 for r in reports if r["classification"])
    errors = sum(1 for r in reports if r["verdict"] == "error")
    unread = sum(1 for r in reports if r["status"] == "unreadable")
    unsupported = sum(1 for r in reports if r["status"] == "unsupported")
    where = str(out.out) if out.out else "-"
    if out.lang == "zh":
        return (f"共 {n} 个文件：有密级标志 {marked}，有错误 {errors}，无法读取 {unread}，"
                f"不支持 {unsupported}，跳过临时/锁定文件 {stats.temporary}；报告目录 {where}")
    return (f"{n} files: marked {marked}, with errors {errors}, unreadable {unread}, "
            f"unsupported {unsupported}, lock/temporary files skipped {stats.temporary}; "
            f"reports in {where}")


def run_check(files: list[Path], options: ScanOptions, out: OutputOptions, fail_on: str, *,
              quiet: bool, stdout: TextIO | None = None) -> int:
    """Check single files before issue: a verdict line each, then the findings."""
    stdout = stdout or sys.stdout
    reports = []
    for path in files:
        r = scan_file(path, options).with_relative(path.name)
        as_json = write_report(r, out)
        reports.append(r)
        print(verdict_line(as_json, str(path), out.lang), file=stdout)
        if not quiet:
            for f in r.findings:
                message = f.message_zh if out.lang == "zh" else f.message_en
                print(f"    {f.severity:<7} {f.code}: {message}", file=stdout)
    return exit_code(reports, fail_on)
