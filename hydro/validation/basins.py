"""Real-data cases: each shipped basin's baseline against the published figures it must reproduce.

Size: one file format, the observations file (targets, statistics, places, classes), and its evaluation
against a run.

``basins/<name>/observations.toml`` lists the targets.  A target states the **years**, the
**place** and the **definition** of its published figure, and the model is compared on the
same ones:

.. code-block:: toml

    [[targets]]
    id = "chao_inflow_tn_2006"
    variable = "section_tn_concentration"   # a results variable
    location = "chao_inlet"                  # place: a section, reach or reservoir id
    statistic = "time_mean"                  # definition of the figure (below)
    period = [2006, 2006]                    # years, or ["2006-01-01", "2006-12-31"]
    sample_days_of_month = [1]               # optional: monthly grab samples on these days
    unit = "mg L-1"                          # the unit the statistic gives (checked)
    value = 5.09                             # with tolerance_relative, or
    range = [4.0, 12.0]                      # an accepted range
    tolerance_relative = 0.30
    reference = "author, year, title, table" # where it is published (required)
    note = "..."                             # optional

Statistics (``statistic``):

``time_mean``
    mean of the daily values in the period (a concentration: of daily concentrations, as a
    mean of regular samples is); with ``sample_days_of_month`` only those days count.
``flow_weighted_mean``
    period load over period water for a concentration variable: sections
    (``section_<c>_load`` / ``section_discharge``), reaches (``<c>_load`` / ``discharge``) and
    reservoir outflow (``reservoir_<c>_outflow_load`` / release + spill).
``total``
    the amount over the period: daily values integrated (kg d-1 -> kg, m3 s-1 -> m3, mm d-1 -> mm).
``annual_total``
    ``total`` per year of the period (each calendar year counts the share of its days in the
    period): an annual load (kg yr-1) or volume (m3 yr-1).
``areal_rate``
    ``annual_total`` of a subbasin variable over the area of the selected subbasins
    (kg km-2 yr-1; needs the basin's subbasin areas).
``share``
    the selected categories' part of the total over all categories (``inputs`` of the
    inventory, ``sources`` of a source-apportioned variable), summed over place and period.
``max``, ``min``
    the highest or lowest daily value in the period (the scored days), in the variable's own
    unit: a published "on every day" claim is a bound on it ("stayed below 2.6e9 m3 on every
    day of 2018": ``statistic = "max"``, ``range = [0, 2.6e9]``; "at least 1 m3 s-1 every day":
    ``min`` with ``range = [1, ...]``), which a mean of the period does not test.  A
    concentration's extreme is of its daily means; a storage's of its end-of-day values.
    Days without a value (NaN) are skipped; with none the check fails.
``change``
    how much a state (a storage, in ``m3`` or ``kg``; values at the end of each day) rose over
    the period: its value at the end of the last day minus that at the end of the day before
    the first ("storage rose by 20 million m3 in 2004": ``period = [2004, 2004]``).  The day
    before must be simulated.

``class``
    the GB 3838-2002 class (1-5 for Classes I-V, 6 for worse than V; :mod:`hydro.standards`)
    of a concentration (unit ``class``), checked against a ``range`` of classes
    (``range = [1, 2]``: "Class II or better").  The class of a window is that of the mean of
    its daily values; ``class_of`` names the windows: ``"period"`` (default: the mean over the
    whole scored period), ``"year"``, ``"month"`` or ``"week"`` (consecutive 7-day blocks from
    the first scored day, a short last block joining the one before), and the statistic is the
    **worst** window ("stably Class II" in every year: ``class_of = "year"``).  A window's mean is
    over its days: a year's differs from ``hydro compensate``'s annual mean, the mean of its 12
    monthly means (the national rules' arithmetic mean of monthly results), by up to about 1 %
    (0.86 % on Miyun's sections 2017-2020; water-quality assessment review, 2026-12-06), which
    moves a class only for a mean that close to a limit.
    ``variable = "section_{p}_concentration"`` with ``parameters = ["nh3n", "tp", "codmn"]``
    judges several parameters at once, the worst one setting the class (GB 3838's
    single-factor rule).  ``waterbody`` is ``"river"`` (the default for sections and reaches)
    or ``"lake"`` (the default for reservoirs; TP has stricter limits there, and TN is classed
    only there).
``class_share``
    the share (unit ``1``) of the ``class_of`` windows whose class is ``within_class`` (1-5
    or "I".."V") or better, e.g. "38 of 52 weeks at Class V or better".

A published class is usually judged on more parameters (DO, COD, BOD5, metals ...) than a
simulation carries; the class of the simulated ones can only be as good as or better than the
published one, so such a figure is a one-sided check (``range = [1, k]``) and its note says so.

A target may name a constituent's variable (``section_nh3n_concentration``, ``tp_load`` ...)
before the run carries that constituent: if its name is one of :data:`KNOWN_CONSTITUENTS` and
the results have no such constituent, the check fails as "not simulated" (after its place,
statistic and unit have been checked) instead of being an error.

A ``denominator`` (another location) turns any location statistic into a ratio (unit ``1``).

Places: ``location`` names an id on the variable's second dimension (``section``,
``reach``, ``reservoir``); subbasin variables take ``subbasins = [...]`` (ids or shell
patterns such as ``"chao_*"``, each must match), and ``inputs`` (``subbasin_tn_gross_input``)
or ``sources`` (``subbasin_tn_source_input``, ``tn_source_load``, ...) select categories.

Periods and spin-up: the period is that of the published figure.  Daily variables are scored
on the simulated days inside it, after ``spin_up_years`` (required for a reservoir
concentration, which remembers its initial value; the scored window must then hold at most
5 % ``initial``-tagged TN, else the check fails as too short; a reservoir concentration of
another constituent is judged on that constituent's tags, ``reservoir_<c>_source_concentration``,
where the results carry them, else on TN's).  If the scored run covers less
than ``min_coverage`` (default 1: all) of the published period, the check **fails** as not
simulated rather than comparing other years.  The gross-input inventory
(``subbasin_tn_gross_input``) is evaluated from the basin's yearly source parameters at the
published years themselves (no run needed; years outside those the basin file gives hold its
nearest value).  Its categories are :data:`hydro.sources.INPUT_NAMES` plus
``deposition_water``: deposition on reservoir and river surfaces only (part of ``deposition``).

A figure the model cannot produce (a quantity the inventory does not hold) is kept with
``not_computable = "why"``: the check is listed and fails with that reason, so it is neither
dropped nor widened.

Every mistake in a target (unknown variable, place, category or statistic, a statistic that
does not apply, a missing period, unit or reference) is a :class:`~hydro.errors.HydroError`
naming the file and key; ``hydro validate <basin>`` reports all of them, each with its target's
id, in seconds before its run (:mod:`hydro.validation.targets_check`).  ``hydro validate <basin>``
runs the basin over its ``[run]`` period and checks every target, unless the observations file
names a longer run for its published figures (:func:`validation_period`)::

    [validation_run]
    end = 2020-12-31      # the run starts at [run] start and ends here (default: [run] end)
    note = "why"          # what the longer run rests on

The basin's own ``[run]`` is left as it is; every target is checked on the one longer run, so
quantities taken over the whole run (CemaNeige's mean annual solid precipitation, the
Muskingum-Cunge cells at the run's mean flow, the transport's volume levels) are those of the
longer run, and the basin's SOURCES.md says what that changes.
"""

