#!/usr/bin/env python3
"""The project's import graph, read from the source (imports inside functions included).

Prints every import cycle between modules of app.py, office/ and tasks/ and exits 1 when
there is one; ``--layers`` also checks the layer rule of docs/architecture.md (rules and
models never reach a web module or ``flask.request``/``abort``, at any depth). Used by
tests/unit/test_architecture.py; run by hand as ``.venv/bin/python scripts/import_graph.py``.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("office", "tasks")

# The web layer: modules that may read the request, render templates, register routes or
# commands. A module is web by its last name (views, order_views, blueprint, forms, pages, live,
# cli...) or by living in a views/ package; everything else under office/ and tasks/ is a rule,
# query, model or core module. Models and plain packages (an __init__ that is only a map) never are.
WEB_NAMES = ("views", "blueprint", "forms", "pages", "live", "cli")
WEB_MODULES = {"app", "office.htmx", "office.access", "office.errors", "office.demo", "office.forms",
               "office.pagination", "office.i18n", "tasks.consumer"}
# Names of Flask that belong to a request: rules must not import them.
# (url_for and render_template work in any app context: jobs build links and e-mails with them.)
REQUEST_NAMES = {"request", "abort", "session", "redirect", "make_response", "flash"}


def module_files() -> dict[str, Path]:
    """Every project module name -> its file."""
    found = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # numbered scripts loaded by the runner, never imported
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


_FILES = module_files()


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module ``name`` names, or the closest package holding it."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _parents(name: str) -> list[str]:
    """The packages Python runs before ``name`` (office.orders.formats -> office, office.orders)."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports anywhere in its file (top level or inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(parse(path)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from office.orders import lifecycle`` depends on the module office.orders.lifecycle;
            # ``from office.orders.access import mask_name`` on office.orders.access.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        for target in targets:
            resolved = _resolve(target, modules)
            if resolved:
                found.add(resolved)
    found.discard(name)
    return found


def graph() -> dict[str, set[str]]:
    """Each module -> the modules its source imports (the edges that make a cycle)."""
    modules = module_files()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def loads(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """Each module -> what importing it runs: its imports, and the packages above each of them
    (importing a.b.c runs a/__init__ and a/b/__init__ first)."""
    return {name: targets | {p for t in targets | {name} for p in _parents(t) if p in edges}
            for name, targets in edges.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative).

    Only imports written in the source count: a package's ``__init__`` importing its own
    submodules (office/api/views/) is not a cycle, although Python runs the package first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def is_web(name: str) -> bool:
    """Whether ``name`` belongs to the web layer (views, blueprints, forms, page contexts...)."""
    if name in WEB_MODULES or ".views." in name + ".":
        return True
    if name.startswith(("office.models", "tasks.")) or name not in _FILES or _FILES[name].name == "__init__.py":
        return False
    last = name.rpartition(".")[2]
    return any(last == w or last.endswith("_" + w) for w in WEB_NAMES)


def is_rule(name: str) -> bool:
    """Rules, queries, models and the core they use: everything under office/ not of the web layer
    (tasks are checked separately: they may not reach views either)."""
    return (name.startswith("office.") or name.startswith("tasks.")) and not is_web(name)


def request_names(path: Path) -> set[str]:
    """Request-bound Flask names a file imports (``from flask import request``...)."""
    names = set()
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.ImportFrom) and node.module == "flask":
            names.update(a.name for a in node.names if a.name in REQUEST_NAMES)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "flask" \
                and node.attr in REQUEST_NAMES:
            names.add(node.attr)
    return names


def reach(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for child in edges.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def layer_violations(edges: dict[str, set[str]]) -> list[str]:
    """Each rule module that reaches a web module or a request-bound Flask name, with the path."""
    files = module_files()
    runs = loads(edges)
    problems = []
    for name in sorted(edges):
        if not is_rule(name):
            continue
        own = request_names(files[name])
        if own:
            problems.append(f"{name} imports flask.{', flask.'.join(sorted(own))}")
        web = sorted(m for m in reach(runs, name) if is_web(m))
        if web:
            problems.append(f"{name} reaches web modules: {', '.join(web[:5])}{' ...' if len(web) > 5 else ''}")
    return problems


def main(argv: list[str]) -> int:
    edges = graph()
    found = cycles(edges)
    for component in found:
        print(f"import cycle ({len(component)} modules): {' '.join(component)}")
    status = 1 if found else 0
    if "--layers" in argv:
        problems = layer_violations(edges)
        for problem in problems:
            print(problem)
        status = status or (1 if problems else 0)
    print(f"modules: {len(edges)}")
    print(f"import_cycles: {len(found)}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
