"""The whole ``dingmi check`` command, start-up included, on one 20-page document: without a
catalogue, with the demo catalogue and with a generated 10,000-item one, against a baseline
measured in the same run (a bare interpreter that reads the file).

Each command runs as a fresh process (as an office system or an officer runs it), five times in
interleaved rounds after one untimed run that fills the caches (the compiled catalogue, the
dictionary file, the term overlay); the median is reported, and the first, cold run apart.
Run: ``python bench/bench_check.py``. Targets: under 0.5 s with the demo catalogue, under 1 s
with the 10,000-item one.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
TEXTS = ROOT / "tests" / "data" / "texts"
PAGE_CHARS = 700  # a page of 公文 body text in 仿宋 三号


def document(path: Path, pages: int = 20) -> Path:
    """A classified notice of about ``pages`` pages from the committed public texts."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(TEXTS.glob("*.txt")))
    paragraphs = [line for line in text.splitlines() if len(line) > 20]
    d = docx.Document()
    for line in ("000123", "秘密★5年", "关于做好有关工作的通知", "各科室："):
        d.add_paragraph(line)
    written = 0
    while written < pages * PAGE_CHARS:
        line = paragraphs[written % len(paragraphs) if paragraphs else 0]
        d.add_paragraph(line)
        written += len(line)
    for line in ("知悉范围：本局领导班子成员", "某局", "2026年3月2日"):
        d.add_paragraph(line)
    d.save(str(path))
    return path


def big_catalogue(path: Path, n: int = 10_000) -> Path:
    """``n`` items with compound terms, as bench_match's ``compound`` generator writes them."""
    rng = random.Random(7)
    import jieba  # noqa: PLC0415

    words = sorted(w for w in jieba.dt.gen_pfdict(jieba.dt.get_dict_file())[0]
                   if 3 <= len(w) <= 6)
    pool = rng.sample(words, 2_000)
    lines = ["catalog: {id: big, title: 生成目录}", "items:"]
    for i in range(n):
        a = "".join(rng.sample(words, 2))
        b, c = rng.sample(pool, 2)
        lines.append(f"  - {{id: B-{i:05d}, title: 事项{i}, level: 秘密, max_years: 5, "
                     f"match: {{all: [{a}], any: [{b}, {c}]}}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, env=env, check=False, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{cmd} failed: {done.stderr.decode(errors='replace')}")
    return elapsed


def main(rounds: int = 5) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    doc = document(OUT / "check_20pages.docx")
    big = big_catalogue(OUT / "catalog_10000.yaml")
    cache = Path(tempfile.mkdtemp(prefix="dingmi-bench-cache-"))
    env = {**os.environ, "DINGMI_CACHE": str(cache)}
    check = [sys.executable, "-m", "scanner.cli", "check", str(doc), "-q"]
    runs = {
        "baseline (python, read the file)": [sys.executable, "-c",
                                             f"open({str(doc)!r}, 'rb').read()"],
        "check, no catalogue": [*check, "--no-catalog"],
        "check, demo catalogue": [*check, "--catalog", "demo"],
        "check, 10,000 items": [*check, "--catalog", str(big)],
    }
    cold = {name: timed(cmd, env) for name, cmd in runs.items()}  # fills the caches
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, cmd in runs.items():
            times[name].append(timed(cmd, env))
    base = statistics.median(times["baseline (python, read the file)"])
    print(f"document: {doc.name} ({doc.stat().st_size // 1024} KB), {rounds} rounds, median")
    for name in runs:
        t = statistics.median(times[name])
        print(f"{name:34} {t:6.3f} s  ({t / base:5.1f} x baseline; first run {cold[name]:.2f} s)")
    demo = statistics.median(times["check, demo catalogue"])
    tenk = statistics.median(times["check, 10,000 items"])
    print(f"targets: demo < 0.5 s: {'met' if demo < 0.5 else 'NOT met'}; "
          f"10,000 items < 1 s: {'met' if tenk < 1.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
