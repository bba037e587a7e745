"""Audit throughput: ``--jobs 1`` against ``--jobs 2``, a second (unchanged) run, and baselines on
the same files in the same run.

Generates (once, cached under ``bench/out/audit_archive_<files>x<pages>``) an archive with
``bench/make_archive.py`` whose documents have about ``--pages`` pages of text (half DOCX, half
PDF converted by LibreOffice). Then, interleaved and repeated, it times by wall clock:

* ``dingmi audit --jobs 1`` and ``--jobs 2`` into fresh output folders (the real command, in a
  subprocess, demo catalogue, reports written);
* the baseline on one core: poppler's ``pdftotext`` over the PDFs plus a bare unzip + lxml parse
  of ``word/document.xml`` over the DOCX files;
* a second ``--jobs 2`` run over the unchanged archive into the same output folder.

It prints files/s and pages/s for each, the 2-job speedup (target at least 1.7), the ratio to the
baseline, the second run as a share of the first (target under 5 %), and the projection for
50,000 documents of 10 pages on 2 cores (target under 20 minutes; run with ``--pages 10``).

Each audit pays a fixed start-up (interpreter, workers loading the segmentation dictionary, the
outputs), measured here on an archive of 4 files. The speedup is printed for the whole run and
for the work beyond that fixed part (what a real archive of thousands of files sees).

With ``--executor dask`` it starts a Dask scheduler and two workers (one thread each) as
processes on 127.0.0.1 and times instead, interleaved: ``--jobs 2`` against ``--executor
dask://…`` with ``--batch 1`` and ``--batch 8``, each beyond its fixed start-up; and the engine's
own per-task overhead (no-op tasks through the same cluster). Target: the cluster run at least 0.8
of ``--jobs 2`` on this 2-core machine.

Run: ``python bench/bench_audit.py [--files 400] [--pages 10] [--repeat 2] [--executor dask]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from make_archive import AS_OF, make_archive  # noqa: E402

OUT = ROOT / "bench" / "out"


def archive(files: int, pages: int) -> Path:
    base = OUT / f"audit_archive_{files}x{pages}"
    if not (base / "truth.tsv").exists():
        make_archive(base, files, pages=pages)
    return base / "archive"


def audit(src: Path, out: Path, jobs: int, *extra: str) -> float:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "scanner.cli", "audit", str(src), "--out", str(out), "--jobs",
         str(jobs), "--as-of", AS_OF.isoformat(), "--catalog", "demo", *extra],
        capture_output=True, text=True, check=False, cwd=ROOT)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 3):
        raise SystemExit(f"audit failed ({proc.returncode}): {proc.stderr}")
    return seconds


def _burn(n: int) -> int:
    x = 0
    for i in range(n):
        x += i * i
    return x


def ceiling(n: int = 10_000_000) -> float:
    """This machine's own 2-process speedup on pure CPU work (the most any audit can get)."""
    started = time.perf_counter()
    _burn(n)
    _burn(n)
    serial = time.perf_counter() - started
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        pool.map(_burn, [1000, 1000])  # started before the clock
        started = time.perf_counter()
        pool.map(_burn, [n, n])
        parallel = time.perf_counter() - started
    return serial / parallel


def baseline(pdfs: list[Path], docs: list[Path]) -> float:
    started = time.perf_counter()
    for p in pdfs:
        subprocess.run(["pdftotext", "-q", str(p), "-"], check=True, capture_output=True)
    for d in docs:
        with zipfile.ZipFile(d) as zf:
            root = etree.fromstring(zf.read("word/document.xml"))
        "".join(root.itertext())
    return time.perf_counter() - started


def _readable(paths: list[Path], kind: str) -> list[Path]:
    out = []
    for p in paths:
        try:
            if kind == "pdf":
                pdfium.PdfDocument(str(p)).close()
            else:
                zipfile.ZipFile(p).close()
        except Exception:
            continue
        out.append(p)
    return out


def _noop() -> None:
    return None


