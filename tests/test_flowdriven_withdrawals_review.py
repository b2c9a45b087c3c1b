"""Flow-driven runs with withdrawals above a gauge (:mod:`hydro.gauge_matching`).

The example watershed over 2001, routed by accumulation, with a gauge on ``main`` (below the
west and east branches) whose "record" is 0.3 x the flow of a first run without withdrawals
or matching: the simulation is much wetter than the record, so the matched flows are far
below the simulated ones.  A withdrawal on ``west_lower`` must then take its share of the
*matched* water, and the gauge must still equal its record after it.  Until 2026-12-01 the
withdrawals were taken on the simulated flows and held while the runoff was scaled: a
``loss_share`` of 0.6 took more than the matched reach carried and the run stopped ("reach
'west_lower' has no flow at its outlet on 2001-01-01 (-0.0738 m3/s) after 3.1 m3/s was
withdrawn").
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.gauge_matching import solve_factor
from hydro.simulation import run

EXAMPLE = ROOT / "configs" / "examples" / "watershed"
PERIOD = ["run.end=2001-12-31", 'run.routing="accumulate"']
WEST_LOWER = 1  # the reach's index in the example
#: Accumulation makes the gauge flow a sum of scaled flows and the match is solved to ~1e-13
#: relative (hydro.gauge_matching.MATCH_TOL, on the flow before withdrawals, at most a few
#: times the record here); 1e-9 is the requirement of tests/test_watershed.py.
MATCH = 1e-9
#: A withdrawal follows its rule to round-off: one min() of sums of a few flows.
RULE = 1e-12


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    """The example's folder with ``gauges.csv``: 0.3 x the simulated flow at ``lake_inlet``."""
    folder = tmp_path_factory.mktemp("fdw") / "ws"
    shutil.copytree(EXAMPLE, folder)
    first = run(Basin.load(folder, overrides=PERIOD))
    main = np.asarray(first["section_discharge"][:, first.coords["section"].index("lake_inlet")]) * 0.3
    lines = ["# 0.3 x a model run (not measurements)", "date,main"]
    lines += [f"{d.isoformat()},{float(q)!r}" for d, q in zip(first.dates, main, strict=True)]
    (folder / "gauges.csv").write_text("\n".join(lines) + "\n")
    return folder, main


def driven(folder, tmp_path, withdrawal: str, flow_driven: bool = True):
    """A flow-driven run of the example with a gauge on ``main`` and ``withdrawal`` (TOML)."""
    copy = tmp_path / "ws"
    shutil.copytree(folder, copy)
    text = (copy / "basin.toml").read_text()
    text += ('\n[[gauges]]\nid = "main_gauge"\nreach = "main"\n'
             'observed_discharge_m3_s = { csv = "gauges.csv", column = "main" }\n'
             f'\n[[withdrawals]]\nid = "taken"\nreach = "west_lower"\n{withdrawal}\n')
    (copy / "basin.toml").write_text(text)
    return run(Basin.load(copy, overrides=PERIOD + [f"run.flow_driven={str(flow_driven).lower()}"]))


def check(r, rec, asked: float, share: float):
    """The gauge equals its record; the withdrawal took ``min(asked, share * water)`` of the
    reach's water (its inflow and what forms along it: outflow + withdrawn, one request)."""
    gauge = np.asarray(r["gauge_discharge"])[:, 0]
    np.testing.assert_allclose(gauge, rec, rtol=MATCH)
    taken = np.asarray(r["reach_withdrawal"])[:, WEST_LOWER]
    water = np.asarray(r["discharge"])[:, WEST_LOWER] + taken
    np.testing.assert_allclose(taken, np.minimum(asked, share * water), rtol=RULE)
    assert (np.asarray(r["discharge"]) > 0).all()
    assert float(r.attrs["water_balance_closure"]) <= 1e-9
    return taken, water


@pytest.mark.parametrize("share", [0.2, 0.6])
def test_a_share_withdrawal_takes_its_share_of_the_matched_flow(record, tmp_path, share):
    """0.6 stopped the run before; 0.2 ran, taking its share of the simulated flow, up to
    2.6 times its share of the matched one (0.52 of its water on 2001-01-01)."""
    folder, rec = record
    r = driven(folder, tmp_path, f"loss_share = {share}")
    taken, _ = check(r, rec, np.inf, share)
    assert (taken > 0).all()


def test_a_fixed_volume_withdrawal_is_fed_by_the_matched_runoff(record, tmp_path):
    folder, rec = record
    r = driven(folder, tmp_path, "flow_m3_s = 0.5\nmax_share = 0.9")
    taken, _ = check(r, rec, 0.5, 0.9)
    # the record is what passes the gauge after the diversion: most days it takes all it asks
    assert (taken == 0.5).mean() > 0.5


def test_a_withdrawal_larger_than_the_record_is_cut_to_its_share(record, tmp_path):
    """50 m3/s asked, far more than the gauge records (at most ~10 m3/s): the water the
    record implies is all the runoff can be, so the withdrawal gets its max_share of it
    (0.9) and no more, as any run's shortfall: reach_withdrawal says what it took."""
    folder, rec = record
    r = driven(folder, tmp_path, "flow_m3_s = 50.0\nmax_share = 0.9")
    taken, water = check(r, rec, 50.0, 0.9)
    assert (taken < 50.0).all() and rec.max() < 50.0
    np.testing.assert_allclose(taken, 0.9 * water, rtol=RULE)


