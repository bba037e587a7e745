"""Start ``dingmi serve`` or ``dingmi review`` as a real process on 127.0.0.1 and find its URL."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
URL = re.compile(r"http://([0-9.]+):(\d+)/")
TOKEN = re.compile(r"Bearer (\S+?)[；;]")


@contextmanager
def running(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None
            ) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``dingmi ARGS`` started (with ``env`` added to the environment); yields its base URL
    once /api/v1/health answers."""
    errors = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen([sys.executable, "-m", "scanner.cli", *args, "--port", "0"],
                            stdout=subprocess.PIPE, stderr=errors, text=True, cwd=cwd,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = URL.search(line)
        if not found:
            proc.wait(timeout=30)
            errors.seek(0)
            raise AssertionError((line, errors.read()))
        host = "127.0.0.1" if found.group(1) == "0.0.0.0" else found.group(1)
        url = f"http://{host}:{found.group(2)}/"
        deadline = time.monotonic() + 60
        token = next((a for a in re.findall(r"--token\s(\S+)", " ".join(args))), None)
        if found.group(1) != "127.0.0.1" and not token:  # a generated token, printed
            printed = TOKEN.search(readline(proc, 30))
            assert printed, "no token printed"
            token = printed.group(1)
            proc.token = token  # type: ignore[attr-defined]
        while True:
            try:
                request(url + "api/v1/health", token=token)
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url, proc
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        errors.close()


def readline(proc: subprocess.Popen[str], timeout: float) -> str:
    """The next line of the process's output, or "" when none comes within ``timeout``."""
    assert proc.stdout is not None
    stdout = proc.stdout
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return got[0] if got else ""


def request(url: str, data: bytes | None = None, *, headers: dict[str, str] | None = None,
            token: str | None = None, method: str | None = None) -> tuple[int, dict | str]:
    """(status, JSON or text) of one HTTP request; errors are returned, not raised."""
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, headers=h, method=method)
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            body, status, kind = resp.read(), resp.status, resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        body, status, kind = exc.read(), exc.code, exc.headers.get("Content-Type", "")
    text = body.decode("utf-8", "replace")
    return status, (json.loads(text) if "json" in kind else text)


def multipart(name: str, data: bytes) -> tuple[bytes, dict[str, str]]:
    """A multipart/form-data body with one field ``file``."""
    boundary = "dingmi-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
