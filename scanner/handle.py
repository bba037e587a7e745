"""What ``watch`` does with one settled file, wherever it runs (in the watcher or its worker):
scan it, write its reports, apply the pre-issue gate, and say what to record."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scanner import ENGINE
from scanner.catalogs import matcher as catalog_matcher
from scanner.fsutil import make_dirs
from scanner.pipeline import ScanOptions, scan_file
from scanner.report import FileReport, Source
from scanner.run import OutputOptions, write_report
from scanner.settle import real_stat
from scanner.state import Row
from scanner.watchconf import Folder


@dataclass(frozen=True)
class Outcome:
    """The row to commit and the line to log for one file."""

    row: Row
    catalogs: str
    verdict: str
    seconds: float
    mark: str | None = None  # the mark found (logged only with --log-excerpts)


def _candidates(target: Path) -> Iterator[Path]:
    yield target
    n = 2
    while True:
        yield target.with_name(f"{target.stem} ({n}){target.suffix}")
        n += 1


def free_name(target: Path) -> Path:
    """``target``, or ``name (2).ext``, ``name (3).ext``… when taken (a hint: the move itself
    claims the name atomically)."""
    return next(c for c in _candidates(target) if not c.exists())


def move_no_overwrite(source: Path, folder: Path) -> Path:
    """Move ``source`` into ``folder`` under its name or the first free ``name (n)``. The name
    is claimed atomically (a hard link, or an exclusive create across file systems), so two
    workers moving files of the same name at once never overwrite each other."""
    for candidate in _candidates(folder / source.name):
        try:
            os.link(source, candidate)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            try:
                with candidate.open("xb") as out, source.open("rb") as src:
                    shutil.copyfileobj(src, out)
            except FileExistsError:
                continue
            shutil.copystat(source, candidate)
        source.unlink()
        return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def handle(path: Path, folder: Folder, as_of: dt.date | None,
           done: Callable[[str, str, str, str], bool]) -> Outcome | None:
    """Process one file; None when it vanished or this content was already reported."""
    started = time.perf_counter()
    options = ScanOptions(as_of=as_of or dt.date.today(), catalogs=folder.catalogs,
                          authority=folder.authority)
    matcher = catalog_matcher(folder.catalogs)
    catalogs = ",".join(c.sha256 for c in matcher.catalogs) if matcher else ""
    stat = real_stat(path)
    report = scan_file(path, options)
    sha = report.source.sha256
    if sha is None or stat is None:
        return None  # gone between settling and reading: nothing to report
    if folder.profile != "pre-issue" and done(str(path), sha, ENGINE, catalogs):
        return None
    relative = path.relative_to(folder.path).as_posix()
    report = report.with_relative(relative)
    write_report(report, OutputOptions(folder.reports, ("json", "html"), "zh"))
    moved = _gate(path, folder, report) if folder.profile == "pre-issue" else None
    row = Row(str(path), sha, stat[0], stat[1], report.status, report.verdict,
              str(folder.reports / (relative + ".report.json")), str(moved) if moved else None)
    eff = report.marks.effective if report.marks else None
    return Outcome(row, catalogs, report.verdict, time.perf_counter() - started,
                   eff.raw if eff else None)


def handle_failure(path: Path, folder: Folder, as_of: dt.date | None, why: tuple[str, str],
                   seconds: float) -> Outcome | None:
    """A file that stalled or killed its worker: an ``unreadable`` report saying so, the
    pre-issue gate (it fails), and the row that keeps it from being tried again."""
    stat = real_stat(path)
    if stat is None:
        return None
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    st = path.stat()
    relative = path.relative_to(folder.path).as_posix()
    report = FileReport(Source(str(path), digest.hexdigest(), st.st_size, st.st_mtime),
                        "unreadable", ENGINE, as_of or dt.date.today(), *why,
                        relative=relative)
    write_report(report, OutputOptions(folder.reports, ("json", "html"), "zh"))
    moved = _gate(path, folder, report) if folder.profile == "pre-issue" else None
    matcher = catalog_matcher(folder.catalogs)
    catalogs = ",".join(c.sha256 for c in matcher.catalogs) if matcher else ""
    row = Row(str(path), digest.hexdigest(), stat[0], stat[1], report.status, report.verdict,
              str(folder.reports / (relative + ".report.json")), str(moved) if moved else None)
    return Outcome(row, catalogs, report.verdict, seconds)


def _gate(path: Path, folder: Folder, report: FileReport) -> Path | None:
    passed = report.status == "ok" and not report.worst_at_least("error")
    target_dir = folder.on_pass if passed else folder.on_fail
    if target_dir is None:
        return None
    make_dirs(target_dir)
    target = move_no_overwrite(path, target_dir)
    if not passed:
        beside = OutputOptions(target_dir, ("json", "html"), "zh")
        write_report(report.with_relative(target.name), beside)
    return target
