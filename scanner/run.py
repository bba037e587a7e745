"""``dingmi check`` and ``dingmi scan``: run the pipeline over files, print, write reports."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from scanner.errors import ConfigError
from scanner.fsutil import is_within, make_dirs, write_atomic
from scanner.html_report import render
from scanner.outcome import exit_code
from scanner.pipeline import ScanOptions, scan_file
from scanner.report import FileReport, Source, dumps
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


def verdict_line(r: FileReport, name: str, lang: str) -> str:
    """One line: symbol, verdict, file, mark, finding codes (or the reason it was not read)."""
    v = r.verdict
    head = f"{SYMBOL[v]} {VERDICT_TEXT[lang][v]:<4} {name}"
    if r.status != "ok":
        return f"{head}  {r.reason_zh if lang == 'zh' else r.reason_en}"
    eff = r.marks.effective if r.marks else None
    mark = eff.raw if eff else ("无标志" if lang == "zh" else "no mark")
    codes = " ".join(f.code for f in r.findings)
    return f"{head}  [{mark}]  {codes}".rstrip()


def write_report(r: FileReport, out: OutputOptions) -> None:
    """Write the JSON and/or HTML report of ``r`` under ``out.out``."""
    if out.out is None:
        return
    base = out.out / r.relative
    if "json" in out.formats:
        write_atomic(base.with_name(base.name + ".report.json"), dumps(r, out.lang))
    if "html" in out.formats:
        write_atomic(base.with_name(base.name + ".report.html"),
                     render(r, out.lang).encode("utf-8"))


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
             stdout: TextIO | None = None, stderr: TextIO | None = None) -> list[FileReport]:
    """Scan every file under ``roots``; write reports; print lines and a summary."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    check_out_dir(out.out, roots)
    if out.out is not None:
        make_dirs(out.out)
    stats = WalkStats()
    progress = Progress(stderr, out.lang)
    reports: list[FileReport] = []
    for entry in walk(roots, out.out, stats):
        r = scan_entry(entry, options)
        write_report(r, out)
        reports.append(r)
        progress.tick()
        if not quiet and (r.verdict != "clean" or r.level):
            print(verdict_line(r, r.relative, out.lang), file=stdout)
    print(summary(reports, stats, out), file=stdout)
    return reports


def summary(reports: list[FileReport], stats: WalkStats, out: OutputOptions) -> str:
    """The closing line of a scan."""
    n = len(reports)
    marked = sum(1 for r in reports if r.level)
    errors = sum(1 for r in reports if r.verdict == "error")
    unread = sum(1 for r in reports if r.status == "unreadable")
    unsupported = sum(1 for r in reports if r.status == "unsupported")
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
        write_report(r, out)
        reports.append(r)
        print(verdict_line(r, str(path), out.lang), file=stdout)
        if not quiet:
            for f in r.findings:
                message = f.message_zh if out.lang == "zh" else f.message_en
                print(f"    {f.severity:<7} {f.code}: {message}", file=stdout)
    return exit_code(reports, fail_on)
