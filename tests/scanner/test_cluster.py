"""``dingmi audit --executor dask://…`` on a real Dask cluster: a scheduler and two workers started
with the ``dask`` command-line programs on 127.0.0.1. The generated 300-file archive gives the
same outputs as a local ``--jobs 2`` run; a worker killed with SIGKILL mid-run costs nothing (every
file one report, one database row); a coordinator killed mid-run resumes without processing a file
twice; a file past its time limit and one past its memory limit get ``unreadable`` reports and the
workers survive; a worker with other catalogues is refused, at the start or when it joins
mid-run; a wrong --path-map gives unreadable reports, not other files' results; losing the
scheduler is one line and exit 2."""

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


def _odd_worker(cluster: Cluster, folder: Path, name: str = "odd") -> subprocess.Popen[bytes]:
    """A worker run where ``rules/catalogs/demo.yaml`` holds another content (a relative
    catalogue path is read by each worker in its own folder)."""
    (folder / "rules" / "catalogs").mkdir(parents=True)
    text = (REPO / "rules" / "catalogs" / "demo.yaml").read_text(encoding="utf-8")
    (folder / "rules" / "catalogs" / "demo.yaml").write_text(
        text.replace('version: "2026.1"', 'version: "9"'), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-P", "-c",  # -P: its folder is not on the import path
         "import os, sys; os.chdir(sys.argv[1]); "
         "from distributed.cli.dask_worker import main; sys.argv = ['dask-worker'] + "
         "sys.argv[2:]; main()", str(folder), cluster.address, "--nthreads", "1", "--no-nanny",
         "--no-dashboard", "--name", name], cwd=REPO, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)


