"""Watched folders: settling with an injected clock, configuration errors, and a real watchdog
observer on real folders (drops, chunked writes, catch-up, the pre-issue gate, a folder deleted
and recreated). Tests fail when a thread is left running."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from builders import DocSpec, make_docx

from scanner.catalogs import DEMO
from scanner.errors import ConfigError
from scanner.fsutil import remove_stale_temporaries
from scanner.watch.config import Folder, WatchConfig, load
from scanner.watch.handle import free_name, move_checked
from scanner.watch.settle import Settler
from scanner.watch.state import StateDB
from scanner.watch.watcher import Watcher

CLEAN = DocSpec(body=["000123", "秘密★5年", "知悉范围：本局", "2026年3月2日"])
SHARED_TEXTS = Path(__file__).resolve().parents[1] / "data" / "texts"
FAILING = DocSpec(body=["内部★1年", "关于某事项的通知"])


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_settler_waits_for_quiet_files() -> None:
    clock = FakeClock()
    sizes = {Path("a"): (10, 1)}
    settler = Settler(clock, stat=sizes.get, can_read=lambda p: True)
    settler.touch(Path("a"), 0.5)
    assert settler.due() == []
    clock.now = 0.6
    sizes[Path("a")] = (20, 2)  # still being written, and no event said so
    assert settler.due() == []  # the change is seen: quiet only from 0.6
    clock.now = 1.0
    assert settler.due() == []
    clock.now = 1.15
    assert settler.due() == [Path("a")]
    assert len(settler) == 0


def test_settler_drops_vanished_and_waits_for_readable() -> None:
    clock = FakeClock()
    sizes = {Path("gone"): (1, 1), Path("locked"): (1, 1)}
    readable = {Path("locked"): False}
    settler = Settler(clock, stat=sizes.get, can_read=lambda p: readable.get(p, True))
    settler.touch(Path("gone"), 0.1)
    settler.touch(Path("locked"), 0.1)
    del sizes[Path("gone")]
    clock.now = 1.0
    assert settler.due() == []
    assert Path("gone") not in settler and Path("locked") in settler
    readable[Path("locked")] = True
    assert settler.due() == [Path("locked")]


@pytest.mark.parametrize(("text", "message"), [
    ("folders:\n  - path: in\n    reports: out\n    colour: red\n", ":4: folders.0.colour"),
    ("folders:\n  - path: in\n    reports: out\n    profile: fast\n", ":4: folders.0.profile"),
    ("folders:\n  - path: in\n    reports: out\n    on_pass: ok\n", ":4: folders.0.on_pass"),
    ("folders: []\n", ":1: folders"),
    ("state_db: s.db\nfolders:\n  - path: in\n    reports: out\n    settle_seconds: -1\n",
     ":5: folders.0.settle_seconds"),
])
def test_configuration_errors_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "watch_dirs.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load(path)
    assert message in exc.value.message_en


def test_repository_configuration_is_valid() -> None:
    config = load(Path(__file__).resolve().parents[2] / "watch_dirs.yaml")
    assert {f.profile for f in config.folders} == {"intake", "pre-issue"}


def test_reports_inside_the_watched_folder_are_refused(tmp_path: Path) -> None:
    config = WatchConfig(tmp_path / "s.db", (Folder(tmp_path / "in", tmp_path / "in" / "r"),))
    with pytest.raises(ConfigError):
        Watcher(config, threading.Event())


def test_free_name_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_bytes(b"1")
    (tmp_path / "a (2).docx").write_bytes(b"2")
    assert free_name(tmp_path / "a.docx") == tmp_path / "a (3).docx"


# ── real observer ────────────────────────────────────────────────────────────────────────
def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


# The one thread meant to outlive a watcher: it starts worker processes for the whole process
# (scanner.workers.procs.start_lasting), so a replacement worker is not tied to a passing thread.
LASTING = {"dingmi-worker-starter"}


def _threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name not in LASTING}


@pytest.fixture
def no_leaked_threads() -> Iterator[None]:
    before = _threads()
    yield
    assert wait_until(lambda: _threads() <= before, 10), _threads() - before


class Running:
    """A watcher in a thread, stopped at exit."""

    def __init__(self, config: WatchConfig, *, log_excerpts: bool = False,
                 lang: str = "zh") -> None:
        self.stop = threading.Event()
        self.watcher = Watcher(config, self.stop, log_excerpts=log_excerpts, lang=lang)
        self.thread = threading.Thread(target=self.watcher.run)
        self.config = config

    def __enter__(self) -> Running:
        self.thread.start()
        assert self.watcher.ready.wait(60), "the watcher did not start"
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=20)
        assert not self.thread.is_alive()

    def rows(self) -> int:
        db = StateDB(self.config.state_db)
        try:
            return len(db.rows())
        finally:
            db.close()


def _config(tmp_path: Path, log_file: Path | None = None, timeout: float = 60.0,
            **folder: object) -> WatchConfig:
    (tmp_path / "in").mkdir(exist_ok=True)
    return WatchConfig(tmp_path / "state" / "s.db",
                       (Folder(tmp_path / "in", tmp_path / "reports", **folder),),  # type: ignore[arg-type]
                       log_file=log_file, reconcile_seconds=60, file_timeout_seconds=timeout)


def test_single_drop_is_reported_and_logged(tmp_path: Path, no_leaked_threads: None) -> None:
    """(The time from drop to report is measured by bench/bench_watch.py.)"""
    src = make_docx(tmp_path / "src" / "a.docx", CLEAN)
    log = tmp_path / "logs" / "watch.log"
    with Running(_config(tmp_path, log_file=log)) as run:
        shutil.copy(src, tmp_path / "in" / "a.docx")
        report = tmp_path / "reports" / "a.docx.report.json"
        assert wait_until(report.exists, 60), "no report"
        assert wait_until(lambda: run.rows() == 1, 60)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert any("clean" in x and str(tmp_path / "in" / "a.docx") in x for x in lines), lines


@pytest.mark.slow
def test_chunked_write_is_scanned_once_after_the_last_chunk(tmp_path: Path,
                                                            no_leaked_threads: None) -> None:
    data = make_docx(tmp_path / "src" / "a.docx", CLEAN).read_bytes()
    target = tmp_path / "in" / "slow.docx"
    with Running(_config(tmp_path)) as run:
        with target.open("wb") as fh:
            for i in range(6):
                fh.write(data[i * len(data) // 6:(i + 1) * len(data) // 6])
                fh.flush()
                time.sleep(0.5)
        report = tmp_path / "reports" / "slow.docx.report.json"
        assert wait_until(report.exists, 30)
        time.sleep(0.8)
        assert run.rows() == 1 and run.watcher.processed == 1
        assert '"status":"ok"' in report.read_text(encoding="utf-8")


def test_files_dropped_while_stopped_are_caught_up(tmp_path: Path, no_leaked_threads: None
                                                   ) -> None:
    config = _config(tmp_path)
    for i in range(5):
        make_docx(tmp_path / "in" / f"d{i}.docx", CLEAN)
    (tmp_path / "in" / "~$d0.docx").write_bytes(b"lock")
    with Running(config) as run:
        assert wait_until(lambda: run.rows() == 5, 10)
    with Running(config) as run:  # a restart processes nothing again
        time.sleep(1.0)
        assert run.watcher.processed == 0 and run.rows() == 5


def test_pre_issue_gate_moves_without_overwriting(tmp_path: Path, no_leaked_threads: None
                                                  ) -> None:
    config = _config(tmp_path, profile="pre-issue", on_pass=tmp_path / "passed",
                     on_fail=tmp_path / "failed")
    (tmp_path / "passed").mkdir()
    (tmp_path / "passed" / "ok.docx").write_bytes(b"earlier file with the same name")
    with Running(config) as run:
        make_docx(tmp_path / "src" / "ok.docx", CLEAN)
        make_docx(tmp_path / "src" / "bad.docx", FAILING)
        shutil.copy(tmp_path / "src" / "ok.docx", tmp_path / "in" / "ok.docx")
        shutil.copy(tmp_path / "src" / "bad.docx", tmp_path / "in" / "bad.docx")
        assert wait_until(lambda: run.rows() == 2, 10)
    assert (tmp_path / "passed" / "ok.docx").read_bytes() == b"earlier file with the same name"
    assert (tmp_path / "passed" / "ok (2).docx").exists()
    assert (tmp_path / "failed" / "bad.docx").exists()
    assert (tmp_path / "failed" / "bad.docx.report.html").exists()
    assert not list((tmp_path / "in").iterdir())


@pytest.mark.slow
def test_deleted_and_recreated_folder_is_watched_again(tmp_path: Path, no_leaked_threads: None
                                                       ) -> None:
    src = make_docx(tmp_path / "src" / "a.docx", CLEAN)
    with Running(_config(tmp_path)) as run:
        shutil.rmtree(tmp_path / "in")
        assert wait_until(lambda: tmp_path / "in" in run.watcher.missing, 30)
        (tmp_path / "in").mkdir()
        shutil.copy(src, tmp_path / "in" / "back.docx")
        assert wait_until((tmp_path / "reports" / "back.docx.report.json").exists, 30)


def test_a_failing_move_is_logged_and_retried(tmp_path: Path, no_leaked_threads: None) -> None:
    blocker = tmp_path / "passed"
    blocker.write_text("a file where the on_pass folder should be", encoding="utf-8")
    config = _config(tmp_path, profile="pre-issue", on_pass=blocker, on_fail=tmp_path / "failed")
    with Running(config) as run:
        make_docx(tmp_path / "in" / "ok.docx", CLEAN)
        assert wait_until((tmp_path / "reports" / "ok.docx.report.json").exists, 30)
        time.sleep(0.5)
        assert run.thread.is_alive() and run.rows() == 0
        assert (tmp_path / "in" / "ok.docx").exists()


def test_file_moved_in_counts_as_an_arrival(tmp_path: Path, no_leaked_threads: None) -> None:
    outside = make_docx(tmp_path / "elsewhere" / "draft.docx", CLEAN)
    with Running(_config(tmp_path)) as run:
        outside.rename(tmp_path / "in" / "final.docx")
        assert wait_until((tmp_path / "reports" / "final.docx.report.json").exists, 30)
        assert wait_until(lambda: run.rows() == 1, 30)


def test_changed_file_is_scanned_again(tmp_path: Path, no_leaked_threads: None) -> None:
    target = tmp_path / "in" / "a.docx"
    with Running(_config(tmp_path)) as run:
        make_docx(tmp_path / "src" / "a.docx", CLEAN)
        shutil.copy(tmp_path / "src" / "a.docx", target)
        assert wait_until(lambda: run.rows() == 1, 30)
        make_docx(tmp_path / "src" / "b.docx", DocSpec(body=["机密★10年", "知悉范围：本局"]))
        shutil.copy(tmp_path / "src" / "b.docx", target)
        assert wait_until(lambda: run.rows() == 2, 30)
    report = (tmp_path / "reports" / "a.docx.report.json").read_text(encoding="utf-8")
    assert "机密★10年" in report


def test_concurrent_moves_never_overwrite(tmp_path: Path) -> None:
    sources = []
    for i in range(20):
        folder = tmp_path / f"s{i}"
        folder.mkdir()
        (folder / "same.docx").write_bytes(f"content {i}".encode())
        sources.append(folder / "same.docx")
    target = tmp_path / "passed"
    target.mkdir()
    threads = [threading.Thread(target=move_checked, args=(s, target)) for s in sources]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    contents = sorted(p.read_bytes() for p in target.iterdir())
    assert contents == sorted(f"content {i}".encode() for i in range(20))


@pytest.mark.slow
def test_a_file_past_the_time_limit_is_reported_once_and_the_rest_go_on(
        tmp_path: Path, no_leaked_threads: None) -> None:
    text = (SHARED_TEXTS / "gov_sc_01.txt").read_text(encoding="utf-8")
    big = tmp_path / "src" / "big.txt"
    big.parent.mkdir()
    big.write_text(text * (14_000_000 // len(text) + 1), encoding="utf-8")
    small = make_docx(tmp_path / "src" / "small.docx", CLEAN)
    config = _config(tmp_path, timeout=0.5, catalogs=(str(DEMO),))
    with Running(config) as run:
        shutil.copy(big, tmp_path / "in" / "big.txt")
        shutil.copy(small, tmp_path / "in" / "small.docx")
        assert wait_until(lambda: run.rows() == 2, 60)
        time.sleep(1.0)
        assert run.rows() == 2
    report = json.loads((tmp_path / "reports" / "big.txt.report.json").read_bytes())
    assert report["status"] == "unreadable"
    assert "time limit (0.5 s)" in report["reason_en"]
    small_report = json.loads((tmp_path / "reports" / "small.docx.report.json").read_bytes())
    assert small_report["status"] == "ok"


@pytest.mark.parametrize("excerpts", [False, True])
def test_logs_hold_no_document_text_unless_asked(tmp_path: Path, excerpts: bool,
                                                no_leaked_threads: None) -> None:
    secret_title = "关于某绝密工程选址比选的请示"
    src = make_docx(tmp_path / "src" / "a.docx", DocSpec(body=[
        "000123", "机密★10年", secret_title, "知悉范围：局领导", "某市示例局", "2026年3月2日"]))
    log = tmp_path / "logs" / "watch.log"
    with Running(_config(tmp_path, log_file=log), log_excerpts=excerpts) as run:
        shutil.copy(src, tmp_path / "in" / "a.docx")
        assert wait_until(lambda: run.rows() == 1, 30)
    text = log.read_text(encoding="utf-8")
    assert "a.docx" in text
    assert secret_title not in text and "知悉范围" not in text and "000123" not in text
    assert ("机密★10年" in text) is excerpts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_log_lines_and_reports_follow_the_language(tmp_path: Path, lang: str) -> None:
    src = make_docx(tmp_path / "src" / "a.docx", CLEAN)
    log = tmp_path / "logs" / "watch.log"
    with Running(_config(tmp_path, log_file=log), lang=lang) as run:
        shutil.copy(src, tmp_path / "in" / "a.docx")
        assert wait_until(lambda: run.rows() == 1, 30)
    text = log.read_text(encoding="utf-8")
    assert ("watching 1 folders" in text) is (lang == "en")
    assert ("开始监视 1 个文件夹" in text) is (lang == "zh")
    page = (tmp_path / "reports" / "a.docx.report.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_temporaries_of_dead_writers_are_removed_at_start(tmp_path: Path,
                                                          no_leaked_threads: None) -> None:
    """A watcher killed in the middle of writing a report leaves ``.dingmi-….<pid>.tmp``; the
    next start removes it, but not a live process's file nor anything else."""
    reports = tmp_path / "reports" / "sub"
    reports.mkdir(parents=True)
    dead = reports / f".dingmi-a.docx.report.json.{_dead_pid()}.tmp"
    live = reports / f".dingmi-b.docx.report.json.{os.getpid()}.tmp"
    other = reports / "notes.tmp"
    for f in (dead, live, other):
        f.write_text("x", encoding="utf-8")
    with Running(_config(tmp_path)):
        assert not dead.exists()
    assert live.exists() and other.exists()


