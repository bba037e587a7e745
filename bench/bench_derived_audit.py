"""What the derived-classification stage costs an audit, against the rest of the same audit, and
(optionally) against another checkout of dingmi measured in the same run.

An archive of ``--files`` documents of ``--pages`` pages (``bench/make_archive.py``, cached under
``bench/out``) is audited from scratch with ``--jobs 2``, interleaved ``--repeat`` times per
checkout. Each run happens in a fresh interpreter whose ``sys.path`` starts at the checkout; it
times, by wall clock, the whole audit, the derived stage's two halves (bringing the index up to
date; the links of every document: look-ups, alignments, reports rewritten) and, after the
audit, the fingerprints of every stored text computed again on one core (what the workers spend
on them within the per-file time in a checkout where they compute them).

Shares printed:

* *index build*: the stage's index half, plus the workers' fingerprint time spread over the 2
  workers when the workers compute them, as a share of the audit (target: at most 10 %);
* *links*: the link half as a share of the audit;
* each figure of this checkout as a ratio of the baseline checkout's (``--baseline DIR``).

With ``--executor dask`` it starts a Dask scheduler and two one-thread workers as processes on
127.0.0.1 and times this checkout with ``--executor dask://…`` against ``--jobs 2``, interleaved:
the workers compute the fingerprints, the coordinator inserts them and runs the links.

Run: ``python bench/bench_derived_audit.py [--files 200] [--pages 10] [--repeat 2]
[--baseline /path/to/other/checkout] [--executor dask] [--archive DIR]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

DRIVER = r"""
import json, sqlite3, sys, time
root, archive, out = sys.argv[1:4]
extra = sys.argv[4:]
sys.path.insert(0, root)
import scanner.derived.archive as arch
import scanner.audit.run as run
times = {"index": 0.0, "links": 0.0}
stage, link_all = arch.run_stage, arch._link_all
def timed_links(*a, **k):
    t = time.perf_counter()
    try:
        return link_all(*a, **k)
    finally:
        times["links"] += time.perf_counter() - t
def timed_stage(*a, **k):
    t = time.perf_counter()
    try:
        return stage(*a, **k)
    finally:
        times["index"] += time.perf_counter() - t - times["links"]
arch._link_all = timed_links
run.run_stage = timed_stage
from scanner.cli import main
sys.argv = ["dingmi", "audit", archive, "--out", out, "--as-of", "2026-06-30", *(extra or
            ["--jobs", "2"])]
t = time.perf_counter()
try:
    main()
except SystemExit:
    pass
times["audit"] = time.perf_counter() - t
from scanner.derived.index import facts_of
from scanner.derived.stage import stored_blocks
conn = sqlite3.connect(out + "/audit.sqlite")
rows = conn.execute("SELECT sha256, report FROM files WHERE status='ok'").fetchall()
from scanner.report import unpack_json
t = time.perf_counter()
n = 0
for sha, report in rows:
    blocks = stored_blocks(conn, sha)
    if blocks:
        facts_of(sha, [b for b, _ in blocks], unpack_json(bytes(report)))
        n += 1
times["facts"] = time.perf_counter() - t
times["documents"] = n
import scanner.workers.task as task
times["workers_fingerprint"] = hasattr(task.Result, "__dataclass_fields__") and \
    "facts" in task.Result.__dataclass_fields__
print(json.dumps(times))
"""


def archive(files: int, pages: int) -> Path:
    from make_archive import make_archive  # noqa: PLC0415

    base = ROOT / "bench" / "out" / f"derived_archive_{files}x{pages}"
    if not (base / "truth.tsv").exists():
        make_archive(base, files, pages=pages)
    return base / "archive"


def one(checkout: Path, folder: Path, extra: tuple[str, ...] = ()) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="dingmi-derived-audit-") as tmp:
        out = Path(tmp) / "out"
        done = subprocess.run([sys.executable, "-c", DRIVER, str(checkout), str(folder),
                               str(out), *extra], capture_output=True, text=True, check=False,
                              cwd=checkout)
        if done.returncode != 0:
            raise SystemExit(done.stderr[-3000:])
        shutil.rmtree(out, ignore_errors=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """A Dask scheduler and two one-thread workers as processes on 127.0.0.1 (this checkout's
    code): the ``--executor`` address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host",
                               "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)]
    time.sleep(2)
    procs += [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                                "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name",
                                f"w{i}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               cwd=ROOT) for i in range(2)]
    try:
        from distributed import Client  # noqa: PLC0415

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2)
        yield f"dask://127.0.0.1:{port}"
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def shares(t: dict[str, float]) -> tuple[float, float]:
    """(index build, links) as shares of the audit."""
    build = t["index"] + (t["facts"] / 2 if t["workers_fingerprint"] else 0.0)
    return build / t["audit"], t["links"] / t["audit"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--baseline", type=Path)
    ap.add_argument("--executor", choices=("local", "dask"), default="local")
    ap.add_argument("--archive", type=Path, help="audit this folder instead of a generated one "
                    "(e.g. tests/data/derived2/docs: DOCX, PDF and text as offices write them)")
    a = ap.parse_args()
    folder = a.archive or archive(a.files, a.pages)
    checkouts = [("this", ROOT)] + ([("baseline", a.baseline)] if a.baseline else [])
    runs: dict[str, list[dict[str, float]]] = {name: [] for name, _ in checkouts}
    with contextlib.ExitStack() as stack:
        if a.executor == "dask":  # this checkout on the cluster against --jobs 2, interleaved
            where = stack.enter_context(cluster())
            checkouts = [("this --jobs 2", ROOT), ("this dask", ROOT)]
            runs = {name: [] for name, _ in checkouts}
        for _ in range(a.repeat):
            for name, path in checkouts:
                extra = ("--executor", where, "--batch", "8") if name.endswith("dask") else ()
                runs[name].append(one(path, folder, extra))
    what = str(a.archive) if a.archive else f"{a.files} files of {a.pages} pages"
    print(f"archive: {what}, --jobs 2, medians of {a.repeat}\n")
    print("| checkout | audit s | index s | links s | fingerprints ms/doc (1 core) "
          "| index build share | links share |")
    print("|---|---|---|---|---|---|---|")
    med: dict[str, dict[str, float]] = {}
    for name, _ in checkouts:
        rs = runs[name]
        m = {k: statistics.median(r[k] for r in rs) for k in ("audit", "index", "links",
                                                               "facts", "documents")}
        m["workers_fingerprint"] = rs[0]["workers_fingerprint"]
        med[name] = m
        build, links = shares(m)
        print(f"| {name} | {m['audit']:.1f} | {m['index']:.2f} | {m['links']:.2f} "
              f"| {m['facts'] / max(m['documents'], 1) * 1000:.1f} | {build:.1%} "
              f"| {links:.1%} |")
    if a.baseline:
        this, base = med["this"], med["baseline"]
        print(f"\nthis / baseline: audit {this['audit'] / base['audit']:.2f}, links "
              f"{this['links'] / base['links']:.2f}, fingerprints "
              f"{this['facts'] / base['facts']:.2f}, index build share "
              f"{shares(this)[0] / shares(base)[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
