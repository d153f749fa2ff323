"""The package's shape holds: every module imports on its own, no import cycles (not even inside a
function), and dependencies point one way: knowledge -> capabilities -> (site | cli), the MkDocs
adapter over the site; knowledge imports no capability, a capability no site or CLI."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "plugins" / "pmkb"

# Layers, lowest first; a module may import its own layer and the ones below.
SHARED = {"settings", "diagnostics", "asof", "urls", "terminal", "render"}
CAPABILITIES = {"actions", "search", "lint", "reviews", "oncall", "timeline"}
ADAPTERS = {"site", "cli", "mkdocs_plugin"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ["pmkb", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path, with_packages: bool = True) -> set[str]:
    """Every pmkb module this one imports, at any depth of the code, except under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only |= {id(n) for child in node.body for n in ast.walk(child)}
    targets: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                targets.add(candidate if candidate in MODULES else base)
        elif isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
    # Importing pmkb.a.b runs pmkb/a/__init__.py first: that is an edge too (but not to our own packages).
    parents = {".".join(t.split(".")[:i]) for t in targets for i in range(2, t.count(".") + 1)} if with_packages else set()
    own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 2)}
    return {t for t in targets | (parents - own) if t in MODULES and t != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}
WRITTEN = {name: _imports(name, path, with_packages=False) for name, path in MODULES.items()}


def _layer(module: str) -> tuple[int, str]:
    top = module.split(".")[1] if "." in module else ""
    if top in SHARED or top == "":
        return 0, top
    if top == "knowledge":
        return 1, top
    if top in CAPABILITIES:
        return 2, top
    assert top in ADAPTERS, f"{module}: a new top-level package must be placed in a layer here"
    return 3, top


def test_there_is_no_import_cycle() -> None:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)
    assert cycles == []


def test_dependencies_point_one_way() -> None:
    wrong = []
    for module, targets in WRITTEN.items():
        level, top = _layer(module)
        for target in targets:
            target_level, target_top = _layer(target)
            if target_top == top:
                continue
            # Shared modules import a capability's settings model (they live beside the capability).
            if level == 0 and target.endswith(".settings") and target_level == 2:
                continue
            # A capability may use another (a review lists action items); cycles are caught above.
            adapters_apart = level == target_level == 3 and not (top == "mkdocs_plugin" and target_top == "site")
            if target_level > level or adapters_apart:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_imports_on_its_own(module: str) -> None:
    """A module imported first (as a script or a plugin entry point would) needs no other import before it."""
    saved = {name: mod for name, mod in sys.modules.items() if name == "pmkb" or name.startswith("pmkb.")}
    for name in saved:
        del sys.modules[name]
    try:
        importlib.import_module(module)
    finally:
        for name in [n for n in sys.modules if n == "pmkb" or n.startswith("pmkb.")]:
            del sys.modules[name]
        sys.modules.update(saved)
