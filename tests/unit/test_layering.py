"""How the code is layered, read from its imports with ``ast`` (an import inside a function
counts as much as one at the top of a module: it is the same dependency, only later).

- ``core`` stands below every app: it imports none of them.
- ``seed`` (the demo site's generator) stands above every app: none of them imports it.
- A name used across modules is public: no module imports, or reads through a module it
  imported, another module's ``_private`` name.
- No two modules import each other, directly or round a longer circle.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = "livingwell"
SRC = Path(__file__).resolve().parents[2] / "src"

# Uses that are on their way out in the same issue, each with the module that holds it. An entry
# whose use has gone fails the test below, so that it is removed with the use.
CORE_EXCEPTIONS: dict = {}
PRIVATE_EXCEPTIONS: set = set()


@cache
def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if modules()[module].name != "__init__.py":
        package.pop()
    if node.level > 1:
        package = package[: -(node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def _ours(name: str) -> str | None:
    """The module of ours that ``name`` is, or is in (a.b.c.d -> a.b.c when d is a name)."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name if name.startswith(PACKAGE) else None


@cache
def imports(module: str) -> tuple[tuple[str, str | None, str | None], ...]:
    """(module imported, name taken from it or None, the local name a module is bound to)."""
    found = []
    for node in ast.walk(ast.parse(modules()[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _ours(alias.name)
                if target:
                    found.append((target, None, alias.asname))
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node)
            for alias in node.names:
                whole = f"{base}.{alias.name}"
                if whole in modules():  # `from package import module`
                    found.append((whole, None, alias.asname or alias.name))
                elif _ours(base):
                    found.append((_ours(base), alias.name, None))
    return tuple(found)


def edges() -> dict[str, set[str]]:
    return {
        module: {target for target, _name, _bound in imports(module) if target != module}
        for module in modules()
    }


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses() -> set[tuple[str, str, str]]:
    """(importing module, module of ours, private name) for every use across modules."""
    uses = set()
    for module, path in modules().items():
        bound = {}
        for target, name, local in imports(module):
            if name is not None and _private(name) and target != module:
                uses.add((module, target, name))
            if local is not None:
                bound[local] = target
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in bound
                and _private(node.attr)
                and bound[node.value.id] != module
            ):
                uses.add((module, bound[node.value.id], node.attr))
    return uses


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other round a circle (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _app(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_the_modules_are_found():
    assert "livingwell.access.relationships" in modules()
    assert "livingwell.core.models" in modules()
    assert ("livingwell.core.models", "SiteConfig", None) in imports("livingwell.hub.actions")


def test_core_imports_no_other_app():
    wrong, used = [], set()
    for module, targets in edges().items():
        if _app(module) != "livingwell.core":
            continue
        for target in targets:
            if _app(target) in ("livingwell.core", "livingwell"):
                continue
            if _app(target) in CORE_EXCEPTIONS.get(module, ()):
                used.add((module, _app(target)))
                continue
            wrong.append(f"{module} imports {target}")
    assert wrong == []
    listed = {(m, app) for m, apps in CORE_EXCEPTIONS.items() for app in apps}
    assert listed - used == set(), "exceptions no longer needed: remove them"


def test_no_app_imports_the_seed():
    wrong = [
        f"{module} imports {target}"
        for module, targets in edges().items()
        for target in targets
        if _app(target) == "livingwell.seed" and _app(module) != "livingwell.seed"
    ]
    assert wrong == []


def test_no_module_uses_another_modules_private_name():
    uses = private_uses()
    assert sorted(uses - PRIVATE_EXCEPTIONS) == []
    assert PRIVATE_EXCEPTIONS - uses == set(), "exceptions no longer needed: remove them"


def test_no_two_modules_import_each_other():
    assert circles(edges()) == []


def test_a_circle_is_found_when_there_is_one():
    """The check above can fail: were sharing.py to ask relationships.py again, say."""
    graph = edges()
    graph["livingwell.access.sharing"].add("livingwell.access.relationships")
    assert [
        group
        for group in circles(graph)
        if {"livingwell.access.relationships", "livingwell.access.sharing"} <= set(group)
    ]
