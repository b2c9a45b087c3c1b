"""Researcher's review of the Python API (2026-12-05): each test fails on e927b8b.

Run from the repository root: ``python3 -m pytest /path/to/test_researcher_api_review.py -q``.
Only the shipped ``tiny`` and ``watershed`` basins are run (short periods), so the file is fast
once the kernels are compiled.
"""

from __future__ import annotations

import numpy as np
import pytest

import hydro
from hydro.errors import HydroError

RELEASE = "reservoirs.lake.target_release_m3_s"
K_RIVER = "constituents.tn.river_removal_per_day"


@pytest.fixture(scope="module")
def tiny():
    return hydro.Model.from_basin("tiny")


@pytest.fixture(scope="module")
def watershed():
    return hydro.Model.from_basin("watershed")


def test_with_parameters_copies_the_callers_list(tiny):
    """A list given to ``with_parameters`` is the caller's: reusing it for the next sweep value
    must not change the model already made.  On e927b8b the model keeps the caller's list object:
    its ``changes``, ``history`` and ``parameters_changed`` then record values it does not run with,
    and every variant derived from it later (``m2.with_parameters({...})``) runs with the mutated
    values (wrong numbers, with provenance that matches them)."""
    values = [2.0] * 12
    m2 = tiny.with_parameters({RELEASE: values})
    values[:] = [9.0] * 12  # the caller reuses its list
    assert m2.changes[RELEASE] == [2.0] * 12
    m3 = m2.with_parameters({K_RIVER: 0.1})
    assert m3.basin.network.reservoirs[0].target_release_m3_s == (2.0,) * 12


def test_changes_property_is_a_deep_copy(tiny):
    """``Model.changes`` returns a copy; editing a list inside it must not change the (immutable)
    model, its provenance, or the variants derived from it."""
    m2 = tiny.with_parameters({RELEASE: np.full(12, 2.0)})
    m2.changes[RELEASE][0] = 77.0
    assert m2.changes[RELEASE][0] == 2.0
    m3 = m2.with_parameters({K_RIVER: 0.1})
    assert m3.basin.network.reservoirs[0].target_release_m3_s[0] == 2.0


def test_model_basin_initial_state_is_not_a_back_door(tiny):
    """The model is documented immutable, yet ``model.basin.initial.river`` is a plain dict that
    the solver reads: assigning to it silently changes every later run (TN on day 1 went 1.57 ->
    32.9 mg/L) while ``parameters``, ``changes``, ``config_sha256`` and ``history`` still describe
    the file's state.  Either the mapping is read-only or the edit has no effect."""
    model = hydro.Model.from_basin("tiny")
    before = model.run("2020-01-01", "2020-01-05", apportion=False)
    try:
        model.basin.initial.river["tn"] = 50.0
    except TypeError:
        return  # read-only: fine
    after = model.run("2020-01-01", "2020-01-05", apportion=False)
    np.testing.assert_array_equal(after["tn_concentration"].values, before["tn_concentration"].values)


def test_run_weather_refuses_kelvin_temperatures(watershed):
    """``read_forcing_csv`` refuses air temperatures outside -70..60 degC ("the temperatures look
    like kelvin"), but the same series built in memory and given as ``Model.run(weather=...)`` runs
    silently: outlet TN 0.0001 mg/L instead of 1.93, runoff x0.18.  The in-memory path must apply
    the file's checks."""
    from hydro.daily_forcing import DailyForcing
    from hydro.forcing_csv import read_forcing_csv

    w = read_forcing_csv(watershed.basin.folder / "weather.csv")
    kelvin = DailyForcing(dates=w.dates, precip_mm=w.precip_mm, tmean_c=w.tmean_c + 273.15,
                          tmin_c=w.tmin_c + 273.15, tmax_c=w.tmax_c + 273.15, metadata=dict(w.metadata))
    with pytest.raises(HydroError, match=r"weather: tmean_c on .* expected -70..60 degC; the temperatures look like k"):
        watershed.run("2004-01-01", "2004-01-31", weather=kelvin, apportion=False)


def test_from_xarray_does_not_share_the_datasets_arrays(tiny):
    """``from_xarray(ds)`` returns Results; editing ``ds`` afterwards (``ds[v] *= 1000`` to show
    ug/L) must not change those Results (to_xarray copies in the other direction; docs say the
    dataset owns its arrays)."""
    from hydro.results_xarray import from_xarray

    ds = tiny.run("2020-01-01", "2020-01-05", apportion=False)
    res = from_xarray(ds)
    before = np.array(res["section_tn_concentration"], copy=True)
    ds["section_tn_concentration"] *= 1000.0
    np.testing.assert_array_equal(res["section_tn_concentration"], before)


