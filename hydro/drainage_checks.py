"""Flows a watershed basin's file asks of its rivers, against the water their drainage can give.

A withdrawal's requested flow or a reservoir's ecological minimum in m3 a day written in the m3-per-
second key (0.5 as 43,200) is below any absolute bound of a flow, yet more than the land above it can
ever drain: the run went on, the withdrawal's ``max_share`` took 90 % of the reach's water every day, or
the lake sat at its dead storage for the whole run, with no more than a note (reviews of 2026-12-05).
:func:`check_drainage` refuses such a flow at load, naming the key (a CSV column's when a run
reads it, :func:`check_series_drainage`), where no transfer brings water from outside into or above the
element (a transfer's flows are read when a run needs them); a reservoir may also let out its store, so
its full storage over a year adds to what it can give.
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


def _refuse_above_drainage(path, where: str, key: str, asked: float, element: str, area: dict[str, float],
                           fed: set[str], stored_m3: float = 0.0, what: str = "") -> None:
    """Raise a HydroError when ``asked`` (m3/s) is above what ``element``'s drainage (and ``stored_m3`` let
    out over a year) can give, unless a transfer feeds it; ``what``: the value's words beyond ``key = asked``."""
    most = area[element] * _M3_S_PER_KM2 + stored_m3 / SECONDS_PER_YEAR
    if element not in fed and asked > most:
        held = f" and its {stored_m3 / 1e6:g} mcm at full supply let out over a year" if stored_m3 else ""
        raise HydroError(f"{path}: {where}: {key} = {asked:g} m3/s{what}, more than the {area[element]:g} km2 "
                         f"draining to '{element}'{held} can give ({most:.3g} m3/s, at {MAX_RUNOFF_MM_PER_YEAR:g} mm "
                         "of runoff a year, the wettest catchments'); the key (in the file, or as --set, a scenario "
                         "or with_parameters changed it) is in m3 per second (m3 a day / 86,400)")


def check_drainage(path, network, watershed, withdrawals, transfers) -> None:
    """Refuse a withdrawal's constant or monthly ``flow_m3_s``, or a reservoir's ``ecological_min_m3_s``,
    above :data:`MAX_RUNOFF_MM_PER_YEAR` over the element's drainage area (not where a transfer feeds it);
    a ``flow_m3_s`` read from a CSV column is checked when a run reads it (:func:`check_series_drainage`)."""
    area, fed = drainage_km2(network, watershed.subbasins), fed_from_outside(network, transfers)
    for w in withdrawals:
        asked = max(w.monthly) if w.monthly else (w.flow.value if w.flow is not None and not isinstance(
            w.flow.value, dict) else 0.0)
        _refuse_above_drainage(path, f"withdrawal '{w.id}'", "flow_m3_s", float(asked), w.reach, area, fed)
    for res in network.reservoirs:  # (a lake can let out its store too: a year's worth of it counts)
        series = res.ecological_min_by_year
        asked = max(series.values) if series is not None else res.ecological_min_m3_s
        full = float(np.interp(res.full_supply_level_m, res.level_m, res.storage_m3))
        _refuse_above_drainage(path, f"reservoir '{res.id}'", "ecological_min_m3_s", float(asked), res.id, area,
                               fed, full)


def check_series_drainage(basin, withdrawal, flow: np.ndarray, dates) -> None:
    """Refuse a withdrawal's ``flow_m3_s`` read from a CSV column (``flow``, m3/s on ``dates``) whose mean
    over a calendar month of the run is above what the reach's drainage can give, as
    :func:`check_drainage` refuses a constant or monthly request (a watershed basin's only)."""
    if basin.watershed is None or not len(dates):
        return
    months = np.array([d.year * 12 + d.month - 1 for d in dates])
    keys, index = np.unique(months, return_inverse=True)
    means = np.bincount(index, weights=np.asarray(flow, dtype=float)) / np.bincount(index)
    k = int(np.argmax(means))
    year, month = divmod(int(keys[k]), 12)
    spec = withdrawal.flow
    _refuse_above_drainage(spec.csv, f"withdrawal '{withdrawal.id}' ({spec.file})",
                           f"flow_m3_s column '{spec.value.get('column')}'", float(means[k]), withdrawal.reach,
                           drainage_km2(basin.network, basin.watershed.subbasins),
                           fed_from_outside(basin.network, basin.transfers),
                           what=f" as the mean of {year}-{month + 1:02d}")


def check_shore_areas(path, network, subbasins) -> None:
    """Refuse a reservoir whose shore subbasins (``reservoir = id``) cover less than its surface at full supply:
    their ``area_km2`` is the shore and the lake together (docs/basin-file.md), and the lake takes the runoff of
    the share of it its surface covers, at most all of it; drawn without the lake, the reservoir lost the rest
    without a word (new-basin review, 2026-12-06: 40 km2 of shore around 72 km2 of lake, 12 % less inflow)."""
    for res in network.reservoirs:
        shore = [s for s in subbasins if s.reservoir == res.id]
        if not shore:
            continue
        land = sum(s.area_km2 for s in shore)
        lake = float(np.interp(res.full_supply_level_m, res.level_m, res.area_m2)) / 1e6
        if land < lake:
            listed = ", ".join(f"'{s.id}' {s.area_km2:,.6g}" for s in shore)
            raise HydroError(
                f"{path}: reservoir '{res.id}': its shore subbasins (reservoir = \"{res.id}\": {listed} km2, "
                f"{land:,.6g} km2 in all) are smaller than its water surface at full supply ({lake:,.6g} km2: the "
                f"curve's area_km2 at full_supply_level_m {res.full_supply_level_m:g} m); draw the shore subbasins "
                "with the lake inside them: their area_km2 is the shore and the lake together (docs/basin-file.md, "
                "'A reservoir's surface lies in the subbasins that drain straight into it')")
