"""YAML to plain values with the line of every value, so errors can name their line.

Uses libyaml's composer when available (fast enough for 10,000-item catalogues).
"""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[str | int, ...]
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCT = yaml.SafeLoader(stream="")


class DuplicateKey(Exception):
    """A mapping with the same key twice."""

    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key, self.line = key, line


class AliasFound(Exception):
    """A node reached twice: what an alias (``*name``) is once composed."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def refuse_aliases(node: yaml.Node) -> None:
    """Raise :class:`AliasFound` when the tree uses an alias. Aliases are refused before any
    value is built: a few hundred bytes of nested aliases expand into gigabytes ("billion
    laughs"), and catalogues and settings never need them."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            raise AliasFound(n.start_mark.line + 1)
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                stack.extend((key, value))
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)


def compose(text: str) -> yaml.Node | None:
    """The node tree (raises ``yaml.YAMLError`` on syntax errors)."""
    node: yaml.Node | None = yaml.compose(text, Loader=_LOADER)
    return node


def to_python(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Any:
    """Plain Python value of ``node``; ``lines[path]`` is set for every value (1-based)."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_CONSTRUCT.construct_object(key_node))
            if key in out:
                raise DuplicateKey(key, key_node.start_mark.line + 1)
            out[key] = to_python(value_node, (*path, key), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [to_python(child, (*path, i), lines) for i, child in enumerate(node.value)]
    return _CONSTRUCT.construct_object(node)
