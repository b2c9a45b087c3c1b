"""``[run] local_steps = "auto"`` (the default, issue 16): local time steps where the cost model of
``hydro.local_steps_auto`` estimates, on the run's flows, that they take at most
``LOCAL_STEPS_AUTO_RATIO`` of the global step's CPU; else the global sub-step.  ``true`` and ``false`` keep
their meaning.  The ratio is patched here so that a generated network of a few reaches lies on either
side of it (on the real one it takes local steps only on networks of thousands of reaches with fast
rivers: docs/solver.md, "Local steps by the problem")."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

import hydro.local_steps_auto as auto
from hydro.local_steps_auto import StepEstimate, cost_ratio, takes_local_steps
from hydro.transport_args import LocalSteps

REACHES = 12  # the generated network's reaches
ALWAYS, NEVER = 10.0, 0.0  # LOCAL_STEPS_AUTO_RATIO patched: every estimate under it, none


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


def test_the_gain_of_two_chains_by_hand():
    """Two chains of 10 and 30 cells needing 8 and 2 sub-steps: classes 0 and 2, the global step
    40 x 8 = 320 cell updates, local steps 10 x 8 + 30 x 2 = 140 (gain 16 / 7); a finest count of 9 is
    rounded up to 12, whole steps of class 2 (10 x 12 + 30 x 3 = 210 against 360); a class past
    ``max_level`` is capped (8 and 1 with ``max_level`` 2: 10 x 8 + 30 x 2 again); a day that gains less than
    ``min_gain`` takes the global path (its gain 1)."""
    cells = np.array([10, 30])
    assert (LocalSteps().max_level, LocalSteps().min_gain) == (3, 1.25) == (auto.MAX_LEVEL, auto.MIN_GAIN)
    assert auto._gain(np.array([[8.0, 2.0]]), cells) == pytest.approx(320 / 140, rel=1e-15)
    assert auto._gain(np.array([[9.0, 2.0]]), cells) == pytest.approx(360 / 210, rel=1e-15)
    assert auto._gain(np.array([[8.0, 1.0]]), cells, max_level=2) == pytest.approx(320 / 140, rel=1e-15)
    assert auto._gain(np.array([[8.0, 6.0]]), cells) == 1.0  # 320 against 280: under 1.25
    # days add up as cell updates, not as gains: (320 + 320) / (140 + 320)
    assert auto._gain(np.array([[8.0, 2.0], [8.0, 8.0]]), cells) == pytest.approx(640 / 460, rel=1e-15)


@pytest.mark.parametrize(("seed", "shape"), [(1, "chain3"), (2, "hack"), (3, "hack")])
def test_the_chains_are_the_solvers(tmp_path, seed, shape):
    """``reach_chains`` partitions the reaches as the solver's ``chain_layout`` does (random trees with
    reservoirs, which chains do not run through)."""
    from hydro._transport_kernels import DOWN_REACH, chain_layout
    from hydro.basin import Basin
    from hydro.validation.problems import synthetic_watershed

    net = Basin.load(synthetic_watershed(tmp_path, n_subbasin=40, n_reservoir=3, years=1, seed=seed,
                                                 shape=shape)).network
    lay = net.layout
    main_up, _, chain_head, _, _ = chain_layout(lay.reach_cell_start, lay.reach_down_kind, lay.reach_down_index,
                                                np.zeros(len(net.reaches), dtype=np.bool_), lay.reach_rank)
    theirs = np.full(len(net.reaches), -1)
    for j, r in enumerate(chain_head):
        while True:
            theirs[r] = j
            d = lay.reach_down_index[r]
            if lay.reach_down_kind[r] != DOWN_REACH or main_up[d] != r:
                break
            r = d
    ours = auto.reach_chains(net)
    assert len(set(ours)) == len(chain_head) < len(net.reaches)  # some chains of several reaches
    pairs = set(zip(ours.tolist(), theirs.tolist(), strict=True))
    assert len(pairs) == len(chain_head)  # the same partition, numbered apart


def test_the_cost_model_and_the_rule():
    """``cost_ratio`` is ``UPDATE_COST / gain + DAY_COST / substeps``; local steps where it is at most
    ``LOCAL_STEPS_AUTO_RATIO``; no estimate, no local steps."""
    steps = StepEstimate(gain=2.0, substeps=100.0)
    assert cost_ratio(steps) == pytest.approx(auto.UPDATE_COST / 2 + auto.DAY_COST / 100, rel=1e-15)
    assert takes_local_steps(StepEstimate(5.0, 1000.0)) and not takes_local_steps(StepEstimate(1.0, 30.0))
    assert not takes_local_steps(None)


def test_the_estimate_sees_the_solvers_sub_steps(generated):
    """On the generated watershed's year the estimate's mean sub-steps a day is the solver's within 15 %
    (the estimate reads each cell at its mid-day volume, the solver at its smallest of the day, and 48
    sampled days, not all), and its gain lies between 1 and the solver's global over the local steps' finest
    count where they took it."""
    import hydro.transport_volumes
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed

    seen = {}
    real = auto.estimate

    def spy(*args, **kw):
        seen["steps"] = real(*args, **kw)
        return seen["steps"]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(hydro.transport_volumes, "estimate", spy)  # where FlowSample.water calls it
        res = run_watershed(Basin.load(generated, overrides=["run.local_steps=false"]), date(2001, 1, 1),
                            date(2001, 12, 31))
    substeps = np.asarray(res["transport_substeps"], dtype=float)
    assert seen["steps"].substeps == pytest.approx(substeps.mean(), rel=0.15)
    assert 1.0 <= seen["steps"].gain < substeps.max()


@pytest.mark.parametrize(("ratio", "local"), [(ALWAYS, True), (NEVER, False)])
def test_a_run_by_auto_is_the_run_of_its_choice_and_says_so(generated, monkeypatch, ratio, local):
    """With the ratio patched each way, a default run ("auto") equals the ``true`` or ``false`` run to the
    bit and says ``local_steps = "true"`` only on local steps; and the two choices differ (the test can fail)."""
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed

    monkeypatch.setattr(auto, "LOCAL_STEPS_AUTO_RATIO", ratio)
    start, end = date(2001, 6, 1), date(2001, 8, 31)  # the wet season: the days local steps act on
    basin = Basin.load(generated)
    assert basin.settings.local_steps_auto and basin.settings.transport_local_steps() == "auto"
    by_auto = run_watershed(basin, start, end)
    same = run_watershed(Basin.load(generated, overrides=[f"run.local_steps={str(local).lower()}"]), start, end)
    other = run_watershed(Basin.load(generated, overrides=[f"run.local_steps={str(not local).lower()}"]), start, end)
    for name in ("tn_concentration", "section_tn_concentration", "transport_substeps"):
        assert np.array_equal(np.asarray(by_auto[name]), np.asarray(same[name])), name
    assert not np.array_equal(np.asarray(by_auto["tn_concentration"]), np.asarray(other["tn_concentration"]))
    assert (by_auto.attrs.get("local_steps") == "true") is local


@pytest.mark.parametrize("value", ["true", "false"])
def test_true_and_false_keep_their_meaning_whatever_the_estimate(generated, monkeypatch, value):
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed

    for ratio in (ALWAYS, NEVER):
        monkeypatch.setattr(auto, "LOCAL_STEPS_AUTO_RATIO", ratio)
        res = run_watershed(Basin.load(generated, overrides=[f"run.local_steps={value}"]), date(2001, 6, 1),
                            date(2001, 6, 10))
        assert (res.attrs.get("local_steps") == "true") is (value == "true")


def test_the_shipped_basins_stay_on_the_global_step():
    """Miyun and Guanting (17 and 25 reaches): by the real constants the cost model gives them well over
    the ratio (the per-day work of local steps is not earned back on a few chains), so the default is the
    global step, their results bit for bit as before (tests/test_local_steps_switch.py)."""
    import hydro.transport_run
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed

    seen = []
    real = hydro.transport_run.takes_local_steps

    def spy(steps):  # the estimate the transport decides by, computed here or taken from the basin's period
        seen.append(steps)
        return real(steps)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(hydro.transport_run, "takes_local_steps", spy)
        for name in ("miyun", "guanting"):
            basin = Basin.load(name)
            res = run_watershed(basin, basin.settings.start, date(basin.settings.start.year, 12, 31))
            assert "local_steps" not in res.attrs, name
    assert len(seen) >= 2 and all(s is not None and cost_ratio(s) > auto.LOCAL_STEPS_AUTO_RATIO + 0.1
                                  for s in seen), seen


def test_blocks_take_the_first_blocks_choice(tmp_path, monkeypatch):
    """A run in yearly blocks carries the estimate of the whole run's flows from block to block
    (:class:`hydro.transport_volumes.CellWater`), so "auto" chooses as for one block: both on local steps
    here (the ratio patched) and equal to round-off (test_blocked_output's comparison)."""
    import netCDF4
    from test_blocked_output import _compare, _run

    monkeypatch.setattr(auto, "LOCAL_STEPS_AUTO_RATIO", ALWAYS)
    one, blocked = tmp_path / "one.nc", tmp_path / "blocked.nc"
    args = ("--start", "2000-01-01", "--end", "2001-09-30")
    _run("miyun", one, *args, "--block-years", "0")
    _run("miyun", blocked, *args, "--block-years", "1")
    _compare(one, blocked)
    for path in (one, blocked):
        with netCDF4.Dataset(path) as ds:
            assert ds.getncattr("local_steps") == "true"


@pytest.mark.parametrize("value", ["'Auto'", "'yes'", "'true'", "1", "[true]", "'automatic'"])
def test_a_bad_value_names_the_file_key_and_the_three_choices(generated, value):
    from hydro.errors import HydroError

    with pytest.raises(HydroError) as err:
        _settings(generated, f"run.local_steps={value}")
    message = str(err.value)
    assert "basin.toml" in message and "run.local_steps" in message and 'true, false or "auto"' in message


def test_simulate_takes_auto_and_nothing_else_by_name():
    from hydro.errors import HydroError
    from hydro.transport import simulate

    with pytest.raises(HydroError, match='"auto"'):
        simulate(None, [], None, local_steps="on")  # type: ignore[arg-type]


def test_the_documented_rule_is_the_real_one():
    """docs/basin-file.md's ``run.local_steps`` row and docs/solver.md give the ratio and the constants in
    words; a change of a constant must change them too."""
    from hydro.basin import ROOT

    words = [f"{auto.LOCAL_STEPS_AUTO_RATIO:.2f}", f"{auto.UPDATE_COST:g}", f"{auto.DAY_COST:g}"]
    for page in ("basin-file.md", "solver.md"):
        text = (ROOT / "docs" / page).read_text(encoding="utf-8").replace("\n", " ")
        assert all(w in text for w in words), (page, words)
