"""Watch latency and burst throughput, next to ``dingmi scan`` on the same files.

Single drops: the time from a file's last write to its report appearing (p50, p95) with the
default settle time of 0.5 s. Burst: 2,000 files dropped at once, files/s until the last report,
against ``dingmi scan`` over the same 2,000 files in the same run. Run:
``python bench/bench_watch.py [--files 2000] [--rounds 3]`` (each round a burst, then ``scan`` over
the same files; the median ratio is printed). Target: burst throughput at least 0.8x scan's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))

from builders import DocSpec, make_docx  # noqa: E402

from scanner.cli.scan import Isolation, run_scan  # noqa: E402
from scanner.pipeline import ScanOptions  # noqa: E402
from scanner.report import OutputOptions  # noqa: E402
from scanner.watch.config import Folder, WatchConfig  # noqa: E402
from scanner.watch.state import StateDB  # noqa: E402
from scanner.watch.watcher import Watcher  # noqa: E402

NULL = Path("/dev/null").open("w", encoding="utf-8")  # noqa: SIM115 (open for the whole run)
DOC = DocSpec(body=["000123", "秘密★5年", "关于某事项的通知", "知悉范围：本局", "2026年3月2日"])


def _watcher(base: Path, settle: float) -> tuple[Watcher, threading.Event, threading.Thread]:
    (base / "in").mkdir(parents=True)
    config = WatchConfig(base / "state.db", (Folder(base / "in", base / "reports",
                                                    settle_seconds=settle),),
                         reconcile_seconds=30)
    stop = threading.Event()
    watcher = Watcher(config, stop, log=NULL)
    thread = threading.Thread(target=watcher.run)
    thread.start()
    watcher.ready.wait(60)
    return watcher, stop, thread


def latency(src: Path, drops: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        _, stop, thread = _watcher(base, 0.5)
        out: list[float] = []
        try:
            for i in range(drops):
                target = base / "in" / f"d{i}.docx"
                shutil.copy(src, target)
                written = time.monotonic()
                report = base / "reports" / f"d{i}.docx.report.json"
                while not report.exists():
                    time.sleep(0.005)
                out.append(time.monotonic() - written)
        finally:
            stop.set()
            thread.join()
    return out


def burst(src: Path, n: int) -> tuple[float, float, float, float]:
    """Seconds for ``dingmi watch`` (its own process, as users run it) to report ``n`` files
    dropped at once by another process, and for ``scan`` over the same files: in one process,
    and with its worker processes (one a core, as the command runs) beyond their start-up."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "in").mkdir()
        cfg = base / "watch.yaml"
        cfg.write_text("state_db: state.db\nfolders:\n  - path: in\n    reports: reports\n",
                       encoding="utf-8")
        log = base / "watch.log"
        with log.open("wb") as fh:
            proc = subprocess.Popen([sys.executable, "-m", "scanner.cli", "watch", "--config",
                                     str(cfg)], stdout=fh, stderr=fh, cwd=base)
        try:
            while b"watching" not in log.read_bytes():
                time.sleep(0.05)
            start = time.monotonic()
            for i in range(n):
                shutil.copy(src, base / "in" / f"f{i:05d}.docx")
            db = StateDB(base / "state.db")
            while len(db.rows()) < n:
                time.sleep(0.05)
            watch_t = time.monotonic() - start
            db.close()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        scan_t = _scan(base / "in", base / "scan-reports", None)
        workers_t = _scan(base / "in", base / "scan-reports-2", Isolation())
        few = base / "few"
        few.mkdir()
        for i in range(4):
            shutil.copy(src, few / f"f{i}.docx")
        start_up = _scan(few, base / "few-reports", Isolation())
    return watch_t, scan_t, workers_t, workers_t - start_up


def _scan(folder: Path, out: Path, isolation: Isolation | None) -> float:
    """Wall seconds of ``scan`` over ``folder`` (in this process, or with its worker
    processes as the command runs by default)."""
    options = OutputOptions(out, ("json", "html"), "zh")
    with Path("/dev/null").open("w", encoding="utf-8") as null:
        start = time.monotonic()
        run_scan([folder], ScanOptions(as_of=dt.date.today()), options, quiet=True,
                 stdout=null, stderr=null, isolation=isolation)
        return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--drops", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3,
                        help="burst/scan pairs; the ratio printed is their median")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = make_docx(Path(tmp) / "a.docx", DOC)
        lat = sorted(latency(src, args.drops))
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
        print(f"single drops ({len(lat)}), settle 0.5 s: latency p50 "
              f"{statistics.median(lat):.2f} s, p95 {p95:.2f} s (target: report within 2 s)")
        pairs = [burst(src, args.files) for _ in range(args.rounds)]
    n = args.files
    for watch_t, scan_t, workers_t, beyond_t in pairs:
        print(f"burst of {n}: watch {n / watch_t:.1f} files/s; scan in one process "
              f"{n / scan_t:.1f} files/s, with its worker processes {n / workers_t:.1f} files/s "
              f"({n / beyond_t:.1f} beyond their start-up)")
    for k, name in ((1, "scan in one process"),
                    (2, "scan with its worker processes (as the command runs)"),
                    (3, "scan with its worker processes, beyond their start-up")):
        ratios = sorted(p[k] / p[0] for p in pairs)
        print(f"burst ratio to {name}: {statistics.median(ratios):.2f} median of "
              f"{len(ratios)} rounds (range {ratios[0]:.2f}-{ratios[-1]:.2f}; target >= 0.8)")


if __name__ == "__main__":
    main()
