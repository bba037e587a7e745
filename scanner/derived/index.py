"""The derived-classification index in the audit's state database, and the per-file facts in it.

Four tables beside the audit's own (:mod:`scanner.audit.db`):

- ``derived_docs``: one row per content (sha256): its normalized length, its own 文号 (key, prefix,
  as written), its title and title key, its date, and the citations it makes (JSON);
- ``derived_fp``: the winnowed fingerprints, (fingerprint, document, position), one B-tree keyed
  by all three (``WITHOUT ROWID``: no row id, no second index). A document's own fingerprints are
  recomputed from its stored text when it is judged or removed, so nothing is indexed by document;
- ``derived_pending``: the facts the workers computed for new texts, until the stage indexes them;
- ``derived_meta``: one row per path: the content it holds and its mark as the report read it
  (level, mark, period in months as written, 解密 date, cancelled) and whether a catalogue item
  matched it;
- ``derived_method``: the :data:`METHOD` the index was built with. Normalizing a text, choosing
  its fingerprints or reading its own 文号 differently makes an index of another method disagree
  with a text read now: the next audit builds it again from the stored texts, and ``--against``
  refuses it until then.

The audit writes them (:mod:`.stage`); ``check --against`` opens the file read-only
(:class:`Reader`) and never writes.
"""

from __future__ import annotations

import json
import sqlite3
import struct
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markers.models import STATUTORY_MAX_YEARS
from scanner.derived import cite
from scanner.derived.fingerprint import Normal, fingerprints, normalize_blocks, title_index
from scanner.names import mark_text
from scanner.report.model import own_level

SCHEMA = """
CREATE TABLE IF NOT EXISTS derived_docs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    pos INTEGER NOT NULL,
    PRIMARY KEY (hash, doc, pos)
) WITHOUT ROWID;
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
CREATE TABLE IF NOT EXISTS derived_pending (
    sha256 TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS derived_method (
    version INTEGER NOT NULL
);
"""
# The method the index is built with: raised whenever what a text gives the index changes (its
# normalization, fingerprints, own 文号, title or citations). 2: a 纪要's own 文号 below its title;
# a PDF line in a paragraph is not a secrecy reminder. 3: document properties are no part of the
# text. 4: a compilation's own 文号 is looked for above its own title (the report's), not above
# the title of the first document it holds. 5: a 附件 line, a 份号, a 发文机关标志 and a line
# that is only a 文号 are structural (left out of the text).
METHOD = 5
LONG_TERM_MONTHS = 10**6  # 长期: longer than any number of years
LOOKUP_CHUNK = 2000
INSERT_BATCH = 200_000  # fingerprints inserted at once, sorted (about 200 documents of 10 pages)
# Per fingerprint looked up, how many documents hold it, counted up to the caller's limit + 1
# (the distinct documents of its first rows in key order): a boilerplate fingerprint costs
# ``limit + 1`` documents, never all of its rows.
_COUNT = """
SELECT value, (SELECT COUNT(*) FROM (SELECT DISTINCT doc FROM derived_fp WHERE hash = value
                                     LIMIT ?)) AS n
FROM json_each(?) WHERE n > 0
"""
_ROWS = """
SELECT f.hash, f.doc, f.pos FROM json_each(?) AS w JOIN derived_fp AS f ON f.hash = w.value
WHERE EXISTS (SELECT 1 FROM derived_docs WHERE id = f.doc)
"""


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


def _title_block(blocks: Sequence[str], title: str | None, found: int | None) -> int | None:
    """The block of the document's title: the report's title where it stands before the first
    title-like block (a compilation's cover title, before the title of the first document it
    holds), else that block."""
    if title:
        want = "".join(title.split())
        for k, text in enumerate(blocks[:found if found is not None else TITLE_SEARCH]):
            if "".join(text.split()) == want:
                return k
    return found


TITLE_SEARCH = 40  # blocks searched for the report's title when no title-like block is found


def facts_of(sha256: str, blocks: Sequence[str], report: dict[str, Any]) -> Facts:
    """The facts of a document from its blocks' texts and its report."""
    normal = normalize_blocks(blocks)
    t = _title_block(blocks, report.get("title"), title_index(blocks))
    number = cite.own_number_in(blocks, first=t if t is not None else cite.OWN_LEAD, title=t)
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


