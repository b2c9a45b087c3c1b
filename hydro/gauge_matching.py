"""Flow-driven runs (``[run] flow_driven``): subbasin runoff scaled so that the flow at each
gauge equals its record, with the withdrawals above the gauge taken from the matched flows.

A gauge records what is left after the withdrawals above it, and a withdrawal that takes a
share of the water (``loss_share``, or ``flow_m3_s`` capped by ``max_share``) takes less when
the runoff is scaled down.  So the withdrawals cannot be fixed before the match: computed on
the simulated flows and then held while the runoff was scaled (as until 2026-12-01) they
took their share of flows much larger than the matched ones, and where the simulation was
too wet they took more than the matched reach carried ("no flow at its outlet").

The match is therefore solved with the withdrawals as functions of the scaled flow.  With
accumulated flows each day is steady, and a gauge's factor ``f`` scales only runoff that
reaches it without crossing a reservoir, so the flow at the gauge on a day, ``Q(f)``, depends
on that day's ``f`` alone.  Each request takes ``min(flow, share * A)`` of the water ``A``
available in its reach, leaving ``max(A - flow, (1 - share) * A)``: a convex, nondecreasing,
piecewise-linear function of ``A``.  Sums and compositions of such functions are such
functions, so ``Q(f)`` is convex, nondecreasing and piecewise linear, with slope between
``(1 - share)`` products of the free runoff's contribution and that contribution itself
(``q_free``).  Its root ``Q(f) = record`` is found per day by Newton's method (slope by a
forward difference), kept inside a bracket (bisection where a step leaves it):

* the first step is the match without withdrawals' response, ``f1 = (record - (Q(1) -
  q_free)) / q_free``; with no withdrawal above the gauge it is exact (and the only step,
  as before: a flow-driven run without withdrawals is unchanged to the bit);
* on one linear piece a Newton step lands on the root, and there are at most two pieces per
  request, so a few steps reach round-off; a fixed-point iteration (withdraw on the current
  flows, match, repeat) would converge only at the rate of the share withdrawn (0.9 per
  iteration for a ``max_share`` of 0.9 that binds).

Where the record is below what the factor cannot scale (``Q(0)``: effluent, transfers,
reservoir releases, runoff another gauge matched), ``f = 0`` as before.  A withdrawal that
asks more than its share of the matched water is cut, as in any run, to its share; results
carry what it took (``reach_withdrawal``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from hydro.basin import Basin
from hydro.runoff_model import RunoffResult
from hydro.units import MM_KM2_PER_DAY_TO_M3_S
from hydro.watershed import _lateral, land_area
from hydro.watershed_tables import Subbasin, Watershed
from hydro.withdrawal_requests import WithdrawalRequests, withdrawn_lateral

#: Newton steps per gauge at most: with at most two linear pieces per request a few reach
#: round-off; the rest are room for bisection (each halves the bracket: 60 pin it).
MAX_STEPS = 100
#: Relative forward step of the slope's difference quotient, and its floor (a factor near 0).
#: The slope only steers the step (the bracket keeps it safe): an error of ~1e-8 relative
#: (round-off 1e-16 over the step 1e-7) costs nothing but a step.
SLOPE_STEP, SLOPE_STEP_FLOOR = 1e-7, 1e-10
#: A day is matched when ``|Q - record| <= MATCH_TOL * (record + f * q_free)``: round-off of
#: the sums of the flows at the gauge before the withdrawals (at most ``record + f * q_free``
#: plus what cannot be scaled), a few hundred operations of 1e-16 each.
MATCH_TOL = 1e-13


def match_gauges(basin: Basin, ws: Watershed, runoff: RunoffResult, observed: np.ndarray,
                 reservoir_forcing: tuple, inflow: np.ndarray, res_extra: np.ndarray | None = None,
                 target_release: np.ndarray | None = None,
                 requests: WithdrawalRequests | None = None) -> RunoffResult:
    """Scale subbasin runoff so that accumulated flow at each gauge equals its record.

    Gauges are taken upstream first.  A gauge's daily factor ``f`` scales the runoff of the
    subbasins that drain to it without crossing a reservoir (whose releases follow rules,
    not inflow) and that no gauge further up has already matched, so that the flow at the
    gauge, after every withdrawal above it taken from the scaled flows, equals the record
    (the module's docstring says how ``f`` is found).  ``inflow`` (D, R) is the water that
    enters reaches unscaled (effluent, transfers), m3 s-1; ``reservoir_forcing`` is
    ``(evap_mm, precip_mm, calendar)`` of the run, as :func:`hydro.hydraulics.accumulate`
    takes them; ``res_extra`` (D, S) is water transferred into reservoirs and
    ``target_release`` the reservoirs' daily targets (:mod:`hydro.transfers`); ``requests``
    the run's withdrawals (:func:`hydro.withdrawal_requests.withdrawn_lateral` takes
    them, here and in the run).  Days without a record, or with no runoff to scale, keep
    ``f = 1``; where the record is below the flow that cannot be scaled, ``f = 0``.  With
    accumulation routing the flow at every gauge then equals its record on the other
    recorded days.
    """
    net = basin.network
    lay = net.layout
    area = np.array([s.area_km2 for s in ws.subbasins])
    order = {("r", i): k for k, (kind, i) in enumerate(lay.order) if kind == 1}

    def gauge_flow(scale: np.ndarray, cell: int) -> np.ndarray:
        """Flow (m3 s-1, per day) at ``cell`` with the runoff scaled by ``scale`` (sub, day)."""
        flow = (runoff.q_mm * scale) * area[:, None] * MM_KM2_PER_DAY_TO_M3_S  # m3/s per subbasin
        hyd = _accumulated(basin, ws, flow, inflow, reservoir_forcing, res_extra, target_release, requests)
        return lay.face_discharge(np.array([cell]), hyd.q_in, hyd.q_out)[:, 0]

    scale = np.ones((len(ws.subbasins), len(reservoir_forcing[2])))
    claimed: set[int] = set()
    gauges = sorted(range(len(net.gauges)), key=lambda k: order[("r", net.reach_index(net.gauges[k].reach))])
    for k in gauges:
        g = net.gauges[k]
        if np.all(np.isnan(observed[:, k])):
            continue
        r_g = net.reach_index(g.reach)
        cell = lay.gauge_cell[k]
        start, n = lay.reach_cell_start[r_g], lay.reach_cell_start[r_g + 1] - lay.reach_cell_start[r_g]
        along = (cell - start + 1) / n  # share of the gauge reach's lateral inflow above the gauge
        free = [i for i, s in enumerate(ws.subbasins) if i not in claimed and _free_path(net, s, r_g)]
        weights = np.array([along if ws.subbasins[i].reach == g.reach else 1.0 for i in free])
        flow = (runoff.q_mm[free] * scale[free]) * area[free, None] * MM_KM2_PER_DAY_TO_M3_S
        q_free = (flow * weights[:, None]).sum(axis=0) if free else np.zeros(scale.shape[1])
        q_gauge = gauge_flow(scale, cell)
        with np.errstate(invalid="ignore", divide="ignore"):
            f = (observed[:, k] - (q_gauge - q_free)) / q_free
        f = np.where(np.isfinite(f), np.maximum(f, 0.0), 1.0)
        if requests is not None and requests.any and free:
            def at_gauge(factor, free=free, cell=cell):
                trial = scale.copy()
                trial[free] *= factor
                return gauge_flow(trial, cell)

            f = solve_factor(at_gauge, observed[:, k], f, q_free)
        scale[free] *= f
        claimed.update(free)
    return dataclasses.replace(
        runoff, q_mm=runoff.q_mm * scale, q_direct_mm=runoff.q_direct_mm * scale,
        q_routed_mm=runoff.q_routed_mm * scale)


def _free_path(net, sub: Subbasin, reach: int) -> bool:
    """Whether ``sub`` drains to ``reach`` without crossing a reservoir."""
    if sub.reach is None:
        return False
    lay = net.layout
    r = net.reach_index(sub.reach)
    while True:
        if r == reach:
            return True
        if lay.reach_down_kind[r] != 1:
            return False
        r = lay.reach_down_index[r]


def _accumulated(basin: Basin, ws: Watershed, flow: np.ndarray, inflow: np.ndarray, reservoir_forcing: tuple,
                 res_extra, target_release, requests: WithdrawalRequests | None):
    """Accumulated flows (:class:`hydro.hydraulics.Hydraulics`) of subbasin flows ``flow``
    (sub, day; m3 s-1) with ``inflow`` into reaches and the withdrawals ``requests`` take."""
    from hydro.hydraulics import accumulate

    net = basin.network
    evap, rain, calendar = reservoir_forcing
    lateral, land = _lateral(net, ws, flow.T)
    lateral += inflow
    res_local = land if res_extra is None else land + res_extra
    if requests is not None and requests.any:
        lateral = withdrawn_lateral(net, requests, lateral, res_local, evap, rain, calendar,
                                    target_release=target_release, res_land_inflow=land,
                                    res_land_area=land_area(net, ws))[0]
    return accumulate(net, lateral, np.zeros_like(lateral), res_local, evap, rain, calendar,
                      target_release, res_land_inflow=land, res_land_area=land_area(net, ws))


def solve_factor(at_gauge: Callable[[np.ndarray], np.ndarray], record: np.ndarray, first: np.ndarray,
                 q_free: np.ndarray) -> np.ndarray:
    """Each day's factor ``f >= 0`` with ``at_gauge(f) = record`` (m3 s-1), ``at_gauge`` being
    convex, nondecreasing and piecewise linear in ``f`` (the module's docstring).

    Newton's method from ``first`` with a forward-difference slope, inside a bracket that each
    evaluation narrows (a step that leaves it bisects it, or doubles ``f`` while no upper bound
    is known).  Days without a record or with no free runoff (``q_free <= 0``, m3 s-1) keep
    ``first``; a day whose record is at or below ``at_gauge(0)`` gets 0.
    """
    f = np.array(first, dtype=float)
    todo = np.isfinite(record) & (q_free > 0)
    lo, hi = np.zeros_like(f), np.full_like(f, np.inf)
    known = np.zeros(f.shape, dtype=bool)  # whether at_gauge(lo) < record was seen (else lo = 0)
    for _ in range(MAX_STEPS):
        if not todo.any():
            break
        q = at_gauge(f)
        h = np.maximum(SLOPE_STEP * f, SLOPE_STEP_FLOOR)
        slope = (at_gauge(f + h) - q) / h
        miss = q - record
        below, above = todo & (miss < 0), todo & (miss >= 0)
        lo, hi, known = np.where(below, f, lo), np.where(above, f, hi), known | below
        todo &= ~((np.abs(miss) <= MATCH_TOL * (record + f * q_free)) | (above & (f == 0)))
        with np.errstate(invalid="ignore", divide="ignore"):
            step = f - miss / slope
        bad = ~np.isfinite(step) | (slope <= 0) | (step >= hi) | (known & (step <= lo))
        fallback = np.where(np.isfinite(hi), 0.5 * (lo + hi), 2.0 * np.maximum(f, 1.0))
        step = np.maximum(np.where(bad, fallback, step), 0.0)
        todo &= ~(np.abs(step - f) <= 4 * np.finfo(float).eps * f)  # converged to round-off
        f = np.where(todo, step, f)
    return f
