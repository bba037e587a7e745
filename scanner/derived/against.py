"""``check``/``scan`` ``--against AUDIT_DIR``: a draft judged against an audit's index.

The audit's database is opened read-only (many checks may read it at once; none writes). The
draft is always the derived side: what it shares with the archive comes from there.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from scanner.derived.index import Reader, facts_of, meta_of
from scanner.derived.stage import _Side, blocks_of, derive, draft_of, merge
from scanner.errors import ConfigError
from scanner.messages import Msg
from scanner.names import LINKS as LINK_BY
from scanner.names import place

DB_NAME = "audit.sqlite"
NO_AUDIT = Msg("“{where}”不是审核输出目录或尚未建立派生索引（请先运行 dingmi audit）",
               "'{where}' is not an audit output folder with a derived index (run dingmi audit "
               "first)")
LINK = Msg("    来源 {relative}（{mark}）：{by_zh}，共享段落覆盖本文件 {share:.0%}",
           "    source {relative} ({mark}): {by_en}, shared passages cover {share:.0%} of this "
           "document")
PASSAGE = Msg("      本文件 {here} “{excerpt}” ⇄ 来源 {there}",
              "      here {here} '{excerpt}' ⇄ source {there}")
BY = {k: (m.zh, m.en) for k, m in LINK_BY.items()}  # the names in scanner.names


class Against:
    """A read-only handle on an audit's index."""

    def __init__(self, folder: Path) -> None:
        db = folder / DB_NAME
        missing = ConfigError(*NO_AUDIT.format(where=str(folder)))
        if not db.is_file():
            raise missing
        try:
            self.reader = Reader.open(db)
            ok = self.reader.has_index()
        except sqlite3.Error:
            raise missing from None
        if not ok:
            self.reader.close()
            raise missing
        self.documents = self.reader.count()
        self.sides: dict[str, _Side | None] = {}

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
        findings, links = derive(draft, self.reader, report["as_of"], self.documents, self.sides)
        return merge(report, findings, links)


def link_lines(report: dict[str, Any], lang: str) -> list[str]:
    """Lines naming each source, its mark and the shared passages (each place in words)."""
    out: list[str] = []
    for link in report.get("links", []):
        by = BY.get(link["by"], (link["by"], link["by"]))
        mark = link["mark"] or ("未标密级" if lang == "zh" else "unmarked")
        out.append(LINK.format(relative=link["relative"], mark=mark, by_zh=by[0], by_en=by[1],
                               share=link["share"]).text(lang))
        for p in link["passages"][:3]:
            out.append(PASSAGE.format(here=place(p["here"]["location"], lang),
                                      excerpt=p["here"]["excerpt"] or "…",
                                      there=place(p["there"]["location"], lang)).text(lang))
    return out
