"""The set-up paths as the README writes them, each through the ``dingmi`` command: a catalogue
named in ``watch_dirs.yaml`` (``demo`` and a broken one), ``check`` on a missing file and on a
folder, why an audit exits 3, the first time-left estimate, and no progress line left standing
after ``scan``'s summary on a terminal."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

from builders import DocSpec, make_docx

from scanner.audit.run import _Progress
from scanner.cli.scan import Progress

DOC = DocSpec(body=["000123", "秘密★5年", "知悉范围：本局", "正文。", "2026年3月2日"])
BROKEN_CATALOGUE = "id: broken\nversion: 1\nitems:\n  - id: X-1\n    level: 特密\n"


# Progress every 0.2 s, so a run that the machine finishes quickly still shows some.
FAST_PROGRESS = {**os.environ, "DINGMI_PROGRESS_SECONDS": "0.2"}


def dingmi(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300, check=False, env=FAST_PROGRESS)


def test_demo_catalogue_in_watch_dirs_yaml(tmp_path: Path) -> None:
    """``catalogs: [demo]`` in ``watch_dirs.yaml`` works as it does in ``dingmi.yaml``."""
    (tmp_path / "in").mkdir()
    (tmp_path / "watch_dirs.yaml").write_text(
        "state_db: state/s.db\nfolders:\n  - path: in\n    reports: reports\n"
        "    catalogs: [demo]\n    settle_seconds: 0.2\n", encoding="utf-8")
    make_docx(tmp_path / "src" / "a.docx", DOC)
    log = (tmp_path / "watch.log").open("ab")
    proc = subprocess.Popen([sys.executable, "-m", "scanner.cli", "watch", "--config",
                             "watch_dirs.yaml"], stdout=log, stderr=log, cwd=tmp_path)
    report = tmp_path / "reports" / "a.docx.report.json"
    try:
        end = time.monotonic() + 60
        while "开始监视" not in (tmp_path / "watch.log").read_text(encoding="utf-8"):
            assert proc.poll() is None, (tmp_path / "watch.log").read_text(encoding="utf-8")
            assert time.monotonic() < end
            time.sleep(0.1)
        shutil.copy(tmp_path / "src" / "a.docx", tmp_path / "in" / "a.docx")
        end = time.monotonic() + 120
        while not report.exists() and time.monotonic() < end:
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = report.read_text(encoding="utf-8")
    assert '"id":"demo"' in text.replace(" ", ""), text[:500]


def test_a_bad_catalogue_in_watch_dirs_yaml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "bad.yaml").write_text(BROKEN_CATALOGUE, encoding="utf-8")
    (tmp_path / "watch_dirs.yaml").write_text(
        "folders:\n  - path: in\n    reports: reports\n    catalogs:\n      - demo\n"
        "      - bad.yaml\n", encoding="utf-8")
    done = dingmi("watch", "--config", "watch_dirs.yaml", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "watch_dirs.yaml:6" in done.stderr and "folders.0.catalogs.1" in done.stderr
    assert "保密事项目录文件有误" in done.stderr and "bad.yaml" in done.stderr
    english = dingmi("watch", "--config", "watch_dirs.yaml", "--lang", "en", cwd=tmp_path)
    assert english.returncode == 2 and "bad catalogue (保密事项目录)" in english.stderr
    missing = dingmi("check", "x.docx", "--catalog", "bad.yaml", cwd=tmp_path)
    assert missing.returncode == 2 and "保密事项目录文件有误" in missing.stderr


def test_check_on_a_missing_file_and_on_a_folder(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    done = dingmi("check", "missing.docx", "folder", cwd=tmp_path)
    assert done.returncode == 3
    lines = done.stdout.splitlines()
    assert "missing.docx" in lines[0] and "文件不存在" in lines[0], lines
    assert "删除或移动" not in done.stdout
    assert "folder" in lines[1] and "这是文件夹" in lines[1] and "dingmi scan folder" in lines[1]
    assert "管道" not in done.stdout and "Traceback" not in done.stderr
    english = dingmi("check", "missing.docx", "folder", "--lang", "en", cwd=tmp_path)
    assert "no such file" in english.stdout and "use dingmi scan folder" in english.stdout


def test_the_audit_says_why_it_exits_3(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    make_docx(archive / "good.docx", DOC)
    (archive / "broken.docx").write_bytes(b"PK\x03\x04 this is no package")
    (archive / "slides.xyz").write_bytes(b"\x00\x01 not a document format\x02" * 10)
    done = dingmi("audit", "archive", "--out", "out", "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert "2 个文件未能读取" in last and "无法读取 1" in last and "不支持的格式 1" in last, last
    assert "退出码为 3" in last and "未使用保密事项目录" in last, last
    summary = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert 'id="no-catalog"' in summary and "未与任何保密事项范围比对" in summary
    english = dingmi("audit", "archive", "--out", "out-en", "--jobs", "1", "--lang", "en",
                     "--catalog", "demo", cwd=tmp_path)
    last = english.stdout.strip().splitlines()[-1]
    assert "2 files could not be read" in last and "hence exit code 3" in last, last
    assert "no catalogue" not in last
    summary = (tmp_path / "out-en" / "summary.html").read_text(encoding="utf-8")
    assert 'id="no-catalog"' not in summary


def test_no_time_left_until_enough_files_are_done() -> None:
    """The first file carries the workers' start (seconds); the estimate waits for the pace
    of the files after it."""
    now = [0.0]
    stream = io.StringIO()
    progress = _Progress(200, stream, "zh", every=0.0, clock=lambda: now[0])
    now[0] = 8.0  # the first file, after starting the workers and loading the catalogue
    progress.tick()
    for _ in range(9):
        now[0] += 0.05
        progress.tick()
    lines = stream.getvalue().splitlines()
    assert all("正在估算剩余时间" in x for x in lines[:3]), lines
    eta = [int(m.group(1)) for x in lines if (m := re.search(r"预计还需 (\d+) 秒", x))]
    assert eta and max(eta) <= 200 * 0.05 + 1, lines  # the pace of the files, not the start


def test_the_audit_first_estimate_is_not_absurd(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    make_docx(archive / "a0.docx", DOC)
    for i in range(1, 120):
        shutil.copy(archive / "a0.docx", archive / f"a{i}.docx")
    started = time.monotonic()
    done = dingmi("audit", "archive", "--out", "out", "--jobs", "1", "--catalog", "demo",
                  cwd=tmp_path)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "已处理" in done.stderr, done.stderr  # progress was shown
    pattern = r"已处理 (\d+)/120 个文件（[\d.]+ 个/秒，预计还需 (\d+) 秒）"
    for m in re.finditer(pattern, done.stderr):
        assert int(m.group(1)) >= 4 and int(m.group(2)) <= took + 5, done.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_erased() -> None:
    now = [0.0]
    stream = _Terminal()
    progress = Progress(stream, "zh", every=1.0, clock=lambda: now[0])
    now[0] = 1.5
    progress.tick()
    assert stream.getvalue() == "\r\x1b[K已扫描 1 个文件（0.7 个/秒）"
    progress.clear()
    assert stream.getvalue().endswith("\r\x1b[K")
    assert _screen(stream.getvalue()) == [""]


def _screen(raw: str) -> list[str]:
    """The lines a terminal shows after ``raw``: a carriage return goes back to the start of
    the line, ESC[K erases to its end."""
    lines = [""]
    col = 0
    i = 0
    while i < len(raw):
        ch = raw[i]
        if raw.startswith("\x1b[K", i):
            lines[-1] = lines[-1][:col]
            i += 3
            continue
        if ch == "\r":
            col = 0
        elif ch == "\n":
            lines.append("")
            col = 0
        else:
            line = lines[-1]
            lines[-1] = line[:col] + ch + line[col + 1:]
            col += 1
        i += 1
    return lines


def test_scan_leaves_no_progress_line_after_its_summary(tmp_path: Path) -> None:
    """``dingmi scan`` on a terminal long enough for progress to show: once it ends, the
    screen's last line is the summary and no progress line is left on it."""
    archive = tmp_path / "archive"
    make_docx(archive / "a0.docx", DOC)
    for i in range(1, 400):
        shutil.copy(archive / "a0.docx", archive / f"a{i}.docx")
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "scanner.cli", "scan", "archive", "--out",
                             "out", "--jobs", "1", "-q"], stdin=follower, stdout=follower,
                            stderr=follower, cwd=tmp_path, close_fds=True, env=FAST_PROGRESS)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    assert proc.wait(timeout=300) == 0
    os.close(leader)
    raw = seen.decode("utf-8", "replace").replace("\r\n", "\n")
    assert "已扫描" in raw, raw[-500:]  # progress was drawn while it ran
    shown = [x for x in _screen(raw) if x.strip()]
    assert shown[-1].startswith("共 400 个文件"), shown[-3:]
    assert not any("已扫描" in x for x in shown), shown
