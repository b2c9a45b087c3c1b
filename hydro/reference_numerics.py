"""The numerics of a run whose reservoir minimum is a table of years, chosen without its raises.

A run's routing cells (:func:`hydro.routing_cells.default_cells`, at the mean flow) and its
transport cells' water level (:func:`hydro.transport_volumes.cell_water`, a median over the days)
are chosen from the flows of its basin's ``[run]`` period: a run of that period (and one that
does not start from the basin's start) from its own, here; any other from the basin's pass
(:func:`hydro.store_climate.period_water`, which does what this module does).  Where a
reservoir's ``ecological_min_m3_s`` is a table of years (a scenario's ecological release,
:mod:`hydro.ecological_minimum`), they are chosen from the flows of the operations with each
reservoir's least minimum instead, so a minimum raised from a year does not move the days before
it (for a scenario, they are the baseline's numerics).
"""

from __future__ import annotations

from hydro.ecological_minimum import reservoir_rule


def reference_numerics(basin, w, sub_reaches=None):
    """The routing cells and the transport cells' water at the start of a run whose reservoir
    minimum is a table of years, chosen from the flows of the operations with each reservoir's
    least minimum (:meth:`hydro.transfers.Transfers.reference_target`): both are chosen from the
    whole run's flows (the mean flow, :func:`hydro.routing_cells.default_cells`; the median
    level, :func:`hydro.transport_volumes.cell_water`), so a minimum raised from a year would
    otherwise move the days before it.  For a scenario's release that is the baseline's numerics.

    Parameters
    ----------
    basin : Basin
    w : hydro.pipeline_steps.Water
        The runoff step's water of the run.
    sub_reaches : (R,) int, optional
        Routing cells given to the run (kept).

    Returns
    -------
    sub_reaches : (R,) int or None
        The routing cells (``sub_reaches`` as given where the flows are accumulated).
    water : CellWater or None
        The transport cells' water at the start; None (the run's own) without a table of years.
    """
    from hydro.transport_volumes import cell_water
    from hydro.watershed import flows

    if not w.transfers.dated_minimum:
        return sub_reaches, None
    ref = flows(basin, w.lateral, w.res_local, w.evap, w.rain, w.calendar, w.res_land,
                target_release=w.transfers.reference_target(reservoir_rule(basin.network, w.calendar)),
                requests=w.requests, sub_reaches=sub_reaches)
    return getattr(ref, "sub_reaches", sub_reaches), cell_water(basin.network, ref.q_in, ref.q_out, ref.lateral,
                                                                basin.settings.courant)
