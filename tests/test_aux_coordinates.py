"""What each element is, as auxiliary coordinates of the results (:mod:`hydro.aux_coordinates`,
docs/results.md "Dimensions and coordinates"): a researcher groups subbasins by province or labels a
section by its name without parsing the ``id=value;...`` global attributes."""

from __future__ import annotations

from pathlib import Path

import netCDF4
import numpy as np
import pytest
import xarray as xr
from cli_invoke import invoke

from hydro.aux_coordinates import AUX_COORDINATES, aux_coordinates
from hydro.results import load_results, open_results
from hydro.results_xarray import from_xarray
from hydro.run_attributes import id_values


@pytest.fixture(scope="module")
def miyun_nc(tmp_path_factory):
    out = tmp_path_factory.mktemp("aux") / "miyun.nc"
    assert invoke("run", "miyun", "--end", "2000-01-05", "-o", str(out), "-q").exit_code == 0
    return out


def test_every_element_has_its_attributes_values_as_coordinates(miyun_nc):
    """Each auxiliary coordinate holds, element by element, the value its global attribute gives."""
    with xr.open_dataset(miyun_nc) as ds:
        on_a_run = [a for a in AUX_COORDINATES if a.dim in ds.dims]  # (not scenario, measure: hydro scenarios)
        assert {a.dim for a in on_a_run} == {"reach", "section", "reservoir", "subbasin"}
        assert {a.name for a in on_a_run} <= set(ds.coords)
        for aux in on_a_run:
            by_id = id_values(ds.attrs[aux.attribute])
            ids = [str(x) for x in ds[aux.dim].values]
            got = ds[aux.name]
            assert got.dims == (aux.dim,) and got.attrs["units"] == aux.units and got.attrs["long_name"]
            want = [float(by_id[x]) for x in ids] if aux.numeric else [by_id[x] for x in ids]
            assert got.values.tolist() == want, aux.name
        assert str(ds.section_name.sel(section="gubeikou").values) == "Chao River at Gubeikou (Hebei-Beijing border)"
        assert set(ds.subbasin_province.values) == {"Beijing", "Hebei"}


def test_the_documented_expressions_run_and_group_as_a_mean_by_hand_does(miyun_nc):
    """docs/results.md's examples, as written; the group mean is the mean of the province's subbasins."""
    with xr.open_dataset(miyun_nc) as ds:
        by_province = ds.subbasin_runoff.groupby("subbasin_province").mean()
        hebei = ds.subbasin_runoff.isel(subbasin=np.flatnonzero(ds.subbasin_province.values == "Hebei"))
        assert np.allclose(by_province.sel(subbasin_province="Hebei"), hebei.mean("subbasin"), rtol=1e-12)
        assert ds.section_name.sel(section="gubeikou").item() == "Chao River at Gubeikou (Hebei-Beijing border)"


def test_variables_name_their_coordinates_and_hydro_reads_none_of_them_back(miyun_nc):
    """Every variable on an element dimension names that dimension's auxiliary coordinates (CF
    ``coordinates``); ``load_results`` skips them (hydro reads the attributes), and the dataset
    ``open_results`` rebuilds is what xarray opens from the file, coordinates included."""
    with netCDF4.Dataset(miyun_nc) as nc:
        on_subbasin = [v for v in nc.variables.values() if "subbasin" in v.dimensions and v.name != "subbasin"
                       and v.name not in {a.name for a in AUX_COORDINATES}]
        assert on_subbasin
        for var in on_subbasin:
            assert "subbasin_county" in var.coordinates.split() and "reach_name" not in var.coordinates.split()
        assert not hasattr(nc["time"], "coordinates")
    res = load_results(miyun_nc)
    assert not {a.name for a in AUX_COORDINATES} & set(res.data)
    with xr.open_dataset(miyun_nc) as ds:
        mine = open_results(miyun_nc)
        assert set(mine.coords) == set(ds.coords)
        for aux in (a for a in AUX_COORDINATES if a.dim in ds.dims):
            assert mine[aux.name].values.tolist() == ds[aux.name].values.tolist()
    with xr.open_dataset(miyun_nc, decode_coords=False) as raw:  # then they are data variables
        assert "subbasin_county" in raw.data_vars
        assert not {a.name for a in AUX_COORDINATES} & set(from_xarray(raw).data)


