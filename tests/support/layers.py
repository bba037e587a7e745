"""The import contract of the code base, checked from the source (no import is executed).

Layers, lowest first; a module may import its own layer and those below it, never one above or
beside it:

- ``markers``: nothing of ours (pure rules on text);
- ``rules``: ``markers``;
- the scanner's core (errors, messages, limits, the document, extraction, the pipeline, reports,
  walking, file and database helpers): ``markers``, ``rules``;
- ``scanner.workers``: the core;
- ``scanner.audit`` and ``scanner.watch``: the core and the workers, not each other;
- ``scanner.review`` (the review app and the check API): the core, the workers and the audit;
- ``scanner.cli``: anything.

And no import cycle among modules (function-level imports count; ``if TYPE_CHECKING:`` blocks do
not, they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGES = ("markers", "rules", "scanner")
ALLOWED = {
    "markers": {"markers"},
    "rules": {"markers", "rules"},
    "core": {"markers", "rules", "core"},
    "workers": {"markers", "rules", "core", "workers"},
    "audit": {"markers", "rules", "core", "workers", "audit"},
    "watch": {"markers", "rules", "core", "workers", "watch"},
    "review": {"markers", "rules", "core", "workers", "audit", "review"},
    "cli": {"markers", "rules", "core", "workers", "audit", "watch", "review", "cli"},
}


def layer(module: str) -> str:
    """The layer of a module of ours."""
    top, _, rest = module.partition(".")
    if top != "scanner":
        return top
    sub = rest.partition(".")[0]
    return sub if sub in ("workers", "audit", "watch", "review", "cli") else "core"


def _name(repo: Path, path: Path) -> str:
    parts = list(path.relative_to(repo).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.AST, me: str, package: bool, known: set[str]) -> set[str]:
    found: set[str] = set()

    def ours(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def walk(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                walk(child)
            return
        if isinstance(node, ast.Import):
            found.update(m for a in node.names if (m := ours(a.name)))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = me if package else me.rpartition(".")[0]
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}".rstrip(".")
            for a in node.names:
                m = ours(f"{base}.{a.name}") or ours(base)
                if m:
                    found.add(m)
        for child in ast.iter_child_nodes(node):
            walk(child)

    walk(tree)
    found.discard(me)
    return found


def graph(repo: Path) -> dict[str, set[str]]:
    """Each module of ours and the modules of ours it imports."""
    files = {_name(repo, p): p for pkg in PACKAGES for p in (repo / pkg).rglob("*.py")}
    known = set(files)
    out = {}
    for me, path in files.items():
        deps = _imported(ast.parse(path.read_bytes()), me, path.name == "__init__.py", known)
        # a package's __init__ re-exporting its own modules is not a loop through them
        out[me] = {d for d in deps if not (path.name == "__init__.py" and d.startswith(me + "."))}
    return out


def _cycles(g: dict[str, set[str]]) -> list[list[str]]:
    order: list[str] = []
    seen: set[str] = set()

    def visit(v: str) -> None:  # depth-first finishing order (iterative: deep graphs)
        stack = [(v, iter(sorted(g[v])))]
        seen.add(v)
        while stack:
            node, it = stack[-1]
            nxt = next((w for w in it if w in g and w not in seen), None)
            if nxt is None:
                order.append(node)
                stack.pop()
            else:
                seen.add(nxt)
                stack.append((nxt, iter(sorted(g[nxt]))))

    for v in sorted(g):
        if v not in seen:
            visit(v)
    reverse: dict[str, set[str]] = {v: set() for v in g}
    for v, ws in g.items():
        for w in ws:
            if w in reverse:
                reverse[w].add(v)
    done: set[str] = set()
    comps = []
    for v in reversed(order):  # Kosaraju's second pass
        if v in done:
            continue
        comp, todo = [], [v]
        done.add(v)
        while todo:
            x = todo.pop()
            comp.append(x)
            for y in reverse[x]:
                if y not in done:
                    done.add(y)
                    todo.append(y)
        if len(comp) > 1:
            comps.append(sorted(comp))
    return comps


def violations(repo: Path) -> list[str]:
    """Every import against the layers, and every cycle, as lines a person reads."""
    g = graph(repo)
    out = [f"{me} ({layer(me)}) imports {dep} ({layer(dep)})"
           for me in sorted(g) for dep in sorted(g[me]) if layer(dep) not in ALLOWED[layer(me)]]
    out += ["cycle: " + " <-> ".join(c) for c in _cycles(g)]
    return out
