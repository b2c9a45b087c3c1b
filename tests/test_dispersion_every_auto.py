"""``[run] dispersion_every = "auto"`` (the default, issue 16): the transport disperses once every k <=
``hydro.run_settings.DISPERSION_EVERY_AUTO_K`` advection sub-steps when the network has at least
``DISPERSION_EVERY_AUTO_REACHES`` reaches (on the global sub-step and on local steps alike), else on every
sub-step (the results of before, bit for bit); a whole number keeps its meaning.  The threshold is patched to a small
value here so that a generated network of a few reaches lies on either side of it (the real one is
2,000 reaches: docs/solver.md, "Dispersion every K: the default")."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import test_local_steps_auto as local_auto

import hydro.run_settings
from hydro.errors import HydroError

# local_steps "auto"'s fixture: a generated watershed of REACHES reaches over one year (without a
# dispersion_every key either), and its settings as Basin.load reads them
generated = local_auto.generated
REACHES, _settings = local_auto.REACHES, local_auto._settings
K = hydro.run_settings.DISPERSION_EVERY_AUTO_K


@pytest.mark.parametrize(("threshold", "every"), [(REACHES - 1, K), (REACHES, K), (REACHES + 1, 1)])
def test_auto_takes_k_from_the_threshold_up(generated, monkeypatch, threshold, every):
    monkeypatch.setattr(hydro.run_settings, "DISPERSION_EVERY_AUTO_REACHES", threshold)
    for overrides in ((), ("run.dispersion_every=auto",), ('run.dispersion_every="auto"',)):  # default, bare, quoted
        settings = _settings(generated, *overrides)
        assert settings.dispersion_every == every and not settings.dispersion_every_auto, overrides
        assert settings.dispersion_every == every


@pytest.mark.parametrize("threshold", [1, 10**9])
def test_a_number_keeps_its_meaning_whatever_the_size(generated, monkeypatch, threshold):
    monkeypatch.setattr(hydro.run_settings, "DISPERSION_EVERY_AUTO_REACHES", threshold)
    for every in (1, 3, 31):
        assert _settings(generated, f"run.dispersion_every={every}").dispersion_every == every


def test_auto_applies_on_local_steps_too(generated, monkeypatch):
    """Local steps (by ``true``, or by ``"auto"``, which the transport resolves on the run's flows) take
    ``"auto"``'s K as the global sub-step does: each class disperses once a block of at most K of its steps
    (docs/solver.md, "Dispersion every K steps inside the local steps"); an explicit value keeps its meaning
    there too."""
    monkeypatch.setattr(hydro.run_settings, "DISPERSION_EVERY_AUTO_REACHES", 1)
    assert _settings(generated, "run.local_steps=true").dispersion_every == K
    settings = _settings(generated)
    assert settings.transport_local_steps() == "auto" and settings.dispersion_every == K
    assert _settings(generated, "run.local_steps=true", "run.dispersion_every=3").dispersion_every == 3
    monkeypatch.setattr(hydro.run_settings, "DISPERSION_EVERY_AUTO_REACHES", 10**9)
    assert _settings(generated, "run.local_steps=true").dispersion_every == 1


def test_a_run_by_auto_is_the_run_of_its_k_and_says_so(generated, monkeypatch):
    """Above the (lowered) threshold a default run equals the ``dispersion_every = K`` run to the bit and
    its results say ``dispersion_every = "7"``; below it, the ``dispersion_every = 1`` run's, without the
    attribute; and the two sides differ (on this network K moves the results: the test can fail)."""
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed

    start, end = date(2001, 6, 1), date(2001, 8, 31)  # the wet season: fast water, Courant sets the steps
    runs = {}
    for threshold, value in ((1, "auto"), (1, str(K)), (10**9, "auto"), (10**9, "1")):
        monkeypatch.setattr(hydro.run_settings, "DISPERSION_EVERY_AUTO_REACHES", threshold)
        basin = Basin.load(generated, overrides=[f"run.dispersion_every={value}"])
        runs[threshold, value] = run_watershed(basin, start, end)
    for a, b in (((1, "auto"), (1, str(K))), ((10**9, "auto"), (10**9, "1"))):
        assert runs[a].data.keys() == runs[b].data.keys()
        for name in runs[a].data:
            assert np.array_equal(np.asarray(runs[a][name]), np.asarray(runs[b][name]), equal_nan=True), (a, name)
    assert runs[1, "auto"].attrs["dispersion_every"] == str(K)
    assert "dispersion_every" not in runs[10**9, "auto"].attrs
    assert not np.array_equal(np.asarray(runs[1, "auto"]["tn_concentration"]),
                              np.asarray(runs[10**9, "auto"]["tn_concentration"]))


def test_the_real_threshold_leaves_the_shipped_basins_on_every_sub_step():
    """Miyun and Guanting (17 and 25 reaches) are far below the threshold: ``"auto"`` gives 1, and a
    default run of a month is the ``dispersion_every = 1`` run to the bit, every variable."""
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed

    assert hydro.run_settings.DISPERSION_EVERY_AUTO_REACHES >= 1000
    start, end = date(2000, 7, 1), date(2000, 7, 31)
    for name in ("miyun", "guanting"):
        basin = Basin.load(name)
        assert len(basin.network.reaches) < hydro.run_settings.DISPERSION_EVERY_AUTO_REACHES
        assert basin.settings.dispersion_every == 1
        default = run_watershed(basin, start, end)
        one = run_watershed(Basin.load(name, overrides=["run.dispersion_every=1"]), start, end)
        assert "dispersion_every" not in default.attrs
        for var in default.data:
            assert np.array_equal(np.asarray(default[var]), np.asarray(one[var]), equal_nan=True), (name, var)


@pytest.mark.parametrize("value", ["'Auto'", "'yes'", "0", "2.5", "true", "'7'"])
def test_a_bad_value_names_the_key_and_the_choices(generated, value):
    with pytest.raises(HydroError) as err:
        _settings(generated, f"run.dispersion_every={value}")
    message = str(err.value)
    assert "basin.toml" in message and "run.dispersion_every" in message
    assert 'expected an integer >= 1 or "auto"' in message


def test_set_takes_auto_and_a_number_on_the_command_line(tmp_path, monkeypatch):
    """``hydro run --set run.dispersion_every=...``: the attribute records the K used, "auto" resolved."""
    import netCDF4
    from click.testing import CliRunner

    from hydro.cli import main

    monkeypatch.setattr(hydro.run_settings, "DISPERSION_EVERY_AUTO_REACHES", 1)  # Miyun's 17 reaches: auto is K
    args = ["--start", "2000-07-01", "--end", "2000-07-10", "-q"]
    for value, attribute in (("auto", str(K)), ("3", "3"), ("1", None)):
        out = tmp_path / f"{value}.nc"
        done = CliRunner().invoke(main, ["run", "miyun", "-o", str(out), "--set", f"run.dispersion_every={value}",
                                         *args])
        assert done.exit_code == 0, done.output
        with netCDF4.Dataset(out) as ds:
            assert (ds.getncattr("dispersion_every") if "dispersion_every" in ds.ncattrs() else None) == attribute


def test_the_documented_threshold_and_k_are_the_real_ones():
    """docs/basin-file.md's ``run.dispersion_every`` row gives the threshold and K in words, docs/results.md
    the threshold; a change of the constants must change them too."""
    from hydro.basin import ROOT

    text = (ROOT / "docs" / "basin-file.md").read_text(encoding="utf-8").replace("\n", " ")
    row = next(line for line in text.split("| `run.") if line.startswith("dispersion_every` |"))
    assert f"{hydro.run_settings.DISPERSION_EVERY_AUTO_REACHES:,} reaches or more" in row
    assert f"`\"auto\"` (the default): {K} " in row
    words = f"{hydro.run_settings.DISPERSION_EVERY_AUTO_REACHES:,} reaches or more"
    assert words in (ROOT / "docs" / "results.md").read_text(encoding="utf-8").replace("\n", " ")
