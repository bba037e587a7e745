"""The production HTTP server for ``dingmi serve`` and ``dingmi review``: waitress (pure Python,
the same on Windows and Linux), with dingmi's limits.

:func:`production_server` binds one address and serves a WSGI application with ``threads``
request threads; it holds at most ``max_connections`` connections (one more gets a 503 at once and
is closed: nothing is read from it), closes a connection that sends or reads nothing for
``idle_timeout`` seconds (a stalled upload, a request line never finished) while its request is
not being answered, and buffers no body larger than ``max_body`` bytes (the application answers
413 itself for a body over its own limit; this cap only bounds what is held before that). The
``Server`` header names dingmi, not the server software.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
from typing import Any

from scanner.messages import Msg

BUSY = Msg("连接数已达上限，请稍后重试", "too many connections: try again shortly")
IDENT = "dingmi"
SOCKET_KEY = "dingmi.socket"  # the connection's socket, in each request's WSGI environ


def _busy_answer() -> bytes:
    refusal = json.dumps({"error": BUSY.en, "error_zh": BUSY.zh, "status": 503},
                         ensure_ascii=False).encode()
    return (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            b"Retry-After: 2\r\nConnection: close\r\n"
            + f"Content-Length: {len(refusal)}\r\n\r\n".encode() + refusal)


def escaped_target(head: bytes) -> bytes:
    """``head`` (a request line and its headers) with bytes beyond ASCII in the request target
    percent-encoded: ``curl "…?name=发文稿.docx"`` sends the name as raw UTF-8, which the
    server's URI parser refuses; encoded, the application reads the same name."""
    line, sep, rest = head.partition(b"\n")
    if line.isascii():
        return head
    return b"".join(b"%%%02X" % c if c > 0x7F else bytes([c]) for c in line) + sep + rest


def production_server(host: str, port: int, app: Any, *, threads: int, max_connections: int,
                      idle_timeout: float, max_body: int) -> Any:
    """A waitress server for ``app`` bound to ``host``:``port`` (0: a free port), not yet
    serving: call ``.run()`` to serve, ``.close_all()`` to stop. Raises ``OSError`` when the
    address cannot be bound and ``ValueError`` when it is not an address."""
    from waitress.adjustments import Adjustments  # noqa: PLC0415
    from waitress.channel import HTTPChannel  # noqa: PLC0415
    from waitress.parser import HTTPRequestParser  # noqa: PLC0415
    from waitress.server import TcpWSGIServer  # noqa: PLC0415
    from waitress.task import WSGITask  # noqa: PLC0415

    logging.getLogger("waitress").setLevel(logging.ERROR)  # no line per request, queue or path
    answer = _busy_answer()

    class Task(WSGITask):  # type: ignore[misc]
        def get_environment(self) -> dict[str, Any]:
            environ: dict[str, Any] = super().get_environment()
            environ[SOCKET_KEY] = self.channel.socket
            return environ

    class Parser(HTTPRequestParser):  # type: ignore[misc]
        def parse_header(self, header_plus: bytes) -> None:
            super().parse_header(escaped_target(header_plus))

    class Channel(HTTPChannel):  # type: ignore[misc]
        task_class = Task
        parser_class = Parser

    class Server(TcpWSGIServer):  # type: ignore[misc]
        channel_class = Channel

        def handle_accept(self) -> None:
            if len(self.active_channels) < max_connections:
                super().handle_accept()
                return
            try:
                accepted = self.accept()
            except OSError:
                return
            if accepted is None:
                return
            conn = accepted[0]
            with contextlib.suppress(OSError):
                conn.settimeout(1)
                conn.sendall(answer)
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

        def close_all(self) -> None:
            """Stop listening, close every connection and stop the request threads (those
            still answering are left to finish on their own)."""
            for channel in list(self.active_channels.values()):
                with contextlib.suppress(OSError):
                    channel.close()
            self.close()
            self.task_dispatcher.shutdown(cancel_pending=True, timeout=1)

    adj = Adjustments(host=host, port=port, threads=threads, ident=IDENT,
                      connection_limit=max_connections + 8, max_request_body_size=max_body,
                      expose_tracebacks=False, asyncore_use_poll=True)
    # (waitress reads these as whole seconds: set after, as fractions)
    adj.channel_timeout = idle_timeout
    adj.cleanup_interval = adj.asyncore_loop_timeout = max(0.1, min(idle_timeout / 4, 1.0))
    return Server(app, adj=adj, sockinfo=adj.listen[0])
