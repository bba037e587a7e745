"""``dingmi audit``: the command's options into an audit run, and its exit code."""

from __future__ import annotations

import argparse
import datetime as dt

from markers.expiry import add_months
from scanner import catalogs
from scanner.audit.run import AuditOptions, run_audit
from scanner.cli.options import decisions, scan_options
from scanner.outcome import exit_code


def command(args: argparse.Namespace) -> int:
    """``dingmi audit``."""
    as_of = args.as_of or dt.date.today()
    soon = (add_months(as_of, args.window_months) - as_of).days
    options = scan_options(args, soon_days=soon)
    audit = AuditOptions(tuple(args.paths), args.out, options, jobs=args.jobs,
                         timeout=args.timeout, memory_mb=args.memory_mb or None,
                         window_months=args.window_months, lang=args.lang,
                         formats=args.formats, redact=args.redact,
                         decisions=decisions(args), executor=args.executor,
                         path_map=tuple(args.path_map), batch=args.batch)
    catalogs.load(options.catalogs)  # a bad catalogue is a usage error (2), now
    result = run_audit(audit, rows_wanted=args.fail_on != "never")
    if result.unreadable:
        return exit_code([("unreadable", ())])
    return exit_code(((r.status, r.severities, r.codes) for r in result.rows), args.fail_on)
