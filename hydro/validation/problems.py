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


def uniform_reach(length_m: float, n_cells: int, velocity_m_s: float, dispersion_m2_s: float,
                  discharge_m3_s: float = 10.0, rid: str = "reach", downstream: str | None = None) -> Reach:
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
    net = Network((uniform_reach(length_m, n_cells, velocity_m_s, dispersion_m2_s, discharge_m3_s),))
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


def build(kw: dict) -> TransportInputs:
    """The :class:`TransportInputs` for a keyword dict from the builders above."""
    return TransportInputs(**kw)
