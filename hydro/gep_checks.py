"""Which results :func:`hydro.gep.gep` can value: a watershed run's daily file, whole.

GEP sums every subbasin, reach and reservoir of a run over each year, beside the yearly budgets
(``<x>_budget_reach`` on ``budget_year``).  A file that holds less than its run sums less without knowing it:
one written with ``--locations`` (its ``locations_selected`` attribute says so), and a copy cut after
writing, e.g. with ``xarray`` (``ds.isel(reach=slice(0, 8)).to_netcdf(...)``), which keeps the run's
global attributes.  Those list every element of the run (``reach_names``, ``reservoir_names``,
``subbasin_area_km2``) and the run's days (``run_days``, :func:`hydro.run_attributes.run_days`), so
:func:`check_results` compares them with what the file holds (the researcher-outputs review of
2026-12-05: Miyun cut to 12 of its subbasins gave 1.70 G yuan of water conservation in 2016 instead of
4.23 G; cut to 2014-07..2016-06, a whole year's removal beside half a year's water).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from hydro.errors import HydroError
from hydro.run_attributes import RUN_DAYS, id_values, run_day_span

#: Element dimension -> the global attribute that lists every element of the run (``id=...;...``).
RUN_ELEMENTS = {"reach": "reach_names", "reservoir": "reservoir_names", "subbasin": "subbasin_area_km2"}

#: What to do with a copy cut after writing (the end of the messages of :func:`check_results`).
_WHOLE = "give hydro gep the file as hydro wrote it, and select subbasins, counties or years from its table"
#: ... and for a cut along ``time`` or ``budget_year``: whole years cut along both are valued.
_YEARS = (f"{_WHOLE}, or cut whole years along time and budget_year alike "
          "(ds.sel(time=slice('2002-01-01', None), budget_year=slice(2002, None)))")


def check_results(results, where: str | Path | None = None) -> None:
    """Refuse results GEP cannot value, naming ``where`` (the file) and what to do.

    Refused: a catchment run, a weather ensemble, results without a ``subbasin`` dimension (of a basin
    without subbasins) or without the subbasin water balance, those of ``hydro run --aggregate
    monthly|yearly`` (GEP sums days, and each mean would count as one;
    :func:`hydro.monitoring.refuse_aggregated`), a file written with ``--locations`` cutting reaches,
    reservoirs or subbasins, and a copy cut after writing (:func:`check_whole_run`).
    """
    from hydro.monitoring import refuse_aggregated
    from hydro.outputspec import cut_dimensions

    what = where or "these results"
    if str(results.attrs.get("model", "")).startswith("catchment"):
        raise HydroError(f"{what}: a catchment run (GR4J on one catchment: discharge only, no "
                         "quick flow, rivers or pollutant budgets); GEP values a watershed basin's run, e.g. of "
                         "`hydro run miyun`")
    if "member" in getattr(results, "leading", ()):  # each member's GEP would need its own rows
        raise HydroError(f"{what}: a weather ensemble (hydro run --members: a 'member' "
                         "dimension); GEP values one run or a scenarios file: value one member's weather with "
                         "hydro run --synthetic-weather SEED, or the recorded weather without --members")
    dropped = not any(str(v).startswith("subbasin_") for v in results.data)
    if len(results.coords.get("subbasin", [])) == 0 and "subbasin_area_km2" in results.attrs and dropped:
        raise HydroError(f"{what}: a watershed run written without its subbasin variables "
                         "(hydro run --variables or --locations left them out); GEP needs subbasin_precipitation, "
                         "subbasin_quickflow, subbasin_aet and subbasin_runoff and the budgets: run it again "
                         "without --variables (or name them)")
    if len(results.coords.get("subbasin", [])) == 0:
        raise HydroError(f"{what}: GEP needs a watershed run (a 'subbasin' dimension), and "
                         f"these results (basin '{results.attrs.get('basin', '?')}') have none; give hydro gep "
                         "the results of a watershed basin, e.g. of `hydro run miyun`")
    refuse_aggregated(where, results.attrs.get("time_aggregation", "daily"),
                      why="GEP sums the days of a run, and would count each mean as one day")
    cut = cut_dimensions(results.attrs, ("reach", "reservoir", "subbasin"))
    if cut:  # the sums would silently miss the elements left out (Miyun 2016: 767 -> 731 t purified)
        raise HydroError(f"{what}: written with --locations ("
                         + ", ".join(f"{dim} {counts} kept" for dim, counts in cut.items())
                         + "); GEP sums every subbasin, reach and reservoir and would miss the others: "
                           "run it again without --locations (or name every element of those kinds)")
    check_whole_run(results, what)
    missing = [v for v in ("subbasin_precipitation", "subbasin_quickflow", "subbasin_aet") if v not in results.data]
    if missing:
        raise HydroError(f"{what}: GEP needs the subbasin water balance, and these results lack "
                         f"{', '.join(missing)} (written with hydro run --variables?); run it again without "
                         "--variables, or name them")


def check_whole_run(results, where: str | Path) -> None:
    """Refuse a copy of a run's results cut after writing (e.g. with xarray's ``isel``/``sel``): what
    :func:`cut_after_writing` finds, with what GEP would get wrong and what to do."""
    cut = cut_after_writing(results)
    if cut is not None:
        raise HydroError(f"{where}: {cut[0]}; {cut[1]}: {cut[2]}")


def cut_after_writing(results) -> tuple[str, str, str] | None:
    """How a copy of a run's results was cut after writing (e.g. with xarray's ``isel``/``sel``): None
    for a whole run, else what the file holds against its run, what GEP would get wrong, what to do.

    Its ``reach``, ``reservoir`` or ``subbasin`` ids must be every one its global attributes list
    (:data:`RUN_ELEMENTS`); its ``budget_year`` axis (the budgets') the calendar years of its days; and, where
    the file says which days its run simulated (``run_days``, written since 2026-12-06), it must hold
    every one of them in each budget year: a budget sums the run's days of its year.  Results without
    those attributes (built in memory, or older files) are taken as they are.
    """
    for dim, attribute in RUN_ELEMENTS.items():
        if dim not in results.coords or attribute not in results.attrs:
            continue
        held = {str(e) for e in results.coords[dim]}
        lost = [e for e in id_values(results.attrs[attribute]) if e not in held]
        if lost:
            return (f"holds {len(held)} of the run's {len(held) + len(lost)} {dim} ids (its global attribute "
                    f"{attribute} lists them all); missing: {', '.join(lost[:10])}"
                    + (f" and {len(lost) - 10} more" if len(lost) > 10 else "")
                    + f" (cut along '{dim}' after writing, e.g. with xarray?)",
                    "GEP sums every subbasin, reach and reservoir and would miss them", _WHOLE)
    if "budget_year" not in results.coords or results.attrs.get("time_aggregation", "daily") != "daily":
        return None  # (a monthly or yearly file has a time stamp per month or year, not per day)
    days = Counter(d.year for d in results.dates)
    budget_years = sorted(int(y) for y in results.coords["budget_year"])
    if budget_years != sorted(days):
        return (f"its budgets (on 'budget_year') cover {_years(budget_years)} and its days (on 'time') "
                f"{_years(sorted(days))} (cut along one of them after writing, e.g. with xarray?)",
                "GEP values each year's budgets beside that year's days", _YEARS)
    span = run_day_span(results.attrs)
    if span is None:
        return None
    for y in budget_years:
        ran = max((min(span[1], date(y, 12, 31)) - max(span[0], date(y, 1, 1))).days + 1, 0)
        if days[y] != ran:
            how = "cut along 'time'" if days[y] < ran else "joined with another run's days"
            return (f"holds {days[y]} day{'s' * (days[y] != 1)} of {y}, and its budgets (on 'budget_year') sum the "
                    f"run's {ran} ({RUN_DAYS} = {results.attrs[RUN_DAYS]}; {how} after writing, e.g. with xarray?)",
                    "GEP would value a whole year's removal beside part of its water", _YEARS)
    return None


def starts_with_run(results) -> bool:
    """Whether ``results`` begin on their run's first day (``run_days``; True where they do not say):
    only then is their first year the one the run's stores spun up in
    (:func:`hydro.gep_tables.mark_spin_up`; ``runoff_warm_up`` describes the run's first day)."""
    span = run_day_span(results.attrs)
    return span is None or (bool(results.dates) and results.dates[0] == span[0])


def _years(years: list[int]) -> str:
    """``2001..2003``, ``2001, 2003`` or ``none``."""
    if not years:
        return "none"
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}..{years[-1]}" if len(years) > 1 else str(years[0])
    return ", ".join(map(str, years))
