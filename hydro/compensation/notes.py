"""The caveats ``hydro compensate`` gives beside the payments: one line each, the same words in the
text output (on standard error) and in the JSON objects (their ``notes`` key).

* ``skipped: ...``: a rule parameter the series has no data for, left out (``--skip-unavailable``);
* ``note: ...``: a results file of a run on generated weather (its payments are of one draw of weather,
  :func:`generated_weather_text`), measure costs in one year's prices (:func:`price_year_text`), years of
  the agreement's period the series does not reach (they have no lines);
* ``missing: ...``: months the agreement reads that the series lacks (never filled);
* ``note: ... a trickle``: months whose mean flow at a section whose concentrations a rule judges is below
  :data:`TRICKLE_M3_S` (:func:`trickle_notes`).
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np

#: A month's mean flow below which :func:`trickle_notes` names it, m3 s-1 (10 L/s): this note's threshold, not
#: any agreement's.  Monitoring records a section without water as dry (断流) and takes no sample, while the model
#: never dries a river (docs/results.md, "Low flow and dry rivers") and classes the trickle's concentration.
TRICKLE_M3_S = 0.01


def skipped_notes(agreement, series) -> list[str]:
    """``skipped: KEY PARAMETER at SECTION (no data)`` for every rule parameter the series lacks
    (:func:`hydro.compensation.engine.unavailable`), as ``--skip-unavailable`` leaves them out."""
    from hydro.compensation.engine import unavailable

    return [f"skipped: {key} {parameter} at {section} (no data)"
            for key, section, parameter in unavailable(agreement, series)]


def series_notes(agreement, series, path) -> list[str]:
    """The notes on the series at ``path`` that follow the tables: generated weather, years of the
    agreement's period the series does not reach, and the months missing that the agreement reads."""
    out = [simulated_text(path), generated_weather_text(path), transfer_end_text(path),
           years_outside(agreement, series, path), year_before(agreement, series, path), past_term(agreement)]
    return ([n for n in out if n] + missing_notes(agreement, series) + baseline_slips(agreement, series)
            + trickle_notes(agreement, series, path))


def past_term(agreement) -> str:
    """``note: ...`` where the agreement's period (moved with ``--set period=...``) reaches past the years its
    file gives (long-horizon review, 2026-12-06: a 2023-2027 agreement stretched to 2050 paid its rules'
    amounts, in each year's nominal yuan, for 23 years no agreement defines, without a word), else ``""``."""
    own = agreement.term
    if own is None:  # (one made in Python, or whose file gives no period of two years)
        return ""
    first, last = agreement.period
    beyond = [y for y in range(first, last + 1) if not own[0] <= y <= own[1]]
    if not beyond:
        return ""
    return (f"note: the period {first}-{last} reaches past the agreement's own, {own[0]}-{own[1]} "
            f"({Path(agreement.path).name}): its rules and amounts are applied unchanged, in each year's nominal "
            f"yuan, to {ranges(beyond)}, which it does not define")


def trickle_notes(agreement, series, path=None) -> list[str]:
    """``note: SECTION YEAR, months ...: mean flow below 0.01 m3/s`` for the months of the agreement's years
    whose mean flow (the series' monthly volume over the month's seconds) is below :data:`TRICKLE_M3_S` at a
    section whose concentrations a rule judges: their classes and amounts are of a trickle's concentrations
    (a drought run's border sections at 1-7 L/s were charged every month; drought review F2, 2026-12-06).
    Sections without a flow series are left out, and lakes: a rule's ``lake`` sections and the reservoirs of
    the results file at ``path``, whose flow is their inflow (a lake fed a trickle still holds water)."""
    from hydro.classes import agreement_places, reservoir_ids
    from hydro.compensation.rules import used_pairs, years_needed
    from hydro.monitoring import FLOW
    from hydro.section_series import days_in_months
    from hydro.units import SECONDS_PER_DAY

    first, last = years_needed(agreement)
    lakes = set(agreement_places(agreement)[1])
    if path is not None and Path(path).is_file():  # a results file's reservoirs (a CSV has none)
        lakes |= set(reservoir_ids(path))
    judged = sorted({s for s, p in used_pairs(agreement.rules) if p != FLOW and series.has(s, FLOW)} - lakes)
    out = []
    for section in judged:
        for year in (y for y in series.years if first <= y <= last):
            seconds = days_in_months(year, 1) * SECONDS_PER_DAY
            mean = series.monthly(section, FLOW, year) / seconds
            low = np.flatnonzero(np.isfinite(mean) & (mean < TRICKLE_M3_S)) + 1
            if low.size:
                out.append(f"note: {section} {year}, month{'s' if low.size > 1 else ''} {ranges(low)}: mean flow "
                           f"below {TRICKLE_M3_S:g} m3/s (at least {np.nanmin(mean[low - 1]) * 1e3:.2g} L/s): a "
                           "trickle, which monitoring would record as dry with no sample; its classes and amounts "
                           "are of the trickle's concentrations")
    return out


