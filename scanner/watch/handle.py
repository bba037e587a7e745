"""What ``watch`` does with one file's result, in the watcher's process (the one writer): write its
reports, apply the pre-issue gate, and say what to record. The file itself was scanned by the
executor's per-file task (:mod:`scanner.workers.task`)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat as stat_module
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from scanner import ENGINE
from scanner.containers import SEP
from scanner.fsutil import FILE_MODE, TEMP_PREFIX, make_dirs
from scanner.gate import reasons
from scanner.messages import Msg
from scanner.report import FileReport, Source, render_files, write_rendered
from scanner.watch.config import Folder
from scanner.watch.state import Row
from scanner.workers.task import Job, Result, Task, result_of


@dataclass(frozen=True)
class Outcome:
    """The row to commit and the line to log for one file."""

    row: Row
    catalogs: str
    verdict: str
    seconds: float
    mark: str | None = None  # the mark found (logged only with --log-excerpts)
    held: tuple[str, ...] = ()  # the codes the pre-issue gate held the file on
    gated: bool = False  # it went through the pre-issue gate


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


class SourceChanged(Exception):
    """The file at the path is no longer the one that was checked: scan it again."""


def _hash_fd(fd: int, out: BinaryIO | None = None) -> tuple[str, int]:
    """sha256 and size of what ``fd`` reads from its start (copied to ``out`` when given)."""
    h = hashlib.sha256()
    size = 0
    os.lseek(fd, 0, os.SEEK_SET)
    while chunk := os.read(fd, 1 << 20):
        h.update(chunk)
        size += len(chunk)
        if out is not None:
            out.write(chunk)
    return h.hexdigest(), size


def _copy_checked(fd: int, folder: Path, name: str, sha256: str) -> Path:
    """Across file systems: copy what ``fd`` reads to a temporary name in ``folder`` (hashing
    as it copies), make it durable, and only then claim a final name; a failed or mismatching
    copy leaves nothing behind."""
    tmp = folder / f"{TEMP_PREFIX}{digest_name(name)}.{os.getpid()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        with os.fdopen(os.open(tmp, flags, FILE_MODE), "wb") as out:
            got, _ = _hash_fd(fd, out)
            out.flush()
            os.fsync(out.fileno())
        if got != sha256:
            raise SourceChanged
        for candidate in _candidates(folder / name):
            try:
                os.link(tmp, candidate)
            except FileExistsError:
                continue
            return candidate
        raise AssertionError("unreachable")  # pragma: no cover
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def digest_name(name: str) -> str:
    """A short stand-in for a long file name in a temporary name (names have a length limit)."""
    return name if len(name.encode("utf-8", "surrogateescape")) <= 100 else (
        hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16])


def move_checked(source: Path, folder: Path, sha256: str | None = None) -> Path:
    """Move ``source`` into ``folder`` under its name or the first free ``name (n)``, never
    overwriting (the name is claimed atomically: a hard link, or an exclusive link of a complete
    copy across file systems). With ``sha256``, only the bytes that were checked move: the file
    is opened without following links, hashed, and after the link the new name must still be
    that same file (same inode, size and mtime); otherwise :class:`SourceChanged` and nothing
    has moved. The source is removed only once its new name holds all of it."""
    fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    try:
        before = os.fstat(fd)
        if not stat_module.S_ISREG(before.st_mode):
            raise SourceChanged
        if sha256 is not None and _hash_fd(fd)[0] != sha256:
            raise SourceChanged
        for candidate in _candidates(folder / source.name):
            try:
                os.link(source, candidate, follow_symlinks=False)
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
                copied = _copy_checked(fd, folder, source.name, sha256 or _hash_fd(fd)[0])
                _unlink_if_same(source, before)
                return copied
            after = candidate.lstat()
            if (after.st_ino, after.st_dev, after.st_size, after.st_mtime_ns) != (
                    before.st_ino, before.st_dev, before.st_size, before.st_mtime_ns):
                candidate.unlink()  # another file took the name between the check and the link
                raise SourceChanged
            source.unlink()
            return candidate
        raise AssertionError("unreachable")  # pragma: no cover
    finally:
        os.close(fd)


def _unlink_if_same(source: Path, before: os.stat_result) -> None:
    """Remove ``source`` if it is still the file that was copied."""
    with contextlib.suppress(FileNotFoundError):
        now = source.lstat()
        if (now.st_ino, now.st_dev) == (before.st_ino, before.st_dev):
            source.unlink()



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
    held = tuple(r["code"] for r in reasons(report, folder.fail_on))
    moved = (_gate(path, folder, report, not held, formats=formats, lang=lang, sha256=sha)
             if folder.profile == "pre-issue" else None)
    row = Row(str(path), sha, result.size, result.mtime_ns, result.status, result.verdict,
              str(folder.reports / (result.relative + ".report.json")),
              str(moved) if moved else None)
    mark = (report.get("marking") or {}).get("raw")
    seconds = sum(report.get("timings", {}).values())
    gated = folder.profile == "pre-issue"
    return Outcome(row, catalogs, result.verdict, seconds, mark, held if gated else (), gated)


VERDICT_RANK = {"clean": 0, "warning": 1, "needs_ocr": 2, "unsupported": 2, "unreadable": 3,
                "error": 4}


def handle_package(results: Sequence[Result], path: Path, folder: Folder, *, catalogs: str,
                   formats: Sequence[str], lang: str, done: Callable[[str, str, str, str], bool],
                   engine: str) -> Outcome | None:
    """A ZIP package dropped into a watched folder, once all its members are scanned: write each
    member's reports, gate the package as a whole (it passes when every member does; failing
    members' reports go beside it), and record one row for it with its worst verdict."""
    sha = digest(path)
    if sha is None:
        return None  # gone since it was listed
    if folder.profile != "pre-issue" and done(str(path), sha, engine, catalogs):
        return None
    reports = []
    for result in results:
        write_rendered(folder.reports, result.relative, result.files)
        reports.append(result.json())
    worst = max(results, key=lambda r: VERDICT_RANK.get(r.verdict, 0))
    st = path.stat()
    moved = None
    held: tuple[str, ...] = ()
    if folder.profile == "pre-issue":
        held = tuple(dict.fromkeys(r["code"] for report in reports
                                   for r in reasons(report, folder.fail_on)))
        passed = not held
        target_dir = folder.on_pass if passed else folder.on_fail
        if target_dir is not None:
            make_dirs(target_dir)
            moved = move_checked(path, target_dir, sha)
            for report in ([] if passed else reports):
                member = report["source"]["relative"].partition(SEP)[2]
                name = f"{moved.name}{SEP}{member}" if member else moved.name
                report["source"]["relative"] = name
                write_rendered(target_dir, name, render_files(report, formats, lang))
    row = Row(str(path), sha, st.st_size, st.st_mtime_ns, worst.status, worst.verdict,
              str(folder.reports / (results[0].relative + ".report.json")),
              str(moved) if moved else None)
    seconds = sum(sum(r.get("timings", {}).values()) for r in reports)
    return Outcome(row, catalogs, worst.verdict, seconds, held=held,
                   gated=folder.profile == "pre-issue")


