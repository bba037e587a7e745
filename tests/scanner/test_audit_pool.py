"""The audit's worker pool with real spawned processes: a file past the time limit, a file past the
memory limit and a worker killed mid-file each end as a report, and the other files are processed
normally by replacement workers."""

from __future__ import annotations

import datetime as dt
import io
import os
import pty
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from scanner.audit import _Progress
from scanner.auditdb import AuditDB, unpack_json
from scanner.auditpool import AuditPool, Done, Settings, Task
from scanner.catalogs import DEMO
from scanner.pipeline import ScanOptions
from scanner.run import OutputOptions

SHARED_TEXT = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "public_texts"


@pytest.fixture(scope="module")
def big_text(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 40 MB of real public text: over a second to scan with the catalogue."""
    text = (SHARED_TEXT / "gov_sc_01.txt").read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("big") / "big.txt"
    path.write_text(text * (14_000_000 // len(text) + 1), encoding="utf-8")
    return path


def small_files(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        p = folder / f"{folder.name}{i}.txt"
        p.write_text(f"000{i:03d}\n秘密★{i + 1}年\n关于第{i}号事项的通知\n2020年1月{i + 1}日\n",
                     encoding="utf-8")
        out.append(p)
    return out


def settings(tmp_path: Path, *, timeout: float = 60.0, memory_mb: int | None = None) -> Settings:
    db = AuditDB(tmp_path / "out" / "audit.sqlite")
    db.close()
    options = ScanOptions(as_of=dt.date(2026, 6, 30), catalogs=(str(DEMO),))
    return Settings(options, OutputOptions(tmp_path / "out" / "reports", ("json",)),
                    tmp_path / "out" / "audit.sqlite", "k", timeout, memory_mb)


def run_pool(s: Settings, files: list[Path], jobs: int = 1,
             during: threading.Thread | None = None) -> dict[str, Done]:
    pool = AuditPool(s, jobs)
    try:
        if during is not None:
            during.start()
        return {Path(d.path).name: d for d in
                pool.run([Task(str(p), p.name) for p in files])}
    finally:
        pool.close()


def reason(done: Done) -> str:
    return str(unpack_json(done.report)["reason_en"])


def test_file_past_the_time_limit_is_reported_and_the_rest_go_on(tmp_path: Path,
                                                                 big_text: Path) -> None:
    files = [*small_files(tmp_path / "a", 3), big_text, *small_files(tmp_path / "b", 3)]
    assert len({p.name for p in files}) == len(files)
    started = time.monotonic()
    results = run_pool(settings(tmp_path, timeout=0.4), files)
    assert time.monotonic() - started < 30
    assert len(results) == len(files)
    assert results["big.txt"].status == "unreadable"
    assert "time limit (0.4 s)" in reason(results["big.txt"])
    assert (tmp_path / "out" / "reports" / "big.txt.report.json").exists()
    for name, done in results.items():
        if name != "big.txt":
            assert done.status == "ok", (name, reason(done))
            assert unpack_json(done.report)["classification"] == "秘密"


def test_file_past_the_memory_limit_is_reported(tmp_path: Path, big_text: Path) -> None:
    files = [big_text, *small_files(tmp_path / "a", 2)]
    results = run_pool(settings(tmp_path, memory_mb=40), files)
    assert results["big.txt"].status == "unreadable"
    assert "memory limit" in reason(results["big.txt"])
    assert [results[f"a{i}.txt"].status for i in range(2)] == ["ok", "ok"]


def test_worker_killed_mid_file_is_replaced(tmp_path: Path, big_text: Path) -> None:
    s = settings(tmp_path)
    files = [big_text, *small_files(tmp_path / "a", 4)]
    pool = AuditPool(s, 1)
    victim = pool.workers[0].proc.pid
    assert victim is not None
    killer = threading.Timer(0.3, os.kill, (victim, signal.SIGKILL))
    try:
        killer.start()
        results = {Path(d.path).name: d
                   for d in pool.run([Task(str(p), p.name) for p in files])}
        assert pool.workers[0].proc.pid != victim
    finally:
        killer.cancel()
        pool.close()
    assert results["big.txt"].status == "unreadable"
    assert "worker died" in reason(results["big.txt"])
    assert [results[f"a{i}.txt"].status for i in range(4)] == ["ok"] * 4


def test_progress_on_a_terminal_is_a_bar_with_rate_and_time_left(tmp_path: Path) -> None:
    """On a terminal (a real pseudo-terminal here) the audit shows rich's progress bar."""
    small_files(tmp_path / "in", 30)
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "scanner.cli", "audit", str(tmp_path / "in"), "--out",
         str(tmp_path / "out"), "--jobs", "1", "--no-catalog"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower,
        cwd=Path(__file__).resolve().parents[2], env={**os.environ, "COLUMNS": "120"})
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=120) == 0
    os.close(leader)
    text = seen.decode("utf-8", "replace")
    assert "30/30" in text and "/s" in text, text[-500:]
    assert "审核 audit" in text


def test_progress_elsewhere_is_a_line_with_rate_and_eta() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = _Progress(100, stream, "en", every=2.0, clock=lambda: now[0])
    for _ in range(10):
        now[0] += 0.5
        progress.tick()
    lines = stream.getvalue().splitlines()
    assert lines == ["processed 4/100 files (2.0 files/s, ETA 48 s)",
                     "processed 8/100 files (2.0 files/s, ETA 46 s)"]
