"""Small transport problems with known answers, shared by validation cases, tests and benchmarks.

Each builder returns a :class:`~hydro.network.Network` and
:class:`~hydro.transport.TransportInputs` in SI units, so that the analytical
solutions in :mod:`hydro.validation.analytical` can be compared with exactly the
solver users run.
"""

from __future__ import annotations

import numpy as np

from hydro.network import Network, Reach, Reservoir
from hydro.transport import TransportInputs
from hydro.units import SECONDS_PER_DAY


def uniform_reach(length_m: float, n_cells: int, velocity_m_s: float, dispersion_m2_s: float,
                  rid: str = "reach", downstream: str | None = None) -> Reach:
    """A prismatic reach: constant velocity (velocity exponent 0) at any discharge."""
    return Reach(id=rid, name=rid, length_m=length_m, downstream=downstream,
                 velocity_coeff=velocity_m_s, velocity_exp=0.0, width_coeff=10.0, width_exp=0.0,
                 dispersion_m2_s=dispersion_m2_s, n_cells=n_cells)


def empty_inputs(network: Network, n_day: int, n_tracer: int, q_in: np.ndarray,
                 q_out: np.ndarray | None = None, n_point: int = 0) -> dict:
    """Keyword arguments of :class:`TransportInputs` with no loads, 20 deg C, zero initial state.

    Callers replace the entries their problem needs and build ``TransportInputs(**kw)``.
    """
    n_reach = len(network.reaches)
    n_res = len(network.reservoirs)
    q_in = np.broadcast_to(np.asarray(q_in, dtype=float), (n_day, n_reach)).copy()
    q_out = q_in.copy() if q_out is None else np.broadcast_to(q_out, (n_day, n_reach)).copy()
    return dict(
        q_in=q_in, q_out=q_out,
        res_volume=np.ones((n_day + 1, n_res)), res_outflow=np.zeros((n_day, n_res)),
        res_area=np.zeros((n_day, n_res)),
        boundary_flux=np.zeros((n_day, n_reach, n_tracer)),
        boundary_conc=np.zeros((n_day, n_reach, n_tracer)),
        dispersive_inlet=np.zeros(n_reach, dtype=bool),
        lateral_load=np.zeros((n_day, n_reach, n_tracer)),
        point_cell=np.zeros(n_point, dtype=np.int64), point_load=np.zeros((n_day, n_point, n_tracer)),
        res_load=np.zeros((n_day, n_res, n_tracer)),
        reach_temp=np.full((n_day, n_reach), 20.0), res_temp=np.full((n_day, n_res), 20.0),
        init_conc=np.zeros((network.layout.n_cells, n_tracer)),
        init_res_conc=np.zeros((n_res, n_tracer)),
        period_of_day=np.zeros(n_day, dtype=np.int64),
    )


def single_reach_problem(length_m: float, n_cells: int, velocity_m_s: float, dispersion_m2_s: float,
                         n_day: int, discharge_m3_s: float = 10.0):
    """One uniform reach with constant flow; returns (network, inputs keyword dict)."""
    net = Network((uniform_reach(length_m, n_cells, velocity_m_s, dispersion_m2_s),))
    return net, empty_inputs(net, n_day, 1, discharge_m3_s)


def mixed_tank_problem(volume_m3: float, area_m2: float, flow_m3_s: float, c_in: float, n_day: int):
    """A reservoir fed by local inflow at ``c_in`` and releasing the same flow, so its volume stays put.

    Returns (network, inputs keyword dict).
    """
    res = Reservoir(id="tank", name="tank", downstream="below",
                    level_m=(0.0, 100.0), area_m2=(area_m2, area_m2),
                    storage_m3=(0.0, 100.0 * area_m2), full_supply_level_m=100.0,
                    dead_storage_m3=0.0, initial_storage_m3=volume_m3,
                    target_release_m3_s=(flow_m3_s,) * 12, ecological_min_m3_s=0.0)
    net = Network((uniform_reach(1000.0, 1, 0.5, 0.0, rid="below"),), (res,))
    kw = empty_inputs(net, n_day, 1, flow_m3_s)
    kw["res_volume"] = np.full((n_day + 1, 1), volume_m3)
    kw["res_outflow"] = np.full((n_day, 1), flow_m3_s)
    kw["res_area"] = np.full((n_day, 1), area_m2)
    kw["res_load"] = np.full((n_day, 1, 1), flow_m3_s * c_in)
    return net, kw


