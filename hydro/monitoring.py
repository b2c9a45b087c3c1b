"""Monthly section series: the input of the compensation rule engine, and its two readers.

This module owns :class:`SectionSeries` (monthly mean concentrations per parameter and
monthly flow volume at named monitoring sections) and reads it from

* a **monitoring CSV** of monthly section means (:func:`read_monitoring_csv`), or
* a **hydro results netCDF** file, aggregating daily section values to months
  (:func:`read_results`).

:func:`read_series` picks the reader from the file's suffix.

Missing months are never filled.  A month with no value is NaN in the series, and
:meth:`SectionSeries.missing_months` reports it; the rule engine computes what it can
and marks the payments that depend on a missing month.

Monitoring CSV format
---------------------
One row per section, month and parameter, with exactly these columns (any order)::

    section,year,month,parameter,value,unit
    gubeikou,2018,1,tn,5.12,mg/L
    gubeikou,2018,1,flow,12.4,m3/s
    gubeikou,2018,2,flow,2.9e7,m3

* ``parameter``: ``tn``, ``tp``, ``nh3n``, ``codmn``, ``do`` (concentrations, unit
  ``mg/L``) or ``flow`` (unit ``m3`` for the month's volume, or ``m3/s`` for the
  month's mean discharge, turned into a volume with the days of that month).
  Case, ``-`` and ``_`` are ignored, so ``NH3-N`` and ``CODMn`` are accepted.
* ``value``: a number >= 0, or empty for a month known to be missing.
* Lines whose first cell starts with ``#`` are comments.
"""

from __future__ import annotations

import calendar
import csv
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.standards import PARAMETERS
from hydro.units import SECONDS_PER_DAY

#: The parameter id of the monthly flow volume (m³) in a :class:`SectionSeries`.
FLOW = "flow"

#: Every parameter id a :class:`SectionSeries` may hold.
SERIES_PARAMETERS: tuple[str, ...] = PARAMETERS + (FLOW,)

#: Columns of the monitoring CSV.
CSV_COLUMNS: tuple[str, ...] = ("section", "year", "month", "parameter", "value", "unit")

_SECONDS_PER_DAY = SECONDS_PER_DAY


def round_significant(x, digits: int = 12):
    """``x`` (a float or array) rounded to ``digits`` significant digits; NaN stays NaN."""
    if np.ndim(x) == 0:
        return float(f"{float(x):.{digits}g}")
    return np.array([float(f"{v:.{digits}g}") for v in np.ravel(x)]).reshape(np.shape(x))


