"""Which catalogues a run uses, loaded once per process, errors turned into ConfigError.

``scan`` uses the bundled demo catalogue when none is given; ``check`` uses one only when asked,
so a single pre-issue check does not pay for loading the segmentation dictionary.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from rules import Catalog, CatalogError, Matcher, load_catalogs
from scanner.errors import ConfigError

DEMO = Path(__file__).resolve().parent.parent / "rules" / "catalogs" / "demo.yaml"
_MATCHERS: dict[tuple[str, ...], Matcher] = {}


def cache_dir() -> Path:
    """Where compiled catalogues and the segmentation cache live (``DINGMI_CACHE`` overrides)."""
    env = os.environ.get("DINGMI_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dingmi"


def config_error(exc: CatalogError) -> ConfigError:
    """The CLI-facing form of a catalogue error."""
    return ConfigError(f"保密事项目录文件有误：{exc.text('zh')}",
                       f"bad catalogue (保密事项目录): {exc.text('en')}")


def load(paths: Sequence[str]) -> tuple[Catalog, ...]:
    """Load catalogues or raise :class:`ConfigError`."""
    try:
        return load_catalogs([Path(p) for p in paths], cache_dir())
    except CatalogError as exc:
        raise config_error(exc) from exc


def matcher(paths: Sequence[str]) -> Matcher | None:
    """The process-wide matcher for ``paths`` (None when no catalogue is in play)."""
    if not paths:
        return None
    key = tuple(paths)
    if key not in _MATCHERS:
        _MATCHERS[key] = Matcher(load(paths), cache_dir())
    return _MATCHERS[key]