def pack_facts(f: Facts) -> bytes:
    """A document's facts as a worker sends them back (its normalized text stays behind: the
    coordinator only inserts): the fingerprints as two arrays, the rest as compressed JSON."""
    head = json.dumps({"sha256": f.sha256, "chars": len(f.normal.text),
                       "number": ([f.number.prefix, f.number.year, f.number.number, f.number.raw]
                                  if f.number else None),
                       "title": f.title, "date": f.date, "cites": f.cites},
                      ensure_ascii=False).encode("utf-8")
    hashes = array("q", [h for h, _ in f.prints]).tobytes()
    positions = array("q", [p for _, p in f.prints]).tobytes()
    return zlib.compress(struct.pack("<II", len(head), len(f.prints)) + head + hashes + positions,
                         1)


@dataclass(frozen=True)
class Packed:
    """Facts as a worker sent them (:func:`pack_facts`): what :meth:`Writer.add` inserts."""

    sha256: str
    chars: int
    prints: list[tuple[int, int]]
    number: cite.NumberKey | None
    title: str | None
    date: str | None
    cites: list[dict[str, Any]]


def unpack_sha(data: bytes) -> str:
    """The content hash of packed facts."""
    raw = zlib.decompress(data)
    size = struct.unpack_from("<I", raw)[0]
    return str(json.loads(raw[8:8 + size].decode("utf-8"))["sha256"])