def baseline_slips(agreement, series) -> list[str]:
    """``note: ...`` for each quantity rule whose fixed ``baseline_m3`` is below a thousandth of every
    year's volume the series has at its sections: a flow in m3/s typed as m3 (7.3 for 2.3e8 m3 a year
    paid the rule's cap every year: the engineer's review of 2026-12-04).  A note, not an error: a
    synthetic series may be that small."""
    from hydro.compensation.rules import QuantityRule, counted_volume
    from hydro.monitoring import FLOW

    out = []
    for rule in agreement.rules:
        base = rule.baseline.value if isinstance(rule, QuantityRule) else None
        if base is None:
            continue
        groups = [rule.sections] if rule.basis == "total" else [(s,) for s in rule.sections]
        volumes = [sum(counted_volume(rule, series, x, y)[0] for x in group)
                   for group in groups for y in series.years if all(series.has(x, FLOW) for x in group)]
        volumes = [v for v in volumes if math.isfinite(v) and v > 0]
        if volumes and base < 1e-3 * min(volumes):
            out.append(f"note: {rule.baseline.key} = {base:g} m3 is below a thousandth of every year's volume at "
                       f"{'+'.join(rule.sections)} (at least {min(volumes):.3g} m3): a flow in m3/s? (1 m3/s is "
                       "3.156e7 m3 a year)")
        elif volumes and base > max(volumes):  # the other way (Hebei-side review, 2026-12-06): no year earns
            where = ("+".join(rule.sections) if rule.basis == "total"
                     else "each of " + ", ".join(rule.sections))
            pays = ("deducts in every year and rewards none" if rule.penalty_per_m3_below_yuan > 0
                    else "pays nothing in any year")
            out.append(f"note: {rule.baseline.key} = {base:.3g} m3 is above every year's volume at {where} (at most "
                       f"{max(volumes):.3g} m3): the rule {pays}; on model results, compare like with like: --set "
                       f"{rule.baseline.key.rsplit('.', 1)[0]}.baseline_mean_of_years=[FIRST,LAST] "
                       "(docs/agreements.md)")
    return out


def simulated_text(path, attrs=None) -> str:
    """That the series at ``path`` is a model's results, not monitoring (its ``attrs``, read when None; ``""``
    for a monitoring CSV): its payments are of simulated water, which misses the measured where the basin's
    validation says (Hebei-side review, 2026-12-06: the shipped Miyun run's border TN far above the measured,
    its payments looked like a settlement's)."""
    if attrs is None:
        from hydro.plotting.weather import file_attributes

        attrs = file_attributes(path)
    basin = attrs.get("basin")
    if not basin:
        return ""
    return (f"note: {path}: payments of simulated water quality (basin {basin}), not of monitoring: the model "
            f"misses the measured where {validate_hint(basin, attrs.get('basin_file'))} says, so they illustrate "
            "the rules, not a settlement")


