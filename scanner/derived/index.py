"""The derived-classification index in the audit's state database, and the per-file facts in it.

Three tables beside the audit's own (:mod:`scanner.audit.db`):

- ``derived_docs``: one row per content (sha256): its normalized length, its own 文号 (key, prefix,
  as written), its title and title key, its date, and the citations it makes (JSON);
- ``derived_fp``: the winnowed fingerprints, (hash, document, position), indexed by hash;
- ``derived_meta``: one row per path: the content it holds and its mark as the report read it
  (level, mark, period in months as written, 解密 date, cancelled) and whether a catalogue item
  matched it.

The audit writes them (:mod:`.stage`); ``check --against`` opens the file read-only
(:class:`Reader`) and never writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markers.models import STATUTORY_MAX_YEARS
from scanner.derived import cite
from scanner.derived.fingerprint import Normal, fingerprints, normalize_blocks, title_index

SCHEMA = """
CREATE TABLE IF NOT EXISTS derived_docs (
    id INTEGER PRIMARY KEY,
    sha256 TEXT UNIQUE NOT NULL,
    chars INTEGER NOT NULL,
    number_key TEXT,
    number_prefix TEXT,
    number_raw TEXT,
    title TEXT,
    title_key TEXT,
    date TEXT,
    cites TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS derived_docs_number ON derived_docs (number_key);
CREATE INDEX IF NOT EXISTS derived_docs_title ON derived_docs (title_key);
CREATE TABLE IF NOT EXISTS derived_fp (
    hash INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    pos INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS derived_fp_hash ON derived_fp (hash);
CREATE INDEX IF NOT EXISTS derived_fp_doc ON derived_fp (doc);
CREATE TABLE IF NOT EXISTS derived_meta (
    path BLOB PRIMARY KEY,
    relative BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    stamp TEXT NOT NULL,
    level TEXT,
    mark TEXT,
    months INTEGER,
    expires_on TEXT,
    cancelled INTEGER NOT NULL,
    hits INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS derived_meta_sha ON derived_meta (sha256);
"""
LONG_TERM_MONTHS = 10**6  # 长期: longer than any number of years
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class Facts:
    """What one document's content gives the index."""

    sha256: str
    normal: Normal
    prints: list[tuple[int, int]]
    number: cite.NumberKey | None
    title: str | None
    date: str | None
    cites: list[dict[str, Any]]


def facts_of(sha256: str, blocks: Sequence[str], report: dict[str, Any]) -> Facts:
    """The facts of a document from its blocks' texts and its report."""
    normal = normalize_blocks(blocks)
    number = cite.own_number_in(blocks)
    title = report.get("title")
    if not title:
        t = title_index(blocks)
        title = "".join(blocks[t].split()) if t is not None else None
    cites = [{"kind": c.kind, "block": c.block, "raw": c.raw, "line": blocks[c.block][:300],
              "key": c.number.key if c.number else None,
              "prefix": c.number.prefix if c.number else None, "title_key": c.title_key}
             for c in cite.citations(blocks, number)]
    return Facts(sha256, normal, fingerprints(normal.text), number, title,
                 report.get("document_date"), cites)


def months_of(marking: dict[str, Any] | None) -> int | None:
    """A mark's period in months, as written: 长期 longest, no term the statutory maximum, a
    解密 date or condition not comparable (None)."""
    if not marking:
        return None
    kind = marking.get("term_kind")
    if kind in ("years", "months"):
        return int(marking.get("years") or 0) * 12 + int(marking.get("months") or 0)
    if kind == "long_term":
        return LONG_TERM_MONTHS
    if kind == "none":
        return STATUTORY_MAX_YEARS[marking["level"]] * 12
    return None


@dataclass(frozen=True)
class Meta:
    """A path's mark as its report read it."""

    path: str
    relative: str
    sha256: str
    level: str | None
    mark: str | None
    months: int | None
    expires_on: str | None
    cancelled: bool
    hits: int

    def live(self, as_of: str) -> bool:
        """Classified, not cancelled, not past its period (as of an ISO date)."""
        return (self.level is not None and not self.cancelled
                and (self.expires_on is None or self.expires_on > as_of))


def meta_of(path: str, relative: str, sha256: str, report: dict[str, Any]) -> Meta:
    """The mark facts of one report."""
    m = report.get("marking")
    return Meta(path, relative, sha256, report.get("classification"),
                (m or {}).get("raw"), months_of(m), report.get("expires_on"),
                bool((m or {}).get("cancelled")), len(report.get("hits") or []))


@dataclass(frozen=True)
class DocRow:
    """One indexed content."""

    id: int
    sha256: str
    chars: int
    number_key: str | None
    number_prefix: str | None
    number_raw: str | None
    title: str | None
    title_key: str | None
    date: str | None


_DOC_COLS = "id, sha256, chars, number_key, number_prefix, number_raw, title, title_key, date"
_META_COLS = "path, relative, sha256, level, mark, months, expires_on, cancelled, hits"


def _s(data: bytes | str) -> str:
    return data.decode("utf-8", "surrogateescape") if isinstance(data, bytes) else data


class Reader:
    """Look-ups in the index (the audit's own connection, or a read-only one)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._docs: dict[int, DocRow] = {}

    @classmethod
    def open(cls, db: Path) -> Reader:
        """A read-only reader of an audit's database (many may read at once)."""
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)
        return cls(conn)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def forget(self) -> None:
        """Drop the documents read so far (the index changed under a read-only reader)."""
        self._docs.clear()

    def has_index(self) -> bool:
        """Whether the audit built the index."""
        row = self.conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND "
                                "name='derived_docs'").fetchone()
        return row is not None

    def count(self) -> int:
        """Documents (contents) indexed."""
        return int(self.conn.execute("SELECT COUNT(*) FROM derived_docs").fetchone()[0])

    def doc(self, doc_id: int) -> DocRow:
        """One indexed content by id."""
        if doc_id not in self._docs:
            row = self.conn.execute(f"SELECT {_DOC_COLS} FROM derived_docs WHERE id=?",
                                    (doc_id,)).fetchone()
            self._docs[doc_id] = DocRow(*row)
        return self._docs[doc_id]

    def doc_by_sha(self, sha256: str) -> DocRow | None:
        """One indexed content by hash."""
        row = self.conn.execute(f"SELECT {_DOC_COLS} FROM derived_docs WHERE sha256=?",
                                (sha256,)).fetchone()
        return DocRow(*row) if row else None

    def lookup(self, hashes: Iterable[int]) -> list[tuple[int, int, int]]:
        """Every (hash, document, position) with one of ``hashes``."""
        wanted = sorted(set(hashes))
        out: list[tuple[int, int, int]] = []
        for i in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[i:i + LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            out += self.conn.execute(f"SELECT hash, doc, pos FROM derived_fp WHERE hash IN "
                                     f"({marks})", chunk).fetchall()
        return out

    def prints_of(self, doc_id: int) -> list[tuple[int, int]]:
        """A document's own fingerprints."""
        return [(h, p) for h, p in self.conn.execute(
            "SELECT hash, pos FROM derived_fp WHERE doc=?", (doc_id,))]

    def cites_of(self, doc_id: int) -> list[dict[str, Any]]:
        """A document's citations."""
        row = self.conn.execute("SELECT cites FROM derived_docs WHERE id=?", (doc_id,)).fetchone()
        value: list[dict[str, Any]] = json.loads(row[0]) if row else []
        return value

    def by_number(self, key: str) -> list[DocRow]:
        """Contents whose own 文号 has this key."""
        return [DocRow(*r) for r in self.conn.execute(
            f"SELECT {_DOC_COLS} FROM derived_docs WHERE number_key=?", (key,))]

    def by_title(self, title_key: str) -> list[DocRow]:
        """Contents with this title."""
        return [DocRow(*r) for r in self.conn.execute(
            f"SELECT {_DOC_COLS} FROM derived_docs WHERE title_key=?", (title_key,))]

    def metas(self, sha256: str) -> list[Meta]:
        """The paths holding a content, with their marks."""
        rows = self.conn.execute(f"SELECT {_META_COLS} FROM derived_meta WHERE sha256=? "
                                 "ORDER BY path", (sha256,)).fetchall()
        return [Meta(_s(r[0]), _s(r[1]), r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8])
                for r in rows]


class Writer(Reader):
    """The audit's writes (its own connection; the caller commits)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn)
        conn.executescript(SCHEMA)

    def add(self, f: Facts) -> None:
        """Index one content (replacing what was indexed under its hash)."""
        self.remove([f.sha256])
        cur = self.conn.execute(
            "INSERT INTO derived_docs (sha256, chars, number_key, number_prefix, number_raw, "
            "title, title_key, date, cites) VALUES (?,?,?,?,?,?,?,?,?)",
            (f.sha256, len(f.normal.text), f.number.key if f.number else None,
             f.number.prefix if f.number else None, f.number.raw if f.number else None,
             f.title, cite.key_text(f.title) if f.title else None, f.date,
             json.dumps(f.cites, ensure_ascii=False)))
        doc_id = cur.lastrowid
        self.conn.executemany("INSERT INTO derived_fp (hash, doc, pos) VALUES (?,?,?)",
                              [(h, doc_id, p) for h, p in f.prints])

    def remove(self, shas: Iterable[str]) -> None:
        """Forget contents no longer in the archive."""
        for sha in shas:
            row = self.conn.execute("SELECT id FROM derived_docs WHERE sha256=?",
                                    (sha,)).fetchone()
            if row:
                self.conn.execute("DELETE FROM derived_fp WHERE doc=?", (row[0],))
                self.conn.execute("DELETE FROM derived_docs WHERE id=?", (row[0],))
                self._docs.pop(row[0], None)

    def indexed(self) -> set[str]:
        """Every indexed content hash."""
        return {r[0] for r in self.conn.execute("SELECT sha256 FROM derived_docs")}

    def stamps(self) -> dict[str, str]:
        """Each path's stamp (what its meta row was made from)."""
        return {_s(r[0]): r[1] for r in self.conn.execute("SELECT path, stamp FROM derived_meta")}

    def set_meta(self, m: Meta, stamp: str) -> None:
        """Record a path's mark facts."""
        enc = (m.path.encode("utf-8", "surrogateescape"),
               m.relative.encode("utf-8", "surrogateescape"))
        self.conn.execute(
            "INSERT OR REPLACE INTO derived_meta (path, relative, sha256, stamp, level, mark, "
            "months, expires_on, cancelled, hits) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (*enc, m.sha256, stamp, m.level, m.mark, m.months, m.expires_on, int(m.cancelled),
             m.hits))

    def drop_paths(self, keep: set[str]) -> None:
        """Forget paths not in ``keep``."""
        for path in set(self.stamps()) - keep:
            self.conn.execute("DELETE FROM derived_meta WHERE path=?",
                              (path.encode("utf-8", "surrogateescape"),))
