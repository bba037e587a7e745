"""The one per-file pipeline that ``check``, ``scan``, ``watch`` and ``audit`` all run.

:func:`scan_file` never raises for a bad file: whatever goes wrong becomes a report with status
``unreadable`` or ``unsupported`` and a reason in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from markers import check, find_marks
from markers.checks import DEFAULT_SOON_DAYS
from markers.expiry import expires_on
from markers.models import in_title
from rules import Hit
from scanner import ENGINE, catalogs
from scanner.containers import SEP, Chain, ContainerError, member_reader, read_member
from scanner.document import Document
from scanner.errors import NeedsOcr, ScanError, UnsupportedFormat
from scanner.extract import extract
from scanner.extract.ocr import low_confidence
from scanner.extract.registry import flowing
from scanner.fsutil import open_regular, os_reason
from scanner.limits import DEFAULT as DEFAULT_LIMITS
from scanner.limits import MB, Limits, applied
from scanner.messages import Msg
from scanner.report import FileReport, Source
from scanner.title import document_title
from scanner.verdicts import allows_long_term, authority_findings, verdicts

HEAD_BYTES = 8192


@dataclass(frozen=True)
class ScanOptions:
    """Settings that change a report; recorded so a result can say what produced it."""

    as_of: dt.date
    soon_days: int = DEFAULT_SOON_DAYS
    catalogs: tuple[str, ...] = ()
    authority: str | None = None
    derived: bool = False
    limits: Limits = DEFAULT_LIMITS


IN_MEMORY = 64 * 1024 * 1024  # smaller files are read once: hashed and parsed from memory


def _hash(fh: BinaryIO, size_hint: int) -> tuple[str, bytes, int, bytes | None]:
    """sha256, the first bytes, the size, and the whole content when it is small.
    ``size_hint`` (from stat) sizes the first read: ``read(n)`` reserves n bytes up front."""
    with fh:
        data = fh.read(min(size_hint, IN_MEMORY) + 1)
        if len(data) <= IN_MEMORY and not (len(data) > size_hint and fh.read(1)):
            return hashlib.sha256(data).hexdigest(), data[:HEAD_BYTES], len(data), data
        digest = hashlib.sha256(data)
        size = len(data)
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), data[:HEAD_BYTES], size, None


TOO_LARGE = Msg("文件大小 {mb:.0f} MB 超过上限 {limit} MB，未读取",
                "the file is {mb:.0f} MB, above the limit of {limit} MB (--max-file-mb)")
MEMORY = Msg("读取该文件超出内存限制", "reading the file exceeded the memory limit")
CHANGED = Msg("读取过程中文件被修改，请重新检查",
              "the file changed while it was being read; check it again")
UNPARSED = Msg("文件内容无法解析（{name}）", "the file content cannot be parsed ({name}: {exc})")


@dataclass(frozen=True)
class Read:
    """A file read once: its identity, its first bytes and (when small) its whole content."""

    source: Source
    head: bytes
    data: bytes | None
    mtime_ns: int
    identity: tuple[int, int, int, int] = (0, 0, 0, 0)  # device, inode, size, mtime_ns
    stamp: tuple[int, int] | None = None  # (size, mtime_ns) on disk when not the source's own
    reader: str | None = None  # the reader of a member its name does not tell (a mail's body)

    @property
    def on_disk(self) -> tuple[int | None, int | None]:
        """(size, mtime_ns) of what is on disk: the file, or the package holding the member
        (what a later run compares to tell whether anything changed)."""
        return self.stamp if self.stamp is not None else (self.source.size, self.mtime_ns)

    def changed(self, path: Path) -> bool:
        """Whether ``path`` is no longer the file that was read (a large file, parsed from its
        path rather than from the bytes hashed, is checked after parsing)."""
        try:
            st = path.stat()
        except OSError:
            return True
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) != self.identity


def read_source(path: Path, options: ScanOptions, chain: Chain = (),
                shown: str = "") -> Read | FileReport:
    """Open, stat and hash ``path`` once: the bytes hashed are the bytes parsed (a report saying
    why when it cannot be read). With ``chain``, the file is a package and the member ``chain``
    (shown as ``shown``) is read instead."""
    if chain:
        return _read_member(path, options, chain, shown)
    try:
        opened = open_regular(path)
        if isinstance(opened, Msg):
            return FileReport.unreadable(Source(str(path), None, None), opened, options.as_of,
                                         engine=ENGINE)
        fh, stat = opened
        limit = options.limits.max_file_mb
        if stat.st_size > limit * MB:
            fh.close()
            return FileReport.unreadable(Source(str(path), None, stat.st_size, stat.st_mtime),
                                         TOO_LARGE.format(mb=stat.st_size / MB, limit=limit),
                                         options.as_of, engine=ENGINE)
        sha, head, size, data = _hash(fh, stat.st_size)
    except OSError as exc:
        return FileReport.unreadable(Source(str(path), None, None), os_reason(exc),
                                     options.as_of, engine=ENGINE)
    return Read(Source(str(path), sha, size, stat.st_mtime), head, data, stat.st_mtime_ns,
                (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns))


def _read_member(path: Path, options: ScanOptions, chain: Chain, shown: str) -> Read | FileReport:
    name = f"{path}{SEP}{shown}"
    try:
        st = path.stat()
        data = read_member(path, chain, options.limits)
    except ContainerError as exc:
        return FileReport.unreadable(Source(name, None, None), exc.msg, options.as_of,
                                     engine=ENGINE)
    except OSError as exc:
        return FileReport.unreadable(Source(name, None, None), os_reason(exc), options.as_of,
                                     engine=ENGINE)
    source = Source(name, hashlib.sha256(data).hexdigest(), len(data), st.st_mtime)
    return Read(source, data[:HEAD_BYTES], data, st.st_mtime_ns,
                (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns),
                stamp=(st.st_size, st.st_mtime_ns), reader=member_reader(path, chain))


def extract_document(path: Path, read: Read, options: ScanOptions) -> Document | FileReport:
    """The extracted document, or the report saying why it could not be extracted."""
    source = read.source

    def unread(why: Msg, status: str = "unreadable") -> FileReport:
        return FileReport.unreadable(source, why, options.as_of, engine=ENGINE, status=status)

    try:
        with applied(options.limits):
            doc = extract(path, read.head, read.data, read.reader)
        if read.data is None and read.changed(path):
            return unread(CHANGED)
        return doc
    except UnsupportedFormat as exc:
        return unread(exc.msg, "unsupported")
    except NeedsOcr as exc:
        return unread(exc.msg, "needs_ocr")
    except ScanError as exc:
        return unread(exc.msg)
    except OSError as exc:
        return unread(os_reason(exc))
    except MemoryError:
        return unread(MEMORY)
    except Exception as exc:  # the per-file boundary: a report, never a crash
        return unread(UNPARSED.format(name=type(exc).__name__, exc=exc))


def scan_file(path: Path, options: ScanOptions) -> FileReport:
    """Extract, find marks, check them; always return a report."""
    return scan_source(path, options)


def scan_source(path: Path, options: ScanOptions) -> FileReport:
    """The work of :func:`scan_file` (a function of its own so the test suite can check every
    scan's source before and after it)."""
    path = path.absolute()
    started = time.perf_counter()
    read = read_source(path, options)
    if isinstance(read, FileReport):
        return read
    doc = extract_document(path, read, options)
    if isinstance(doc, FileReport):
        return doc
    extracted = time.perf_counter()
    return assess(doc, read.source, options, {"extract": extracted - started})


def assess(doc: Document, source: Source, options: ScanOptions,
           timings: dict[str, float]) -> FileReport:
    """Marks and findings for an extracted document."""
    t0 = time.perf_counter()
    marks = find_marks(doc.blocks, spacing_reliable=doc.spacing_reliable)
    findings = check(marks, as_of=options.as_of, soon_days=options.soon_days)
    findings = (*findings, *low_confidence(doc.meta, marks))
    t1 = time.perf_counter()
    hits: tuple[Hit, ...] = ()
    suggestion = None
    matcher = catalogs.matcher(options.catalogs)
    if matcher is not None:
        # The mark and the header fields are not content (a condition such as 征收公告发布前
        # would otherwise veto the very item it comes from); a mail's subject, its title, is
        # (other properties are not).
        skip = {m.location for m in marks.markings} | {f.location for f in marks.lead}
        blocks = [b for b in doc.blocks if (b.region != "props" or in_title(b.location))
                  and b.location not in skip]
        hits = matcher.match(blocks, flowing=flowing(doc.kind))
        found, suggestion = verdicts(marks, hits, authority=options.authority,
                                     derived=options.derived)
        eff = marks.effective
        if eff is not None and allows_long_term(eff.level, hits):
            # A live item at the marked level provides 长期: 长期, or a period beyond the
            # statutory maximum, rests on it (domain.md §2, §6).
            findings = tuple(f for f in findings
                             if f.code not in ("LONG_TERM_REVIEW", "PERIOD_EXCEEDS_MAX"))
        findings = (*findings, *found)
    else:
        findings = (*findings, *authority_findings(marks, options.authority, options.derived))
    end = None
    if marks.effective is not None:
        date = marks.document_date.date if marks.document_date else None
        end = expires_on(marks.effective, date)
    source = Source(source.path, source.sha256, source.size, source.mtime, doc.kind, doc.pages)
    timings = {**timings, "marks": t1 - t0, "rules": time.perf_counter() - t1}
    # A reading note (a code page read as another, rows cut at a limit) rides in the reason
    # fields of an ``ok`` report.
    return FileReport(source, "ok", ENGINE, options.as_of, doc.meta.get("note_zh"),
                      doc.meta.get("note_en"), marks=marks, findings=findings,
                      expires_on=end, title=document_title(doc, marks), timings=timings,
                      hits=hits,
                      suggestion=suggestion,
                      catalogs=matcher.catalogs if matcher is not None else (),
                      ocr_confidence=float(doc.meta["ocr_confidence"])
                      if "ocr_confidence" in doc.meta else None,
                      ocr_read=doc.meta.get("ocr_page1"))