def unpack_facts(data: bytes) -> Packed:
    """The facts :func:`pack_facts` packed."""
    raw = zlib.decompress(data)
    size, count = struct.unpack_from("<II", raw)
    head = json.loads(raw[8:8 + size].decode("utf-8"))
    at = 8 + size
    hashes, positions = array("q"), array("q")
    hashes.frombytes(raw[at:at + 8 * count])
    positions.frombytes(raw[at + 8 * count:at + 16 * count])
    number = cite.NumberKey(*head["number"]) if head["number"] else None
    return Packed(head["sha256"], head["chars"], list(zip(hashes, positions, strict=True)),
                  number, head["title"], head["date"], head["cites"])


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
    if (m or {}).get("held"):  # the mark of a document it holds: the document is unmarked
        m = None
    raw = (m or {}).get("raw")
    return Meta(path, relative, sha256, own_level(report) if m else None,
                mark_text(raw) if raw else raw, months_of(m),
                report.get("expires_on") if m else None,
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
        """Whether the audit built the index (in this layout: an index of the first layout holds
        other fingerprints and is rebuilt by the next ``dingmi audit``)."""
        names = {r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE name IN ('derived_docs', 'derived_fp_doc')")}
        return names == {"derived_docs"}

    def method(self) -> int | None:
        """The method the index was built with (None: none recorded, an index made before the
        method was recorded)."""
        try:
            row = self.conn.execute("SELECT MAX(version) FROM derived_method").fetchone()
        except sqlite3.OperationalError:
            return None
        return int(row[0]) if row and row[0] is not None else None

    def count(self) -> int:
        """Documents (contents) indexed."""
        return int(self.conn.execute("SELECT COUNT(*) FROM derived_docs").fetchone()[0])

    def docs_with(self, fingerprint: int) -> set[int]:
        """Every document holding a fingerprint (a boilerplate one's too: all of its rows)."""
        return {d for (d,) in self.conn.execute(
            "SELECT DISTINCT doc FROM derived_fp AS f WHERE hash=? AND EXISTS "
            "(SELECT 1 FROM derived_docs WHERE id = f.doc)", (fingerprint,))}

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

    def lookup(self, hashes: Iterable[int],
               limit: int) -> tuple[list[tuple[int, int, int]], set[int]]:
        """Every (fingerprint, document, position) with one of ``hashes`` held by at most
        ``limit`` documents, and the fingerprints held by more (whose rows are not read)."""
        wanted = sorted(set(hashes))
        rows: list[tuple[int, int, int]] = []
        common: set[int] = set()
        for i in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = json.dumps(wanted[i:i + LOOKUP_CHUNK])
            found = self.conn.execute(_COUNT, (limit + 1, chunk)).fetchall()
            common.update(h for h, n in found if n > limit)
            rare = [h for h, n in found if n <= limit]
            if rare:  # (the rows come as SQLite gives them: no loop over them here)
                rows += self.conn.execute(_ROWS, (json.dumps(rare),)).fetchall()
        return rows, common

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
        return [Meta(_s(r[0]), _s(r[1]), r[2], r[3], mark_text(r[4]) if r[4] else r[4], r[5],
                     r[6], bool(r[7]), r[8])
                for r in rows]


class Writer(Reader):
    """The audit's writes (its own connection; the caller commits)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn)
        old = conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND "
                           "name='derived_fp_doc'").fetchone()
        built = conn.execute("SELECT 1 FROM sqlite_master WHERE name='derived_docs'").fetchone()
        if old or (built and self.method() != METHOD):
            # the first layout (a row id and two indexes), or another method: indexed again from
            # the stored texts
            conn.executescript("DROP TABLE IF EXISTS derived_fp; DROP TABLE derived_docs; "
                               "DROP TABLE IF EXISTS derived_meta; "
                               "DROP TABLE IF EXISTS derived_pending; "
                               "DROP TABLE IF EXISTS derived_method;")
        conn.executescript(SCHEMA)
        if self.method() != METHOD:
            conn.execute("DELETE FROM derived_method")
            conn.execute("INSERT INTO derived_method (version) VALUES (?)", (METHOD,))
            conn.commit()
        self._rows: list[tuple[int, int, int]] = []  # fingerprints added, not yet inserted

    def add(self, f: Facts | Packed) -> None:
        """Index one content (replacing what was indexed under its hash)."""
        self.remove([f.sha256], lambda _: f.prints)  # (the same content: the same prints)
        chars = f.chars if isinstance(f, Packed) else len(f.normal.text)
        cur = self.conn.execute(
            "INSERT INTO derived_docs (sha256, chars, number_key, number_prefix, number_raw, "
            "title, title_key, date, cites) VALUES (?,?,?,?,?,?,?,?,?)",
            (f.sha256, chars, f.number.key if f.number else None,
             f.number.prefix if f.number else None, f.number.raw if f.number else None,
             f.title, cite.key_text(f.title) if f.title else None, f.date,
             json.dumps(f.cites, ensure_ascii=False)))
        doc_id = int(cur.lastrowid or 0)
        self._rows += [(h, doc_id, p) for h, p in f.prints]
        if len(self._rows) >= INSERT_BATCH:
            self.flush_prints()

    def flush_prints(self) -> None:
        """Insert the fingerprints added since the last call, in key order: each leaf of the
        B-tree is written once per batch instead of once per document (random keys)."""
        rows, self._rows = self._rows, []
        rows.sort()
        self.conn.executemany("INSERT OR IGNORE INTO derived_fp (hash, doc, pos) VALUES (?,?,?)",
                              rows)

    def remove(self, shas: Iterable[str],
               prints_of: Callable[[str], list[tuple[int, int]] | None] | None = None) -> None:
        """Forget contents no longer in the archive. ``prints_of`` gives a content's
        fingerprints again (from its stored text): its rows are then deleted by key; without
        them, one pass over the table deletes the rows of every such content at once."""
        unknown: list[int] = []
        for sha in shas:
            row = self.conn.execute("SELECT id FROM derived_docs WHERE sha256=?",
                                    (sha,)).fetchone()
            if not row:
                continue
            self.flush_prints()
            prints = prints_of(sha) if prints_of else None
            if prints is None:
                unknown.append(row[0])
            else:
                self.conn.executemany("DELETE FROM derived_fp WHERE hash=? AND doc=? AND pos=?",
                                      [(h, row[0], p) for h, p in prints])
            self.conn.execute("DELETE FROM derived_docs WHERE id=?", (row[0],))
            self._docs.pop(row[0], None)
        if unknown:
            self.conn.execute("DELETE FROM derived_fp WHERE doc IN (SELECT value FROM "
                              "json_each(?))", (json.dumps(unknown),))

    def hold(self, data: bytes) -> None:
        """Keep a worker's packed facts until the stage indexes them (in the archive's order:
        document ids do not depend on which worker finished first)."""
        sha = unpack_sha(data)
        self.conn.execute("INSERT OR REPLACE INTO derived_pending (sha256, data) VALUES (?,?)",
                          (sha, data))

    def held(self, sha256: str) -> Packed | None:
        """The facts a worker sent for this content, if any."""
        row = self.conn.execute("SELECT data FROM derived_pending WHERE sha256=?",
                                (sha256,)).fetchone()
        return unpack_facts(bytes(row[0])) if row else None

    def release(self) -> None:
        """Forget the facts held."""
        self.conn.execute("DELETE FROM derived_pending")

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
