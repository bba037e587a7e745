"""``dingmi audit --executor dask://…`` on a real Dask cluster: a scheduler and two workers started
with the ``dask`` command-line programs on 127.0.0.1. The generated 300-file archive gives the
same outputs as a local ``--jobs 2`` run; a worker killed with SIGKILL mid-run costs nothing (every
file one report, one database row); a coordinator killed mid-run resumes without processing a file
twice; a file past its time limit and one past its memory limit get ``unreadable`` reports and the
workers survive; a worker with other catalogues is refused."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

from compare_outputs import diff  # noqa: E402
from make_archive import AS_OF, make_archive  # noqa: E402

pytestmark = pytest.mark.slow
N_FILES = 300
TEXTS = REPO / "tests" / "data" / "texts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A scheduler and workers as processes (workers without a nanny: a SIGKILL is a death)."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.folder = folder
        self.logs: list[Path] = []
        self.scheduler = self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port",
                                                   str(self.port), "--no-dashboard"])
        self.workers: list[subprocess.Popen[bytes]] = []
        self._wait(0)
        for i in range(2):
            self.add_worker(f"w{i}")

    def _start(self, name: str, args: list[str], env: dict[str, str] | None = None
               ) -> subprocess.Popen[bytes]:
        log = self.folder / f"{name}.log"
        self.logs.append(log)
        with log.open("wb") as fh:
            return subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_" + args[0],
                                     *args[1:]], stdout=fh, stderr=subprocess.STDOUT, cwd=REPO,
                                    env={**os.environ, **(env or {}),
                                         "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"})

    def add_worker(self, name: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        proc = self._start(name, ["worker", self.address, "--nthreads", "1", "--no-nanny",
                                  "--no-dashboard", "--name", name, "--host", "127.0.0.1"], env)
        self.workers.append(proc)
        self._wait(sum(1 for w in self.workers if w.poll() is None))
        return proc

    def _wait(self, workers: int) -> None:
        from distributed import Client  # noqa: PLC0415

        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(self.address, timeout="5s") as client:
                    if len(client.scheduler_info()["workers"]) >= workers:
                        return
            except (OSError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError("the cluster did not come up: " + " | ".join(
                    p.read_text(errors="replace")[-400:] for p in self.logs))
            time.sleep(0.5)

    def close(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            if proc.poll() is None:
                proc.terminate()
        for proc in [*self.workers, self.scheduler]:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    c = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("archive")
    make_archive(base, N_FILES)
    return base / "archive"


def audit_cmd(archive: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scanner.cli", "audit", str(archive), "--out", str(out),
            "--as-of", AS_OF.isoformat(), "--catalog", "demo", *extra]


def audit(archive: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(audit_cmd(archive, out, *extra), capture_output=True, text=True,
                          cwd=REPO, timeout=900, check=False)
    assert done.returncode in (0, 1, 3), done.stderr
    return done


def rows(out: Path) -> dict[str, int]:
    con = sqlite3.connect(out / "audit.sqlite")
    try:
        return {bytes(r[0]).decode("utf-8", "surrogateescape"): r[1]
                for r in con.execute("SELECT relative, scans FROM files")}
    finally:
        con.close()


def reports(out: Path) -> list[Path]:
    return list((out / "reports").rglob("*.report.json"))


@pytest.fixture(scope="module")
def local(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    audit(archive, out, "--jobs", "2")
    return out


def test_the_same_outputs_as_a_local_run(cluster: Cluster, archive: Path, local: Path,
                                         tmp_path: Path) -> None:
    out = tmp_path / "out"
    audit(archive, out, "--executor", f"dask://127.0.0.1:{cluster.port}")
    assert diff(local, out) == 0
    assert len(reports(out)) == N_FILES and set(rows(out).values()) == {1}


def test_a_path_map_reads_where_workers_mount_the_archive(cluster: Cluster, archive: Path,
                                                          local: Path, tmp_path: Path) -> None:
    mount = tmp_path / "mnt"
    mount.symlink_to(archive)  # the workers' view of the same storage
    out = tmp_path / "out"
    audit(archive, out, "--executor", f"dask://127.0.0.1:{cluster.port}", "--path-map",
          f"{archive}={mount}")
    assert diff(local, out) == 0  # reports keep the coordinator's paths


def _kill_when(out: Path, proc_pid: int, done: int) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if (out / "reports").exists() and len(reports(out)) >= done:
            os.kill(proc_pid, signal.SIGKILL)
            return
        time.sleep(0.02)
    raise AssertionError("the audit did not get far enough to be killed")


def test_a_killed_coordinator_resumes_without_repeating_a_file(
        cluster: Cluster, archive: Path, local: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen(audit_cmd(archive, out, "--executor",
                                      f"dask://127.0.0.1:{cluster.port}"),
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _kill_when(out, proc.pid, N_FILES // 4)
    proc.wait(timeout=30)
    assert len(rows(out)) < N_FILES
    audit(archive, out, "--executor", f"dask://127.0.0.1:{cluster.port}")
    assert len(rows(out)) == N_FILES
    assert set(rows(out).values()) == {1}, "a file was processed twice"
    assert diff(local, out) == 0


def test_limits_on_the_cluster_and_the_workers_survive(cluster: Cluster, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = (TEXTS / "gov_sc_01.txt").read_text(encoding="utf-8")
    (folder / "big.txt").write_text(text * (14_000_000 // len(text) + 1), encoding="utf-8")
    for i in range(4):
        (folder / f"a{i}.txt").write_text(f"秘密★5年\n关于某事项的通知{i}\n", encoding="utf-8")
    alive = [w.pid for w in cluster.workers if w.poll() is None]
    for extra, why in ((("--timeout", "0.5"), "time limit"), (("--memory-mb", "40"),
                                                              "memory limit")):
        out = tmp_path / why.replace(" ", "_")
        audit(folder, out, "--executor", f"dask://127.0.0.1:{cluster.port}", "--batch", "1",
              *extra)
        import json  # noqa: PLC0415

        got = {p.name: json.loads(p.read_text("utf-8")) for p in reports(out)}
        big = got["big.txt.report.json"]
        assert big["status"] == "unreadable" and why in big["reason_en"], big["reason_en"]
        assert all(got[f"a{i}.txt.report.json"]["status"] == "ok" for i in range(4))
    assert [w.pid for w in cluster.workers if w.poll() is None] == alive  # none died


def test_a_worker_with_other_catalogues_is_refused(cluster: Cluster, archive: Path,
                                                   tmp_path: Path) -> None:
    """A relative catalogue path is read by each worker in its own folder: the odd worker runs
    where ``rules/catalogs/demo.yaml`` holds another content, and is refused."""
    odd = tmp_path / "odd"
    (odd / "rules" / "catalogs").mkdir(parents=True)
    text = (REPO / "rules" / "catalogs" / "demo.yaml").read_text(encoding="utf-8")
    (odd / "rules" / "catalogs" / "demo.yaml").write_text(
        text.replace('version: "2026.1"', 'version: "9"'), encoding="utf-8")
    worker = subprocess.Popen(
        [sys.executable, "-P", "-c",  # -P: its folder is not on the import path
         "import os, sys; os.chdir(sys.argv[1]); "
         "from distributed.cli.dask_worker import main; sys.argv = ['dask-worker'] + "
         "sys.argv[2:]; main()", str(odd), cluster.address, "--nthreads", "1", "--no-nanny",
         "--no-dashboard", "--name", "odd"], cwd=REPO, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        cluster._wait(3)
        done = subprocess.run(
            [sys.executable, "-m", "scanner.cli", "audit", str(archive), "--out",
             str(tmp_path / "out"), "--catalog", "rules/catalogs/demo.yaml", "--lang", "en",
             "--executor", f"dask://127.0.0.1:{cluster.port}"], capture_output=True, text=True,
            cwd=REPO, timeout=300, check=False)
        assert done.returncode == 2, done.stderr
        assert "odd" in done.stderr and "other catalogues" in done.stderr, done.stderr
        assert "refused" in done.stderr
        assert not (tmp_path / "out" / "reports").exists()  # nothing was sent
    finally:
        worker.kill()
        worker.wait()


def test_a_worker_killed_mid_run_costs_nothing(cluster: Cluster, archive: Path, local: Path,
                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen(audit_cmd(archive, out, "--executor",
                                      f"dask://127.0.0.1:{cluster.port}"),
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    victim = cluster.workers[0]
    _kill_when(out, victim.pid, N_FILES // 4)
    _, err = proc.communicate(timeout=900)
    assert proc.returncode in (0, 1, 3), err
    assert len(reports(out)) == N_FILES
    assert set(rows(out).values()) == {1} and len(rows(out)) == N_FILES
    assert diff(local, out) == 0
    cluster.add_worker("w-replacement")