def test_remove_stale_temporaries_counts_and_skips(tmp_path: Path) -> None:
    pid = _dead_pid()
    names = [f".dingmi-r{i}.report.html.{pid}.tmp" for i in range(3)]
    for name in [*names, f".dingmi-x.{os.getpid()}.tmp", ".dingmi-no-pid.tmp", "r.report.json"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert remove_stale_temporaries(tmp_path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f".dingmi-x.{os.getpid()}.tmp", ".dingmi-no-pid.tmp", "r.report.json"])
    assert remove_stale_temporaries(tmp_path / "missing") == 0


def test_a_zombie_writers_temporary_is_removed(tmp_path: Path) -> None:
    """A killed worker nobody has reaped yet is a zombie: it will never finish its write."""
    child = subprocess.Popen(["true"])
    stat = Path(f"/proc/{child.pid}/stat")
    assert wait_until(lambda: stat.read_text().rpartition(")")[2].split()[0] == "Z", 10)
    (tmp_path / f".dingmi-z.report.json.{child.pid}.tmp").write_text("x", encoding="utf-8")
    try:
        assert remove_stale_temporaries(tmp_path) == 1
    finally:
        child.wait()


def _package(path: Path, tmp_path: Path) -> Path:
    import zipfile  # noqa: PLC0415

    ok = make_docx(tmp_path / "src" / "ok.docx", CLEAN)
    bad = make_docx(tmp_path / "src" / "bad.docx", FAILING)
    staging = tmp_path / "src" / path.name
    with zipfile.ZipFile(staging, "w") as zf:
        zf.write(ok, "发文/ok.docx")
        zf.write(bad, "bad.docx")
        zf.writestr("broken.zip", b"PK\x03\x04 not a zip")
    return staging


