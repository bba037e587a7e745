"""ZIP packages of documents, as archives hold them: each member is a file of its own.

A member is named by the chain of entries that leads to it (the outer package's entry, then, for
a package inside the package, the inner entry), at most :data:`MAX_DEPTH` packages deep, and
shown as ``archive.zip!folder/member.docx``. Listing reads only a package's directory; a member
is inflated (into memory, never onto disk) only when it is read, under the same limits as any
file: its size under ``--max-file-mb``, its inflation ratio under ``--max-ratio``. Encrypted
members, unknown compression methods and damaged entries give the member a report saying so.

A package is also limited as a whole, when it is listed: all its members together (those of the
packages inside it included) at most :data:`MAX_MEMBERS` entries and ``--max-package-mb``
inflated (by the sizes the directory declares, which bound what the reader inflates), entries
whose data overlap refused (one member's bytes reached under many names: a zip bomb), and the
listing itself at most :data:`LIST_SECONDS`. A package past any of them is one report saying
why. Its directory is parsed once per process: the package last read stays open for its next
member (checked to be the same file), instead of being parsed again for each.

A mail file (.eml) is opened the same way: its body and attachments are its members
(:func:`mail_members`, :func:`read_mail_member`).

Names written by Chinese Windows tools are GBK without the zip's UTF-8 flag; they are decoded as
such (the zipfile module would show them as CP437 mojibake).
"""

from __future__ import annotations

import io
import itertools
import os
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from scanner.fsutil import open_regular, os_reason
from scanner.limits import MB, Limits
from scanner.messages import Msg

SEP = "!"  # between a package's path and its member's
MAX_DEPTH = 2  # a package inside a package is opened; one more level is not
MAX_MEMBERS = 100_000  # entries a package may list, those of the packages inside it included
LIST_SECONDS = 60.0  # time listing a package (and the packages inside it) may take
LOCAL_HEADER = 30  # bytes of a member's local header before its name
SUFFIXES = (".zip", ".eml")  # mail files: the body and attachments are members (scanner.mail)
ZIP_SUFFIX = ".zip"
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1

Chain = tuple[tuple[int, str], ...]  # (index in the directory, raw entry name), outermost first

DAMAGED = Msg("ZIP 压缩包已损坏，无法列出其中的文件（{why}）",
              "the ZIP archive is damaged: its members cannot be listed ({why})")
EMPTY = Msg("ZIP 压缩包中没有可检查的文件", "the ZIP archive holds no file to check")
TOO_MANY = Msg("ZIP 压缩包列出 {n} 个条目，超过上限 {limit}，未打开",
               "the ZIP archive lists {n} entries, above the limit of {limit}: not opened")
PACKAGE_TOO_LARGE = Msg("ZIP 压缩包中的文件解压后共 {mb:.0f} MB 以上，超过上限 {limit} MB，"
                        "疑为压缩炸弹，未打开",
                        "the members of the ZIP archive inflate to {mb:.0f} MB or more together, "
                        "above the limit of {limit} MB (--max-package-mb): not opened")
OVERLAPPING = Msg("ZIP 压缩包中有条目共用或重叠同一段数据，疑为压缩炸弹，未打开",
                  "entries of the ZIP archive share or overlap the same data: refused as a "
                  "likely zip bomb")
LIST_SLOW = Msg("列出 ZIP 压缩包中的文件超过 {limit:g} 秒，未打开",
                "listing the ZIP archive took longer than {limit:g} s: not opened")
TOO_DEEP = Msg("压缩包嵌套超过 {depth} 层，未打开", "an archive nested more than {depth} deep: "
               "not opened")
ENCRYPTED = Msg("压缩包中的该文件已加密，无法读取", "this member of the archive is encrypted")
MEMBER_TOO_LARGE = Msg("压缩包中的该文件解压后 {mb:.0f} MB，超过上限 {limit} MB，未读取",
                       "this member inflates to {mb:.0f} MB, above the limit of {limit} MB "
                       "(--max-file-mb)")
MEMBER_RATIO = Msg("压缩包中的该文件压缩比 {ratio:.0f}:1 超过上限 {limit}:1，疑为压缩炸弹，未读取",
                   "this member's compression ratio {ratio:.0f}:1 is above {limit}:1 "
                   "(--max-ratio): refused as a likely zip bomb")
MEMBER_BROKEN = Msg("压缩包中的该文件无法解压（{why}）",
                    "this member of the archive cannot be inflated ({why})")
CHANGED = Msg("压缩包在列出后被修改，请重新检查",
              "the archive changed after it was listed; check it again")


