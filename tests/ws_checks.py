"""Checks of whole-model properties on a watershed run's dataset, computed from the written
variables only (not from the model's own closure attributes).  Each returns a relative error."""

from __future__ import annotations

import numpy as np

K = 1e3 / 86400.0  # mm km2 d-1 -> m3 s-1
TERMS_IN = ("inflow", "lateral_load", "point_load", "dispersive_exchange")
TERMS_OUT = ("outflow", "removal", "withdrawal")


def _down(ds):
    d = dict(zip(ds.reach.values.tolist(), ds.reach_downstream.values.tolist(), strict=True))
    if "reservoir" in ds.dims:
        d.update(zip(ds.reservoir.values.tolist(), ds.reservoir_downstream.values.tolist(), strict=True))
    return d


AREAS = {}  # subbasin id -> km2 as written in the basin file (the coordinate is rounded to 1e-3 km2)


def lateral_runoff(ds, element):
    """m3/s of runoff of the subbasins draining to ``element`` (time,)."""
    sel = ds.subbasin_drains_to.values == element
    if not sel.any():
        return np.zeros(ds.sizes["time"])
    ids = ds.subbasin.values[sel].tolist()
    area = np.array([AREAS.get(i, a) for i, a in zip(ids, ds.subbasin_area.values[sel], strict=True)])
    q = ds.subbasin_runoff.values[:, sel] * area * K
    return q.sum(axis=1)


def reach_water_errors(ds, effluent=None):
    """Accumulated routing: every reach-day, discharge = inflow + runoff + transfer - withdrawal
    (+ effluent).  Returns the worst |residual| / max(discharge, inputs)."""
    worst = 0.0
    for r in ds.reach.values.tolist():
        q_in = ds.reach_inflow.sel(reach=r).values
        q_out = ds.discharge.sel(reach=r).values
        lat = lateral_runoff(ds, r)
        tr = ds.reach_transfer_inflow.sel(reach=r).values if "reach_transfer_inflow" in ds else 0.0
        wd = ds.reach_withdrawal.sel(reach=r).values
        eff = 0.0 if effluent is None else effluent.get(r, 0.0)
        res = q_out - (q_in + lat + tr + eff - wd)
        scale = max(np.abs(q_in).max(), np.abs(lat).max(), np.abs(q_out).max(), 1e-12)
        worst = max(worst, float(np.abs(res).max() / scale))
    return worst


def junction_errors(ds):
    """A reach's inflow is what its upstream reaches and reservoirs let out (accumulated flows)."""
    down = _down(ds)
    worst = 0.0
    for r in ds.reach.values.tolist():
        ups = [u for u, d in down.items() if d == r]
        got = ds.reach_inflow.sel(reach=r).values
        want = np.zeros_like(got)
        for u in ups:
            if u in ds.reach.values:
                want = want + ds.discharge.sel(reach=u).values
            else:
                want = want + ds.reservoir_release.sel(reservoir=u).values + ds.reservoir_spill.sel(reservoir=u).values
        scale = max(np.abs(got).max(), np.abs(want).max(), 1e-12)
        worst = max(worst, float(np.abs(got - want).max() / scale))
    return worst


def reservoir_water_errors(ds, initial_m3):
    """Storage change = (inflow - release - spill) * 86400 - net evaporation, day by day."""
    worst = 0.0
    if "reservoir" not in ds.dims:
        return 0.0
    for s in ds.reservoir.values.tolist():
        S = ds.reservoir_storage.sel(reservoir=s).values
        prev = np.concatenate([[initial_m3[s]], S[:-1]])
        flux = (ds.reservoir_inflow.sel(reservoir=s).values - ds.reservoir_release.sel(reservoir=s).values
                - ds.reservoir_spill.sel(reservoir=s).values) * 86400.0 \
            - ds.reservoir_evaporation.sel(reservoir=s).values
        res = (S - prev) - flux
        scale = max(np.abs(S).max(), 1.0)
        worst = max(worst, float(np.abs(res).max() / scale))
    return worst


def reservoir_inflow_parts(ds):
    """A reservoir's inflow is its upstream elements' outflow + its transfer inflow + at most its
    shore subbasins' runoff (less the runoff on the lake's surface).  Returns (worst excess below,
    worst excess above) relative to the inflow scale."""
    down = _down(ds)
    lo = hi = 0.0
    if "reservoir" not in ds.dims:
        return 0.0, 0.0
    for s in ds.reservoir.values.tolist():
        ups = [u for u, d in down.items() if d == s]
        base = sum((ds.discharge.sel(reach=u).values for u in ups if u in ds.reach.values), np.zeros(ds.sizes["time"]))
        tr = ds.reservoir_transfer_inflow.sel(reservoir=s).values if "reservoir_transfer_inflow" in ds else 0.0
        shore = lateral_runoff(ds, s)
        got = ds.reservoir_inflow.sel(reservoir=s).values
        scale = max(np.abs(got).max(), 1e-12)
        lo = max(lo, float(np.max((base + tr) - got) / scale))
        hi = max(hi, float(np.max(got - (base + tr + shore)) / scale))
    return lo, hi


def budget_closure(ds):
    worst = 0.0
    for v in ("tn_budget_reach", "tn_budget_reservoir"):
        if v not in ds:
            continue
        b = ds[v]

        def g(t, b=b):
            return b.sel(budget_term=t).values

        r = g("storage_end") - g("storage_start") - sum(g(t) for t in TERMS_IN) + sum(g(t) for t in TERMS_OUT)
        scale = np.maximum(np.abs(b.values).max(axis=-1), 1e-300)
        worst = max(worst, float(np.max(np.abs(r) / scale)))
    return worst


def budget_links(ds):
    """A reach's budget inflow equals the outflow terms of its upstream elements; a reservoir's too."""
    down = _down(ds)
    scale = float(np.abs(ds.tn_budget_reach).max())
    worst = 0.0
    for el, kind in [(r, "reach") for r in ds.reach.values.tolist()] + (
            [(s, "reservoir") for s in ds.reservoir.values.tolist()] if "reservoir" in ds.dims else []):
        ups = [u for u, d in down.items() if d == el]
        if not ups:
            continue
        out = 0.0
        for u in ups:
            b = ds.tn_budget_reach.sel(reach=u) if u in ds.reach.values else ds.tn_budget_reservoir.sel(reservoir=u)
            out = out + b.sel(budget_term="outflow").values
        mine = (ds.tn_budget_reach.sel(reach=el) if kind == "reach" else ds.tn_budget_reservoir.sel(reservoir=el))
        worst = max(worst, float(np.abs(mine.sel(budget_term="inflow").values - out).max() / scale))
    return worst


def basin_tn_inputs(ds):
    """The budgets' lateral and point loads over the run = the subbasins' delivered N + the
    transferred TN (kg).  Returns (booked, delivered)."""
    booked = float(ds.tn_budget_reach.sel(budget_term=["lateral_load", "point_load"]).sum())
    if "tn_budget_reservoir" in ds:
        booked += float(ds.tn_budget_reservoir.sel(budget_term=["lateral_load", "point_load"]).sum())
    delivered = float(ds.subbasin_tn_source_input.sum())
    for v in ("reach_transfer_tn_load", "reservoir_transfer_tn_load"):
        if v in ds:
            delivered += float(ds[v].sum())
    return booked, delivered


def concentrations(ds, with_reservoirs=True):
    out = [ds.tn_concentration.values, ds.section_tn_concentration.values]
    if with_reservoirs and "reservoir_tn_concentration" in ds:
        out.append(ds.reservoir_tn_concentration.values)
    return out
