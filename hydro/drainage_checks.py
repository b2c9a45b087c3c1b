"""Flows a watershed basin's file asks of its rivers, against the water their drainage can give.

A withdrawal's requested flow or a reservoir's ecological minimum in m3 a day written in the m3-per-
second key (0.5 as 43,200) is below any absolute bound of a flow, yet more than the land above it can
ever drain: the run went on, the withdrawal's ``max_share`` took 90 % of the reach's water every day, or
the lake sat at its dead storage for the whole run, with no more than a note (reviews of 2026-12-05).
:func:`check_drainage` refuses such a flow at load, naming the key, where no transfer brings water from
outside into or above the element (a transfer's flows are read when a run needs them); a reservoir may
also let out its store, so its full storage over a year adds to what it can give.
"""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError
from hydro.network_layout import accumulate_downstream
from hydro.units import SECONDS_PER_DAY

#: The most water a drainage area gives, mm a year: the wettest large catchments run off about 5,000 (the Rio San
#: Juan in Colombia, 2,055 m3/s from about 14,000 km2 at Penitas, 4,630 mm) and small ones in Meghalaya more; a
#: request is compared as the month's (a monsoon month's diversion may be two or three times the year's mean
#: flow), so 10,000.
MAX_RUNOFF_MM_PER_YEAR = 10000.0
SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY
_M3_S_PER_KM2 = MAX_RUNOFF_MM_PER_YEAR * 1e3 / SECONDS_PER_YEAR  # (mm/yr over 1 km2, in m3/s)


def drainage_km2(network, subbasins) -> dict[str, float]:
    """Element id (reach or reservoir) -> the area of the subbasins draining into it or above it, km2."""
    own: dict[str, float] = {}
    for s in subbasins:
        element = s.reach if s.reach is not None else s.reservoir
        own[element] = own.get(element, 0.0) + s.area_km2
    return accumulate_downstream(network, own)


def fed_from_outside(network, transfers) -> set[str]:
    """Elements into or below which a transfer brings water (``kind = "inflow"``)."""
    inlets = {network.reaches[t.reach].id if t.reach is not None else network.reservoirs[t.reservoir].id: 1.0
              for t in transfers if t.kind == "inflow"}
    return {e for e, n in accumulate_downstream(network, inlets).items() if n > 0}


def check_drainage(path, network, watershed, withdrawals, transfers) -> None:
    """Refuse a withdrawal's constant or monthly ``flow_m3_s``, or a reservoir's ``ecological_min_m3_s``,
    above :data:`MAX_RUNOFF_MM_PER_YEAR` over the element's drainage area (not where a transfer feeds it)."""
    area, fed = drainage_km2(network, watershed.subbasins), fed_from_outside(network, transfers)

    def refuse(where: str, key: str, asked: float, element: str, stored_m3: float = 0.0) -> None:
        most = area[element] * _M3_S_PER_KM2 + stored_m3 / SECONDS_PER_YEAR
        if element not in fed and asked > most:
            held = f" and its {stored_m3 / 1e6:g} mcm at full supply let out over a year" if stored_m3 else ""
            raise HydroError(f"{path}: {where}: {key} = {asked:g} m3/s, more than the {area[element]:g} km2 draining "
                             f"to '{element}'{held} can give ({most:.3g} m3/s, at {MAX_RUNOFF_MM_PER_YEAR:g} mm of "
                             "runoff a year, the wettest catchments'); the key (in the file, or as --set, a scenario "
                             "or with_parameters changed it) is in m3 per second (m3 a day / 86,400)")

    for w in withdrawals:
        asked = max(w.monthly) if w.monthly else (w.flow.value if w.flow is not None and not isinstance(
            w.flow.value, dict) else 0.0)
        refuse(f"withdrawal '{w.id}'", "flow_m3_s", float(asked), w.reach)
    for res in network.reservoirs:  # (a lake can let out its store too: a year's worth of it counts)
        series = res.ecological_min_by_year
        asked = max(series.values) if series is not None else res.ecological_min_m3_s
        full = float(np.interp(res.full_supply_level_m, res.level_m, res.storage_m3))
        refuse(f"reservoir '{res.id}'", "ecological_min_m3_s", float(asked), res.id, full)
