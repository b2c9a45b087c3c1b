"""CF-1.8 review of the results file (docs/results.md, "CF conventions"): standard names taken
from the CF standard-name table, no discrete-sampling-geometry attribute in a file that is not
one, an ensemble's ``member`` as CF's ``realization``, and the same attributes in memory
(:meth:`Results.to_xarray`) as in the file."""

from __future__ import annotations

import netCDF4
import numpy as np
import pytest

import hydro
from hydro.netcdf import StackedWriter
from hydro.outputspec import OutputSpec
from hydro.results import stack
from hydro.variables import declared, variable

xr = pytest.importorskip("xarray")

#: The standard names hydro writes and their canonical units, copied from the CF standard-name
#: table, version 93 (2026-03-17; the copy the IOOS compliance-checker 6.1 ships).
CF_TABLE = {
    "water_volume_transport_in_river_channel": "m3 s-1",
    "incoming_water_volume_transport_along_river_channel": "m3 s-1",
    "nitrogen_mass_transport_in_river_channel": "kg s-1",
    "phosphorus_mass_transport_in_river_channel": "kg s-1",
    "lwe_precipitation_rate": "m s-1",
    "water_surface_height_above_reference_datum": "m",
    "realization": "1",
}
#: hydro's units that convert to each canonical unit by a factor (kg d-1 = kg s-1 / 86,400;
#: mm d-1 = m s-1 / 8.64e7), as CF requires of a variable with a standard name.
CONVERTS = {"m3 s-1": {"m3 s-1"}, "kg s-1": {"kg d-1"}, "m s-1": {"mm d-1"}, "m": {"m"}, "1": {"1"}}
#: What the review gave a standard name (every other declared variable has none: docs/results.md).
EXPECTED = {
    "discharge": "water_volume_transport_in_river_channel",
    "section_discharge": "water_volume_transport_in_river_channel",
    "gauge_discharge": "water_volume_transport_in_river_channel",
    "gauge_observed_discharge": "water_volume_transport_in_river_channel",
    "ensemble_section_discharge": "water_volume_transport_in_river_channel",
    "reach_inflow": "incoming_water_volume_transport_along_river_channel",
    "tn_load": "nitrogen_mass_transport_in_river_channel",
    "section_tn_load": "nitrogen_mass_transport_in_river_channel",
    "tp_load": "phosphorus_mass_transport_in_river_channel",
    "section_tp_load": "phosphorus_mass_transport_in_river_channel",
    "subbasin_precipitation": "lwe_precipitation_rate",
    "reservoir_level": "water_surface_height_above_reference_datum",
}
#: The shipped basins' constituents and species (short -> long name).
SHIPPED = {"tn": "total nitrogen", "orgn": "organic nitrogen", "nh3n": "ammonia nitrogen", "no3n": "nitrate nitrogen",
           "tp": "total phosphorus", "dp": "dissolved phosphorus", "pp": "particulate phosphorus",
           "codmn": "permanganate index (CODMn)"}


def _standard_names() -> dict[str, str]:
    names = {v.name.format(c=c) for v in declared() for c in SHIPPED}
    return {n: variable(n, SHIPPED).standard_name for n in sorted(names) if variable(n, SHIPPED).standard_name}


def test_the_standard_names_are_the_cf_tables_with_units_that_convert():
    found = _standard_names()
    assert found == EXPECTED  # none before the review
    for name, standard in found.items():
        assert variable(name, SHIPPED).units in CONVERTS[CF_TABLE[standard]], name


def test_only_total_nitrogen_and_phosphorus_loads_have_the_river_transport_names():
    # the table has no river transport of NH3-N, nitrate, organic N, dissolved or particulate P, CODMn,
    # and a load by source is a part of the transport, not the transport
    for name in ("nh3n_load", "section_no3n_load", "section_pp_load", "codmn_load", "tn_source_load",
                 "reach_tn_source_load", "reservoir_tn_outflow_load", "tn_concentration"):
        assert variable(name, SHIPPED).standard_name == "", name


@pytest.fixture(scope="module")
def week():
    return hydro.Model.from_basin("tiny").run_results("2020-01-01", "2020-01-07")


