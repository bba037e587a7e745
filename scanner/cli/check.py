"""``dingmi check``: the pre-issue check of single files, a verdict line each and the findings."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import TextIO

from scanner import catalogs
from scanner.cli.options import against as open_against
from scanner.cli.options import decisions, scan_options
from scanner.cli.scan import finding_line, verdict_line
from scanner.containers import SEP
from scanner.decisions import Decisions
from scanner.derived.against import Against, link_lines
from scanner.gate import NO_CATALOG_CHECK, FailOn
from scanner.messages import Msg
from scanner.outcome import exit_code, of_report
from scanner.pipeline import ScanOptions
from scanner.report import OutputOptions, write_rendered, write_report
from scanner.report.outputs import render_files
from scanner.walk import Entry, WalkStats, entry_report, expand, unique_names
from scanner.workers.pool import InProcess
from scanner.workers.task import Job, Task


def run_check(files: list[Path], options: ScanOptions, out: OutputOptions, fail_on: str | FailOn, *,
              quiet: bool, stdout: TextIO | None = None,
              decisions: Decisions | None = None, against: Against | None = None) -> int:
    """Check single files before issue: a verdict line each, then the findings (``against``:
    also the sources each copies or cites in an audit's index)."""
    stdout = stdout or sys.stdout
    job = Job({"": options}, out.formats if out.out else (), out.lang, out.redact,
              decisions=decisions, keep_text=against is not None)
    outcomes = []
    stats = WalkStats()
    entries = [e for path, name in zip(files, unique_names(files), strict=True)
               for e in _entries(path, name, options, stats)]
    with InProcess(job) as ex:
        for entry in entries:
            if entry.broken:
                report = write_report(entry_report(entry, options.as_of), out)
            else:
                result = next(iter(ex.run([Task.of(entry)])))
                report = result.json()
                rendered = result.files
                if against is not None:
                    report = against.apply(report, result.text)
                    rendered = render_files(report, job.formats, out.lang)
                if out.out is not None:
                    write_rendered(out.out, result.relative, rendered)
            outcomes.append(of_report(report))
            shown = f"{entry.path}{SEP}{entry.shown}" if entry.shown else str(entry.path)
            print(verdict_line(report, shown, out.lang), file=stdout)
            if quiet:
                continue
            for f in report["findings"]:
                print(finding_line(f, out.lang), file=stdout)
            for line in link_lines(report, out.lang):
                print(line, file=stdout)
    if not options.catalogs and not quiet:  # -q: the verdict lines only
        print(NO_CATALOG_CHECK.text(out.lang), file=stdout)
    return exit_code(outcomes, fail_on)


NOT_FOUND = Msg("文件不存在", "no such file")
IS_FOLDER = Msg("这是文件夹，不是文件：检查文件夹请用 dingmi scan {path}",
                "this is a folder, not a file: to check a folder use dingmi scan {path}")


def _entries(path: Path, name: str, options: ScanOptions, stats: WalkStats) -> list[Entry]:
    """The entries of one path given to ``check``: a missing path or a folder is one entry
    saying so (what to do instead), never a read that fails."""
    if not path.exists():  # nothing there, or a link to nothing
        return [Entry(path, name, why=NOT_FOUND)]
    if path.is_dir():
        return [Entry(path, name, why=IS_FOLDER.format(path=shlex.quote(str(path))))]
    return list(expand(path, name, options.limits, stats))


def command(args: argparse.Namespace) -> int:
    """``dingmi check``."""
    options = scan_options(args)
    catalogs.matcher(options.catalogs)  # load now: a bad catalogue is a usage error (2)
    out = OutputOptions(args.out, args.formats, args.lang, args.redact)
    against = open_against(args)
    try:
        return run_check(args.files, options, out, args.fail_on, quiet=args.quiet,
                         decisions=decisions(args), against=against)
    finally:
        if against is not None:
            against.close()
