"""The pre-issue check behind ``POST /api/v1/check``: uploaded documents scanned by worker
processes under the same time and memory limits as ``scan``, from a private temporary file that
is deleted afterwards.

Each worker is a :class:`~scanner.workers.pool.ProcessPool` of one process, lent to one request at
a time, so concurrent requests run in parallel up to the number of workers and a file that hangs
or blows up takes only its worker (which the pool replaces). Requests beyond the workers wait for
one, up to ``queue`` of them; more are refused as busy rather than piling up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import queue
import re
import shutil
import stat
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.extract.sniff import ole_suffix, sniff, text_suffix, zip_kind
from scanner.gate import DEFAULT_PRE_ISSUE, NO_CATALOG_CHECK, FailOn, catalogue_used, parse, reasons
from scanner.outcome import exit_code, of_report
from scanner.pipeline import ScanOptions
from scanner.workers.pool import Policy, ProcessPool
from scanner.workers.task import Job, Task

SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


class Busy(Exception):
    """Every worker is taken and the queue is full."""


@dataclass(frozen=True)
class CheckSettings:
    """How the server checks documents."""

    options: ScanOptions
    workers: int = 2
    queue: int = 8  # requests that may wait for a worker
    policy: Policy = field(default_factory=Policy)
    lang: str = "zh"
    against: Path | None = None  # an audit whose derived index drafts are checked against


NAME_BYTES = 200  # a name's bytes kept, below NAME_MAX (255 on Linux file systems)
SUFFIX_BYTES = 16  # a longer "suffix" is part of the name


def safe_name(name: str) -> str:
    """The uploaded file's name reduced to a harmless one that keeps its suffix (the format
    check reads the content anyway) and fits a file system's name limit in bytes: Chinese
    characters take three bytes each in UTF-8, some four."""
    base = Path(name.replace("\\", "/")).name
    cleaned = SAFE_NAME.sub("_", base).strip("._") or "document"
    if len(cleaned.encode("utf-8")) <= NAME_BYTES:
        return cleaned
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot or not stem or len(suffix.encode("utf-8")) > SUFFIX_BYTES:
        stem, suffix = cleaned, ""
    else:
        suffix = "." + suffix
    budget = NAME_BYTES - len(suffix.encode("utf-8"))
    kept = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip("._")
    return (kept or "document") + suffix


IMAGE_SUFFIXES = ((b"\x89PNG", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"II*\x00", ".tif"),
                  (b"MM\x00*", ".tif"), (b"BM", ".bmp"))


def content_suffix(data: bytes) -> str:
    """The suffix of the format ``data`` is, judged from its content ("" when none is known):
    a ZIP package by its parts, an OLE file by its streams, a text by what it holds."""
    kind = sniff(Path("document"), data[:8192], data)
    if kind == "zip":
        kind = zip_kind(Path("document"), data)
    if kind == "image":
        return next((suffix for magic, suffix in IMAGE_SUFFIXES if data.startswith(magic)), "")
    if kind in ("ole", "ole-encrypted"):
        return ole_suffix(data)
    if kind == "text":
        return text_suffix(data)
    return {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "pptx": ".pptx", "ofd": ".ofd",
            "rtf": ".rtf"}.get(kind, "")


def named_by_content(name: str, data: bytes) -> str:
    """``name`` when it has a suffix; without one (no name was given, or it has no suffix) the
    content decides which format it is read as."""
    if Path(name).suffix:
        return name
    return name + content_suffix(data)


PREFIX = "dingmi-upload-"
LOCK = ".lock"  # held (flock) by the server that owns the folder, for as long as it runs
UNLOCKED_AGE = 600  # seconds after which a folder nobody ever locked is taken as left over


def _hold(folder: Path) -> int:
    """Lock ``folder`` as this server's: the lock file is locked before it gets its name, so a
    sweeping server never finds it unlocked while its owner runs."""
    fd = os.open(folder / (LOCK + ".new"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    (folder / (LOCK + ".new")).rename(folder / LOCK)
    return fd


def _remove(folder: Path) -> None:
    """Remove ``folder`` and what is in it (again, should a request thread add to it meanwhile)."""
    for _ in range(5):
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.lexists(folder):
            return
        time.sleep(0.05)


def _abandoned(folder: Path, mtime: float) -> bool:
    """Whether the server that made ``folder`` is gone: its lock can be taken (the kernel drops a
    lock when its process dies, however it died)."""
    try:
        fd = os.open(folder / LOCK, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return time.time() - mtime > UNLOCKED_AGE
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # its server is running
    finally:
        os.close(fd)
    return True


def sweep(base: Path | None = None) -> int:
    """Remove the upload folders (this user's, under the temporary folder) that a server killed
    mid-check left behind; the number removed."""
    base = base or Path(tempfile.gettempdir())
    try:
        entries = [e for e in base.iterdir() if e.name.startswith(PREFIX)]
    except OSError:
        return 0
    removed = 0
    for folder in entries:
        try:
            st = folder.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and _abandoned(folder,
                                                                                 st.st_mtime):
            _remove(folder)
            removed += 1
    return removed


class Checker:
    """Worker processes lent to requests."""

    def __init__(self, settings: CheckSettings) -> None:
        self.settings = settings
        against = {"": str(settings.against.absolute())} if settings.against is not None else {}
        self.job = Job({"": settings.options}, ("json",), settings.lang, against=against)
        self.idle: queue.Queue[ProcessPool] = queue.Queue()
        for _ in range(max(settings.workers, 1)):
            self.idle.put(ProcessPool(self.job, 1, settings.policy))
        self.slots = threading.BoundedSemaphore(max(settings.workers, 1) + settings.queue)
        self.closed = False
        sweep()
        self.tmp = Path(tempfile.mkdtemp(prefix=PREFIX))  # mode 0700
        self.lock = _hold(self.tmp)

    def check(self, data: bytes, name: str, *, as_of: dt.date | None,
              fail_on: str | FailOn = DEFAULT_PRE_ISSUE) -> dict[str, Any]:
        """The JSON report of the document ``data`` (named ``name``), its verdict, the exit code
        ``dingmi check --fail-on`` would give, and whether the gate policy ``fail_on`` lets it
        be issued (``can_issue``) with the reasons when it does not."""
        if not self.slots.acquire(blocking=False):
            raise Busy
        try:
            if self.closed:
                raise Busy
            folder = Path(tempfile.mkdtemp(dir=self.tmp))
            path = folder / named_by_content(safe_name(name), data)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                if self.closed:  # stopped while it was written: it goes with the folder
                    raise Busy
                pool = self.idle.get()
                try:
                    result = next(iter(pool.run([Task(str(path), path.name, "", as_of)])))
                finally:
                    self.idle.put(pool)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            self.slots.release()
        report = result.json()
        report["source"]["path"] = path.name  # the server's temporary path means nothing
        for catalog in report.get("catalogs") or []:
            catalog.pop("path", None)  # nor do the server's folders: id, version and hash say it
        for link in report.get("links") or []:
            link.pop("source", None)  # a source by its place in the audited archive
        policy = parse(fail_on) if isinstance(fail_on, str) else fail_on
        held = reasons(report, policy)
        out = {"verdict": report["verdict"], "exit_code": exit_code([of_report(report)], policy),
               "can_issue": not held, "fail_on": policy.text, "reasons": held,
               "catalogue_checked": catalogue_used(report), "report": report}
        if not catalogue_used(report):
            out["note_zh"], out["note_en"] = NO_CATALOG_CHECK
        return out

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        while True:
            try:
                pool = self.idle.get_nowait()
            except queue.Empty:
                break
            pool.close()
        _remove(self.tmp)
        with contextlib.suppress(OSError):
            os.close(self.lock)
