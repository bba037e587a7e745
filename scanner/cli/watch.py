"""``dingmi watch``: load ``watch_dirs.yaml``, run the watcher until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import threading

from scanner.cli.options import check_against
from scanner.watch import config as watch_config
from scanner.watch.watcher import Watcher


def command(args: argparse.Namespace) -> int:
    """``dingmi watch``."""
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        del signum
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    config = watch_config.load(args.config)  # a bad catalogue is a usage error, at start
    check_against(args)  # a missing or unbuilt index is a usage error, at start
    against = getattr(args, "against", None)
    return Watcher(config, stop, log_excerpts=args.log_excerpts, lang=args.lang,
                   against=against).run()
