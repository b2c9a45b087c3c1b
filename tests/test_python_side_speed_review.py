"""Python-side copies of a watershed run (issue 14): what the run no longer copies, to the bit.

``hydro.tracers.split_results`` adds a constituent's species tag by tag on a view of the transport
result instead of a copy of every field reordered tag-major (Miyun: about 90 MB of TN's and TP's
tracers), and ``hydro.transport``'s lanes compute the removal rates of their own tracers instead of
taking them out of a (D, R, T) array of every tracer's.  The tests pin both, and that every number
is the one the copies gave.
"""

from __future__ import annotations

import dataclasses
import tracemalloc

import numpy as np
from test_transport import random_case

from hydro import transport_args, transport_run
from hydro.constituents import Constituent, tracer_layout
from hydro.tracers import _SHARED, concat, select, split_results, sum_tracers
from hydro.transport import TransportInputs, TransportResult, simulate

TN = Constituent("tn", "total nitrogen", species=(
    Constituent("orgn", "organic N", river_removal_per_day=0.05), Constituent("nh3n", "ammonia N", river_theta=1.02),
    Constituent("no3n", "nitrate N", river_removal_per_day=0.1)))
TP = Constituent("tp", "total phosphorus",
                 species=(Constituent("dp", "dissolved P"), Constituent("pp", "particulate P")))
COD = Constituent("codmn", "CODMn", river_removal_per_day=0.15)


def fake_result(n_tr: int, n_day: int = 400, seed: int = 0) -> TransportResult:
    """A transport result of random values spread over 12 orders of magnitude (so that the order
    of additions shows in the last bits)."""
    rng = np.random.default_rng(seed)
    r, k, s, p, n = 5, 3, 2, 3, 20

    def rand(*shape):
        return rng.standard_normal(shape) * 10.0 ** rng.uniform(-6, 6, shape)

    return TransportResult(
        reach_load=rand(n_day, r, n_tr), reach_concentration=rand(n_day, r, n_tr), section_discharge=rand(n_day, k),
        section_load=rand(n_day, k, n_tr), section_concentration=rand(n_day, k, n_tr),
        reservoir_concentration=rand(n_day, s, n_tr), reservoir_outflow_load=rand(n_day, s, n_tr),
        budget_reach=rand(p, r, 7, n_tr), budget_reservoir=rand(p, s, 7, n_tr), storage_reach=rand(p + 1, r, n_tr),
        storage_reservoir=rand(p + 1, s, n_tr), substeps=np.ones(n_day, dtype=np.int64),
        final_concentration=rand(n, n_tr), final_inlet_debt=rand(r, n_tr))


def split_by_reordered_copy(tr, constituents, n_tag):
    """split_results as it was: each constituent's species reordered tag-major (a copy of every
    field), then summed in blocks of its species."""
    names, by_source, start = [], {}, 0
    for c in constituents:
        n_part = len(c.parts)
        block = select(tr, slice(start, start + n_part * n_tag))
        if c.species:
            order = np.arange(n_part * n_tag).reshape(n_part, n_tag).T.ravel()
            shared = _SHARED  # the fields without a tracer axis, as select() keeps them
            fields = {f.name: getattr(block, f.name) if f.name in shared else getattr(block, f.name)[..., order]
                      for f in dataclasses.fields(block)}
            by_source[c.name] = sum_tracers(type(block)(**fields), n_part)
            names.append(c.name)
            for s, sp in enumerate(c.species):
                by_source[sp.name] = select(block, slice(s * n_tag, (s + 1) * n_tag))
                names.append(sp.name)
        else:
            by_source[c.name] = block
            names.append(c.name)
        start += n_part * n_tag
    return concat([sum_tracers(by_source[n], n_tag) for n in names]), by_source


ARRAYS = [f.name for f in dataclasses.fields(TransportResult) if f.name not in ("raised_reaches", "start_water",
                                                                                 "local_steps")]


