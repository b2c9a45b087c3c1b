"""No module over 400 lines and no function over 80 lines, unless its docstring says why.

Issue 12: a long module or function is split into well-named units; where one is kept
whole, its docstring has a line starting with ``Size:`` giving the reason (the module's
docstring for a module, the function's for a function).  The compiled kernels
(``hydro/_*_kernels.py``) are exempt: Numba wants their loops in one function.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "hydro"
MODULE_LINES = 400
FUNCTION_LINES = 80


def has_reason(node: ast.AST) -> bool:
    """Whether the docstring of ``node`` has a line starting with ``Size:``."""
    doc = ast.get_docstring(node) or ""  # type: ignore[arg-type]
    return any(line.strip().startswith("Size:") for line in doc.splitlines())


def oversized(path: Path) -> list[str]:
    """What in the module at ``path`` is over the limits without a reason."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text, str(path))
    name = path.relative_to(ROOT)
    out = []
    lines = len(text.splitlines())
    if lines > MODULE_LINES and not has_reason(tree):
        out.append(f"{name}: {lines} lines (limit {MODULE_LINES})")
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1  # type: ignore[operator]
            if length > FUNCTION_LINES and not has_reason(node):
                out.append(f"{name}:{node.lineno}: function {node.name} has {length} lines "
                           f"(limit {FUNCTION_LINES})")
    return out


def test_modules_and_functions_within_limits_or_say_why():
    found = [msg for path in sorted(PACKAGE.rglob("*.py"))
             if not (path.parent == PACKAGE and path.name.startswith("_") and path.name.endswith("_kernels.py"))
             for msg in oversized(path)]
    assert not found, ("split these into well-named units, or add a line 'Size: <reason>' to the "
                       "module's or function's docstring:\n  " + "\n  ".join(found))


def test_reason_is_read_from_the_docstring():
    long_body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_LINES))
    plain = ast.parse(f'def f():\n    """One."""\n{long_body}\n').body[0]
    kept = ast.parse(f'def f():\n    """One.\n\n    Size: one table.\n    """\n{long_body}\n').body[0]
    assert not has_reason(plain) and has_reason(kept)
