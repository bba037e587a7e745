"""The derived-classification stage: after the per-file pipeline, add each document's links and
cross-document findings to its report (``audit``), or check a draft against an audit (``check
--against``, read-only).

A report gains ``links`` (each source with its mark, whether it is live, how it is linked, the
citations, the share of this document the shared passages cover and the passages' locations and
excerpts on both sides) and findings tagged ``stage: derived``; its verdict is recomputed, and so
is its own classification (a report showing a source's text is classified at least as that
source). Running the stage again replaces what it added before, so reports never carry stale
links.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markers.models import Evidence
from scanner import ENGINE
from scanner.derived import cite
from scanner.derived.fingerprint import Normal, normalize_blocks
from scanner.derived.index import DocRow, Facts, Meta, Reader
from scanner.derived.judge import STAGE, Source, judge, suggested
from scanner.derived.links import Link, Passage, find_links
from scanner.names import PAIR, RANGE
from scanner.report import unpack_json
from scanner.report.model import classify, verdict_of

EXCERPT = 60
SIDES = 1000  # normalized texts kept at once (a 10-page document's takes about 0.5 MB)
TEXTS_TABLE = "texts"  # the audit's store of extracted texts (scanner.workers.task names it too)


PROPERTIES = "props."  # the locations of a document's properties


def blocks_of(blob: bytes | None) -> list[tuple[str, str]] | None:
    """The (text, location) blocks of a stored extraction's content (None: none, or it failed);
    never its document properties, which documents made from one template share (an author, a
    description) without copying anything."""
    if blob is None:
        return None
    body = unpack_json(blob)
    if "blocks" not in body:
        return None
    return [(str(b[0]), str(b[1])) for b in body["blocks"]
            if not str(b[1]).startswith(PROPERTIES)]


def stored_blocks(conn: sqlite3.Connection, sha256: str) -> list[tuple[str, str]] | None:
    """The blocks of a content from the audit's store of extracted texts."""
    row = conn.execute(f"SELECT data FROM {TEXTS_TABLE} WHERE sha256=? AND engine=?",
                       (sha256, ENGINE)).fetchone()
    return blocks_of(bytes(row[0])) if row else None


def strip(report: dict[str, Any]) -> dict[str, Any]:
    """The report without what this stage added (its classification the document's own
    again)."""
    out = dict(report)
    out["findings"] = [f for f in report.get("findings", []) if f.get("stage") != STAGE]
    out.pop("links", None)
    if (out.get("suggested_marking") or {}).get("source"):
        out["suggested_marking"] = None  # the source's mark, which this stage suggested
    return classify(out)


def merge(report: dict[str, Any], findings: list[dict[str, Any]],
          links: list[dict[str, Any]]) -> dict[str, Any]:
    """The report with this stage's findings and links (its verdict and its classification
    recomputed). A redacted report (``--redact``) gets locations only: no excerpt of either
    document, so its sources do not raise its classification."""
    if report.get("redacted"):
        for f in findings:
            for e in f["evidence"]:
                e["excerpt"] = None
        for link in links:
            link["citations"] = []
            for p in link["passages"]:
                p["here"]["excerpt"] = p["there"]["excerpt"] = None
    out = strip(report)
    out["findings"] = out["findings"] + findings
    if out.get("suggested_marking") is None:  # no catalogue: the source's mark, when below it
        out["suggested_marking"] = suggested(findings)
    if links:
        out["links"] = links
    out["verdict"] = verdict_of(out["status"], [f["severity"] for f in out["findings"]])
    return classify(out)


@dataclass
class _Side:
    normal: Normal
    blocks: list[tuple[str, str]]

    def show(self, span: tuple[int, int]) -> dict[str, str]:
        """A normalized span's place: the blocks of its first and last characters
        (``location``, ``end``) and its text from its first character on, across the blocks it
        covers (``excerpt``, at most :data:`EXCERPT` characters)."""
        start, end = span
        end = min(end, len(self.normal.text))
        if start >= end:
            return {"location": "", "end": "", "excerpt": ""}
        block, offset = self.normal.block, self.normal.offset
        last = block[end - 1]
        pieces: list[str] = []
        b, s, size = block[start], offset[start], 0
        while size <= EXCERPT:
            text = self.blocks[b][0]
            if b == last:
                pieces.append(text[s:offset[end - 1] + 1])
                break
            pieces.append(text[s:])
            size += len(pieces[-1])
            b, s = _next_block(block, b), 0
        excerpt = _joined(pieces)
        if len(excerpt) > EXCERPT:
            excerpt = excerpt[:EXCERPT] + "…"
        return {"location": self.blocks[block[start]][1], "end": self.blocks[last][1],
                "excerpt": excerpt}


def _next_block(block: Sequence[int], b: int) -> int:
    """The block after ``b`` that holds normalized characters (one without letters or digits
    holds none)."""
    return block[bisect_right(block, b)]  # (the characters' blocks are in order)


def _joined(pieces: list[str]) -> str:
    """Blocks' texts in a row: Chinese runs on from one to the next (a PDF's lines, two
    paragraphs), a space between two words of other scripts."""
    out = ""
    for text in (piece.strip() for piece in pieces):
        if out and text and out[-1].isascii() and text[0].isascii():
            out += " "
        out += text
    return out


