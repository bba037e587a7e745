"""``dingmi serve``: the pre-issue check API on a real HTTP server on 127.0.0.1 (the command
started as a process): good, failing and hostile documents, the body limit, the token, cross-site
requests and path traversal."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from server import multipart, request, running

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
sys.path.insert(0, str(REPO / "tests" / "hostile"))

from make_corpus import _encrypted_docx, _ratio_bomb  # noqa: E402

from scanner import catalogs  # noqa: E402

DEMO = catalogs.load([str(catalogs.DEMO)])[0]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> str:  # type: ignore[misc]
    with running("serve", "--catalog", "demo", "--max-body-mb", "2", "--jobs", "2",
                 "--timeout", "20", "--memory-mb", "512") as (url, _):
        yield url


def check(url: str, path: Path, query: str = "") -> tuple[int, dict]:
    body, headers = multipart(path.name, path.read_bytes())
    status, data = request(f"{url}api/v1/check{query}", body, headers=headers)
    assert isinstance(data, dict), data
    return status, data


def test_health(server: str) -> None:
    status, data = request(server + "api/v1/health")
    assert status == 200 and isinstance(data, dict)
    assert data["status"] == "ok" and data["check"] is True
    assert [c["id"] for c in data["catalogs"]] == [DEMO.id]
    assert data["catalogs"][0]["version"] == DEMO.version
    assert data["catalogs"][0]["sha256"] == DEMO.sha256


def strings(value: object) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def test_no_server_path_is_disclosed(server: str) -> None:
    """Neither the health answer nor a check's report names a folder of the server (the
    catalogues by id, version and hash; the document by its name)."""
    _, health = request(server + "api/v1/health")
    status, checked = check(server, EXAMPLES / "发文稿_标志规范.docx")
    assert status == 200
    _, page = request(server)
    assert checked["report"]["catalogs"][0]["sha256"] == DEMO.sha256
    broken = []  # unreadable documents: their reasons name no server path either
    for name, data in (("cut.docx", (EXAMPLES / "发文稿_标志规范.docx").read_bytes()[:900]),
                       ("pdf_named.docx", b"%PDF-1.4\n%%EOF\n"), ("random.pdf", os.urandom(4096))):
        body, headers = multipart(name, data)
        status, answer = request(server + "api/v1/check", body, headers=headers)
        assert status == 200 and isinstance(answer, dict)
        assert answer["report"]["status"] == "unreadable", answer["report"]
        broken.append(answer)
    for text in [*strings(health), *strings(checked), *strings(broken), str(page)]:
        assert str(REPO) not in text and tempfile.gettempdir() not in text, text
        assert "demo.yaml" not in text and "dingmi-upload" not in text, text


def test_a_good_and_a_failing_document(server: str) -> None:
    status, good = check(server, EXAMPLES / "发文稿_标志规范.docx", "?as_of=2026-11-30")
    assert status == 200
    assert good["exit_code"] == 0 and good["verdict"] in ("clean", "warning")
    assert good["report"]["marking"]["raw"] == "秘密★5年"
    assert good["report"]["source"]["path"] == "发文稿_标志规范.docx"  # no server path
    status, bad = check(server, EXAMPLES / "通知_缺期限缺范围.docx")
    assert status == 200 and bad["exit_code"] == 1 and bad["verdict"] == "error"
    assert "SCOPE_MISSING" in {f["code"] for f in bad["report"]["findings"]}
    # the same document as a raw body, with its name as a parameter
    raw = (EXAMPLES / "通知_缺期限缺范围.docx").read_bytes()
    status, again = request(f"{server}api/v1/check?name=notice.docx&fail_on=never", raw,
                            headers={"Content-Type": "application/octet-stream"})
    assert status == 200 and isinstance(again, dict)
    assert again["exit_code"] == 0 and again["verdict"] == "error"


def readme_commands() -> list[str]:
    """The requests the README's ``dingmi serve`` section shows."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("### `dingmi serve`", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.startswith("curl ")]


