"""ZIP packages of documents, as archives hold them: each member is a file of its own.

A member is named by the chain of entries that leads to it (the outer package's entry, then, for
a package inside the package, the inner entry), at most :data:`MAX_DEPTH` packages deep, and
shown as ``archive.zip!folder/member.docx``. Listing reads only a package's directory; a member
is inflated (into memory, never onto disk) only when it is read, under the same limits as any
file: its size under ``--max-file-mb``, its inflation ratio under ``--max-ratio``. Encrypted
members, unknown compression methods and damaged entries give the member a report saying so.

Names written by Chinese Windows tools are GBK without the zip's UTF-8 flag; they are decoded as
such (the zipfile module would show them as CP437 mojibake).
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from scanner.fsutil import open_regular, os_reason
from scanner.limits import MB, Limits
from scanner.messages import Msg

SEP = "!"  # between a package's path and its member's
MAX_DEPTH = 2  # a package inside a package is opened; one more level is not
MAX_MEMBERS = 100_000  # entries a package may list
SUFFIXES = (".zip",)
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1

Chain = tuple[tuple[int, str], ...]  # (index in the directory, raw entry name), outermost first

DAMAGED = Msg("ZIP 压缩包已损坏，无法列出其中的文件（{why}）",
              "the ZIP archive is damaged: its members cannot be listed ({why})")
EMPTY = Msg("ZIP 压缩包中没有可检查的文件", "the ZIP archive holds no file to check")
TOO_MANY = Msg("ZIP 压缩包列出 {n} 个条目，超过上限 {limit}，未打开",
               "the ZIP archive lists {n} entries, above the limit of {limit}: not opened")
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


def inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """One member's bytes, under the file-size and ratio limits whatever the directory claims."""
    if info.flag_bits & ENCRYPTED_FLAG:
        raise ContainerError(ENCRYPTED)
    cap = limits.max_file_mb * MB
    if info.file_size > cap:
        raise ContainerError(MEMBER_TOO_LARGE.format(mb=info.file_size / MB,
                                                     limit=limits.max_file_mb))
    if info.file_size > MB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise ContainerError(MEMBER_RATIO.format(ratio=info.file_size / max(info.compress_size, 1),
                                                 limit=limits.max_ratio))
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


@dataclass(frozen=True)
class _Lister:
    limits: Limits
    skip: Callable[[str], bool]
    package: str  # the package's path: a member is never shown under a name a real file has

    def on_disk(self, label: str) -> bool:
        """Whether a real file (or folder) has the name the member ``label`` would be shown
        as (``pkg.zip!a.txt`` beside ``pkg.zip``)."""
        return os.path.lexists(f"{self.package}{SEP}{label}")

    def listed(self, zf: zipfile.ZipFile, chain: Chain, shown: str) -> Iterator[Member]:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ContainerError(TOO_MANY.format(n=len(infos), limit=MAX_MEMBERS))
        taken: set[str] = set()
        prefix = f"{shown}{SEP}" if shown else ""
        for index, info in enumerate(infos):
            if info.is_dir():
                continue
            name = clean_name(entry_name(info))
            base = name.rpartition("/")[2]
            if not name or self.skip(base):
                continue
            name = unique(name, taken, lambda candidate: self.on_disk(prefix + candidate))
            here = (*chain, (index, info.filename))
            label = prefix + name
            if not is_container(base):
                yield Member(here, label)
            elif len(here) >= MAX_DEPTH:
                yield Member(here, label, TOO_DEEP.format(depth=MAX_DEPTH))
            else:
                yield from self.nested(zf, info, here, label)

    def nested(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, chain: Chain,
               shown: str) -> Iterator[Member]:
        try:
            inner = zipfile.ZipFile(io.BytesIO(inflate(zf, info, self.limits)))
            found = list(self.listed(inner, chain, shown))
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


def read_member(path: Path, chain: Chain, limits: Limits) -> bytes:
    """The bytes of the member ``chain`` of the package at ``path``."""
    zf, fh = _zip(path)
    try:
        data = b""
        for step, (index, raw) in enumerate(chain):
            infos = zf.infolist()
            if index >= len(infos) or infos[index].filename != raw:
                raise ContainerError(CHANGED)
            data = inflate(zf, infos[index], limits)
            if step + 1 < len(chain):
                zf.close()
                zf = zipfile.ZipFile(io.BytesIO(data))
        return data
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise ContainerError(DAMAGED.format(why=_why(exc))) from exc
    finally:
        zf.close()
        if fh is not None:
            fh.close()
