"""The audit's side of the stage: keep the index in step with the archive (incrementally: only
contents not yet indexed are fingerprinted, only paths whose report changed are re-read), then
find every document's links and add them, with the findings, to its report on disk and in the
database."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from scanner.derived.fingerprint import fingerprints, normalize_blocks
from scanner.derived.index import Writer, facts_of, meta_of
from scanner.derived.join import PARALLEL_MIN, Judged, Runner, chunks, judge
from scanner.derived.stage import Sides, digest, merge, stored_blocks, strip
from scanner.report import pack_json
from scanner.report.outputs import render_files
from scanner.report.write import write_rendered


class Row(Protocol):
    """What the stage reads of a file row (:class:`scanner.audit.db.FileRow`)."""

    @property
    def relative(self) -> str: ...
    @property
    def sha256(self) -> str | None: ...
    @property
    def key(self) -> str: ...
    @property
    def status(self) -> str: ...


class Store(Protocol):
    """What the stage needs of the audit's database (:class:`scanner.audit.db.AuditDB`)."""

    conn: Any

    def flush(self) -> None: ...
    def report_of(self, path: str) -> dict[str, Any] | None: ...


LinkRow = tuple[str, str, str, str, str, str, str, str, str]  # one row of derived.csv


def run_stage(db: Store, known: Mapping[str, Row], order: Sequence[str], *,
              reports: Path, formats: tuple[str, ...], lang: str, as_of: str,
              runner: Runner | None = None) -> tuple[str, list[LinkRow]]:
    """Update the index, add links and findings to every report; the digest of the results
    and one row per link (derived document, its mark, the source, its mark, live, how, share,
    citations, the document's derived codes), in path order."""
    db.flush()
    conn = db.conn
    writer = Writer(conn)  # (creates the tables: before the transaction)
    conn.execute("BEGIN")
    try:
        ok = [p for p in order if p in known and known[p].status == "ok" and known[p].sha256]
        stamps = writer.stamps()
        indexed = writer.indexed()
        for path in ok:
            row = known[path]
            sha = str(row.sha256)
            stamp = f"{sha}|{row.key}"
            if stamps.get(path) == stamp and sha in indexed:
                continue
            report = db.report_of(path)
            if report is None:
                continue
            report = strip(report)
            writer.set_meta(meta_of(path, row.relative, sha, report), stamp)
            if sha not in indexed:
                held = writer.held(sha)  # computed by a worker with the extraction
                if held is not None:
                    writer.add(held)
                    indexed.add(sha)
                    continue
                blocks = stored_blocks(conn, sha)
                if blocks is not None:
                    writer.add(facts_of(sha, [t for t, _ in blocks], report))
                    indexed.add(sha)
        writer.flush_prints()
        live = {str(known[p].sha256) for p in ok}
        writer.remove(indexed - live, lambda sha: _prints_of(conn, sha))
        writer.drop_paths(set(ok))
        writer.release()
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return _link_all(db, writer, known, ok, reports=reports, formats=formats, lang=lang,
                     as_of=as_of, runner=runner)


def _judged(writer: Writer, known: Mapping[str, Row], ok: Sequence[str], *, as_of: str,
            documents: int, runner: Runner | None) -> Iterator[Judged]:
    """Each document's findings and links, in the order of ``ok``: judged here, or by the
    runner's workers when there are enough documents to be worth their start."""
    items = [(path, str(known[path].sha256)) for path in ok]
    done = 0
    if runner is not None and len(items) >= PARALLEL_MIN:
        try:
            for part in runner(chunks(items), as_of, documents):
                for judged in part:
                    yield judged
                    done += 1
        except Exception:  # workers lost (a cluster gone, a process killed), or their reader
            pass  # the coordinator judges what is left itself
    sides = Sides()
    for path, sha in items[done:]:
        yield judge(writer, path, sha, as_of=as_of, documents=documents, sides=sides)


def _prints_of(conn: Any, sha: str) -> list[tuple[int, int]] | None:
    """A content's fingerprints again, from its stored text (None: no longer stored)."""
    blocks = stored_blocks(conn, sha)
    return fingerprints(normalize_blocks([t for t, _ in blocks]).text) if blocks else None


def _link_all(db: Store, writer: Writer, known: Mapping[str, Row], ok: Sequence[str], *,
              reports: Path, formats: tuple[str, ...], lang: str, as_of: str,
              runner: Runner | None) -> tuple[str, list[LinkRow]]:
    documents = writer.count()
    parts: list[tuple[str, Any]] = []
    rows: list[LinkRow] = []
    conn = db.conn
    conn.execute("BEGIN")
    try:
        for path, judged in zip(ok, _judged(writer, known, ok, as_of=as_of,
                                                    documents=documents, runner=runner),
                                strict=True):
            report = db.report_of(path) if judged is not None else None
            if judged is None or report is None:
                continue
            findings, links = judged
            metas = [m for m in writer.metas(str(known[path].sha256)) if m.path == path]
            parts.append((path, [findings, links]))
            codes = ",".join(f["code"] for f in findings)
            rows += [(known[path].relative, metas[0].mark or "", link["relative"],
                      link["mark"] or "", "yes" if link["live"] else "no", link["by"],
                      f"{link['share']:.3f}", "；".join(link["citations"]), codes)
                     for link in links]
            new = merge(report, findings, links)
            if new != report:
                conn.execute("UPDATE files SET report=? WHERE path=?",
                             (pack_json(new), path.encode("utf-8", "surrogateescape")))
                write_rendered(reports, known[path].relative, render_files(new, formats, lang))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return digest(parts), rows
