"""Leak nothing: no network connection is ever attempted, reports and databases are owner-only
whatever the umask, ``--redact`` keeps document text out of the evidence, sources are untouched."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "tests" / "data" / "real"  # copies of two shared files
EXAMPLES = REPO / "examples"

SITECUSTOMIZE = '''
import os, socket
_LOG = os.environ["DINGMI_NET_LOG"]

def _refuse(kind, target):
    with open(_LOG, "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()} {kind} {target!r}\\n")
    raise OSError("network disabled by the test")

_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex

def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse("connect", address)
    return _connect(self, address)

def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse("connect_ex", address)
    return _connect_ex(self, address)

socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.getaddrinfo = lambda *a, **k: _refuse("getaddrinfo", a)
socket.gethostbyname = lambda *a, **k: _refuse("gethostbyname", a)
'''


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    shutil.copytree(EXAMPLES, folder)
    for name in ("copilot_master_template.docx", "copilot_master_template.pdf"):
        shutil.copy(REAL / name, folder / name)
    return folder


def run_offline(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run a Python command in processes (workers included) whose sockets refuse the network
    and log every attempt."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "net.log"
    log.write_text("", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{REPO}", "DINGMI_NET_LOG": str(log)}
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          timeout=600, cwd=REPO, check=False)
    return proc, log.read_text(encoding="utf-8")


def test_the_network_guard_catches_an_attempt(tmp_path: Path) -> None:
    """The guard itself works: a deliberate connection is refused and logged."""
    proc, log = run_offline(tmp_path, "-c", "import socket; socket.create_connection("
                            "('192.0.2.1', 80), timeout=1)")
    assert proc.returncode != 0
    assert "getaddrinfo" in log or "connect" in log


@pytest.mark.slow
def test_scan_and_audit_attempt_no_connection(tmp_path: Path, archive: Path) -> None:
    scan, log = run_offline(tmp_path, "-m", "scanner.cli", "scan", str(archive), "--out",
                            str(tmp_path / "scan"), "--jobs", "2", "-q", "--catalog", "demo")
    assert scan.returncode == 1, scan.stderr
    assert log == ""
    audit, log = run_offline(tmp_path, "-m", "scanner.cli", "audit", str(archive), "--out",
                             str(tmp_path / "audit"), "--jobs", "2", "--catalog", "demo")
    assert audit.returncode == 0, audit.stderr
    assert log == ""
    assert len(list((tmp_path / "audit" / "reports").rglob("*.report.json"))) == 9


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*")}


def test_outputs_are_owner_only_whatever_the_umask(tmp_path: Path, archive: Path,
                                                    open_umask: None) -> None:
    out = tmp_path / "deep" / "audit"
    proc = subprocess.run([sys.executable, "-m", "scanner.cli", "audit", str(archive), "--out",
                           str(out), "--jobs", "1", "--catalog", "demo"], capture_output=True,
                          text=True, cwd=REPO, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    con = sqlite3.connect(out / "audit.sqlite")  # keeps the -wal and -shm files in place
    try:
        con.execute("SELECT count(*) FROM files").fetchone()
        found = modes(out)
    finally:
        con.close()
    assert "audit.sqlite-wal" in found and "audit.sqlite-shm" in found
    for name, mode in found.items():
        expected = 0o700 if (out / name).is_dir() else 0o600
        assert mode == expected, (name, oct(mode))
    assert stat.S_IMODE((tmp_path / "deep").stat().st_mode) == 0o700


@pytest.mark.slow
def test_redact_keeps_excerpts_out_of_reports(tmp_path: Path, archive: Path) -> None:
    plain, redacted = tmp_path / "plain", tmp_path / "redacted"
    for out, extra in ((plain, []), (redacted, ["--redact"])):
        proc = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", str(archive),
                               "--out", str(out), "-q", "--catalog", "demo", *extra],
                              capture_output=True,
                              text=True, cwd=REPO, timeout=600, check=False)
        assert proc.returncode == 1, proc.stderr
    excerpts = 0
    for path in plain.rglob("*.report.json"):
        a = json.loads(path.read_bytes())
        b = json.loads((redacted / path.relative_to(plain)).read_bytes())
        marks = {m["raw"] for m in a["markings"]}  # the mark itself is the result, not evidence
        for fa, fb in zip(a["findings"], b["findings"], strict=True):
            for ea, eb in zip(fa["evidence"], fb["evidence"], strict=True):
                assert eb["location"] == ea["location"]
                assert eb["excerpt"] is None
                if ea["excerpt"] and ea["excerpt"] not in marks:
                    excerpts += 1
                    html = (redacted / path.relative_to(plain)).with_suffix("").with_suffix(
                        ".report.html")
                    assert ea["excerpt"] not in html.read_text(encoding="utf-8")
        assert b["redacted"] is True
    assert excerpts > 3