def test_a_file_cut_to_some_locations_labels_the_elements_it_kept(miyun_nc, tmp_path):
    """``--locations``: each coordinate follows the elements kept, in their order."""
    out = tmp_path / "cut.nc"
    assert invoke("run", "miyun", "--end", "2000-01-05", "--locations", "xiahui,gubeikou,miyun", "-o", str(out),
                  "-q").exit_code == 0
    with xr.open_dataset(out) as ds, xr.open_dataset(miyun_nc) as whole:
        for dim in ("section", "reservoir"):
            ids = ds[dim].values.tolist()
            assert ids and ids != whole[dim].values.tolist()
            for aux in (a for a in AUX_COORDINATES if a.dim == dim):
                assert ds[aux.name].values.tolist() == whole[aux.name].sel({dim: ids}).values.tolist()


def test_missing_ids_and_attributes():
    """An element the attribute does not name gets "" (NaN for a number); an attribute naming none of
    the elements, or absent, gives no coordinate."""
    attrs = {"subbasin_area_km2": "a=1.5;b=2", "subbasin_county": "x=Miyun", "subbasin_names": "a=A"}
    got = {aux.name: values.tolist() for aux, values in aux_coordinates(attrs, "subbasin", ["a", "c"])}
    assert got["subbasin_name"] == ["A", ""]
    assert got["subbasin_area"][0] == 1.5 and np.isnan(got["subbasin_area"][1])
    assert set(got) == {"subbasin_name", "subbasin_area"}
    assert aux_coordinates(attrs, "reach", ["a"]) == []


def test_a_scenarios_file_describes_its_scenarios_and_measures(tmp_path):
    """``hydro scenarios``: each scenario's description and each measure's kind, from the file's
    ``scenario_descriptions`` and ``measure_kinds`` attributes, as coordinates of ``scenario`` and
    ``measure``; the subbasins' as on a run."""
    out = tmp_path / "s.nc"
    scenarios = str(Path(__file__).resolve().parents[1] / "configs" / "scenarios" / "watershed.toml")
    assert invoke("scenarios", "watershed", scenarios, "--end", "2001-01-31", "-o", str(out), "-q").exit_code == 0
    with xr.open_dataset(out) as ds:
        for name, dim, attribute in (("scenario_description", "scenario", "scenario_descriptions"),
                                     ("measure_kind", "measure", "measure_kinds")):
            by_id = id_values(ds.attrs[attribute])
            assert ds[name].dims == (dim,)
            assert ds[name].values.tolist() == [by_id[str(x)] for x in ds[dim].values]
        assert "subbasin_county" in ds.coords


def test_coordinates_name_only_what_was_written(tmp_path):
    """An attribute for one label only (``subbasin_names``): the file holds that coordinate alone, and
    every variable's ``coordinates`` names it and nothing the file lacks."""
    from datetime import date

    from hydro.results import Results

    res = Results(coords={"time": [date(2020, 1, 1), date(2020, 1, 2)], "subbasin": ["a", "b"]},
                  attrs={"subbasin_names": "a=A"})
    res.add("subbasin_runoff", np.ones((2, 2)))
    res.to_netcdf(tmp_path / "r.nc")
    with netCDF4.Dataset(tmp_path / "r.nc") as nc:
        assert nc["subbasin_runoff"].coordinates == "subbasin_name"
        assert [str(x) for x in nc["subbasin_name"][:]] == ["A", ""]
        assert "subbasin_county" not in nc.variables


def test_hydro_info_lists_the_labels_apart_from_the_variables(miyun_nc):
    """``hydro info``: the element labels on a line of their own, not counted nor listed as variables."""
    out = invoke("info", str(miyun_nc)).output
    labels = [line for line in out.splitlines() if line.strip().startswith("element labels (coordinates):")]
    assert len(labels) == 1 and "reach_name" in labels[0]
    assert "subbasin_county" in out.split("element labels (coordinates):")[1]
    variables = out.split("  variables (")[1].split("element labels")[0]
    assert not any(line.split()[0] in {a.name for a in AUX_COORDINATES} for line in variables.splitlines()[1:]
                   if line.startswith("    ") and line.split())
