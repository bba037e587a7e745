"""A worker replaced while the server runs lives as long as the server.

The workers of ``serve`` and of the review app's check die with their parent (``PR_SET_PDEATHSIG``).
On Linux the "parent" is the *thread* that started the process: a replacement started by a
request thread was killed as soon as that request ended, and every later request was answered
"the worker died". Each test makes a real worker of a real server retire, crash or time out, then
checks that later requests are read normally."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from builders import page_pixels, write_png
from server import multipart, request, running

REPO = Path(__file__).resolve().parents[2]
TEXT = (REPO / "tests" / "data" / "texts" / "gov_sc_01.txt").read_text(encoding="utf-8")
GOOD = "秘密★1年\n关于工作安排的通知\n".encode()

pytestmark = pytest.mark.slow


def check(url: str, name: str, data: bytes) -> dict:
    body, headers = multipart(name, data)
    status, answer = request(url + "api/v1/check", body, headers=headers)
    assert status == 200 and isinstance(answer, dict), (status, answer)
    return answer


def workers(server: subprocess.Popen[str]) -> list[int]:
    """The pids of the server's worker processes."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == server.pid and b"spawn_main" in cmdline and b"resource_tracker" not in cmdline:
            found.append(int(entry.name))
    return sorted(found)


def later_requests_are_read(url: str, server: subprocess.Popen[str], before: list[int]) -> None:
    """After the replacement: the request thread that started it has ended; the server still has
    a worker, a new one, and it reads documents (several requests, each on its own thread)."""
    time.sleep(1.0)  # the request thread has certainly ended by now
    now = workers(server)
    assert len(now) == len(before) and now != before, (before, now)
    for i in range(3):
        answer = check(url, f"later-{i}.txt", GOOD)
        assert answer["report"]["status"] == "ok", answer["report"].get("reason_en")
        assert answer["report"]["marking"]["raw"] == "秘密★1年"
    assert workers(server) == now  # and it is still the same worker


def audited(tmp_path: Path) -> Path:
    """A real audit of a folder of one document, for ``dingmi review``."""
    archive, out = tmp_path / "archive", tmp_path / "audit"
    archive.mkdir()
    (archive / "a.txt").write_bytes(GOOD)
    done = subprocess.run([sys.executable, "-m", "scanner.cli", "audit", str(archive), "--out",
                           str(out), "--catalog", "demo", "--jobs", "1"], capture_output=True,
                          text=True, cwd=REPO, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr
    return out


@pytest.mark.parametrize("command", ["serve", "review"])
def test_after_a_crash(command: str, tmp_path: Path) -> None:
    """A worker killed from outside (as a parser crash would): the request that finds it dead is
    answered so, and the worker that replaces it reads every later request."""
    first = [str(audited(tmp_path))] if command == "review" else []
    with running(command, *first, "--catalog", "demo", "--jobs", "1") as (url, server):
        assert check(url, "first.txt", GOOD)["report"]["status"] == "ok"
        before = workers(server)
        assert len(before) == 1
        os.kill(before[0], signal.SIGKILL)  # the worker crashes
        died = check(url, "crash.txt", GOOD)  # this request finds it dead and replaces it
        assert died["report"]["status"] == "unreadable"
        assert "worker died" in died["report"]["reason_en"]
        later_requests_are_read(url, server, before)


def test_after_a_timeout() -> None:
    slow = (TEXT * (10_000_000 // len(TEXT) + 1)).encode()  # 30 MB: seconds of work
    with running("serve", "--catalog", "demo", "--jobs", "1", "--timeout", "1",
                 "--max-body-mb", "50") as (url, server):
        before = workers(server)
        stopped = check(url, "slow.txt", slow)
        assert stopped["report"]["status"] == "unreadable"
        assert "time limit" in stopped["report"]["reason_en"]
        later_requests_are_read(url, server, before)


def test_after_a_worker_retires(tmp_path: Path) -> None:
    """A scanned page: OCR loads its models into the worker, which then holds more than half its
    memory limit and retires after the file (whose report is fine); a new worker takes over.

    The models add about 1 GB of address space (a little more or less with the machine's thread
    count), so the limit is 1600 MB: retirement above 800 MB, well below what OCR takes, and a cap
    well above it (at 2048 MB the growth sat on the 1024 MB line and the test depended on the
    machine)."""
    pdf = REPO / "tests" / "data" / "pdf_cases" / "condition.pdf"
    scan = write_png(tmp_path / "scan.png", *page_pixels(pdf))
    with running("serve", "--catalog", "demo", "--jobs", "1", "--memory-mb", "1600",
                 "--timeout", "120") as (url, server):
        before = workers(server)
        answer = check(url, "scan.png", scan.read_bytes())
        assert answer["report"]["status"] == "ok", answer["report"].get("reason_en")
        assert answer["report"]["ocr"]["engine"] == "rapidocr"  # it was read by OCR
        later_requests_are_read(url, server, before)


def test_a_worker_reading_scans_at_the_default_limit_stays(tmp_path: Path) -> None:
    """At the default memory limit, OCR's models (about 1 GB of address space, loaded once) do not
    make a worker retire: the worker that read the first scan reads the next ones without loading
    them again (at 2048 MB it retired after every scan on some machines)."""
    pdf = REPO / "tests" / "data" / "pdf_cases" / "condition.pdf"
    scan = write_png(tmp_path / "scan.png", *page_pixels(pdf)).read_bytes()
    with running("serve", "--catalog", "demo", "--jobs", "1", "--timeout", "120") as (url, server):
        answer = check(url, "scan-0.png", scan)
        assert answer["report"]["status"] == "ok", answer["report"].get("reason_en")
        assert answer["report"]["ocr"]["engine"] == "rapidocr"
        first = workers(server)
        for i in (1, 2):
            assert check(url, f"scan-{i}.png", scan)["report"]["status"] == "ok"
            assert workers(server) == first, i
