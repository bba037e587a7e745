"""Scan throughput against baselines measured in the same run.

Generates (once, cached under ``bench/out/scan_corpus``) DOCX files of 2-20 pages of real Chinese
text from the shared public texts, written by python-docx, and the same documents converted to PDF
by LibreOffice. Then it times, on one core:

* ``dingmi scan`` over the PDFs, and poppler's ``pdftotext`` over the same PDFs;
* ``dingmi scan`` over the DOCX files, and a bare unzip + lxml parse of ``word/document.xml``.

Run: ``python bench/bench_scan.py [--docs 200] [--repeat 5]``; ratios are the median over
interleaved rounds of back-to-back pairs. Targets: PDF pages/s at least 0.5x pdftotext's,
DOCX files/s at least 0.3x the bare XML parse's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))

from builders import DocSpec, make_docx, to_pdf  # noqa: E402

from scanner.catalogs import DEMO  # noqa: E402
from scanner.fsutil import write_atomic  # noqa: E402
from scanner.pipeline import ScanOptions  # noqa: E402
from scanner.run import OutputOptions, run_scan  # noqa: E402

TEXTS = ROOT.parent / "shared" / "corpus" / "public_texts"
OUT = ROOT / "bench" / "out" / "scan_corpus"
CHARS_PER_PAGE = 900
MARKS = ["秘密★1年", "机密★10年", "绝密★启用前", "秘密★2027年12月31日", None, None]


def _paragraphs() -> list[str]:
    paras: list[str] = []
    for path in sorted(TEXTS.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")[3:]
        paras.extend(line.strip() for line in lines if len(line.strip()) > 10)
    return paras


def make_corpus(n: int) -> tuple[list[Path], list[Path]]:
    """``n`` DOCX and the same ``n`` as PDF (cached)."""
    docx_dir, pdf_dir = OUT / f"docx{n}", OUT / f"pdf{n}"
    docs = sorted(docx_dir.glob("*.docx"))
    pdfs = sorted(pdf_dir.glob("*.pdf"))
    if len(docs) == n and len(pdfs) == n:
        return docs, pdfs
    rng = random.Random(2026)
    paras = _paragraphs()
    docs = []
    for i in range(n):
        pages = rng.randint(2, 20)
        body: list[str] = []
        mark = MARKS[i % len(MARKS)]
        if mark:
            body += [f"{i:06d}", mark]
        size = 0
        while size < pages * CHARS_PER_PAGE:
            p = rng.choice(paras)
            body.append(p)
            size += len(p)
        docs.append(make_docx(docx_dir / f"doc{i:04d}.docx", DocSpec(body=body)))
    pdfs = to_pdf(docs, pdf_dir)
    return docs, pdfs


def _pages(pdfs: list[Path]) -> int:
    total = 0
    for p in pdfs:
        doc = pdfium.PdfDocument(str(p))
        total += len(doc)
        doc.close()
    return total


class Clock:
    """Wall time and CPU time (this process and its children) of a block of work."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def time_dingmi(files: list[Path], catalogs: tuple[str, ...] = (), write: bool = True) -> Clock:
    # The reports go where `dingmi scan` puts them by default, a folder under the working
    # directory (here under bench/out), not under /tmp: on this machine creating a file in /tmp
    # costs about 1 ms more per report, which would measure /tmp rather than dingmi.
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for f in files:
            (folder / f.name).symlink_to(f)
        out = OutputOptions(Path(tmp) / "reports" if write else None, ("json", "html"), "zh")
        options = ScanOptions(as_of=dt.date(2026, 11, 22), catalogs=catalogs)
        os.sync()  # settle earlier writes and deletions outside the timed part
        with Path("/dev/null").open("w", encoding="utf-8") as null, Clock() as clock:
            reports = run_scan([folder], options, out, quiet=True, stdout=null, stderr=null)
    # Deleting the reports makes the file system discard their blocks; let that finish here, not
    # in the next timed run (file creation then costs several times more on this machine).
    os.sync()
    assert len(reports) == len(files) and all(r["status"] == "ok" for r in reports)
    return clock


