"""GB 3838 class tables: the class of every parameter at every section and reservoir, by month.

Size: one concept, the GB 3838 class table: its rows, how they are made from a series or a results file, and
their text and JSON forms.

This module owns the *class table*: for each monitoring section and reservoir, each
calendar month and each parameter a series carries (``tn``, ``nh3n``, ``tp``,
``codmn``, ``do``), the monthly mean concentration and its GB 3838-2002 class.  The
monthly means are those the compensation rules judge (:class:`hydro.monitoring.SectionSeries`:
means over the days of each month, as the monitoring's; missing months never filled), and
the limits and the classification are :mod:`hydro.standards`' (:func:`~hydro.standards.water_class`);
nothing here repeats a limit.

Which limits apply:

* **reservoirs** (and sections an agreement judges as a lake): the lake and reservoir
  limits of GB 3838 for every parameter;
* **river sections**: the river limits (TP has its own, the other parameters share
  one set), except **TN**: GB 3838-2002 classes TN only in lakes and reservoirs, so a
  river section's TN is classed on the lake limits *as a reference* and the row says so
  (``reference = True``, waterbody ``lake``), as published "TN classes" of rivers do.

:func:`class_table` builds the rows from a series, :func:`class_table_of` from a results
file (or a monitoring CSV, or :class:`~hydro.results.Results` in memory);
:func:`format_class_table` prints them one line per place, parameter and year, and
:meth:`ClassRow.as_json` gives the ``hydro compensate --json --quality`` records.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hydro.dates import MONTHS
from hydro.errors import HydroError
from hydro.standards import PARAMETER_LABELS, PARAMETERS, class_limits, class_name, reported, water_class

#: Keys of :meth:`ClassRow.as_json`, in order.
JSON_KEYS: tuple[str, ...] = ("place", "kind", "year", "month", "parameter", "concentration_mg_per_l",
                              "class", "class_name", "waterbody", "reference", "class_indicator",
                              "exceedance_multiple", "basis")

#: Why a lake's TN row is not part of a place's class, in words (the text table's footnote).
TN_NOT_AN_INDICATOR = ("GB 3838 lake limits; not one of the indicators of a place's class in official assessments "
                       "(MEE 2011 surface-water assessment method, 环办[2011]22号: TN is judged on its own)")

#: What the TN row of a river section is, in words (tables, figures, JSON ``basis``).
TN_RIVER_REFERENCE = "lake limits as a reference (GB 3838-2002 does not class TN in rivers)"


@dataclass(frozen=True)
class ClassRow:
    """The class of one parameter at one place in one month.

    Attributes
    ----------
    place : str
        Section or reservoir id.
    kind : str
        ``"section"`` or ``"reservoir"``.
    year, month : int
        The calendar month (1..12).
    parameter : str
        ``tn``, ``tp``, ``nh3n``, ``codmn`` or ``do``.
    concentration_mg_per_l : float
        The monthly mean (mg/L), over the month's days; NaN for a missing month.
    water_class : int or None
        1..5 for Classes I..V, 6 for worse than V; None for a missing month.
    waterbody : str
        The limits applied: ``"river"`` or ``"lake"`` (lakes and reservoirs).
    reference : bool
        True for TN at a river section, classed on the lake limits as a reference only.
    """

    place: str
    kind: str
    year: int
    month: int
    parameter: str
    concentration_mg_per_l: float
    water_class: int | None
    waterbody: str
    reference: bool = False

    @property
    def class_name(self) -> str:
        """``"I"`` .. ``"V"``, ``"worse than V"``, or ``""`` for a missing month."""
        return "" if self.water_class is None else class_name(self.water_class)

    @property
    def basis(self) -> str:
        """The limits in words: ``GB 3838 river limits``, ``GB 3838 lake/reservoir limits`` or
        :data:`TN_RIVER_REFERENCE`."""
        if self.reference:
            return TN_RIVER_REFERENCE
        return "GB 3838 lake/reservoir limits" if self.waterbody == "lake" else "GB 3838 river limits"

    @property
    def class_indicator(self) -> bool:
        """Whether the parameter counts towards a place's class in official assessments: every parameter with
        limits but TN, which the MEE's 2011 method (环办[2011]22号) leaves out for rivers and lakes alike (a
        lake's TN is judged on its own, with its trophic state); the row's class is GB 3838's either way."""
        return self.parameter != "tn"

    @property
    def exceedance_multiple(self) -> float | None:
        """超标倍数 of a month worse than Class III: ``(C - C_III) / C_III`` on the row's limits (the MEE's 2011
        assessment method ranks a place's main pollutants by it; a month "worse than V" at 1.1 and at 10 times
        the Class V limit are then told apart); None for Class III or better, a missing month and DO."""
        if self.water_class is None or self.water_class <= 3 or self.parameter == "do":
            return None
        limit = class_limits(self.parameter, self.waterbody)[2]
        return (self.concentration_mg_per_l - limit) / limit

    def as_json(self) -> dict:
        """A JSON-ready dict with the keys of :data:`JSON_KEYS` (a missing month: nulls)."""
        c = self.concentration_mg_per_l
        return {"place": self.place, "kind": self.kind, "year": self.year, "month": self.month,
                "parameter": self.parameter,
                "concentration_mg_per_l": float(c) if math.isfinite(c) else None,
                "class": self.water_class, "class_name": self.class_name or None,
                "waterbody": self.waterbody, "reference": self.reference,
                "class_indicator": self.class_indicator, "exceedance_multiple": self.exceedance_multiple,
                "basis": self.basis}


