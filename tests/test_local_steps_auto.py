"""``[run] local_steps = "auto"`` (the default, issue 16): local time steps when the network has at
least ``hydro.run_settings.LOCAL_STEPS_AUTO_REACHES`` reaches, else the global sub-step; ``true`` and
``false`` keep their meaning.  The threshold is patched to a small value here so that a generated
network of a few reaches lies on either side of it (the real one is thousands of reaches)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

import hydro.run_settings

REACHES = 12  # the generated network's reaches


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated watershed of :data:`REACHES` reaches over one year (no ``local_steps`` key)."""
    from hydro.validation.problems import synthetic_watershed

    path = synthetic_watershed(tmp_path_factory.mktemp("auto"), n_subbasin=REACHES, n_reservoir=1, years=1)
    assert "local_steps" not in path.read_text()
    return path


def _settings(path, *overrides: str):
    from hydro.basin import Basin

    return Basin.load(path, overrides=list(overrides)).settings


@pytest.mark.parametrize(("threshold", "on"), [(REACHES - 1, True), (REACHES, True), (REACHES + 1, False)])
def test_auto_is_on_from_the_threshold_up(generated, monkeypatch, threshold, on):
    monkeypatch.setattr(hydro.run_settings, "LOCAL_STEPS_AUTO_REACHES", threshold)
    for overrides in ((), ("run.local_steps=auto",), ('run.local_steps="auto"',)):  # the default, bare, quoted
        settings = _settings(generated, *overrides)
        assert settings.local_steps is on, overrides
        assert (settings.transport_local_steps() is not None) is on


@pytest.mark.parametrize("threshold", [1, 10**9])
def test_true_and_false_keep_their_meaning_whatever_the_size(generated, monkeypatch, threshold):
    monkeypatch.setattr(hydro.run_settings, "LOCAL_STEPS_AUTO_REACHES", threshold)
    assert _settings(generated, "run.local_steps=true").local_steps is True
    assert _settings(generated, "run.local_steps=false").local_steps is False


def test_the_real_threshold_leaves_the_shipped_basins_on_the_global_step():
    """Miyun and Guanting (17 and 25 reaches) are far below the threshold: the default is the global step
    (their results bit for bit as before: tests/test_local_steps_switch.py)."""
    from hydro.basin import Basin

    assert hydro.run_settings.LOCAL_STEPS_AUTO_REACHES >= 1000
    for name in ("miyun", "guanting"):
        basin = Basin.load(name)
        assert len(basin.network.reaches) < hydro.run_settings.LOCAL_STEPS_AUTO_REACHES
        assert basin.settings.local_steps is False and basin.settings.transport_local_steps() is None


def test_a_run_on_local_steps_by_auto_says_so(generated, monkeypatch):
    """The results of a run that took local steps by "auto" carry ``local_steps = "true"``, as with
    ``true``, and equal that run's; below the threshold no attribute, as with ``false``."""
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed

    start, end = date(2001, 6, 1), date(2001, 8, 31)  # the wet season: the days local steps act on
    runs = {}
    for threshold, value in ((1, "auto"), (1, "true"), (10**9, "auto"), (10**9, "false")):
        monkeypatch.setattr(hydro.run_settings, "LOCAL_STEPS_AUTO_REACHES", threshold)
        basin = Basin.load(generated, overrides=[f"run.local_steps={value}"])
        runs[threshold, value] = run_watershed(basin, start, end)
    for a, b in (((1, "auto"), (1, "true")), ((10**9, "auto"), (10**9, "false"))):
        for name in ("tn_concentration", "section_tn_concentration", "transport_substeps"):
            assert np.array_equal(np.asarray(runs[a][name]), np.asarray(runs[b][name])), (a, name)
    assert runs[1, "auto"].attrs["local_steps"] == "true"
    assert "local_steps" not in runs[10**9, "auto"].attrs
    # and "auto" did choose differently on the two sides (local steps took days of their own)
    assert not np.array_equal(np.asarray(runs[1, "auto"]["tn_concentration"]),
                              np.asarray(runs[10**9, "auto"]["tn_concentration"]))


@pytest.mark.parametrize("value", ["'Auto'", "'yes'", "'true'", "1", "[true]", "'automatic'"])
def test_a_bad_value_names_the_file_key_and_the_three_choices(generated, value):
    from hydro.errors import HydroError

    with pytest.raises(HydroError) as err:
        _settings(generated, f"run.local_steps={value}")
    message = str(err.value)
    assert "basin.toml" in message and "run.local_steps" in message and 'true, false or "auto"' in message


def test_set_takes_all_three_on_the_command_line(tmp_path, monkeypatch):
    """``hydro run --set run.local_steps=...`` with auto, true and false; a bad value is one paragraph."""
    import netCDF4
    from click.testing import CliRunner

    from hydro.cli import main

    monkeypatch.setattr(hydro.run_settings, "LOCAL_STEPS_AUTO_REACHES", 1)  # Miyun's 17 reaches: auto is on
    args = ["--start", "2000-01-01", "--end", "2000-01-10", "-q"]
    for value, attribute in (("auto", "true"), ("true", "true"), ("false", None)):
        out = tmp_path / f"{value}.nc"
        done = CliRunner().invoke(main, ["run", "miyun", "-o", str(out), "--set", f"run.local_steps={value}", *args])
        assert done.exit_code == 0, done.output
        with netCDF4.Dataset(out) as ds:
            assert (ds.getncattr("local_steps") if "local_steps" in ds.ncattrs() else None) == attribute
    done = CliRunner().invoke(main, ["run", "miyun", "-o", str(tmp_path / "x.nc"), "--set", "run.local_steps=on"])
    assert done.exit_code != 0 and "Traceback" not in done.output
    assert "local_steps" in done.output and 'true, false or "auto"' in done.output


def test_the_documented_threshold_is_the_real_one():
    """docs/basin-file.md's ``run.local_steps`` row and docs/results.md give the threshold in words (20,000
    reaches since 3 Dec 2026, re-measured on the physical synthetic basins: docs/solver.md, "The threshold
    of auto, on the physical basins"); a change of the constant must change them too."""
    from hydro.basin import ROOT

    words = f"{hydro.run_settings.LOCAL_STEPS_AUTO_REACHES:,} reaches or more"
    for page in ("basin-file.md", "results.md"):
        assert words in (ROOT / "docs" / page).read_text(encoding="utf-8").replace("\n", " "), page