def time_file_writes(n: int) -> Clock:
    """The file system's own cost: ``n`` atomic 8 KB writes (create, write, rename)."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        os.sync()
        with Clock() as clock:
            for i in range(n):
                write_atomic(Path(tmp) / f"f{i}.json", b"x" * 8192)
    os.sync()
    return clock


def time_pdftotext(pdfs: list[Path]) -> Clock:
    with Clock() as clock:
        for p in pdfs:
            subprocess.run(["pdftotext", "-q", str(p), "-"], check=True, capture_output=True)
    return clock


def time_bare_xml(docs: list[Path]) -> Clock:
    with Clock() as clock:
        for d in docs:
            with zipfile.ZipFile(d) as zf:
                root = etree.fromstring(zf.read("word/document.xml"))
            "".join(root.itertext())
    return clock


def _best(clocks: list[Clock]) -> tuple[float, float]:
    return min(c.wall for c in clocks), min(c.cpu for c in clocks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5,
                        help="interleaved rounds; rates are the best, ratios the median")
    args = parser.parse_args()
    docs, pdfs = make_corpus(args.docs)
    pages = _pages(pdfs)
    time_dingmi(pdfs[:5])  # warm-up: imports, page cache
    runs: list[list[Clock]] = [[] for _ in range(8)]
    demo = (str(DEMO),)
    time_dingmi(pdfs[:5], demo)  # warm-up: catalogue and dictionary
    for _ in range(args.repeat):  # interleaved rounds (noisy machine)
        for i, clock in enumerate((time_dingmi(pdfs), time_pdftotext(pdfs), time_dingmi(docs),
                                   time_bare_xml(docs), time_dingmi(pdfs, demo),
                                   time_dingmi(docs, demo), time_dingmi(docs, write=False),
                                   time_file_writes(2 * len(docs)))):
            runs[i].append(clock)
    n = len(docs)
    print(f"corpus: {n} DOCX + {n} PDF, {pages} pages each way (2-20 pages per document); "
          f"{args.repeat} interleaved rounds; CPU time (wall time in brackets)")
    report(runs, pages, n)


def _ratios(base: list[Clock], ours: list[Clock]) -> str:
    """Median and range of the per-round ratios (rate of ours / rate of the baseline), each
    round's pair measured back to back."""
    values = sorted(b.cpu / o.cpu for b, o in zip(base, ours, strict=True))
    return (f"{statistics.median(values):5.2f} CPU median of {len(values)} rounds "
            f"(range {values[0]:.2f}-{values[-1]:.2f})")


def report(runs: list[list[Clock]], pages: int, n: int) -> None:
    """Print the best rates by CPU time (wall-time rates alongside), then the ratios."""
    names = ["PDF   dingmi scan ", "PDF   pdftotext   ", "DOCX  dingmi scan ",
             "DOCX  bare XML    ", "PDF   + demo catalogue ", "DOCX  + demo catalogue "]
    for name, clocks in zip(names, runs[:6], strict=True):
        wall, cpu = _best(clocks)
        print(f"{name:24}: {pages / cpu:8.1f} pages/s {n / cpu:7.1f} files/s   "
              f"(wall {pages / wall:8.1f} pages/s {n / wall:7.1f} files/s)")
    pdf, pdftotext, docx, bare, pdf_demo, docx_demo, docx_unwritten, writes = runs
    print(f"PDF  ratio to pdftotext pages/s : {_ratios(pdftotext, pdf)} (target >= 0.5)")
    print(f"DOCX ratio to bare-XML files/s  : {_ratios(bare, docx)} (target >= 0.3)")
    print(f"with the demo catalogue (the default): PDF {_ratios(pdftotext, pdf_demo)}")
    print(f"                                       DOCX {_ratios(bare, docx_demo)}")
    per_write = statistics.median(c.cpu for c in writes) / (2 * n) * 1e6
    print(f"DOCX without writing the reports  : {_ratios(bare, docx_unwritten)}")
    print(f"the file system: one atomic report write costs {per_write:.0f} us of CPU here "
          f"(median; two reports a file)")


if __name__ == "__main__":
    main()