def class_table(series, reservoirs: Iterable[str] = (), places: Iterable[str] | None = None,
                parameters: Iterable[str] | None = None, lakes: Iterable[str] = (),
                decimals: Mapping[tuple[str, str], int] | None = None) -> list[ClassRow]:
    """The GB 3838 class of every parameter at every place and month of a series.

    Parameters
    ----------
    series : hydro.monitoring.SectionSeries
        Monthly means per section (and reservoir, under its own id).
    reservoirs : iterable of str
        The ids in ``series`` that are reservoirs: classed on the lake limits, ``kind``
        ``"reservoir"``.
    places : iterable of str, optional
        The sections and reservoirs to tabulate, in this order (default: every place
        of the series, sections before reservoirs).
    parameters : iterable of str, optional
        Parameters to tabulate, in this order (default: every GB 3838 parameter the
        series carries, in :data:`hydro.standards.PARAMETERS` order).  A place without
        data for one is left out of that parameter's rows.
    lakes : iterable of str
        Sections to judge on the lake limits although they are not reservoirs (a
        monitoring point in a lake, or a section an agreement judges as ``lake``).
    decimals : mapping, optional
        ``(place, parameter) -> decimal places``: values rounded as reported before they are classed
        (:func:`hydro.standards.reported`; an agreement's ``reported_decimals``).

    Returns
    -------
    list of ClassRow
        Ordered by parameter, place, year and month; the months run from the first to
        the last the series has any value in (months inside that span without a value
        are rows without a class).

    Raises
    ------
    HydroError
        For a place the series does not hold, or a parameter without class limits.
    """
    reservoirs = set(reservoirs)
    lake_ids = reservoirs | set(lakes)
    places, parameters = _places_and_parameters(series, reservoirs, places, parameters)
    # the months the series has values in (a run from March to February covers no January before it)
    held = [np.isfinite(series.data[place][p]) for place in places for p in parameters if series.has(place, p)]
    valued = np.flatnonzero(np.any(held, axis=0)) if held else np.array([], dtype=int)
    span = range(int(valued[0]), int(valued[-1]) + 1) if valued.size else range(0)
    rows: list[ClassRow] = []
    for p in parameters:
        for place in places:
            if not series.has(place, p):
                continue
            lake = place in lake_ids
            reference = p == "tn" and not lake
            body = "lake" if lake or reference else "river"
            kind = "reservoir" if place in reservoirs else "section"
            places_of = (decimals or {}).get((place, p))
            for year in series.years:
                values = series.monthly(place, p, year)
                if places_of is not None:
                    values = reported(values, places_of)
                ok = np.isfinite(values)
                classes = np.zeros(12, dtype=np.int64)
                if ok.any():
                    classes[ok] = water_class(p, values[ok], body)
                for m in range(12):
                    if 12 * (year - series.first_year) + m in span:
                        rows.append(ClassRow(place, kind, year, m + 1, p, float(values[m]),
                                             int(classes[m]) if ok[m] else None, body, reference))
    return rows


