"""A file written with ``--locations`` says which element dimensions it cut
(``locations_selected``), and what sums over every element refuses or says so: ``hydro gep``
(Miyun 2016 with only the Miyun reservoir and Gubeikou kept: 767.1 -> 731.4 t purified, with
no warning) and the report's "removed in water" card (found by the outputs review).
"""

from __future__ import annotations

from datetime import date

import pytest

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.gep import gep
from hydro.outputspec import OutputSpec, cut_dimensions
from hydro.results import load_results
from hydro.simulation import run


@pytest.fixture(scope="module")
def watershed():
    return run(Basin.load("watershed"), date(2001, 1, 1), date(2001, 12, 31))


def test_a_cut_file_names_its_cut_dimensions_and_gep_refuses_it(watershed, tmp_path):
    reservoir = str(watershed.coords["reservoir"][0])
    reach = str(watershed.coords["reach"][0])
    assert len(watershed.coords["reach"]) > 1  # a real cut, or the test proves nothing
    out = watershed.to_netcdf(tmp_path / "cut.nc", spec=OutputSpec(locations=(reservoir, reach)))
    cut = load_results(out)
    n_res, n_reach = len(watershed.coords["reservoir"]), len(watershed.coords["reach"])
    assert cut_dimensions(cut.attrs) == {"reach": f"1/{n_reach}", **(
        {"reservoir": f"1/{n_res}"} if n_res > 1 else {})}
    with pytest.raises(HydroError, match=r"^cut.nc: written with --locations \(reach 1/\d+ kept.*without --locations"):
        gep(cut, where="cut.nc")


def test_a_whole_file_has_no_cut_and_gep_values_it(watershed, tmp_path):
    whole = load_results(watershed.to_netcdf(tmp_path / "whole.nc"))
    assert cut_dimensions(whole.attrs) == {}
    assert gep(whole, where="whole.nc")  # rows, no refusal
    sections = watershed.coords.get("section", [])
    if sections:  # only sections named: nothing GEP sums is cut
        only = load_results(watershed.to_netcdf(tmp_path / "s.nc", spec=OutputSpec(locations=(str(sections[0]),))))
        assert set(cut_dimensions(only.attrs)) <= {"section"}
        gep(only, where="s.nc")


def test_the_reports_removal_card_says_which_elements_it_sums(watershed, tmp_path):
    from hydro.report import _glance

    reach = str(watershed.coords["reach"][0])
    cut = load_results(watershed.to_netcdf(tmp_path / "cut.nc", spec=OutputSpec(locations=(reach,))))
    assert "the file keeps (--locations: reach 1/" in _glance(cut, None)
    assert "the file keeps" not in _glance(load_results(watershed.to_netcdf(tmp_path / "w.nc")), None)


def test_a_file_written_with_variables_is_told_to_name_them_not_that_it_is_incomplete(watershed, tmp_path):
    from hydro.netcdf import check_hydro_results

    chosen = load_results(watershed.to_netcdf(tmp_path / "v.nc", spec=OutputSpec(variables=("discharge",))))
    chosen.attrs["history"] = "hydro run watershed --variables discharge -o v.nc"
    with pytest.raises(HydroError, match=r"v.nc: written with --variables, without .*section_discharge.*"
                                         r"run it again with them in --variables"):
        check_hydro_results(chosen, tmp_path / "v.nc", "report")
    chosen.attrs["history"] = "hydro run watershed -o v.nc"  # not chosen: damaged or foreign
    with pytest.raises(HydroError, match="incomplete hydro results file"):
        check_hydro_results(chosen, tmp_path / "v.nc", "report")
