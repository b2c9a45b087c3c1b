"""The period ``hydro validate <basin>`` runs (hydro.validation.basins.validation_period).

The basins' default ``[run]`` stays 2000-01-01..2017-02-28; their observations files extend the
validation run to the end of the weather file (2020-12-31) so that the 2018-2020 class checks are
simulated.  These tests check the rule, that the shipped files ask for what the weather covers,
and that the 2018-2020 checks evaluate (no "not simulated") on a run of their years.
"""

from __future__ import annotations

from datetime import date

import pytest

from hydro.basin import ROOT, Basin
from hydro.errors import HydroError
from hydro.tomlio import Table, load_toml
from hydro.validation.basins import evaluate_target, validation_period
from hydro.weather import read_forcing_csv

LATE_CHECKS = {
    "miyun": ("gubeikou_class_2018_2020", "baihe_border_class_2018_2020", "qingshui_border_class_2018_2020"),
    "guanting": ("guanting_reservoir_class_2020",),
}


@pytest.fixture(scope="module")
def basins():
    return {name: Basin.load(ROOT / "basins" / name) for name in LATE_CHECKS}


def test_without_the_table_the_validation_run_is_the_basin_run(basins):
    b = basins["miyun"]
    assert validation_period(b, Table({"targets": []}, "o.toml")) == (b.settings.start, b.settings.end)


def test_the_table_sets_the_end_only(basins):
    b = basins["miyun"]
    root = Table({"validation_run": {"end": date(2019, 6, 30), "note": "why"}}, "o.toml")
    assert validation_period(b, root) == (date(2000, 1, 1), date(2019, 6, 30))
    with pytest.raises(HydroError, match=r"validation_run\.start.*unknown key"):
        validation_period(b, Table({"validation_run": {"end": date(2019, 6, 30), "start": date(2001, 1, 1)}},
                                   "o.toml"))
    with pytest.raises(HydroError, match=r"ends \(1999-12-31\) before the basin's \[run\] starts"):
        validation_period(b, Table({"validation_run": {"end": date(1999, 12, 31)}}, "o.toml"))


@pytest.mark.parametrize("name", sorted(LATE_CHECKS))
def test_shipped_validation_run_reaches_the_late_checks_within_the_weather(name, basins):
    b = basins[name]
    path = ROOT / "basins" / name / "observations.toml"
    root = Table(load_toml(path), path)
    start, end = validation_period(b, root)
    # the basin's own run is left as it was; the validation run is the weather file to its last day
    assert (b.settings.start, b.settings.end) == (date(2000, 1, 1), date(2017, 2, 28))
    assert (start, end) == (date(2000, 1, 1), date(2020, 12, 31))
    weather = read_forcing_csv(ROOT / "basins" / name / b.weather.data["csv"])
    assert str(weather.dates[0]) == str(start) and str(weather.dates[-1]) == str(end)
    targets = {t["id"]: t for t in load_toml(path)["targets"]}
    for tid in LATE_CHECKS[name]:
        assert date(int(targets[tid]["period"][1]), 12, 31) <= end, tid


def test_border_class_checks_are_simulated_on_their_years(basins):
    """A run of 2018-2020 alone evaluates the three border checks (sections need no spin-up):
    a class, not 'not simulated'."""
    from hydro.simulation import run

    b = basins["miyun"]
    results = run(b, date(2018, 1, 1), date(2020, 12, 31))
    path = ROOT / "basins" / "miyun" / "observations.toml"
    for t in Table(load_toml(path), path).tables("targets"):
        if t.data["id"] in LATE_CHECKS["miyun"]:
            out = evaluate_target(results, t)
            assert not out.reason and out.value in (1, 2, 3, 4, 5, 6), (t.data["id"], out.reason)
            assert "3 year means" in out.window