from __future__ import annotations

import calendar
import fnmatch
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from hydro.basin import ROOT
from hydro.errors import suggest
from hydro.tomlio import Table, load_toml
from hydro.validation.registry import CASE_FINDERS, Case, Check, case

STATISTICS = ("time_mean", "flow_weighted_mean", "total", "annual_total", "areal_rate", "share",
              "max", "min", "change", "class", "class_share")
#: Statistics taken of the daily values themselves, in the variable's unit.
DAILY_EXTREMES = ("max", "min")
#: Statistics judged on GB 3838-2002 classes.
CLASS_STATISTICS = ("class", "class_share")
#: Windows whose mean a class is taken of (``class_of``).
CLASS_WINDOWS = ("period", "year", "month", "week")
#: Constituents a target may name before the results carry them (then: not simulated).
KNOWN_CONSTITUENTS = ("tn", "nh3n", "tp", "codmn", "orgn", "no3n", "dp", "pp")
#: A per-constituent place variable: (section_|reservoir_)?<c>_(concentration|load|outflow_load).
_PER_CONSTITUENT = re.compile(r"^(?:(section|reservoir)_)?([a-z0-9]+)_(concentration|load|outflow_load)$")
#: Most ``initial``-tagged TN a reservoir may hold in a scored window (share of its TN).
INITIAL_SHARE_LIMIT = 0.05
#: The inventory variable, evaluated from the basin's source parameters at the published years.
INVENTORY = "subbasin_tn_gross_input"
#: Inventory category added to hydro.sources.INPUT_NAMES: deposition on water surfaces only.
WATER_DEPOSITION = "deposition_water"
_PER_DAY = {"kg d-1": ("kg", 1.0), "m3 s-1": ("m3", 86400.0), "mm d-1": ("mm", 1.0), "m3 d-1": ("m3", 1.0)}


@dataclass(frozen=True)
class Inventory:
    """The gross-input inventory of a basin as a function of the year.

    Attributes
    ----------
    subbasins : tuple of str
    categories : tuple of str
        :data:`hydro.sources.INPUT_NAMES` and :data:`WATER_DEPOSITION`.
    area_km2 : ndarray [n_sub]
    at : callable
        ``at(years) -> ndarray [n_year, n_sub, n_category]``, kg N per year.
    """

    subbasins: tuple[str, ...]
    categories: tuple[str, ...]
    area_km2: np.ndarray
    at: Callable[[np.ndarray], np.ndarray]


def basin_inventory(basin) -> Inventory | None:
    """The :class:`Inventory` of a watershed basin (``None`` for a basin without subbasins)."""
    from hydro.sources import INPUT_NAMES, gross_inputs
    from hydro.watershed import Watershed

    if not basin.subbasin_tables:
        return None
    ws = Watershed.from_basin(basin)
    area = np.array([s.area_km2 for s in ws.subbasins], dtype=float)
    params = ws.sources

    def at(years):
        years = np.asarray(years, dtype=np.int64)
        gross = gross_inputs(params, years, area)
        water = np.zeros((len(years), len(params.subbasins), 1))
        for s, sub in enumerate(params.subbasins):
            dep = sub.deposition
            if dep is not None:
                water[:, s, 0] = dep.rate_kg_per_ha_yr.at(years) * dep.water_area_km2.at(years) * 100.0
        return np.concatenate([gross, water], axis=2)

    return Inventory(tuple(s.id for s in ws.subbasins), tuple(INPUT_NAMES) + (WATER_DEPOSITION,), area, at)


@dataclass(frozen=True)
class Outcome:
    """The simulated value of a target, or why there is none.

    Attributes
    ----------
    value : float
        NaN when ``reason`` is given.
    window : str
        The days (or years) the value was computed on.
    reason : str
        Why the model gives no comparable value ("" when it does).
    """

    value: float
    window: str = ""
    reason: str = ""


# -- parsing helpers ------------------------------------------------------------------------------

