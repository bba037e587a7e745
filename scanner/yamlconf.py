"""Reading the user's YAML settings (``dingmi.yaml``, ``watch_dirs.yaml``) with the line of every
value, so that a bad value is an error naming its file, line and key.

Aliases (``*name``) are refused before any value is built: a few hundred bytes of nested aliases
would otherwise expand into gigabytes (the "billion laughs"), and settings never need them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from rules.yamlnodes import AliasFound, DuplicateKey, Path_, compose, refuse_aliases, to_python
from scanner.errors import ConfigError
from scanner.messages import Msg

MAX_BYTES = 1 << 20  # a settings file is a page of text, not megabytes
ALIAS = Msg("不允许使用 YAML 别名（*名称）", "YAML aliases (*name) are not allowed")


def read(path: Path) -> tuple[Any, dict[Path_, int]]:
    """The plain value of the YAML file at ``path`` and the line of every value in it."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ConfigError(f"配置文件 {path} 过大（{size} 字节）",
                              f"the configuration {path} is too large ({size} bytes)")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"无法读取配置文件 {path}：{why}",
                          f"cannot read the configuration {path}: {why}") from exc
    try:
        node = compose(text)
        lines: dict[Path_, int] = {}
        if node is None:
            return None, lines
        refuse_aliases(node)
        return to_python(node, (), lines), lines
    except AliasFound as exc:
        where = f"{path}:{exc.line}"
        raise ConfigError(f"{where}: {ALIAS.zh}", f"{where}: {ALIAS.en}") from exc
    except (yaml.YAMLError, DuplicateKey) as exc:
        raise ConfigError(f"{path}: YAML 错误：{exc}", f"{path}: YAML error: {exc}") from exc


class Checker:
    """Validation of one settings file: every error names the file, the line and the key."""

    def __init__(self, path: Path, lines: dict[Path_, int]) -> None:
        self.path, self.lines = path, lines

    def where(self, at: Path_) -> str:
        """``file:line: key`` of the value at ``at`` (what its errors begin with)."""
        line = 0
        probe = at
        while probe and not line:
            line = self.lines.get(probe, 0)
            probe = probe[:-1]
        where = f"{self.path}:{line}" if line else str(self.path)
        return f"{where}: {'.'.join(str(x) for x in at)}"

    def fail(self, at: Path_, zh: str, en: str) -> ConfigError:
        """The error for the value at ``at``."""
        where = self.where(at)
        return ConfigError(f"{where}: {zh}", f"{where}: {en}")

    def keys(self, data: Any, allowed: set[str], at: Path_) -> dict[str, Any]:
        """``data`` as a mapping whose keys are all in ``allowed``."""
        if not isinstance(data, dict):
            raise self.fail(at, "应为映射（键: 值）", "must be a mapping (key: value)")
        for key in data:
            if key not in allowed:
                names = ", ".join(sorted(allowed))
                raise self.fail((*at, key), f"不认识的键；可用的键：{names}",
                                f"unknown key; allowed keys: {names}")
        return data

    def path_of(self, value: Any, at: Path_, base: Path) -> Path:
        """A path; a relative one is taken from ``base`` (the file's folder)."""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(at, "应为路径", "must be a path")
        p = Path(value).expanduser()
        return p if p.is_absolute() else (base / p)

    def strings(self, value: Any, at: Path_) -> tuple[str, ...]:
        """A list of non-empty strings."""
        if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
            raise self.fail(at, "应为字符串列表", "must be a list of strings")
        return tuple(value)

    def number(self, value: Any, at: Path_, *, whole: bool = False, low: float = 0,
               strict: bool = False) -> Any:
        """A number at least ``low`` (above it when ``strict``), an integer when ``whole``."""
        ok = isinstance(value, int if whole else (int, float)) and not isinstance(value, bool)
        if not ok or value < low or (strict and value == low):
            kind_zh, kind_en = ("整数", "a whole number") if whole else ("数", "a number")
            rel = ">" if strict else ">="
            raise self.fail(at, f"应为{kind_zh}（{rel} {low:g}）",
                            f"must be {kind_en} {rel} {low:g}")
        return value

    def choice(self, value: Any, at: Path_, choices: tuple[str, ...]) -> str:
        """One of ``choices``."""
        if value not in choices:
            raise self.fail(at, f"应为 {'、'.join(choices)} 之一",
                            f"must be one of {', '.join(choices)}")
        return str(value)
