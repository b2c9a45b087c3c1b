"""Riparian buffers' NH3-N on the shipped Miyun basin (review 2026-12-04): where the results carry NH3-N,
GEP values NH3-N instead of TN (docs/gep.md, "Nitrogen is counted once"), and the NH3-N that buffers
keep out was not stored, so a buffer scenario's riparian purification was valued at 0 yuan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from click.testing import CliRunner

from hydro.cli import main
from hydro.gep import gep
from hydro.results import load_results

ROOT = Path(__file__).resolve().parents[1]


def test_a_buffer_scenarios_nitrogen_species_kept_add_up_to_tn_and_nh3n_is_valued(tmp_path):
    out = tmp_path / "agri.nc"
    result = CliRunner().invoke(main, ["scenarios", "miyun", str(ROOT / "configs" / "scenarios" / "miyun.toml"),
                                       "--scenario", "agriculture", "--start", "2015-01-01", "--end",
                                       "2015-12-31", "-o", str(out), "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    res = load_results(out)
    scenarios = list(res.coords["scenario"])
    agri = scenarios.index("agriculture")
    tn = np.asarray(res["subbasin_tn_landscape_retention"])[agri]
    kept = {s: np.asarray(res[f"subbasin_{s}_landscape_retention"])[agri] for s in ("orgn", "nh3n", "no3n")}
    assert tn.sum() > 100.0                                 # the Beijing buffers keep TN out in 2015 ...
    # ... and the species' parts add up to it (shares of the same quick flow; round-off only)
    np.testing.assert_allclose(sum(kept.values()), tn, rtol=1e-9, atol=1e-9)
    assert 0.0 < kept["nh3n"].sum() < tn.sum()
    rows = [r for r in gep(res) if r["scenario"] == "agriculture" and r["pollutant"] == "nh3n"]
    riparian = sum(r["removed_riparian_kg"] for r in rows)
    np.testing.assert_allclose(riparian, kept["nh3n"].sum(), rtol=1e-9)
    baseline = np.asarray(res["subbasin_nh3n_landscape_retention"])[scenarios.index("baseline")]
    assert not baseline.any()                               # no buffers, nothing kept
