"""``watch_dirs.yaml``: the watched folders and their settings, validated on load.

Unknown keys and bad values are errors that name the line. Relative paths are taken from the
folder that holds the configuration file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rules import CatalogError, load_catalogs
from rules.yamlnodes import Path_
from scanner import catalogs, gate
from scanner.config import fail_on_value
from scanner.derived.against import check_folder
from scanner.errors import ConfigError
from scanner.extract.registry import suffixes
from scanner.fsutil import is_within
from scanner.gate import DEFAULT_PRE_ISSUE, FailOn
from scanner.messages import Msg
from scanner.verdicts import parse_authority
from scanner.yamlconf import Checker, read

TOP_KEYS = {"state_db", "log_file", "as_of", "reconcile_seconds", "file_timeout_seconds",
            "memory_mb", "folders"}
FOLDER_KEYS = {"path", "recursive", "include", "exclude", "profile", "reports", "catalogs",
               "authority", "settle_seconds", "on_pass", "on_fail", "fail_on", "reference"}
PROFILES = ("intake", "pre-issue", "archive")
# Every format dingmi reads, ZIP packages of them, and office formats it does not read yet (they
# get an ``unsupported`` report rather than no word at all).
DEFAULT_INCLUDE = tuple(dict.fromkeys((*(f"*{s}" for s in suffixes()), "*.doc", "*.wps",
                                        "*.eid", "*.ofd", "*.zip")))


@dataclass(frozen=True)
class Folder:
    """One watched folder."""

    path: Path
    reports: Path
    recursive: bool = True
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    profile: str = "intake"
    catalogs: tuple[str, ...] = ()
    authority: str | None = None
    settle_seconds: float = 0.5
    on_pass: Path | None = None
    on_fail: Path | None = None
    fail_on: FailOn = DEFAULT_PRE_ISSUE  # the gate policy of a pre-issue folder
    reference: Path | None = None  # the audit whose derived index its files are checked against


@dataclass(frozen=True)
class WatchConfig:
    """The whole file."""

    state_db: Path
    folders: tuple[Folder, ...]
    log_file: Path | None = None
    as_of: dt.date | None = None  # None: today, every time a file is scanned
    reconcile_seconds: float = 30.0
    file_timeout_seconds: float = 60.0  # a file taking longer is stopped and reported
    memory_mb: int | None = 3072  # per file, in the worker (None: no limit)
    source: Path = field(default=Path("watch_dirs.yaml"))


def load(path: Path) -> WatchConfig:
    """Read and validate ``path``."""
    data, lines = read(path)
    c = Checker(path, lines)
    base = path.parent.absolute()
    top = c.keys(data, TOP_KEYS, ())
    if "folders" not in top or not isinstance(top["folders"], list) or not top["folders"]:
        raise c.fail(("folders",), "至少需要一个监视文件夹", "at least one folder is needed")
    folders = tuple(_folder(c, f, ("folders", i), base) for i, f in enumerate(top["folders"]))
    as_of = top.get("as_of", "today")
    if as_of != "today" and not isinstance(as_of, dt.date):
        raise c.fail(("as_of",), "应为 today 或日期 YYYY-MM-DD", "must be today or YYYY-MM-DD")
    reconcile = top.get("reconcile_seconds", 30)
    if not isinstance(reconcile, (int, float)) or reconcile <= 0:
        raise c.fail(("reconcile_seconds",), "应为正数", "must be a positive number")
    timeout = top.get("file_timeout_seconds", 60)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise c.fail(("file_timeout_seconds",), "应为正数", "must be a positive number")
    memory = top.get("memory_mb", 3072)
    if not isinstance(memory, int) or isinstance(memory, bool) or memory < 0:
        raise c.fail(("memory_mb",), "应为非负整数（0 为不限）",
                     "must be a whole number >= 0 (0: no limit)")
    state = c.path_of(top.get("state_db", "dingmi-state/state.db"), ("state_db",), base)
    log = top.get("log_file")
    config = WatchConfig(state_db=state, folders=folders,
                         log_file=c.path_of(log, ("log_file",), base) if log else None,
                         as_of=None if as_of == "today" else as_of,
                         reconcile_seconds=float(reconcile), file_timeout_seconds=float(timeout),
                         memory_mb=memory or None, source=path)
    for at, why in layout_problems(config):
        raise c.fail(at, *why)
    return config


def references(config: WatchConfig, against: Path | None) -> dict[str, Path]:
    """The audit each folder's files are checked against: its own ``reference``, else
    ``--against`` (or ``reference`` in ``dingmi.yaml``); folders with neither are left out."""
    out = {}
    for f in config.folders:
        if (reference := f.reference or against) is not None:
            out[str(f.path)] = reference
    return out


INSIDE = Msg("不能位于监视文件夹 {folder} 内（文件会被反复处理）",
             "must not lie inside the watched folder {folder} (files would go round in a loop)")


def layout_problems(config: WatchConfig) -> Iterator[tuple[Path_, Msg]]:
    """Every place a file dingmi writes or moves would land in a watched folder: report and
    gate folders (two pre-issue folders whose ``on_pass`` point at each other bounce a document
    for ever), the log file (it would be scanned as it grows) and the state database."""
    places: list[tuple[Path_, Path]] = [(("state_db",), config.state_db)]
    if config.log_file is not None:
        places.append((("log_file",), config.log_file))
    for i, f in enumerate(config.folders):
        places += [(("folders", i, key), p) for key, p in
                   (("reports", f.reports), ("on_pass", f.on_pass), ("on_fail", f.on_fail))
                   if p is not None]
    for at, place in places:
        for folder in config.folders:
            if is_within(place, folder.path):
                yield at, INSIDE.format(folder=folder.path)
                break


def _folder(c: Checker, data: Any, at: Path_, base: Path) -> Folder:
    d = c.keys(data, FOLDER_KEYS, at)
    if "path" not in d or "reports" not in d:
        raise c.fail(at, "需要 path 和 reports", "needs path and reports")
    profile = d.get("profile", "intake")
    if profile not in PROFILES:
        raise c.fail((*at, "profile"), "只能是 intake、pre-issue、archive",
                     "must be intake, pre-issue or archive")
    settle = d.get("settle_seconds", 0.5)
    if not isinstance(settle, (int, float)) or isinstance(settle, bool) or settle < 0:
        raise c.fail((*at, "settle_seconds"), "应为非负数", "must be a non-negative number")
    recursive = d.get("recursive", True)
    if not isinstance(recursive, bool):
        raise c.fail((*at, "recursive"), "应为 true 或 false", "must be true or false")
    authority = d.get("authority")
    if authority is not None:
        try:
            parse_authority(str(authority))
        except ValueError:
            raise c.fail((*at, "authority"), "应为 central、provincial、city、county[:密级]",
                         "must be central, provincial, city or county[:LEVEL]") from None
    moves = {k: c.path_of(d[k], (*at, k), base) for k in ("on_pass", "on_fail") if d.get(k)}
    if moves and profile != "pre-issue":
        raise c.fail((*at, "on_pass"), "on_pass/on_fail 只用于 pre-issue",
                     "on_pass/on_fail are for the pre-issue profile only")
    names = c.strings(d.get("catalogs", []), (*at, "catalogs"))
    catalogs = tuple(_catalog(c, x, (*at, "catalogs", i), base) for i, x in enumerate(names))
    fail_on = DEFAULT_PRE_ISSUE
    if "fail_on" in d:
        if profile != "pre-issue":
            raise c.fail((*at, "fail_on"), "fail_on 只用于 pre-issue（发文前）文件夹",
                         "fail_on is for the pre-issue profile only")
        fail_on = gate.parse(fail_on_value(c, d["fail_on"], (*at, "fail_on")))
    reference = None
    if d.get("reference") is not None:
        reference = c.path_of(d["reference"], (*at, "reference"), base)
        try:
            check_folder(reference)  # now, naming this line: not at the first file
        except ConfigError as exc:
            raise c.fail((*at, "reference"), exc.message("zh"), exc.message("en")) from None
    return Folder(
        path=c.path_of(d["path"], (*at, "path"), base),
        reports=c.path_of(d["reports"], (*at, "reports"), base), recursive=recursive,
        include=c.strings(d["include"], (*at, "include")) if "include" in d else DEFAULT_INCLUDE,
        exclude=c.strings(d.get("exclude", []), (*at, "exclude")), profile=profile,
        catalogs=catalogs, authority=str(authority) if authority else None,
        settle_seconds=float(settle), on_pass=moves.get("on_pass"), on_fail=moves.get("on_fail"),
        fail_on=fail_on, reference=reference)


BAD_CATALOG = Msg("保密事项目录文件有误：{why}", "bad catalogue (保密事项目录): {why}")


def _catalog(c: Checker, value: str, at: Path_, base: Path) -> str:
    """A catalogue named in a folder's ``catalogs``, as in ``dingmi.yaml`` (``demo``: the bundled
    fictional one), loaded now so that a bad one is an error naming this file and line."""
    if value == "demo" and not (base / value).exists():
        path = str(catalogs.DEMO)
    else:
        path = str(c.path_of(value, at, base))
    try:
        load_catalogs([Path(path)], catalogs.cache_dir())
    except CatalogError as exc:
        raise c.fail(at, BAD_CATALOG.format(why=exc.text("zh")).zh,
                     BAD_CATALOG.format(why=exc.text("en")).en) from None
    return path
