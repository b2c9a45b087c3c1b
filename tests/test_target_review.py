"""Regression tests from a review of `hydro target` (2026-12-06); each docstring names the defect it pinned."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from click.testing import CliRunner

from hydro.cli import main
from hydro.target_cli import format_rows
from hydro.targets import required_cut

TAGS = ["diffuse_quickflow", "point", "transfer", "initial"]


def _synthetic(by_month: dict[int, list[float]], year: int = 2005) -> xr.Dataset:
    """One whole year of daily by-source concentrations of one reservoir 'lake': by_month[month] = one value per
    TAGS (the same every day of the month)."""
    time = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    arr = np.zeros((len(time), 1, len(TAGS)))
    for i, t in enumerate(time):
        arr[i, 0, :] = by_month.get(t.month, [0.5, 0.0, 0.0, 0.0])
    return xr.Dataset({"reservoir_tn_source_concentration": (("time", "reservoir", "source"), arr)},
                      coords={"time": time, "reservoir": ["lake"], "source": TAGS})


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    d = tmp_path_factory.mktemp("target_review")
    res = CliRunner().invoke(main, ["run", "watershed", "--start", "2001-01-01", "--end", "2002-12-31",
                                    "-o", str(d / "ws.nc"), "-q"])
    assert res.exit_code == 0, res.output
    return d / "ws.nc"


def test_sources_given_but_empty_are_refused_not_read_as_every_source(ws):
    """target_cli.py: `chosen = [...] or None` turns `--sources ,` (or "") into the default, every source."""
    for given in (",", "", " "):
        res = CliRunner().invoke(main, ["target", str(ws), "lake", "--sources", given])
        assert res.exit_code == 2, res.output
        assert "at least one source" in res.output


def test_a_source_given_twice_is_listed_once(ws):
    res = CliRunner().invoke(main, ["target", str(ws), "lake", "--sources", "point, livestock", "--sources", "point"])
    assert res.exit_code == 0, res.output
    assert "cut together: point, livestock\n" in res.stdout


def test_not_met_in_the_table_says_why(ws):
    """The table prints '100.0 % not met' and nothing else: the row's note (the rest, naming 'initial' and
    'transfer', alone above the target) is in --json/--csv only, though docs/commands/target.md says 'its note
    says why'."""
    res = CliRunner().invoke(main, ["target", str(ws), "lake", "--sources", "point", "--statistic",
                                    "max_monthly_mean"])
    assert res.exit_code == 0 and "none meets it" in res.stdout  # not a share of 100 %
    assert "alone is above" in res.stderr and "'initial' is the N in the basin at the run's start" in res.stderr


def test_max_monthly_mean_row_parts_reproduce_the_cut():
    """January is the highest month but almost all sources; July is lower but mostly what is never cut, and it
    binds. The row shows January's parts (2.4 = 2.3 + 0.1) with July's cut (0.8): (1-0.8)*2.3+0.1 = 0.56, not
    the 1.0 target: the row cannot be checked by a planner."""
    ds = _synthetic({1: [2.3, 0.0, 0.0, 0.1], 7: [0.5, 0.0, 0.0, 0.9]})
    (row,) = required_cut(ds, "lake", 1.0, statistic="max_monthly_mean")
    assert 0 < row["cut_share"] < 1 and row["met_with_cut"]
    assert (1 - row["cut_share"]) * row["from_sources"] + row["from_rest"] == pytest.approx(1.0, rel=1e-9)


def test_a_dry_month_is_not_counted_as_clean_water():
    """targets.py: np.nansum over the sources turns a day with no concentration (NaN in every source: a dried
    lake) into 0 mg/L, lowering the year's mean; monthly_means of reservoir_tn_concentration gives NaN there."""
    ds = _synthetic({m: [2.0, 0.0, 0.0, 0.0] for m in range(1, 13)})
    ds["reservoir_tn_source_concentration"][:31] = np.nan  # January: no water
    (row,) = required_cut(ds, "lake", 1.0)
    assert np.isnan(row["value"]) or row["value"] == pytest.approx(2.0)  # left out or unknown, never 11/12 * 2


def test_an_ensembles_table_columns_add_up():
    """format_rows takes the median of value, from_sources and from_rest separately: they need not add up
    (Miyun 2014-2016, 3 members, 2015: 1.196 shown beside 1.179 + 0.012)."""
    rows = [{"member": m, "year": 2015, "value": s + r, "from_sources": s, "from_rest": r, "cut_share": c,
             "met_with_cut": True} for m, (s, r, c) in enumerate([(1.0, 0.3, 0.2), (1.2, 0.0, 0.1), (0.8, 0.25, 0.0)])]
    line = format_rows(rows).splitlines()[1].split()
    value, sel, rest = float(line[1]), float(line[2]), float(line[3])
    assert value == pytest.approx(sel + rest, abs=1e-3)


# -- "one number, many places" (a review, 2026-12-06): under max_monthly_mean the value was the month that set the
# cut (or January, where every month tied at "none meets it"), not the highest monthly mean the scenarios' CSV,
# the class tables and the plots give (watershed 2001: 1.271 shown, 2.276 in June)

def _highest_monthly_mean(path, year: int) -> float:
    with xr.open_dataset(path) as ds:
        s = ds["reservoir_tn_concentration"].sel(reservoir="lake").to_series()
    m = s[str(year)].resample("MS").mean()
    return float(m.max())


