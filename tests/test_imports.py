"""The package's import graph has no cycles, and no public name is defined twice.

The graph is built from the source with :mod:`ast`, so it sees every import: at module
level and inside functions (where a cycle hides from the interpreter until that function
runs).  Imports under ``if TYPE_CHECKING:`` are left out (they never run).  An edge goes to
the module imported (``from hydro.a import b`` is ``hydro.a.b`` where that is a module,
else ``hydro.a``); the parent packages the interpreter imports on the way are not edges.

Public names: a function or class defined at module level of a public module, whose name
does not start with ``_``, is defined in one module only; others import it from there (a
re-export is an import, not a definition, so it is allowed).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "hydro"

#: Cycles that remain, each with why; an entry that no longer matches a cycle is an error
#: (delete it when the cycle is gone).  Each needs an edit to a module owned elsewhere.
ALLOWED_CYCLES: list[frozenset[str]] = []

#: Public names still defined in more than one module: name -> the modules allowed to.  Each stays
#: because a test, the documentation or a module owned elsewhere imports it under that name
#: from both places; renaming one side is the fix.  A name not listed must be defined once.
ALLOWED_DUPLICATES: dict[str, frozenset[str]] = {
    # entry points: `hydro` and `python -m hydro.flownorm` (tests call flownorm.main)
    "main": frozenset({"hydro.cli", "hydro.flownorm"}),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _imports(tree: ast.AST, name: str, is_package: bool):
    """Every (module, imported name or None) that ``tree`` imports, outside TYPE_CHECKING blocks."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if _type_checking_only(node):
            stack.extend(getattr(node, "orelse", []))
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[:len(package) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            for alias in node.names:
                yield base, alias.name
        stack.extend(ast.iter_child_nodes(node))


def import_graph() -> dict[str, set[str]]:
    """Module -> the hydro modules it imports (anywhere in it)."""
    mods = modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for target, item in _imports(tree, mod, path.name == "__init__.py"):
            if item is not None and f"{target}.{item}" in mods:
                target = f"{target}.{item}"
            if target in mods and target != mod:
                graph[mod].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(frozenset(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _path(graph: dict[str, set[str]], comp: frozenset[str]) -> str:
    """One cycle through ``comp``, written a -> b -> ... -> a (for the message)."""
    start = min(comp)
    seen, trail = {start}, [start]
    while True:
        nxt = sorted(w for w in graph[trail[-1]] if w in comp)
        back = [w for w in nxt if w == start]
        if back and len(trail) > 1:
            return " -> ".join(trail + [start])
        fresh = [w for w in nxt if w not in seen]
        if not fresh:
            return " -> ".join(trail + [nxt[0]])
        seen.add(fresh[0])
        trail.append(fresh[0])


def test_no_import_cycles():
    graph = import_graph()
    found = cycles(graph)
    new = [c for c in found if c not in ALLOWED_CYCLES]
    assert not new, "import cycles among hydro modules (function-level imports included):\n" + "\n".join(
        f"  {_path(graph, c)}" for c in new)
    stale = [c for c in ALLOWED_CYCLES if c not in found]
    assert not stale, f"allowed cycles that no longer exist; remove them from ALLOWED_CYCLES: {stale}"


def test_cycle_finder_sees_function_level_imports(tmp_path):
    # a -> b at module level, b -> a inside a function: one cycle
    tree_a = ast.parse("import hydro.b\n")
    tree_b = ast.parse("def f():\n    from hydro import a\n    return a\n")
    graph = {"hydro.a": {t for t, _ in _imports(tree_a, "hydro.a", False)},
             "hydro.b": {f"{t}.{i}" for t, i in _imports(tree_b, "hydro.b", False)}}
    assert cycles(graph) == [frozenset({"hydro.a", "hydro.b"})]
    guarded = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import hydro.a\n")
    assert [t for t, _ in _imports(guarded, "hydro.c", False)] == ["typing"]


def public_definitions() -> dict[str, list[str]]:
    """Public function or class name -> the modules that define it at module level."""
    where = defaultdict(list)
    for mod, path in modules().items():
        if any(part.startswith("_") and not part.startswith("__") for part in mod.split(".")):
            continue  # a private module (kernels, helpers): its names are not the package's
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        body = list(tree.body)
        while body:
            node = body.pop(0)
            if isinstance(node, (ast.If, ast.Try)):  # conditional definitions count too
                body.extend(node.body + node.orelse + getattr(node, "finalbody", [])
                            + [s for h in getattr(node, "handlers", []) for s in h.body])
            elif (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and not node.name.startswith("_") and mod not in where[node.name]):
                where[node.name].append(mod)
    return where


def test_public_names_are_defined_once():
    dup = {n: sorted(ms) for n, ms in public_definitions().items()
           if len(ms) > 1 and not set(ms) <= ALLOWED_DUPLICATES.get(n, set())}
    assert not dup, ("public names defined in more than one module (define once, import elsewhere):\n"
                     + "\n".join(f"  {n}: {', '.join(ms)}" for n, ms in sorted(dup.items())))
