"""The labelled evaluation sets: precision and recall of every verdict at least 0.9 on the first
(the demo catalogue) and 0.95 on the second (the health catalogue, written and labelled before
the matcher was tuned for it); and the public texts give at most one UNMARKED_MATCH with either
catalogue."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from conftest import SHARED

from scanner.pipeline import ScanOptions, scan_file

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from eval_rules import SETS, evaluate


@pytest.mark.parametrize(("name", "size"), [("eval", 80), ("eval2", 60)])
def test_eval_set_is_large_enough(name: str, size: int) -> None:
    docs = SETS[name][0] / "docs"
    assert len(list(docs.glob("*.txt"))) >= size


@pytest.mark.parametrize("name", ["eval", "eval2"])
def test_precision_and_recall_per_verdict(name: str) -> None:
    scores, wrong = evaluate(name)
    target = SETS[name][2]
    for code, (precision, recall, support) in scores.items():
        assert support >= 5, code
        assert precision >= target and recall >= target, (code, precision, recall, wrong)


def test_the_second_set_is_a_third_hard_negatives() -> None:
    labels = (SETS["eval2"][0] / "labels.tsv").read_text(encoding="utf-8").splitlines()[1:]
    hard = [line for line in labels if "_hard" in line.split("\t")[0]]
    assert 3 * len(hard) >= len(labels)


@pytest.mark.shared
@pytest.mark.parametrize("name", ["eval", "eval2"])
def test_public_texts_give_at_most_one_unmarked_match(name: str) -> None:
    texts = sorted((SHARED / "corpus" / "public_texts").glob("*"))
    options = ScanOptions(as_of=dt.date(2026, 11, 30), catalogs=(SETS[name][1],))
    flagged = [p.name for p in texts
               if any(f.code == "UNMARKED_MATCH" for f in scan_file(p, options).findings)]
    assert len(texts) >= 40 and len(flagged) <= 1, flagged