def _places_and_parameters(series, reservoirs: set[str], places, parameters) -> tuple[list[str], list[str]]:
    """:func:`class_table`'s places (default: the series' sections, then its reservoirs) and parameters (default:
    every one with class limits the series holds at them), checked against the series and the standard."""
    from hydro.errors import suggest

    known = series.sections
    if places is None:
        places = [s for s in known if s not in reservoirs] + [s for s in known if s in reservoirs]
    places = list(dict.fromkeys(places))
    for place in places:
        if place not in known:
            raise HydroError(f"no section or reservoir '{place}' in {series.source}" + suggest(place, known)
                             + "; it holds: " + ", ".join(known))
    if parameters is None:
        parameters = [p for p in PARAMETERS if any(series.has(s, p) for s in places)]
    parameters = list(parameters)
    for p in parameters:
        if p not in PARAMETERS:
            raise HydroError(f"no GB 3838 class limits for parameter '{p}'" + suggest(p, PARAMETERS)
                             + "; known: " + ", ".join(PARAMETERS))
    return places, parameters


def reservoir_ids(path: str | Path) -> list[str]:
    """The reservoir ids a results file's section series holds (none for a monitoring CSV).

    :func:`hydro.monitoring.read_results` counts reservoirs as monitoring points when
    the file has ``reservoir_inflow``; these are their ids.
    """
    return _file_ids(path, "reservoir", needs="reservoir_inflow")


def _file_ids(path: str | Path, name: str, needs: str = "") -> list[str]:
    """The ids of coordinate ``name`` of a results file, in its order (none for a monitoring CSV, or
    where the file lacks the variable ``needs``)."""
    path = Path(path)
    from hydro.outputspec import NETCDF_SUFFIXES

    if path.suffix.lower() not in NETCDF_SUFFIXES:
        return []
    from hydro.netcdf_read import open_dataset, text_values

    with open_dataset(path) as ds:
        if name not in ds.variables or (needs and needs not in ds.variables):
            return []
        return text_values(ds.variables[name])


def _in_file_order(series, order: list[str]) -> list[str]:
    """The series' places in the order of the results' coordinates (``order``: sections, then
    reservoirs; the basin file's order, along each river downstream), any others after them, sorted;
    the rows of a table were alphabetical (gubeikou after chao_inlet)."""
    known = series.sections
    first = [p for p in dict.fromkeys(order) if p in known]
    return first + [p for p in known if p not in first]


def class_table_of(source, scenario=None, places: Iterable[str] | None = None,
                   parameters: Iterable[str] | None = None, lakes: Iterable[str] = ()) -> list[ClassRow]:
    """:func:`class_table` of a results file, a monitoring CSV or results in memory.

    Parameters
    ----------
    source : str, Path or hydro.results.Results
        A results file (``.nc``: its reservoirs are classed as reservoirs), a
        monitoring CSV (every place a river section unless named in ``lakes``), or a
        :class:`~hydro.results.Results` in memory (:func:`series_of_results`).
    scenario : str or int, optional
        The scenario of a file with a ``scenario`` dimension.
    places, parameters, lakes
        As for :func:`class_table`.

    Raises
    ------
    HydroError
        For an unreadable file, one without section discharge or one of monthly or yearly
        means (the classes are of monthly means of days), and the errors of :func:`class_table`.
    """
    from hydro.monitoring import read_series, refuse_aggregated

    if not isinstance(source, (str, Path)):
        series, reservoirs = series_of_results(source, scenario)
        order = [str(v) for d in ("section", "reservoir") for v in source.coords.get(d, [])]
        return class_table(series, reservoirs, _in_file_order(series, order) if places is None else places,
                           parameters, lakes)
    refuse_aggregated(source)  # a monthly or yearly file leaves every month missing: said, not an empty table
    series = read_series(source, scenario)
    reservoirs = reservoir_ids(source)
    order = _file_ids(source, "section") + reservoirs
    return class_table(series, reservoirs, _in_file_order(series, order) if places is None else places,
                       parameters, lakes)


