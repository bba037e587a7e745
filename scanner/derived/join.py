"""The links of every document of an audit, judged in parallel so that the coordinator is not the
limit: the coordinator cuts the documents into chunks; each chunk is judged by a worker process
(``--jobs``) or a Dask worker (``--executor dask://…``) that opens the audit's database
read-only (WAL: it reads the index as last committed, while the coordinator writes reports) and
returns each document's findings and links; the coordinator only merges them into the reports,
in the archive's order. A chunk judges as the coordinator would (the same index, the same
function): the results are the same whoever judged them.

A Dask worker must see the audit's folder: at the same path, or under ``--path-map``.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from scanner.derived.fingerprint import fingerprints
from scanner.derived.index import Reader
from scanner.derived.stage import Draft, Sides, derive, side_for

Judged = tuple[list[dict[str, Any]], list[dict[str, Any]]] | None  # (findings, links)
Item = tuple[str, str]  # (path, content hash)
Runner = Callable[[list[list[Item]], str, int], Iterator[list[Judged]]]
CHUNK = 64  # documents a worker judges at once
PARALLEL_MIN = 256  # fewer documents than this are judged by the coordinator (no start-up)


def judge(reader: Reader, path: str, sha: str, *, as_of: str, documents: int,
          sides: Sides) -> Judged:
    """The findings and links of the document at ``path`` (None: not indexed, or no text)."""
    doc = reader.doc_by_sha(sha)
    metas = [m for m in reader.metas(sha) if m.path == path]
    if doc is None or not metas:
        return None
    side = side_for(reader, sha, sides)
    if side is None:
        return None
    draft = Draft(sha, fingerprints(side.normal.text), doc.chars, doc.date,
                  reader.cites_of(doc.id), side, metas[0], doc.title_key)
    return derive(draft, reader, as_of, documents, sides)


def judge_chunk(db: str, items: Sequence[Item], as_of: str, documents: int) -> list[Judged]:
    """Judge a chunk of documents against the index of the database at ``db`` (read-only)."""
    reader = Reader.open(Path(db))
    try:
        sides = Sides()
        return [judge(reader, path, sha, as_of=as_of, documents=documents, sides=sides)
                for path, sha in items]
    finally:
        reader.close()


def chunks(items: Sequence[Item], size: int = CHUNK) -> list[list[Item]]:
    """``items`` cut into chunks of ``size``."""
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def local_runner(db: Path, jobs: int) -> Runner:
    """Chunks judged by ``jobs`` worker processes of this machine."""
    def run(parts: list[list[Item]], as_of: str, documents: int) -> Iterator[list[Judged]]:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [pool.submit(judge_chunk, str(db), part, as_of, documents)
                       for part in parts]
            for future in futures:
                yield future.result()
    return run


def dask_runner(address: str, db: Path, *, security: Any = None,
                path_map: tuple[tuple[str, str], ...] = ()) -> Runner:
    """Chunks judged on the Dask cluster at ``address`` (its workers read ``db`` where
    ``path_map`` puts it)."""
    where = str(db)
    for local, remote in path_map:
        if where.startswith(local):
            where = remote + where[len(local):]
            break

    def run(parts: list[list[Item]], as_of: str, documents: int) -> Iterator[list[Judged]]:
        from distributed import Client  # noqa: PLC0415 - the dask extra

        make: Any = Client  # (distributed is not typed)
        with make(address, timeout="30s", security=security) as client:
            futures = [client.submit(judge_chunk, where, part, as_of, documents, pure=False)
                       for part in parts]
            for future in futures:
                yield future.result()
    return run
