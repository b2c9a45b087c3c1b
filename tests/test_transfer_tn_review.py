"""Review of the water quality of the transferred waters (issue 13, TN of transferred water).

The TN (and species) of the South-to-North water stored in Miyun and of the Yellow River water
reaching the Sanggan are set in each basin's ``[[transfers]]`` block; no published figure for
the water as it arrives was found (basins/*/SOURCES.md, the transfer sections' 'Third pass'),
so most are ESTIMATEs with a range.  What a machine can hold them to: every concentration an
inflow sets is cited (a source with its year) or marked ESTIMATE, a stated range contains the
value, the parts of TN add up to it, and the basin's SOURCES.md states the TN the model uses
as the ESTIMATE it is.
"""

from __future__ import annotations

import re

import pytest

from hydro.basin import ROOT

BASINS = ROOT / "basins"

#: basin -> (inflow id, TN the model uses, mg L-1): the values SOURCES.md explains
INFLOWS = {"miyun": ("snwd_miyun", "1.34"), "guanting": ("yellow_river", "3.0")}

_RANGE = re.compile(r"range (\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)")
_CITED = re.compile(r"\([^)]*\b(19|20)\d\d\b[^)]*\)")


def inflow_concentrations(text: str, ident: str) -> dict[str, tuple[float, str]]:
    """``{species: (value, comment)}`` of the ``*_mg_per_l`` lines of one ``[[transfers]]`` block."""
    blocks = text.split("[[transfers]]")[1:]
    block = next(b for b in blocks if re.search(rf'^id = "{ident}"', b, re.M))
    block = block.split("\n[", 1)[0]  # up to the next table
    out = {}
    for m in re.finditer(r"^(\w+)_mg_per_l = ([\d.]+)\s*(?:#(.*))?$", block, re.M):
        out[m.group(1)] = (float(m.group(2)), (m.group(3) or "").strip())
    return out


def problems(conc: dict[str, tuple[float, str]]) -> list[str]:
    """What is wrong with a block's concentrations: unmarked, outside its range, parts off TN."""
    bad = []
    for name, (value, comment) in conc.items():
        if "ESTIMATE" not in comment and not _CITED.search(comment):
            bad.append(f"{name}: neither cited (source and year) nor ESTIMATE: '{comment}'")
        r = _RANGE.search(comment)
        if r and not float(r.group(1)) <= value <= float(r.group(2)):
            bad.append(f"{name} = {value} outside its stated range {r.group(1)}-{r.group(2)}")
    if {"tn", "orgn", "nh3n", "no3n"} <= conc.keys():
        parts = sum(conc[x][0] for x in ("orgn", "nh3n", "no3n"))
        if abs(parts - conc["tn"][0]) > 1e-9:  # written to 2 decimals: the parts are exact
            bad.append(f"orgn + nh3n + no3n = {parts} is not tn = {conc['tn'][0]}")
    return bad


@pytest.mark.parametrize("basin", INFLOWS)
def test_every_inflow_concentration_is_cited_or_an_estimate_inside_its_range(basin):
    ident, tn = INFLOWS[basin]
    conc = inflow_concentrations((BASINS / basin / "basin.toml").read_text(encoding="utf-8"), ident)
    assert {"tn", "nh3n", "tp", "codmn"} <= conc.keys()
    assert f"{conc['tn'][0]:g}" == f"{float(tn):g}"
    assert problems(conc) == []


def test_the_check_catches_a_value_outside_its_range_and_an_unmarked_one():
    """The checker can fail: a TN moved outside its range, a species without a source."""
    text = ('[[transfers]]\nid = "x"\nkind = "inflow"\n'
            "tn_mg_per_l = 5.0   # ESTIMATE, range 1.5-4.5\n"
            "tp_mg_per_l = 0.1   # looked about right\n")
    bad = problems(inflow_concentrations(text, "x"))
    assert len(bad) == 2 and "outside" in bad[0] and "neither" in bad[1]


@pytest.mark.parametrize("basin", INFLOWS)
def test_sources_state_the_tn_used_as_an_estimate_and_what_was_searched(basin):
    ident, tn = INFLOWS[basin]
    text = (BASINS / basin / "SOURCES.md").read_text(encoding="utf-8")
    assert re.search(rf"`{ident}` keeps TN {re.escape(tn)} mg/L \(\*\*ESTIMATE\*\*", text)
    third = text.split("**Third pass (2026-12-01")[1].split("\n## ")[0]
    assert "Queries:" in third and "ESTIMATE" in third