def test_the_value_under_highest_monthly_mean_is_the_highest_monthly_mean(ws):
    res = CliRunner().invoke(main, ["target", str(ws), "lake", "--statistic", "max_monthly_mean", "--json"])
    assert res.exit_code == 0, res.output
    rows = [r for r in json.loads(res.stdout) if r["year"] == 2001]
    assert rows
    highest = _highest_monthly_mean(ws, 2001)
    # 2001: none meets 1 mg/L (January's initial N alone is above it); the row shows January's 1.271 mg/L
    assert rows[0]["value"] == pytest.approx(highest, rel=1e-6), (
        f"statistic max_monthly_mean: value {rows[0]['value']:.4f} mg/L, highest monthly mean {highest:.4f} mg/L")


def test_the_text_table_does_not_label_another_month_the_highest(ws):
    res = CliRunner().invoke(main, ["target", str(ws), "lake", "--statistic", "max_monthly_mean"])
    assert res.exit_code == 0, res.output
    highest = _highest_monthly_mean(ws, 2001)
    header = res.stdout.splitlines()[0]
    row = next(ln for ln in res.stdout.splitlines() if ln.startswith("2001"))
    shown = float(row.split()[1])
    if "highest monthly mean" in header:
        assert shown == pytest.approx(highest, abs=6e-4), (header, row, highest)


# -- the session diff's mutation review (2026-12-06): survivors of targets.py and target_cli.py --------

def test_max_monthly_mean_names_the_binding_month_1_to_12():
    """M3 ("month": k instead of k + 1): July binds, so month is 7 (and January would print as blank)."""
    ds = _synthetic({1: [2.3, 0.0, 0.0, 0.1], 7: [0.5, 0.0, 0.0, 0.9]})
    (row,) = required_cut(ds, "lake", 1.0, statistic="max_monthly_mean")
    assert row["month"] == 7
    assert row["from_rest"] == pytest.approx(0.9)


def test_where_no_month_can_be_met_the_month_with_the_highest_rest_is_given():
    """M2 (tie-break on the month's total instead of its rest): March's rest (1.5) keeps it from the target most,
    though May's total (4.2) is higher."""
    ds = _synthetic({3: [0.1, 0.0, 0.0, 1.5], 5: [3.0, 0.0, 0.0, 1.2]})
    (row,) = required_cut(ds, "lake", 1.0, statistic="max_monthly_mean")
    assert not row["met_with_cut"] and row["cut_share"] == 1.0
    assert row["month"] == 3 and row["from_rest"] == pytest.approx(1.5)
    assert row["value"] == pytest.approx(4.2)  # the highest monthly mean, another month


def test_a_dry_month_gives_no_cut_and_says_why():
    """M5 (the non-finite check dropped): the row then read cut_share 1.0 and 'the rest alone is above'."""
    ds = _synthetic({m: [2.0, 0.0, 0.0, 0.0] for m in range(1, 13)})
    ds["reservoir_tn_source_concentration"][:31] = np.nan
    for statistic in ("annual_mean", "max_monthly_mean"):
        (row,) = required_cut(ds, "lake", 1.0, statistic=statistic)
        assert np.isnan(row["cut_share"]) and row["met_with_cut"] is False
        assert "no concentration" in row["note"] and "alone is above" not in row["note"]


def test_an_annual_rest_exactly_at_the_target_is_met_by_cutting_everything():
    """M1 (rest < target): half the months' rest 0.5, half 1.5: the annual mean of the rest is the target."""
    ds = _synthetic({m: [0.4, 0.0, 0.0, 0.5 if m <= 6 else 1.5] for m in range(1, 13)})
    (row,) = required_cut(ds, "lake", 1.0)
    assert row["from_rest"] == 1.0
    assert row["met_with_cut"] and row["note"] == "" and row["cut_share"] == 1.0


def test_an_even_ensemble_shows_the_lower_median_member():
    """M6 (ranked[len // 2]): with two members the table shows the lower-cut member, as format_rows says."""
    rows = [{"member": m, "year": 2015, "value": s + r, "from_sources": s, "from_rest": r, "cut_share": c,
             "met_with_cut": True} for m, (s, r, c) in enumerate([(1.2, 0.1, 0.3), (1.0, 0.2, 0.1)])]
    line = format_rows(rows).splitlines()[1]
    assert line.split()[1] == "1.200" and "10.0 % (10.0 %-30.0 %, 2 members)" in line


def test_json_of_a_year_without_a_concentration_is_strict_json(tmp_path):
    src = tmp_path / "ws.nc"
    r = CliRunner().invoke(main, ["run", "watershed", "--start", "2001-01-01", "--end", "2001-12-31", "-o", str(src),
                                  "-q"])
    assert r.exit_code == 0, r.output
    with xr.open_dataset(src) as ds:
        ds = ds.load()
    ds["reservoir_tn_source_concentration"][:31] = np.nan  # January: a dry lake
    dry = tmp_path / "dry.nc"
    ds.to_netcdf(dry)
    res = CliRunner().invoke(main, ["target", str(dry), "lake", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert rows[0]["cut_share"] is None and rows[0]["met_with_cut"] is False
