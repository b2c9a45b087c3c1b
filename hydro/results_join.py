"""Consecutive runs of one basin joined into the results of one run (docs/commands/run.md, "Month by month").

A month-by-month chain (``hydro run ... --from-state``, or ``Model.run(..., from_state=...)``) writes one
file per month. Their daily variables join along ``time``; their yearly ones (on ``budget_year``) are each
file's sums over *its* days of a calendar year, so the months of one year join term by term: the budgets'
flux terms add up, their storages are states (the first month's ``storage_start``, the last one's
``storage_end``), the land budget's inventory and ``subbasin_tn_gross_input`` are the whole calendar year's
in every file (taken once), and the land budget's ``timing_remainder`` closes the joined budget again
(:mod:`hydro.land_budget`). Summing the files, or concatenating them along ``budget_year``, gives neither
(an outside review, 2026-12-06: a summed join doubled the storages and the year's inventory).
"""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError
from hydro.land_budget import LAND_TERMS, timing_remainder
from hydro.run_attributes import RUN_DAYS

#: The land budget's terms that are the whole calendar year's in every file (taken once).
_INVENTORY = list(LAND_TERMS[:LAND_TERMS.index("inventory_unaccounted") + 1])
#: Yearly variables that are the whole calendar year's in every file.
_WHOLE_YEAR = ("subbasin_tn_gross_input",)


def join_runs(parts):
    """The results of consecutive runs of one basin as those of one run.

    Parameters
    ----------
    parts : sequence of xarray.Dataset
        Daily results (``hydro.Model.run``, or ``xarray.open_dataset`` of ``hydro run`` files), in order, each
        starting the day after the one before ends (a chain through ``--save-state``/``--from-state``).

    Returns
    -------
    xarray.Dataset
        The daily variables along the whole period, the yearly ones joined term by term (module docstring),
        the first part's attributes with the joined ``run_days`` and ``time_coverage_end``.

    Raises
    ------
    HydroError
        Fewer than two parts, parts of other basins, monthly or yearly means, a gap or an overlap between
        parts, or a yearly variable hydro cannot join (a scenarios file's measure costs).
    """
    import xarray as xr

    from hydro.results_xarray import renamed_dataset

    parts = [renamed_dataset(p) for p in parts]  # an older file's `year` is `budget_year`
    _check(parts)
    daily = [v for v in parts[0].data_vars if "time" in parts[0][v].dims]
    out = xr.concat([p[daily] for p in parts], dim="time", data_vars="all", coords="minimal", compat="override",
                    join="exact", combine_attrs="override")
    yearly = {v: _joined(parts, v) for v in parts[0].data_vars if "budget_year" in parts[0][v].dims}
    other = [v for v in parts[0].data_vars if v not in daily and v not in yearly]
    out = xr.merge([out, *yearly.values(), parts[0][other]], compat="override", combine_attrs="override")
    out.attrs = dict(parts[0].attrs)
    first, last = (str(np.datetime64(parts[k].time.values[i], "D")) for k, i in ((0, 0), (-1, -1)))
    out.attrs[RUN_DAYS] = f"{first}..{last}"
    if "time_coverage_end" in out.attrs:
        out.attrs["time_coverage_end"] = parts[-1].attrs.get("time_coverage_end", last)
    out.attrs["history"] = "\n".join(str(p.attrs.get("history", "")) for p in parts) + "\njoined: hydro.join_runs"
    return out


def _check(parts) -> None:
    """Refuse what :func:`join_runs` cannot join (its Raises)."""
    if len(parts) < 2:
        raise HydroError(f"join_runs: give two or more consecutive runs' results, got {len(parts)}")
    basins = {str(p.attrs.get("basin", "?")) for p in parts}
    if len(basins) > 1:
        raise HydroError(f"join_runs: the parts are of basins {', '.join(sorted(basins))}: join one basin's runs")
    for k, p in enumerate(parts):
        if "time_bnds" in p.variables or p.attrs.get("time_aggregation", "daily") != "daily":
            raise HydroError(f"join_runs: part {k} holds means over periods ({p.attrs.get('time_aggregation')}); "
                             "join the daily results, then aggregate")
    for k in range(1, len(parts)):
        end, start = (np.datetime64(t, "D") for t in (parts[k - 1].time.values[-1], parts[k].time.values[0]))
        if start != end + np.timedelta64(1, "D"):
            raise HydroError(f"join_runs: part {k - 1} ends on {end} and part {k} starts on {start}: consecutive "
                             "runs start the day after the one before ends (hydro run --from-state STATE)")


def _joined(parts, name: str):
    """The yearly variable ``name`` of ``parts`` joined year by year (module docstring)."""
    import xarray as xr

    years = sorted({int(y) for p in parts for y in p["budget_year"].values})
    by_year = []
    for y in years:
        held = [p[name].sel(budget_year=y) for p in parts if y in p["budget_year"].values]
        by_year.append(_one_year(name, held))
    return xr.concat(by_year, dim="budget_year").assign_coords(budget_year=years)


def _one_year(name: str, held):
    """One calendar year of ``name`` from the parts that hold it, in order."""
    first = held[0]
    if name in _WHOLE_YEAR:
        return first
    if name.startswith("measure_"):
        raise HydroError(f"join_runs: '{name}' (a scenarios file's costs) cannot be joined: scenarios run whole "
                         "periods, not chains of months")
    total = sum(held[1:], first)
    if "budget_term" in first.dims:
        total.loc[{"budget_term": "storage_start"}] = first.sel(budget_term="storage_start")
        total.loc[{"budget_term": "storage_end"}] = held[-1].sel(budget_term="storage_end")
    elif "land_term" in first.dims:
        total.loc[{"land_term": _INVENTORY}] = first.sel(land_term=_INVENTORY)
        t = {k: total.sel(land_term=k) for k in LAND_TERMS}
        total.loc[{"land_term": "timing_remainder"}] = timing_remainder(t)
    return total.assign_attrs(first.attrs)


__all__ = ["join_runs"]
