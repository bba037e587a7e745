"""The one worker pool (``scan``, ``audit`` and ``watch`` use it) with real spawned processes: a
file past the time limit, a file past the memory limit and a worker killed mid-file each end as a
report, the other files are processed normally by replacement workers, and the retry policy decides
whether the file a dying worker held is tried again. The audit's progress display too."""

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
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.audit.run import _Progress
from scanner.catalogs import DEMO
from scanner.pipeline import ScanOptions
from scanner.workers.pool import Policy, ProcessPool
from scanner.workers.task import Job, Result, Task

SHARED_TEXT = Path(__file__).resolve().parents[1] / "data" / "texts"


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


JOB = Job({"": ScanOptions(as_of=dt.date(2026, 6, 30), catalogs=(str(DEMO),))}, ("json",))


def run_pool(files: list[Path], policy: Policy, jobs: int = 1) -> dict[str, Result]:
    with ProcessPool(JOB, jobs, policy) as pool:
        return {Path(d.path).name: d for d in pool.run([Task(str(p), p.name) for p in files])}


def reason(done: Result) -> str:
    return str(done.json()["reason_en"])


@pytest.mark.slow
def test_file_past_the_time_limit_is_reported_and_the_rest_go_on(tmp_path: Path,
                                                                 big_text: Path) -> None:
    files = [*small_files(tmp_path / "a", 3), big_text, *small_files(tmp_path / "b", 3)]
    assert len({p.name for p in files}) == len(files)
    results = run_pool(files, Policy(timeout=0.4, memory_mb=None))
    assert len(results) == len(files)
    assert results["big.txt"].status == "unreadable"
    assert "time limit (0.4 s)" in reason(results["big.txt"])
    assert [s for s, _ in results["big.txt"].files] == [".report.json"]  # rendered for the caller
    for name, done in results.items():
        if name != "big.txt":
            assert done.status == "ok", (name, reason(done))
            assert done.json()["classification"] == "秘密"


def test_file_past_the_memory_limit_is_reported(tmp_path: Path, big_text: Path) -> None:
    files = [big_text, *small_files(tmp_path / "a", 2)]
    results = run_pool(files, Policy(memory_mb=40))
    assert results["big.txt"].status == "unreadable"
    assert "memory limit" in reason(results["big.txt"])
    assert [results[f"a{i}.txt"].status for i in range(2)] == ["ok", "ok"]


def _killed_mid_file(tmp_path: Path, big_text: Path, retries: int) -> dict[str, Result]:
    """Run the big file and four small ones on one worker; kill the worker once, mid-file."""
    files = [big_text, *small_files(tmp_path / "a", 4)]
    pool = ProcessPool(JOB, 1, Policy(retries=retries))
    victim = pool.workers[0].proc.pid
    assert victim is not None
    started = threading.Event()

    def tasks() -> Iterator[Task]:
        started.set()  # the big file, first, is handed to the worker now
        for p in files:
            yield Task(str(p), p.name)

    def kill_when_busy() -> None:
        started.wait(30)
        time.sleep(0.3)  # the big file takes seconds; the worker is in the middle of it
        os.kill(victim, signal.SIGKILL)

    killer = threading.Thread(target=kill_when_busy)
    try:
        killer.start()
        results = {Path(d.path).name: d for d in pool.run(tasks())}
        assert pool.workers[0].proc.pid != victim
    finally:
        killer.join()
        pool.close()
    assert [results[f"a{i}.txt"].status for i in range(4)] == ["ok"] * 4
    return results


@pytest.mark.slow
def test_worker_killed_mid_file_is_replaced_and_its_file_blamed(tmp_path: Path,
                                                                big_text: Path) -> None:
    results = _killed_mid_file(tmp_path, big_text, retries=0)
    assert results["big.txt"].status == "unreadable"
    assert "worker died" in reason(results["big.txt"])


@pytest.mark.slow
def test_retry_policy_tries_the_file_of_a_killed_worker_again(tmp_path: Path,
                                                             big_text: Path) -> None:
    results = _killed_mid_file(tmp_path, big_text, retries=1)
    assert results["big.txt"].status == "ok", reason(results["big.txt"])


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