def _period(t: Table, run_start: date, run_end: date, strict: bool) -> tuple[date, date]:
    """The published period as first and last day (``[y1, y2]`` years or two dates)."""
    if not t.has("period"):
        if strict:
            raise t.error("period", "missing: give the years or dates of the published figure, "
                                    "e.g. period = [2015, 2015] or [\"2015-01-01\", \"2015-12-31\"]")
        return run_start, run_end
    raw = t.raw("period")
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = [raw, raw]
    if not isinstance(raw, list) or len(raw) != 2:
        raise t.error("period", f"expected [first, last] (years or dates), got {raw!r}")
    ends = []
    for i, x in enumerate(raw):
        if isinstance(x, int) and not isinstance(x, bool):
            if not 1000 <= x <= 9999:
                raise t.error("period", f"expected a four-digit year, got {x}")
            ends.append(date(x, 1, 1) if i == 0 else date(x, 12, 31))
        else:
            ends.append(t.date("period", value=x))
    if ends[1] < ends[0]:
        raise t.error("period", f"the period ends ({ends[1]}) before it starts ({ends[0]})")
    return ends[0], ends[1]


def _add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def _names(t: Table, key: str) -> list[str] | None:
    if not t.has(key):
        return None
    raw = t.raw(key)
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
        raise t.error(key, f"expected a list of names, got {raw!r}")
    return raw


def _categories(t: Table, key: str, known, strict: bool) -> list[int]:
    """Indices of the categories named under ``key`` (all when absent)."""
    names = _names(t, key)
    if names is None and not strict and key == "sources" and t.has("source"):
        names = [t.str("source")]
        key = "source"
    if names is None:
        return list(range(len(known)))
    out = []
    for n in names:
        if n not in known:
            raise t.error(key, f"unknown category '{n}'" + suggest(n, known) + f"; have: {', '.join(known)}")
        out.append(list(known).index(n))
    return out


def _subbasins(t: Table, ids, strict: bool) -> list[int]:
    patterns = _names(t, "subbasins")
    if patterns is None:
        if strict:
            raise t.error("subbasins", "missing: name the subbasins the figure covers "
                                       "(ids or patterns such as \"chao_*\"; [\"*\"] for the whole basin)")
        return list(range(len(ids)))
    keep = set()
    for p in patterns:
        hit = [i for i, s in enumerate(ids) if fnmatch.fnmatchcase(s, p)]
        if not hit:
            raise t.error("subbasins", f"'{p}' matches no subbasin" + suggest(p, ids))
        keep.update(hit)
    return sorted(keep)


def _year_weights(first: date, last: date) -> tuple[np.ndarray, np.ndarray]:
    """Calendar years of a period and the share of each year's days inside it."""
    years = np.arange(first.year, last.year + 1)
    w = []
    for y in years:
        a, b = max(first, date(int(y), 1, 1)), min(last, date(int(y), 12, 31))
        w.append(((b - a).days + 1) / (366 if calendar.isleap(int(y)) else 365))
    return years, np.array(w)


def _unit_check(t: Table, unit: str, strict: bool) -> None:
    given = t.str("unit", None)
    if given is None:
        if strict:
            raise t.error("unit", f"missing: this statistic gives '{unit}'; state it (unit = \"{unit}\") "
                                  "and give value or range in it")
        return
    if given.strip() != unit:
        raise t.error("unit", f"this statistic gives '{unit}', not '{given}'; give value or range in '{unit}'")


def _concentration_pair(name: str, dims: tuple[str, ...]) -> tuple[str, list[str]] | None:
    """(load variable, flow variables) whose ratio is the flow-weighted mean of ``name``."""
    if not name.endswith("_concentration"):
        return None
    stem = name[: -len("_concentration")]
    if stem.startswith("section_"):
        return f"section_{stem[8:]}_load", ["section_discharge"]
    if stem.startswith("reservoir_"):
        return f"reservoir_{stem[10:]}_outflow_load", ["reservoir_release", "reservoir_spill"]
    if dims[-1] == "reach":
        return f"{stem}_load", ["discharge"]
    return None


# -- evaluation -----------------------------------------------------------------------------------

