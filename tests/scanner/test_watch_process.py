"""The watcher under load and as a real process: bursts, SIGTERM, and SIGKILL at random moments.

Every file must end reported exactly once: one row in the state database, one report."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from builders import DocSpec, make_docx
from test_watch import Running, _config, wait_until

from scanner.pipeline import ScanOptions
from scanner.watch.state import StateDB
from scanner.watch.watcher import RETRIES, WINDOW
from scanner.workers.pool import Policy, ProcessPool
from scanner.workers.task import Job, Task

DOC = DocSpec(body=["000123", "秘密★5年", "知悉范围：本局", "2026年3月2日"])


def _rows(db_path: Path) -> list[str]:
    if not db_path.exists():
        return []
    db = StateDB(db_path)
    try:
        return [r.path for r in db.rows()]
    finally:
        db.close()


@pytest.mark.slow
def test_burst_of_two_thousand_files(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "src" / "a.docx", DOC)
    config = _config(tmp_path, settle_seconds=0.2)
    with Running(config) as run:
        for i in range(2000):
            shutil.copy(src, tmp_path / "in" / f"f{i:04d}.docx")
        assert wait_until(lambda: run.rows() == 2000, 180), run.rows()
        time.sleep(0.5)
        assert run.watcher.processed == 2000
    reports = list((tmp_path / "reports").glob("*.report.json"))
    assert len(reports) == 2000


def _write_config(tmp_path: Path) -> Path:
    cfg = tmp_path / "watch.yaml"
    cfg.write_text(
        "state_db: state/s.db\nreconcile_seconds: 2\nfolders:\n"
        "  - path: in\n    reports: reports\n    settle_seconds: 0.2\n", encoding="utf-8")
    (tmp_path / "in").mkdir()
    return cfg


def _start(cfg: Path) -> subprocess.Popen[bytes]:
    log = (cfg.parent / "watch.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "scanner.cli", "watch", "--config", str(cfg)],
                            stdout=log, stderr=log, cwd=cfg.parent)


def _ready(cfg: Path, starts: int) -> bool:
    """The n-th start has attached its folders (and installed its signal handlers)."""
    log = cfg.parent / "watch.log"
    return log.exists() and log.read_text(encoding="utf-8").count("开始监视") >= starts


def _terminate(proc: subprocess.Popen[bytes]) -> int:
    """SIGTERM, and the exit code."""
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=30)


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Leave no process behind, whatever the test did."""
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=30)


def test_sigterm_stops_cleanly(tmp_path: Path) -> None:
    cfg = _write_config(tmp_path)
    proc = _start(cfg)
    try:
        assert wait_until(lambda: _ready(cfg, 1), 60)
        assert _terminate(proc) == 0
    finally:
        _reap(proc)


@pytest.mark.slow
def test_sigkill_five_times_during_a_burst(tmp_path: Path) -> None:
    cfg = _write_config(tmp_path)
    src = make_docx(tmp_path / "src" / "a.docx", DOC)
    rng = random.Random(2026)
    done = threading.Event()

    def drop() -> None:
        for i in range(500):
            shutil.copy(src, tmp_path / "in" / f"f{i:03d}.docx")
            if i % 50 == 0:
                time.sleep(0.2)
        done.set()

    dropper = threading.Thread(target=drop)
    proc = _start(cfg)
    try:
        dropper.start()
        for _ in range(5):
            time.sleep(rng.uniform(0.8, 2.5))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            proc = _start(cfg)
        dropper.join(timeout=120)
        assert done.is_set()
        db_path = tmp_path / "state" / "s.db"
        assert wait_until(lambda: len(_rows(db_path)) >= 500, 180), len(_rows(db_path))
        assert wait_until(lambda: _ready(cfg, 6), 60)
        assert _terminate(proc) == 0
    finally:
        _reap(proc)
    paths = _rows(tmp_path / "state" / "s.db")
    assert len(paths) == 500 and len(set(paths)) == 500
    reports = sorted(p.name for p in (tmp_path / "reports").glob("*.report.json"))
    assert reports == [f"f{i:03d}.docx.report.json" for i in range(500)]
    assert not list((tmp_path / "reports").glob(".dingmi-*"))


def test_a_dead_worker_is_replaced_and_its_files_come_back(tmp_path: Path) -> None:
    """The watcher's pool policy: a worker killed while idle condemns no file."""
    (tmp_path / "in").mkdir()
    files = [make_docx(tmp_path / "in" / f"w{i}.docx", DOC) for i in range(3)]
    job = Job({"in": ScanOptions(as_of=dt.date(2026, 11, 22))})
    pool = ProcessPool(job, 1, Policy(window=WINDOW, retries=RETRIES))
    try:
        first = pool.workers[0]
        os.kill(first.proc.pid, signal.SIGKILL)
        first.proc.join(timeout=30)
        results = list(pool.run([Task(str(f), f.name, "in") for f in files]))
        assert sorted(r.path for r in results) == sorted(map(str, files))  # every file answered
        # killed while idle: no file is to blame, every one is scanned by the new worker
        assert all(r.verdict == "clean" for r in results), [r.json() for r in results]
        assert pool.workers[0] is not first and pool.workers[0].proc.is_alive()
        again = list(pool.run([Task(str(files[0]), files[0].name, "in")]))
        assert again[0].verdict == "clean"
    finally:
        pool.close()