class ContainerError(Exception):
    """A package or one of its members cannot be read; ``msg`` says why."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(msg.en)
        self.msg = msg


class PackageLimit(ContainerError):
    """The package as a whole is past a limit: found inside a package inside it, it still
    refuses the outer package."""


def is_container(name: str) -> bool:
    """Whether a file of this name is opened as a package of documents."""
    return name.lower().endswith(SUFFIXES)


@dataclass(frozen=True)
class Member:
    """One member of a package: how to reach it, how it is shown, and why it cannot be read
    when that is known from the listing already (a package too deep, damaged or encrypted)."""

    chain: Chain
    shown: str
    why: Msg | None = None


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its writer meant it (GBK names without the UTF-8 flag decoded)."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def clean_name(name: str) -> str:
    """A member's name made safe to show and to place reports under: forward slashes, no
    absolute path, no ``.`` or ``..`` parts, no package separator."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(parts).replace(SEP, "_")


def _why(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _zip(source: Path | bytes) -> tuple[zipfile.ZipFile, BinaryIO | None]:
    """The package opened from a regular file (without blocking) or from bytes in memory."""
    if isinstance(source, bytes):
        return zipfile.ZipFile(io.BytesIO(source)), None
    opened = open_regular(source)
    if isinstance(opened, Msg):
        raise ContainerError(opened)
    fh = opened[0]
    try:
        return zipfile.ZipFile(fh), fh
    except BaseException:
        fh.close()
        raise


def refused(info: zipfile.ZipInfo, limits: Limits) -> Msg | None:
    """Why the member will not be inflated at all, by what the directory declares."""
    if info.flag_bits & ENCRYPTED_FLAG:
        return ENCRYPTED
    if info.file_size > limits.max_file_mb * MB:
        return MEMBER_TOO_LARGE.format(mb=info.file_size / MB, limit=limits.max_file_mb)
    if info.file_size > MB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        return MEMBER_RATIO.format(ratio=info.file_size / max(info.compress_size, 1),
                                   limit=limits.max_ratio)
    return None


def inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """One member's bytes, under the file-size and ratio limits whatever the directory claims."""
    why = refused(info, limits)
    if why is not None:
        raise ContainerError(why)
    cap = limits.max_file_mb * MB
    try:
        with zf.open(info) as fh:
            data = fh.read(cap + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError,
            NotImplementedError) as exc:
        raise ContainerError(MEMBER_BROKEN.format(why=_why(exc))) from exc
    if len(data) > cap:
        raise ContainerError(MEMBER_TOO_LARGE.format(mb=len(data) / MB, limit=limits.max_file_mb))
    return data


def members(path: Path, limits: Limits, skip: Callable[[str], bool]) -> list[Member]:
    """Every member of the package at ``path`` (packages inside it opened, at most
    :data:`MAX_DEPTH` deep); names ``skip`` rejects (lock and temporary files) are left out.
    Raises :class:`ContainerError` when the package itself cannot be listed or holds nothing."""
    if path.name.lower().endswith(".eml"):
        return mail_members(path, limits, skip)
    try:
        zf, fh = _zip(path)
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise ContainerError(DAMAGED.format(why=_why(exc))) from exc
    except OSError as exc:  # gone, a dangling link, no permission: said as for any file
        raise ContainerError(os_reason(exc)) from exc
    try:
        found = list(_Lister(limits, skip, str(path)).listed(zf, (), ""))
    except OSError as exc:
        raise ContainerError(os_reason(exc)) from exc
    finally:
        zf.close()
        if fh is not None:
            fh.close()
    if not found:
        raise ContainerError(EMPTY)
    return found


def overlapping(infos: list[zipfile.ZipInfo]) -> bool:
    """Whether two entries' data share bytes: each entry's local header and data must end before
    the next entry starts (a real package never reuses them; a bomb names one member's data many
    times, each under the per-member limits)."""
    spans = sorted((i.header_offset, i.header_offset + LOCAL_HEADER + i.compress_size)
                   for i in infos)
    return any(start < end for (_, end), (start, _) in itertools.pairwise(spans))


@dataclass
class _Lister:
    limits: Limits
    skip: Callable[[str], bool]
    package: str  # the package's path: a member is never shown under a name a real file has
    entries: int = 0  # listed so far, in this package and those inside it
    inflated: int = 0  # declared bytes of the members read, packages inside it included
    deadline: float = field(default_factory=lambda: time.monotonic() + LIST_SECONDS)

    def charge(self, info: zipfile.ZipInfo) -> None:
        """Count a member that will be inflated against the package's budget (one refused by
        its declared size, ratio or encryption never is)."""
        if refused(info, self.limits) is not None:
            return
        self.inflated += info.file_size
        if self.inflated > self.limits.max_package_mb * MB:
            raise PackageLimit(PACKAGE_TOO_LARGE.format(mb=self.inflated / MB,
                                                        limit=self.limits.max_package_mb))

    def on_disk(self, label: str) -> bool:
        """Whether a real file (or folder) has the name the member ``label`` would be shown
        as (``pkg.zip!a.txt`` beside ``pkg.zip``)."""
        return os.path.lexists(f"{self.package}{SEP}{label}")

    def listed(self, zf: zipfile.ZipFile, chain: Chain, shown: str) -> Iterator[Member]:
        infos = zf.infolist()
        self.entries += len(infos)
        if self.entries > MAX_MEMBERS:
            raise PackageLimit(TOO_MANY.format(n=self.entries, limit=MAX_MEMBERS))
        if overlapping(infos):
            raise PackageLimit(OVERLAPPING)
        taken: set[str] = set()
        prefix = f"{shown}{SEP}" if shown else ""
        for index, info in enumerate(infos):
            if time.monotonic() > self.deadline:
                raise PackageLimit(LIST_SLOW.format(limit=LIST_SECONDS))
            if info.is_dir():
                continue
            name = clean_name(entry_name(info))
            base = name.rpartition("/")[2]
            if not name or self.skip(base):
                continue
            name = unique(name, taken, lambda candidate: self.on_disk(prefix + candidate))
            here = (*chain, (index, info.filename))
            label = prefix + name
            if not base.lower().endswith(ZIP_SUFFIX):  # a mail inside a package: a file
                self.charge(info)
                yield Member(here, label)
            elif len(here) >= MAX_DEPTH:
                yield Member(here, label, TOO_DEEP.format(depth=MAX_DEPTH))
            else:
                self.charge(info)
                yield from self.nested(zf, info, here, label)

    def nested(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, chain: Chain,
               shown: str) -> Iterator[Member]:
        try:
            inner = zipfile.ZipFile(io.BytesIO(inflate(zf, info, self.limits)))
            found = list(self.listed(inner, chain, shown))
        except PackageLimit:
            raise
        except ContainerError as exc:
            yield Member(chain, shown, exc.msg)
            return
        except (zipfile.BadZipFile, ValueError, EOFError) as exc:
            yield Member(chain, shown, DAMAGED.format(why=_why(exc)))
            return
        yield from found or [Member(chain, shown, EMPTY)]


def unique(name: str, taken: set[str], also: Callable[[str], bool] = lambda _: False) -> str:
    """``name``, or ``name (2).ext``, ``name (3).ext``…: the first neither in ``taken`` nor
    refused by ``also``; it is added to ``taken``."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or "/" in suffix:
        stem, dot, suffix = name, "", ""
    candidate, n = name, 1
    while candidate in taken or also(candidate):
        n += 1
        candidate = f"{stem} ({n}){dot}{suffix}"
    taken.add(candidate)
    return candidate


class _Open:
    """A package kept open with its parsed directory, and the package inside it read last."""

    def __init__(self, key: tuple[str, int, int, int, int], zf: zipfile.ZipFile,
                 fh: BinaryIO) -> None:
        self.key, self.zf, self.fh = key, zf, fh
        self.inner: tuple[tuple[int, str], zipfile.ZipFile] | None = None

    def close(self) -> None:
        if self.inner is not None:
            self.inner[1].close()
        self.zf.close()
        self.fh.close()


_last: _Open | None = None  # the package this process read a member of last
_last_lock = threading.Lock()


def _package(path: Path) -> _Open:
    """The package at ``path`` opened and listed: the one kept from the last member read when
    the file is still the same (device, inode, size, modification time), else opened afresh."""
    global _last  # noqa: PLW0603 - one package kept per process
    opened = open_regular(path)
    if isinstance(opened, Msg):
        raise ContainerError(opened)
    fh, st = opened
    key = (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    if _last is not None and _last.key == key:
        fh.close()
        return _last
    try:
        zf = zipfile.ZipFile(fh)
    except BaseException:
        fh.close()
        raise
    if _last is not None:
        _last.close()
    _last = _Open(key, zf, fh)
    return _last


def _step(zf: zipfile.ZipFile, index: int, raw: str) -> zipfile.ZipInfo:
    infos = zf.infolist()
    if index >= len(infos) or infos[index].filename != raw:
        raise ContainerError(CHANGED)
    return infos[index]


def read_member(path: Path, chain: Chain, limits: Limits) -> bytes:
    """The bytes of the member ``chain`` of the package at ``path``. The package's directory
    (and that of the package inside it) is parsed once for all the members read one after
    another."""
    if path.name.lower().endswith(".eml"):
        return read_mail_member(path, chain, limits)
    with _last_lock:
        try:
            package = _package(path)
            zf = package.zf
            for step, (index, raw) in enumerate(chain):
                info = _step(zf, index, raw)
                if step + 1 == len(chain):
                    return inflate(zf, info, limits)
                if package.inner is None or package.inner[0] != (index, raw):
                    inner = zipfile.ZipFile(io.BytesIO(inflate(zf, info, limits)))
                    if package.inner is not None:
                        package.inner[1].close()
                    package.inner = ((index, raw), inner)
                zf = package.inner[1]
            raise ContainerError(CHANGED)  # an empty chain names no member
        except (zipfile.BadZipFile, ValueError, EOFError) as exc:  # the package kept is sound
            raise ContainerError(DAMAGED.format(why=_why(exc))) from exc
        except OSError:
            _forget()
            raise


def _forget() -> None:
    """Close the package kept open (the lock held): after a read error it is opened afresh."""
    global _last  # noqa: PLW0603
    if _last is not None:
        _last.close()
        _last = None


MAIL_DAMAGED = Msg("邮件文件无法解析（{why}）", "the mail file cannot be parsed ({why})")


def _mail_bytes(path: Path, limits: Limits) -> bytes:
    opened = open_regular(path)
    if isinstance(opened, Msg):
        raise ContainerError(opened)
    fh, st = opened
    with fh:
        if st.st_size > limits.max_file_mb * MB:
            raise ContainerError(MEMBER_TOO_LARGE.format(mb=st.st_size / MB,
                                                         limit=limits.max_file_mb))
        return fh.read()


def mail_members(path: Path, limits: Limits, skip: Callable[[str], bool]) -> list[Member]:
    """The members of a mail file: its body (``正文.txt``) and each attachment, under names made
    safe and unique as a ZIP's are; an attached ZIP is named with the reason it is not opened."""
    from scanner import mail  # noqa: PLC0415 - the mail reader, for mail files only

    try:
        msg = mail.parse(_mail_bytes(path, limits))
        found = mail.attachments(msg)
    except ContainerError:
        raise
    except Exception as exc:  # the email package raises many kinds on a damaged file
        raise ContainerError(MAIL_DAMAGED.format(why=_why(exc))) from exc
    taken: set[str] = set()
    out = [Member(((mail.BODY_INDEX, mail.BODY),), unique(mail.BODY, taken))]
    for index, raw in found:
        name = clean_name(raw).rpartition("/")[2] or f"附件{index}.bin"
        if skip(name):
            continue
        shown = unique(name, taken, lambda c: os.path.lexists(f"{path}{SEP}{c}"))
        why = mail.ZIP_IN_MAIL if name.lower().endswith(ZIP_SUFFIX) else None
        out.append(Member(((index, raw),), shown, why))
    return out


def member_reader(path: Path, chain: Chain) -> str | None:
    """The kind of reader for a member whose name does not tell it: a mail's body member
    (``正文.txt``) is the mail without its attachments, read as a mail (its subject a property,
    not a line of the body); None for every other member."""
    from scanner import mail  # noqa: PLC0415

    if path.name.lower().endswith(".eml") and len(chain) == 1 and (
            chain[0] == (mail.BODY_INDEX, mail.BODY)):
        return "eml"
    return None


def read_mail_member(path: Path, chain: Chain, limits: Limits) -> bytes:
    """The bytes of one member of a mail file (see :func:`mail_members`)."""
    from scanner import mail  # noqa: PLC0415

    if len(chain) != 1:
        raise ContainerError(CHANGED)
    index, raw = chain[0]
    try:
        data = mail.member_bytes(_mail_bytes(path, limits), index, raw)
    except ContainerError:
        raise
    except Exception as exc:  # the email package raises many kinds on a damaged file
        raise ContainerError(MAIL_DAMAGED.format(why=_why(exc))) from exc
    if data is None:
        raise ContainerError(CHANGED)
    if len(data) > limits.max_file_mb * MB:
        raise ContainerError(MEMBER_TOO_LARGE.format(mb=len(data) / MB, limit=limits.max_file_mb))
    return data