def evaluate_target(results, t: Table, inventory: Inventory | None = None, *, strict: bool = True) -> Outcome:
    """The simulated value of one target (see the module docstring) on the published period and place.

    Size: one target evaluated in the order the observations file defines it: period, place, statistic and
    unit, each read and applied in turn.

    Parameters
    ----------
    results : hydro.results.Results
    t : Table
        One ``[[targets]]`` table.
    inventory : Inventory, optional
        The basin's inventory; ``subbasin_tn_gross_input`` targets use it at the published years
        (without it, the results' years must cover the period).
    strict : bool
        The observations-file rules: ``period``, ``statistic``, ``unit`` and a place are
        required.  Lenient (``False``, for quick use from Python): the whole run, ``time_mean``,
        all subbasins, no unit; ``"mean"`` and ``"ratio"`` are taken as ``time_mean``.

    Returns
    -------
    Outcome
    """
    dates = list(results.dates)
    run_start, run_end = dates[0], dates[-1]
    first, last = _period(t, run_start, run_end, strict)
    reason = t.str("not_computable", "")
    if reason.strip():
        for key in ("variable", "location", "statistic", "subbasins", "inputs", "sources", "unit",
                    "spin_up_years", "min_coverage", "denominator", "sample_days_of_month"):
            t.raw(key, None)
        return Outcome(float("nan"), f"{first}..{last}", "not computable: " + reason.strip())

    if t.data.get("statistic") in CLASS_STATISTICS:
        return _class_value(results, t, dates, first, last)
    name = t.str("variable")
    if name == INVENTORY and inventory is not None:
        return _inventory_value(t, inventory, first, last, strict)
    if name not in results.data:
        absent = _absent_constituent(results, t, name, first, last, strict)
        if absent is not None:
            return absent
        natural = name == "reservoir_natural_inflow" and "reservoir_transfer_inflow" not in results.data
        if not natural:  # without transfers all of the inflow is natural
            raise t.error("variable", f"'{name}' is not in the results" + suggest(name, results.data))
        name = "reservoir_inflow"
    dims = results.declaration(name).dims
    units = results.declaration(name).units
    statistic = t.str("statistic", None)
    if statistic is None:
        if strict:
            raise t.error("statistic", "missing: say how the figure was defined: " + ", ".join(STATISTICS))
        statistic = "time_mean"
    if not strict and statistic in ("mean", "ratio"):
        statistic = "time_mean"
    if statistic not in STATISTICS:
        hint = (" ('mean' is ambiguous: time_mean or flow_weighted_mean, as the figure was published)"
                if statistic == "mean" else suggest(statistic, STATISTICS))
        raise t.error("statistic", f"'{statistic}': expected one of {', '.join(STATISTICS)}{hint}")

    if dims[0] == "budget_year":
        return _yearly_value(results, t, name, dims, first, last, statistic, strict)
    if dims[0] != "time" or len(dims) < 2:
        raise t.error("variable", f"'{name}' has dimensions {dims}; a target needs (time, place, ...)")

    # everything the target says is checked first, so a bad target is an error even when
    # its period is not simulated
    spin = t.int("spin_up_years", None, minimum=0)
    if spin is None:
        if strict and name.startswith("reservoir_") and name.endswith("_concentration"):
            raise t.error("spin_up_years", "missing: a reservoir concentration remembers its initial value; "
                                           "give the years to leave out at the start of the run")
        spin = 0
    min_cov = t.float("min_coverage", 1.0, minimum=0.0, maximum=1.0)
    samples = t.raw("sample_days_of_month", None)
    if samples is not None:
        if statistic != "time_mean":
            raise t.error("sample_days_of_month", "applies to statistic = \"time_mean\" only")
        if (not isinstance(samples, list) or not samples
                or not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 31 for d in samples)):
            raise t.error("sample_days_of_month", f"expected a list of days 1-31, got {samples!r}")
    place_dim = dims[1]
    ids = list(results.coords[place_dim])
    cats = _categories(t, "sources", results.coords[dims[2]], strict) if len(dims) == 3 else None
    if statistic == "share" and cats is None:
        raise t.error("statistic", f"'share' needs a variable with categories; '{name}' has none")
    if statistic == "flow_weighted_mean":
        pair = _concentration_pair(name, dims)
        if place_dim == "subbasin" or pair is None or pair[0] not in results.data:
            raise t.error("statistic", f"'flow_weighted_mean' applies to a section, reach or reservoir "
                                       f"concentration with its load in the results; '{name}' is not one")
    if statistic == "areal_rate":
        raise t.error("statistic", "'areal_rate' applies to the inventory (subbasin_tn_gross_input); "
                                   "use annual_total")
    unit = _statistic_unit(t, units, statistic)
    if place_dim == "subbasin":
        subs = _subbasins(t, ids, strict)
        if t.has("denominator"):
            raise t.error("denominator", "subbasin variables take no denominator; use statistic = \"share\"")
        if units not in _PER_DAY and len(subs) > 1 and statistic != "share":
            raise t.error("subbasins", f"'{name}' is in {units}: it does not add over subbasins; name one subbasin")
        loc, den = subs, None
    else:
        def index(key):
            where = t.str(key)
            if where not in ids:
                raise t.error(key, f"'{where}' is not a {place_dim} of the results" + suggest(where, ids))
            return [ids.index(where)]

        loc = index("location")
        den = index("denominator") if t.has("denominator") else None
        if den is None and not strict and t.raw("statistic", None) == "ratio":
            raise t.error("denominator", "missing: a ratio needs the location it divides by")
        if den is not None:
            unit = "1"
    _unit_check(t, unit, strict)

    # the scored window: the published period, after the spin-up
    keep, window, why = _scored_days(dates, first, last, spin, min_cov)
    if keep is None:
        return Outcome(float("nan"), window, why)
    if samples is not None:
        keep &= np.isin(np.array([d.day for d in dates]), samples)
        if not keep.any():
            return Outcome(float("nan"), window, "no sampling day in the scored window")
        # like for like: the report says the mean is of samples, as the published figure is
        window = f"{window}, {int(keep.sum())} samples on day {', '.join(map(str, samples))} of the month"
    if statistic == "change" and keep[0]:
        return Outcome(float("nan"), window, f"not simulated: the change needs the state at the end of "
                                             f"{first - timedelta(days=1)}, before the run starts")

    # a reservoir concentration must have forgotten its initial value in the scored window
    if name.startswith("reservoir_") and name.endswith("_concentration"):
        why = _initial_share_reason(results, name, keep, loc[0])
        if why:
            return Outcome(float("nan"), window, why)

    data = np.asarray(results[name], dtype=float)

    def at(where):
        block = data[:, where]  # [time, n_place(, category)]
        if cats is not None:
            if statistic == "share":
                return float(block[keep][..., cats].sum() / block[keep].sum())
            block = block[..., cats].sum(axis=-1)
        series = block.sum(axis=1) if block.shape[1] > 1 else block[:, 0]
        return _time_statistic(t, results, name, dims, units, series, keep, where[0], statistic, dates)

    value = at(loc)
    if den is not None:
        value = value / at(den)
    if statistic in DAILY_EXTREMES and math.isnan(value):
        return Outcome(float("nan"), window, f"no {name} value on any scored day: no {statistic}")
    return Outcome(float(value), window)