def dask_mode(src: Path, n: int, pages: int, repeat: int) -> None:
    """``--jobs 2`` against the cluster, and the engine's per-task overhead."""
    from distributed import Client  # noqa: PLC0415

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
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2)
            client.gather(client.map(lambda i: i, range(20)))
            t0 = time.perf_counter()
            client.gather([client.submit(_noop, pure=False) for _ in range(500)])
            overhead = (time.perf_counter() - t0) / 500 * 2  # two workers
        where = f"dask://127.0.0.1:{port}"
        runs = {"jobs2": ("--jobs", "2"), "dask_b1": ("--executor", where, "--batch", "1"),
                "dask_b8": ("--executor", where, "--batch", "8")}
        times: dict[str, list[float]] = {k: [] for k in runs}
        fixed: dict[str, list[float]] = {k: [] for k in runs}
        with tempfile.TemporaryDirectory() as tmp:
            tiny = Path(tmp) / "tiny"
            tiny.mkdir()
            for f in sorted(src.rglob("*.docx"))[:4]:
                shutil.copy(f, tiny / f.name)
            for r in range(repeat):
                for key, extra in runs.items():
                    fixed[key].append(audit(tiny, Path(tmp) / f"t{key}{r}", 2, *extra))
                    times[key].append(audit(src, Path(tmp) / f"{key}{r}", 2, *extra))
                    shutil.rmtree(Path(tmp) / f"{key}{r}")
        beyond = {k: min(times[k]) - min(fixed[k]) for k in runs}
        print(f"archive: {n} files, about {pages / n:.1f} pages each; best of {repeat} "
              "interleaved runs; a scheduler and 2 one-thread workers on this 2-core machine")
        for key, label in (("jobs2", "dingmi audit --jobs 2"),
                           ("dask_b1", "--executor dask, --batch 1"),
                           ("dask_b8", "--executor dask, --batch 8")):
            print(f"  {label:30}: {pages / min(times[key]):8.1f} pages/s whole run, "
                  f"{pages / beyond[key]:8.1f} pages/s beyond start-up "
                  f"({min(fixed[key]):.2f} s fixed)")
        for key in ("dask_b1", "dask_b8"):
            print(f"  ratio {key} / --jobs 2: {beyond['jobs2'] / beyond[key]:.2f} beyond "
                  f"start-up, {min(times['jobs2']) / min(times[key]):.2f} whole run "
                  "(target >= 0.8)")
        print(f"  engine overhead: {overhead * 1000:.2f} ms per task (500 no-op tasks); "
              f"per file {overhead * 1000 / 8:.2f} ms at --batch 8")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--executor", choices=("local", "dask"), default="local")
    args = parser.parse_args()
    src = archive(args.files, args.pages)
    if args.executor == "dask":
        n = sum(1 for p in src.rglob("*") if p.is_file())
        pdfs = _readable(sorted(src.rglob("*.pdf")), "pdf")
        pdf_pages = sum(len(pdfium.PdfDocument(str(p))) for p in pdfs)
        dask_mode(src, n, round(pdf_pages / len(pdfs) * n), args.repeat)
        return
    pdfs = _readable(sorted(src.rglob("*.pdf")), "pdf")
    docs = _readable(sorted(src.rglob("*.docx")), "docx")
    n = sum(1 for p in src.rglob("*") if p.is_file())
    pdf_pages = 0
    for p in pdfs:
        doc = pdfium.PdfDocument(str(p))
        pdf_pages += len(doc)
        doc.close()
    pages = round(pdf_pages / len(pdfs) * n)  # DOCX pages taken as the PDFs' average
    times: dict[str, list[float]] = {"jobs1": [], "jobs2": [], "base": [], "again": [],
                                     "fixed1": [], "fixed2": []}
    ceilings: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp) / "tiny"
        tiny.mkdir()
        for f in (docs[:2] + pdfs[:2]):
            shutil.copy(f, tiny / f.name)
        for r in range(args.repeat):
            for jobs in (1, 2):
                times[f"fixed{jobs}"].append(audit(tiny, Path(tmp) / f"t{jobs}r{r}", jobs))
            for jobs in (1, 2):
                out = Path(tmp) / f"j{jobs}r{r}"
                times[f"jobs{jobs}"].append(audit(src, out, jobs))
            times["base"].append(baseline(pdfs, docs))
            ceilings.append(ceiling())
            times["again"].append(audit(src, Path(tmp) / f"j2r{r}", 2))
            stats = json.loads((Path(tmp) / f"j2r{r}" / "stats.json").read_text("utf-8"))
            assert stats["files"] == n, stats
            for jobs in (1, 2):
                shutil.rmtree(Path(tmp) / f"j{jobs}r{r}")
    best = {k: min(v) for k, v in times.items()}
    print(f"archive: {n} files ({len(docs)} DOCX, {len(pdfs)} PDF readable), about "
          f"{pages / n:.1f} pages each, {pages} pages; best of {args.repeat} interleaved runs, "
          "wall clock, 2 cores")
    for key, label in (("jobs1", "dingmi audit --jobs 1"), ("jobs2", "dingmi audit --jobs 2"),
                       ("base", "baseline (pdftotext + bare XML, 1 core)")):
        print(f"  {label:42}: {n / best[key]:7.1f} files/s {pages / best[key]:8.1f} pages/s")
    speedup = best["jobs1"] / best["jobs2"]
    marginal = (best["jobs1"] - best["fixed1"]) / (best["jobs2"] - best["fixed2"])
    print(f"  fixed start-up (4 files)        : {best['fixed1']:5.2f} s --jobs 1, "
          f"{best['fixed2']:5.2f} s --jobs 2")
    print(f"  speedup --jobs 2 / --jobs 1     : {speedup:5.2f} whole run, {marginal:5.2f} beyond "
          "the fixed start-up   (target >= 1.7)")
    print(f"  this machine's own 2-process speedup on pure CPU work: {max(ceilings):5.2f} "
          f"(the audit reaches {marginal / max(ceilings):4.0%} of it)")
    print(f"  ratio to baseline, --jobs 1     : {best['base'] / best['jobs1']:5.2f}")
    print(f"  ratio to baseline, --jobs 2     : {best['base'] / best['jobs2']:5.2f}")
    print(f"  second run / first run (--jobs 2): {best['again'] / best['jobs2']:6.1%}  "
          "(target < 5 %)")
    per_doc = (best["jobs2"] - best["fixed2"]) / n
    minutes = 50_000 * per_doc * (10 / (pages / n)) / 60
    print(f"  projection: 50,000 documents of 10 pages on 2 cores: {minutes:5.1f} min "
          "(target < 20; the measured rate beyond start-up, scaled to 10 pages a document)")


if __name__ == "__main__":
    main()