def span_location(side: dict[str, Any]) -> str:
    """One side of a passage as one location: ``body.p6``, or ``body.p6–body.p7`` when it
    spans blocks (:func:`scanner.names.place` reads both)."""
    first, last = side.get("location") or "", side.get("end") or ""
    return first if not last or last == first else f"{first}{RANGE}{last}"


class Sides(OrderedDict[str, "_Side | None"]):
    """The normalized texts of the documents last read, at most :data:`SIDES` of them (a
    source shared by many documents is read once; memory stays bounded in any archive)."""

    def __setitem__(self, key: str, value: _Side | None) -> None:
        super().__setitem__(key, value)
        if len(self) > SIDES:
            self.popitem(last=False)


def side_of(blocks: list[tuple[str, str]]) -> _Side:
    """A document's normalized text with its blocks, to show passages."""
    return _Side(normalize_blocks([t for t, _ in blocks]), blocks)


def side_for(reader: Reader, sha256: str, sides: dict[str, _Side | None]) -> _Side | None:
    """A stored document's side (kept in ``sides``; None: no stored text)."""
    if sha256 in sides:
        return sides[sha256]
    blocks = stored_blocks(reader.conn, sha256)
    found = sides[sha256] = side_of(blocks) if blocks else None
    return found


@dataclass(frozen=True)
class Draft:
    """What the stage needs of the document being judged."""

    sha256: str
    prints: Sequence[tuple[int, int]]
    chars: int
    date: str | None
    cites: Sequence[dict[str, Any]]
    side: _Side
    meta: Meta
    title: str | None = None  # the normalized title key (copies of one document share it)


def draft_of(facts: Facts, blocks: list[tuple[str, str]], meta: Meta) -> Draft:
    """A draft from its facts (``check --against``)."""
    return Draft(facts.sha256, facts.prints, len(facts.normal.text), facts.date, facts.cites,
                 _Side(facts.normal, blocks), meta,
                 cite.key_text(facts.title) if facts.title else None)


def derive(d: Draft, reader: Reader, as_of: str, documents: int,
           sides: dict[str, _Side | None]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The findings and links of one document against the index."""
    def side(doc: DocRow) -> _Side | None:
        return side_for(reader, doc.sha256, sides)

    def text_of(doc: DocRow) -> Normal | None:
        found = side(doc)
        return found.normal if found else None

    links = find_links(d.prints, d.side.normal, d.date, d.cites, reader,
                       own_sha=d.sha256, documents=documents, text_of=text_of)
    sources: list[Source] = []
    shown: list[dict[str, Any]] = []
    for link in links:
        metas = reader.metas(link.source.sha256)
        if not metas:
            continue
        m = metas[0]
        if m.level is None:  # only a classified source (live or not) makes a derived link
            continue
        there = side(link.source)
        passages = [_show(p, d.side, there) for p in link.passages]
        evidence = tuple(Evidence(f"{span_location(p['here'])}{PAIR}{m.relative} "
                                  f"{span_location(p['there'])}", p["here"]["excerpt"])
                         for p in passages[:3])
        evidence += tuple(Evidence(m.relative, c) for c in link.citations[:1])
        if _same_document(link, d, there.normal.text if there else ""):
            continue  # another copy of this document (a format, a mark variant): not derived
        shown.append(_link_json(link, m, as_of, passages))
        sources.append(Source(m, link.copies, evidence))
    return judge(d.meta, sources, as_of), shown


SAME = 0.8  # a link covering this much of both texts joins two copies of one document


def _same_document(link: Link, d: Draft, there: str) -> bool:
    """Whether the two texts are one document twice (the same text in another format or with
    another mark): the same title, shared passages covering nearly all of both, and neither
    citing the other. Derivation reproduces a source in a document of its own (its own title);
    copies are judged as copies."""
    here = d.side.normal.text
    if link.citations or not there or not here or d.title != link.source.title_key:
        return False
    shorter, longer = sorted((len(here), len(there)))
    return link.share >= SAME and shorter >= SAME * longer


def _show(p: Passage, here: _Side, there: _Side | None) -> dict[str, Any]:
    return {"here": here.show(p.here),
            "there": there.show(p.there) if there else {"location": "", "end": "",
                                                        "excerpt": ""},
            "chars": p.here[1] - p.here[0]}


def _link_json(link: Link, m: Meta, as_of: str, passages: list[dict[str, Any]]) -> dict[str, Any]:
    return {"source": m.path, "relative": m.relative, "sha256": m.sha256, "mark": m.mark,
            "level": m.level, "live": m.live(as_of), "expires_on": m.expires_on,
            "by": link.by, "citations": link.citations, "share": link.share,
            "title": link.source.title, "doc_number": link.source.number_raw,
            "passages": passages}


def digest(parts: Sequence[tuple[str, Any]]) -> str:
    """A digest of the stage's results (changes whenever a report's links or findings do)."""
    h = hashlib.sha256()
    for path, value in parts:
        h.update(path.encode("utf-8", "surrogateescape") + b"\x1f")
        h.update(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return h.hexdigest()
