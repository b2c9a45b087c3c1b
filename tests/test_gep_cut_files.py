"""`hydro gep` on a results file cut after writing, e.g. with xarray (`ds.isel(reach=...)`,
`ds.sel(time=slice(...))`, then `ds.to_netcdf`): GEP sums every element over each year beside the
yearly budgets, so such a copy gave a smaller GEP, or a whole year's removal beside part of its water,
without a word (researcher-outputs review, 2026-12-05: Miyun cut to 12 subbasins, 2016 conservation
1.70 G yuan instead of 4.23 G).  The copy keeps the run's global attributes, which list every element
(`reach_names`, `reservoir_names`, `subbasin_area_km2`) and the run's days (`run_days`), so
hydro.gep_checks refuses it.  One three-year run of the shipped `watershed` example (about 10 s).
"""

from __future__ import annotations

import pytest
import xarray as xr

import hydro
from hydro.errors import HydroError
from hydro.gep import gep
from hydro.gep_tables import SPIN_UP
from hydro.results import load_results


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    path = tmp_path_factory.mktemp("gep_cut") / "ws.nc"
    hydro.Model.from_basin("watershed").run_results("2001-01-01", "2003-12-31").to_netcdf(path)
    return path


def _copy(original, tmp_path, name, **cut):
    out = tmp_path / f"{name}.nc"
    with xr.open_dataset(original) as ds:
        ds.isel(**cut).drop_encoding().to_netcdf(out)  # (the file's chunk sizes do not fit an emptied dimension)
    return out


def _totals(rows):
    by_year: dict[int, list[float]] = {}
    for r in rows:
        y = by_year.setdefault(r["year"], [0.0, 0.0])
        y[0] += r["water_purification_yuan"]
        y[1] += r["water_conservation_yuan"]
    return by_year


def test_file_says_which_days_its_run_simulated(original):
    with xr.open_dataset(original) as ds:
        assert ds.attrs["run_days"] == "2001-01-01..2003-12-31"


def test_untouched_copy_is_valued_as_the_original(original, tmp_path):
    """The guard: a copy that cuts nothing is valued to the yuan (the same float64 values, summed in the
    same order: any difference beyond rounding would mean the copy was read otherwise)."""
    copy = _copy(original, tmp_path, "copy")
    assert _totals(gep(load_results(copy))) == pytest.approx(_totals(gep(load_results(original))), rel=1e-12)


@pytest.mark.parametrize("dim, keep", [("reach", slice(0, 5)), ("subbasin", slice(1, None)),
                                       ("reservoir", slice(0, 0))])  # the example has one reservoir
def test_element_cut_is_refused(original, tmp_path, dim, keep):
    cut = _copy(original, tmp_path, f"cut_{dim}", **{dim: keep})
    with pytest.raises(HydroError, match=rf"cut_{dim}\.nc: holds \d+ of the run's \d+ {dim} ids.*missing: "):
        gep(load_results(cut), where=cut)


def test_time_cut_without_year_cut_is_refused(original, tmp_path):
    """Days cut to 2001-07..2003-06 and the budgets (on `budget_year`) left whole: the partial rows took a
    whole year's removal beside half a year's water (Miyun 2014-07..2016-06: 2016's 182 days were
    credited 27.52 M yuan of purification, more than the whole year's 27.47 M)."""
    out = tmp_path / "mid.nc"
    with xr.open_dataset(original) as ds:
        ds.sel(time=slice("2001-07-01", "2003-06-30")).to_netcdf(out)
    with pytest.raises(HydroError, match=r"mid\.nc: holds 184 days of 2001, .* the run's 365"):
        gep(load_results(out), where=out)


def test_end_cut_is_refused_and_kept_when_hydro_writes_the_copy(original, tmp_path):
    """Only the last days cut: the run's days say so, also after hydro reads the copy and writes it again."""
    out, again = tmp_path / "end.nc", tmp_path / "again.nc"
    with xr.open_dataset(original) as ds:
        ds.sel(time=slice(None, "2003-11-30")).to_netcdf(out)
    load_results(out).to_netcdf(again)
    for path in (out, again):
        with pytest.raises(HydroError, match=r"holds 334 days of 2003"):
            gep(load_results(path), where=path)


def test_year_cut_without_time_cut_is_refused(original, tmp_path):
    """Budgets cut to 2002..2003 and the days not: 2001 would have no purification at all."""
    cut = _copy(original, tmp_path, "years", budget_year=slice(1, None))
    with pytest.raises(HydroError,
                       match=r"budgets \(on 'budget_year'\) cover 2002\.\.2003 and its days .* 2001\.\.2003"):
        gep(load_results(cut), where=cut)


def test_whole_year_time_cut_is_valued_and_not_a_spin_up(original, tmp_path):
    """Cut along time and year alike, a copy is valued as the original's years; the run started on
    2001-01-01, so 2002 is no spin-up year (`runoff_warm_up` describes the run's first day), while the
    original's 2001 is one."""
    out = tmp_path / "late.nc"
    with xr.open_dataset(original) as ds:
        ds.sel(time=slice("2002-01-01", None), budget_year=slice(2002, None)).to_netcdf(out)
    rows = gep(load_results(out), where=out)
    assert {r["year"] for r in rows} == {2002, 2003}
    assert not any(SPIN_UP in r["note"] for r in rows)
    whole = _totals(gep(load_results(original)))
    assert _totals(rows) == pytest.approx({y: whole[y] for y in (2002, 2003)}, rel=1e-12)
    assert any(SPIN_UP in r["note"] for r in gep(load_results(original)) if r["year"] == 2001)
