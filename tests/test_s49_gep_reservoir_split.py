"""Review of s49 (GEP reservoir purification credited to its county): a lake across a border splits its
*purified* amount (not only its removal) by water-surface share, and a file whose share attribute is missing
splits evenly.  Mutants that survived the shipped tests: dropping ``* share`` from ``purified_kg``
(hydro/gep.py _removal) and defaulting missing shares to 1 (hydro/gep_inputs.py reservoir_locations)."""
from __future__ import annotations

import copy
from datetime import date

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.gep import gep
from hydro.gep_inputs import reservoir_locations
from hydro.simulation import run

EXAMPLE = ROOT / "configs" / "examples" / "watershed"


@pytest.fixture(scope="module")
def res():
    return run(Basin.load(EXAMPLE), start=date(2001, 1, 1), end=date(2001, 12, 31))


def _lake_rows(rows, county):
    return [r for r in rows if r["subbasin"] == "" and "reservoir lake" in r["note"] and r["county"] == county]


def _with(res, **attrs):
    out = copy.copy(res)
    out.attrs = {**{k: v for k, v in res.attrs.items() if not k.startswith("reservoir_county")
                    and k != "reservoir_province"}, **attrs}
    return out


def test_split_lake_shares_purified_as_well_as_removed(res):
    split = _with(res, reservoir_county="lake=Lake district|East county", reservoir_province="lake=X|Y",
                  reservoir_county_water_share="lake=0.75|0.25")
    rows = gep(split)
    for col in ("removed_reservoir_kg", "purified_kg"):
        a = np.array([r[col] for r in _lake_rows(rows, "Lake district") if r["pollutant"] == "tn"])
        b = np.array([r[col] for r in _lake_rows(rows, "East county") if r["pollutant"] == "tn"])
        assert a.sum() > 0, col
        assert np.allclose(b, a / 3, rtol=1e-12), col
    # every kg counted once: the split's purified total equals the unsplit file's
    whole = gep(_with(res))
    for p in ("tn", "codmn"):
        assert sum(r["purified_kg"] for r in rows if r["pollutant"] == p) == pytest.approx(
            sum(r["purified_kg"] for r in whole if r["pollutant"] == p), rel=1e-12)


def test_missing_share_attribute_splits_evenly():
    got = reservoir_locations({"reservoir_county": "lake=A|B", "reservoir_province": "lake=P|Q"})
    assert got == {"lake": [("A", "P", 0.5), ("B", "Q", 0.5)]}
