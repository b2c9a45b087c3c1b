"""Accumulated flows (:func:`hydro.hydraulics.accumulate`) continuing a run: the reservoirs start
at the volumes a run ended with, as a run in time blocks needs (:mod:`hydro.blocked`)."""

from __future__ import annotations

import numpy as np


def accumulated_from(network, lateral, res_local, res_evap_mm, res_precip_mm, months, target_release=None,
                     res_volume=None):
    """:func:`hydro.hydraulics.accumulate` without boundary inflow, its reservoirs starting at
    ``res_volume`` (m3; None: their initial storage): the same kernel on the same arrays, so a
    run continued from the volumes a run ended with equals one run bit for bit.

    Returns
    -------
    hydro.hydraulics.Hydraulics
    """
    from hydro import _hydraulics_kernels as _k
    from hydro.hydraulics import Hydraulics, reservoir_arrays

    lay = network.layout
    lateral = np.ascontiguousarray(lateral, dtype=float)
    n_day, n_reach = lateral.shape
    n_res = len(network.reservoirs)
    arrays = reservoir_arrays(network, months, target_release)
    if res_volume is not None:
        arrays["v0"] = np.array(res_volume, dtype=float)
    q_in, q_out = np.zeros((n_day, n_reach)), np.zeros((n_day, n_reach))
    volume = np.zeros((n_day + 1, n_res))
    release, spill, inflow, evaporated, area = (np.zeros((n_day, n_res)) for _ in range(5))
    f64 = np.ascontiguousarray
    _k.accumulate_flows(
        np.array([k for k, _ in lay.order], dtype=np.int64), np.array([i for _, i in lay.order], dtype=np.int64),
        lay.reach_down_kind, lay.reach_down_index, lay.res_down_kind, lay.res_down_index,
        lateral, np.zeros((n_day, n_reach)), f64(res_local, dtype=float), f64(res_evap_mm, dtype=float),
        f64(res_precip_mm, dtype=float), arrays["target"], arrays["eco_min"], arrays["dead"], arrays["full"],
        arrays["v0"], arrays["curve_offset"], arrays["curve_storage"], arrays["curve_area"],
        q_in, q_out, volume, release, spill, inflow, evaporated, area)
    level = np.column_stack([r.level_at(volume[:-1, s]) for s, r in enumerate(network.reservoirs)]) \
        if n_res else np.zeros((n_day, 0))
    return Hydraulics(q_in=q_in, q_out=q_out, lateral=lateral, res_volume=volume, res_inflow=inflow,
                      res_release=release, res_spill=spill, res_local_inflow=f64(res_local, dtype=float),
                      res_evaporated=evaporated, res_area=area, res_level=level)