def _scored_days(dates, first: date, last: date, spin: int, min_cov: float):
    """The run's days scored for a published period: ``(keep mask, window text, "")``, or
    ``(None, window text, reason)`` when the scored run covers less than ``min_cov`` of it."""
    run_start, run_end = dates[0], dates[-1]
    scored_from = _add_years(run_start, spin)
    lo, hi = max(first, scored_from), min(last, run_end)
    published_days = (last - first).days + 1
    covered = max((hi - lo).days + 1, 0)
    window = f"{lo}..{hi}" if covered else f"{first}..{last}"
    if covered == 0 or covered / published_days < min_cov - 1e-12:
        return None, window, (f"not simulated: published {first}..{last}, scored run {scored_from}..{run_end} "
                              f"({covered / published_days:.0%} of the period)")
    day = np.array(dates, dtype="datetime64[D]")
    return (day >= np.datetime64(lo)) & (day <= np.datetime64(hi)), window, ""


def _initial_share_reason(results, name: str, keep: np.ndarray, where: int) -> str:
    """Why a reservoir concentration's scored window still remembers the initial value ("" if it
    does not): its constituent's ``initial`` tag, or TN's where the results tag only TN."""
    match = _PER_CONSTITUENT.match(name)
    own = f"reservoir_{match.group(2)}_source_concentration" if match else ""
    tags = own if own in results.data else "reservoir_tn_source_concentration"
    if tags not in results.data or "initial" not in results.coords.get("source", []):
        return ""
    tagged = np.asarray(results[tags], dtype=float)[keep][:, where]
    share = tagged[:, results.coords["source"].index("initial")] / np.maximum(tagged.sum(axis=-1), 1e-300)
    if share.max() <= INITIAL_SHARE_LIMIT:
        return ""
    what = "TN" if tags == "reservoir_tn_source_concentration" else match.group(2)  # type: ignore[union-attr]
    return (f"spin-up too short: initial {what} is {share.max():.0%} of the reservoir's in the scored "
            f"window (limit {INITIAL_SHARE_LIMIT:.0%}); raise spin_up_years")


def _constituent_declaration(name: str):
    """``(constituent, declared variable)`` when ``name`` is a per-constituent variable of a
    :data:`KNOWN_CONSTITUENTS` member (its template filled in), else None."""
    from hydro.variables import declared

    match = _PER_CONSTITUENT.match(name)
    if match is None or match.group(2) not in KNOWN_CONSTITUENTS:
        return None
    c = match.group(2)
    for v in declared():
        if "{c}" in v.name and v.name.format(c=c) == name:
            return c, v
    return None


def _place_index(results, t: Table, key: str, place_dim: str) -> int | None:
    """Index of the place named under ``key`` on ``place_dim`` (None when the results have no
    such dimension, e.g. a basin without reservoirs: then nothing can be checked)."""
    ids = list(results.coords.get(place_dim, []))
    where = t.str(key)
    if not ids:
        return None
    if where not in ids:
        raise t.error(key, f"'{where}' is not a {place_dim} of the results" + suggest(where, ids))
    return ids.index(where)


def _absent_constituent(results, t: Table, name: str, first: date, last: date, strict: bool) -> Outcome | None:
    """The outcome of a target on a constituent the results do not carry (None if ``name`` is
    not such a variable): its place, statistic and unit are checked, then it fails as not
    simulated."""
    found = _constituent_declaration(name)
    if found is None or found[0] in results.constituents:
        return None
    c, decl = found
    statistic = t.str("statistic", None)
    if statistic is None and strict:
        raise t.error("statistic", "missing: say how the figure was defined: " + ", ".join(STATISTICS))
    if statistic is not None and statistic not in STATISTICS:
        raise t.error("statistic", f"'{statistic}': expected one of {', '.join(STATISTICS)}"
                      + suggest(statistic, STATISTICS))
    _place_index(results, t, "location", decl.dims[1])
    if t.has("denominator"):
        _place_index(results, t, "denominator", decl.dims[1])
    if statistic is not None:
        unit = "1" if t.has("denominator") else _statistic_unit(t, decl.units, statistic)
        _unit_check(t, unit, strict)
    for key in ("spin_up_years", "min_coverage", "sample_days_of_month"):
        t.raw(key, None)
    have = ", ".join(results.constituents) or "none"
    return Outcome(float("nan"), f"{first}..{last}",
                   f"not simulated: the results carry no {c} ('{name}'; constituents simulated: {have})")


def _class_variables(t: Table) -> list[tuple[str, str, str]]:
    """``(variable, parameter, place dimension)`` of each concentration a class target judges."""
    from hydro.standards import PARAMETERS

    template = t.str("variable")
    params = _names(t, "parameters")
    if "{p}" in template:
        if params is None:
            raise t.error("parameters", "missing: the variable is a template with {p}; name the parameters "
                                        "whose worst class counts, e.g. parameters = [\"nh3n\", \"tp\", \"codmn\"]")
        names = [template.replace("{p}", p) for p in params]
    elif params is not None:
        raise t.error("parameters", "applies to a variable template with {p}, "
                                    "e.g. variable = \"section_{p}_concentration\"")
    else:
        names = [template]
    out = []
    for n in names:
        match = _PER_CONSTITUENT.match(n)
        if match is None or match.group(3) != "concentration":
            raise t.error("variable", f"'{n}': a class is judged on a concentration: section_<p>_concentration, "
                                      "reservoir_<p>_concentration or <p>_concentration (reaches)")
        p = match.group(2)
        if p not in PARAMETERS:
            raise t.error("parameters" if params is not None else "variable",
                          f"'{p}' has no GB 3838-2002 class limits" + suggest(p, PARAMETERS)
                          + f"; classed parameters: {', '.join(PARAMETERS)}")
        out.append((n, p, match.group(1) or "reach"))
    return out


