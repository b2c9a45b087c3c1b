"""A basin's observations file is checked before the minutes-long validation run.

Each case writes a copy of the Guanting basin (its files linked, not copied) with an
observations file holding one mistake, and calls :func:`basin_targets` with the long run
replaced by an exception: the mistake must be reported (a :class:`HydroError` naming the file,
the target id and the key) before that run starts.  Before the check existed every one of
these reached the long run first.  The short run the check evaluates the targets on is made
once per module (two days of Guanting, about a second).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

import hydro.simulation as simulation
from hydro.basin import ROOT
from hydro.errors import HydroError
from hydro.validation import basins

GOOD = """
[[targets]]
id = "storage_2008"
variable = "reservoir_storage"
location = "guanting"
statistic = "time_mean"
period = ["2008-03-12", "2008-03-12"]
unit = "m3"
value = 1.3e8
tolerance_relative = 0.15
reference = "test"

[[targets]]
id = "nh3n_2009"
variable = "section_nh3n_concentration"
location = "bahaoqiao"
statistic = "time_mean"
period = [2009, 2009]
unit = "mg L-1"
range = [1.0, 3.0]
reference = "test"

[[targets]]
id = "class_2009"
variable = "section_{p}_concentration"
parameters = ["nh3n", "codmn"]
location = "bahaoqiao"
statistic = "class_share"
class_of = "week"
within_class = 5
period = [2009, 2009]
unit = "1"
range = [0.5, 1.0]
reference = "test"