def series_of_results(results, scenario=None) -> tuple:
    """Monthly means of :class:`~hydro.results.Results` in memory, as the results-file reader makes them.

    Concentrations are means over the days of each month (as the monitoring's); a month
    with a day's concentration absent or NaN is missing (never filled), as in
    :func:`hydro.monitoring.read_results`.  Daily results only; the scenario is chosen
    (default: the first) and weather-ensemble members are averaged.

    Returns
    -------
    (SectionSeries, list of str)
        The series (without flow volumes) and the reservoir ids in it.

    Raises
    ------
    HydroError
        For results averaged over periods (monthly or yearly files), or without any
        concentration of a parameter with class limits.
    """
    from hydro.plotting._data import select
    from hydro.section_series import SectionSeries, complete_month_means, days_in_months

    if getattr(results, "time_bounds", None) is not None:
        raise HydroError("the GB 3838 class table needs daily results (monthly means of daily values); "
                         "these are averaged over periods: run again with daily output")
    dates = results.dates
    if not dates:
        raise HydroError("the results have no time steps; no month to class")
    first = dates[0].year
    index = np.array([(d.year - first) * 12 + d.month - 1 for d in dates])
    full = days_in_months(first, dates[-1].year - first + 1)

    def values(name):
        arr, dims = select(results, name, scenario=scenario)
        if "member" in dims:
            arr = np.nanmean(arr, axis=dims.index("member"))
        return np.asarray(arr, dtype=float)

    data: dict[str, dict[str, np.ndarray]] = {}
    reservoirs = [str(r) for r in results.coords.get("reservoir", [])]
    for kind in ("section", "reservoir"):
        ids = [str(x) for x in results.coords.get(kind, [])]
        for p in PARAMETERS:
            name = f"{kind}_{p}_concentration"
            if name not in results.data:
                continue
            c = values(name)
            for j, place in enumerate(ids):
                data.setdefault(place, {})[p] = complete_month_means(index, full, c[:, j])
    if not data:
        raise HydroError("no concentration of a parameter with GB 3838 classes (tn, nh3n, tp, codmn) "
                         "at sections or reservoirs in these results")
    return SectionSeries(first, data, source="results"), [r for r in reservoirs if r in data]


def parameter_label(parameter: str) -> str:
    """``TN``, ``NH3-N``, ``TP``, ``CODMn``, ``DO`` (:data:`hydro.standards.PARAMETER_LABELS`); a section's
    class judged over several parameters (``"codmn+nh3n+tp"``) as ``CODMn+NH3-N+TP``."""
    return "+".join(PARAMETER_LABELS.get(p, p.upper()) for p in parameter.split("+"))


def short_class_name(cls: int | None) -> str:
    """``I`` .. ``V``, ``>V`` for worse than V, ``-`` for a missing month (table cells)."""
    if cls is None:
        return "-"
    return ">V" if cls == 6 else class_name(cls)


def grid(rows: list[ClassRow]) -> list[tuple[str, str, str, int, list[int | None], np.ndarray, float]]:
    """The rows as one line per parameter, place and year.

    Returns
    -------
    list of (parameter, place, kind, year, 12 classes (None: missing), 12 monthly means mg/L, annual mean mg/L)
        The annual mean is the mean of the 12 monthly means (NaN with a month missing).
    """
    lines: dict[tuple[str, str, int], list[ClassRow]] = {}
    for r in rows:
        lines.setdefault((r.parameter, r.place, r.year), []).append(r)
    out = []
    for (p, place, year), rs in lines.items():
        classes: list[int | None] = [None] * 12
        conc = np.full(12, np.nan)
        for r in rs:
            classes[r.month - 1] = r.water_class
            conc[r.month - 1] = r.concentration_mg_per_l
        mean = float(conc.mean()) if np.isfinite(conc).all() else math.nan
        out.append((p, place, rs[0].kind, year, classes, conc, mean))
    return out


