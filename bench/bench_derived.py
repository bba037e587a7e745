"""The derived-classification index: its size per document and the time to check a 20-page draft
against it, measured on generated archives of growing size and projected to 1,000,000 documents
(docs/scaling.md).

Documents of 10 pages (about 7,000 characters of body text) are drawn character by character
from the committed public texts with a fixed seed, so no two share a passage; each is indexed as
``dingmi audit`` indexes it (normalized prose, winnowed fingerprints, its citations, its mark).
The draft (20 pages) copies two paragraphs of one indexed document; the time is the draft's
fingerprints, the look-ups and the alignment, not the per-file check.
Run: ``python bench/bench_derived.py [N ...] [--baseline OTHER_CHECKOUT]`` (default 1000 4000);
with ``--baseline`` the other checkout's own bench runs right after, on the same sizes.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from markers import Block  # noqa: E402
from scanner import ENGINE  # noqa: E402
from scanner.derived.index import Facts, Meta, Writer, facts_of  # noqa: E402
from scanner.derived.stage import Draft, derive, side_of  # noqa: E402
from scanner.document import Document, pack  # noqa: E402

TEXTS = ROOT / "tests" / "data" / "texts"
PAGE_CHARS = 700


def sentences() -> list[str]:
    """The characters of the committed public texts, as often as they occur there."""
    text = "".join(p.read_text(encoding="utf-8").split("\n\n", 1)[-1]
                   for p in sorted(TEXTS.glob("*.txt")))
    return [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]


def document(rng: random.Random, pool: list[str], pages: int) -> list[str]:
    """Paragraphs drawn character by character from ``pool`` (every document its own text)."""
    paras, written = [], 0
    while written < pages * PAGE_CHARS:
        para = "，".join("".join(rng.choices(pool, k=rng.randint(8, 20))) for _ in range(8))
        paras.append(para + "。")
        written += len(para)
    return ["关于做好有关工作的通知", "各科室：", *paras, "某局", "2026年3月2日"]


def build(n: int, db: Path) -> tuple[float, list[list[str]]]:
    rng = random.Random(11)
    pool = sentences()
    conn = sqlite3.connect(str(db), isolation_level=None)
    writer = Writer(conn)
    conn.execute("CREATE TABLE texts (sha256 TEXT, engine TEXT, data BLOB, "
                 "PRIMARY KEY (sha256, engine))")
    kept: list[list[str]] = []
    started = time.perf_counter()
    conn.execute("BEGIN")
    for i in range(n):
        blocks = document(rng, pool, 10)
        report = {"doc_number": None, "title": None, "document_date": "2025-01-01"}
        facts = facts_of(f"{i:064x}", blocks, report)
        writer.add(facts)
        doc = Document(Path(f"{i}.docx"), "docx",
                       tuple(Block(t, f"body.p{k}") for k, t in enumerate(blocks)))
        conn.execute("INSERT INTO texts VALUES (?,?,?)", (facts.sha256, ENGINE, pack(doc)))
        writer.set_meta(Meta(f"/a/{i}.docx", f"{i}.docx", facts.sha256, "机密", "机密★10年",
                             120, "2035-01-01", False, 0), "bench")
        if i < 3:
            kept.append(blocks)
    writer.flush_prints()
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds, kept


def check_draft(db: Path, source: list[str], rounds: int = 7) -> tuple[float, int]:
    rng = random.Random(5)
    pool = sentences()
    draft = document(rng, pool, 20)
    draft[10:10] = source[3:5]  # two paragraphs of an indexed document
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    from scanner.derived.index import Reader  # noqa: PLC0415

    reader = Reader(conn)
    documents = reader.count()
    times, found = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        blocks = [(t, f"body.p{k}") for k, t in enumerate(draft)]
        facts: Facts = facts_of("f" * 64, draft, {"document_date": None})
        meta = Meta("draft", "draft", facts.sha256, None, None, None, None, False, 0)
        d = Draft(facts.sha256, facts.prints, len(facts.normal.text), None, facts.cites,
                  side_of(blocks), meta)
        findings, links = derive(d, reader, "2026-06-30", documents, {})
        times.append(time.perf_counter() - started)
        found = len(links)
        assert findings and findings[0]["code"] == "DERIVED_BELOW_SOURCE", findings
    conn.close()
    return statistics.median(times), found


def baseline(checkout: Path, sizes: list[int]) -> None:
    """The same measurement by another checkout's own bench (its code, this run)."""
    done = subprocess.run([sys.executable, str(checkout / "bench" / "bench_derived.py"),
                           *map(str, sizes)], capture_output=True, text=True, check=False,
                          cwd=checkout)
    print(f"\nbaseline ({checkout}):\n{done.stdout}{done.stderr[-2000:]}")


def main(sizes: list[int]) -> int:
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="dingmi-derived-") as tmp:
            db = Path(tmp) / "index.sqlite"
            seconds, kept = build(n, db)
            conn = sqlite3.connect(str(db))
            prints = conn.execute("SELECT COUNT(*) FROM derived_fp").fetchone()[0]
            texts = conn.execute("SELECT SUM(length(data)) FROM texts").fetchone()[0]
            conn.close()
            size = db.stat().st_size - texts  # the audit keeps the texts anyway
            lookup, links = check_draft(db, kept[1])
            rows.append((n, size / n, prints / n, seconds / n, lookup, links))
    print("| documents | index bytes/doc | fingerprints/doc | build ms/doc | 20-page draft ms "
          "| links |")
    print("|---|---|---|---|---|---|")
    for n, per, fps, build_s, lookup, links in rows:
        print(f"| {n:,} | {per:,.0f} | {fps:,.0f} | {build_s * 1000:.1f} | {lookup * 1000:.1f} "
              f"| {links} |")
    n, per, *_ = rows[-1]
    print(f"\nprojected to 1,000,000 documents: {per * 1e6 / 2**30:.1f} GiB of index")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    other = Path(args.pop(args.index("--baseline") + 1)) if "--baseline" in args else None
    if other is not None:
        args.remove("--baseline")
    sizes = [int(a) for a in args] or [1000, 4000]
    code = main(sizes)
    if other is not None:
        baseline(other, sizes)
    raise SystemExit(code)