def _gate(path: Path, folder: Folder, report: dict[str, Any], passed: bool, *,
          formats: Sequence[str], lang: str, sha256: str) -> Path | None:
    """Move a checked file to ``on_pass`` or (with its reports) to ``on_fail``."""
    target_dir = folder.on_pass if passed else folder.on_fail
    if target_dir is None:
        return None
    make_dirs(target_dir)
    target = move_checked(path, target_dir, sha256)
    if not passed:
        report["source"]["relative"] = target.name
        write_rendered(target_dir, target.name, render_files(report, formats, lang))
    return target


LINK = Msg("符号链接：监视文件夹中的链接不跟随、不检查、不移动",
           "a symbolic link: links in watched folders are not followed, checked or moved")


def link_outcome(task: Task, job: Job, folder: Folder, *, catalogs: str,
                 done: Callable[[str, str, str, str], bool], engine: str) -> Outcome | None:
    """A link dropped into a watched folder: an ``unreadable`` report saying so, left where it
    is (a pre-issue folder does not move it), recorded by what it points at; None when this
    link (the same target) was already reported, in every profile, since it stays."""
    path = Path(task.path)
    target = str(path.readlink())
    sha = "link:" + hashlib.sha256(os.fsencode(target)).hexdigest()
    if done(task.path, sha, engine, catalogs):
        return None
    report = FileReport.unreadable(Source(task.path, None, None), LINK,
                                   job.options(task).as_of, engine=ENGINE)
    result = result_of(task, job, report, (None, None), None)
    write_rendered(folder.reports, result.relative, result.files)
    st = path.lstat()
    row = Row(task.path, sha, st.st_size, st.st_mtime_ns, result.status, result.verdict,
              str(folder.reports / (result.relative + ".report.json")), None)
    return Outcome(row, catalogs, result.verdict, 0.0)
