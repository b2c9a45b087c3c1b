"""hydro's daily forcing CSV: :func:`read_forcing_csv` and :func:`write_forcing_csv`.

One format for every forcing: a watershed's station weather and a lumped
catchment's forcing (``docs/catchment-csv.md``), which may leave out the
temperatures (when it gives PET and has no snow) and add observed streamflow
(``qobs_mm`` or ``qobs_m3s``).  The format, its ``# key: value`` header and the
``fill_missing`` rules for days without an observation are described in
:mod:`hydro.weather`.  The former catchment name of the mean temperature,
``temp_c``, is still read (as ``tmean_c``) with a deprecation warning.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hydro.daily_forcing import VALUE_COLUMNS as _VALUE_COLUMNS
from hydro.daily_forcing import DailyForcing
from hydro.dates import not_a_day, read_day
from hydro.errors import HydroError, suggest
from hydro.forcing_fill import FILL_RULES as FILL_RULES
from hydro.forcing_fill import fill_missing, fill_rules, station_days
from hydro.forcing_header import TITLE, read_comments
from hydro.units import MM_KM2_PER_DAY_TO_M3_S
from hydro.weather_csv import (
    KELVIN_HINT,
    SECOND_HEADER,
    TEMP_RANGE_C,
    check_header,
    parse_rows,
    read_column,
    read_text_lines,
    separator_hint,
    unit_hint,
)

#: Forcing CSV columns: name → (required, long name with units).
FORCING_COLUMNS: dict[str, tuple[bool, str]] = {
    "date": (True, "calendar day, ISO YYYY-MM-DD"),
    "precip_mm": (True, "precipitation, mm d-1"),
    "tmean_c": (True, "daily mean air temperature, degC"),
    "tmin_c": (True, "daily minimum air temperature, degC"),
    "tmax_c": (True, "daily maximum air temperature, degC"),
    "pet_mm": (False, "potential evapotranspiration, mm d-1"),
    "station": (False, "where the day's values come from: a code explained in the header (text)"),
    "qobs_mm": (False, "observed streamflow, depth over the catchment, mm d-1 (NA: no record)"),
    "qobs_m3s": (False, "observed streamflow, m3 s-1 (NA: no record), converted with the area"),
}
#: The columns a forcing must have by default (a watershed's station weather): the
#: required ones of :data:`FORCING_COLUMNS`.  A lumped catchment needs only
#: :data:`CATCHMENT_REQUIRED` (temperatures only where PET or snow need them).
WEATHER_REQUIRED = tuple(k for k, (req, _) in FORCING_COLUMNS.items() if req)
CATCHMENT_REQUIRED = ("date", "precip_mm")
#: The optional columns of a watershed's station weather (PET is computed for each subbasin,
#: observed flow belongs to gauges): :func:`check_weather_header`.
WEATHER_OPTIONAL = ("station",)
#: Former column names still read, with a deprecation warning: old -> current.
DEPRECATED_COLUMNS = {"temp_c": "tmean_c"}

#: Most precipitation in one day that is plausible, mm (more is an error); also the most runoff (qobs).
MAX_DAILY_PRECIP_MM = 2000.0
#: Most PET in one day, mm: hot deserts reach 15-20; more is a unit slip (a monthly total, 0.1 mm).
MAX_DAILY_PET_MM = 30.0


def read_forcing_csv(path: str | Path, *, allow_missing: bool = False,
                     required: Sequence[str] = WEATHER_REQUIRED,
                     area_km2: float | None = None) -> DailyForcing:
    """Read a hydro daily forcing CSV.

    Parameters
    ----------
    path : str or Path
        The file (format in the module docstring).
    allow_missing : bool, optional
        Accept ``NA`` (or empty) values as NaN and return the file as written.
        Default False: a model run needs every day, so a gap is an error naming its
        line and date, unless the header's ``fill_missing`` rules cover it (then the
        gap is filled and the metadata record ``filled_*``; module docstring).
        Observed streamflow may always have gaps.
    required : sequence of str, optional
        Columns the file must have: default :data:`WEATHER_REQUIRED` (a
        watershed's station); :data:`CATCHMENT_REQUIRED` for a lumped catchment,
        whose missing temperatures are all NaN (``tmean_c`` is the mean of
        ``tmin_c`` and ``tmax_c`` where only those are given).
    area_km2 : float, optional
        Catchment area (km2), to convert ``qobs_m3s`` to mm d-1.

    Returns
    -------
    DailyForcing
        A 1-D series with the header's ``key: value`` lines as metadata
        (``synthetic`` as bool, ``seed`` as int, the rest as strings).

    Raises
    ------
    HydroError
        For a missing file, a missing, unknown or repeated column, a bad or
        non-consecutive date, a non-numeric or out-of-range value, a missing value
        (unless ``allow_missing``), or tmin <= tmean <= tmax violated; the message
        names the file, column, line and date.
    """
    path = Path(path)
    lines = read_text_lines(path)
    meta, first = read_comments(path, lines)
    if first == len(lines):
        raise HydroError(
            f"{path}: no header line; expected '{','.join(required)}' after the '#' comments"
        )
    header, rows, numbers = parse_rows(path, lines, first)
    header = _check_columns(path, header, first, required, area_km2)
    if not rows:
        raise HydroError(f"{path}: no data rows after the header; expected one row per day")

    dates = _read_dates(path, rows, numbers, header.index("date"))
    rules = fill_rules(path, meta)
    if "station" in header:
        meta["station_days"] = station_days(path, header, rows, numbers, dates)
    values: dict[str, Any] = {}
    for name in _VALUE_COLUMNS:
        if name not in header:
            values[name] = None
            continue
        values[name] = read_column(path, header, rows, numbers, name, allow_missing=True,
                               gaps=allow_missing or bool(rules))
    if not allow_missing and rules:
        if "temp_range_monthly" in rules and any(values[c] is None for c in ("tmean_c", "tmin_c", "tmax_c")):
            raise HydroError(f"{path}: header 'fill_missing': rule 'temp_range_monthly' needs the columns "
                             "tmean_c, tmin_c and tmax_c; add them or drop the rule")
        fill_missing(values, dates, rules, meta)
    for name in _VALUE_COLUMNS:
        v = values[name]
        if not allow_missing and v is not None and np.isnan(v).any():
            i = int(np.flatnonzero(np.isnan(v))[0])
            raise HydroError(
                f"{path}: line {numbers[i]} ({dates[i]}), column '{name}': value missing; a simulation needs "
                "a value on every day: fill the gap (from a nearby station, or by interpolation)"
                + (f"; the header's fill_missing ({', '.join(rules)}) does not cover it" if rules else "")
            )
    _absent_temperatures(values, dates.size)
    _check_values(path, values, numbers, dates)
    qobs = _observed_flow(path, header, rows, numbers, dates, area_km2)
    return DailyForcing(dates, values["precip_mm"], values["tmean_c"], values["tmin_c"], values["tmax_c"],
                        values["pet_mm"], meta, qobs, path)


def _check_columns(path: Path, header: list[str], first: int, required: Sequence[str],
                   area_km2: float | None) -> list[str]:
    """The header with deprecated names renamed; unknown, repeated or missing columns are errors."""
    header = list(header)
    for old, new in DEPRECATED_COLUMNS.items():
        if old in header:
            if new in header:
                raise HydroError(f"{path}: header (line {first + 1}): both '{old}' (the former name) and "
                                 f"'{new}'; keep '{new}'")
            warnings.warn(f"{path}: column '{old}' is the former name of '{new}' (one forcing format for "
                          f"catchments and watersheds); it is read as '{new}': rename it in the header",
                          FutureWarning, stacklevel=3)
            header[header.index(old)] = new
    optional = [k for k in FORCING_COLUMNS if k not in required]
    for name in header:
        if name not in FORCING_COLUMNS:
            raise HydroError(
                f"{path}: header (line {first + 1}): unknown column '{name}'"
                f"{column_hint(name, header)}; expected {', '.join(required)} and optionally "
                f"{', '.join(optional)}"
            )
    check_header(path, header, required, optional)
    if ("tmin_c" in header) != ("tmax_c" in header):
        given, missing = ("tmin_c", "tmax_c") if "tmin_c" in header else ("tmax_c", "tmin_c")
        raise HydroError(f"{path}: column '{given}' without '{missing}'; give both, or neither")
    if "qobs_mm" in header and "qobs_m3s" in header:
        raise HydroError(f"{path}: both 'qobs_mm' and 'qobs_m3s'; keep one of them")
    if "qobs_m3s" in header and area_km2 is None:
        raise HydroError(f"{path}: column 'qobs_m3s' needs the catchment area to convert to mm/d; "
                         "give area_km2 (in the catchment TOML) or a 'qobs_mm' column")
    return header


def column_hint(name: str, header: list[str]) -> str:
    """The nearest column name (names are lower case), a column in another unit, or a
    separator other than ','."""
    if name.lower() in FORCING_COLUMNS:
        return f" (did you mean '{name.lower()}'? column names are lower case)"
    units = {k: text.split(", ")[-1].split(" (")[0] for k, (_, text) in FORCING_COLUMNS.items()
             if k[-2:] in ("mm", "_c", "3s")}
    return separator_hint(header) or unit_hint(name, units) or suggest(name, FORCING_COLUMNS)


def check_weather_header(path: Path, header: list[str], line: int) -> None:
    """The header of a watershed's ``[weather]`` CSV: :data:`WEATHER_REQUIRED` and
    :data:`WEATHER_OPTIONAL` only; a lumped catchment's ``pet_mm`` or observed flow,
    which a watershed run would ignore, is an error."""
    for name in header:
        if name in FORCING_COLUMNS and name not in WEATHER_REQUIRED + WEATHER_OPTIONAL:
            raise HydroError(f"{path}: header (line {line}): column '{name}' is read only for a lumped catchment "
                             "(docs/catchment-csv.md); a watershed computes PET for each subbasin (Oudin, from "
                             "its temperature) and takes observed flow from its gauges, so the run would ignore "
                             "it: remove the column")
        if name not in FORCING_COLUMNS:
            raise HydroError(f"{path}: header (line {line}): unknown column '{name}'{column_hint(name, header)}"
                             f"; expected {', '.join(WEATHER_REQUIRED)} and optionally {', '.join(WEATHER_OPTIONAL)}")
    check_header(path, header, WEATHER_REQUIRED, WEATHER_OPTIONAL)


def _absent_temperatures(values: dict[str, Any], n_day: int) -> None:
    """Temperatures a (catchment) file leaves out: the mean from the extremes, else all NaN."""
    if values["tmean_c"] is None and values["tmin_c"] is not None:
        values["tmean_c"] = 0.5 * (values["tmin_c"] + values["tmax_c"])
    for name in ("tmean_c", "tmin_c", "tmax_c"):
        if values[name] is None:
            values[name] = np.full(n_day, np.nan)


def _observed_flow(path: Path, header, rows, numbers, dates, area_km2) -> np.ndarray | None:
    """``qobs_mm`` (or ``qobs_m3s`` over ``area_km2``) in mm d-1, NaN on days without a record."""
    name = "qobs_mm" if "qobs_mm" in header else "qobs_m3s" if "qobs_m3s" in header else None
    if name is None:
        return None
    q = read_column(path, header, rows, numbers, name, allow_missing=True, gaps=True)
    mm = q / (float(area_km2) * MM_KM2_PER_DAY_TO_M3_S) if name == "qobs_m3s" else q
    with np.errstate(invalid="ignore"):  # above: 1e9 mm/d, or m3/s over a wrong area_km2 (a NSE of nothing)
        bad, high = np.flatnonzero(q < 0), np.flatnonzero(mm > MAX_DAILY_PRECIP_MM)
    if bad.size:
        i = int(bad[0])
        raise HydroError(f"{path}: line {numbers[i]} ({dates[i]}), column '{name}': expected a discharge "
                         f">= 0, got {q[i]:g}; fix that value")
    if high.size:
        i, over = int(high[0]), f" over {area_km2:g} km2 (check area_km2)" if name == "qobs_m3s" else ""
        raise HydroError(f"{path}: line {numbers[i]} ({dates[i]}), column '{name}': {q[i]:g} is {mm[i]:g} mm/d of "
                         f"runoff{over}, more than the most rain in a day ({MAX_DAILY_PRECIP_MM:g} mm); fix that value")
    return mm


def _read_dates(path: Path, rows, numbers, j: int) -> np.ndarray:
    """Column ``j``: dates (:func:`hydro.dates.read_day`), one row per consecutive day."""
    dates = np.empty(len(rows), dtype="datetime64[D]")
    for i, row in enumerate(rows):
        text = row[j].strip()
        try:
            dates[i] = np.datetime64(read_day(text), "D")
        except ValueError:
            why = f"expected a date YYYY-MM-DD, got 'date'; {SECOND_HEADER}" if text == "date" else not_a_day(text)
            raise HydroError(f"{path}: line {numbers[i]}, column 'date': {why}") from None
    step = np.diff(dates).astype(np.int64)
    bad = np.flatnonzero(step != 1)
    if bad.size:
        i = bad[0] + 1
        problem = ("repeats" if step[bad[0]] == 0 else "goes back in time after" if step[bad[0]] < 0
                   else "skips days after")
        later = np.flatnonzero(dates[i:] == dates[i - 1] + 1) if step[bad[0]] > 1 else np.array([], dtype=np.int64)
        order = f" ({dates[i - 1] + 1} is on line {numbers[i + later[0]]}: sort the rows by date)" if len(later) else ""
        raise HydroError(
            f"{path}: line {numbers[i]}, column 'date': {dates[i]} {problem} {dates[i - 1]}{order}; "
            "expected one row per consecutive day"
        )
    return dates


def _check_values(path: Path, values: dict, numbers, dates) -> None:
    """Precipitation and PET >= 0, plausible temperatures, tmin <= tmean <= tmax."""
    def first_bad(mask, name, expected):
        idx = np.flatnonzero(mask)
        if idx.size:
            i = idx[0]
            v = values[name][i]
            hint = ("; if it marks a missing value (a -9999 code), write NA" if v <= -99 else
                    KELVIN_HINT if name[0] == "t" and v > 200
                    else "")
            raise HydroError(
                f"{path}: line {numbers[i]} ({dates[i]}), column '{name}': expected {expected}, "
                f"got {v:g}; fix that value{hint}"
            )

    with np.errstate(invalid="ignore"):
        first_bad(values["precip_mm"] < 0, "precip_mm", "precipitation >= 0 mm")
        first_bad(values["precip_mm"] > MAX_DAILY_PRECIP_MM, "precip_mm", f"at most {MAX_DAILY_PRECIP_MM:g} mm/d")
        if values["pet_mm"] is not None:
            first_bad((values["pet_mm"] < 0) | (values["pet_mm"] > MAX_DAILY_PET_MM), "pet_mm",
                      f"PET of 0 to {MAX_DAILY_PET_MM:g} mm/d")
        for name in ("tmean_c", "tmin_c", "tmax_c"):
            v = values[name]
            first_bad((v < TEMP_RANGE_C[0]) | (v > TEMP_RANGE_C[1]), name,
                      f"{TEMP_RANGE_C[0]:g}..{TEMP_RANGE_C[1]:g} degC")
        first_bad(values["tmin_c"] > values["tmean_c"], "tmin_c", "tmin_c <= tmean_c")
        first_bad(values["tmax_c"] < values["tmean_c"], "tmax_c", "tmax_c >= tmean_c")


def _format_meta_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_format_meta_value(v) for v in np.asarray(value).tolist()) + "]"
    if isinstance(value, float):
        return repr(value)
    return " ".join(str(value).split())  # one line


def write_forcing_csv(
    forcing: DailyForcing,
    path: str | Path,
    *,
    metadata: Mapping[str, Any] | None = None,
    decimals: int = 2,
    overwrite: bool = True,
) -> Path:
    """Write a single daily series in hydro's forcing CSV format.

    Parameters
    ----------
    forcing : DailyForcing
        A 1-D series (select one of an ensemble with :meth:`DailyForcing.series`).
    path : str or Path
        Output file; its folder is created if needed.
    metadata : mapping, optional
        Extra ``key: value`` header lines, added to (and overriding) ``forcing.metadata``.
    decimals : int, optional
        Decimal places for values (default 2: 0.01 mm, 0.01 °C).  Rounding is
        monotone, so tmin <= tmean <= tmax survives it.
    overwrite : bool, optional
        Replace an existing file (default True).

    Returns
    -------
    Path
        The path written.
    """
    if len(forcing.shape) != 1:
        raise ValueError(f"write_forcing_csv: expected one series, got shape {forcing.shape}; use .series(...)")
    path = Path(path)
    if path.exists() and not overwrite:
        raise HydroError(f"{path}: exists; pass overwrite=True or choose another name")
    meta = dict(forcing.metadata)
    meta.update(metadata or {})
    for key in meta:
        if ":" in key or "\n" in key or not key.strip():
            raise ValueError(f"metadata key {key!r}: must be non-empty without ':' or newlines")
    columns = ["date", "precip_mm", "tmean_c", "tmin_c", "tmax_c"] + (["pet_mm"] if forcing.pet_mm is not None else [])
    arrays = [getattr(forcing, c) for c in columns[1:]]
    fmt = f"{{:.{int(decimals)}f}}"
    out = [f"# {TITLE}"]
    out += [f"# {key}: {_format_meta_value(value)}" for key, value in meta.items() if key != "columns"]
    out.append("# columns: " + "; ".join(f"{c} = {FORCING_COLUMNS[c][1]}" for c in columns))
    out.append(",".join(columns))
    text_cols = [np.where(np.isnan(a), "NA", np.char.mod(f"%.{int(decimals)}f", np.where(np.isnan(a), 0.0, a)))
                 for a in arrays]
    # "-0.00" reads back as 0 but looks odd; normalise it.
    zero = fmt.format(0.0)
    text_cols = [np.where(t == "-" + zero, zero, t) for t in text_cols]
    date_text = forcing.dates.astype(str)
    for i in range(forcing.n_days):
        out.append(",".join([date_text[i]] + [t[i] for t in text_cols]))
    from hydro.outputs import write_text  # atomic: a killed writer leaves the old file whole

    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, "\n".join(out) + "\n", overwrite=overwrite)
    return path
