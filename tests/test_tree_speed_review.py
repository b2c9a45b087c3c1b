"""Tree speed review (issue 11, "Speed"): what the tree's speed-ups rest on, each the same to the bit.

A sub-step on a tree loaded and stored more values per slot than the same numerics on one channel
(``docs/solver.md``, *Where a tree's time goes*).  Now ``advect`` leaves the concentrations unstored
where ``disperse`` follows (which computes ``m / V`` where it reads it, the same product), a group
of several tags takes each tag's share of the fluxes in the update's pass (``advect_shares``), the
flux inlets' bookings of a dispersion step are made inside ``disperse`` and the cells' geometric
volumes are computed for all power-law reaches at once.  These tests check that each gives what the
code before it gave, operation for operation; timings belong to ``benchmarks/transport.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro import _transport_kernels as K
from hydro import transport_volumes
from hydro.channel import Channel
from hydro.network import Network, Reach
from hydro.units import SECONDS_PER_DAY


def _case(seed: int = 5, n: int = 30, n_tag: int = 3):
    rng = np.random.default_rng(seed)
    return rng, {
        "mass": rng.uniform(0.0, 5e3, (n_tag, n)),
        "inv_v": np.where(np.arange(n) % 10 == 0, 0.0, 1.0 / rng.uniform(1e3, 5e3, n)),  # ghosts: 0
    }


def test_disperse_reads_concentrations_as_mass_over_volume():
    # advect no longer stores c before disperse: disperse must not read c (rows full of NaN here)
    # and must give what it gave with c = m / V stored, to the bit (the old kernel read c and
    # returned NaN)
    rng, kw = _case()
    n_tag, n = kw["mass"].shape
    mass, inv_v = kw["mass"], kw["inv_v"]
    cond = rng.uniform(0.0, 0.5, n)
    cond[np.arange(n) % 10 == 9] = 0.0  # no face into a ghost
    cond[np.arange(n) % 10 == 0] = 0.0
    sj_a, sj_b = np.array([8, 18]), np.array([11, 11])  # two side junctions into one slot
    sj_cond = np.array([0.3, 0.2])
    head_slot = np.array([1, 21])
    h_cond = np.array([0.4, 0.0])

    def run(c):
        m = mass.copy()
        out = {"racc": np.zeros((n_tag, n)), "sj_acc": np.zeros((n_tag, 2)), "fj_acc": np.zeros((n_tag, 1)),
               "rr": np.zeros((n_tag, 2)), "r_prev": np.zeros((n_tag, 2)), "debt": np.ones((n_tag, 2)),
               "flux_acc": np.zeros((n_tag, n)), "sec_acc": np.zeros((n_tag, 2))}
        empty = np.zeros(0, dtype=np.int64)
        sections = (np.array([1, 2]), np.array([0, 1]), np.array([4, 0]))
        K.disperse(m, c, 0, n_tag, np.zeros(n), np.zeros(n), cond, 600.0, inv_v, np.full(n, 0.99), out["racc"],
                   sj_a, sj_b, sj_cond, out["sj_acc"], np.array([5]), out["fj_acc"], empty, empty, np.zeros(0),
                   np.zeros((1, 1, n_tag)), 0, np.zeros((n_tag, 1)), sections, out["sec_acc"], head_slot, h_cond,
                   np.full((n_tag, 2), 2.5), (out["rr"], out["r_prev"], out["debt"], out["flux_acc"]),
                   np.zeros(n_tag, np.bool_))
        return m, c, out

    m_new, c_new, new = run(np.full((n_tag, n), np.nan))
    m_old, c_old, old = run(mass * inv_v)
    assert np.array_equal(m_new, m_old)
    assert np.array_equal(c_new[:, 1:-1], c_old[:, 1:-1])
    for key in old:
        assert np.array_equal(new[key], old[key]), key
    # the flux inlet's bookings: its mass of the step, as inflow at its ghost (slot 0), none elsewhere
    assert np.all(new["r_prev"][:, 0] > 0.0) and np.all(new["r_prev"][:, 1] == 0.0)
    assert np.array_equal(new["flux_acc"][:, 0], new["r_prev"][:, 0])
    assert np.array_equal(new["debt"], 1.0 + new["r_prev"])


@pytest.mark.parametrize("withdrawing", [False, True])
def test_advect_shares_is_advect_of_each_tags_share(withdrawing):
    # a group's update with each tag's flux share taken in the pass gives advect's masses and bookings
    rng, kw = _case(7)
    n_tag, n = kw["mass"].shape
    c = rng.uniform(0.0, 3.0, (n_tag, n))
    fa = rng.uniform(0.0, 20.0, n)
    fa[np.arange(n) % 10 == 0] = 0.0
    lat = rng.uniform(0.0, 2.0, (n_tag, n))
    wdraw = rng.uniform(0.0, 0.3, n) * (np.arange(n) % 10 != 0)
    ghost_up = np.array([0, 10, 20])
    inflow = rng.uniform(0.0, 5.0, (n_tag, 3))
    s_used = rng.uniform(0.0, 50.0, (n_tag, 3))
    side = (np.array([9]), np.array([21]), np.array([2]))
    acc_slots = np.array([0, 4, 9, 10, 19, 20])
    tau = 450.0

    def books():
        return np.zeros((n_tag, 3)), np.zeros((n_tag, n)), np.zeros((n_tag, n))

    m_ref, c_ref = kw["mass"].copy(), c.copy()
    extra_ref, flux_ref, w_ref = books()
    K.advect(m_ref, c_ref, 0, n_tag, fa.copy(), np.zeros(n), inflow, s_used, tau, ghost_up, *side, extra_ref,
             acc_slots, flux_ref, withdrawing, wdraw, w_ref, False, np.ones(n), np.zeros((n_tag, n)), lat,
             kw["inv_v"], True)
    m_new, c_new = kw["mass"].copy(), c.copy()
    extra, flux, w = books()
    K.advect_shares(m_new, c_new, 0, n_tag, fa.copy(), inflow, s_used, tau, ghost_up, *side, extra, acc_slots, flux,
                    withdrawing, wdraw, w, lat, np.zeros(n_tag, np.bool_))
    real = np.arange(n) % 10 != 0  # ghost slots' masses are never read
    assert np.array_equal(m_new[:, real], m_ref[:, real])
    for got, want in ((extra, extra_ref), (flux, flux_ref), (w, w_ref)):
        assert np.array_equal(got, want)
    # (advect_shares leaves c to the dispersion that follows, but for the inlet ghosts)
    assert np.array_equal(c_new[:, real], c[:, real])


def test_geometric_volumes_take_power_law_reaches_at_once(monkeypatch):
    # the same volumes, to the bit, as each reach's cross_section_m2; only channels and the
    # exponents numpy's `**` treats apart (FAST_POWERS) still go one reach at a time
    rng = np.random.default_rng(3)
    channel = Channel("trapezoid", bottom_width_m=12.0, side_slope=2.0, manning_n=0.035, slope_m_per_m=0.001)
    reaches = []
    for i in range(8):
        down = f"r{i + 1}" if i < 7 else None
        extra = {"channel": channel} if i == 3 else {
            "velocity_coeff": float(rng.uniform(0.2, 0.4)), "width_coeff": 6.0, "width_exp": 0.45,
            "velocity_exp": 0.5 if i == 5 else float(rng.uniform(0.2, 0.4))}
        reaches.append(Reach(id=f"r{i}", name=f"r{i}", length_m=3000.0, downstream=down, dispersion_m2_s=10.0,
                             n_cells=int(rng.integers(1, 5)), **extra))
    net = Network(tuple(reaches))
    q_in = rng.uniform(0.0, 20.0, (6, 8))
    q_in[2, 1] = 0.0
    q_out = q_in * rng.uniform(0.5, 1.5, (6, 8))
    lay = net.layout
    want = np.empty((6, lay.n_cells))
    along = (np.arange(lay.n_cells) - np.repeat(lay.reach_cell_start[:-1], np.diff(lay.reach_cell_start)) + 0.5) \
        / np.repeat(np.diff(lay.reach_cell_start), np.diff(lay.reach_cell_start))
    q_cell = q_in[:, lay.cell_reach] + (q_out - q_in)[:, lay.cell_reach] * along
    for r, reach in enumerate(reaches):
        a, b = lay.reach_cell_start[r], lay.reach_cell_start[r + 1]
        want[:, a:b] = reach.cross_section_m2(np.maximum(q_cell[:, a:b], 0.0)) * lay.cell_dx[a:b]
    calls = []
    original = Reach.cross_section_m2

    def counted(self, q):
        calls.append(self.id)
        return original(self, q)

    monkeypatch.setattr(Reach, "cross_section_m2", counted)
    geometric, per_reach = transport_volumes.geometric_volumes(net, q_in, q_out)
    assert np.array_equal(geometric, want)
    assert np.array_equal(per_reach, np.add.reduceat(want, lay.reach_cell_start[:-1], axis=1))
    assert calls == ["r3", "r5"]  # was every reach, one call each


@pytest.mark.parametrize("seed", range(4))
def test_through_shares_are_each_reachs_running_sum_to_the_bit(seed):
    # taken cell position by cell position over every reach at once: the same additions in the same order as
    # np.cumsum over each reach's cells, and exactly 1 at every reach's last cell (reaches of one cell too)
    rng = np.random.default_rng(seed)
    n_cells = rng.integers(1, 9, 40)
    n_cells[:3] = 1
    start = np.concatenate([[0], np.cumsum(n_cells)]).astype(np.int64)
    share = rng.uniform(0.0, 1.0, start[-1]) * 10.0 ** rng.uniform(-3, 0, start[-1])
    want = np.empty_like(share)
    for r in range(len(n_cells)):
        a, b = start[r], start[r + 1]
        want[a:b] = np.cumsum(share[a:b])
        want[b - 1] = 1.0
    assert transport_volumes.through_shares(start, share).tobytes() == want.tobytes()


@pytest.mark.parametrize("n_day", [1, 63, 64, 65, 200])
def test_geometric_sums_by_chunks_of_days_add_the_days_in_order(n_day, monkeypatch):
    # a large network's days taken GEOMETRIC_CHUNK_DAYS at a time (bounded temporaries): each reach's volume on
    # every day to the bit of geometric_volumes on all the days at once, each cell's sum the days added in order
    # (to round-off numpy's sum, which a narrow array may take in another order); a small one unchanged
    rng = np.random.default_rng(n_day)
    reaches = [Reach(id=f"r{i}", name=f"r{i}", length_m=2000.0, downstream=f"r{i + 1}" if i < 5 else None,
                     dispersion_m2_s=5.0, n_cells=int(rng.integers(1, 6)), velocity_coeff=float(rng.uniform(0.2, 0.4)),
                     velocity_exp=float(rng.uniform(0.2, 0.4)), width_coeff=6.0, width_exp=0.45) for i in range(6)]
    net = Network(tuple(reaches))
    q_in = rng.uniform(0.0, 20.0, (n_day, 6)) * 10.0 ** rng.uniform(-3, 2, (n_day, 6))
    q_out = q_in * rng.uniform(0.5, 1.5, (n_day, 6))
    geometric, per_reach = transport_volumes.geometric_volumes(net, q_in, q_out)
    cell_sum, reach_days = transport_volumes.geometric_sums(net, q_in, q_out)
    assert cell_sum.tobytes() == geometric.sum(axis=0).tobytes()  # at once: numpy's own
    monkeypatch.setattr(transport_volumes, "GEOMETRIC_AT_ONCE", 0)
    cell_sum, reach_days = transport_volumes.geometric_sums(net, q_in, q_out)
    in_order = geometric[0].copy()
    for row in geometric[1:]:
        in_order += row
    assert cell_sum.tobytes() == in_order.tobytes()
    np.testing.assert_allclose(cell_sum, geometric.sum(axis=0), rtol=1e-14, atol=0)  # a few ulps
    assert reach_days.tobytes() == per_reach.tobytes()


@pytest.mark.parametrize("at_once", [None, 17 * 64, 1])
@pytest.mark.parametrize("n_day", [0, 1, 63, 64, 65, 200])
def test_running_volumes_by_blocks_of_days_are_the_sequential_sums_to_the_bit(n_day, at_once, monkeypatch):
    # the running volumes come GEOMETRIC_AT_ONCE values at a time (bounded temporaries: the dead-source check
    # and a block's end volumes never hold every day's): every row the day before's plus the day's change, as the
    # solver adds them, to the bit whatever the cut (one block; 64 days; a day); the end volumes are the last row
    n_reach, n_cell = 5, 17
    if at_once is not None:
        monkeypatch.setattr(transport_volumes, "GEOMETRIC_AT_ONCE", at_once)
    rng = np.random.default_rng(n_day)
    cell_reach = np.sort(np.concatenate([np.arange(n_reach), rng.integers(0, n_reach, n_cell - n_reach)]))
    share = rng.uniform(0.01, 1.0, n_cell)
    volume = rng.uniform(1e2, 1e6, n_cell)
    q_in, q_out, lateral = (rng.normal(0.0, 30.0, (n_day, n_reach)) for _ in range(3))
    want = [volume.copy()]
    for d in range(n_day):
        want.append(want[-1] + SECONDS_PER_DAY * ((q_in[d] - q_out[d] + lateral[d])[cell_reach] * share))
    got = transport_volumes.running_volumes(cell_reach, volume, share, q_in, q_out, lateral)
    assert got.shape == (n_day + 1, n_cell)
    assert got.tobytes() == np.array(want).tobytes()
    blocks = list(transport_volumes.running_volume_blocks(cell_reach, volume, share, q_in, q_out, lateral))
    assert max(len(b) for b in blocks) == (min(n_day, transport_volumes.GEOMETRIC_AT_ONCE // n_cell) or 1)
    reaches = [Reach(id=f"r{i}", name=f"r{i}", length_m=2000.0, downstream=f"r{i + 1}" if i < n_reach - 1 else None,
                     dispersion_m2_s=5.0, n_cells=int((cell_reach == i).sum()), velocity_coeff=0.3, velocity_exp=0.3,
                     width_coeff=6.0, width_exp=0.45) for i in range(n_reach)]
    end = transport_volumes.end_volumes(Network(tuple(reaches)), volume, share, q_in, q_out, lateral)
    assert end.tobytes() == want[-1].tobytes()