@pytest.mark.slow
def test_a_zip_package_is_checked_member_by_member(tmp_path: Path, no_leaked_threads: None
                                                   ) -> None:
    staging = _package(tmp_path / "box.zip", tmp_path)
    with Running(_config(tmp_path)) as run:
        shutil.copy(staging, tmp_path / "in" / "box.zip")
        assert wait_until(lambda: run.rows() == 1, 20)
    reports = tmp_path / "reports"
    ok = json.loads((reports / "box.zip!发文" / "ok.docx.report.json").read_text("utf-8"))
    bad = json.loads((reports / "box.zip!bad.docx.report.json").read_text("utf-8"))
    broken = json.loads((reports / "box.zip!broken.zip.report.json").read_text("utf-8"))
    assert ok["verdict"] == "clean" and bad["verdict"] == "error"
    assert broken["status"] == "unreadable" and "damaged" in broken["reason_en"]
    assert (tmp_path / "in" / "box.zip").exists()  # a scan folder leaves it where it is


@pytest.mark.slow
def test_a_zip_package_is_gated_whole(tmp_path: Path, no_leaked_threads: None) -> None:
    config = _config(tmp_path, profile="pre-issue", on_pass=tmp_path / "passed",
                     on_fail=tmp_path / "failed")
    staging = _package(tmp_path / "box.zip", tmp_path)
    with Running(config) as run:
        shutil.copy(staging, tmp_path / "in" / "box.zip")
        assert wait_until(lambda: run.rows() == 1, 20)
    assert (tmp_path / "failed" / "box.zip").exists()  # one failing member fails the package
    assert (tmp_path / "failed" / "box.zip!bad.docx.report.html").exists()
    assert not list((tmp_path / "in").iterdir())