def format_class_table(rows: list[ClassRow]) -> str:
    """A plain-text table: one line per parameter, place and year, the class of each month.

    TN at river sections is marked ``*`` (lake limits, a reference only), TN at lakes and
    reservoirs ``+`` (:data:`TN_NOT_AN_INDICATOR`); reservoirs are marked ``(reservoir)``.
    """
    if not rows:
        return "GB 3838 classes: no parameter with class limits at these places"
    reference = {(r.parameter, r.place) for r in rows if r.reference}
    apart = {(r.parameter, r.place) for r in rows if not r.reference and not r.class_indicator}
    lines = grid(rows)
    labels = [(parameter_label(p) + ("*" if (p, place) in reference else "+" if (p, place) in apart else ""),
               place + (" (reservoir)" if kind == "reservoir" else "")) for p, place, kind, *_ in lines]
    wp = max(len("parameter"), *(len(a) for a, _ in labels))
    wl = max(len("place"), *(len(b) for _, b in labels))
    months = " ".join(f"{m:>3}" for m in MONTHS)
    head = f"{'parameter':<{wp}}  {'place':<{wl}}  year  {months}  annual mean (mg/L)"
    out = ["GB 3838 class by month (I..V; >V worse than V; - no value)", head]
    for (a, b), (_, _, _, year, classes, _, mean) in zip(labels, lines, strict=True):
        cells = " ".join(f"{short_class_name(c):>3}" for c in classes)
        out.append(f"{a:<{wp}}  {b:<{wl}}  {year}  {cells}  " + ("-" if math.isnan(mean) else f"{mean:.4g}"))
    if reference:
        out.append(f"* TN at a river section: {TN_RIVER_REFERENCE}")
    if apart:
        out.append(f"+ TN at a lake or reservoir: {TN_NOT_AN_INDICATOR}")
    return "\n".join(out)


def classes_as_json(rows: list[ClassRow]) -> list[dict]:
    """One :meth:`ClassRow.as_json` record per row."""
    return [r.as_json() for r in rows]


def agreement_places(agreement) -> tuple[list[str], list[str]]:
    """The places an agreement's rules name (sections, then inflow sections), and the
    sections its class rules judge on the lake limits (``waterbody = "lake"``, and an inflow section's
    ``inflow_waterbody = "lake"``).

    Returns
    -------
    (places, lakes) : two lists of str
    """
    places: list[str] = []
    lakes: list[str] = []
    for rule in agreement.rules:
        named = list(rule.sections) + ([rule.inflow_section] if getattr(rule, "inflow_section", None) else [])
        places.extend(named)
        if getattr(rule, "waterbody", "river") == "lake":
            lakes.extend(rule.sections)
        if getattr(rule, "inflow_section", None) and rule.inflow_waterbody == "lake":  # as the payment judges it
            lakes.append(rule.inflow_section)
    return list(dict.fromkeys(places)), list(dict.fromkeys(lakes))


def agreement_class_table(agreement, series, path=None) -> list[ClassRow]:
    """The class table of every parameter at the places an agreement names (``hydro compensate``).

    Its reservoirs (read from the results file ``path``) and the sections its class rules
    judge as ``lake`` take the lake limits.
    """
    places, lakes = agreement_places(agreement)
    reservoirs = reservoir_ids(path) if path is not None else []
    decimals = {(place, p): d for rule in agreement.rules for p, d in getattr(rule, "reported_decimals", ())
                for place in (*rule.sections, *filter(None, [getattr(rule, "inflow_section", None)]))}
    return class_table(series, reservoirs, [p for p in places if p in series.sections], lakes=lakes,
                       decimals=decimals)


__all__ = [
    "JSON_KEYS",
    "MONTHS",
    "TN_RIVER_REFERENCE",
    "ClassRow",
    "agreement_class_table",
    "agreement_places",
    "class_table",
    "class_table_of",
    "classes_as_json",
    "format_class_table",
    "grid",
    "parameter_label",
    "reservoir_ids",
    "series_of_results",
    "short_class_name",
]