def test_plot_trajectory_observations_take_iso_dates(tiny):
    """docs/plots.md: observations are ``{id: (dates, values)}``.  ISO strings, the dates every
    other call of the API takes, fail inside matplotlib (ConversionError, not HydroError)."""
    import matplotlib

    matplotlib.use("Agg")
    from hydro.plotting import plot_trajectory

    ds = tiny.run("2020-01-01", "2020-12-31", apportion=False)
    fig = plot_trajectory(ds, ["border"], observations={"border": (["2020-06-01", "2020-07-01"], [2.0, 2.5])})
    assert fig is not None


def test_plot_trajectory_observations_of_unequal_lengths_raise_hydroerror(tiny):
    """Observations whose dates and values differ in length are a user mistake: HydroError naming
    the location, not a matplotlib error."""
    import matplotlib

    matplotlib.use("Agg")
    from hydro.plotting import plot_trajectory

    ds = tiny.run("2020-01-01", "2020-03-31", apportion=False)
    dates = np.array(["2020-02-01", "2020-03-01"], dtype="datetime64[D]")
    with pytest.raises(HydroError, match="border"):
        plot_trajectory(ds, ["border"], observations={"border": (dates, [2.0])})


@pytest.mark.parametrize("value", ["False", "no"])
def test_run_apportion_refuses_strings(tiny, value):
    """``apportion="False"`` (a value read from a config or argparse) silently runs WITH the
    apportionment: a non-bool should be refused, as every other argument is."""
    with pytest.raises((HydroError, TypeError)):
        tiny.run("2020-01-01", "2020-01-05", apportion=value)


def test_flow_driven_run_from_later_start_records_its_initial_state(tiny):
    """docs/basin-file.md: 'No spin-up, the basin file's state taken for the run's first day (the
    attribute says why): ... a flow-driven basin'.  A tiny run from 2021-01-01 (the basin starts
    2020-01-01) carries no ``initial_state`` attribute, so nothing in the file says the 2021 run
    started from [initial] rather than from the 2020 simulation."""
    ds = tiny.run("2021-01-01", "2021-01-10", apportion=False)
    assert "initial_state" in ds.attrs


def test_parameter_of_a_settable_array_is_not_reported_missing(tiny):
    """``with_parameters({'reservoirs.lake.target_release_m3_s': [...]})`` works, but
    ``parameter()`` of that path says 'no parameter ... (did you mean ecological_min_m3_s?)'.
    It should return the array or say that it is an array set with with_parameters."""
    try:
        p = tiny.parameter(RELEASE)
    except HydroError as exc:
        assert "with_parameters" in str(exc) or "array" in str(exc)
    else:
        assert len(p.value) == 12


def test_results_repr_is_a_summary(tiny):
    """``repr(Results)`` (what a notebook echoes) lists every date and attribute: 214 kB and 3,557
    lines for one Miyun year.  It should summarise (dims, sizes, variable count)."""
    res = tiny.run_results("2020-01-01", "2021-12-31", apportion=False)
    assert len(repr(res)) < 5000


def test_basin_repr_is_a_summary(tiny):
    """``repr(model.basin)`` listed every table (120 kB for Miyun): a notebook echoing it flooded."""
    text = repr(tiny.basin)
    assert len(text) < 300 and "'tiny'" in text and "5 reaches" in text and "flow-driven" in text


def test_flow_driven_initial_state_says_why_not_spun_up(tiny):
    """The attribute's words (docs/results.md), on and after the basin's start."""
    assert tiny.run("2020-01-01", "2020-01-03").attrs["initial_state"] == (
        "the basin file's initial state, given for its [run] start 2020-01-01")
    later = tiny.run("2021-01-01", "2021-01-03").attrs["initial_state"]
    assert later.startswith("the basin file's initial state, given for its [run] start 2020-01-01, taken for "
                            "2021-01-01 (not spun up: a flow-driven basin")


def test_plot_observations_that_are_no_pair_are_told(tiny):
    """A list of (date, value) pairs, the other common shape, raised 'too many values to unpack'."""
    import matplotlib

    matplotlib.use("Agg")
    from hydro.plotting import plot_trajectory

    ds = tiny.run("2020-01-01", "2020-03-31", apportion=False)
    with pytest.raises(HydroError, match=r"observations\['border'\]: expected a pair \(dates, values\)"):
        plot_trajectory(ds, ["border"], observations={"border": [("2020-02-01", 2.0), ("2020-03-01", 2.1),
                                                                 ("2020-03-15", 2.2)]})
