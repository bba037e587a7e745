"""What the ledger needs beyond a report: the deciding office (定密机关), whether the text calls
itself derived (派生), and the archive number (档号) a folder convention or a sidecar gives.

- 定密机关: the issuer of the 落款 (the line just before the 成文日期, or the text before the date
  on the same line); without a 落款, the 发文机关标志 (``示例市人民政府文件``) without ``文件``.
  Read from the extracted text the audit keeps in its database.
- 派生: ``派生自…``, ``定密依据：派生…`` anywhere in the text (the rule of :mod:`markers.find`).
- 档号: a sidecar ``档号.csv`` or ``archive_ids.csv`` in the file's folder or any folder above it
  (two columns: the file name relative to the sidecar's folder, and its 档号; a header row is
  allowed), else a 档号 such as ``WS·2019-Y-0012`` in the file's name or the nearest folder name
  that holds one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from markers import fields
from markers.find import DERIVED, own_blocks
from markers.models import Block

SIGNATURE_REGIONS = ("body", "table", "textbox", "top")
TAIL_BLOCKS = 12  # the 落款 stands among the last lines
HEAD_BLOCKS = 6  # the 发文机关标志 among the first
OFFICE_MAX = 40
_ISSUER_MARK = re.compile(r"^(.{2,40}?)文件$")
_SEAL = re.compile(r"[（(](?:印章|盖章|章)[）)]$")
_NOT_OFFICE = ("附件", "抄送", "主送", "联系人", "电话", "印发", "密级", "保密期限", "知悉范围")
SIDECARS = ("档号.csv", "archive_ids.csv")
# 档号: [全宗号-]门类代码·年度-保管期限[-机构问题代码]-件号, e.g. WS·2019-Y-0012,
# J001-WS·2019-D30-0007
ARCHIVE_ID = re.compile(r"(?<![A-Za-z0-9])((?:[A-Za-z0-9]{1,10}-)?[A-Z]{1,4}[·・•]\d{4}"
                        r"(?:-[A-Za-z0-9]{1,8}){1,4})(?![A-Za-z0-9])")


def _text(blocks: Sequence[Block]) -> list[str]:
    return [b.text.strip() for b in blocks if b.region in SIGNATURE_REGIONS and b.text.strip()]


def _office(line: str) -> str:
    """``line`` as an office name, or '' when it does not look like one."""
    text = _SEAL.sub("", "".join(line.split()))
    if not 2 <= len(text) <= OFFICE_MAX or text.endswith(("。", "；", "：", ":", "，")):
        return ""
    if any(w in text for w in _NOT_OFFICE) or fields.date_line(text) is not None:
        return ""
    return text


def issuer(blocks: Sequence[Block]) -> str:
    """The deciding office: the 落款's issuer, else the 发文机关标志 without 文件, else ''."""
    lines = _text(blocks)
    tail = lines[-TAIL_BLOCKS:]
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i]
        if "日" not in line or "印发" in line:
            continue
        date = fields.date_line(line)
        if date is None:
            continue
        compact = "".join(line.split())
        before = compact[:len(compact) - len(date.raw)] if compact.endswith(date.raw) else ""
        office = _office(before) if before else ""
        if not office and i > 0:
            office = _office(tail[i - 1])
        if office:
            return office
        break
    for line in lines[:HEAD_BLOCKS]:
        m = _ISSUER_MARK.match("".join(line.split()))
        if m:
            return m.group(1)
    return ""


def derived_in_text(blocks: Sequence[Block]) -> bool:
    """Whether the text says the document is derived (派生自…, 定密依据：派生…)."""
    return any("派" in b.text and DERIVED.search(b.text) for b in blocks)


class ArchiveIds:
    """档号 by file: sidecars read once per folder, then folder and file names."""

    def __init__(self) -> None:
        self.sidecars: dict[Path, dict[str, str]] = {}

    def _sidecar(self, folder: Path) -> dict[str, str]:
        if folder not in self.sidecars:
            table: dict[str, str] = {}
            for name in SIDECARS:
                table.update(read_sidecar(folder / name))
            self.sidecars[folder] = table
        return self.sidecars[folder]

    def of(self, path: str, relative: str) -> str:
        """The 档号 of the file at ``path`` (``package.zip!member`` for a member), shown in the
        ledger as ``relative``: a sidecar's entry first, else a name holding one."""
        outer = Path(path.split("!", 1)[0])
        depth = len(PurePosixPath(relative.split("!", 1)[0]).parts)
        folder = outer.parent
        for _ in range(max(depth, 1)):  # up to the audited folder, not above it
            table = self._sidecar(folder)
            if table:
                key = outer.relative_to(folder).as_posix()
                if key in table:
                    return table[key]
            folder = folder.parent
        for part in reversed(PurePosixPath(relative).parts):
            m = ARCHIVE_ID.search(part)
            if m:
                return m.group(1)
        return ""


def read_sidecar(path: Path) -> dict[str, str]:
    """file name → 档号 from a sidecar CSV (UTF-8 with or without BOM, or GB18030); a missing or
    unreadable sidecar gives nothing."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", "replace")
    out: dict[str, str] = {}
    for row in csv.reader(io.StringIO(text)):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            continue
        name, number = row[0].strip().replace("\\", "/").removeprefix("./"), row[1].strip()
        if name in ("文件", "文件名", "file", "path", "路径"):
            continue  # the header row
        out[name] = number
    return out


class DocFacts(NamedTuple):
    """What one document's text and place add to its report."""

    issuer: str = ""
    derived: bool = False
    archive_id: str = ""


def facts_of(blocks: Sequence[Block] | None, path: str, relative: str,
             ids: ArchiveIds) -> DocFacts:
    """The facts of one document (``blocks`` None: its text is not at hand)."""
    if blocks is None:
        return DocFacts(archive_id=ids.of(path, relative))
    return DocFacts(issuer(own_blocks(blocks)), derived_in_text(blocks), ids.of(path, relative))
