"""``dingmi review AUDIT_DIR`` and ``dingmi serve``: the local web server (scanner.review)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import ipaddress
import os
import secrets
import signal
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

from scanner import catalogs
from scanner.cli.options import check_against, decisions, scan_options
from scanner.decisions import dump
from scanner.errors import ConfigError, OutputError
from scanner.fsutil import write_atomic
from scanner.messages import Msg
from scanner.pipeline import ScanOptions
from scanner.review.app import ServerSettings, catalog_view, create_app
from scanner.review.checker import Checker, CheckSettings
from scanner.review.server import production_server
from scanner.review.store import AuditStore
from scanner.workers.pool import Policy

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
LISTENING = Msg("dingmi 已启动：{url}（Ctrl-C 停止）", "dingmi is serving at {url} (Ctrl-C stops)")
TOKEN = Msg("访问令牌：{token}（请求头 Authorization: Bearer {token}；浏览器打开 {login}）",
            "access token: {token} (header Authorization: Bearer {token}; in a browser open "
            "{login})")
EMPTY_TOKEN = Msg("给出的访问令牌为空，不作令牌使用（非本机地址时另行生成）",
                  "the token given is empty and is not used (one is generated when binding "
                  "beyond loopback)")
EXPORTED = Msg("已导出 {n} 条审核决定到 {path}", "exported {n} decisions to {path}")
IMPORTED = Msg("已导入 {n} 条审核决定", "imported {n} decisions")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def command(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    """``dingmi review`` and ``dingmi serve``."""
    out = stdout or sys.stdout
    lang = args.lang
    options = scan_options(args)
    matcher = catalogs.matcher(options.catalogs)  # a bad catalogue is a usage error (2), now
    described = tuple(catalog_view(c) for c in (matcher.catalogs if matcher else ()))
    check_against(args)  # a missing or unbuilt index is a usage error (2), now
    audit = None
    if args.command == "review":
        audit = AuditStore(args.audit_dir)
        imported = decisions(argparse.Namespace(decisions=args.import_file))
        for d in imported or ():
            audit.save(d)
        if imported is not None:
            print(IMPORTED.format(n=len(imported)).text(lang), file=out)
        if args.export is not None:
            text = dump(audit.decisions())
            try:
                write_atomic(args.export, text.encode("utf-8"))
            except OSError as exc:
                raise OutputError(f"无法写入 {args.export}：{exc.strerror}",
                                  f"cannot write {args.export}: {exc.strerror}") from exc
            print(EXPORTED.format(n=len(audit.decisions()), path=args.export).text(lang),
                  file=out)
            audit.close()
            return 0
    token = args.token
    empty = token is not None and not token.strip()  # --token "" or an unset "$DINGMI_TOKEN"
    if empty:
        token = None
    if token is None and not is_loopback(args.host):
        token = secrets.token_urlsafe(24)
    reviewer = getattr(args, "reviewer", None) or getpass.getuser()
    settings = ServerSettings(reviewer=reviewer, token=token, max_body_mb=args.max_body_mb,
                              audit=audit, catalogs=described, host=args.host,
                              allowed_hosts=tuple(args.allow_host), lang=lang)
    with _stop_on_signals():
        try:
            return _serve(args, options, settings, empty, out)
        except Stopped:
            return 0
        finally:
            if audit is not None:
                audit.close()


def server_threads(args: argparse.Namespace, jobs: int) -> int:
    """Request threads: one for each check a worker runs, one for each that may wait in the
    queue (beyond them a check is refused as busy, not held), and four for pages and health."""
    return jobs + max(int(args.queue), 0) + 4


class Stopped(Exception):
    """SIGTERM or SIGHUP (``systemctl stop``, a closed terminal): stop as on Ctrl-C, cleaning
    up on the way out."""


STOP_GRACE = 30.0  # seconds the clean-up after SIGTERM may take before the process just ends


def _raise_stopped(signum: int, frame: object) -> None:
    for sig in STOP_SIGNALS:  # a second signal must not cut the clean-up short
        signal.signal(sig, signal.SIG_IGN)
    # A service manager waits for the stop: should the clean-up hang (a worker that does not
    # answer), end anyway after STOP_GRACE; uploads left then are removed at the next start.
    timer = threading.Timer(STOP_GRACE, os._exit, args=(0,))
    timer.daemon = True
    timer.start()
    raise Stopped


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    previous = {}
    for sig in STOP_SIGNALS:
        with contextlib.suppress(ValueError):  # only the main thread may: elsewhere, as before
            previous[sig] = signal.signal(sig, _raise_stopped)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _serve(args: argparse.Namespace, options: ScanOptions, settings: ServerSettings,
           empty: bool, out: TextIO) -> int:
    """Start the workers and the server, serve until stopped, and remove every upload on the
    way out, however it is stopped (Ctrl-C, SIGTERM, SIGHUP or an error)."""
    lang = args.lang
    jobs = args.jobs or min(os.cpu_count() or 1, 4)
    checker = Checker(CheckSettings(options, workers=jobs, queue=args.queue,
                                    policy=Policy(args.timeout, args.memory_mb or None),
                                    lang=lang, against=args.against))
    settings.checker = checker
    try:
        try:
            server = production_server(
                args.host, args.port, create_app(settings), threads=server_threads(args, jobs),
                max_connections=args.max_connections, idle_timeout=args.idle_timeout,
                max_body=2 * settings.max_body_mb * 1024 * 1024 + (1 << 20))
        except (OSError, ValueError) as exc:
            why = getattr(exc, "strerror", None) or str(exc)
            raise ConfigError(f"无法监听 {args.host}:{args.port}：{why}",
                              f"cannot listen on {args.host}:{args.port}: {why}") from exc
        try:
            host = f"[{args.host}]" if ":" in args.host else args.host
            url = f"http://{host}:{server.effective_port}/"
            print(LISTENING.format(url=url).text(lang), file=out, flush=True)
            token = settings.token
            if token is not None:
                print(TOKEN.format(token=token, login=f"{url}login?token={token}").text(lang),
                      file=out, flush=True)
            if empty:
                print(EMPTY_TOKEN.text(lang), file=out, flush=True)
            server.run()
        finally:
            server.close_all()
    finally:
        checker.close()
    return 0
