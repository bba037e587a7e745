"""Finding the files to scan under the paths a user gives.

Folders are walked recursively without following folder links (no loops). Office lock files and
temporary files are left out *and counted*; a folder that cannot be listed becomes an entry of its
own so it gets a report instead of vanishing. ZIP packages are opened: each member is an entry
(``archive.zip!member.docx``), and a package that cannot be opened is an entry saying why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scanner.containers import SEP, Chain, ContainerError, is_container, members, unique
from scanner.fsutil import TEMP_PREFIX, is_within
from scanner.limits import DEFAULT as DEFAULT_LIMITS
from scanner.limits import Limits
from scanner.messages import Msg
from scanner.report import FileReport, Source


@dataclass
class WalkStats:
    """What the walk left out on purpose."""

    temporary: int = 0


FOLDER_UNLISTED = Msg("无法读取该文件夹：{why}", "the folder cannot be listed: {why}")


# dingmi's own settings file and the audit's 档号 sidecars (scanner.audit.facts) are not documents
SETTINGS_NAMES = ("dingmi.yaml", "档号.csv", "archive_ids.csv")


def is_temporary(name: str) -> bool:
    """Office lock files, partial downloads, dingmi's own temporary files and its settings file
    (left out of a walk, and counted)."""
    lower = name.lower()
    return (name.startswith(("~$", ".~lock", TEMP_PREFIX)) or name in SETTINGS_NAMES
            or lower.endswith((".tmp", ".part", ".crdownload", ".swp", "#")))


@dataclass(frozen=True)
class Entry:
    """A file to scan and its path relative to the root it was found under (where its reports
    go); for a member of a package (:mod:`scanner.containers`), the package's path, the member's
    chain and how it is shown. ``error`` (a folder that cannot be listed) or ``why`` (a package
    or member known unreadable from its listing) make the entry a report of its own."""

    path: Path
    relative: str
    error: OSError | None = None
    member: Chain = ()
    shown: str = ""
    why: Msg | None = None

    @property
    def name(self) -> str:
        """The entry's name in reports and state: its path, or ``package!member``."""
        path = str(self.path.absolute())
        return f"{path}{SEP}{self.shown}" if self.member else path

    @property
    def broken(self) -> bool:
        """Whether the entry is known unreadable without reading it."""
        return self.error is not None or self.why is not None


def entry_report(entry: Entry, as_of: dt.date) -> FileReport:
    """The report of an entry known unreadable: a folder that could not be listed, a package
    that could not be opened, a member that cannot be read."""
    if entry.error is not None:
        why = FOLDER_UNLISTED.format(why=entry.error.strerror or str(entry.error))
    else:
        assert entry.why is not None
        why = entry.why
    return FileReport.unreadable(Source(entry.name, None, None), why, as_of, engine="",
                                 relative=entry.relative)


def expand(path: Path, relative: str, limits: Limits, stats: WalkStats) -> Iterator[Entry]:
    """The entry of a file, or, for a ZIP package, one entry a member (a package that cannot be
    listed is one entry saying why)."""
    if not is_container(path.name):
        yield Entry(path, relative)
        return

    def skip(name: str) -> bool:
        if is_temporary(name):
            stats.temporary += 1
            return True
        return False

    try:
        found = members(path, limits, skip)
    except ContainerError as exc:
        yield Entry(path, relative, why=exc.msg)
        return
    for m in found:
        yield Entry(path, f"{relative}{SEP}{m.shown}", member=m.chain, shown=m.shown, why=m.why)


def walk(roots: list[Path], exclude: Path | None, stats: WalkStats,
         limits: Limits = DEFAULT_LIMITS) -> Iterator[Entry]:
    """Every file under ``roots`` (files given directly as they are; ZIP packages member by
    member). Every entry's ``relative`` (where its reports go) is unique, decided here, before
    anything is written."""
    marked: set[str] = set()  # relatives holding the package separator: only those can meet
    for entry in _walk(roots, exclude, stats, limits):
        if SEP not in entry.relative:
            yield entry
            continue
        # a member, or a real file named like one (pkg.zip!a.txt given beside pkg.zip)
        relative = unique(entry.relative, marked)
        yield entry if relative == entry.relative else dataclasses.replace(entry,
                                                                            relative=relative)


def _walk(roots: list[Path], exclude: Path | None, stats: WalkStats, limits: Limits
          ) -> Iterator[Entry]:
    prefixes = _prefixes(roots)
    files = iter(unique_names([r for r in roots if not r.is_dir()]))
    for root, prefix in zip(roots, prefixes, strict=True):
        if not root.is_dir():
            yield from expand(root, next(files), limits, stats)
            continue
        yield from _walk_dir(root, prefix, exclude, stats, limits)


def unique_names(paths: list[Path]) -> list[str]:
    """The names of ``paths`` made unique in order: a name met again becomes ``name (2).ext``,
    ``name (3).ext``… (never one already taken)."""
    taken: set[str] = set()
    out = []
    for path in paths:
        name, n = path.name, 1
        while name in taken:
            n += 1
            name = f"{path.stem} ({n}){path.suffix}"
        taken.add(name)
        out.append(name)
    return out


def _prefixes(roots: list[Path]) -> list[str]:
    """Single root: no prefix. Several folders: each under its own name, made unique (``d``,
    ``d-2``, ``d-3``…, never a name another folder already has)."""
    if len(roots) <= 1:
        return [""] * len(roots)
    taken: set[str] = set()
    out = []
    for root in roots:
        if not root.is_dir():
            out.append("")
            continue
        base = root.resolve().name or "root"
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        out.append(f"{name}/")
    return out


def _walk_dir(root: Path, prefix: str, exclude: Path | None, stats: WalkStats,
              limits: Limits) -> Iterator[Entry]:
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append, followlinks=False):
        here = Path(folder)
        dirs.sort()
        if exclude is not None:
            dirs[:] = [d for d in dirs if not is_within(here / d, exclude)]
        for name in sorted(files):
            if is_temporary(name):
                stats.temporary += 1
                continue
            path = here / name
            yield from expand(path, prefix + path.relative_to(root).as_posix(), limits, stats)
        while errors:
            err = errors.pop()
            bad = Path(err.filename) if err.filename else here
            rel = bad.relative_to(root).as_posix() if is_within(bad, root) else bad.name
            yield Entry(bad, prefix + rel, err)
