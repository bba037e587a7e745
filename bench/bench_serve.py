"""The pre-issue check API under load: ``POST /api/v1/check`` on a 5-page DOCX from 4 concurrent
clients against a ``dingmi serve`` started as a process (demo catalogue), with requests/s and
p50/p95 latency, against the CLI ``dingmi check`` of the same document in the same run.

Run: ``python bench/bench_serve.py [--requests 80] [--clients 4]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import document  # noqa: E402
from server import multipart, request, running  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=80)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    doc = document(Path(tempfile.mkdtemp()) / "check_5pages.docx", pages=5)
    cli = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scanner.cli", "check", str(doc), "--catalog",
                        "demo", "-q"], capture_output=True, check=False, cwd=ROOT)
        cli.append(time.perf_counter() - start)
    body, headers = multipart(doc.name, doc.read_bytes())
    with running("serve", "--catalog", "demo", "--jobs", "2") as (url, _):
        request(url + "api/v1/check", body, headers=headers)  # warm both paths once

        def one(_: int) -> float:
            t0 = time.perf_counter()
            status, _data = request(url + "api/v1/check", body, headers=headers)
            if status != 200:
                raise SystemExit(f"status {status}")
            return time.perf_counter() - t0

        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            latencies = sorted(pool.map(one, range(args.requests)))
        wall = time.perf_counter() - start
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    cli_t = statistics.median(cli)
    print(f"document: 5-page DOCX ({doc.stat().st_size // 1024} KB), demo catalogue, "
          f"{args.requests} requests from {args.clients} clients, 2 workers")
    print(f"API: {args.requests / wall:.1f} requests/s; latency p50 {p50 * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms")
    print(f"CLI dingmi check (a process each, start-up included): {cli_t * 1000:.0f} ms median "
          f"({1 / cli_t:.1f} documents/s one after another)")
    print(f"ratio: API p50 latency / CLI time {p50 / cli_t:.2f}; API throughput / CLI "
          f"{(args.requests / wall) * cli_t:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
