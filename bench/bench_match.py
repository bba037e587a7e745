"""Catalogue matching throughput for catalogues of 100, 1,000 and 10,000 items on the same text,
and matching time against extraction time on the scan benchmark's corpus.

Two generators, both from multi-character words of jieba's dictionary, three terms an item:
``common`` draws every term from the whole vocabulary (adversarial: with 10,000 items nearly every
word of ordinary text is a term); ``compound`` gives each item a compound term of two words (as
real 一览表 terms are: 测绘成果, 谈判底线) and two terms from a shared pool of 2,000 domain words.
The text is the shared public texts (real Chinese prose). Run:
``python bench/bench_match.py``; the sizes are timed in interleaved rounds and the ratio is the
median of the rounds' ratios. Targets: the 10,000-item catalogue at least half as fast as the
100-item one; matching at most a quarter of extraction time on the scan corpus.
"""

from __future__ import annotations

import logging
import random
import statistics
import sys
import time
from pathlib import Path

import jieba

from markers import Block
from rules import Matcher, parse_catalog
from scanner.catalogs import DEMO
from scanner.pipeline import ScanOptions, scan_file

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT.parent / "shared" / "corpus" / "public_texts"
SCAN_CORPUS = ROOT / "bench" / "out" / "scan_corpus"


def vocabulary() -> list[str]:
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    return sorted(w for w, f in tk.FREQ.items() if 3 <= len(w) <= 6 and f >= 5)


def catalogue(n: int, words: list[str], kind: str = "common", seed: int = 7) -> Matcher:
    rng = random.Random(seed)
    pool = rng.sample(words, 2_000)
    lines = ["catalog: {id: gen, title: 生成目录}", "items:"]
    for i in range(n):
        if kind == "common":
            a, b, c = rng.sample(words, 3)
        else:
            a = "".join(rng.sample(words, 2))
            b, c = rng.sample(pool, 2)
        lines.append(f"  - {{id: G-{i:05d}, title: 事项{i}, level: 秘密, max_years: 5, "
                     f"match: {{all: [{a}], any: [{b}, {c}]}}}}")
    return Matcher([parse_catalog("\n".join(lines) + "\n", f"generated-{n}.yaml")])


def text_blocks() -> list[Block]:
    blocks = []
    for path in sorted(TEXTS.glob("*.txt")):
        for i, line in enumerate(path.read_text(encoding="utf-8").split("\n")[3:]):
            if line.strip():
                blocks.append(Block(line, f"{path.stem}.l{i}", "body", len(blocks)))
    return blocks


def _timed(matcher: Matcher, blocks: list[Block]) -> float:
    start = time.perf_counter()
    matcher.match(blocks, flowing=False)
    return time.perf_counter() - start


def scan_share() -> tuple[float, float, int] | None:
    files = sorted(SCAN_CORPUS.glob("docx*/*.docx")) + sorted(SCAN_CORPUS.glob("pdf*/*.pdf"))
    if not files:
        return None
    options = ScanOptions(as_of=__import__("datetime").date(2026, 11, 22), catalogs=(str(DEMO),))
    scan_file(files[0], options)  # load the catalogue and dictionary once
    extract_t = rules_t = 0.0
    for path in files:
        report = scan_file(path, options)
        extract_t += report.timings["extract"]
        rules_t += report.timings["rules"]
    return extract_t, rules_t, len(files)


def main(rounds: int = 7) -> int:
    words = vocabulary()
    blocks = text_blocks()
    mb = sum(len(b.text.encode("utf-8")) for b in blocks) / 1e6
    print(f"text: {mb:.2f} MB of public Chinese texts; vocabulary {len(words)} words")
    for kind in ("compound", "common"):
        matchers = {}
        for n in (100, 1_000, 10_000):
            start = time.perf_counter()
            matchers[n] = catalogue(n, words, kind)
            built = time.perf_counter() - start
            matchers[n].warm()  # as a worker does: automaton and the whole dictionary
            matchers[n].match(blocks[:50], flowing=False)
            print(f"{kind:8} {n:6d} items: catalogue parsed in {built:.2f} s")
        times: dict[int, list[float]] = {n: [] for n in matchers}
        for _ in range(rounds):  # interleaved rounds: a slow spell hits every size alike
            for n, matcher in matchers.items():
                times[n].append(_timed(matcher, blocks))
        for n in matchers:
            print(f"{kind:8} {n:6d} items: {mb / min(times[n]):6.2f} MB/s (best of {rounds})")
        ratios = sorted(a / b for a, b in zip(times[100], times[10_000], strict=True))
        print(f"{kind:8} ratio 10,000 / 100 items: {statistics.median(ratios):.2f} median of "
              f"{rounds} rounds (range {ratios[0]:.2f}-{ratios[-1]:.2f}; target >= 0.5)")
    share = scan_share()
    if share is None:
        print("scan corpus missing: run python bench/bench_scan.py first")
        return 0
    extract_t, rules_t, n = share
    print(f"scan corpus ({n} files, demo catalogue): extraction {extract_t:.2f} s, "
          f"matching {rules_t:.2f} s, matching/extraction {rules_t / extract_t:.2f} "
          "(target <= 0.25)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
