"""Turning parsed arguments into the values the commands run with (scan settings, limits,
catalogues, the audit drafts are checked against)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from scanner import catalogs
from scanner.cli.parser import build_parser
from scanner.decisions import Decisions
from scanner.decisions import load as load_decisions
from scanner.derived.against import Against
from scanner.errors import ConfigError
from scanner.limits import Limits
from scanner.pipeline import ScanOptions

LIMIT_FIELDS = ("max_file_mb", "max_pages", "max_unzipped_mb", "max_ratio", "max_xml_depth",
                "max_package_mb", "ocr", "max_megapixels")


def limits(args: argparse.Namespace) -> Limits:
    """The limits asked for (a bad value is a usage error)."""
    try:
        return Limits(**{f: getattr(args, f) for f in LIMIT_FIELDS})
    except ValueError as exc:
        build_parser().error(f"限制值无效 / bad limit: {exc}")


def catalog_paths(args: argparse.Namespace) -> tuple[str, ...]:
    """The catalogues in force: ``--catalog`` (``demo``: the bundled fictional one), else those of
    ``dingmi.yaml``, else none (``--no-catalog``: none whatever the settings say)."""
    if args.no_catalog:
        return ()
    if args.catalog:
        return tuple(str(catalogs.DEMO) if c == "demo" and not Path(c).exists() else str(c)
                     for c in args.catalog)
    return tuple(getattr(args, "config_catalogs", ()))


def scan_options(args: argparse.Namespace, soon_days: int | None = None) -> ScanOptions:
    """The scan settings of ``check``, ``scan`` and ``audit``."""
    as_of = args.as_of or dt.date.today()
    return ScanOptions(as_of=as_of, soon_days=args.soon_days if soon_days is None else soon_days,
                       catalogs=catalog_paths(args), authority=args.authority,
                       derived=args.derived, limits=limits(args))


def decisions(args: argparse.Namespace) -> Decisions | None:
    """The reviewers' decisions of ``--decisions`` (None without)."""
    path = getattr(args, "decisions", None)
    return load_decisions(path) if path is not None else None


def against(args: argparse.Namespace) -> Against | None:
    """The audit drafts are checked against (``--against``, or ``reference`` in ``dingmi.yaml``),
    opened read-only; None without one. A folder that is missing or holds no derived index is a
    usage error (exit 2) naming where it was given: ``dingmi.yaml``, its line and the key."""
    folder = getattr(args, "against", None)
    if folder is None:
        return None
    try:
        return Against(folder)
    except ConfigError as exc:
        place = getattr(args, "against_place", None)
        if place is None:  # given on the command line
            raise
        raise ConfigError(f"{place}: {exc.message_zh}", f"{place}: {exc.message_en}") from None


def check_against(args: argparse.Namespace) -> None:
    """Raise at start-up (as :func:`against`) unless the audit to check against, if any, holds
    a derived index; nothing is kept open."""
    found = against(args)
    if found is not None:
        found.close()
