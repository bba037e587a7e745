"""The labelled evaluation set: precision and recall of every verdict at least 0.9."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from eval_rules import evaluate


def test_eval_set_is_large_enough() -> None:
    docs = Path(__file__).resolve().parents[1] / "data" / "eval" / "docs"
    assert len(list(docs.glob("*.txt"))) >= 80


def test_precision_and_recall_per_verdict() -> None:
    scores, wrong = evaluate()
    for code, (precision, recall, support) in scores.items():
        assert support >= 5, code
        assert precision >= 0.9 and recall >= 0.9, (code, precision, recall, wrong)