def send_like_curl(command: list[str], cwd: Path) -> bytes:
    """What ``curl -F file=@F URL`` or ``curl --data-binary @F URL`` sends, through http.client
    (for a machine without curl): a form, or the raw body under curl's form content type."""
    import http.client  # noqa: PLC0415
    from urllib.parse import quote, urlsplit  # noqa: PLC0415

    option, value, url = command[1], command[2], command[3]
    parts = urlsplit(url)
    data = (cwd / value.split("@", 1)[1]).read_bytes()
    if option == "-F":
        body, headers = multipart(value.split("@", 1)[1], data)
    else:
        body, headers = data, {"Content-Type": "application/x-www-form-urlencoded"}
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=120)
    connection.request("POST", quote(parts.path) + ("?" + quote(parts.query, safe="=&")
                                                    if parts.query else ""), body, headers)
    return connection.getresponse().read()


def test_the_readme_requests_work(server: str, tmp_path: Path) -> None:
    """The README's commands, run as written (curl, or the same request without it) against a
    real server: the form upload, the raw body with its name, and the raw body without one,
    whose content decides the format."""
    commands = readme_commands()
    assert len(commands) == 3 and sum("--data-binary" in c for c in commands) == 2
    shutil.copy(EXAMPLES / "发文稿_标志规范.docx", tmp_path / "发文稿.docx")
    port = server.rstrip("/").rsplit(":", 1)[1]
    for line in commands:
        command = shlex.split(line.replace("8700", port))
        if shutil.which("curl"):
            done = subprocess.run(["curl", "-sS", *command[1:]], cwd=tmp_path,
                                  capture_output=True, timeout=120, check=False)
            assert done.returncode == 0, done.stderr
            answer = done.stdout
        else:
            answer = send_like_curl(command, tmp_path)
        data = json.loads(answer)
        assert "report" in data, (line, data)
        report = data["report"]
        assert report["status"] == "ok" and report["marking"]["raw"] == "秘密★5年", line
        expected = "发文稿.docx" if "name=" in line or "-F" in line else "document.docx"
        assert report["source"]["path"] == expected
    # a text body sent the same way, no name: read as text
    done_text = send_like_curl(["curl", "--data-binary", "@t.txt", f"{server}api/v1/check"],
                               _write(tmp_path / "t.txt", "机密★10年\n知悉范围：项目组\n"))
    assert json.loads(done_text)["report"]["marking"]["raw"] == "机密★10年"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path.parent


def test_hostile_documents_get_a_report(server: str, tmp_path: Path) -> None:
    bomb, locked = tmp_path / "bomb.docx", tmp_path / "locked.docx"
    _ratio_bomb(bomb)
    _encrypted_docx(locked)
    for path, reason in ((bomb, "zip bomb"), (locked, "password")):
        status, data = check(server, path)
        assert status == 200, data
        assert data["report"]["status"] == "unreadable" and data["exit_code"] == 3
        assert reason in data["report"]["reason_en"], data["report"]["reason_en"]


@pytest.mark.parametrize("name", ["关于" + "很长的文件名" * 20 + ".txt", "𠀀" * 80 + ".txt",
                                  "机密" * 200 + ".txt", "a" * 300 + ".txt"],
                         ids=["chinese", "four-byte", "repeated", "ascii"])
def test_a_long_file_name_is_checked(server: str, name: str) -> None:
    """A name far above NAME_MAX in UTF-8 bytes (Chinese characters take three, some four) is
    shortened within it, its suffix kept, and the document is checked."""
    body, headers = multipart(name, "机密★10年\n知悉范围：项目组\n".encode())
    status, data = request(server + "api/v1/check?as_of=2026-11-30", body, headers=headers)
    assert status == 200, data
    assert isinstance(data, dict) and data["report"]["marking"]["raw"] == "机密★10年"
    kept = data["report"]["source"]["path"]
    assert len(kept.encode("utf-8")) <= 255
    assert kept.endswith(".txt") == name.endswith(".txt")
    status, data = request(server + "api/v1/check?" + urlencode({"name": name}),
                           "秘密★5年\n".encode(), headers={"Content-Type": "text/plain"})
    assert status == 200 and isinstance(data, dict), data


