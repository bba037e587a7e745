"""``dingmi.yaml``: the user's settings for ``check``, ``scan``, ``audit``, ``serve`` (and the
language and ``reference`` of ``watch``, the language of ``catalog``), found from the working
directory upward like ruff's or gitleaks' configuration, or named with ``--config``.

Every key is optional; the command line wins over the file, the file over the built-in defaults.
Unknown keys and bad values are errors naming the file, the line and the key. Relative paths are
taken from the folder that holds the file. The audit folder of ``reference`` is checked by the
commands that use it, when they start (``dingmi audit`` may be about to make it); their error
names the file, the line and the key too (``Settings.places``). ``watch_dirs.yaml`` keeps the
watched folders' settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rules.yamlnodes import Path_
from scanner import catalogs, gate
from scanner.limits import LIBXML2_MAX_DEPTH, OCR_MODES
from scanner.report.outputs import FILE_OUTPUTS
from scanner.verdicts import parse_authority
from scanner.yamlconf import Checker, read

NAME = "dingmi.yaml"
LIMIT_KEYS = {"max_file_mb", "max_pages", "max_unzipped_mb", "max_ratio", "max_xml_depth",
              "max_package_mb", "max_megapixels"}
KEYS = {"catalogs", "authority", "derived", "lang", "fail_on", "soon_days", "window_months",
        "formats", "jobs", "timeout", "memory_mb", "redact", "limits", "ocr", "executor",
        "reference"}


@dataclass(frozen=True)
class Settings:
    """A validated ``dingmi.yaml``: ``values`` by the name of the command-line option's
    destination (``catalogs`` as ``config_catalogs``: ``--catalog`` replaces them)."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    # ``file:line: key`` of a value checked only when a command uses it (``against``: the audit
    # folder of ``reference``, which may not exist yet when ``dingmi audit`` runs)
    places: dict[str, str] = field(default_factory=dict)


def find(start: Path) -> Path | None:
    """The nearest ``dingmi.yaml`` in ``start`` or a folder above it."""
    here = start.absolute()
    for folder in (here, *here.parents):
        candidate = folder / NAME
        if candidate.is_file():
            return candidate
    return None


def _catalog(c: Checker, value: str, i: int, base: Path) -> str:
    if value == "demo" and not (base / value).exists():
        return str(catalogs.DEMO)  # the bundled fictional catalogue, wherever it is installed
    return str(c.path_of(value, ("catalogs", i), base))


def fail_on_value(c: Checker, value: Any, at: Path_) -> str:
    """A gate policy (:mod:`scanner.gate`): a word, comma-separated words or a list of them."""
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        value = ",".join(value)
    if not isinstance(value, str) or not value.strip():
        raise c.fail(at, "应为 error、warning、info、never、pre-issue 或发现代码列表",
                     "must be error, warning, info, never, pre-issue or a list of finding codes")
    try:
        gate.parse(value)
    except ValueError as exc:
        raise c.fail(at, *exc.args[0]) from None
    return value


def load(path: Path) -> Settings:
    """Read and validate ``path``."""
    data, lines = read(path)
    c = Checker(path, lines)
    base = path.parent.absolute()
    top = c.keys({} if data is None else data, KEYS, ())
    out: dict[str, Any] = {}
    if "catalogs" in top:
        names = c.strings(top["catalogs"], ("catalogs",))
        out["config_catalogs"] = tuple(_catalog(c, n, i, base) for i, n in enumerate(names))
    if "authority" in top:
        value = top["authority"]
        try:
            parse_authority(str(value))
        except ValueError:
            raise c.fail(("authority",), "应为 central、provincial、city、county 或 county:秘密",
                         "must be central, provincial, city, county or county:LEVEL") from None
        out["authority"] = str(value)
    for key in ("derived", "redact"):
        if key in top:
            if not isinstance(top[key], bool):
                raise c.fail((key,), "应为 true 或 false", "must be true or false")
            out[key] = top[key]
    if "lang" in top:
        out["lang"] = c.choice(top["lang"], ("lang",), ("zh", "en"))
    if "ocr" in top:
        out["ocr"] = c.choice(top["ocr"], ("ocr",), OCR_MODES)
    if "executor" in top:
        value = str(top["executor"])
        if value != "local" and not re.match(r"^(dask|tcp|tls)://[^\s/]+:\d+$", value):
            raise c.fail(("executor",), "应为 local 或 dask://HOST:PORT",
                         "must be local or dask://HOST:PORT")
        out["executor"] = value
    if top.get("reference") is not None:  # the audit whose derived index drafts are checked against
        out["against"] = c.path_of(top["reference"], ("reference",), base)
    if "fail_on" in top:
        out["fail_on"] = fail_on_value(c, top["fail_on"], ("fail_on",))
    for key in ("soon_days", "window_months", "jobs"):
        if key in top:
            out[key] = c.number(top[key], (key,), whole=True)
    if "memory_mb" in top:
        out["memory_mb"] = c.number(top["memory_mb"], ("memory_mb",), whole=True)
    if "timeout" in top:
        out["timeout"] = float(c.number(top["timeout"], ("timeout",), strict=True))
    if "formats" in top:
        formats = c.strings(top["formats"], ("formats",))
        for i, f in enumerate(formats):
            c.choice(f, ("formats", i), tuple(FILE_OUTPUTS))
        out["formats"] = formats
    if "limits" in top:
        limits = c.keys(top["limits"], LIMIT_KEYS, ("limits",))
        for key, value in limits.items():
            at = ("limits", key)
            low = 8 if key == "max_xml_depth" else 1
            out[key] = c.number(value, at, whole=True, low=low)
            if key == "max_xml_depth" and value > LIBXML2_MAX_DEPTH:
                raise c.fail(at, f"应不大于 {LIBXML2_MAX_DEPTH}", f"must be <= {LIBXML2_MAX_DEPTH}")
    return Settings(path, out, {"against": c.where(("reference",))} if "against" in out else {})


def _named(argv: list[str], commands: set[str]) -> str | None:
    """The file ``--config`` names in ``argv`` (for ``watch``, only before the command: after it,
    ``--config`` names ``watch_dirs.yaml``)."""
    command = None
    named = None
    i = 0
    while i < len(argv):
        token = argv[i]
        if command is None and token in commands:
            command = token
        elif token == "--config" and i + 1 < len(argv):
            if command != "watch":
                named = argv[i + 1]
            i += 1
        elif token.startswith("--config=") and command != "watch":
            named = token.partition("=")[2]
        i += 1
    return named


def discover(argv: list[str], commands: set[str], cwd: Path) -> Settings:
    """The settings in force for a command line: the file ``--config`` names, else the nearest
    ``dingmi.yaml`` above ``cwd``, else none."""
    named = _named(argv, commands)
    if named is not None:
        return load(Path(named))
    found = find(cwd)
    return load(found) if found is not None else Settings()
