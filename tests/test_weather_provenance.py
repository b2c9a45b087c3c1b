"""What the results and stderr say of the station weather a watershed run read: the file, its
adjustments and the days its header marks ESTIMATE (hydro/weather_provenance.py; the researcher's
review of 2026-12-04: a run of 2018-2019 was entirely on estimated rows, absent rain written as 0 mm,
and nothing said so; ``weather`` named the raw station files, not the rescaled file read)."""

from __future__ import annotations

from datetime import date

import netCDF4
import numpy as np
from cli_invoke import invoke

import hydro
from hydro.basin import ROOT
from hydro.forcing_header import read_header as header_metadata
from hydro.weather_provenance import estimated_days, estimated_periods

MIYUN_WEATHER = ROOT / "basins" / "miyun" / "forcing" / "huairou_beijing_basin_scaled_2000_2017.csv"
GUANTING_WEATHER = ROOT / "basins" / "guanting" / "forcing" / "dingling_beijing_daily_2000_2017.csv"
ESTIMATE = "Beijing 54511 (GHCN-D, ESTIMATE: absent PRCP = 0 mm)"


SCALED = "(ESTIMATE: scaled to a published basin-average total)"
SCALED_2012 = f"2012-06-01..2012-08-06: precipitation x 0.6588 {SCALED}"
SCALED_2013 = f"2013-06-01..2013-08-06: precipitation x 0.8497 {SCALED}"
SCALED_2016 = f"2016-01-01..2016-09-20: precipitation x 0.9040 {SCALED}"


def test_the_shipped_headers_mark_the_beijing_rows_after_2017_02_28_as_estimates():
    for path in (MIYUN_WEATHER, GUANTING_WEATHER):
        assert estimated_periods(header_metadata(path)["station"]) == [(date(2017, 3, 1), date(2020, 12, 31),
                                                                         ESTIMATE)]
    station = header_metadata(MIYUN_WEATHER)
    assert estimated_days(header_metadata(GUANTING_WEATHER), date(2013, 1, 1), date(2017, 2, 28)) == ""  # observed only
    # Miyun's rain scaled to published basin totals in three windows is an estimate too (data review, 2026-12-06)
    assert estimated_days(station, date(2013, 1, 1), date(2017, 2, 28)) == f"{SCALED_2013}; {SCALED_2016}"
    assert estimated_days(station, date(2016, 6, 1), date(2018, 1, 31)) == (
        f"2016-06-01..2016-09-20: {SCALED_2016.split(': ', 1)[1]}; 2017-03-01..2018-01-31: {ESTIMATE}")
    # a value of another form (a station name alone) marks nothing; a label without ESTIMATE neither
    assert estimated_periods("Dingling") == []
    assert estimated_periods("A 2000-01-01..2001-12-31, then B (ESTIMATE: gaps) 2002-01-01..2002-06-30; x") == [
        (date(2002, 1, 1), date(2002, 6, 30), "B (ESTIMATE: gaps)")]


def test_a_run_on_estimated_days_says_so_and_its_file_names_what_it_read(tmp_path):
    out = tmp_path / "m.nc"
    result = invoke("run", "miyun", "--start", "2018-01-01", "--end", "2018-01-31", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert f"this run's weather is an estimate on 2018-01-01..2018-01-31: {ESTIMATE}" in result.stderr
    with netCDF4.Dataset(out) as nc:
        assert nc.weather_file == "forcing/huairou_beijing_basin_scaled_2000_2017.csv"
        scaled = f"{SCALED_2012}; {SCALED_2013}; {SCALED_2016}"
        assert nc.weather_estimated == f"{scaled}; 2017-03-01..2020-12-31: {ESTIMATE}"
        assert "precipitation_adjustment: ESTIMATE, ratio method" in nc.weather_adjustments
        assert "basin_scaled_windows: 2012-06-01..2012-08-06 x 0.6588" in nc.weather_adjustments
        assert nc.weather.startswith("basins/_stations/GHCND_CHM00054511")  # the origin, as before


def test_the_source_labels_of_a_miyun_run_before_the_transfers_are_those_results_md_lists():
    """docs/results.md lists the source labels: the six kinds, `transfer` in every run of a basin with
    inflows from outside (zeros before Miyun's first, 2015-09-11: since 2026-12-05, so that runs of two
    periods concatenate without `reindex`), `initial` where the run starts with any mass."""
    ds = hydro.Model.from_basin("miyun").run("2000-01-01", "2000-01-10")
    six = ["diffuse_quickflow", "groundwater", "rural_domestic", "livestock", "point", "deposition"]
    assert list(ds.source.values) == [*six, "transfer", "initial"]
    assert float(np.abs(ds.tn_source_load.sel(source="transfer")).sum()) == 0.0
    later = hydro.Model.from_basin("miyun").run("2016-01-01", "2016-01-10")
    assert list(later.source.values) == list(ds.source.values)  # one source set for the basin
    assert float(later.reservoir_tn_source_concentration.sel(source="transfer").sum()) > 0  # (into the lake)


def test_the_scenarios_note_reads_the_estimated_periods_from_the_results():
    """hydro scenarios says its days on estimated weather from the results' weather_estimated (it printed
    nothing: re-read of 2026-12-04); generated weather has none."""
    from hydro.weather_provenance import estimated_in_results

    attrs = {"weather_synthetic": "false", "weather_estimated": f"2017-03-01..2020-12-31: {ESTIMATE}"}
    assert estimated_in_results(attrs, date(2016, 1, 1), date(2018, 1, 31)) == f"2017-03-01..2018-01-31: {ESTIMATE}"
    assert estimated_in_results(attrs, date(2013, 1, 1), date(2016, 12, 31)) == ""
    assert estimated_in_results({**attrs, "weather_synthetic": "true"}, date(2016, 1, 1), date(2018, 1, 31)) == ""