def test_h10_a_worker_joining_mid_run_with_other_catalogues_gets_no_work(
        cluster: Cluster, archive: Path, tmp_path: Path) -> None:
    """Issue 26, 10: workers were checked only at the start. Mid-run the two good workers are
    stopped (SIGSTOP) and a worker with another catalogue joins: before the fix Dask gave it
    the waiting batches (its catalogue version in the outputs); now it is checked, named, and
    left without work, and the outputs are those of the local run."""
    out, local = tmp_path / "out", tmp_path / "local"

    def cmd(where: Path, *extra: str) -> list[str]:
        return [sys.executable, "-m", "scanner.cli", "audit", str(archive), "--out", str(where),
                "--as-of", AS_OF.isoformat(), "--catalog", "rules/catalogs/demo.yaml", *extra]

    subprocess.run(cmd(local, "--jobs", "2"), cwd=REPO, capture_output=True, timeout=600,
                   check=False)
    proc = subprocess.Popen(cmd(out, "--executor", f"dask://127.0.0.1:{cluster.port}"),
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    good = [w for w in cluster.workers if w.poll() is None]
    deadline = time.monotonic() + 300
    while not ((out / "reports").exists() and len(reports(out)) >= 10):
        assert time.monotonic() < deadline and proc.poll() is None, "the audit did not start"
        time.sleep(0.02)
    for w in good:
        os.kill(w.pid, signal.SIGSTOP)
    odd = None
    try:
        odd = _odd_worker(cluster, tmp_path / "odd")
        cluster._wait(len(good) + 1)
        time.sleep(3)  # time for the scheduler to hand it waiting batches, were it allowed to
    finally:
        for w in good:
            os.kill(w.pid, signal.SIGCONT)
    try:
        _, err = proc.communicate(timeout=900)
    finally:
        if odd is not None:
            odd.kill()
            odd.wait()
    assert proc.returncode in (0, 1, 3), err
    assert len(reports(out)) == N_FILES and set(rows(out).values()) == {1}
    assert diff(local, out) == 0  # no report made with the odd worker's catalogue
    assert "odd" in err and "不分配任务" in err, err  # (Chinese: the default language)


def test_h10_a_worker_that_does_not_answer_gets_no_work_and_holds_nothing(
        cluster: Cluster, tmp_path: Path) -> None:
    """A worker that joined and then stopped answering (SIGSTOP) cannot say what it runs: it
    gets no work, and the audit is not held waiting for it (before, the check waited for it
    for ever)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(12):
        (folder / f"a{i}.txt").write_text(f"秘密★5年\n关于某事项的通知{i}\n", encoding="utf-8")
    frozen = cluster.add_worker("frozen")
    os.kill(frozen.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        done = audit(folder, tmp_path / "out", "--executor", f"dask://127.0.0.1:{cluster.port}",
                     "--batch", "1")
        assert time.monotonic() - started < 120
    finally:
        frozen.kill()
        frozen.wait()
        cluster.workers.remove(frozen)
    assert done.returncode == 0, done.stderr
    assert len(reports(tmp_path / "out")) == 12


def test_h10_a_batch_refuses_to_run_on_a_different_worker() -> None:
    """The check in the task itself (a worker restarted with other catalogues at the address
    already checked): the batch raises, naming what the worker runs, and reads nothing."""
    from scanner.pipeline import ScanOptions  # noqa: PLC0415
    from scanner.workers.cluster import WorkerRefused, identity, run_batch  # noqa: PLC0415
    from scanner.workers.pool import Policy  # noqa: PLC0415
    from scanner.workers.task import Job, Task  # noqa: PLC0415

    demo = str(REPO / "rules" / "catalogs" / "demo.yaml")
    job = Job({"": ScanOptions(as_of=AS_OF, catalogs=(demo,))}, ())
    engine, hashes = identity((demo,))
    with pytest.raises(WorkerRefused) as refused:
        run_batch([Task("/nonexistent/a.txt", "a.txt")], job, Policy(), (engine, ("0" * 64,)))
    assert refused.value.theirs == (engine, hashes)
    with pytest.raises(WorkerRefused):
        run_batch([Task("/nonexistent/a.txt", "a.txt")], job, Policy(), ("other", hashes))


def test_h11_a_wrong_path_map_gives_unreadable_reports_not_other_files_results(
        cluster: Cluster, tmp_path: Path) -> None:
    """Issue 26, 11: with a wrong --path-map the workers read other files of the same names,
    and their results were reported under the local names. Now a size that differs, or (for a
    file unchanged since its last audit) a content hash, makes the file unreadable with the
    reason; with the map fixed, the next run reads those files again."""
    import json  # noqa: PLC0415

    here, there = tmp_path / "here", tmp_path / "there"
    for folder in (here, there):
        folder.mkdir()
    (here / "same.txt").write_text("秘密★5年\n关于某事项的通知\n", encoding="utf-8")
    (there / "same.txt").write_text("秘密★5年\n关于某事项的通知\n", encoding="utf-8")
    (here / "longer.txt").write_text("机密★10年\n关于某事项的通知\n", encoding="utf-8")
    (there / "longer.txt").write_text("关于某事项的通知\n", encoding="utf-8")
    (here / "stale.txt").write_text("绝密★20年\n通知\n", encoding="utf-8")
    (there / "stale.txt").write_text("机密★20年\n通知\n", encoding="utf-8")  # same size
    assert (here / "stale.txt").stat().st_size == (there / "stale.txt").stat().st_size
    out = tmp_path / "out"
    executor = ("--executor", f"dask://127.0.0.1:{cluster.port}")
    audit(here, out, *executor)  # right: every hash known

    def statuses() -> dict[str, dict[str, str]]:
        return {p.name.split(".")[0]: json.loads(p.read_text("utf-8")) for p in reports(out)}

    assert {k: v["status"] for k, v in statuses().items()} == dict.fromkeys(
        ("same", "longer", "stale"), "ok")
    # a file new since: no hash known, the same size, but the worker's copy is a day older
    (here / "older.txt").write_text("机密★10年\n通知\n", encoding="utf-8")
    (there / "older.txt").write_text("秘密★10年\n通知\n", encoding="utf-8")
    day_ago = (here / "older.txt").stat().st_mtime - 86400
    os.utime(there / "older.txt", (day_ago, day_ago))
    (here / "missing.txt").write_text("秘密\n通知\n", encoding="utf-8")  # and none there
    done = audit(here, out, *executor, "--path-map", f"{here}={there}", "--lang", "en")
    assert done.returncode == 3
    got = statuses()
    assert got["same"]["status"] == "ok" and got["same"]["marking"]["raw"] == "秘密★5年"
    for name in ("longer", "stale", "older", "missing"):
        assert got[name]["status"] == "unreadable", got[name]
        assert f"{there}/{name}.txt" in got[name]["reason_en"], got[name]["reason_en"]
        assert "check --path-map" in got[name]["reason_en"]
    assert "bytes there" in got["longer"]["reason_en"]
    assert "content hash" in got["stale"]["reason_en"]
    assert "modified" in got["older"]["reason_en"], got["older"]["reason_en"]
    assert "could not read" in got["missing"]["reason_en"], got["missing"]["reason_en"]
    done = audit(here, out, *executor, "--lang", "en")  # the map fixed: those four read again
    assert "processed 4, reused 1" in done.stdout, done.stdout
    got = statuses()
    assert {k: v["status"] for k, v in got.items()} == dict.fromkeys(
        ("same", "longer", "stale", "older", "missing"), "ok")
    assert got["stale"]["marking"]["raw"] == "绝密★20年"


def test_h16_losing_the_scheduler_mid_audit_is_one_line_and_exit_2(
        archive: Path, tmp_path: Path) -> None:
    """Issue 26, 16: a scheduler killed mid-audit gave three tracebacks and exit 1 (the code
    of findings). Now one line says what happened (in English with --lang en, in Chinese
    otherwise) and the exit code is 2; the audit resumes where it stopped."""
    for lang, words in (("en", "lost the connection to the Dask scheduler"),
                        ("zh", "与 Dask 调度器")):
        (tmp_path / f"cluster-{lang}").mkdir()
        own = Cluster(tmp_path / f"cluster-{lang}")
        out = tmp_path / f"out-{lang}"
        try:
            proc = subprocess.Popen(
                audit_cmd(archive, out, "--executor", f"dask://127.0.0.1:{own.port}", "--lang",
                          lang), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True)
            _kill_when(out, own.scheduler.pid, 40)
            _, err = proc.communicate(timeout=300)
        finally:
            own.close()
        mine = [line for line in err.splitlines() if line.startswith("dingmi:")]
        assert proc.returncode == 2, err
        assert "Traceback" not in err and len(mine) == 1, err
        assert words in mine[0], err
        assert 40 <= len(rows(out)) < N_FILES
    audit(archive, out, "--jobs", "2")  # resumes (here on local workers): nothing twice
    assert len(rows(out)) == N_FILES and set(rows(out).values()) == {1}


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
