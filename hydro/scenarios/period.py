"""The run period of a scenario file against the basin's station record, checked before any run.

:func:`checked_plan` checks what a batch of scenarios will run (the file against the basin, the
period, the scenarios chosen) and compiles every scenario, so that a mistake is said before any run.

:func:`record_end_before` says whether the period ends after the record (the scenarios then run on
generated weather, ``hydro scenarios --members``) and refuses one on the record that starts before
its first day, once, before the batch (every scenario failed on it, one after the other).
"""

from __future__ import annotations

from datetime import date

from hydro.errors import HydroError
from hydro.scenarios.basin_tables import BasinInfo
from hydro.scenarios.spec import ScenarioFile


def record_end_before(basin, sfile: ScenarioFile, start: date | None, end: date | None) -> date | None:
    """The last day of ``basin``'s station record (a :class:`~hydro.basin.Basin` as loaded, e.g. with
    ``--set``, or its folder, file or name) where the run's period (``start``/``end``, else the
    scenario file's, else the basin's) ends after it; None where the record covers its end.  A period
    that ends on the record and starts before its first day is refused (a HydroError), once, before
    any run: every scenario failed on it, one after the other (:func:`hydro.spin_up.record_span`)."""
    from hydro.basin import Basin
    from hydro.model import model_variant
    from hydro.simulation import check_period
    from hydro.spin_up import record_span

    b = basin if isinstance(basin, Basin) else model_variant(BasinInfo.load(basin).path).basin
    check_period(b, start or sfile.start, end or sfile.end)  # a period that cannot be run comes first
    span = record_span(b)
    if span is None:
        return None
    csv, first_day, last = span
    first, final = start or sfile.start or b.settings.start, end or sfile.end or b.settings.end
    if final > last:
        return last
    if first < first_day:
        raise HydroError(f"{csv}: the station record starts on {first_day}, after the period's first day, {first} "
                         f"(the period: --start/--end, else [scenario_set] start/end of {sfile.path}, else the "
                         f"basin's [run]): there is no observed weather to run the scenarios on before "
                         f"{first_day}. Start the period on or after {first_day} (--start)")
    return None


def checked_plan(info: BasinInfo, sfile: ScenarioFile, start: date | None, end: date | None,
                 scenarios: list[str] | None) -> tuple[date | None, date | None, list[str]]:
    """``(start, end, names)`` of :func:`hydro.scenarios.run.run_scenarios`: the period (``start``/``end``,
    else the scenario file's; None: the basin's) and the scenario ids to run (the baseline first, then
    ``scenarios`` or all), after checking the file against the basin (its name, its targets' locations,
    its parties), the period, and compiling every scenario, selected or not: a file's mistakes are
    said whatever is run, and a bad measure fails before any long run."""
    from hydro.scenarios.measures import check_basin, check_parties, compile_scenario
    from hydro.scenarios.summary import check_target_locations
    from hydro.simulation import check_dates

    check_basin(info, sfile)  # a file for another basin: before the names of its targets and parties
    check_target_locations(sfile, [str(s.get("id")) for s in info.raw.get("sections", [])] + info.reservoir_ids)
    check_parties(info, sfile)
    start, end = start or sfile.start, end or sfile.end
    first, last = start or info.raw.get("run", {}).get("start"), end or info.raw.get("run", {}).get("end")
    if isinstance(first, date) and isinstance(last, date):  # before compiling the years between them
        check_dates(first, last, f"fix --start/--end, the period of {sfile.path} or the basin's [run]")
    names = sfile.scenario_ids
    if scenarios:
        for s in scenarios:
            sfile.scenario(s)
        names = ["baseline"] + [s for s in names[1:] if s in scenarios]
    # the years the runs will cover: --start/--end, else the scenario file's or the basin's period
    y0, y1 = (d.year if isinstance(d, date) else 2000 for d in (first, last))
    probe = list(range(y0, max(y0, y1) + 1))
    for sid in sfile.scenario_ids:
        compile_scenario(info, sfile, sid, probe)
    return start, end, names
