"""Precision and recall of the catalogue verdicts on the labelled evaluation sets.

Scans every document of an evaluation set with its catalogue and compares the verdict codes with
its ``labels.tsv``. The sets: ``eval`` (``tests/data/eval``, the demo catalogue), ``eval2``
(``tests/data/eval2``, the fictional health catalogue), ``eval3`` (``tests/data/eval3``, the
fictional water catalogue, long documents) and ``eval4`` (``tests/data/eval4``, a surveying
catalogue built from the public regulation, with real public statutes as negatives) and
``eval5`` (``tests/data/eval5``, the fictional energy catalogue, written as a held-out set);
eval2 to eval5 were written and labelled by other hands before the matcher was tuned. Where a
set has a ``clean`` column, the documents labelled clean must also pass (no error-level
finding).
Run: ``python bench/eval_rules.py [eval|eval2|eval3|eval4|eval5|all]``.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path
from typing import NamedTuple

from scanner.catalogs import DEMO
from scanner.pipeline import ScanOptions, scan_file
from scanner.verdicts import VERDICT_CODES

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
CATALOGS = DEMO.parent
SETS = {"eval": (DATA / "eval", str(DEMO), 0.9),
        "eval2": (DATA / "eval2", str(CATALOGS / "health.yaml"), 0.95),
        "eval3": (DATA / "eval3", str(CATALOGS / "water.yaml"), 0.95),
        "eval4": (DATA / "eval4", str(CATALOGS / "surveying.yaml"), 0.95),
        "eval5": (DATA / "eval5", str(CATALOGS / "energy.yaml"), 0.95)}
CODES = ("OVER_CLASSIFIED", "UNDER_CLASSIFIED", "UNMARKED_MATCH", "NO_BASIS",
         "PERIOD_ABOVE_CATALOG")


class Result(NamedTuple):
    """Per verdict (precision, recall, support); the documents judged wrongly; the clean
    documents that did not pass (with their error codes) and how many were labelled clean."""

    scores: dict[str, tuple[float, float, int]]
    wrong: list[str]
    unclean: list[str]
    clean: int


def rows(name: str) -> list[dict[str, str]]:
    """The set's labels."""
    with (SETS[name][0] / "labels.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def path_of(name: str, file: str) -> Path:
    """A labelled file: relative to the set's folder, or (a bare name) in its ``docs``."""
    folder = SETS[name][0]
    return folder / file if "/" in file else folder / "docs" / file


def evaluate(name: str = "eval") -> Result:
    """Score one set."""
    _, catalog, _ = SETS[name]
    options = ScanOptions(as_of=dt.date(2026, 11, 22), catalogs=(catalog,))
    tp = dict.fromkeys(CODES, 0)
    fp = dict.fromkeys(CODES, 0)
    fn = dict.fromkeys(CODES, 0)
    wrong: list[str] = []
    unclean: list[str] = []
    clean = 0
    for row in rows(name):
        want = {c for c in row["verdicts"].split(",") if c}
        report = scan_file(path_of(name, row["file"]), options)
        got = {f.code for f in report.findings if f.code in VERDICT_CODES}
        for code in CODES:
            tp[code] += code in want and code in got
            fp[code] += code not in want and code in got
            fn[code] += code in want and code not in got
        if want != got & set(CODES):
            wrong.append(f"{row['file']}: want {sorted(want)} got {sorted(got & set(CODES))}")
        if row.get("clean") == "yes":
            clean += 1
            errors = sorted({f.code for f in report.findings if f.severity == "error"})
            if errors or report.status != "ok":
                unclean.append(f"{row['file']}: {report.status} {errors}")
    out = {}
    for code in CODES:
        precision = tp[code] / (tp[code] + fp[code]) if tp[code] + fp[code] else 1.0
        recall = tp[code] / (tp[code] + fn[code]) if tp[code] + fn[code] else 1.0
        out[code] = (precision, recall, tp[code] + fn[code])
    return Result(out, wrong, unclean, clean)


def main() -> int:
    names = sys.argv[1:] or ["eval"]
    if names == ["all"]:
        names = list(SETS)
    ok = True
    for name in names:
        result = evaluate(name)
        target = SETS[name][2]
        print(f"{name}: {'verdict':24} precision  recall  support")
        for code, (p, r, n) in result.scores.items():
            print(f"{name}: {code:24} {p:9.3f} {r:7.3f} {n:8d}")
        if result.clean:
            print(f"{name}: clean documents passing: {result.clean - len(result.unclean)}"
                  f"/{result.clean}")
        for line in result.wrong:
            print(f"{name}:   wrong: {line}")
        for line in result.unclean:
            print(f"{name}:   not passing: {line}")
        ok = ok and all(p >= target and r >= target for p, r, _ in result.scores.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
