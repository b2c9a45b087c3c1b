"""docs/results.md's table of variables is the schema researchers read: it lists every
variable hydro/variables.py declares, with the declaration's dimensions and units."""

from __future__ import annotations

import re
from pathlib import Path

from hydro.variables import declared

RESULTS_MD = Path(__file__).resolve().parents[1] / "docs" / "results.md"


def _table() -> dict[str, tuple[str, str]]:
    """Variable name (``<c>`` for templates) -> (dims, units) of the Variables table."""
    text = RESULTS_MD.read_text(encoding="utf-8")
    body = text[text.index("| variable | dims | units | meaning |"):]
    rows: dict[str, tuple[str, str]] = {}
    for line in body.splitlines()[2:]:
        if not line.startswith("|"):
            break
        name, dims, units = (cell.strip() for cell in line.strip("|").split("|")[:3])
        rows[name.strip("`")] = (dims, units)
    return rows


def test_the_variables_table_lists_every_declared_variable_with_its_dims_and_units():
    # the table missed 25 of 50 declarations (subbasin_runoff among them, which the design
    # brief names), and two of its rows had fallen out of it below a paragraph
    rows = _table()
    # TN's by-source variables are declared under their own names and shown as <c>_...
    expanded = {**{n.replace("<c>", "tn"): r for n, r in rows.items()}, **rows}
    names = set()
    for v in declared():
        name = v.name.replace("{c}", "<c>")
        assert name in expanded, f"docs/results.md: no row for {name}"
        assert expanded[name] == (", ".join(v.dims), v.units), name
        names |= {name, name.replace("<c>", "tn")}
    assert set(rows) <= names, f"rows of no declared variable: {sorted(set(rows) - names)}"


def test_no_table_row_is_stranded_outside_the_table():
    text = RESULTS_MD.read_text(encoding="utf-8")
    blocks = re.split(r"\n\s*\n", text)
    for block in blocks:
        lines = block.strip().splitlines()
        if any(line.startswith("| `") for line in lines):
            assert all(line.startswith("|") for line in lines), block[:200]
            assert lines[1].startswith("| ---"), block[:200]
