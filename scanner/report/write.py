"""Where per-file reports go and how they are written: atomically, owner-only, by the caller.

Workers render reports (:mod:`scanner.report.outputs`) and return them; the process that runs a
command is the one writer of files (:func:`write_rendered`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.errors import ConfigError, OutputError
from scanner.fsutil import is_within, make_dirs, write_atomic
from scanner.messages import Msg, printable
from scanner.report.model import FileReport, to_json
from scanner.report.outputs import DEFAULT_FORMATS, Rendered, render_files


@dataclass(frozen=True)
class OutputOptions:
    """Where and how reports are written (``out`` None: not written)."""

    out: Path | None
    formats: tuple[str, ...] = DEFAULT_FORMATS
    lang: str = "zh"
    redact: bool = False  # evidence as locations only, no excerpts of the document


CANNOT_WRITE = Msg("无法写出 {path}：{why}（检查输出目录、磁盘空间和文件名长度）",
                   "cannot write {path}: {why} (check the output folder, the free space and the "
                   "length of the name)")


def output_error(path: Path, exc: OSError) -> OutputError:
    """The error for an output that could not be written."""
    return OutputError(*CANNOT_WRITE.format(path=printable(str(path)),
                                            why=exc.strerror or str(exc)))


def write_output(path: Path, data: bytes) -> None:
    """Write one output file atomically; a failure is an :class:`OutputError` naming it."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise output_error(path, exc) from exc


def make_output_dir(path: Path) -> None:
    """Create an output folder (0700); a failure is an :class:`OutputError` naming it."""
    try:
        make_dirs(path)
        if not path.is_dir():
            raise NotADirectoryError(20, "not a folder")
    except OSError as exc:
        raise output_error(path, exc) from exc


LINK_IN_OUTPUT = Msg("输出目录中的 {path} 是符号链接；为防止报告被引到别处，拒绝写入",
                     "{path} in the output folder is a symbolic link; refusing to write through "
                     "it (reports could be sent elsewhere)")


def _no_links_below(folder: Path, relative: str) -> None:
    """Refuse a folder link between the report folder and a report (a planted link would
    redirect reports elsewhere); the report folder itself may be a link the user chose."""
    here = folder
    for part in Path(relative).parts[:-1]:
        here = here / part
        if here.is_symlink():
            raise OutputError(*LINK_IN_OUTPUT.format(path=printable(str(here))))


def write_rendered(folder: Path, relative: str, files: Rendered) -> None:
    """Write rendered reports of the file at ``relative`` under ``folder`` (never through a
    folder link below ``folder``; the files themselves are opened without following links)."""
    if files:
        _no_links_below(folder, relative)
    base = str(folder / relative)
    for suffix, content in files:
        write_output(Path(base + suffix), content)


def remove_rendered(folder: Path, relative: str, suffixes: Sequence[str]) -> bool:
    """Remove the reports of the file at ``relative`` under ``folder`` (each of ``suffixes``),
    and the folders below ``folder`` they leave empty; never through a folder link below
    ``folder`` (a link itself is removed, not what it points at). True when one was removed."""
    here = folder
    for part in Path(relative).parts[:-1]:
        here = here / part
        if here.is_symlink() or not here.is_dir():
            return False
    removed = False
    base = str(folder / relative)
    for suffix in suffixes:
        path = Path(base + suffix)
        if path.is_symlink() or path.is_file():
            try:
                path.unlink()
                removed = True
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise output_error(path, exc) from exc
    parent = Path(base).parent
    while removed and parent != folder and is_within(parent, folder):
        try:
            parent.rmdir()  # only when empty
        except OSError:
            break
        parent = parent.parent
    return removed


def write_report(r: FileReport, out: OutputOptions) -> dict[str, Any]:
    """Render and write the reports of ``r`` under ``out.out``; returns the JSON form."""
    as_json = to_json(r, out.lang, redact=out.redact)
    if out.out is not None:
        write_rendered(out.out, r.relative, render_files(as_json, out.formats, out.lang))
    return as_json


OUT_INSIDE = Msg("报告目录 {out} 位于被扫描的文件夹 {root} 内；请用 --out 指定其他位置",
                 "the report folder {out} lies inside the scanned folder {root}; choose another "
                 "with --out")


def check_out_dir(out: Path | None, roots: list[Path]) -> None:
    """Refuse to write reports inside a folder being scanned (nothing beside the sources)."""
    if out is None:
        return
    for root in roots:
        if root.is_dir() and is_within(out, root):
            raise ConfigError(*OUT_INSIDE.format(out=out, root=root))