def _attrs_equal(ds, path):
    with xr.open_dataset(path) as written:
        assert set(ds.variables) == set(written.variables)
        for name in ds.variables:
            assert ds[name].attrs == written[name].attrs, name


def test_the_file_has_standard_names_and_no_dsg_attributes(week, tmp_path):
    week.to_netcdf(tmp_path / "w.nc")
    with netCDF4.Dataset(tmp_path / "w.nc") as nc:
        assert "featureType" not in nc.ncattrs()
        for name, var in nc.variables.items():
            # cf_role was on reach, section and reservoir of a file that is no discrete sampling geometry
            assert "cf_role" not in var.ncattrs(), name
        assert nc["discharge"].standard_name == "water_volume_transport_in_river_channel"
        assert nc["section_tn_load"].standard_name == "nitrogen_mass_transport_in_river_channel"
        assert nc["tp_load"].standard_name == "phosphorus_mass_transport_in_river_channel"
        assert nc["reservoir_level"].standard_name == "water_surface_height_above_reference_datum"
        assert "standard_name" not in nc["tn_concentration"].ncattrs()
    _attrs_equal(week.to_xarray(), tmp_path / "w.nc")


def test_an_aggregated_file_keeps_the_standard_names_beside_cell_methods(week, tmp_path):
    spec = OutputSpec(aggregate="monthly")
    week.to_netcdf(tmp_path / "m.nc", spec=spec)
    with xr.open_dataset(tmp_path / "m.nc") as ds:
        assert ds["discharge"].attrs["standard_name"] == "water_volume_transport_in_river_channel"
        assert ds["discharge"].attrs["cell_methods"] == "time: mean"


def test_an_ensembles_member_is_cfs_realization_in_the_file_and_in_memory(week, tmp_path):
    path = tmp_path / "e.nc"
    with StackedWriter(path, "member", [0, 1]) as w:  # what hydro run --members writes with
        w.write(0, week)
        w.write(1, week)
    with netCDF4.Dataset(path) as nc:
        member = nc["member"]
        # CF checkers: a realization's units must convert to "1" (compliance-checker 6.1), and a
        # coordinate should have units (cfchecks 4.1); the member had neither, nor a standard name
        assert (member.standard_name, member.units) == ("realization", "1")
    _attrs_equal(stack([week, week], "member", [0, 1]).to_xarray(), path)


def test_a_failed_members_integers_are_missing_values_not_numbers(week, tmp_path):
    # transport_substeps (int32) of a member never written held netCDF's default fill, which has no
    # attribute: xarray read -2147483647 sub-steps, and load_results (hydro info, report) refused the
    # file as "not a hydro results file" (Cannot convert fill_value nan to dtype int32)
    from hydro.results import load_results

    path = tmp_path / "failed.nc"
    with StackedWriter(path, "member", [0, 1, 2]) as w:
        w.write(0, week)
        w.write(2, week)
    with xr.open_dataset(path) as ds:
        steps = ds["transport_substeps"].values
        assert np.isnan(steps[1]).all() and (steps[[0, 2]] == week["transport_substeps"]).all()
        assert np.isnan(ds["discharge"].values[1]).all()  # floats: NaN, as before
    back = load_results(path)
    assert np.isnan(back["transport_substeps"][1]).all()
    assert (back["transport_substeps"][0] == week["transport_substeps"]).all()


def test_a_complete_ensemble_keeps_its_integers_integers(week, tmp_path):
    path = tmp_path / "whole.nc"
    with StackedWriter(path, "member", [0, 1]) as w:
        w.write(0, week)
        w.write(1, week)
    with xr.open_dataset(path) as ds:
        assert ds["transport_substeps"].dtype == np.int32


def test_the_docs_table_of_standard_names_is_the_declared_one():
    from pathlib import Path

    text = Path(__file__).resolve().parents[1].joinpath("docs", "results.md").read_text(encoding="utf-8")
    section = text.split("## CF conventions", 1)[1].split("\n## ", 1)[0]
    documented = {}
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip("|").split("|")] if row.startswith("| `") else []
        if len(cells) == 2:
            standard = cells[1].split("`")[1]
            documented.update(dict.fromkeys(cells[0].strip("`").split("`, `"), standard))
    assert documented == {**EXPECTED, "time": "time", "member": "realization"}


