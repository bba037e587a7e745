"""``dingmi scan``: every file under the paths given, through an executor; reports written here."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from scanner import catalogs, progress_seconds
from scanner.cli.options import against as open_against
from scanner.cli.options import decisions, scan_options
from scanner.decisions import Decisions
from scanner.derived.against import Against
from scanner.messages import Msg, printable
from scanner.names import code_label, mark_text, place, value_name
from scanner.outcome import exit_code, of_report
from scanner.pipeline import ScanOptions
from scanner.report import OutputOptions, check_out_dir, write_rendered, write_report
from scanner.report.model import own_level
from scanner.report.outputs import render_files
from scanner.report.write import make_output_dir
from scanner.walk import Entry, WalkStats, entry_report, walk
from scanner.workers.pool import Executor, InProcess, Policy, ProcessPool
from scanner.workers.task import Job, Task

VERDICT_TEXT = {
    "clean": Msg("通过", "PASS"), "warning": Msg("警告", "WARN"), "error": Msg("错误", "FAIL"),
    "unreadable": Msg("无法读取", "UNREADABLE"), "unsupported": Msg("不支持", "UNSUPPORTED"),
    "needs_ocr": Msg("需OCR", "NEEDS OCR"),
}  # the console's verdict words (short, for a column); the names elsewhere: scanner.names
SYMBOL = {"clean": "✓", "warning": "!", "error": "✗", "unreadable": "?", "unsupported": "?",
          "needs_ocr": "?"}
NO_MARK = Msg("无标志", "no mark")
HELD = Msg("（所附文件的标志，本文件首部未标）",
           " (the mark of a document it holds; none at its head)")
SCANNED = Msg("已扫描 {n} 个文件（{rate:.1f} 个/秒）", "scanned {n} files ({rate:.1f} files/s)")
SUMMARY = Msg("共 {n} 个文件：有密级标志 {marked}，有错误 {errors}，无法读取 {unread}，"
              "需 OCR {ocr}，不支持 {unsupported}，跳过临时/锁定/设置文件 {temporary}；"
              "报告目录 {where}",
              "{n} files: marked {marked}, with errors {errors}, unreadable {unread}, "
              "needing OCR {ocr}, unsupported {unsupported}, lock/temporary/settings files "
              "skipped {temporary}; reports in {where}")
NO_CATALOG = Msg("未使用保密事项目录，未做目录匹配（用 --catalog 或 dingmi.yaml 的 catalogs 指定）",
                 "no catalogue used: no catalogue matching (name one with --catalog or "
                 "catalogs: in dingmi.yaml)")


@dataclass(frozen=True)
class Isolation:
    """Scan in worker processes: each file under a time and a memory limit."""

    jobs: int = 0  # 0: one a core
    timeout: float = 60.0
    memory_mb: int | None = 3072


def verdict_line(r: dict[str, Any], name: str, lang: str) -> str:
    """One line: symbol, verdict, file, mark, finding codes (or the reason it was not read);
    ``r`` is a report's JSON form."""
    v = r["verdict"]
    head = f"{SYMBOL[v]} {VERDICT_TEXT[v].text(lang):<4} {printable(name)}"
    if r["status"] != "ok":
        return f"{head}  {r['reason_zh'] if lang == 'zh' else r['reason_en']}"
    marking = r["marking"] or {}
    mark = mark_text(marking.get("raw")) or NO_MARK.text(lang)
    term = mark_text(marking.get("term_raw"))
    if marking.get("raw") and term and term not in mark:  # 密级：机密 with its 保密期限 field
        mark = f"{mark}，{'保密期限' if lang == 'zh' else 'term'}：{term}"
    if marking.get("held"):  # the mark of a document it holds; its own head has none
        mark = f"{mark}{HELD.text(lang)}"
    codes = ("、" if lang == "zh" else "; ").join(code_label(f["code"], lang)
                                                for f in r["findings"])
    return f"{head}  [{mark}]  {codes}".rstrip()


def finding_line(f: dict[str, Any], lang: str) -> str:
    """One finding under its file's verdict line (``check``): severity, the code's name with the
    code, the message and where it is, in ``lang`` (``f`` is a finding's JSON form)."""
    message = f["message_zh"] if lang == "zh" else f["message_en"]
    where = place(f.get("location"), lang)
    sep = "：" if lang == "zh" else ": "
    shown = f"{value_name('severity', f['severity'], lang)} {code_label(f['code'], lang)}"
    tail = (f"（{where}）" if lang == "zh" else f" ({where})") if where else ""
    return f"    {shown}{sep}{message}{tail}"