def test_species_are_added_as_the_reordered_copy_added_them_to_the_bit():
    for n_tag in (1, 2, 8, 9):
        constituents = [TN, TP, COD]
        tr = fake_result(6 * n_tag, seed=n_tag)
        total, by_source = split_by_reordered_copy(tr, constituents, n_tag)
        named = split_results(tr, constituents, n_tag)
        for name in ARRAYS:
            assert np.array_equal(getattr(named.total, name), getattr(total, name)), (n_tag, name)
            for part, ref in by_source.items():
                assert np.array_equal(getattr(named.by_source[part], name), getattr(ref, name)), (n_tag, part, name)


def test_the_data_would_show_another_order_of_additions():
    # the test above can fail: the constituent's total summed over contiguous tags (another layout
    # of the species' sums, numpy's pairwise order) differs in the last bits on these values
    n_tag = 8
    tr = fake_result(3 * n_tag, seed=3)
    whole = tr.reach_load.reshape(tr.reach_load.shape[:-1] + (3, n_tag)).sum(axis=-2)
    named = split_results(tr, [TN], n_tag)
    assert not np.array_equal(np.ascontiguousarray(whole).sum(axis=-1), named.total.reach_load[..., 0])


def test_split_results_makes_no_reordered_copy_of_a_constituent():
    # Before: a copy of every field of TN's 3 x 8 tracers, then their sums: a peak of 1.33 times
    # the block's bytes.  Now: the species' sums (a third of it), the totals and what numpy keeps
    # while adding: 0.67.  The block's bytes separate the two with room on both sides.
    n_tag = 8
    tr = fake_result(3 * n_tag, n_day=3000)
    block = sum(getattr(tr, name).nbytes for name in ARRAYS if name not in ("section_discharge", "substeps"))
    tracemalloc.start()
    try:
        split_results(tr, [TN], n_tag)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < block, f"split_results allocated {peak} bytes; TN's tracers take {block}"


def lanes_case():
    """TN (3 species), TP (2) and CODMn from 2 sources, and a tracer of its own: groups of 6, 4, 2
    and 1 tracers, which run in the lanes [0, 3] and [1, 2] (not neighbours: Miyun's case)."""
    lay = tracer_layout([TN, TP, COD], ["s0", "s1"])
    tracers = list(lay.tracers) + [Constituent("w", "water", river_removal_per_day=0.01)]
    net, _, kw = random_case(7, 6, n_tracer=len(tracers))
    return net, tracers, kw, dict(groups=list(lay.groups) + [1], group_species=list(lay.group_species) + [1],
                                  reactions=lay.reactions)


def test_lanes_compute_only_their_own_tracers_rates_and_give_one_threads_results(monkeypatch):
    net, tracers, kw, grouping = lanes_case()
    assert transport_args.lanes(grouping["groups"], 2) == [[0, 3], [1, 2]]
    one = simulate(net, tracers, TransportInputs(**kw), threads=1, **grouping)
    asked = []
    real = transport_run.rates_at  # the lanes' (hydro.transport_run)

    def counting(lane_tracers, *args):
        asked.append(len(lane_tracers))
        return real(lane_tracers, *args)

    monkeypatch.setattr(transport_run, "rates_at", counting)
    two = simulate(net, tracers, TransportInputs(**kw), threads=2, **grouping)
    # before: the removal of all 13 tracers at once, each lane taking its own out of them
    assert sorted(asked) == [0, 6, 7], asked
    for name in ARRAYS:
        assert np.array_equal(getattr(one, name), getattr(two, name)), name


