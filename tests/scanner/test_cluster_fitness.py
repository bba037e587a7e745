"""Dask workers that cannot run an audit are refused before any file is sent, by name and with
the fix: a worker started the default way (``dask worker ADDRESS``: under a nanny, a daemonic
process that may not have children) and a worker where dingmi cannot be imported. A real
scheduler and real workers as processes on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Scheduler:
    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.folder = folder
        self.procs: list[subprocess.Popen[bytes]] = []
        self.start("scheduler", [sys.executable, "-m", "distributed.cli.dask_scheduler",
                                 "--host", "127.0.0.1", "--port", str(self.port),
                                 "--no-dashboard"])

    def start(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> None:
        with (self.folder / f"{name}.log").open("wb") as fh:
            self.procs.append(subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT,
                                               cwd=REPO, env={**os.environ, **(env or {})}))

    def wait_for(self, name: str) -> None:
        from distributed import Client  # noqa: PLC0415

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with Client(self.address, timeout="5s") as client:
                    names = {w.get("name") for w in client.scheduler_info()["workers"].values()}
                    if name in names:
                        return
            except (OSError, TimeoutError):
                pass
            time.sleep(0.5)
        logs = " | ".join(p.read_text(errors="replace")[-400:]
                          for p in self.folder.glob("*.log"))
        raise AssertionError(f"worker {name} did not come up: {logs}")

    def close(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def scheduler(tmp_path: Path) -> Iterator[Scheduler]:
    s = Scheduler(tmp_path)
    try:
        yield s
    finally:
        s.close()


def audit(scheduler: Scheduler, out: Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scanner.cli", "audit", str(REPO / "examples"), "--out", str(out),
         "--catalog", "demo", "--lang", lang, "--executor", f"dask://127.0.0.1:{scheduler.port}"],
        capture_output=True, text=True, cwd=REPO, timeout=300, check=False)


def dask_worker() -> str:
    """The ``dask worker`` program of this environment (the one the docs tell people to run)."""
    program = Path(sys.executable).parent / "dask"
    assert program.exists(), program
    return str(program)


def test_a_worker_started_the_default_way_is_refused_with_the_fix(
        scheduler: Scheduler, tmp_path: Path) -> None:
    scheduler.start("default", [dask_worker(), "worker", scheduler.address, "--nthreads", "1",
                                "--no-dashboard", "--name", "default", "--host", "127.0.0.1"])
    scheduler.wait_for("default")
    done = audit(scheduler, tmp_path / "out")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "default" in done.stderr and "daemonic" in done.stderr, done.stderr
    assert "DASK_DISTRIBUTED__WORKER__DAEMON=False" in done.stderr, done.stderr
    assert "--no-nanny" in done.stderr and "refused" in done.stderr, done.stderr
    assert not (tmp_path / "out" / "reports").exists()  # nothing was sent
    zh = audit(scheduler, tmp_path / "out_zh", lang="zh")
    assert zh.returncode == 2 and "守护进程" in zh.stderr, zh.stderr


def test_the_same_worker_with_the_documented_fix_runs_the_audit(
        scheduler: Scheduler, tmp_path: Path) -> None:
    scheduler.start("fixed", [dask_worker(), "worker", scheduler.address, "--nthreads", "1",
                              "--no-dashboard", "--name", "fixed", "--host", "127.0.0.1"],
                    env={"DASK_DISTRIBUTED__WORKER__DAEMON": "False"})
    scheduler.wait_for("fixed")
    done = audit(scheduler, tmp_path / "out")
    assert done.returncode in (0, 1), done.stderr
    assert list((tmp_path / "out" / "reports").rglob("*.report.json"))


def _odd_worker(scheduler: Scheduler, name: str, change: str) -> None:
    """Start a Dask worker named ``name`` whose Python runs ``change`` first (no dingmi, another
    version, another index method), and wait until the scheduler sees it."""
    scheduler.start(name, [sys.executable, "-c",
                           f"import sys; {change}; "
                           "from distributed.cli.dask_worker import main; "
                           "sys.argv = ['dask-worker'] + sys.argv[1:]; main()",
                           scheduler.address, "--nthreads", "1", "--no-nanny",
                           "--no-dashboard", "--name", name, "--host", "127.0.0.1"])
    scheduler.wait_for(name)


def test_a_worker_without_dingmi_is_refused_with_the_fix(scheduler: Scheduler,
                                                         tmp_path: Path) -> None:
    # A worker whose Python environment has Dask but no dingmi: the package cannot be imported.
    _odd_worker(scheduler, "bare", "sys.modules['scanner'] = None")
    done = audit(scheduler, tmp_path / "out")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "bare" in done.stderr and "has no dingmi" in done.stderr, done.stderr
    assert 'pip install "dingmi[dask]==' in done.stderr, done.stderr
    assert not (tmp_path / "out" / "reports").exists()


def test_a_worker_with_another_dingmi_is_refused_with_the_fix(scheduler: Scheduler,
                                                              tmp_path: Path) -> None:
    # A worker whose dingmi says it is another version (as one installed from another bundle).
    _odd_worker(scheduler, "older",
                "import scanner.workers.cluster as c; c.ENGINE = 'dingmi/0.0.9'")
    done = audit(scheduler, tmp_path / "out")
    assert done.returncode == 2, done.stderr
    assert "older" in done.stderr and "runs dingmi/0.0.9" in done.stderr, done.stderr
    assert 'pip install "dingmi[dask]==' in done.stderr and "refused" in done.stderr
    assert not (tmp_path / "out" / "reports").exists()


def test_a_worker_with_another_index_method_is_refused(scheduler: Scheduler,
                                                      tmp_path: Path) -> None:
    # The same version, another build whose derived index is computed by another method: its
    # fingerprints would match nothing in the index the coordinator builds.
    _odd_worker(scheduler, "method",
                "import scanner.workers.cluster as c; c.METHOD = c.METHOD + 1")
    done = audit(scheduler, tmp_path / "out")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "method" in done.stderr and "computes the derived index by method" in done.stderr
    assert "refused" in done.stderr, done.stderr
    assert not (tmp_path / "out" / "reports").exists()