def test_flow_driven_runs_are_one_block(record):
    from hydro.blocked import unblockable

    folder, _ = record
    assert "flow-driven" in (unblockable(Basin.load(folder, overrides=PERIOD + ["run.flow_driven=true"])) or "")


@pytest.mark.parametrize("share", [0.5, 0.9, 0.99])
def test_the_factor_converges_in_a_few_steps_where_a_fixed_point_would_not(share):
    """One day per column: a request of 3 (flow) capped at ``share`` on the free runoff 10 f,
    then 2 of unscaled water: Q(f) = max(10 f - 3, (1 - share) 10 f) + 2.  A fixed-point
    iteration gains a factor ``share`` per step (0.99: ~3,000 steps to 1e-13); the solver
    needs a handful of evaluations."""
    calls = []

    def at_gauge(f):
        calls.append(1)
        return np.maximum(10 * f - 3, (1 - share) * 10 * f) + 2

    record = np.array([2.0, 2.05, 2.5, 4.0, 30.0, 1.0, np.nan])
    first = (record - (at_gauge(np.ones(7)) - 10)) / 10  # the match that ignores the response
    first = np.where(np.isfinite(first), np.maximum(first, 0), 1.0)  # as hydro.gauge_matching
    f = solve_factor(at_gauge, record, first, np.full(7, 10.0))
    q = at_gauge(f)
    # solved to MATCH_TOL (1e-13 of record + f * q_free, here at most ~2 x the record)
    np.testing.assert_allclose(q[:5], record[:5], rtol=3e-13)
    assert f[5] == 0 and q[5] == 2.0  # the record below the unscaled water: as before, f = 0
    assert f[6] == 1.0  # no record: untouched
    assert len(calls) - 1 <= 2 * 8  # two evaluations a step: at most 8 steps


def test_nested_gauges_with_withdrawals_between_and_on_the_gauge_reach(record, tmp_path):
    """A gauge halfway down ``west_lower`` (0.4 x the simulated border flow, with gaps) above
    the ``main`` one (0.3 x), a diversion above it, a loss and a capped diversion on its own
    reach (taking from the whole reach, below the gauge too), losses and a monthly diversion
    between the gauges: both gauges equal their records, every reach carries water, and each
withdrawal takes by its rule from the matched water (before, taken from the simulated water,
the west diversion got less than its 0.8 m3/s on 144 days the matched water could give it,
and the east loss of 0.7 took 0.49 to 0.76 of its reach's water)."""
    folder, _ = record
    copy = tmp_path / "ws"
    shutil.copytree(folder, copy)
    first = run(Basin.load(copy, overrides=PERIOD))
    west = np.asarray(first["section_discharge"][:, first.coords["section"].index("border")]) * 0.4
    west[5:9] = np.nan
    lines = ["date,west"] + [f"{d.isoformat()},{'NA' if np.isnan(q) else repr(float(q))}"
                             for d, q in zip(first.dates, west, strict=True)]
    (copy / "west.csv").write_text("\n".join(lines) + "\n")
    text = (copy / "basin.toml").read_text()
    text += ('\n[[gauges]]\nid = "west_gauge"\nreach = "west_lower"\nposition = 0.5\n'
             'observed_discharge_m3_s = { csv = "west.csv", column = "west" }\n'
             '\n[[gauges]]\nid = "main_gauge"\nreach = "main"\n'
             'observed_discharge_m3_s = { csv = "gauges.csv", column = "main" }\n')
    for k, (reach, ask) in enumerate([("west_upper", "flow_m3_s = 0.8"), ("west_lower", "loss_share = 0.5"),
                                      ("west_lower", "flow_m3_s = 0.3\nmax_share = 0.5"),
                                      ("east_lower", "loss_share = 0.7"),
                                      ("main", "flow_m3_s = [1, 1, 1, 2, 3, 3, 3, 3, 2, 1, 1, 1]")]):
        text += f'\n[[withdrawals]]\nid = "w{k}"\nreach = "{reach}"\n{ask}\n'
    (copy / "basin.toml").write_text(text)
    r = run(Basin.load(copy, overrides=PERIOD + ["run.flow_driven=true"]))
    gauge, obs = np.asarray(r["gauge_discharge"]), np.asarray(r["gauge_observed_discharge"])
    recorded = ~np.isnan(obs)
    assert recorded.sum() == 2 * 365 - 4
    np.testing.assert_allclose(gauge[recorded], obs[recorded], rtol=MATCH)
    taken = np.asarray(r["reach_withdrawal"])
    assert (np.asarray(r["discharge"]) > 0).all() and (taken[:, [0, 1, 3]] > 0).all()
    assert float(r.attrs["water_balance_closure"]) <= 1e-9
    # the reaches with one request each take by its rule from the matched water
    water = np.asarray(r["discharge"]) + taken
    np.testing.assert_allclose(taken[:, 0], np.minimum(0.8, 0.9 * water[:, 0]), rtol=RULE)  # west_upper
    np.testing.assert_allclose(taken[:, 3], 0.7 * water[:, 3], rtol=RULE)  # east_lower
