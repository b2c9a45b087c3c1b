"""Regression tests from a review of `hydro target` at monitoring sections (2026-12-06); each docstring names
the defect it pinned."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from click.testing import CliRunner

import hydro
from hydro.cli import main
from hydro.targets import required_cut

TAGS = ["diffuse_quickflow", "point", "transfer", "initial"]


def _section_year(year: int = 2005) -> xr.Dataset:
    """One whole year at one section 's' (2 mg/L, all of it diffuse), no reservoir."""
    time = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    load = np.zeros((len(time), 1, len(TAGS)))
    load[:, 0, 0] = 100.0
    conc = np.full((len(time), 1), 2.0)
    return xr.Dataset({"tn_source_load": (("time", "section", "source"), load),
                       "section_tn_concentration": (("time", "section"), conc)},
                      coords={"time": time, "section": ["s"], "source": TAGS})


def test_a_dry_day_at_a_section_is_not_called_a_reservoir_without_water():
    """S1: at Q = 0 the section's concentration is 0/0 (transport_run._convert), so the year is NaN; its note
    then reads 'no concentration on some days of 2005 (a reservoir without water)' at a river section."""
    ds = _section_year()
    ds["section_tn_concentration"][100, 0] = np.nan  # a day without flow
    ds["tn_source_load"][100, 0, :] = 0.0
    (row,) = required_cut(ds, "s", 1.0)
    assert np.isnan(row["cut_share"]) and row["met_with_cut"] is False
    assert "reservoir" not in row["note"], row["note"]


# Guanting: halving the Yanqing WWTP's TN (the plant discharges into guishui_lower, the reach of guishui_outlet).
YANQING = "subbasins.gs02.sources.point.Yanqing WWTP.tn_mg_per_l"


@pytest.fixture(scope="module")
def guanting_runs():
    model = hydro.Model.from_basin("guanting")
    base = model.run("2011-01-01", "2013-12-31")
    half = model.with_parameters({f"{YANQING}.2012": 10.0, f"{YANQING}.2013": 7.5}).run("2011-01-01", "2013-12-31")
    return base, half


def test_a_sections_cut_is_linear_to_3e3_at_guanting_as_documented(guanting_runs):
    """S2: docs/commands/target.md said 'linear to about 1e-3'; at guishui_outlet (no dispersive flux there:
    c*Q*86.4 equals the section's load to 6e-16) halving the Yanqing plant moved the annual mean 2.0e-3 away from
    (1 - 0.5) C_point + C_rest (the other sources'
    loads moved by 0.07-0.3 %: the advection's limiter, computed from the total, is nonlinear).
    The docs now say about 2e-3; 3e-3 here leaves room for the years' spread (1.9e-3 to 2.3e-3 over 2010-2016)."""
    base, half = guanting_runs
    for year in (2012, 2013):
        (point,) = [r for r in required_cut(base, "guishui_outlet", 1.0, sources=["point"]) if r["year"] == year]
        (halved,) = [r for r in required_cut(half, "guishui_outlet", 1.0) if r["year"] == year]
        assert point["from_sources"] > 0.5 * point["value"]  # the plant's N is most of it
        assert halved["value"] == pytest.approx(point["value"] - 0.5 * point["from_sources"], rel=3e-3)


def test_an_ensemble_without_section_variables_names_them(tmp_path):
    """S3: docs/commands/target.md tells an ensemble to be written with --variables
    reservoir_tn_source_concentration; `hydro target` of such a file at a section answers "no reservoir or
    section 'border' ... sections none" (the basin has it; the file lacks its variables), and after adding
    tn_source_load a second run is refused for section_tn_concentration: say both at once."""
    out = tmp_path / "ens.nc"
    r = CliRunner()
    res = r.invoke(main, ["run", "watershed", "--start", "2001-01-01", "--end", "2001-12-31", "--members", "2",
                          "--workers", "1", "-q", "--variables", "reservoir_tn_source_concentration", "-o", str(out)])
    assert res.exit_code == 0, res.output
    res = r.invoke(main, ["target", str(out), "border", "--max", "3"])
    assert res.exit_code == 2
    assert "tn_source_load" in res.output and "section_tn_concentration" in res.output, res.output
