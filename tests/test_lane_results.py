"""A watershed run names its transport's results output by output as each lane ends
(:class:`hydro.lane_results.LaneNaming`): every variable is, to the bit, what naming all the tracers at
once after the transport gave (the results step before 2 December 2026), on two threads or one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest


def _named_at_once(early, tr, carried, n_tag: int, water: bool, n_res: int):
    """The transport's variables as the results step made them before: every tracer named in one
    :func:`hydro.tracers.split_results` call, then the variables added in their order."""
    from hydro.assembly import add_source_results, add_transfer_tracer, add_transport_results
    from hydro.tracers import select, split_results

    res = replace(early, coords=dict(early.coords), data=dict(early.data), attrs=dict(early.attrs))
    n_tracer = tr.reach_load.shape[-1] - water
    named = split_results(select(tr, slice(0, n_tracer)), carried, n_tag)
    add_transport_results(res, named.total, named.names, bool(n_res))
    add_source_results(res, named, n_res)
    if water:
        add_transfer_tracer(res, select(tr, n_tracer), n_res)
    return res


@pytest.mark.parametrize("end, threads", [(None, 2), (date(2001, 12, 31), 1)])
def test_naming_by_lane_gives_the_bits_of_naming_at_once(monkeypatch, end, threads):
    """Miyun: its whole period on two threads (TN on one lane; TP, CODMn and the transferred water's
    tracer on the other), and two years on one thread (one lane of every group)."""
    import hydro.pipeline_steps as steps
    from hydro import transport
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed
    from hydro.resources import basins_dir

    seen: dict = {"parts": {}}
    real = steps.transport

    def kept(*args, **kwargs):
        seen["tr"] = real(*args, **kwargs)
        return seen["tr"]

    def water(early):
        seen["early"] = replace(early, coords=dict(early.coords), data=dict(early.data), attrs=dict(early.attrs))
        return seen["parts"].__setitem__

    monkeypatch.setattr(steps, "transport", kept)
    monkeypatch.setattr(transport, "TRANSPORT_THREADS", threads)
    b = Basin.load(basins_dir() / "miyun" / "basin.toml")
    res = run_watershed(b, b.settings.start, end or b.settings.end, on_water=water)
    water_tracer = "section_transfer_discharge" in res.data
    assert water_tracer == (end is None)  # the transfers start after the two years
    before = _named_at_once(seen["early"], seen["tr"], list(b.constituents), len(res.coords["source"]),
                            water_tracer, len(b.network.reservoirs))
    assert set(res.data) == set(before.data)
    for name, values in before.data.items():
        got = res.data[name]
        assert got.dtype == values.dtype and got.shape == values.shape, name
        assert np.ascontiguousarray(got).tobytes() == np.ascontiguousarray(values).tobytes(), name
    # each output given once: the groups in the order of their size (the transferred water's tracer,
    # CODMn, TP, TN), each group's species before it; what it was given is what the results hold (the
    # same arrays: the file's parts are the results')
    order = ["codmn", "dp", "pp", "tp", "orgn", "nh3n", "no3n", "tn"]
    assert sorted(seen["parts"]) == list(range(len(order) + water_tracer))
    if water_tracer:
        assert set(seen["parts"][0].data) == {"section_transfer_discharge", "reservoir_transfer_share"}
    for rank, name in enumerate(order, start=water_tracer):
        assert f"{name}_load" in seen["parts"][rank].data and f"{name}_source_load" in seen["parts"][rank].data
    for part in seen["parts"].values():
        assert part.data and all(res.data[n] is v for n, v in part.data.items())
    rest = set(res.data) - set(seen["early"].data).union(*(p.data for p in seen["parts"].values()))
    assert rest == {"section_discharge", "transport_substeps"}