def varying_case(seed: int, n_reach: int, n_day: int, *, reservoir: bool = True, withdrawals: bool = True,
                 storage: bool = True, dispersion: bool = True, sigma: float = 0.5):
    """A random tree whose water balances close every day, element by element.

    Reach flows vary from day to day by a log-normal factor of spread ``sigma``;
    each reach stores or releases water (``q_out = q_in + lateral - dS/dt``),
    some reaches lose water to withdrawals, and the reservoir's volume follows
    its own balance (inflow minus release).  Returns (network, inputs keyword
    dict, gross lateral inflow water (D, R), local reservoir inflow (D, S)).
    """
    rng = np.random.default_rng(seed)
    ids = [f"r{i}" for i in range(n_reach)]
    res_at = int(rng.integers(0, n_reach - 1)) if reservoir and n_reach > 1 else -1
    reaches, res = [], []
    for i in range(n_reach):
        if i == n_reach - 1:
            down = None
        else:
            down = "lake" if i == res_at else ids[int(rng.integers(i + 1, min(n_reach, i + 3)))]
        reaches.append(Reach(id=ids[i], name=ids[i], length_m=float(rng.uniform(1e3, 3e4)), downstream=down,
                             velocity_coeff=float(rng.uniform(0.1, 0.6)), velocity_exp=float(rng.uniform(0, 0.5)),
                             width_coeff=5.0, width_exp=0.4,
                             dispersion_m2_s=float(rng.uniform(0, 60)) if dispersion else 0.0,
                             n_cells=int(rng.integers(1, 7))))
    if res_at >= 0:
        below = ids[int(rng.integers(res_at + 1, n_reach))]
        res.append(Reservoir(id="lake", name="lake", downstream=below, level_m=(0.0, 50.0),
                             area_m2=(1e5, 2e6), storage_m3=(0.0, 5e7), full_supply_level_m=45.0,
                             dead_storage_m3=0.0, initial_storage_m3=2e6,
                             target_release_m3_s=(1.0,) * 12, ecological_min_m3_s=0.0))
    net = Network(tuple(reaches), tuple(res))
    lay = net.layout
    factor = np.exp(sigma * rng.standard_normal((n_day, n_reach)))
    gross = rng.uniform(0.05, 3.0, (1, n_reach)) * factor  # lateral inflow water, m3/s
    withdrawal = np.zeros((n_day, n_reach))
    if withdrawals:
        withdrawal[:, rng.random(n_reach) < 0.4] = 1.0
    boundary = np.where(lay.headwater, rng.uniform(0.2, 4.0, (1, n_reach)) * factor, 0.0)
    local = rng.uniform(0.0, 2.0, (n_day, len(res)))
    release = rng.uniform(0.5, 3.0, (n_day, len(res)))
    q_in = np.zeros((n_day, n_reach))
    q_out = np.zeros((n_day, n_reach))
    net_lat = np.zeros((n_day, n_reach))
    res_volume = np.full((n_day + 1, len(res)), 2e6)
    for d in range(n_day):
        into = boundary[d].copy()
        res_in = local[d].copy()
        for kind, j in lay.order:
            if kind == 1:
                q_in[d, j] = into[j]
                avail = into[j] + gross[d, j]
                withdrawal[d, j] *= 0.3 * avail  # a share of what is there
                # storage change: up to a fifth of what the reach holds, in or out, a day
                held = reaches[j].length_m * float(reaches[j].cross_section_m2(avail))
                ds = rng.uniform(-0.2, 0.2) * held / SECONDS_PER_DAY if storage else 0.0
                net_lat[d, j] = gross[d, j] - withdrawal[d, j]
                # a reach stores at most 90 % of what passes it that day, so its outflow stays > 0
                # (a long, wide reach with little flow drew more than that: seed 215, 13 reaches)
                ds = min(ds, 0.9 * (into[j] + net_lat[d, j]))
                q_out[d, j] = into[j] + net_lat[d, j] - ds
                if lay.reach_down_kind[j] == 1:
                    into[lay.reach_down_index[j]] += q_out[d, j]
                elif lay.reach_down_kind[j] == 2:
                    res_in[lay.reach_down_index[j]] += q_out[d, j]
            else:
                res_volume[d + 1, j] = res_volume[d, j] + SECONDS_PER_DAY * (res_in[j] - release[d, j])
                into[lay.res_down_index[j]] += release[d, j]
    kw = empty_inputs(net, n_day, 1, q_in, q_out)
    kw["lateral"] = net_lat
    kw["withdrawal"] = withdrawal
    if res:
        kw["res_volume"] = res_volume
        kw["res_outflow"] = release
        kw["res_area"] = np.full((n_day, 1), 1.5e6)
    return net, kw, gross, local, boundary


def uniform_inputs(kw, gross, local, boundary, c0=1.0):
    """Every input and the initial state at concentration ``c0`` (g m-3)."""
    kw = dict(kw)
    n_day, n_reach = kw["q_in"].shape
    kw["init_conc"] = np.full_like(kw["init_conc"], c0)
    kw["init_res_conc"] = np.full_like(kw["init_res_conc"], c0)
    kw["lateral_load"] = (c0 * gross)[:, :, None]
    kw["boundary_flux"] = (c0 * boundary)[:, :, None]
    kw["boundary_conc"] = np.full((n_day, n_reach, 1), c0)
    kw["res_load"] = (c0 * local)[:, :, None]
    return kw


def ranged_inputs(net, kw, gross, local, boundary, rng, lo: float, hi: float) -> dict:
    """Inputs of :func:`varying_case` with every concentration drawn in [lo, hi] (g m-3).

    Initial, lateral, boundary and reservoir inputs each get their own random
    concentration; half the headwaters hold a concentration inlet.  With these,
    no concentration of a run may leave [lo, hi] (the discrete maximum principle).
    """
    kw = uniform_inputs(kw, gross, local, boundary)
    kw["init_conc"] = rng.uniform(lo, hi, kw["init_conc"].shape)
    kw["init_res_conc"] = rng.uniform(lo, hi, kw["init_res_conc"].shape)
    kw["lateral_load"] = kw["lateral_load"] * rng.uniform(lo, hi, kw["lateral_load"].shape)
    kw["boundary_conc"] = rng.uniform(lo, hi, kw["boundary_conc"].shape)
    kw["boundary_flux"] = kw["boundary_flux"] * kw["boundary_conc"]
    kw["res_load"] = kw["res_load"] * rng.uniform(lo, hi, kw["res_load"].shape)
    kw["dispersive_inlet"] = net.layout.headwater & (rng.random(len(net.reaches)) < 0.5)
    return kw

def build(kw: dict) -> TransportInputs:
    """The :class:`TransportInputs` for a keyword dict from the builders above."""
    return TransportInputs(**kw)


# the synthetic benchmark watershed lives in its own module; imported here, where its callers find it
from hydro.validation.synthetic_basin import synthetic_watershed as synthetic_watershed  # noqa: E402
