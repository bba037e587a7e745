"""``dingmi serve`` and ``dingmi review`` on the production server: no development-server banner
or warning, no ``Server: Werkzeug`` header, and a request target with raw UTF-8 (what curl sends
for ``?name=发文稿.docx``) read as the name it spells."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "support"))

from server import running  # noqa: E402


def raw(url: str, head: bytes, body: bytes = b"") -> bytes:
    host, port = url[len("http://"):].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(head + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_serve_has_no_development_server_banner_or_header() -> None:
    with running("serve", "--jobs", "1", "--lang", "en") as (url, proc):
        port = url.rstrip("/").rsplit(":", 1)[1]
        answer = raw(url, f"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                          "Connection: close\r\n\r\n".encode())
        head = answer.partition(b"\r\n\r\n")[0].decode("latin-1").lower()
        assert head.startswith("http/1.1 200"), head
        assert "\r\nserver: dingmi" in head and "werkzeug" not in head, head
        body = "绝密★30年\n".encode()
        target = "/api/v1/check?name=发文稿.txt".encode()
        answer = raw(url, b"POST " + target + f" HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
                     "Connection: close\r\n\r\n".encode(), body)
        assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
        assert '"path":"发文稿.txt"'.encode() in answer, answer[-600:]
    out = proc.stdout.read() if proc.stdout else ""
    assert "development server" not in out.lower() and "werkzeug" not in out.lower(), out
