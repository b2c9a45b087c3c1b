"""Reservoirs' ecological minimum release day by day, and the days it was not met.

A reservoir's ``ecological_min_m3_s`` is one number or a table of years (each day the value
of its calendar year, :meth:`hydro.network_elements.Reservoir.ecological_min_on`: a scenario's
ecological release compiles to one, acting from 1 January of its first year).
:func:`ecological_minimum` gives it per day; the operations raise each day's target release to
it (:meth:`hydro.transfers.Transfers.target_release`).

Days a reservoir lets out less than its minimum are counted per run, summed over blocks,
members and scenarios (:mod:`hydro.run_attributes`), written as the global attribute
:data:`ECO_ATTRIBUTE` and said in the run summary (:class:`hydro.run_summary.RunSummary`).
A reservoir releases ``max(target, minimum + outlet abstraction)`` while it has water above dead storage
(the minimum is the river's: :meth:`hydro.transfers.Transfers.target_release`);
below that nothing can leave, and the shortfall is the user's to know (Miyun's Yunzhou: 1,384 of
6,269 days in ``hydro run miyun`` on 2026-12-01 at 2d9a76d; 1,357 before a reservoir's rain
became its shore's).
"""

from __future__ import annotations

import numpy as np

#: Global attribute: days each reservoir let out less than its ecological minimum ("id=days;...",
#: reservoirs with none left out), its storage at dead storage on those days.
ECO_ATTRIBUTE = "ecological_min_unmet_days"
#: The global attribute of the days each reservoir ended below its dead storage (:func:`below_dead_storage_days`).
DEAD_ATTRIBUTE = "below_dead_storage_days"


def ecological_minimum(net, years) -> np.ndarray:
    """Each reservoir's ecological minimum on each day, m3 s-1 (D, S).

    Parameters
    ----------
    net : Network
    years : (D,) array of int
        The calendar year of each day.
    """
    years = np.asarray(years)
    if not net.reservoirs:
        return np.zeros((len(years), 0))
    return np.column_stack([r.ecological_min_on(years) for r in net.reservoirs]).astype(float)


def dated_minimum(net) -> bool:
    """Whether a reservoir's minimum is a table of years (so the operations need a daily target)."""
    return any(r.ecological_min_by_year is not None for r in net.reservoirs)


def dated_target(net, months, years) -> np.ndarray | None:
    """The reservoirs' rule (``target_release_m3_s`` by month) raised to each day's minimum, m3 s-1
    (D, S), for runs without transfers (``[forcing]`` basins), where a minimum is a table of
    years; None where none is (the operations' one number per reservoir is the whole story)."""
    if not dated_minimum(net):
        return None
    return np.maximum(reservoir_rule(net, months), ecological_minimum(net, years))


def reservoir_rule(net, months) -> np.ndarray:
    """The reservoirs' ``target_release_m3_s`` rule on each day of ``months`` (D,), m3 s-1 (D, S); ``months``
    are the days' calendar months or their dates (:func:`hydro.hydraulics.reservoir_arrays`)."""
    from hydro.hydraulics import reservoir_arrays

    return reservoir_arrays(net, months)["target"]


def ecological_shortfall_days(net, outflow, years) -> str:
    """:data:`ECO_ATTRIBUTE`'s value: per reservoir of ``net``, the days whose release and spill
    (m3 s-1, [day, reservoir]) fall short of its ecological minimum on that day
    (:func:`ecological_minimum`; ``years`` (D,) the calendar year of each day), by more than
    round-off (1e-9 relative)."""
    return shortfall_days([r.id for r in net.reservoirs], outflow, ecological_minimum(net, years))


def shortfall_days(ids, outflow, minimum) -> str:
    """:data:`ECO_ATTRIBUTE`'s value: per reservoir (``ids``), the days whose ``outflow`` to the river
    (m3 s-1, [day, reservoir]) falls short of ``minimum`` (m3 s-1, [day, reservoir]) by more than
    round-off (1e-9 relative); reservoirs never short left out."""
    outflow, minimum = np.asarray(outflow), np.asarray(minimum)
    parts = []
    for j, rid in enumerate(ids):
        short = int(np.count_nonzero(outflow[:, j] < minimum[:, j] * (1.0 - 1e-9)))
        if short:
            parts.append(f"{rid}={short}")
    return ";".join(parts)


def below_dead_storage_days(net, storage) -> str:
    """:data:`DEAD_ATTRIBUTE`'s value: per reservoir of ``net``, the days whose end storage (m3, [day,
    reservoir]) is below its ``dead_storage_m3`` by more than round-off (1e-9 relative): nothing is released
    there (its outlets are above it), but the surface still evaporates, so a lake at dead storage sinks
    below it in a drought (Miyun 2005-2008); reservoirs never below left out."""
    storage = np.asarray(storage)
    parts = []
    for j, r in enumerate(net.reservoirs):
        low = int(np.count_nonzero(storage[:, j] < r.dead_storage_m3 * (1.0 - 1e-9)))
        if low:
            parts.append(f"{r.id}={low}")
    return ";".join(parts)
