"""Finding the files to scan under the paths a user gives.

Folders are walked recursively without following folder links (no loops). Office lock files and
temporary files are left out *and counted*; a folder that cannot be listed becomes an entry of its
own so it gets a report instead of vanishing.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scanner.fsutil import TEMP_PREFIX, is_within
from scanner.messages import Msg
from scanner.report import FileReport, Source

FOLDER_UNLISTED = Msg("无法读取该文件夹：{why}", "the folder cannot be listed: {why}")


SETTINGS_NAMES = ("dingmi.yaml",)  # dingmi's own settings file is not a document


def is_temporary(name: str) -> bool:
    """Office lock files, partial downloads, dingmi's own temporary files and its settings file
    (left out of a walk, and counted)."""
    lower = name.lower()
    return (name.startswith(("~$", ".~lock", TEMP_PREFIX)) or name in SETTINGS_NAMES
            or lower.endswith((".tmp", ".part", ".crdownload", ".swp", "#")))


@dataclass(frozen=True)
class Entry:
    """A file to scan, the root it was found under and its path relative to that root."""

    path: Path
    relative: str
    error: OSError | None = None


def entry_report(entry: Entry, as_of: dt.date) -> FileReport:
    """The report of a folder that could not be listed (``entry.error`` is set)."""
    assert entry.error is not None
    why = entry.error.strerror or str(entry.error)
    return FileReport.unreadable(Source(str(entry.path.absolute()), None, None),
                                 FOLDER_UNLISTED.format(why=why), as_of, engine="",
                                 relative=entry.relative)


@dataclass
class WalkStats:
    """What the walk left out on purpose."""

    temporary: int = 0


def walk(roots: list[Path], exclude: Path | None, stats: WalkStats) -> Iterator[Entry]:
    """Every file under ``roots`` (files given directly are yielded as they are). Every entry's
    ``relative`` (where its reports go) is unique, decided here, before anything is written."""
    prefixes = _prefixes(roots)
    files = iter(unique_names([r for r in roots if not r.is_dir()]))
    for root, prefix in zip(roots, prefixes, strict=True):
        if not root.is_dir():
            yield Entry(root, next(files))
            continue
        yield from _walk_dir(root, prefix, exclude, stats)


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


def _walk_dir(root: Path, prefix: str, exclude: Path | None, stats: WalkStats) -> Iterator[Entry]:
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
            yield Entry(path, prefix + path.relative_to(root).as_posix())
        while errors:
            err = errors.pop()
            bad = Path(err.filename) if err.filename else here
            rel = bad.relative_to(root).as_posix() if is_within(bad, root) else bad.name
            yield Entry(bad, prefix + rel, err)
