"""The formats beyond DOCX and PDF, against baselines measured in the same run, on one core:

* Word binary: ``dingmi`` scanning the .doc files (the finding-code cases made by LibreOffice and
  the shared corpus's .doc/.wps/.eid) against a bare olefile open + read of the ``WordDocument``
  and table streams;
* OFD: ``dingmi`` on the shared corpus's OFD files against a bare unzip + lxml parse of every
  page's ``Content.xml``;
* OCR: ``dingmi`` on the finding-code cases rendered to PNG (pages/s with ``--ocr top`` and
  ``--ocr page1``) against the OCR engine's own time on the same images (whole page).

Rounds are interleaved; the ratios are medians. Run: ``python bench/bench_formats.py
[--repeat 3] [--ocr-pages 12]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import olefile
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))

from scanner.limits import Limits  # noqa: E402
from scanner.pipeline import ScanOptions, scan_file  # noqa: E402

REAL = ROOT.parent / "shared" / "corpus" / "real"
DOC_CASES = ROOT / "tests" / "data" / "doc_cases"
PDF_CASES = ROOT / "tests" / "data" / "pdf_cases"
AS_OF = dt.date(2026, 11, 22)


def _cpu(work: Callable[[], None]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def _bare_doc(paths: list[Path]) -> None:
    for p in paths:
        with olefile.OleFileIO(str(p)) as ole:
            word = ole.openstream("WordDocument").read()
            table = "1Table" if word[0x0B] & 0x02 else "0Table"
            ole.openstream(table).read()


def _bare_ofd(paths: list[Path]) -> None:
    for p in paths:
        with zipfile.ZipFile(p) as zf:
            for name in zf.namelist():
                if name.endswith("Content.xml"):
                    etree.fromstring(zf.read(name))


def _dingmi(paths: list[Path], options: ScanOptions) -> None:
    for p in paths:
        report = scan_file(p, options)
        assert report.status == "ok", (p, report.reason_en)


def _median(pairs: list[tuple[float, float]]) -> str:
    ratios = [base / ours for ours, base in pairs]
    return (f"{statistics.median(ratios):.2f} (range {min(ratios):.2f}-{max(ratios):.2f}, "
            f"{len(ratios)} rounds)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ocr-pages", type=int, default=12)
    args = parser.parse_args()
    plain = ScanOptions(as_of=AS_OF)
    docs = sorted(DOC_CASES.glob("*.doc"))
    if REAL.exists():
        docs += [p for p in sorted(REAL.iterdir()) if p.suffix in (".doc", ".wps", ".eid")]
    ofds = sorted(REAL.glob("*.ofd")) if REAL.exists() else []
    _dingmi(docs[:3], plain)  # warm-up
    doc_pairs, ofd_pairs = [], []
    for _ in range(args.repeat):
        doc_pairs.append((_cpu(lambda: _dingmi(docs, plain)), _cpu(lambda: _bare_doc(docs))))
        if ofds:
            ofd_pairs.append((_cpu(lambda: _dingmi(ofds, plain)),
                              _cpu(lambda: _bare_ofd(ofds))))
    ours = min(p[0] for p in doc_pairs)
    print(f"Word binary: {len(docs)} files, dingmi {len(docs) / ours:.0f} files/s; "
          f"ratio to the bare olefile stream read: {_median(doc_pairs)}")
    if ofds:
        ours = min(p[0] for p in ofd_pairs)
        print(f"OFD: {len(ofds)} files, dingmi {len(ofds) / ours:.0f} files/s; "
              f"ratio to a bare unzip + parse of the page XML: {_median(ofd_pairs)}")
    _ocr(args.ocr_pages)


def _ocr(n: int) -> None:
    from builders import page_pixels, write_png  # noqa: PLC0415 - as the OCR test makes them

    from scanner.extract import ocr  # noqa: PLC0415

    if not ocr.available():
        print("OCR: the ocr extra is not installed; skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        pngs = []
        for pdf in sorted(PDF_CASES.glob("*.pdf"))[:n]:
            rgb, width, height = page_pixels(pdf)
            pngs.append(write_png(Path(tmp) / (pdf.stem + ".png"), rgb, width, height))
        images = [ocr.decode_image(p.read_bytes()) for p in pngs]
        ocr._engine()(images[0])  # warm-up: the models load once per process
        engine = _wall(lambda: [ocr._engine()(img) for img in images])
        for mode in ("top", "page1"):
            options = ScanOptions(as_of=AS_OF, limits=Limits(ocr=mode))
            ours = _wall(lambda o=options: _dingmi(pngs, o))
            print(f"OCR --ocr {mode:5}: {len(pngs) / ours:.2f} pages/s; the engine alone on the "
                  f"whole pages {len(pngs) / engine:.2f} pages/s; ratio {engine / ours:.2f}")


def _wall(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
