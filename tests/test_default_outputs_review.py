"""The default output set (issue 14's speed target, issue 16's outputs the user asks for).

A default file leaves out the apportionment by source of the species GB 3838-2002 does not
class (organic and nitrate N, dissolved and particulate P on Miyun: half of its file); the
totals, every constituent's own apportionment and NH3-N's (a classed species) stay.  The group
names ``all``, ``default`` and ``species_sources`` ask for them; every value written is the
one in memory (compared bit for bit).
"""

from __future__ import annotations

from datetime import date, timedelta

import netCDF4
import numpy as np
import pytest
from click.testing import CliRunner

from hydro.basin import Basin
from hydro.cli import main
from hydro.errors import HydroError
from hydro.outputspec import OutputSpec, check_request, kept_variables, reduce, spec_for_run
from hydro.results import Results, load_results
from hydro.variables import species_sources

SPECIES = "tn=orgn,nh3n,no3n;tp=dp,pp"
#: Miyun's species without GB 3838 class limits: written only on request.
OPTIONAL = {f"{t.format(c=c)}" for c in ("orgn", "no3n", "dp", "pp")
            for t in ("{c}_source_load", "reach_{c}_source_load", "reservoir_{c}_source_concentration",
                      "subbasin_{c}_source_input")}


def fake_results() -> Results:
    """A few days of a run with Miyun's constituents and species, each by source."""
    names = {"tn": "total nitrogen", "orgn": "organic nitrogen", "nh3n": "ammonia nitrogen",
             "no3n": "nitrate nitrogen", "tp": "total phosphorus", "dp": "dissolved phosphorus",
             "pp": "particulate phosphorus", "codmn": "permanganate index"}
    days = [date(2020, 1, 1) + timedelta(days=k) for k in range(5)]
    res = Results(coords={"time": days, "section": ["s1", "s2"], "reach": ["r1"], "reservoir": ["x"],
                          "subbasin": ["w1", "w2", "w3"], "source": ["sewage", "land"]},
                  attrs={"species": SPECIES, "source": "hydro test"}, constituents=names)
    rng = np.random.default_rng(3)
    for c in names:
        for name in (f"section_{c}_load", f"{c}_source_load", f"reach_{c}_source_load",
                     f"reservoir_{c}_source_concentration", f"subbasin_{c}_source_input"):
            shape = tuple(len(res.coords[d]) for d in res.dims(name))
            res.add(name, rng.random(shape) * 10.0 ** rng.integers(-3, 4))
    res.add("discharge", rng.random((5, 1)))
    return res


def test_the_group_is_the_unclassed_species_by_source():
    assert species_sources(SPECIES) == OPTIONAL
    assert species_sources("") == set() and species_sources("tn=nh3n") == set()  # a classed species stays


def test_a_default_file_leaves_out_only_the_species_sources_and_keeps_every_value(tmp_path):
    res = fake_results()
    back = load_results(res.to_netcdf(tmp_path / "d.nc"))
    assert set(back.data) == set(res.data) - OPTIONAL  # before: every variable (OPTIONAL too)
    for name in ("nh3n_source_load", "tn_source_load", "codmn_source_load", "subbasin_tp_source_input",
                 "section_orgn_load", "section_pp_load"):
        assert name in back.data
    for name in back.data:  # totals 64-bit as in memory; sources stored 32-bit (outputspec.out_dtype)
        want = res[name].astype(np.float32) if "source" in res.dims(name) else res[name]
        np.testing.assert_array_equal(np.asarray(back[name], dtype=want.dtype), want, err_msg=name)


@pytest.mark.parametrize("variables, expected", [
    (("all",), None),
    (("default", "species_sources"), None),
    (("species_sources",), OPTIONAL),
    (("default", "orgn_source_load"), "default+orgn"),
    (("orgn_source_load", "discharge"), {"orgn_source_load", "discharge"}),
])
def test_the_groups_and_names_ask_for_them(variables, expected):
    res = fake_results()
    every = set(res.data)
    want = every if expected is None else (every - OPTIONAL) | {"orgn_source_load"} if expected == "default+orgn" \
        else expected
    assert set(kept_variables(res, OutputSpec(variables=variables))) == want
    assert set(reduce(res, OutputSpec(variables=variables)).data) == want


def test_a_file_of_all_variables_holds_the_same_values_as_the_default_one(tmp_path):
    res = fake_results()
    full = load_results(res.to_netcdf(tmp_path / "a.nc", spec=OutputSpec(variables=("all",))))
    default = load_results(res.to_netcdf(tmp_path / "d.nc"))
    assert set(full.data) == set(res.data)
    for name in default.data:
        assert full[name].tobytes() == default[name].tobytes(), name


def test_groups_pass_the_checks_before_the_run_and_a_misspelt_one_is_named():
    basin = Basin.load("miyun")
    for group in ("all", "default", "species_sources"):
        check_request(basin, spec_for_run(basin, variables=f"{group},discharge"))
    with pytest.raises(HydroError, match="did you mean 'species_sources'"):
        check_request(basin, OutputSpec(variables=("species_source",)))


def test_an_ensemble_asked_for_a_group_carries_every_constituent():
    # _carried matched "_<constituent>_" in the names asked: "all" matched none, so a member
    # carried no constituent at all
    from hydro.ensemble import _carried

    basin = Basin.load("miyun")
    assert _carried(basin, OutputSpec(variables=("all",))) is None
    assert _carried(basin, OutputSpec(variables=("default", "orgn_source_load"))) is None
    assert _carried(basin, OutputSpec(variables=("section_tp_load",))) == ("tp",)


def test_a_plot_of_a_species_by_source_says_how_to_ask_for_it(tmp_path):
    from hydro.plotting import plot_sources

    back = load_results(fake_results().to_netcdf(tmp_path / "d.nc"))
    with pytest.raises(HydroError, match="--variables default,orgn_source_load"):
        plot_sources(back, constituent="orgn")


def test_the_output_table_and_the_command_line_take_the_groups(tmp_path):
    spec = OutputSpec.from_table({"variables": ["default", "species_sources"]})
    assert spec.variables == ("default", "species_sources")
    r = CliRunner().invoke(main, ["run", "tiny", "-o", str(tmp_path / "t.nc"), "-q", "--variables", "all",
                                  "--end", "2020-01-10"])
    assert r.exit_code == 0, r.output
    with netCDF4.Dataset(tmp_path / "t.nc") as nc:
        assert "section_tn_concentration" in nc.variables


def test_asking_only_for_a_group_the_run_has_nothing_of_is_refused(tmp_path):
    # tiny has no species: --variables species_sources wrote a file of nothing but 'time' (exit 0)
    out = tmp_path / "t.nc"
    r = CliRunner().invoke(main, ["run", "tiny", "-o", str(out), "-q", "--variables", "species_sources",
                                  "--end", "2020-01-10"])
    assert r.exit_code == 2 and "species_sources is nothing this run has" in r.output, r.output
    assert not out.exists()
    res = fake_results()
    res.attrs["species"] = "tn=nh3n"  # a classed species only
    with pytest.raises(HydroError, match="nothing this run has"):
        res.to_netcdf(tmp_path / "x.nc", spec=OutputSpec(variables=("species_sources",)))
    back = load_results(res.to_netcdf(tmp_path / "y.nc", spec=OutputSpec(variables=("species_sources", "discharge"))))
    assert set(back.data) == {"discharge"}
