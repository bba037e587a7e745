"""What ``watch`` does with one file's result, in the watcher's process (the one writer): write its
reports, apply the pre-issue gate, and say what to record. The file itself was scanned by the
executor's per-file task (:mod:`scanner.workers.task`)."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.fsutil import make_dirs
from scanner.outcome import of_report
from scanner.report import render_files, write_rendered
from scanner.watch.config import Folder
from scanner.watch.state import Row
from scanner.workers.task import Result


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


def digest(path: Path) -> str | None:
    """The sha256 of ``path`` (None when it cannot be read): the row of a file whose task could
    not hash it (it stalled or killed its worker) still names its content."""
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def handle(result: Result, folder: Folder, *, catalogs: str, formats: Sequence[str], lang: str,
           done: Callable[[str, str, str, str], bool], engine: str) -> Outcome | None:
    """Write the reports of one scanned file, gate it, and say what to record; None when the
    file vanished or this content was already reported."""
    path = Path(result.path)
    sha = result.sha256
    if sha is None:
        if not path.exists():
            return None  # gone between settling and reading: nothing to report
        sha = digest(path)
        if sha is None:
            return None
    if folder.profile != "pre-issue" and done(str(path), sha, engine, catalogs):
        return None
    write_rendered(folder.reports, result.relative, result.files)
    report = result.json()
    moved = _gate(path, folder, report, formats, lang) if folder.profile == "pre-issue" else None
    row = Row(str(path), sha, result.size, result.mtime_ns, result.status, result.verdict,
              str(folder.reports / (result.relative + ".report.json")),
              str(moved) if moved else None)
    mark = (report.get("marking") or {}).get("raw")
    seconds = sum(report.get("timings", {}).values())
    return Outcome(row, catalogs, result.verdict, seconds, mark)


def _gate(path: Path, folder: Folder, report: dict[str, Any], formats: Sequence[str],
          lang: str) -> Path | None:
    status, severities = of_report(report)
    passed = status == "ok" and "error" not in severities
    target_dir = folder.on_pass if passed else folder.on_fail
    if target_dir is None:
        return None
    make_dirs(target_dir)
    target = move_no_overwrite(path, target_dir)
    if not passed:
        report["source"]["relative"] = target.name
        write_rendered(target_dir, target.name, render_files(report, formats, lang))
    return target
