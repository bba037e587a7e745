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
import shutil
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
from scanner.cli.scan import run_scan  # noqa: E402
from scanner.fsutil import write_atomic  # noqa: E402
from scanner.pipeline import ScanOptions  # noqa: E402
from scanner.report import OutputOptions  # noqa: E402

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
    """``n`` DOCX and the same ``n`` as PDF (cached). The paragraphs are drawn from the public
    texts, so the same paragraph comes up in several documents; each one ends with its document
    and paragraph number so that no two documents share a line, as in a real archive (dingmi
    keeps the compact form of lines it has seen, and repeated lines would flatter it)."""
    docx_dir, pdf_dir = OUT / f"docx{n}-unique", OUT / f"pdf{n}-unique"
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
            p = f"{rng.choice(paras)}（{i + 1}-{len(body) + 1}）"
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


class Workspace:
    """The folders of one benchmark run: scan inputs (symbolic links to the corpus) and every
    timed run's reports, all kept until the run ends.

    Nothing is deleted while timing, on purpose: on a file system without a journal (this
    machine's ext4), the kernel avoids reusing an inode freed in the last one to six minutes and
    walks past every such inode of the block group on each file it creates, so deleting one
    round's reports makes the next round's file creation several times dearer (measured here:
    about 30 us a file in a quiet folder, 300-600 us next to a few thousand fresh deletions).
    Deleting reports is the benchmark's doing, not dingmi's; a scan deletes nothing. For the
    same reason each run's workspace is placed away from the previous runs' (see
    :func:`_spread_children`), whose clean-up would otherwise slow the next run down."""

    def __init__(self) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        _spread_children(OUT)
        self.root = Path(tempfile.mkdtemp(dir=OUT, prefix="run-"))
        self.count = 0
        self.inputs: dict[tuple[Path, ...], Path] = {}

    def fresh(self) -> Path:
        self.count += 1
        folder = self.root / f"{self.count:03d}"
        folder.mkdir()
        return folder

    def folder_of(self, files: list[Path]) -> Path:
        """A folder holding exactly ``files`` (made once per list)."""
        key = tuple(files)
        if key not in self.inputs:
            folder = self.fresh()
            for f in files:
                (folder / f.name).symlink_to(f)
            self.inputs[key] = folder
        return self.inputs[key]

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


FS_IOC_GETFLAGS, FS_IOC_SETFLAGS, FS_TOPDIR_FL = 0x80086601, 0x40086602, 0x00020000


def _spread_children(folder: Path) -> None:
    """Mark ``folder`` as the top of a directory hierarchy (``chattr +T``): ext4 then puts each
    new folder in it, and so each run's workspace, in a block group chosen afresh, away from
    the inodes that earlier runs (or anything else) freed in the last minutes. Where the file
    system or the platform has no such flag, nothing happens."""
    try:
        import fcntl  # noqa: PLC0415 - Unix only
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except (ImportError, OSError, AttributeError):
        return
    try:
        flags = bytearray(8)  # the kernel reads and writes an int at the start
        fcntl.ioctl(fd, FS_IOC_GETFLAGS, flags)
        value = int.from_bytes(flags[:4], sys.byteorder)
        if not value & FS_TOPDIR_FL:
            fcntl.ioctl(fd, FS_IOC_SETFLAGS, (value | FS_TOPDIR_FL).to_bytes(4, sys.byteorder) +
                        bytes(4))
    except OSError:
        pass
    finally:
        os.close(fd)


def time_dingmi(space: Workspace, files: list[Path], catalogs: tuple[str, ...] = (),
                write: bool = True) -> Clock:
    # The reports go where `dingmi scan` puts them by default, a folder under the working
    # directory (here under bench/out), each run into a new folder.
    folder = space.folder_of(files)
    out = OutputOptions(space.fresh() / "reports" if write else None, ("json", "html"), "zh")
    options = ScanOptions(as_of=dt.date(2026, 11, 22), catalogs=catalogs)
    os.sync()  # settle earlier writes outside the timed part
    with Path("/dev/null").open("w", encoding="utf-8") as null, Clock() as clock:
        reports = run_scan([folder], options, out, quiet=True, stdout=null, stderr=null)
    assert len(reports) == len(files) and all(r["status"] == "ok" for r in reports)
    return clock


def time_file_writes(space: Workspace, n: int) -> Clock:
    """The file system's own cost: ``n`` atomic 8 KB writes (create, write, rename)."""
    folder = space.fresh()
    os.sync()
    with Clock() as clock:
        for i in range(n):
            write_atomic(folder / f"f{i}.json", b"x" * 8192)
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
    space = Workspace()
    try:
        before = time_file_writes(space, 2 * len(docs)).cpu / (2 * len(docs)) * 1e6
        runs = _rounds(space, docs, pdfs, args.repeat)
    finally:
        space.close()
    n = len(docs)
    print(f"corpus: {n} DOCX + {n} PDF, {pages} pages each way (2-20 pages per document); "
          f"{args.repeat} interleaved rounds; CPU time (wall time in brackets)")
    print(f"one atomic report write before the rounds: {before:.0f} us of CPU (tens of us on a "
          "quiet disk; hundreds when many files were deleted nearby in the last minutes)")
    report(runs, pages, n)


def _rounds(space: Workspace, docs: list[Path], pdfs: list[Path], repeat: int
            ) -> list[list[Clock]]:
    time_dingmi(space, pdfs[:5])  # warm-up: imports, page cache
    demo = (str(DEMO),)
    time_dingmi(space, pdfs[:5], demo)  # warm-up: catalogue and dictionary
    runs: list[list[Clock]] = [[] for _ in range(8)]
    for _ in range(repeat):  # interleaved rounds (noisy machine)
        for i, clock in enumerate((time_dingmi(space, pdfs), time_pdftotext(pdfs),
                                   time_dingmi(space, docs), time_bare_xml(docs),
                                   time_dingmi(space, pdfs, demo), time_dingmi(space, docs, demo),
                                   time_dingmi(space, docs, write=False),
                                   time_file_writes(space, 2 * len(docs)))):
            runs[i].append(clock)
    return runs


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
    print(f"with the demo catalogue (--catalog demo): PDF {_ratios(pdftotext, pdf_demo)}")
    print(f"                                          DOCX {_ratios(bare, docx_demo)}")
    per_write = statistics.median(c.cpu for c in writes) / (2 * n) * 1e6
    print(f"DOCX without writing the reports  : {_ratios(bare, docx_unwritten)}")
    print(f"the file system: one atomic report write costs {per_write:.0f} us of CPU here "
          f"(median; two reports a file)")


if __name__ == "__main__":
    main()
