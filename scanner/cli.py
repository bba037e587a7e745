"""The ``dingmi`` command line. Library errors become messages and exit codes here only."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from scanner import __version__
from scanner.errors import ScanError
from scanner.outcome import EXIT_USAGE, exit_code
from scanner.pipeline import ScanOptions
from scanner.run import OutputOptions, run_check, run_scan

DEFAULT_OUT = "dingmi-reports"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"dingmi: 参数错误 / usage error: {message}\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"日期应为 YYYY-MM-DD / date must be YYYY-MM-DD: {text!r}") from exc


def _formats(text: str) -> tuple[str, ...]:
    items = tuple(x.strip() for x in text.split(",") if x.strip())
    bad = [x for x in items if x not in ("json", "html")]
    if bad or not items:
        raise argparse.ArgumentTypeError(f"格式只能是 json、html / formats are json,html: {text!r}")
    return items


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=_date, default=None, metavar="DATE",
                   help="基准日期，用于判断是否到期 / date for expiry checks (default: today)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="输出语言 / language")
    p.add_argument("--fail-on", choices=("error", "warning", "info", "never"), default="error",
                   help="达到此级别的发现时退出码为 1 / severity that makes exit code 1")
    p.add_argument("--soon-days", type=int, default=92, metavar="N",
                   help="到期提醒窗口（天）/ EXPIRY_SOON window in days (default 92)")
    p.add_argument("-q", "--quiet", action="store_true", help="少输出 / less output")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the test that checks every command is documented)."""
    parser = _Parser(prog="dingmi", description="定密检查：国家秘密标志检查与定密审核 / "
                     "checks state-secret classification marks")
    parser.add_argument("--version", action="version", version=f"dingmi {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="发文前检查单个文件 / pre-issue check of files")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--out", type=Path, default=None,
                       help="同时写出报告到此目录 / also write reports here")
    check.add_argument("--format", type=_formats, default=("json", "html"), dest="formats")
    _common(check)
    scan = sub.add_parser("scan", help="扫描文件和文件夹并写出报告 / scan files and folders")
    scan.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    scan.add_argument("--out", type=Path, default=Path(DEFAULT_OUT),
                      help=f"报告目录 / report folder (default ./{DEFAULT_OUT})")
    scan.add_argument("--format", type=_formats, default=("json", "html"), dest="formats",
                      help="json,html")
    _common(scan)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dingmi`` console script."""
    args = build_parser().parse_args(argv)
    options = ScanOptions(as_of=args.as_of or dt.date.today(), soon_days=args.soon_days)
    try:
        if args.command == "check":
            out = OutputOptions(args.out, args.formats, args.lang)
            return run_check(args.files, options, out, args.fail_on, quiet=args.quiet)
        out = OutputOptions(args.out, args.formats, args.lang)
        reports = run_scan(args.paths, options, out, quiet=args.quiet)
        return exit_code(reports, args.fail_on)
    except ScanError as exc:
        print(f"dingmi: {exc.message(args.lang)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("dingmi: 已中断 / interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