def test_editing_the_dataset_leaves_the_results_and_their_file_as_they_are(tmp_path):
    """Review of 2026-12-04: the dataset shared its arrays with the results, so converting the
    dataset's discharge to m3/d in place made a later to_netcdf write 86,400 times the flow,
    still labelled m3 s-1."""
    results = hydro.Model.from_basin("tiny").run_results("2020-01-01", "2020-01-07")
    kept = np.array(results.data["section_discharge"])
    ds = results.to_xarray()
    ds["section_discharge"] *= 86400.0
    np.testing.assert_array_equal(results.data["section_discharge"], kept)
    results.to_netcdf(tmp_path / "after.nc")
    with xr.open_dataset(tmp_path / "after.nc") as written:
        np.testing.assert_array_equal(written["section_discharge"].values, kept)


def test_the_file_has_acdd_discovery_attributes_of_its_run(week, tmp_path):
    """A repository harvests a file's title, summary, keywords, versions and time coverage (ACDD-1.3); every
    file was titled "hydro results" before (CF/ACDD review, 2026-12-06)."""
    from hydro import __version__
    from hydro.discovery import DISCOVERY_KEYS, STANDARD_NAME_TABLE
    from hydro.run_attributes import WRITER_ATTRIBUTES

    assert set(DISCOVERY_KEYS) <= set(WRITER_ATTRIBUTES)  # a file read back combines with a run in memory
    week.to_netcdf(tmp_path / "w.nc")
    week.to_netcdf(tmp_path / "again.nc")
    week.to_netcdf(tmp_path / "m.nc", spec=OutputSpec(aggregate="monthly"))
    with xr.open_dataset(tmp_path / "w.nc") as ds, xr.open_dataset(tmp_path / "m.nc") as monthly, \
            xr.open_dataset(tmp_path / "again.nc") as again:
        a = ds.attrs
        assert a["Conventions"] == "CF-1.8, ACDD-1.3"
        assert a["title"] == f"hydro simulation of the {a['basin']} basin, scenario baseline, 2020-01-01 to 2020-01-07"
        assert "total nitrogen" in a["summary"] and "Model output, not observations" in a["summary"]
        assert "total nitrogen" in a["keywords"].split(", ")
        assert a["product_version"] == __version__
        assert a["standard_name_vocabulary"] == STANDARD_NAME_TABLE == "CF Standard Name Table v93"  # CF_TABLE's
        days = ds["time"].values.astype("datetime64[D]").astype(str)
        assert (a["time_coverage_start"], a["time_coverage_end"]) == (days[0], days[-1])
        assert a["time_coverage_resolution"] == "P1D" and monthly.attrs["time_coverage_resolution"] == "P1M"
        assert monthly.attrs["time_coverage_end"] == "2020-01-07"  # the days simulated, not the month's end
        assert again.attrs == a  # nothing in a file depends on when it was written
        assert {k: week.to_xarray().attrs[k] for k in DISCOVERY_KEYS} == {k: a[k] for k in DISCOVERY_KEYS}


def test_an_aggregated_files_long_names_say_they_are_period_means(week, tmp_path):
    # "discharge ... (daily mean)" beside cell_methods "time: mean" over a month read as daily values (F8)
    week.to_netcdf(tmp_path / "m.nc", spec=OutputSpec(aggregate="monthly"))
    with xr.open_dataset(tmp_path / "m.nc") as ds:
        assert ds["discharge"].attrs["long_name"].endswith("; mean over each period (time_bnds) of its daily values")
        # a state (at the end of the day) is its value at the period's end (aggregation review, 2026-12-06)
        assert ds["reservoir_storage"].attrs["long_name"] == (
            "reservoir storage at the end of the period; its value on the period's last simulated day (time_bnds)")
        assert ds["reservoir_storage"].attrs["cell_methods"] == "time: point"
        on_time = [n for n in ds.data_vars if "time" in ds[n].dims and n != "time_bnds"]
        assert all(ds[n].attrs["long_name"].endswith("of its daily values") for n in on_time
                   if ds[n].attrs["cell_methods"] == "time: mean")
        assert all(ds[n].attrs["long_name"].endswith("last simulated day (time_bnds)") for n in on_time
                   if ds[n].attrs["cell_methods"] == "time: point")
