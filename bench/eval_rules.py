"""Precision and recall of the catalogue verdicts on the labelled evaluation sets.

Scans every document of an evaluation set with its catalogue and compares the verdict codes with
its ``labels.tsv``: ``eval`` (``tests/data/eval``, the demo catalogue; target 0.9) and ``eval2``
(``tests/data/eval2``, the health catalogue, a field the matcher was not developed on, written
and labelled before tuning; target 0.95). Run: ``python bench/eval_rules.py [eval|eval2]``.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

from scanner.catalogs import DEMO
from scanner.pipeline import ScanOptions, scan_file
from scanner.verdicts import VERDICT_CODES

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = {"eval": (DATA / "eval", str(DEMO), 0.9),
        "eval2": (DATA / "eval2", str(DEMO.with_name("health.yaml")), 0.95)}
CODES = ("OVER_CLASSIFIED", "UNDER_CLASSIFIED", "UNMARKED_MATCH", "NO_BASIS",
         "PERIOD_ABOVE_CATALOG")


def evaluate(name: str = "eval") -> tuple[dict[str, tuple[float, float, int]], list[str]]:
    """Per verdict: (precision, recall, support); and the documents judged wrongly."""
    folder, catalog, _ = SETS[name]
    options = ScanOptions(as_of=dt.date(2026, 11, 22), catalogs=(catalog,))
    tp = dict.fromkeys(CODES, 0)
    fp = dict.fromkeys(CODES, 0)
    fn = dict.fromkeys(CODES, 0)
    wrong: list[str] = []
    with (folder / "labels.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        want = {c for c in row["verdicts"].split(",") if c}
        report = scan_file(folder / "docs" / row["file"], options)
        got = {f.code for f in report.findings if f.code in VERDICT_CODES}
        for code in CODES:
            tp[code] += code in want and code in got
            fp[code] += code not in want and code in got
            fn[code] += code in want and code not in got
        if want != got & set(CODES):
            wrong.append(f"{row['file']}: want {sorted(want)} got {sorted(got)}")
    out = {}
    for code in CODES:
        precision = tp[code] / (tp[code] + fp[code]) if tp[code] + fp[code] else 1.0
        recall = tp[code] / (tp[code] + fn[code]) if tp[code] + fn[code] else 1.0
        out[code] = (precision, recall, tp[code] + fn[code])
    return out, wrong


def main() -> int:
    name = sys.argv[1] if len(sys.argv) > 1 else "eval"
    scores, wrong = evaluate(name)
    target = SETS[name][2]
    print(f"{'verdict':24} precision  recall  support")
    for code, (p, r, n) in scores.items():
        print(f"{code:24} {p:9.3f} {r:7.3f} {n:8d}")
    for line in wrong:
        print("  wrong:", line)
    return 0 if all(p >= target and r >= target for p, r, _ in scores.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
