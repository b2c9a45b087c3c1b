"""Plot errors lead with the way out (the researcher's review of 2026-12-04): a reservoir given where a
section is taken is named as such, and a missing variable's advice comes before the list of what the
file holds, which keeps to the variables like the one asked for when there are many."""

from __future__ import annotations

import pytest
from cli_invoke import invoke, user_error

from hydro.errors import HydroError
from hydro.plotting._data import coord_index, require
from hydro.results import open_results
from hydro.results_xarray import as_results


@pytest.fixture(scope="module")
def tiny_nc(tmp_path_factory):
    path = tmp_path_factory.mktemp("plot_messages") / "tiny.nc"
    assert invoke("run", "tiny", "-o", path, "-q").exit_code == 0
    return path


def test_a_reservoir_given_for_a_section_is_named_as_a_reservoir(tiny_nc):
    results = as_results(open_results(tiny_nc), strict=False)
    with pytest.raises(HydroError, match="'lake' is a reservoir of these results, not a section: this takes sections"):
        coord_index(results, "section", "lake")
    with pytest.raises(HydroError, match="unknown section 'nowhere'"):
        coord_index(results, "section", "nowhere")
    user_error(invoke("plot", tiny_nc, "trajectory", "--location", "lake,nowhere", "-o", tiny_nc.with_suffix(".png")))


def test_a_missing_variable_gives_the_advice_first_and_few_names(tiny_nc):
    results = as_results(open_results(tiny_nc), strict=False)
    with pytest.raises(HydroError) as few:
        require(results, "orgn_load", "sources")
    text = str(few.value)
    assert text.index("A basin run writes it") < text.index("They have")
    miyun_nc = tiny_nc.with_name("miyun.nc")  # the default variables: no species' apportionment
    assert invoke("run", "miyun", "--end", "2000-01-05", "-o", miyun_nc, "-q").exit_code == 0
    many = as_results(open_results(miyun_nc), strict=False)
    with pytest.raises(HydroError) as info:
        require(many, "orgn_source_load", "sources")
    text = str(info.value)
    assert "those ending in _source_load: codmn_source_load, nh3n_source_load," in text
    assert "`hydro info RESULTS.nc` lists them all" in text and "discharge" not in text.split("They have")[1]


def test_a_dataset_whose_section_was_selected_by_name_says_how_to_keep_the_dimension(tiny_nc):
    import xarray as xr

    ds = xr.open_dataset(tiny_nc)
    section = str(ds.section.values[0])
    keep = rf"drops it; select with a list to keep it: ds.sel\(section=\['{section}'\]\)"
    with pytest.raises(HydroError, match=keep):
        as_results(ds.sel(section=section))
    assert as_results(ds.sel(section=[section])).coords["section"] == [section]
