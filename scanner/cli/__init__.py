"""The ``dingmi`` command line: one module per command, one boundary where errors become messages
and exit codes (:func:`main`). Library code raises :class:`~scanner.errors.ScanError`; only this
package prints it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from scanner import config
from scanner.cli.parser import build_parser
from scanner.errors import ScanError
from scanner.messages import Msg
from scanner.outcome import EXIT_INTERRUPTED

INTERRUPTED = Msg("已中断", "interrupted")
INTERRUPTED_AUDIT = Msg("已中断，再次运行同一命令即可从中断处继续",
                        "interrupted; run the same command again to resume")


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """The function that runs command ``name`` (each command imports only what it needs)."""
    if name == "check":
        from scanner.cli.check import command  # noqa: PLC0415
    elif name == "scan":
        from scanner.cli.scan import command  # noqa: PLC0415
    elif name == "audit":
        from scanner.cli.audit import command  # noqa: PLC0415
    elif name == "watch":
        from scanner.cli.watch import command  # noqa: PLC0415
    elif name in ("review", "serve"):
        from scanner.cli.serve import command  # noqa: PLC0415
    else:
        from scanner.cli.catalog import command  # noqa: PLC0415
    return command


COMMANDS = {"check", "scan", "audit", "watch", "catalog", "review", "serve"}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dingmi`` console script: the one error boundary of the CLI."""
    words = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(words)  # usage errors first, whatever the settings file
    lang = getattr(args, "lang", "zh")
    try:
        settings = config.discover(words, COMMANDS, Path.cwd())
        if settings.path is not None:
            args = build_parser(settings).parse_args(words)
            lang = getattr(args, "lang", "zh")
        return _command(args.command)(args)
    except ScanError as exc:
        print(f"dingmi: {exc.message(lang)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        note = INTERRUPTED_AUDIT if args.command == "audit" else INTERRUPTED
        print(f"dingmi: {note.zh} / {note.en}", file=sys.stderr)
        return EXIT_INTERRUPTED
