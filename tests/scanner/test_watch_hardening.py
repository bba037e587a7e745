"""Regression tests for the watcher's defects (numbers as in docs/robustness.md, "Defects fixed"):
the pre-issue gate moves only what it checked (1), links are never followed (2), names that are
not UTF-8 stop nothing (3), moves across file systems leave no damaged file (7)."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from builders import DocSpec, make_docx
from test_watch import CLEAN, FAILING, Running, _config, wait_until

import scanner.watch.handle as handle_module
from scanner import ENGINE
from scanner.pipeline import ScanOptions
from scanner.watch.config import Folder, WatchConfig
from scanner.watch.handle import SourceChanged, handle, move_checked
from scanner.watch.state import StateDB
from scanner.watch.watcher import Watcher
from scanner.workers.pool import InProcess
from scanner.workers.task import Job, Task

SECRET = DocSpec(body=["000123", "绝密★30年", "知悉范围：局领导", "2026年3月2日"])


def _pre_issue(tmp_path: Path) -> Folder:
    return Folder(tmp_path / "in", tmp_path / "reports", profile="pre-issue",
                  on_pass=tmp_path / "passed", on_fail=tmp_path / "failed")


# 1 ───────────────────────────────────────────────────────────────────────────────────────────
def test_1_the_gate_does_not_move_content_it_never_checked(tmp_path: Path) -> None:
    folder = _pre_issue(tmp_path)
    path = make_docx(tmp_path / "in" / "doc.docx", CLEAN)
    job = Job({"in": ScanOptions(as_of=dt.date(2026, 11, 22))})
    with InProcess(job) as ex:
        (result,) = ex.run([Task(str(path), "doc.docx", "in")])
    assert result.verdict == "clean"
    make_docx(tmp_path / "swap.docx", FAILING).replace(path)  # swapped in after the check
    with pytest.raises(SourceChanged):
        handle(result, folder, catalogs="", formats=("json",), lang="en",
               done=lambda *_: False, engine=ENGINE)
    assert not (tmp_path / "passed").exists() or not list((tmp_path / "passed").iterdir())
    assert path.exists()


def test_1_the_watcher_checks_a_changed_file_again(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    config = WatchConfig(tmp_path / "state" / "s.db", (_pre_issue(tmp_path),),
                         reconcile_seconds=60)
    swapped = threading.Event()
    real = handle_module.handle

    def swap_once(result, folder, **kw):  # type: ignore[no-untyped-def]
        if not swapped.is_set():
            swapped.set()
            make_docx(tmp_path / "swap.docx", FAILING).replace(result.path)
        return real(result, folder, **kw)

    monkeypatch.setattr("scanner.watch.watcher.handle", swap_once)
    (tmp_path / "in").mkdir()
    stop = threading.Event()
    watcher = Watcher(config, stop, use_worker=False)
    thread = threading.Thread(target=watcher.run)
    thread.start()
    try:
        assert watcher.ready.wait(30)
        make_docx(tmp_path / "src.docx", CLEAN).replace(tmp_path / "in" / "doc.docx")
        assert wait_until((tmp_path / "failed" / "doc.docx").exists, 30)
    finally:
        stop.set()
        thread.join(20)
    assert not (tmp_path / "passed").exists() or not list((tmp_path / "passed").iterdir())


# 2 ───────────────────────────────────────────────────────────────────────────────────────────
def test_2_a_link_in_a_pre_issue_folder_is_reported_not_followed_nor_moved(
        tmp_path: Path) -> None:
    secret = make_docx(tmp_path / "vault" / "secret.docx", SECRET)
    config = _config(tmp_path, profile="pre-issue", on_pass=tmp_path / "passed",
                     on_fail=tmp_path / "failed")
    with Running(config) as run:
        (tmp_path / "in" / "link.docx").symlink_to(secret)
        (tmp_path / "in" / "passwd.docx").symlink_to("/etc/passwd")
        assert wait_until(lambda: run.rows() == 2, 30)
    for name in ("link.docx", "passwd.docx"):
        assert (tmp_path / "in" / name).is_symlink()  # left where it was
        report = (tmp_path / "reports" / f"{name}.report.json").read_text(encoding="utf-8")
        assert "symbolic link" in report and "绝密" not in report.split('"reason_en"')[0]
    for gate in ("passed", "failed"):
        assert not (tmp_path / gate).exists() or not list((tmp_path / gate).iterdir())
    assert secret.exists()


# 3 ───────────────────────────────────────────────────────────────────────────────────────────
@pytest.mark.slow
@pytest.mark.parametrize("profile", ["intake", "pre-issue", "archive"])
def test_3_a_name_that_is_not_utf8_stops_nothing(tmp_path: Path, profile: str) -> None:
    extra = ({"on_pass": tmp_path / "passed", "on_fail": tmp_path / "failed"}
             if profile == "pre-issue" else {})
    config = _config(tmp_path, profile=profile, **extra)
    bad = os.fsdecode(b"\xff\xfe\xb2\xbb.docx")
    src = make_docx(tmp_path / "src" / "a.docx", CLEAN)
    for _ in range(2):  # and again after a restart
        with Running(config) as run:
            shutil.copy(src, tmp_path / "in" / bad)
            shutil.copy(src, tmp_path / "in" / "ok.docx")
            assert wait_until(lambda: run.rows() >= 2, 30), run.rows()
            assert run.thread.is_alive()
    db = StateDB(config.state_db)
    try:
        names = {Path(r.path).name for r in db.rows()}
    finally:
        db.close()
    assert bad in names and "ok.docx" in names
    if profile == "pre-issue":
        assert (tmp_path / "passed" / bad).exists()


# 7 ───────────────────────────────────────────────────────────────────────────────────────────
def _across_file_systems(monkeypatch: pytest.MonkeyPatch, source: Path) -> None:
    real = os.link

    def link(src: object, dst: object, **kw: object) -> None:
        if Path(str(src)) == source:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real(src, dst, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "link", link)


def test_7_a_move_across_file_systems_copies_completely(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    source = make_docx(tmp_path / "in" / "f2.docx", CLEAN)
    data = source.read_bytes()
    (tmp_path / "out").mkdir()
    _across_file_systems(monkeypatch, source)
    target = move_checked(source, tmp_path / "out")
    assert target.read_bytes() == data and not source.exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["f2.docx"]


def test_7_a_failed_copy_leaves_nothing_and_keeps_the_source(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = make_docx(tmp_path / "in" / "f2.docx", CLEAN)
    data = source.read_bytes()
    (tmp_path / "out").mkdir()
    _across_file_systems(monkeypatch, source)

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    for _ in range(3):  # retries leave nothing either
        with pytest.raises(OSError):
            move_checked(source, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
    assert source.read_bytes() == data


# 12 ──────────────────────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("extra_top", "second_on_pass", "words"), [
    ("", "a", ["watch.yaml:5", "folders.0.on_pass", "inside the watched folder"]),
    ("log_file: b/watch.log\n", "out", ["watch.yaml:1", "log_file", "inside the watched folder"]),
])
def test_12_configurations_that_loop_are_refused_with_the_line(
        tmp_path: Path, extra_top: str, second_on_pass: str, words: list[str]) -> None:
    from scanner.errors import ConfigError  # noqa: PLC0415
    from scanner.watch.config import load  # noqa: PLC0415

    cfg = tmp_path / "watch.yaml"
    cfg.write_text(extra_top + "folders:\n"
                   "  - path: a\n    reports: r\n    profile: pre-issue\n"
                   "    on_pass: b\n    on_fail: f\n"
                   "  - path: b\n    reports: r2\n    profile: pre-issue\n"
                   f"    on_pass: {second_on_pass}\n    on_fail: f2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load(cfg)
    for word in words:
        assert word in err.value.message_en, err.value.message_en


# 11 (watch) ──────────────────────────────────────────────────────────────────────────────────
@pytest.mark.slow
def test_11_watch_backs_off_a_file_whose_report_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    log = tmp_path / "logs" / "watch.log"
    config = WatchConfig(tmp_path / "state" / "s.db", (_pre_issue(tmp_path),), log_file=log,
                         reconcile_seconds=0.2)
    name = "长" * 80 + ".docx"  # its report's name is too long for the file system
    with Running(config, lang="en") as run:
        make_docx(tmp_path / "src.docx", CLEAN).replace(tmp_path / "in" / name)
        assert wait_until(lambda: "will retry in" in log.read_text(encoding="utf-8")
                          if log.exists() else False, 30)
        threading.Event().wait(4.0)  # twenty reconciliation passes
        assert run.thread.is_alive() and run.rows() == 0
    failures = [x for x in log.read_text(encoding="utf-8").splitlines() if "will retry" in x]
    assert 1 <= len(failures) <= 6, failures  # 0.2 s, 0.4 s, 0.8 s, 1.6 s... not every pass
    assert "cannot write" in failures[0]
    assert (tmp_path / "in" / name).exists()  # not moved: nothing was reported


# second round, 19 ────────────────────────────────────────────────────────────────────────────
def test_a_link_in_a_pre_issue_folder_is_reported_once(tmp_path: Path) -> None:
    """A link left in a pre-issue folder (never moved) is reported once, not again at every
    reconciliation pass, nor after a restart; pointed elsewhere it is reported again, once. A
    file the gate leaves in place (no on_pass folder) is likewise reported once, and one put
    back where a moved file was is gated again."""
    import dataclasses  # noqa: PLC0415

    secret = make_docx(tmp_path / "vault" / "secret.docx", SECRET)
    log = tmp_path / "logs" / "watch.log"
    config = _config(tmp_path, log_file=log, profile="pre-issue", on_fail=tmp_path / "failed",
                     settle_seconds=0.1)
    config = dataclasses.replace(config, reconcile_seconds=0.2)
    link = tmp_path / "in" / "link.docx"
    link.symlink_to(secret)
    stay = make_docx(tmp_path / "in" / "stay.docx", CLEAN)  # passes: no on_pass, stays

    def logged(name: str) -> int:
        return sum(name in line for line in log.read_text("utf-8").splitlines())

    with Running(config) as run:
        assert wait_until(lambda: run.rows() == 2, 30)
        time.sleep(2.0)  # ten reconciliation passes
        assert logged("link.docx") == 1 and logged("stay.docx") == 1, log.read_text("utf-8")
        link.unlink()
        link.symlink_to("/etc/passwd")  # pointed elsewhere: a new link
        assert wait_until(lambda: logged("link.docx") == 2, 30)
        time.sleep(1.5)
        assert logged("link.docx") == 2
    with Running(config):
        time.sleep(1.5)
    assert logged("link.docx") == 2 and logged("stay.docx") == 1, log.read_text("utf-8")
    assert link.is_symlink() and stay.exists()
    # a failing file is moved out; the same bytes put back (size and time kept) are gated again
    failing = make_docx(tmp_path / "src" / "bad.docx", FAILING)
    with Running(config):
        shutil.copy2(failing, tmp_path / "in" / "bad.docx")
        assert wait_until((tmp_path / "failed" / "bad.docx").exists, 30)
    shutil.copy2(failing, tmp_path / "in" / "bad.docx")  # while the watcher is stopped
    with Running(config):
        assert wait_until((tmp_path / "failed" / "bad (2).docx").exists, 30), \
            list((tmp_path / "failed").iterdir())
    assert not (tmp_path / "in" / "bad.docx").exists()


# second round, 9 ─────────────────────────────────────────────────────────────────────────────
def test_a_file_named_like_a_member_arriving_later_keeps_both_reports(tmp_path: Path) -> None:
    """``pkg.zip`` (member ``a.txt``) dropped first, then a real file ``pkg.zip!a.txt``: the
    file's report does not overwrite the member's; a package dropped while the file is there
    shows its member under another name."""
    import io  # noqa: PLC0415
    import json  # noqa: PLC0415
    import zipfile  # noqa: PLC0415

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "机密★5年\n关于甲事的通知\n")
    config = _config(tmp_path, settle_seconds=0.1)
    with Running(config) as run:
        (tmp_path / "in" / "pkg.zip").write_bytes(buf.getvalue())
        assert wait_until(lambda: run.rows() == 1, 30)
        (tmp_path / "in" / "pkg.zip!a.txt").write_text("秘密★1年\n关于乙事的通知\n", "utf-8")
        assert wait_until(lambda: run.rows() == 2, 30)
        (tmp_path / "in" / "again.zip").write_bytes(buf.getvalue())
        (tmp_path / "in" / "again.zip!a.txt").write_text("秘密★1年\n关于乙事的通知\n", "utf-8")
        assert wait_until(lambda: run.rows() == 4, 30)
    marks = {}
    for report in (tmp_path / "reports").glob("*.report.json"):
        data = json.loads(report.read_text("utf-8"))
        marks[report.name.removesuffix(".report.json")] = data["marking"]["raw"]
    assert marks["pkg.zip!a.txt"] == "机密★5年", marks  # the member's, first
    assert marks["pkg.zip!a (2).txt"] == "秘密★1年", marks  # the file's, beside it
    assert sorted(v for k, v in marks.items() if k.startswith("again.zip")) == [
        "机密★5年", "秘密★1年"], marks
