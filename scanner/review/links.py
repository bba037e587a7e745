"""The review app's view of a file's derived links (``/file/N/links``): for each source the
report names, the document's passage and the source's passage side by side, the shared text
highlighted, with the source's path, mark, whether it is live and the share it covers.

The report keeps excerpts only; to show whole paragraphs with the shared stretch marked, the
passages are aligned again from the audit's stored texts and its derived index, read-only
(:func:`scanner.derived.links.find_links`, as the audit did). A source whose passages cannot be
aligned again (the index changed since) is shown with the report's own excerpts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flask import Flask, abort, render_template

from scanner.audit.run import DB_NAME
from scanner.derived.fingerprint import BREAK, Normal
from scanner.derived.index import DocRow, Reader, facts_of
from scanner.derived.links import Passage, find_links
from scanner.derived.stage import _Side, side_of, span_location, stored_blocks
from scanner.messages import Msg
from scanner.review.store import AuditStore
from scanner.review.text import LINKED_BY

CONTEXT = 80  # characters of a paragraph shown before and after the shared stretch


def _pieces(text: str, start: int, end: int) -> dict[str, str]:
    """A paragraph cut into what comes before the shared stretch, the stretch and after it
    (long context shortened)."""
    before, after = text[:start], text[end:]
    if len(before) > CONTEXT:
        before = "…" + before[-CONTEXT:]
    if len(after) > CONTEXT:
        after = after[:CONTEXT] + "…"
    return {"before": before, "shared": text[start:end], "after": after}


def shown(side: _Side | None, span: tuple[int, int]) -> list[dict[str, str]]:
    """The paragraphs a normalized span covers, each with its location and the shared stretch
    marked (from its first to its last shared character: punctuation between them included)."""
    if side is None:
        return []
    normal = side.normal
    start, end = span
    ranges: dict[int, list[int]] = {}
    for i in range(max(start, 0), min(end, len(normal.text))):
        if normal.text[i] == BREAK:
            continue
        b, o = normal.block[i], normal.offset[i]
        got = ranges.setdefault(b, [o, o + 1])
        got[0], got[1] = min(got[0], o), max(got[1], o + 1)
    out = []
    for b in sorted(ranges):
        text, location = side.blocks[b]
        out.append({"location": location, **_pieces(text, *ranges[b])})
    return out


def _excerpt(side: dict[str, Any]) -> list[dict[str, str]]:
    """The report's own excerpt of one side of a passage (no alignment at hand)."""
    if not side.get("excerpt") and not side.get("location"):
        return []
    return [{"location": span_location(side), "before": "",
             "shared": side.get("excerpt") or "", "after": ""}]


def _aligned(reader: Reader, report: dict[str, Any]
             ) -> tuple[dict[str, list[Passage]], _Side | None, dict[str, _Side | None]]:
    """The passages shared with each source (by its content hash), aligned again, and both
    sides' texts."""
    sha = (report.get("source") or {}).get("sha256") or ""
    blocks = stored_blocks(reader.conn, sha) if sha else None
    if not blocks or not reader.has_index():
        return {}, None, {}
    facts = facts_of(sha, [t for t, _ in blocks], report)
    sides: dict[str, _Side | None] = {}

    def text_of(doc: DocRow) -> Normal | None:
        if doc.sha256 not in sides:
            got = stored_blocks(reader.conn, doc.sha256)
            sides[doc.sha256] = side_of(got) if got else None
        side = sides[doc.sha256]
        return side.normal if side else None

    found = find_links(facts.prints, facts.normal, facts.date, facts.cites, reader,
                       own_sha=sha, documents=reader.count(), text_of=text_of)
    return ({link.source.sha256: link.passages for link in found},
            _Side(facts.normal, blocks), sides)


def link_views(db: Path, report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each link of ``report`` with its passages as pairs of paragraphs (``here``, ``there``),
    the shared text marked; reads the audit database ``db`` read-only."""
    links: Sequence[dict[str, Any]] = report.get("links") or []
    if not links:
        return []
    passages: dict[str, list[Passage]] = {}
    here: _Side | None = None
    sides: dict[str, _Side | None] = {}
    redacted = bool(report.get("redacted"))
    if not redacted:  # a redacted report shows locations only: so does its view
        try:
            reader = Reader.open(db)
        except sqlite3.Error:
            reader = None
        if reader is not None:
            try:
                passages, here, sides = _aligned(reader, report)
            except sqlite3.Error:
                passages = {}
            finally:
                reader.close()
    out = []
    for i, link in enumerate(links):
        again = passages.get(link.get("sha256") or "")
        there = sides.get(link.get("sha256") or "")
        if again and here is not None and there is not None:
            pairs = [{"here": shown(here, p.here), "there": shown(there, p.there),
                      "chars": p.matched} for p in again]
        else:
            pairs = [{"here": _excerpt(p["here"]), "there": _excerpt(p["there"]),
                      "chars": p.get("chars")} for p in link.get("passages") or []]
        out.append({**link, "n": i, "pairs": pairs})
    return out


def register(app: Flask, store: Callable[[], AuditStore],
             query: Callable[[], str]) -> None:
    """``/file/N/links``: the page of a file's derived links."""
    lang = app.config.get("DINGMI_LANG", "zh")
    app.jinja_env.filters["linked_by"] = lambda by: LINKED_BY.get(by, Msg(by, by)).text(lang)

    @app.get("/file/<int:n>/links")
    def links_page(n: int) -> str:
        audit = store()
        files = audit.files
        if not 0 <= n < len(files):
            abort(404)
        entry = files[n]
        report = audit.report(entry)
        return render_template("links.html", entry=entry, n=n, query=query(), report=report,
                               links=link_views(audit.folder / DB_NAME, report))