def test_tracer_inputs_lays_loads_out_in_the_tracers_own_columns():
    # Before: each part's reach loads were summed into an array of their own, (D, R, tags), then
    # copied into the tracers' columns: with one part, a second array of the lateral loads' size
    # (a peak of 2.1 of them).  Now they are summed in place: the arrays returned and small ones
    # (1.1), so 1.5 separates the two with room on both sides.
    from types import SimpleNamespace

    from hydro.sources import SOURCE_NAMES
    from hydro.tracers import PartLoads, tracer_inputs

    n_day, n_reach = 2000, 60
    net = SimpleNamespace(reaches=[None] * n_reach, reservoirs=[], layout=SimpleNamespace(n_cells=n_reach),
                          reach_index=lambda r: r, reservoir_index=lambda s: s)
    subbasins = [SimpleNamespace(reach=r, reservoir=None) for r in (0, 5, 5)]
    rng = np.random.default_rng(2)
    part = PartLoads(name="tn", diffuse=rng.uniform(0, 9, (n_day, 3, len(SOURCE_NAMES))),
                     point=rng.uniform(0, 9, (n_day, 1)), transfer_reservoir=np.zeros((n_day, 0)),
                     transfer_reach=np.zeros((n_day, n_reach)), init_river=0.0, init_reservoir=np.zeros(0))
    tn = Constituent("tn", "total nitrogen")
    tracemalloc.start()
    try:
        tin = tracer_inputs(net, subbasins, [tn], [part], list(SOURCE_NAMES), True, n_day, 1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    lateral = tin.lateral_load.nbytes
    assert peak < 1.5 * lateral, f"tracer_inputs allocated {peak} bytes; the lateral loads take {lateral}"
    # and the loads are those of the subbasins draining to each reach, in g/s, but the point sources'
    expected = np.zeros((n_day, n_reach, len(SOURCE_NAMES)))
    expected[:, 0] += part.diffuse[:, 0]
    expected[:, 5] += part.diffuse[:, 1]
    expected[:, 5] += part.diffuse[:, 2]
    expected[:, :, SOURCE_NAMES.index("point")] = 0.0
    expected *= 1000.0 / 86400.0
    assert np.array_equal(tin.lateral_load, expected)


def test_lanes_take_no_copy_of_inputs_that_are_all_zero_and_keep_a_negative_zero(monkeypatch):
    # A watershed's boundary inflows are zeros, (D, R, T) twice: a lane gets fresh zeros for them
    # (no pages written) rather than a copy.  An input holding a -0.0 is still copied (the zero's
    # sign is the caller's), and either way the lanes compute one thread's numbers.
    from hydro import _transport_kernels as kernels

    net, tracers, kw, grouping = lanes_case()
    kw["boundary_flux"] = np.zeros_like(kw["boundary_flux"])
    kw["boundary_conc"] = np.zeros_like(kw["boundary_conc"])
    kw["boundary_conc"][1, 0, 4] = -0.0
    one = simulate(net, tracers, TransportInputs(**kw), threads=1, **grouping)
    taken, loads, real_take, real_kernel = [], [], np.take, kernels.simulate_kernel

    def take(a, *args, **kwargs):
        taken.append(a)
        return real_take(a, *args, **kwargs)

    def kernel(*args):
        loads.append(args[3])  # KernelLoads
        return real_kernel(*args)

    monkeypatch.setattr(transport_run, "np", type("numpy_counting_takes", (), {
        "take": staticmethod(take), "__getattr__": lambda self, name: getattr(np, name)})())
    monkeypatch.setattr(kernels, "simulate_kernel", kernel)
    two = simulate(net, tracers, TransportInputs(**kw), threads=2, **grouping)
    assert not any(not a.any() and not np.signbit(a).any() for a in taken), "an input of +0.0 only was copied"
    assert sum(a is kw["boundary_conc"] for a in taken) == 2  # each lane's copy of it (the -0.0)
    lane_of_4 = next(lo for lo in loads if lo.boundary_conc.shape[-1] == 7)  # lane [0, 3]: tracers 0-5, 12
    assert np.signbit(lane_of_4.boundary_conc[1, 0, 4])
    for name in ARRAYS:
        assert np.array_equal(getattr(one, name), getattr(two, name)), name