def validate_hint(basin, basin_file=None) -> str:
    """The ``hydro validate`` command that scores the basin ``basin`` (its results' ``basin_file``): the shipped
    case by its name, a basin of one's own by its folder's path (``./NAME`` beside; with the observations.toml it
    needs where the folder has none, docs/commands/validate.md). ``hydro validate luanhe_test`` failed, 'unknown
    validation case' (new-basin review, 2026-12-06)."""
    import os

    from hydro.basin import shipped_basins

    folder = Path(str(basin_file)).parent if basin_file else None
    shipped = shipped_basins().get(str(basin))
    if shipped is not None and (shipped / "observations.toml").is_file() and (  # a shipped basin's case
            folder is None or shipped.resolve() == folder.resolve() or not folder.is_dir()):  # (another checkout's)
        return f"`hydro validate {basin}`"
    if folder is None:  # results that do not say their basin file
        return "`hydro validate PATH` (the basin's folder, with an observations.toml: docs/commands/validate.md)"
    where = os.path.relpath(folder)
    where = str(folder) if where.startswith("..") else where if os.sep in where or where.startswith(".") \
        else f".{os.sep}{where}"
    if (folder / "observations.toml").is_file():
        return f"`hydro validate {where}`"
    return (f"`hydro validate {where}` (once {where}{os.sep}observations.toml gives the measured figures, "
            "docs/commands/validate.md)")


def transfer_end_text(path, attrs=None) -> str:
    """The transfers whose series end before the run's generated days do (the results' attribute
    ``transfer_series_end_before_period_end``, :mod:`hydro.transfer_end`), or ``""``: the years after have none
    of that water, which moves their quality and payments (Hebei-side review, 2026-12-06: Guanting's Yellow
    River water ends in 2024, the year its 2025 target is judged has none)."""
    from hydro.transfer_end import ATTRIBUTE

    if attrs is None:
        from hydro.plotting.weather import file_attributes

        attrs = file_attributes(path)
    ended = attrs.get(ATTRIBUTE, "")
    if not ended:
        return ""
    said = ", ".join(item.replace("=", " on ") for item in ended.split(";") if item)
    return (f"note: {path}: transfer series end before the run does ({said}): the days after have none of that "
            "transfer (a release series: the reservoir's own rule), and their water quality and payments with them")


def scenario_notes(agreement, path) -> list[str]:
    """The notes of ``hydro compensate --scenarios`` on the scenarios file at ``path`` (every scenario
    on the same days): generated weather (its incentives of one draw), years of the agreement's period
    it does not reach, a first year without the year before it, a period past the agreement's term and a
    quantity baseline out of the series' reach (from its first scenario).
    ``agreement``: an :class:`~hydro.compensation.Agreement` or its file."""
    from hydro.compensation.agreement import Agreement
    from hydro.errors import HydroError
    from hydro.monitoring import read_series

    weather = generated_weather_text(path, what="incentives")
    prices = price_year_text(path)
    said = [simulated_text(path), weather, transfer_end_text(path), prices]
    try:  # the incentives read it already; a file they could not read has no years to speak of
        series = read_series(path, scenario=0)
    except HydroError:
        return [n for n in said if n]
    rules = agreement if isinstance(agreement, Agreement) else Agreement.from_toml(agreement)
    # as the plain evaluation's (series_notes): a period moved past the agreement's term, a quantity baseline no
    # simulated year reaches (a planner's review, 2026-12-06: --scenarios left both out)
    return [n for n in (*said, years_outside(rules, series, path), year_before(rules, series, path), past_term(rules),
                        *baseline_slips(rules, series)) if n]


def price_year_text(path) -> str:
    """That the measures' costs of the scenarios file at ``path`` are in one year's prices (its ``price_year``
    attribute, :mod:`hydro.scenarios.prices`) while the agreement's payments are each year's yuan as paid;
    ``""`` for a file that states no price year."""
    from hydro.plotting.weather import file_attributes

    year = file_attributes(path).get("price_year")
    if not year:
        return ""
    return (f"note: {path}: measure_cost_yuan is in {year} prices ([scenario_set] price_year); received_yuan and "
            "the payments are each year's yuan as paid, not converted to them")


