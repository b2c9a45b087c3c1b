"""``benchmarks/lts_lanes.py``'s mock does the work the two-lane split would do (no timing).

The mock (docs/solver.md *Two lanes decided by the problem, measured before building*) splits the one
group's live tags into two groups, each with a copy of its first tag as the stand-in for the total.
Checked on a small synthetic tree: each group holds half the live tags plus one, the stand-in carries
its tag's inputs, :func:`hydro.transport_args.lanes` puts the groups on two lanes, the local steps take
the same sub-steps as the call as it is (the same water, so the same classes), and the mock gives the
same bytes on one thread and two (the mock's own results are wrong by design: each half's limiter).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


def test_mock_splits_the_live_tags_into_two_lanes(tmp_path):
    import lts_lanes
    from _common import transport_call

    import hydro.transport
    from hydro.transport_args import LocalSteps, lanes
    from hydro.validation.problems import synthetic_watershed

    basin = synthetic_watershed(tmp_path / "b", n_subbasin=40, n_reservoir=2, years=1)
    call = transport_call(str(basin), str(tmp_path / "out.nc"), local_steps=True)
    live = lts_lanes.live_tags(call[2])
    assert 2 <= len(live) < len(call[1])  # the synthetic tree has dead sources (else nothing is left out)
    network, tracers, inputs, kw = lts_lanes.split_call(*call)
    half = len(live) // 2
    assert kw["groups"] == [half + 1, len(live) - half + 1]
    assert lts_lanes.live_tags(inputs) == list(range(len(tracers)))  # only live tags, the stand-ins too
    np.testing.assert_array_equal(inputs.lateral_load[..., half], call[2].lateral_load[..., live[0]])
    assert len(lanes(kw["groups"], 2)) == 2
    local = LocalSteps(min_gain=1e-9)  # every day of several classes on local steps
    whole = hydro.transport.simulate(*call[:3], local_steps=local, **call[3])
    one = hydro.transport.simulate(network, tracers, inputs, local_steps=local, threads=1, **kw)
    two = hydro.transport.simulate(network, tracers, inputs, local_steps=local, threads=2, **kw)
    glob = hydro.transport.simulate(*call[:3], local_steps=None, **call[3])
    assert (whole.substeps != glob.substeps).sum() > 0  # local steps took some days
    np.testing.assert_array_equal(one.substeps, whole.substeps)
    for name in ("reach_concentration", "reach_load"):
        assert np.array_equal(getattr(one, name), getattr(two, name)), name
