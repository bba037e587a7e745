"""``--against AUDIT_DIR`` (``check``, ``scan``, ``watch``, ``serve``; ``reference:`` in
``dingmi.yaml``): a draft judged against an audit's index.

The audit's database is opened read-only (many checks may read it at once; none writes). The
draft is always the derived side: what it shares with the archive comes from there. ``check`` and
``scan`` apply it in their own process; ``watch`` and ``serve`` in each worker process, which opens
its own read-only connection at its first file (:func:`shared`) and notices when an audit run
has changed the index since (``PRAGMA data_version``).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from scanner.derived.index import METHOD, Reader, facts_of, meta_of
from scanner.derived.stage import Sides, blocks_of, derive, draft_of, merge
from scanner.errors import ConfigError
from scanner.messages import Msg
from scanner.names import LINKS as LINK_BY
from scanner.names import mark_text, place_range
from scanner.report.model import classification_text, shown_levels

DB_NAME = "audit.sqlite"
NO_AUDIT = Msg("“{where}”不是审核输出目录或尚未建立派生索引（请先运行 dingmi audit）",
               "'{where}' is not an audit output folder with a derived index (run dingmi audit "
               "first)")
LINK = Msg("    来源 {relative}（{mark}）：{by_zh}，共享段落覆盖本文件 {share:.0%}",
           "    source {relative} ({mark}): {by_en}, shared passages cover {share:.0%} of this "
           "document")
PASSAGE = Msg("      本文件 {here} “{excerpt}” ⇄ 来源 {there}",
              "      here {here} '{excerpt}' ⇄ source {there}")
STALE = Msg("“{where}”的派生索引由另一版本的 dingmi 建立（方法 {had}，本版本为 {now}），"
            "不能直接使用：请再次运行 dingmi audit，它会由已存的文本重建索引",
            "the derived index in '{where}' was built by another version of dingmi (method {had}, "
            "this version uses {now}) and cannot be used as it is: run dingmi audit again, which "
            "rebuilds it from the stored texts")
MISSING = Msg("“{where}”不是审核输出目录：该路径不存在（请先运行 dingmi audit，或给出其输出目录）",
              "'{where}' is not an audit output folder: it does not exist (run dingmi audit "
              "first, or name its output folder)")
SIDES_KEPT = 256  # sources' texts kept in memory between drafts
BY = {k: (m.zh, m.en) for k, m in LINK_BY.items()}  # the names in scanner.names


class Against:
    """A read-only handle on an audit's index."""

    def __init__(self, folder: Path) -> None:
        db = folder / DB_NAME
        if not folder.exists():
            raise ConfigError(*MISSING.format(where=str(folder)))
        missing = ConfigError(*NO_AUDIT.format(where=str(folder)))
        if not db.is_file():
            raise missing
        try:
            self.reader = Reader.open(db)
            ok = self.reader.has_index()
            method = self.reader.method() if ok else None
        except sqlite3.Error:
            raise missing from None
        if not ok:
            self.reader.close()
            raise missing
        if method != METHOD:
            self.reader.close()
            raise ConfigError(*STALE.format(where=str(folder), had=method or 1, now=METHOD))
        self.documents = self.reader.count()
        self.sides = Sides()
        self.version = self._version()

    def _version(self) -> int:
        return int(self.reader.conn.execute("PRAGMA data_version").fetchone()[0])

    def _fresh(self) -> None:
        """Forget what was read before when another connection (an audit run) has committed
        since, and keep the sources' texts read within bounds in a long-running worker."""
        version = self._version()
        if version != self.version:
            self.version = version
            self.sides.clear()
            self.reader.forget()
            self.documents = self.reader.count()
        if len(self.sides) > SIDES_KEPT:
            self.sides.clear()

    def close(self) -> None:
        """Close the database."""
        self.reader.close()

    def apply(self, report: dict[str, Any], text: bytes | None) -> dict[str, Any]:
        """The report with the draft's links and derived findings (unchanged when the draft's
        text is not at hand: it could not be read)."""
        blocks = blocks_of(text)
        sha = (report.get("source") or {}).get("sha256")
        if blocks is None or report.get("status") != "ok" or not sha:
            return report
        facts = facts_of(sha, [t for t, _ in blocks], report)
        meta = meta_of(report["source"]["path"], report["source"].get("relative") or "", sha,
                       report)
        draft = draft_of(facts, blocks, meta)
        self._fresh()
        findings, links = derive(draft, self.reader, report["as_of"], self.documents, self.sides)
        return merge(report, findings, links)


def link_lines(report: dict[str, Any], lang: str) -> list[str]:
    """Lines naming each source, its mark and the shared passages (each place in words), then,
    when passages of a source are quoted, the classification of what was shown (the report's)."""
    out: list[str] = []
    for link in report.get("links", []):
        by = BY.get(link["by"], (link["by"], link["by"]))
        mark = mark_text(link["mark"]) or ("未标密级" if lang == "zh" else "unmarked")
        out.append(LINK.format(relative=link["relative"], mark=mark, by_zh=by[0], by_en=by[1],
                               share=link["share"]).text(lang))
        for p in link["passages"][:3]:
            here, there = p["here"], p["there"]
            out.append(PASSAGE.format(
                here=place_range(here["location"], here.get("end"), lang),
                excerpt=here["excerpt"] or "…",
                there=place_range(there["location"], there.get("end"), lang)).text(lang))
    if shown_levels(report):
        out.append(f"    {classification_text(report, lang)}")
    return out


def check_folder(folder: Path) -> None:
    """Raise :class:`ConfigError` (exit 2, at start-up) unless ``folder`` holds an audit's
    derived index; nothing is kept open."""
    Against(folder).close()


_OPEN: dict[tuple[int, str], Against] = {}


def shared(folder: str) -> Against:
    """This process's read-only handle on the index in ``folder``, opened at first use (a worker
    process of ``watch`` or ``serve``: each has its own connection, none writes)."""
    key = (os.getpid(), folder)
    if key not in _OPEN:
        _OPEN[key] = Against(Path(folder))
    return _OPEN[key]
