"""The systemd units under deploy/systemd: parsed (hardening present, every key known to
``systemd-analyze verify`` where it exists) and their ExecStart commands run as written, with
the installed paths moved into a temporary root: the check API answers, the watcher reports a
dropped file, the review app serves its audit."""

from __future__ import annotations

import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "deploy" / "systemd"
INSTALLED = "/opt/dingmi/venv/bin/dingmi"
DINGMI = Path(sys.executable).parent / "dingmi"
NAMES = ("dingmi-serve.service", "dingmi-watch.service", "dingmi-review@.service")


def parse(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values]}} (keys may repeat), refusing what systemd
    would not read: a line outside a section, a line without ``=``."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text or text[0] in "#;":
            continue
        if text.startswith("[") and text.endswith("]"):
            current = sections.setdefault(text[1:-1], {})
            continue
        assert current is not None, f"{path.name}:{number}: outside a section"
        key, sep, value = text.partition("=")
        assert sep and key.strip() and " " not in key.strip(), f"{path.name}:{number}: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def one(unit: dict[str, dict[str, list[str]]], key: str) -> str:
    values = unit["Service"].get(key, [])
    assert len(values) == 1, (key, values)
    return values[0]


@pytest.mark.parametrize("name", NAMES)
def test_the_units_are_hardened(name: str) -> None:
    unit = parse(UNITS / name)
    assert set(unit) == {"Unit", "Service", "Install"}
    assert one(unit, "User") == "dingmi" and one(unit, "Group") == "dingmi"
    assert one(unit, "ProtectSystem") == "strict"
    for key in ("PrivateTmp", "NoNewPrivileges", "ProtectHome", "PrivateDevices"):
        assert one(unit, key) == "yes", key
    assert one(unit, "Restart") == "on-failure"
    assert one(unit, "CapabilityBoundingSet") == ""
    assert set(one(unit, "ReadOnlyPaths").split()) == {"/opt/dingmi", "/etc/dingmi"}
    assert one(unit, "ExecStart").startswith(INSTALLED + " ")
    writable = unit["Service"].get("ReadWritePaths", [])
    if name == "dingmi-serve.service":
        assert not writable  # writes nothing but its private temporary files
    else:
        assert writable and all(p.startswith(("/var/lib/dingmi", "/srv/dingmi"))
                                for p in " ".join(writable).split())
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    copies = []
    for name in NAMES:
        text = (UNITS / name).read_text(encoding="utf-8").replace(INSTALLED, str(DINGMI))
        target = tmp_path / name.replace("@.", "@example.")  # a template is verified as an instance
        target.write_text(text, encoding="utf-8")
        copies.append(str(target))
    done = subprocess.run(["systemd-analyze", "verify", *copies], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    problems = [line for line in done.stderr.splitlines() if tmp_path.name in line]
    assert not problems, problems
    # and it does catch a mistake: a misspelt key
    bad = tmp_path / "bad.service"
    text = Path(copies[0]).read_text(encoding="utf-8")
    bad.write_text(text.replace("PrivateTmp=", "PrivateTemp="), encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", str(bad)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert "PrivateTemp" in done.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Root:
    """The installed layout (/etc/dingmi, /var/lib/dingmi, /srv/dingmi) under a temporary
    folder, set up as docs/install.zh.md says."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.etc, self.var, self.srv = base / "etc", base / "var", base / "srv"
        (self.etc / "catalogs").mkdir(parents=True)
        shutil.copy(REPO / "rules" / "catalogs" / "demo.yaml",
                    self.etc / "catalogs" / "unit.yaml")
        for sample in ("dingmi.yaml", "watch_dirs.yaml"):
            (self.etc / sample).write_text(self.moved((REPO / "deploy" / sample).read_text(
                encoding="utf-8")), encoding="utf-8")
        for folder in ("intake", "outgoing", "passed", "failed"):
            (self.srv / folder).mkdir(parents=True)
        self.var.mkdir()

    def moved(self, text: str) -> str:
        return (text.replace(INSTALLED, str(DINGMI)).replace("/etc/dingmi", str(self.etc))
                .replace("/var/lib/dingmi", str(self.var)).replace("/srv/dingmi", str(self.srv)))

    def command(self, name: str, instance: str = "", env: dict[str, str] | None = None
                ) -> tuple[list[str], int]:
        """The unit's ExecStart as systemd runs it: %I and ${VAR} filled in, the paths
        moved; its --port replaced by a free one (returned)."""
        unit = parse(UNITS / name)
        values = dict(item.split("=", 1) for item in unit["Service"].get("Environment", []))
        values.update(env or {})
        line = self.moved(one(unit, "ExecStart")).replace("%I", instance)
        words = [re.sub(r"\$\{(\w+)\}", lambda m: values.get(m.group(1), ""), w)
                 for w in shlex.split(line)]
        port = free_port()
        if "--port" in words:
            words[words.index("--port") + 1] = str(port)
        return words, port


@contextmanager
def started(words: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as fh:
        proc = subprocess.Popen(words, stdout=fh, stderr=subprocess.STDOUT, cwd="/")
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)  # what systemctl stop sends
        try:
            # (the stop is prompt alone; the full suite on two cores can take longer)
            assert proc.wait(timeout=180) == 0, log.read_text(errors="replace")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def wait_http(url: str, token: str, proc: subprocess.Popen[bytes], log: Path) -> bytes:
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, log.read_text(errors="replace")
        try:
            req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(req, timeout=10) as answer:
                return bytes(answer.read())
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise AssertionError(log.read_text(errors="replace")) from None
            time.sleep(0.3)


@pytest.mark.slow
def test_the_serve_unit_s_command_comes_up(tmp_path: Path) -> None:
    root = Root(tmp_path)
    words, port = root.command("dingmi-serve.service", env={"DINGMI_TOKEN": "s3rvice-token"})
    assert words[0] == str(DINGMI) and "--token" in words
    with started(words, tmp_path / "serve.log") as proc:
        body = wait_http(f"http://127.0.0.1:{port}/api/v1/health", "s3rvice-token", proc,
                         tmp_path / "serve.log")
        assert b"demo" in body  # the catalogue /etc/dingmi/dingmi.yaml names


@pytest.mark.slow
def test_the_watch_unit_s_command_comes_up_and_reports(tmp_path: Path) -> None:
    root = Root(tmp_path)
    words, _ = root.command("dingmi-watch.service")
    log = tmp_path / "watch.log"
    with started(words, log) as proc:
        (root.srv / "intake" / "通知.txt").write_text("秘密★5年\n关于某事项的通知\n",
                                                     encoding="utf-8")
        deadline = time.monotonic() + 90
        while not list((root.var / "reports" / "intake").rglob("*.report.json")):
            assert proc.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.3)
    assert (root.var / "watch" / "state.db").exists()


@pytest.mark.slow
def test_the_review_unit_s_command_comes_up_on_an_audit(tmp_path: Path) -> None:
    root = Root(tmp_path)
    audits = root.var / "audits"
    done = subprocess.run([str(DINGMI), "--config", str(root.etc / "dingmi.yaml"), "audit",
                           str(REPO / "examples"), "--out", str(audits / "2026-档案室")],
                          capture_output=True, text=True, timeout=300, check=False, cwd="/")
    assert done.returncode in (0, 1), done.stderr
    words, port = root.command("dingmi-review@.service", instance="2026-档案室",
                               env={"DINGMI_TOKEN": "r3view-token"})
    assert str(audits / "2026-档案室") in words and "--reviewer" in words
    with started(words, tmp_path / "review.log") as proc:
        wait_http(f"http://127.0.0.1:{port}/api/v1/health", "r3view-token", proc,
                  tmp_path / "review.log")
        page = wait_http(f"http://127.0.0.1:{port}/", "r3view-token", proc,
                         tmp_path / "review.log")
        assert "发文稿".encode() in page, page[:500]
    assert list((audits / "2026-档案室").glob("*.sqlite*"))  # the decisions' store, kept
