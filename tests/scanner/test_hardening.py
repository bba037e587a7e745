"""Regression tests for defects found by trying to break what ships (one or more per defect,
numbered as in docs/robustness.md, section "Defects fixed"). Each failed before its fix."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PDF_FIXTURES, REPO

import scanner.pipeline
from scanner.cli import main
from scanner.pipeline import ScanOptions, scan_file
from scanner.workers.task import Job, Task, TextStore, run_task

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
MARKED = "000123\n机密★10年\n关于加强保密工作的通知\n知悉范围：局领导\n2026年3月2日\n"


# 5. one read per report: the bytes hashed are the bytes parsed ───────────────────────────────
@pytest.mark.parametrize(("name", "first", "second"), [
    ("a.txt", MARKED.encode(), MARKED.replace("机密★10年", "秘密★1年").encode()),
    ("a.pdf", (PDF_FIXTURES / "long_term_ok.pdf").read_bytes(),
     (PDF_FIXTURES / "copy_ok.pdf").read_bytes()),
])
def test_5_hash_and_findings_describe_the_same_bytes(tmp_path: Path, name: str, first: bytes,
                                                     second: bytes,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / name
    path.write_bytes(first)
    expected = scan_file(path, OPTIONS).marks
    assert expected is not None and expected.effective is not None
    real = scanner.pipeline._hash

    def hash_then_replace(*args: object) -> object:
        out = real(*args)  # type: ignore[arg-type]
        path.write_bytes(second)  # another file lands under the name between hash and parse
        return out

    monkeypatch.setattr(scanner.pipeline, "_hash", hash_then_replace)
    # (through the per-file task: the suite's source guard would see the planted replacement)
    report = run_task(Task(str(path), name), Job({"": OPTIONS}, ()), TextStore(None)).json()
    assert report["source"]["sha256"] == hashlib.sha256(first).hexdigest()
    assert report["marking"]["raw"] == expected.effective.raw


# 10. FIFOs and devices: only regular files are opened ───────────────────────────────────────
def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", "check", *args, "--lang", "en"],
                          capture_output=True, text=True, timeout=60, cwd=REPO, check=False)


def test_10_a_fifo_is_reported_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    done = _check(str(fifo))  # before the fix this blocked until the timeout
    assert done.returncode == 3, done.stdout + done.stderr
    assert "not a regular file" in done.stdout


def test_10_a_link_to_a_device_is_not_read(tmp_path: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    done = _check(str(link), "--max-file-mb", "1")
    assert done.returncode == 3
    assert "not a regular file" in done.stdout


def test_10_scan_reports_a_fifo_in_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "p.docx")
    (folder / "a.txt").write_text(MARKED, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", str(folder), "--out",
                           str(tmp_path / "out"), "--lang", "en", "--jobs", "1"],
                          capture_output=True, text=True, timeout=120, cwd=REPO, check=False)
    assert done.returncode == 3
    report = (tmp_path / "out" / "p.docx.report.json").read_text(encoding="utf-8")
    assert "not a regular file" in report


# 13. text encodings ─────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("encoding", "line_end"), [
    ("utf-8", "\r"), ("gb18030", "\r"), ("utf-16-le", "\n"), ("utf-16-be", "\n"),
    ("utf-16-le", "\r\n"),
])
def test_13_cr_only_and_bomless_utf16_texts_read_right(tmp_path: Path, encoding: str,
                                                       line_end: str) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(MARKED.replace("\n", line_end).encode(encoding))
    report = scan_file(path, OPTIONS)
    assert report.status == "ok", report.reason_en
    assert report.marks is not None and report.marks.effective is not None
    assert report.marks.effective.raw == "机密★10年"
    assert report.marks.copy_number is not None and report.marks.copy_number.value == "000123"


def test_13_big5_is_decoded_as_big5(tmp_path: Path) -> None:
    from scanner.extract.text import extract_text  # noqa: PLC0415

    text = "000123\n機密★10年\n關於加強保密工作的通知\n各單位：現將有關事項通知如下。\n"
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("cp950"))
    doc = extract_text(path)
    assert doc.meta["encoding"] == "big5"
    assert [b.text for b in doc.blocks][:3] == ["000123", "機密★10年", "關於加強保密工作的通知"]
    gb = tmp_path / "gb.txt"
    gb.write_bytes(MARKED.encode("gb18030"))
    assert extract_text(gb).meta["encoding"] == "gb18030"  # simplified text stays GB


def test_13_binary_with_zero_bytes_is_not_taken_for_utf16(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(bytes(range(256)) * 40)
    report = scan_file(path, OPTIONS)
    assert report.status == "unreadable"


# 6. report paths are unique per source, decided before writing ─────────────────────────────
def _write(path: Path, mark: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MARKED.replace("机密★10年", mark), encoding="utf-8")
    return path


def _marks(out: Path) -> dict[str, str]:
    reports = {}
    for p in out.rglob("*.report.json"):
        data = json.loads(p.read_bytes())
        reports[data["source"]["path"]] = data["marking"]["raw"]
    return reports


def test_6_check_of_two_files_of_one_name_keeps_both_reports(tmp_path: Path) -> None:
    a = _write(tmp_path / "d1" / "a.txt", "机密★10年")
    b = _write(tmp_path / "d2" / "a.txt", "秘密★1年")
    assert main(["check", str(a), str(b), "--out", str(tmp_path / "o"), "-q"]) == 0
    assert _marks(tmp_path / "o") == {str(a): "机密★10年", str(b): "秘密★1年"}
    assert (tmp_path / "o" / "a (2).txt.report.json").exists()


def test_6_scan_of_folders_whose_names_collide_keeps_every_report(tmp_path: Path) -> None:
    p = tmp_path / "p"
    files = [_write(p / "x" / "d" / "f.txt", "机密★10年"), _write(p / "y" / "d" / "f.txt",
                                                                  "秘密★1年"),
             _write(p / "d-2" / "f.txt", "绝密★30年")]
    roots = [p / "x" / "d", p / "y" / "d", p / "d-2"]
    assert main(["scan", *map(str, roots), "--out", str(tmp_path / "o"), "-q"]) == 0
    marks = _marks(tmp_path / "o")
    assert marks == {str(files[0]): "机密★10年", str(files[1]): "秘密★1年",
                     str(files[2]): "绝密★30年"}


def test_6_audit_ledger_has_one_row_per_file(tmp_path: Path) -> None:
    p = tmp_path / "p"
    for sub in ("x/d", "y/d", "d-2"):
        _write(p / sub / "f.txt", "机密★10年")
    assert main(["audit", str(p / "x" / "d"), str(p / "y" / "d"), str(p / "d-2"), "--out",
                 str(tmp_path / "a"), "--jobs", "1"]) == 0
    with (tmp_path / "a" / "ledger.csv").open(encoding="utf-8-sig") as fh:
        paths = [r["路径"] for r in csv.DictReader(fh)]
    assert len(paths) == 3 and len(set(paths)) == 3, paths


# 11. report-writing problems are output errors (exit 2), not the documents' ─────────────────
def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args, "--lang", "en"],
                          capture_output=True, text=True, timeout=120, cwd=REPO, check=False)


@pytest.mark.parametrize("command", ["check", "scan", "audit"])
def test_11_an_output_folder_that_is_a_file_is_an_output_error(tmp_path: Path,
                                                                command: str) -> None:
    doc = _write(tmp_path / "in" / "a.txt", "机密★10年")
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    target = str(doc) if command == "check" else str(doc.parent)
    done = _cli(command, target, "--out", str(blocker), *(["--jobs", "1"] if command != "check"
                                                          else []))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and str(blocker) in done.stderr
    assert "cannot write" in done.stderr


def test_11_a_name_too_long_for_its_report_is_an_output_error(tmp_path: Path) -> None:
    name = "长" * 80 + ".txt"  # 244 bytes: its report name is longer than a name may be
    doc = _write(tmp_path / "in" / name, "机密★10年")
    done = _cli("scan", str(doc.parent), "--out", str(tmp_path / "o"), "--jobs", "1")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot write" in done.stderr and "unreadable" not in done.stdout


# 8. a damaged state database is a clear error, never reused ─────────────────────────────────
@pytest.mark.parametrize("damage", ["random", "page"])
def test_8_a_damaged_audit_database_stops_the_audit_and_keeps_the_outputs(
        tmp_path: Path, damage: str) -> None:
    _write(tmp_path / "in" / "a.txt", "机密★10年")
    out = tmp_path / "out"
    assert main(["audit", str(tmp_path / "in"), "--out", str(out), "--jobs", "1"]) == 0
    ledger = (out / "ledger.csv").read_bytes()
    db = out / "audit.sqlite"
    if damage == "random":
        db.write_bytes(os.urandom(8192))
    else:
        data = bytearray(db.read_bytes())
        data[100:4096] = os.urandom(3996)  # the schema page
        db.write_bytes(bytes(data))
    for wal in out.glob("audit.sqlite-*"):
        wal.unlink()
    done = _cli("audit", str(tmp_path / "in"), "--out", str(out), "--jobs", "1")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "damaged" in done.stderr and str(db) in done.stderr
    assert (out / "ledger.csv").read_bytes() == ledger


def test_8_a_damaged_watch_state_stops_the_watcher(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "s.db").write_bytes(os.urandom(8192))
    cfg = tmp_path / "w.yaml"
    cfg.write_text("state_db: state/s.db\nfolders:\n  - path: in\n    reports: r\n",
                   encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scanner.cli", "watch", "--config", str(cfg),
                           "--lang", "en"], capture_output=True, text=True, timeout=120,
                          cwd=REPO, check=False)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "damaged" in done.stderr


# 14. one instance per state ─────────────────────────────────────────────────────────────────
def test_14_a_second_audit_on_the_same_output_stops_naming_the_holder(tmp_path: Path) -> None:
    from scanner.dbfile import Lock  # noqa: PLC0415

    _write(tmp_path / "in" / "a.txt", "机密★10年")
    out = tmp_path / "out"
    out.mkdir()
    held = Lock(out / "audit.sqlite")  # what a running audit holds
    try:
        done = _cli("audit", str(tmp_path / "in"), "--out", str(out), "--jobs", "1")
    finally:
        held.release()
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"pid {os.getpid()}" in done.stderr and "Traceback" not in done.stderr
    assert main(["audit", str(tmp_path / "in"), "--out", str(out), "--jobs", "1"]) == 0


def test_14_a_second_watcher_on_the_same_state_stops(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    cfg = tmp_path / "w.yaml"
    cfg.write_text("state_db: state/s.db\nreconcile_seconds: 60\nfolders:\n"
                   "  - path: in\n    reports: r\n", encoding="utf-8")
    first = subprocess.Popen([sys.executable, "-m", "scanner.cli", "watch", "--config",
                              str(cfg)], stderr=subprocess.PIPE, cwd=REPO, text=True)
    try:
        assert first.stderr is not None
        assert "开始监视" in first.stderr.readline()  # the first one is watching
        second = subprocess.run([sys.executable, "-m", "scanner.cli", "watch", "--config",
                                 str(cfg), "--lang", "en"], capture_output=True, text=True,
                                timeout=120, cwd=REPO, check=False)
        assert second.returncode == 2, second.stderr
        assert f"pid {first.pid}" in second.stderr
    finally:
        first.terminate()
        first.wait(timeout=30)


# 15. a folder link planted in the report tree is not followed ───────────────────────────────
def test_15_a_link_inside_the_report_folder_is_refused(tmp_path: Path) -> None:
    _write(tmp_path / "in" / "sub" / "a.txt", "机密★10年")
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "sub").symlink_to(elsewhere)
    done = _cli("scan", str(tmp_path / "in"), "--out", str(out), "--jobs", "1")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "symbolic link" in done.stderr
    assert list(elsewhere.iterdir()) == []


# 3 (every command): a name that is not UTF-8 ─────────────────────────────────────────────────
def test_3_check_reads_and_prints_a_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"\xff\xfe\xb2\xbb.txt")
    doc = _write(tmp_path / name, "机密★10年")
    done = _cli("check", str(doc), "--out", str(tmp_path / "o"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "\\udcff" in done.stdout and "机密★10年" in done.stdout  # escaped, never garbled
    assert (tmp_path / "o" / (name + ".report.json")).exists()