def _days_in_months(first_year: int, n_years: int) -> np.ndarray:
    return np.array(
        [calendar.monthrange(first_year + i // 12, i % 12 + 1)[1] for i in range(12 * n_years)],
        dtype=np.float64,
    )


class DailySections:
    """Daily discharge (m3/s) and concentrations (mg/L) at sections, kept beside a
    :class:`SectionSeries` read from a results file, for flow normalisation.

    Parameters
    ----------
    dates : numpy.ndarray
        Consecutive days (``datetime64[D]``).
    q : mapping
        ``{section: daily discharge}``.
    conc : mapping
        ``{section: {parameter: daily concentration}}``.
    """

    def __init__(self, dates: np.ndarray, q: Mapping[str, np.ndarray],
                 conc: Mapping[str, Mapping[str, np.ndarray]]):
        self.dates = np.asarray(dates, dtype="datetime64[D]")
        self.q = dict(q)
        self.conc = {s: dict(p) for s, p in conc.items()}
        self._cache: dict[tuple[str, str], dict[int, float]] = {}

    def flow_normalised(self, section: str, parameter: str, source: str = "series") -> dict[int, float]:
        """``{calendar year: flow-normalised annual mean concentration}`` (complete years)."""
        key = (section, parameter)
        if key not in self._cache:
            from hydro import flownorm

            q = self.q.get(section)
            c = self.conc.get(section, {}).get(parameter)
            if q is None or c is None:
                raise HydroError(f"{source}: no daily {parameter} and discharge at '{section}' "
                                 "to flow-normalise")
            ok = np.isfinite(q) & (q > 0)
            if not ok.all():
                raise HydroError(f"{source}: section '{section}' has {int((~ok).sum())} days without "
                                 "positive discharge; flow normalisation (WRTDS) needs ln Q on every day")
            try:
                table = flownorm.annual(flownorm.wrtds_daily(self.dates, q, c), start_month=1)
            except ValueError as exc:
                raise HydroError(f"{source}: section '{section}', {parameter}: flow normalisation "
                                 f"failed: {exc}") from None
            self._cache[key] = {int(y): float(v) for y, v in zip(table.year, table.fn_conc)}
        return self._cache[key]


@dataclass(frozen=True)
class SectionSeries:
    """Monthly values at monitoring sections, on whole calendar years.

    Parameters
    ----------
    first_year : int
        The first calendar year; the index runs January ``first_year`` to December
        of the last year, ``12 * n_years`` months.
    data : mapping
        ``{section: {parameter: array}}``.  Concentrations (``tn``, ``tp``, ``nh3n``,
        ``codmn``, ``do``) are monthly means in mg/L; ``flow`` is the month's volume
        in m³.  Each array has one value per month of the index; NaN marks a
        missing month.
    source : str
        Where the series came from (a file name), for messages.

    daily : DailySections, optional
        The daily section values the monthly means were made from (a results file),
        which :meth:`flow_normalised_mean` needs; None for monthly monitoring data.

    Raises
    ------
    HydroError
        For unknown parameters, arrays of the wrong length, or negative values.
    """

    first_year: int
    data: Mapping[str, Mapping[str, np.ndarray]]
    source: str = "series"
    daily: DailySections | None = field(default=None, compare=False, repr=False)
    n_years: int = field(init=False)

    def __post_init__(self):
        lengths = {np.asarray(a).shape for p in self.data.values() for a in p.values()}
        if not lengths:
            raise HydroError(f"{self.source}: no section values; the series is empty")
        if len(lengths) != 1 or len(next(iter(lengths))) != 1 or next(iter(lengths))[0] % 12:
            raise HydroError(
                f"{self.source}: every section series must be one value per month over whole "
                f"years (a length that is a multiple of 12); got shapes {sorted(lengths)}"
            )
        n = next(iter(lengths))[0]
        clean: dict[str, dict[str, np.ndarray]] = {}
        for section, params in self.data.items():
            clean[section] = {}
            for parameter, values in params.items():
                if parameter not in SERIES_PARAMETERS:
                    raise HydroError(
                        f"{self.source}: section '{section}': unknown parameter '{parameter}'"
                        + suggest(parameter, SERIES_PARAMETERS)
                        + "; known: " + ", ".join(SERIES_PARAMETERS)
                    )
                arr = np.array(values, dtype=np.float64)
                if np.any(arr[np.isfinite(arr)] < 0):
                    raise HydroError(f"{self.source}: section '{section}', {parameter}: negative values")
                arr[~np.isfinite(arr)] = np.nan
                arr.setflags(write=False)
                clean[section][parameter] = arr
        object.__setattr__(self, "data", clean)
        object.__setattr__(self, "n_years", n // 12)

    # -- index --------------------------------------------------------------------
    @property
    def years(self) -> list[int]:
        """The calendar years of the index."""
        return list(range(self.first_year, self.first_year + self.n_years))

    @property
    def sections(self) -> list[str]:
        """Section ids, sorted."""
        return sorted(self.data)

    def parameters(self, section: str) -> list[str]:
        """Parameter ids held at ``section``, sorted."""
        return sorted(self.data[section])

    def has(self, section: str, parameter: str) -> bool:
        """Whether ``parameter`` has a series at ``section``."""
        return section in self.data and parameter in self.data[section]

    # -- values -------------------------------------------------------------------
    def monthly(self, section: str, parameter: str, year: int) -> np.ndarray:
        """The 12 monthly values of ``year`` (mg/L, or m³ for ``flow``); NaN where missing.

        A year outside the index, or a parameter the section has no data for, gives 12 NaN.
        """
        i = year - self.first_year
        values = self.data.get(section, {}).get(parameter)
        if values is None or not 0 <= i < self.n_years:
            return np.full(12, np.nan)
        return values[12 * i:12 * i + 12]

    def missing_months(self, section: str, parameter: str, year: int) -> list[int]:
        """Months (1..12) of ``year`` without a value."""
        return [int(m) + 1 for m in np.flatnonzero(np.isnan(self.monthly(section, parameter, year)))]

    def annual_mean(self, section: str, parameter: str, year: int) -> float:
        """The arithmetic mean of the 12 monthly means (mg/L); NaN if any month is missing.

        Rounded to 12 significant digits, so that round-off never moves a mean across
        a class limit or target (twelve months of 0.1 mg/L average to 0.1, not
        0.10000000000000002).
        """
        v = self.monthly(section, parameter, year)
        return round_significant(float(v.mean())) if not np.isnan(v).any() else math.nan

    def annual_volume(self, section: str, year: int) -> float:
        """The year's flow volume (m³), the sum of 12 monthly volumes; NaN if any is missing."""
        v = self.monthly(section, FLOW, year)
        return float(v.sum()) if not np.isnan(v).any() else math.nan

    def flow_normalised_mean(self, section: str, parameter: str, year: int) -> float:
        """The WRTDS flow-normalised mean concentration (mg/L) of calendar ``year``.

        Computed (:func:`hydro.flownorm.wrtds_daily`, once per section and parameter)
        from the daily concentration and discharge in :attr:`daily`; NaN for a year the
        daily record does not cover completely.

        Raises
        ------
        HydroError
            If the series has no daily values (a monitoring CSV of monthly means), or
            the section has none for ``parameter``, or WRTDS cannot be fitted.
        """
        if self.daily is None:
            raise HydroError(f"{self.source}: flow normalisation needs daily concentration and "
                             "discharge (a hydro results file); this series holds monthly means only")
        table = self.daily.flow_normalised(section, parameter, self.source)
        value = table.get(year, math.nan)
        return round_significant(value) if not math.isnan(value) else math.nan

    def missing(self) -> list[dict]:
        """Every gap: ``{"section", "parameter", "year", "months"}`` per year with missing months."""
        out = []
        for section in self.sections:
            for parameter in self.parameters(section):
                for year in self.years:
                    months = self.missing_months(section, parameter, year)
                    if months:
                        out.append({"section": section, "parameter": parameter, "year": year,
                                    "months": months})
        return out


# ---------------------------------------------------------------------------------
# Monitoring CSV
# ---------------------------------------------------------------------------------
_CONCENTRATION_UNITS = {"mg/l"}
_FLOW_UNITS = {"m3": "volume", "m3/s": "discharge"}


def normalise_parameter(name: str) -> str:
    """``"NH3-N"`` -> ``"nh3n"``: lower case without ``-``, ``_`` or spaces."""
    return re.sub(r"[-_\s]", "", str(name)).lower()


def read_monitoring_csv(path: str | Path) -> SectionSeries:
    """Read a monitoring CSV of monthly section means (format in the module docstring).

    Parameters
    ----------
    path : str or Path
        The CSV file.

    Returns
    -------
    SectionSeries
        Concentrations in mg/L, flow as monthly volume in m³; months without a row
        (or with an empty value) are NaN.

    Raises
    ------
    HydroError
        For a missing file, wrong columns, an unknown parameter or unit, a bad year,
        month or value, or a duplicate row; the message names the file and line.
    """
    import io

    from hydro.tomlio import read_text  # UTF-8 with or without BOM; else "save it as UTF-8"

    path = Path(path)
    fh = io.StringIO(read_text(path, "monitoring CSV"))
    rows: dict[tuple[str, str, int, int], tuple[float, int]] = {}
    with fh:
        reader = csv.reader(fh)
        header = None
        for row in reader:
            line = reader.line_num
            if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            cells = [c.strip() for c in row]
            if header is None:
                header = [c.lower() for c in cells]
                for c in header:
                    if c not in CSV_COLUMNS:
                        raise HydroError(
                            f"{path}: line {line}: unknown column '{c}'" + suggest(c, CSV_COLUMNS)
                            + "; the columns are " + ", ".join(CSV_COLUMNS))
                lacking = [c for c in CSV_COLUMNS if c not in header]
                if lacking or len(set(header)) != len(header):
                    raise HydroError(
                        f"{path}: line {line}: header must name each of "
                        + ", ".join(CSV_COLUMNS) + " once"
                        + (f"; missing: {', '.join(lacking)}" if lacking else "; a column is repeated"))
                continue
            if len(cells) != len(header):
                raise HydroError(
                    f"{path}: line {line}: expected {len(header)} cells ({', '.join(header)}), "
                    f"got {len(cells)}")
            rec = dict(zip(header, cells))
            section = rec["section"]
            if not section:
                raise HydroError(f"{path}: line {line}: empty section id")
            year = _csv_int(path, line, "year", rec["year"], 1, 9999)
            month = _csv_int(path, line, "month", rec["month"], 1, 12)
            parameter = normalise_parameter(rec["parameter"])
            if parameter not in SERIES_PARAMETERS:
                raise HydroError(
                    f"{path}: line {line}: unknown parameter '{rec['parameter']}'"
                    + suggest(parameter, SERIES_PARAMETERS)
                    + "; expected one of " + ", ".join(SERIES_PARAMETERS))
            unit = rec["unit"].replace(" ", "").lower()
            value = _csv_value(path, line, rec["value"])
            if parameter == FLOW:
                if unit not in _FLOW_UNITS:
                    raise HydroError(
                        f"{path}: line {line}: unit '{rec['unit']}' for flow; expected 'm3' "
                        "(monthly volume) or 'm3/s' (monthly mean discharge)")
                if unit == "m3/s" and not math.isnan(value):
                    value *= calendar.monthrange(year, month)[1] * _SECONDS_PER_DAY
            elif unit not in _CONCENTRATION_UNITS:
                raise HydroError(
                    f"{path}: line {line}: unit '{rec['unit']}' for {parameter}; "
                    "concentrations must be in 'mg/L' (convert them before reading)")
            key = (section, parameter, year, month)
            if key in rows:
                raise HydroError(
                    f"{path}: line {line}: a second value for {section} {parameter} "
                    f"{year}-{month:02d} (first on line {rows[key][1]}); keep one row per month")
            rows[key] = (value, line)
    if header is None or not rows:
        raise HydroError(f"{path}: no data rows; expected a header ({', '.join(CSV_COLUMNS)}) and rows")
    years = [k[2] for k in rows]
    first, n_years = min(years), max(years) - min(years) + 1
    data: dict[str, dict[str, np.ndarray]] = {}
    for (section, parameter, year, month), (value, _) in rows.items():
        arr = data.setdefault(section, {}).setdefault(parameter, np.full(12 * n_years, np.nan))
        arr[12 * (year - first) + month - 1] = value
    return SectionSeries(first, data, source=str(path))


def _csv_int(path, line, column, text, lo, hi) -> int:
    try:
        value = int(text)
    except ValueError:
        raise HydroError(f"{path}: line {line}: {column} '{text}' is not an integer") from None
    if not lo <= value <= hi:
        raise HydroError(f"{path}: line {line}: {column} {value} is outside {lo}..{hi}")
    return value


def _csv_value(path, line, text) -> float:
    if text == "":
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise HydroError(
            f"{path}: line {line}: value '{text}' is not a number; leave it empty for a missing month"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise HydroError(f"{path}: line {line}: value {text} must be a finite number >= 0")
    return value


# ---------------------------------------------------------------------------------
# hydro results netCDF
# ---------------------------------------------------------------------------------
_DISCHARGE_UNITS = {"m3 s-1", "m3/s", "m^3 s^-1", "m3.s-1"}
_CONC_UNITS = {"mg l-1", "mg/l", "mg.l-1", "mg l^-1"}
_CALENDARS = {"standard", "gregorian", "proleptic_gregorian"}
_TIME_UNITS = re.compile(r"^\s*days\s+since\s+(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0*)?)?)?\s*Z?\s*$")


def read_results(path: str | Path, scenario: str | int | None = None) -> SectionSeries:
    """Read a hydro results netCDF file and aggregate its daily section values to months.

    Reservoirs count as monitoring points under their own ids: their in-lake
    concentration becomes a plain monthly mean and their inflow a monthly volume.
    Section concentrations become flow-weighted monthly means,
    ``sum(C_d * Q_d) / sum(Q_d)`` over the days of the month (the plain mean in a
    month with no flow); discharge becomes the month's volume ``sum(Q_d) * 86400`` m³.
    A month with any day absent or missing (a fill value or NaN) is a missing month
    (NaN), never filled.  Monthly means are rounded to 12 significant digits so that
    round-off never moves a value across a class limit.

    Parameters
    ----------
    path : str or Path
        The results file: dimension ``time`` (``days since YYYY-MM-DD``, daily),
        coordinate ``section`` (string ids), ``section_discharge`` (m3 s-1) and any of
        ``section_{tn,tp,nh3n,codmn,do}_concentration`` (mg L-1) on ``(time, section)``.
    scenario : str or int, optional
        For a file with a ``scenario`` dimension: the scenario's name (from the
        ``scenario`` coordinate) or index.

    Returns
    -------
    SectionSeries

    Raises
    ------
    HydroError
        If the file cannot be read or does not follow the schema.
    """
    import netCDF4

    path = Path(path)
    if not path.is_file():
        raise HydroError(f"{path}: file not found; check the path")
    try:
        ds = netCDF4.Dataset(path, "r")
    except OSError as exc:
        raise HydroError(f"{path}: not a readable netCDF file ({exc})") from None
    try:
        ds.set_auto_mask(True)
        days, first_date = _read_time(path, ds)
        sections = _read_sections(path, ds)
        if "section_discharge" not in ds.variables:
            raise HydroError(f"{path}: variable 'section_discharge' is missing; "
                             "compensation needs section discharge (m3 s-1)")
        q = _read_field(path, ds, "section_discharge", _DISCHARGE_UNITS, "m3 s-1", scenario)
        conc = {}
        for p in PARAMETERS:
            name = f"section_{p}_concentration"
            if name in ds.variables:
                conc[p] = _read_field(path, ds, name, _CONC_UNITS, "mg L-1", scenario)
        # reservoirs are monitoring points too (id = the reservoir's id): in-lake
        # concentration as a plain monthly mean, inflow as the month's volume
        lakes = _read_ids(path, ds, "reservoir") if "reservoir_inflow" in ds.variables else []
        if lakes:
            q = np.concatenate([q, _read_field(path, ds, "reservoir_inflow", _DISCHARGE_UNITS, "m3 s-1",
                                               scenario)], axis=1)
            for p in list(conc):
                name = f"reservoir_{p}_concentration"
                lake = (_read_field(path, ds, name, _CONC_UNITS, "mg L-1", scenario) if name in ds.variables
                        else np.full((q.shape[0], len(lakes)), np.nan))
                conc[p] = np.concatenate([conc[p], lake], axis=1)
            sections = sections + [x for x in lakes]
    finally:
        ds.close()
    is_lake = [False] * (len(sections) - len(lakes)) + [True] * len(lakes)

    dates = np.datetime64(first_date, "D") + days
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dates.astype("datetime64[M]").astype(np.int64) % 12
    first_year = int(years.min())
    n_years = int(years.max()) - first_year + 1
    month_index = (years - first_year) * 12 + months
    n_months = 12 * n_years
    days_in_month = _days_in_months(first_year, n_years)
    if len(np.unique(days)) != days.size:
        raise HydroError(f"{path}: variable 'time' repeats a day; expected one value per day")

    def complete(valid):
        counts = np.bincount(month_index[valid], minlength=n_months)
        return counts == days_in_month

    data: dict[str, dict[str, np.ndarray]] = {s: {} for s in sections}
    daily = None
    if days.size > 1 and np.all(np.diff(days) == 1):  # consecutive days: keep them for WRTDS
        rivers = [j for j in range(len(sections)) if not is_lake[j]]
        daily = DailySections(dates, {sections[j]: q[:, j].copy() for j in rivers},
                              {sections[j]: {p: c[:, j].copy() for p, c in conc.items()} for j in rivers})
    for j, section in enumerate(sections):
        qj = q[:, j]
        q_ok = np.isfinite(qj)
        volume = np.bincount(month_index[q_ok], weights=qj[q_ok], minlength=n_months) * _SECONDS_PER_DAY
        data[section][FLOW] = np.where(complete(q_ok), volume, np.nan)
        for p, c in conc.items():
            cj = c[:, j]
            ok = q_ok & np.isfinite(cj)
            mi = month_index[ok]
            flow_sum = np.bincount(mi, weights=qj[ok], minlength=n_months)
            load_sum = np.bincount(mi, weights=qj[ok] * cj[ok], minlength=n_months)
            plain = np.bincount(mi, weights=cj[ok], minlength=n_months) / np.maximum(
                np.bincount(mi, minlength=n_months), 1)
            with np.errstate(invalid="ignore", divide="ignore"):
                weighted = plain if is_lake[j] else np.where(flow_sum > 0, load_sum / flow_sum, plain)
            data[section][p] = round_significant(np.where(complete(ok), weighted, np.nan))
    return SectionSeries(first_year, data, source=str(path), daily=daily)


def _read_time(path, ds) -> tuple[np.ndarray, str]:
    if "time" not in ds.variables:
        raise HydroError(f"{path}: variable 'time' is missing; expected daily 'days since YYYY-MM-DD'")
    var = ds.variables["time"]
    units = getattr(var, "units", "")
    match = _TIME_UNITS.match(units)
    if not match:
        raise HydroError(f"{path}: variable 'time': units '{units}'; expected 'days since YYYY-MM-DD'")
    cal = str(getattr(var, "calendar", "standard")).lower()
    if cal not in _CALENDARS:
        raise HydroError(f"{path}: variable 'time': calendar '{cal}' is not supported; "
                         "expected standard, gregorian or proleptic_gregorian")
    values = np.ma.filled(np.ma.asarray(var[:], dtype=np.float64), np.nan)
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise HydroError(f"{path}: variable 'time' is empty or has missing values")
    days = np.floor(values).astype(np.int64)
    y, m, d = (int(g) for g in match.groups())
    return days, f"{y:04d}-{m:02d}-{d:02d}"


def _read_sections(path, ds) -> list[str]:
    if "section" not in ds.variables:
        raise HydroError(f"{path}: coordinate variable 'section' (string ids) is missing")
    return _read_ids(path, ds, "section")


def _read_ids(path, ds, dim: str) -> list[str]:
    """The string ids of coordinate ``dim`` (sections, reservoirs)."""
    var = ds.variables[dim]
    raw = var[:]
    if var.dtype == "S1" or (hasattr(raw, "dtype") and raw.dtype.kind == "S" and raw.ndim == 2):
        import netCDF4

        raw = netCDF4.chartostring(raw)
    ids = [s.decode() if isinstance(s, bytes) else str(s) for s in np.ravel(raw)]
    ids = [s.strip() for s in ids]
    if len(set(ids)) != len(ids):
        raise HydroError(f"{path}: coordinate '{dim}' repeats an id: {ids}")
    return ids


def _read_field(path, ds, name, accepted_units, expected, scenario) -> np.ndarray:
    var = ds.variables[name]
    units = str(getattr(var, "units", "")).strip()
    if units.lower() not in accepted_units:
        raise HydroError(f"{path}: variable '{name}': units '{units}'; expected '{expected}'")
    dims = list(var.dimensions)
    data = np.ma.filled(np.ma.asarray(var[:], dtype=np.float64), np.nan)
    if "scenario" in dims:
        axis = dims.index("scenario")
        index = _scenario_index(path, ds, scenario, data.shape[axis])
        data = np.take(data, index, axis=axis)
        dims.pop(axis)
    elif scenario is not None:
        raise HydroError(f"{path}: a scenario was asked for ({scenario!r}) but '{name}' has no scenario dimension")
    place = "reservoir" if name.startswith("reservoir_") else "section"
    if sorted(dims) != sorted([place, "time"]):
        raise HydroError(f"{path}: variable '{name}' has dimensions {tuple(var.dimensions)}; "
                         f"expected (time, {place})")
    if dims[0] != "time":
        data = data.T
    return data


def _scenario_index(path, ds, scenario, size) -> int:
    names = []
    if "scenario" in ds.variables:
        names = [s.decode() if isinstance(s, bytes) else str(s) for s in np.ravel(ds.variables["scenario"][:])]
    if scenario is None:
        if size == 1:
            return 0
        raise HydroError(f"{path}: the file holds {size} scenarios ({', '.join(names) or 'unnamed'}); "
                         "choose one by name or index")
    if isinstance(scenario, int) and not isinstance(scenario, bool):
        if 0 <= scenario < size:
            return scenario
        raise HydroError(f"{path}: scenario index {scenario} is outside 0..{size - 1}")
    if scenario in names:
        return names.index(scenario)
    raise HydroError(f"{path}: unknown scenario '{scenario}'" + suggest(str(scenario), names)
                     + "; the file holds: " + ", ".join(names))


def read_series(path: str | Path, scenario: str | int | None = None) -> SectionSeries:
    """Read a section series from a monitoring CSV (``.csv``) or a results file (``.nc``).

    Raises
    ------
    HydroError
        For any other suffix, and for the readers' errors.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if scenario is not None:
            raise HydroError(f"{path}: a monitoring CSV has no scenarios; drop the scenario option")
        return read_monitoring_csv(path)
    if suffix in (".nc", ".nc4", ".netcdf"):
        return read_results(path, scenario)
    raise HydroError(f"{path}: unknown kind of file '{suffix}'; expected a monitoring CSV (.csv) "
                     "or a hydro results file (.nc)")