def test_an_oversized_body_is_refused(server: str) -> None:
    body, headers = multipart("big.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    status, data = request(server + "api/v1/check", body, headers=headers)
    assert status == 413 and isinstance(data, dict) and "2 MB" in data["error"]


def send_chunked(url: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """(status, body) of a POST whose body goes in chunks, with no Content-Length."""
    host, port = url[len("http://"):].rstrip("/").split(":")
    head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Transfer-Encoding: chunked",
            "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    with socket.create_connection((host, int(port)), timeout=120) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        try:
            for start in range(0, len(body), 65536):
                piece = body[start:start + 65536]
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            sock.sendall(b"0\r\n\r\n")
            sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading it all
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    top, _, rest = answer.partition(b"\r\n\r\n")
    return int(top.split()[1]), rest


@pytest.mark.parametrize("form", [False, True], ids=["raw", "multipart"])
def test_a_chunked_body_above_the_limit_is_refused(server: str, form: bool) -> None:
    """A chunked upload (no Content-Length) above --max-body-mb gets 413 like any other, instead
    of being cut at the limit and checked without the 绝密 mark past the cut; one within the limit
    is checked."""
    filler = "本段为正文，不涉及任何事项。\n".encode() * (3 * 1024 * 1024 // 40)
    document = filler + "绝密★30年\n".encode()
    assert len(document) > 2 * 1024 * 1024
    if form:
        body, headers = multipart("long.txt", document)
    else:
        body, headers = document, {"Content-Type": "text/plain"}
    status, answer = send_chunked(server, "/api/v1/check?name=long.txt", body, headers)
    assert status == 413, answer[:300]
    assert b"2 MB" in answer
    # with a Content-Length beside it (which chunked overrides), the same
    status, answer = send_chunked(server, "/api/v1/check?name=long.txt", body,
                                  {**headers, "Content-Length": "100"})
    assert status == 413, answer[:300]
    small = "绝密★30年\n知悉范围：项目组\n".encode()
    body, headers = (multipart("a.txt", small) if form
                     else (small, {"Content-Type": "text/plain"}))
    status, answer = send_chunked(server, "/api/v1/check?name=a.txt", body, headers)
    assert status == 200, answer[:300]
    assert json.loads(answer)["report"]["marking"]["raw"] == "绝密★30年"


def test_a_cross_site_form_post_is_refused(server: str) -> None:
    status, _ = request(server + "api/v1/check", b"file=x", headers={
        "Origin": "http://evil.example", "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403


def raw_get(url: str, path: str) -> int:
    """The status of a GET whose path is sent exactly as written (no client normalisation)."""
    host, port = url[len("http://"):].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"
                     .encode())
        head = sock.recv(200).decode("latin-1")
    return int(head.split()[1])


def raw_request(url: str, method: str, path: str, headers: dict[str, str],
                body: bytes = b"") -> tuple[int, bytes]:
    """(status, body) of one request sent exactly as written, ``Host`` included (or left out
    when ``headers`` has none)."""
    host, port = url[len("http://"):].rstrip("/").split(":")
    lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    lines.append("Connection: close")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, rest = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), rest


def test_dns_rebinding_is_refused(server: str) -> None:
    """A page on another name rebound to 127.0.0.1 sends its own name as Host (and Origin):
    refused with 421 before anything is read or checked; the server's own names still work."""
    port = server.rstrip("/").rsplit(":", 1)[1]
    for path in ("/", "/api/v1/health"):
        status, body = raw_request(server, "GET", path, {"Host": f"rebind.example:{port}"})
        assert status == 421, (path, body)
        assert b"demo" not in body and b"catalog" not in body
    doc = "机密★10年\n".encode()
    form, headers = multipart("a.txt", doc)
    status, _ = raw_request(server, "POST", "/api/v1/check", {
        "Host": f"rebind.example:{port}", "Origin": f"http://rebind.example:{port}",
        **headers}, form)
    assert status == 421
    status, _ = raw_request(server, "GET", "/api/v1/health", {})  # no Host at all
    assert status in (400, 421)
    for name in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"LOCALHOST.:{port}"):
        status, body = raw_request(server, "GET", "/api/v1/health", {"Host": name})
        assert status == 200, (name, body)
    status, _ = raw_request(server, "POST", "/api/v1/check", {
        "Host": f"127.0.0.1:{port}", "Origin": f"http://rebind.example:{port}", **headers}, form)
    assert status == 403
    status, body = raw_request(server, "POST", "/api/v1/check", {
        "Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}", **headers}, form)
    assert status == 200, body


def test_dns_rebinding_is_refused_on_every_address_too() -> None:
    """Bound to every address, the token does not make a rebound name acceptable; a name given
    with --allow-host is."""
    with running("serve", "--host", "0.0.0.0", "--token", "t0ken-for-the-test", "--jobs", "1",
                 "--allow-host", "dingmi.unit.example") as (url, _):
        port = url.rstrip("/").rsplit(":", 1)[1]
        auth = {"Authorization": "Bearer t0ken-for-the-test"}
        assert raw_request(url, "GET", "/api/v1/health",
                           {"Host": f"rebind.example:{port}", **auth})[0] == 421
        assert raw_request(url, "GET", "/api/v1/health",
                           {"Host": f"127.0.0.1:{port}", **auth})[0] == 200
        assert raw_request(url, "GET", "/api/v1/health",
                           {"Host": f"dingmi.unit.example:{port}", **auth})[0] == 200
        assert raw_request(url, "GET", "/api/v1/health",
                           {"Host": f"{socket.gethostname()}:{port}", **auth})[0] == 200
        assert raw_request(url, "GET", "/api/v1/health",
                           {"Host": f"0.0.0.0:{port}", **auth})[0] == 421


@pytest.mark.parametrize("path", [
    "/assets/../app.py", "/assets/%2e%2e%2fapp.py", "/assets/..%2F..%2Fetc%2Fpasswd",
    "/../../../../etc/passwd", "/file/../../audit.sqlite", "/audit.sqlite", "/reports/x",
    "/assets/review.js/../../checker.py"])
def test_path_traversal_gets_404(server: str, path: str) -> None:
    assert raw_get(server, path) == 404


def test_bad_parameters_are_clear_errors(server: str) -> None:
    status, data = request(server + "api/v1/check?as_of=yesterday", b"x",
                           headers={"Content-Type": "application/octet-stream"})
    assert status == 400 and isinstance(data, dict) and "as_of" in data["error"]
    status, data = request(server + "api/v1/check", b"")
    assert status == 400 and isinstance(data, dict)
    status, text = request(server + "nothing/here")
    assert status == 404 and "Traceback" not in str(text)


def test_a_token_is_checked_on_every_request() -> None:
    with running("serve", "--token", "s3cret-token", "--jobs", "1") as (url, _):
        assert request(url + "api/v1/health")[0] == 401
        assert request(url + "api/v1/health", token="wrong")[0] == 401
        assert request(url + "api/v1/health", token="s3cret-token")[0] == 200
        body, headers = multipart("a.txt", "秘密★1年\n".encode())
        assert request(url + "api/v1/check", body, headers=headers)[0] == 401
        status, _ = request(url + "api/v1/check", body, headers=headers, token="s3cret-token")
        assert status == 200


def test_beyond_loopback_a_token_is_generated_and_required() -> None:
    with running("serve", "--host", "0.0.0.0", "--jobs", "1") as (url, proc):
        token = proc.token  # type: ignore[attr-defined]
        assert len(token) >= 24
        assert request(url + "api/v1/health")[0] == 401
        assert request(url + "api/v1/health", token=token)[0] == 200


@pytest.mark.parametrize("given", ["", " "])
def test_an_empty_token_beyond_loopback_is_replaced_by_a_generated_one(given: str) -> None:
    """``--token ""`` (an unset ``$DINGMI_TOKEN``) on every address: a token is generated,
    printed and required; the empty one (header or cookie) lets nothing in."""
    with running("serve", "--host", "0.0.0.0", "--token", given, "--jobs", "1") as (url, proc):
        token = proc.token  # type: ignore[attr-defined]
        assert len(token) >= 24
        assert request(url + "api/v1/health")[0] == 401
        assert request(url + "api/v1/health", headers={"Authorization": "Bearer "})[0] == 401
        assert request(url + "api/v1/health", headers={"Authorization": f"Bearer {given}"}
                       )[0] == 401
        assert request(url + "api/v1/health", headers={"Cookie": "dingmi_token="})[0] == 401
        assert request(url + "api/v1/login?token=")[0] in (401, 404)
        assert request(url + "login?token=")[0] == 401
        assert request(url + "api/v1/health", token=token)[0] == 200


def test_requests_beyond_the_workers_and_the_queue_are_refused_as_busy() -> None:
    """One worker, no queue: of six requests sent together (each document takes the worker
    well over half a second), the first is checked and those that arrive while it runs get 503
    at once; afterwards the server checks again."""
    import threading  # noqa: PLC0415

    text = (REPO / "tests" / "data" / "texts" / "gov_sc_01.txt").read_text(encoding="utf-8")
    body, headers = multipart("long.txt", (text * (8_000_000 // len(text) + 1)).encode())
    with running("serve", "--catalog", "demo", "--jobs", "1", "--queue", "0",
                 "--max-body-mb", "50") as (url, _):
        results: list[tuple[int, object]] = []
        start = threading.Barrier(6)

        def send() -> None:
            start.wait()
            results.append(request(url + "api/v1/check", body, headers=headers))

        threads = [threading.Thread(target=send) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        statuses = sorted(status for status, _ in results)
        assert statuses[0] == 200 and statuses[-1] == 503, statuses
        assert all(isinstance(data, dict) and "busy" in data["error"]
                   for status, data in results if status == 503)
        small, small_headers = multipart("a.txt", "秘密★1年\n".encode())
        assert request(url + "api/v1/check", small, headers=small_headers)[0] == 200


def big_document() -> bytes:
    """A text document that keeps a worker busy for a while (the catalogue reads all of it)."""
    text = (REPO / "tests" / "data" / "texts" / "gov_sc_01.txt").read_text(encoding="utf-8")
    return (text * (16_000_000 // len(text) + 1)).encode()


def upload_in_background(url: str, name: str) -> threading.Thread:
    body, headers = multipart(name, big_document())

    def send() -> None:
        with contextlib.suppress(OSError):  # the server goes away mid-request
            request(url + "api/v1/check", body, headers=headers)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def wait_for_upload(tmp: Path, name: str) -> Path:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = list(tmp.glob(f"dingmi-upload-*/*/{name}"))
        if found:
            return found[0]
        time.sleep(0.01)
    raise AssertionError("the upload never reached the disk")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_an_upload_is_removed_when_the_server_is_stopped_mid_check(
        tmp_path: Path, sig: signal.Signals) -> None:
    """``systemctl stop`` (SIGTERM) or a closed terminal (SIGHUP) while a document is being
    checked: the server exits 0 and leaves no upload on disk."""
    with running("serve", "--catalog", "demo", "--jobs", "1", "--max-body-mb", "50",
                 env={"TMPDIR": str(tmp_path)}) as (url, proc):
        sender = upload_in_background(url, "secret_doc.txt")
        wait_for_upload(tmp_path, "secret_doc.txt")
        proc.send_signal(sig)
        assert proc.wait(timeout=60) == 0
        sender.join(timeout=60)
    assert list(tmp_path.rglob("*")) == []


def test_what_a_killed_server_left_is_removed_at_the_next_start(tmp_path: Path) -> None:
    """SIGKILL leaves the upload behind (nothing runs on the way out); the next server removes
    it when it starts, and never removes the folder of a server that is running."""
    env = {"TMPDIR": str(tmp_path)}
    with running("serve", "--catalog", "demo", "--jobs", "1", "--max-body-mb", "50",
                 env=env) as (url, proc):
        upload_in_background(url, "secret_doc.txt")
        left = wait_for_upload(tmp_path, "secret_doc.txt")
        proc.kill()
        proc.wait(timeout=30)
    assert left.exists()
    with running("serve", "--jobs", "1", env=env) as (url, _):
        assert not left.exists()
        assert not list(tmp_path.rglob("secret_doc.txt"))
        mine = list(tmp_path.glob("dingmi-upload-*"))
        assert len(mine) == 1
        with running("serve", "--jobs", "1", env=env) as (other, _):
            assert request(other + "api/v1/health")[0] == 200
            assert mine[0].exists()  # the running server's folder is kept
            assert len(list(tmp_path.glob("dingmi-upload-*"))) == 2
        body, headers = multipart("a.txt", "秘密★1年\n".encode())
        assert request(url + "api/v1/check", body, headers=headers)[0] == 200
    assert list(tmp_path.rglob("*")) == []


def closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closed ``sock`` within ``seconds``, and what it sent before."""
    sock.settimeout(seconds)
    got = b""
    try:
        while chunk := sock.recv(65536):
            got += chunk
    except TimeoutError:
        return False, got
    except ConnectionResetError:
        pass
    return True, got


def test_connections_are_limited_and_idle_ones_closed() -> None:
    """Stalled clients (a request line never finished, an upload that stops) hold at most
    --max-connections connections; one more gets 503 at once, without a thread; each stalled
    one is closed after --idle-timeout, and the server answers again."""
    with running("serve", "--jobs", "1", "--max-connections", "3",
                 "--idle-timeout", "2") as (url, _):
        host, port = url[len("http://"):].rstrip("/").split(":")
        stalled = [socket.create_connection((host, int(port)), timeout=10) for _ in range(2)]
        stalled[0].sendall(b"GET /api/v1/hea")
        stalled[1].sendall(f"POST /api/v1/check HTTP/1.1\r\nHost: {host}:{port}\r\n"
                           f"Content-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
                           "机密".encode() * 10)
        third = socket.create_connection((host, int(port)), timeout=10)
        started = time.monotonic()
        while True:  # once the server has taken all three (a loaded machine may take a while)
            asked = time.monotonic()
            status, data = request(url + "api/v1/health")
            if status == 503 or asked - started > 1.5:
                break
            time.sleep(0.1)
        assert status == 503 and isinstance(data, dict), data
        assert time.monotonic() - asked < 1  # at once
        assert "too many connections" in data["error"] and "连接" in data["error_zh"]
        for sock in (*stalled, third):
            closed, _ = closed_within(sock, 10)
            assert closed, "an idle connection was kept open"
            sock.close()
        assert time.monotonic() - started < 8
        assert request(url + "api/v1/health")[0] == 200
        many = [socket.create_connection((host, int(port)), timeout=10) for _ in range(20)]
        time.sleep(0.5)
        refused = sum(closed_within(s, 1)[0] for s in many)
        assert refused >= 17  # all but the three it holds, at once
        for sock in many:
            sock.close()
        time.sleep(2.5)
        assert request(url + "api/v1/health")[0] == 200
