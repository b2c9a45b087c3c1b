"""The water terms a results file needs to close its own water budget, beside the flows.

A run closes its water budget inside (``water_balance_closure``); these variables let a user
close it from the file (water-budget review, 2026-12-06, which found 2.8e9 m3 of Guanting's
2000-2017 water in no variable):

* ``subbasin_exchange`` (mm d-1): the runoff model's exchange with outside the subbasin, gain
  positive (GR4J's ``x2`` term: Miyun's and Guanting's take about 23 mm a year, 2000-2017);
* ``subbasin_water_storage`` (mm): the water the runoff model holds at the end of each day (its
  soil and routing stores, unit hydrographs and snow pack), so that per subbasin
  ``precipitation − aet − runoff + exchange`` is the change of it;
* ``reach_point_inflow`` (m3 s-1): point sources' effluent water joining each reach (part of the
  lateral inflow; written where the basin has point sources);
* ``reservoir_surface_runoff`` (m3 s-1): runoff the land around a reservoir made on the day's
  water surface, taken off its inflow (that surface's rain and evaporation are the lake's,
  ``reservoir_evaporation``);
* ``reach_routing_storage`` (m3): the water in each reach at the end of the day, under
  Muskingum-Cunge routing (accumulation holds none);
* ``subbasin_model_runoff`` (mm d-1), in a flow-driven run only: the runoff the model made, before
  the run matched it to the gauges (``subbasin_runoff`` is the matched one), with which the land
  budget closes.

docs/results.md ("Closing the water budget from the file") gives the sums.
"""

from __future__ import annotations

import numpy as np


def add_water_budget(res, w, hyd, n_res: int) -> None:
    """Add the water-budget variables of a watershed run to ``res`` (:class:`hydro.results.Results`).

    ``w`` is the run's :class:`hydro.pipeline_steps.Water`, ``hyd`` its hydraulics; the runoff
    model's terms are those of its own run (``w.simulated``: before a flow-driven run's scaling,
    whose added water ``flow_driven_added_water_m3`` gives).
    """
    sim = w.simulated
    res.add("subbasin_exchange", sim.exchange_mm.T)
    res.add("subbasin_water_storage", runoff_storage(sim).T)
    if len(w.points.reaches):
        res.add("reach_point_inflow", w.effluent)
    if n_res:
        res.add("reservoir_surface_runoff", hyd.res_land_taken)
    storage = getattr(hyd, "reach_storage", None)
    if storage is not None:
        res.add("reach_routing_storage", storage[1:])
    if w.runoff is not sim:  # a flow-driven run: its subbasin_runoff was matched to the gauges
        res.add("subbasin_model_runoff", sim.q_mm.T)


def runoff_storage(result) -> np.ndarray:
    """The water a runoff model's stores hold at the end of each day, mm [n_unit, n_day]: the start's
    plus each day's ``precipitation − aet − runoff + exchange`` (its balance, which closes to
    ``water_balance_closure``; the last day's is the model's own final storage to round-off)."""
    gain = result.precip_mm - result.aet_mm - result.q_mm + result.exchange_mm
    return result.storage_start_mm[:, None] + np.cumsum(gain, axis=1)