[[targets]]
id = "inventory_2010"
variable = "subbasin_tn_gross_input"
subbasins = ["sg0*"]
inputs = ["fertiliser", "deposition_water"]
statistic = "annual_total"
period = [2010, 2010]
unit = "kg yr-1"
value = 1e6
tolerance_relative = 0.3
reference = "test"
"""


class LongRun(Exception):
    """The full validation run was reached."""


@pytest.fixture(scope="module")
def short_run():
    """Two days of Guanting (what the check evaluates the targets on), made once."""
    from hydro.basin import Basin

    basin = Basin.load(ROOT / "basins" / "guanting")
    start = basin.settings.start
    return simulation.run(basin, start, start + timedelta(days=1))


@pytest.fixture
def write(tmp_path, monkeypatch, short_run):
    """``write(text)``: a Guanting copy whose observations file is ``text``; returns its path."""
    folder = tmp_path / "basins" / "guanting"
    folder.mkdir(parents=True)
    for entry in (ROOT / "basins" / "guanting").iterdir():
        if entry.name != "observations.toml":
            (folder / entry.name).symlink_to(entry)
    (tmp_path / "basins" / "region").symlink_to(ROOT / "basins" / "region")
    monkeypatch.setattr(basins, "ROOT", tmp_path)

    def run(basin, start, end, **kw):
        if (end - start).days > 5:
            raise LongRun
        return short_run

    monkeypatch.setattr(simulation, "run", run)

    def write(text: str) -> Path:
        path = folder / "observations.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def mistakes(write, text: str) -> str:
    write(text)
    with pytest.raises(HydroError) as e:
        basins.basin_targets("guanting")
    return str(e.value)


def test_good_targets_reach_the_long_run(write):
    write(GOOD)
    with pytest.raises(LongRun):
        basins.basin_targets("guanting")


def test_shipped_files_pass_the_check(monkeypatch):
    """Both shipped observations files reach their long run (checked on two days each)."""
    real = simulation.run

    def run(basin, start, end, **kw):
        if (end - start).days > 5:
            raise LongRun
        return real(basin, start, end, **kw)

    monkeypatch.setattr(simulation, "run", run)
    for name in ("guanting", "miyun"):
        with pytest.raises(LongRun):
            basins.basin_targets(name)


@pytest.mark.parametrize("old, new, key, words", [
    ('location = "bahaoqiao"\nstatistic = "time_mean"', 'location = "bahaoqiaoo"\nstatistic = "time_mean"',
     "location", "did you mean 'bahaoqiao'"),
    ('variable = "reservoir_storage"', 'variable = "reservoir_storge"', "variable", "not in the results"),
    ('statistic = "time_mean"\nperiod = ["2008', 'statistic = "mean"\nperiod = ["2008', "statistic", "ambiguous"),
    ('subbasins = ["sg0*"]', 'subbasins = ["sx0*"]', "subbasins", "matches no subbasin"),
    ('inputs = ["fertiliser"', 'inputs = ["fertilizer"', "inputs", "did you mean 'fertiliser'"),
    ('tolerance_relative = 0.15', 'tolerance_relative = -0.15', "tolerance_relative", "0.15"),
    ('range = [1.0, 3.0]', 'range = [3.0, 1.0]', "range", "below its start"),
    ('value = 1.3e8', 'value = 0', "value", "non-zero"),
    ('tolerance_relative = 0.15', 'tolerence_relative = 0.15', "tolerence_relative", "unknown key"),
    ('parameters = ["nh3n", "codmn"]', 'parameters = ["nh3n", "cod"]', "parameters", "no GB 3838-2002"),
    ('within_class = 5', 'within_class = 7', "within_class", ""),
    ('class_of = "week"', 'class_of = "weeks"', "class_of", "did you mean 'week'"),
    ('period = [2009, 2009]\nunit = "mg', 'period = [2009, 2008]\nunit = "mg', "period", "before it starts"),
    ('period = ["2008-03-12", "2008-03-12"]', 'period = ["2008-03-12", "2008-13-12"]', "period",
     "is no day: there is no month 13"),
    ('unit = "kg yr-1"', 'unit = "t yr-1"', "unit", "kg yr-1"),
])
def test_a_mistake_is_reported_before_the_run(write, old, new, key, words):
    assert old in GOOD
    message = mistakes(write, GOOD.replace(old, new, 1))
    assert "found before the validation run" in message
    assert "key 'targets[" in message and f"].{key}'" in message
    assert "target '" in message  # the target is named by its id
    assert words in message


def test_duplicate_id_names_both_targets(write):
    message = mistakes(write, GOOD + "\n[[targets]]" + GOOD.split("[[targets]]")[1])
    assert "target 'storage_2008'" in message and "targets[0]" in message and "unique" in message


def test_several_mistakes_are_reported_together(write):
    text = GOOD.replace('location = "guanting"', 'location = "guantin"').replace(
        'subbasins = ["sg0*"]', 'subbasins = ["xx"]')
    message = mistakes(write, text)
    assert message.startswith(f"{basins.ROOT / 'basins' / 'guanting' / 'observations.toml'}: 2 mistakes")
    assert "target 'storage_2008'" in message and "target 'inventory_2010'" in message
    assert message.count("\n\n") == 2  # one paragraph each


def test_unknown_top_level_table_and_missing_id(write):
    message = mistakes(write, GOOD.replace('id = "nh3n_2009"\n', "") + '\n[validation_rum]\nend = 2020-12-31\n')
    assert "key 'validation_rum'" in message and "did you mean 'validation_run'" in message
    assert "target targets[1]" in message and "key 'targets[1].id': missing" in message


def test_a_period_outside_the_run_is_named_but_not_an_error(write, capsys):
    write(GOOD.replace('period = [2010, 2010]', 'period = [2110, 2110]'))
    with pytest.raises(LongRun):
        basins.basin_targets("guanting")
    assert "inventory_2010 (2110-01-01..2110-12-31)" in capsys.readouterr().err


def test_a_batch_checks_every_basin_file_before_the_first_run(tmp_path, monkeypatch):
    """`hydro validate miyun guanting`: a mistake in guanting's file stops the command before
    miyun's run (minutes) starts, not after it."""
    from hydro.validation.registry import run_cases

    for name in ("miyun", "guanting", "region"):
        folder = tmp_path / "basins" / name
        folder.mkdir(parents=True)
        for entry in (ROOT / "basins" / name).iterdir():
            (folder / entry.name).symlink_to(entry)
    bad = tmp_path / "basins" / "guanting" / "observations.toml"
    bad.unlink()
    bad.write_text(GOOD.replace('value = 1.3e8', 'value = 0'), encoding="utf-8")
    monkeypatch.setattr(basins, "ROOT", tmp_path)
    real = simulation.run

    def run(basin, start, end, **kw):
        if (end - start).days > 5:
            raise LongRun
        return real(basin, start, end, **kw)

    monkeypatch.setattr(simulation, "run", run)
    with pytest.raises(HydroError, match="target 'storage_2008'"):
        run_cases(["miyun", "guanting"])