def _class_windows(kept: list[date], class_of: str) -> np.ndarray:
    """Window number of each scored day (see ``class_of`` in the module docstring)."""
    if class_of == "period":
        return np.zeros(len(kept), dtype=np.int64)
    if class_of == "week":
        block = np.arange(len(kept)) // 7
        return np.minimum(block, max(len(kept) // 7 - 1, 0))
    keys = [d.year if class_of == "year" else d.year * 100 + d.month for d in kept]
    return np.unique(np.array(keys), return_inverse=True)[1].ravel()


def _class_value(results, t: Table, dates: list[date], first: date, last: date) -> Outcome:
    """A ``class`` or ``class_share`` target (see the module docstring)."""
    from hydro.errors import HydroError
    from hydro.standards import class_limits, normalise_waterbody, parse_class, water_class

    statistic = t.str("statistic")
    variables = _class_variables(t)
    place_dim = variables[0][2]
    try:
        body = normalise_waterbody(t.str("waterbody", "lake" if place_dim == "reservoir" else "river"))
        for _, p, _ in variables:
            class_limits(p, body)
    except HydroError as e:
        raise t.error("waterbody", str(e)) from None
    class_of = t.str("class_of", "period")
    if class_of not in CLASS_WINDOWS:
        raise t.error("class_of", f"'{class_of}': expected one of {', '.join(CLASS_WINDOWS)}"
                      + suggest(class_of, CLASS_WINDOWS))
    if statistic == "class_share":
        try:
            within = parse_class(t.raw("within_class"))
        except HydroError as e:
            raise t.error("within_class", str(e)) from None
        unit = "1"
    else:
        if t.has("within_class"):
            raise t.error("within_class", "applies to statistic = \"class_share\"; a class is checked "
                                          "against range = [best, worst]")
        if t.has("value") or t.has("tolerance_relative"):
            raise t.error("value", "a class is checked against a range of classes, not a value with a relative "
                                   "tolerance: range = [1, 2] for 'Class II or better'")
        unit = "class"
    for key in ("denominator", "sample_days_of_month", "sources", "subbasins", "inputs"):
        if t.has(key):
            raise t.error(key, f"does not apply to statistic = \"{statistic}\"")
    _unit_check(t, unit, True)
    where = _place_index(results, t, "location", place_dim)
    spin = t.int("spin_up_years", None, minimum=0)
    if spin is None:
        if place_dim == "reservoir":
            raise t.error("spin_up_years", "missing: a reservoir concentration remembers its initial value; "
                                           "give the years to leave out at the start of the run")
        spin = 0
    min_cov = t.float("min_coverage", 1.0, minimum=0.0, maximum=1.0)
    absent = []
    for n, p, _ in variables:
        if n not in results.data:
            if p not in KNOWN_CONSTITUENTS or p in results.constituents:
                raise t.error("variable", f"'{n}' is not in the results" + suggest(n, results.data))
            absent.append(p)
    if absent:
        have = ", ".join(results.constituents) or "none"
        return Outcome(float("nan"), f"{first}..{last}",
                       f"not simulated: the results carry no {', '.join(absent)} (constituents simulated: {have})")
    if where is None:
        raise t.error("location", f"the results have no {place_dim}")
    keep, window, why = _scored_days(dates, first, last, spin, min_cov)
    if keep is None:
        return Outcome(float("nan"), window, why)
    idx = np.flatnonzero(keep)
    groups = _class_windows([dates[i] for i in idx], class_of)
    n_window = int(groups.max()) + 1
    classes = np.zeros(n_window, dtype=np.int64)
    for n, p, _ in variables:
        if place_dim == "reservoir":
            why = _initial_share_reason(results, n, keep, where)
            if why:
                return Outcome(float("nan"), window, why)
        series = np.asarray(results[n], dtype=float)[idx, where]
        for g in range(n_window):
            values = series[groups == g]
            if not np.isfinite(values).any():
                return Outcome(float("nan"), window, f"no {p} value in a {class_of} window")
            mean = max(float(np.nanmean(values)), 0.0)  # a concentration; round-off below 0 is 0
            classes[g] = max(classes[g], water_class(p, mean, body))
    window = f"{window}, {n_window} {class_of} mean{'s' if n_window > 1 else ''}"
    if statistic == "class":
        return Outcome(float(classes.max()), window)
    return Outcome(float(np.mean(classes <= within)), window)


def _statistic_unit(t: Table, units: str, statistic: str) -> str:
    if statistic in ("time_mean", "flow_weighted_mean") + DAILY_EXTREMES:
        return units
    if statistic == "change":
        if units in _PER_DAY or units.endswith(("-1", "-3")):
            raise t.error("statistic", f"'change' is the rise of a state (a storage) over the period; it does "
                                       f"not apply to a rate or concentration in {units}")
        return units
    if statistic == "share":
        return "1"
    if units not in _PER_DAY:
        raise t.error("statistic", f"'{statistic}' integrates over time; it does not apply to a variable in {units}")
    base = _PER_DAY[units][0]
    if statistic == "total":
        return base
    if statistic == "annual_total":
        return f"{base} yr-1"
    return f"{base} km-2 yr-1"


def _time_statistic(t, results, name, dims, units, data, keep, i, statistic, dates) -> float:
    if statistic == "time_mean":
        return float(np.nanmean(data[keep]))
    if statistic in DAILY_EXTREMES:
        values = data[keep]
        values = values[np.isfinite(values)]
        if not values.size:
            return float("nan")
        return float(values.max() if statistic == "max" else values.min())
    if statistic == "change":
        days = np.flatnonzero(keep)  # the first is not the run's first day (evaluate_target)
        # the state at the start of the period is the end of the day before it
        return float(data[days[-1]] - data[days[0] - 1])
    if statistic == "flow_weighted_mean":
        pair = _concentration_pair(name, dims)
        assert pair is not None  # checked by evaluate_target
        load = np.asarray(results[pair[0]], dtype=np.float64)[keep, i].sum()  # kg/d summed over days
        water = sum(np.asarray(results[f], dtype=np.float64)[keep, i].sum() for f in pair[1] if f in results.data)
        water_m3 = water * 86400.0  # m3/s daily means -> m3/d summed over days
        return float(load / water_m3 * 1e3) if water_m3 > 0 else float("nan")  # kg/m3 -> mg/L
    scale = _PER_DAY[units][1]
    total = float(np.nansum(data[keep]) * scale)
    if statistic == "total":
        return total
    kept = [d for d, k in zip(dates, keep, strict=True) if k]
    _, w = _year_weights(kept[0], kept[-1])
    return total / float(w.sum())


def _reduce_inventory(t, per_year, categories, first, last, years, statistic, area_km2) -> float:
    """``per_year`` [n_year, n_category] kg/yr summed over the selected subbasins."""
    _, w = _year_weights(first, last)
    cats = _categories(t, "inputs", categories, True)
    weighted = (per_year * w[:, None]).sum(axis=0)  # kg over the period, by category
    if statistic == "share":
        return float(weighted[cats].sum() / weighted.sum())
    total = float(weighted[cats].sum())
    if statistic == "total":
        return total
    if statistic == "annual_total":
        return total / float(w.sum())
    return total / float(w.sum()) / area_km2


def _inventory_statistic(t: Table, strict: bool) -> str:
    statistic = t.str("statistic", None)
    if statistic is None:
        if strict:
            raise t.error("statistic", "missing: the inventory takes total, annual_total, areal_rate or share")
        statistic = "annual_total"
    allowed = ("total", "annual_total", "areal_rate", "share")
    if statistic not in allowed:
        raise t.error("statistic", f"'{statistic}': the yearly inventory takes {', '.join(allowed)}"
                      + suggest(statistic, allowed))
    for key in ("location", "denominator", "spin_up_years", "min_coverage", "sample_days_of_month"):
        if t.has(key):
            raise t.error(key, "does not apply to the yearly inventory (use subbasins, inputs and period)")
    return statistic


def _inventory_unit(statistic: str) -> str:
    return {"total": "kg", "annual_total": "kg yr-1", "areal_rate": "kg km-2 yr-1", "share": "1"}[statistic]


def _inventory_value(t: Table, inv: Inventory, first: date, last: date, strict: bool) -> Outcome:
    statistic = _inventory_statistic(t, strict)
    subs = _subbasins(t, list(inv.subbasins), strict)
    years, _ = _year_weights(first, last)
    per_year = inv.at(years)[:, subs, :].sum(axis=1)
    value = _reduce_inventory(t, per_year, inv.categories, first, last, years, statistic,
                              float(inv.area_km2[subs].sum()))
    _unit_check(t, _inventory_unit(statistic), strict)
    return Outcome(value, f"{first}..{last} (inventory at those years)")


def _yearly_value(results, t, name, dims, first, last, statistic, strict) -> Outcome:
    """A yearly variable from the results (without the basin's inventory): its years must cover the period."""
    if name != INVENTORY:
        raise t.error("variable", f"'{name}' is yearly; only {INVENTORY} can be a target")
    statistic = _inventory_statistic(t, strict)
    if statistic == "areal_rate":
        raise t.error("statistic", "'areal_rate' needs the basin's subbasin areas (hydro validate gives them)")
    years, _ = _year_weights(first, last)
    have = list(results.coords["budget_year"])
    missing = [int(y) for y in years if int(y) not in have]
    if missing:
        return Outcome(float("nan"), f"{first}..{last}",
                       f"not simulated: the results hold the years {have[0]}-{have[-1]}, not {missing}")
    rows = [have.index(int(y)) for y in years]
    subs = _subbasins(t, results.coords["subbasin"], strict)
    per_year = np.asarray(results[name], dtype=float)[rows][:, subs, :].sum(axis=1)
    value = _reduce_inventory(t, per_year, list(results.coords[dims[-1]]), first, last, years, statistic, 1.0)
    _unit_check(t, _inventory_unit(statistic), strict)
    return Outcome(value, f"{first}..{last}")


def target_value(results, t: Table) -> float:
    """The simulated value of one target table, leniently (see :func:`evaluate_target`).

    Raises
    ------
    HydroError
        For a bad target, or when the model gives no comparable value.
    """
    from hydro.errors import HydroError

    out = evaluate_target(results, t, strict=False)
    if out.reason:
        raise HydroError(f"{t.file}: {t.where or 'target'}: {out.reason}")
    return out.value


# -- the case -------------------------------------------------------------------------------------

def target_check(case_name: str, t: Table, out: Outcome) -> Check:
    """The :class:`Check` of one evaluated target (a target with no value fails with its reason); a
    target whose figure an input was set from (``not_independent``, the reason) is marked so."""
    check = _target_check(case_name, t, out)
    why = t.str("not_independent", "").strip()
    if not why:
        return check
    return replace(check, metric=f"{check.metric} [not independent: {why}]", independent=False)


def _target_check(case_name: str, t: Table, out: Outcome) -> Check:
    tid = t.str("id")
    if not t.str("reference").strip():  # every published figure says where it is published
        raise t.error("reference", "give the author, year, title and table or page of the figure")
    t.str("note", "")
    statistic = t.str("statistic", "")
    if t.has("range"):
        lo, hi = (float(x) for x in t.floats("range", length=2))
        if hi < lo:
            raise t.error("range", f"the range ends ({hi:g}) below its start ({lo:g})")
        if out.reason:
            return Check(case_name, f"{tid}: FAILS, {out.reason}", math.nan, 0.0, False, "max")
        # a range check is reported as the distance outside the range (0 inside)
        outside = max(lo - out.value, out.value - hi, 0.0)
        return Check(case_name, f"{tid} = {out.value:.4g} in [{lo:g}, {hi:g}] ({statistic} {out.window})",
                     outside, 0.0, bool(lo <= out.value <= hi), "max")
    expected = t.float("value")
    tol = t.float("tolerance_relative", 0.3, positive=True)
    if out.reason:
        return Check(case_name, f"{tid} vs {expected:g}: FAILS, {out.reason}", math.nan, tol, False, "abs")
    if expected == 0:
        raise t.error("value", "a relative tolerance needs a non-zero published value; give a range")
    rel = out.value / expected - 1.0
    return Check.within(case_name, f"{tid} = {out.value:.4g} vs {expected:g} ({statistic} {out.window}; relative)",
                        rel, tol)


def validation_period(basin, root: Table) -> tuple[date, date]:
    """The period ``hydro validate`` runs ``basin`` over: its ``[run]``, to the observations
    file's ``[validation_run] end`` where given (which may not end before ``[run]`` starts)."""
    v = root.table("validation_run", None)
    start, end = basin.settings.start, v.date("end", basin.settings.end)
    v.str("note", "")
    v.finish()
    if end < start:
        raise v.error("end", f"the validation run ends ({end}) before the basin's [run] starts ({start})")
    return start, end


def basin_checks(name: str, checked: bool = False, folder: Path | None = None) -> list[Check]:
    """Run the shipped basin ``name`` (or the basin in ``folder``) and check every target of its
    observations file."""
    return [check for _, _, check in basin_targets(name, checked, folder)]


def check_basin_targets(name: str, check: bool = True, folder: Path | None = None):
    """Check the observations file of the shipped basin ``name`` (or of the basin in ``folder``) in
    seconds, before its run (:mod:`hydro.validation.targets_check`); returns ``(basin, file, start, end,
    inventory)``."""
    from hydro.basin import Basin
    from hydro.simulation import run
    from hydro.validation.targets_check import check_targets

    folder = ROOT / "basins" / name if folder is None else folder
    path = folder / "observations.toml"
    basin = Basin.load(folder)
    root = Table(load_toml(path), path)
    start, end = validation_period(basin, root)
    inventory = basin_inventory(basin)
    if check:
        short = run(basin, start, min(end, start + timedelta(days=1)))

        def dry(t: Table) -> tuple[date, date]:  # every key read as below, on two days (seconds)
            evaluate_target(short, t, inventory)
            target_check(name, t, Outcome(1.0))  # a value, so that value/tolerance/range are all read
            return _period(t, start, end, True)

        check_targets(root, dry, start, end)  # all mistakes at once, before the minutes-long run
    return basin, root, start, end, inventory


def basin_targets(name: str, checked: bool = False, folder: Path | None = None) -> list[tuple[Table, Any, Check]]:
    """Run the shipped basin ``name``: (target table, outcome of :func:`evaluate_target`, check)
    for every target of its observations file, in the file's order (the file checked first
    by :func:`check_basin_targets`, unless ``checked`` says it was)."""
    from hydro.simulation import run

    basin, root, start, end, inventory = check_basin_targets(name, not checked, folder)
    results = run(basin, start, end)
    found: list[tuple[Table, Any, Check]] = []
    seen = set()
    for t in root.tables("targets"):
        tid = t.str("id")
        if tid in seen:
            raise t.error("id", f"'{tid}' is used by another target; ids must be unique")
        seen.add(tid)
        out = evaluate_target(results, t, inventory)
        found.append((t, out, target_check(name, t, out)))
        t.finish()
    root.finish()
    return found


def folder_case(name: str) -> Case | None:
    """The basin case of ``name`` where it is a folder holding ``basin.toml`` and ``observations.toml``
    (a basin of one's own; a shipped basin's name is its case, so ``./miyun`` names a folder of that
    name), else None."""
    folder = Path(name)
    if not ((folder / "basin.toml").is_file() and (folder / "observations.toml").is_file()):
        return None
    func, precheck = _basin_case(name, folder.resolve())
    return Case(name, "data", False, func, f"The baseline of {folder / 'basin.toml'} against "
                                           f"{folder / 'observations.toml'}.", precheck)


def _basin_case(name: str, folder: Path | None = None) -> tuple[Callable[[], list[Check]], Callable[[], None]]:
    """The run of basin case ``name`` (the shipped basin, or the one in ``folder``) and its check of the
    observations file, before it."""
    def func() -> list[Check]:
        return basin_checks(name, checked=True, folder=folder)  # run_cases ran the precheck below

    def precheck() -> None:
        check_basin_targets(name, folder=folder)

    return func, precheck


def _register() -> None:
    for folder in sorted((ROOT / "basins").glob("*")):
        if (folder / "basin.toml").is_file() and (folder / "observations.toml").is_file():
            name = folder.name
            func, precheck = _basin_case(name)
            func.__doc__ = f"The {name} baseline against published figures (basins/{name}/observations.toml)."
            case(name, layer="data", quick=False, precheck=precheck)(func)
    CASE_FINDERS.append(folder_case)


_register()