class Progress:
    """Periodic progress on stderr for long runs (every ``every`` seconds): on a terminal one
    line redrawn in place and erased before anything else is printed and when the run ends, so
    none is left standing after the summary; elsewhere (a log) plain lines."""

    def __init__(self, stream: TextIO, lang: str, every: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.lang, self.clock = stream, lang, clock
        self.every = progress_seconds() if every is None else every
        self.start = self.last = clock()
        self.done = 0
        self.live = False  # a line is drawn in place and not yet erased
        try:
            self.terminal = stream.isatty()
        except (AttributeError, ValueError):
            self.terminal = False

    def tick(self) -> None:
        self.done += 1
        now = self.clock()
        if now - self.last >= self.every:
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            text = SCANNED.format(n=self.done, rate=rate).text(self.lang)
            if self.terminal:
                self.stream.write(f"\r{ERASE}{text}")
                self.stream.flush()
                self.live = True
            else:
                print(text, file=self.stream, flush=True)

    def clear(self) -> None:
        """Erase the line drawn in place (before a line of output, and at the end)."""
        if self.live:
            self.stream.write(f"\r{ERASE}")
            self.stream.flush()
            self.live = False


ERASE = "\x1b[K"  # erase to the end of the line


def executor(job: Job, isolation: Isolation | None, files: int) -> Executor:
    """Worker processes under the limits of ``isolation``, or this process without."""
    if isolation is None:
        return InProcess(job)
    jobs = max(1, min(isolation.jobs or os.cpu_count() or 1, files))
    return ProcessPool(job, jobs, Policy(isolation.timeout, isolation.memory_mb))


def run_scan(roots: list[Path], options: ScanOptions, out: OutputOptions, *, quiet: bool,
             stdout: TextIO | None = None, stderr: TextIO | None = None,
             isolation: Isolation | None = None,
             decisions: Decisions | None = None,
             against: Against | None = None) -> list[dict[str, Any]]:
    """Scan every file under ``roots``; write reports; print lines and a summary. With
    ``isolation``, files are read in worker processes under time and memory limits (a file that
    hangs, crashes or blows up its worker gets a report saying so); without, in this process.
    Returns the reports' JSON forms."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    check_out_dir(out.out, roots)
    if out.out is not None:
        make_output_dir(out.out)
    stats = WalkStats()
    progress = Progress(stderr, out.lang)
    reports: list[dict[str, Any]] = []

    def done(r: dict[str, Any]) -> None:
        reports.append(r)
        progress.tick()
        if not quiet and (r["verdict"] != "clean" or own_level(r)):
            progress.clear()
            print(verdict_line(r, r["source"]["relative"], out.lang), file=stdout, flush=True)

    entries: list[Entry] = list(walk(roots, out.out, stats, options.limits))
    tasks = []
    for entry in entries:
        if entry.broken:
            done(write_report(entry_report(entry, options.as_of), out))
        else:
            tasks.append(Task.of(entry))
    if tasks:
        job = Job({"": options}, out.formats if out.out else (), out.lang, out.redact,
                  decisions=decisions, keep_text=against is not None)
        with executor(job, isolation, len(tasks)) as ex:
            for result in ex.run(tasks):
                report, files = result.json(), result.files
                if against is not None:  # the draft against the audit's index (read-only)
                    report = against.apply(report, result.text)
                    files = render_files(report, job.formats, out.lang)
                if out.out is not None:
                    write_rendered(out.out, result.relative, files)
                done(report)
    progress.clear()
    if not options.catalogs:
        print(NO_CATALOG.text(out.lang), file=stdout)
    print(summary(reports, stats, out), file=stdout)
    return reports


def summary(reports: list[dict[str, Any]], stats: WalkStats, out: OutputOptions) -> str:
    """The closing line of a scan."""
    return SUMMARY.format(
        n=len(reports), marked=sum(1 for r in reports if own_level(r)),
        errors=sum(1 for r in reports if r["verdict"] == "error"),
        unread=sum(1 for r in reports if r["status"] == "unreadable"),
        unsupported=sum(1 for r in reports if r["status"] == "unsupported"),
        ocr=sum(1 for r in reports if r["status"] == "needs_ocr"),
        temporary=stats.temporary, where=str(out.out) if out.out else "-").text(out.lang)


def command(args: argparse.Namespace) -> int:
    """``dingmi scan``."""
    options = scan_options(args)
    catalogs.matcher(options.catalogs)  # load now: a bad catalogue is a usage error (2)
    out = OutputOptions(args.out, args.formats, args.lang, args.redact)
    isolation = Isolation(args.jobs, args.timeout, args.memory_mb or None)
    against = open_against(args)
    try:
        reports = run_scan(args.paths, options, out, quiet=args.quiet, isolation=isolation,
                           decisions=decisions(args), against=against)
    finally:
        if against is not None:
            against.close()
    return exit_code((of_report(r) for r in reports), args.fail_on)