def years_outside(agreement, series, path) -> str:
    """Which years of the agreement's period the series does not reach (they have no lines from the
    rules; the phase-2 agreement's 2026 on a 2022-2025 plan-period run was left out without a word), or
    ``""``.  A year with fixed payments still lists them, the rules' amounts left out of its net."""
    first, last = agreement.period
    outside = [y for y in range(first, last + 1) if y not in series.years]
    if not (outside and series.years):
        return ""
    # the fixed lines the engine lists there (an unpublished funding flow only in the years evaluated)
    fixed = sorted({f.year for f in agreement.fixed
                    if f.year in outside and not (f.kind == "funding" and math.isnan(f.amount_yuan))})
    plural = "s" if len(outside) == 1 else "ve"
    return (f"note: {path} covers {ranges(series.years)}; the agreement is in force {first}-{last}, so "
            + (f"{ranges(outside)} ha{plural} no payment lines" if not fixed else
               f"{ranges(outside)} ha{plural} no lines from the rules ({ranges(fixed)}: only the fixed lines, so "
               f"a net there leaves the rules out)")
            + " (evaluate a run that covers them)")


def year_before(agreement, series, path) -> str:
    """That the series starts in a year of the agreement's period in which a rule compares with the
    previous year (a ``previous_year`` baseline), which the series lacks: those lines of its first year
    are undetermined, whatever the run (Guanting 2023 and Miyun phase 2 2022 on plan-period runs that
    start in those years), or ``""``."""
    if not series.years:
        return ""
    year = series.years[0]
    rules = [r.where for r in agreement.rules
             if getattr(getattr(r, "baseline", None), "previous_year", False) and r.applies(year)]
    if not rules or not agreement.period[0] <= year <= agreement.period[1]:
        return ""
    names, first = ", ".join(rules), year == agreement.period[0]
    where = ", the agreement's first year," if first else ""
    read = " (read, not paid for)" if first else ""
    return (f"note: {path} starts in {year}{where} and {names} compare{'s' if len(rules) == 1 else ''} each year "
            f"with the year before: the {year} lines of {names} are undetermined; run from {year - 1}{read} to "
            "determine them")


def missing_notes(agreement, series) -> list[str]:
    """``missing: SECTION PARAMETER YEAR, months ...`` for the gaps the agreement reads: its places,
    parameters and years (:func:`~hydro.compensation.rules.years_needed`)."""
    from hydro.compensation.rules import used_pairs, years_needed

    used, (first, last) = used_pairs(agreement.rules), years_needed(agreement)
    return [f"missing: {gap['section']} {gap['parameter']} {gap['year']}, "
            f"month{'s' if len(gap['months']) > 1 else ''} {ranges(gap['months'])} (not filled)"
            for gap in series.missing()
            if (gap["section"], gap["parameter"]) in used and first <= int(gap["year"]) <= last]


def ranges(numbers) -> str:
    """``[2, 3, 4, 7]`` -> ``"2-4, 7"``."""
    out: list[str] = []
    run: list[int] = []
    for n in sorted(int(x) for x in numbers):
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [n]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)


def generated_weather_text(path, attrs=None, what: str = "payments", first=None) -> str:
    """That the results ``path`` (global attributes ``attrs`` and first day ``first``, read
    when None) ran on generated weather: its ``what`` are of one draw of weather over those years (past
    the record: member 0's), neither their observed nor their expected weather; of the days from the
    generated weather's first (``weather_generated_from``) on where the run's days before it are the
    station record's (:func:`hydro.spin_up.generated_weather_words`).  ``""`` for a run on the record."""
    from hydro.spin_up import GENERATED_FROM, generated_weather_words

    if attrs is None:  # read as the figures read them ({} for a monitoring CSV: observed)
        from hydro.plotting.weather import FIRST_DAY, file_attributes

        attrs = file_attributes(path)
        first = date.fromisoformat(attrs[FIRST_DAY]) if FIRST_DAY in attrs else None
    if attrs.get("weather_synthetic") != "true":
        return ""
    seed = attrs.get("weather_seed", "?")
    since = attrs.get(GENERATED_FROM)
    words = generated_weather_words(since, None if first is None else date(first.year, first.month, first.day))
    if words == "generated weather":
        return (f"note: {path}: the run is on generated weather (seed {seed}): its {what} are of one draw of "
                "weather over these years, neither their observed nor their expected weather")
    return (f"note: {path}: the run is on {words} (seed {seed}): its {what} from {since} on are of one "
            "draw of weather over those days, neither their observed nor their expected weather")
