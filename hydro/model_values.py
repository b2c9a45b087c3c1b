"""How :class:`hydro.model.Model` reads the Python values a notebook hands it: basin names, dates
(``run(start, end)``: ISO strings, dates, datetimes, pandas Timestamps, numpy.datetime64 and
0-d DataArrays of one, ``ds.time[0]``) and parameter values (numpy scalars and 0-d arrays
as the Python numbers they hold)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import numpy as np

from hydro.basin import parse_date
from hydro.errors import HydroError
from hydro.overrides import table_key


def basin_spec(spec: Any, call: str) -> Any:
    """``spec`` if it can name a basin (str or path); else a HydroError naming ``call`` (it was a
    TypeError from pathlib)."""
    if not isinstance(spec, (str, os.PathLike)):
        raise HydroError(f"{call}: expected a shipped basin's name ('miyun'), a folder holding basin.toml or "
                         f"the file (str or pathlib.Path), got {type(spec).__name__} {spec!r}")
    return spec


def scalar(value: Any) -> Any:
    """A 0-d numpy array or xarray.DataArray (``ds.time[0]``, a swept value) as the scalar it holds."""
    if (isinstance(value, np.ndarray) or hasattr(value, "dims")) and np.ndim(value) == 0:
        return np.asarray(value)[()]
    return value


def plain(value: Any) -> Any:
    """A numpy scalar, 0-d array or DataArray (a sweep over ``np.arange``) as the Python number it
    holds; a 1-d array, tuple or pandas Series (twelve monthly targets) as the list of numbers a
    basin file holds (a tuple or Series was refused as 'expected a number': review of 2026-12-04)."""
    value = scalar(value)
    if isinstance(value, (np.ndarray, tuple)) or hasattr(value, "dims") or type(value).__name__ == "Series":
        return np.asarray(value).tolist()
    return value.item() if isinstance(value, np.generic) else value


def as_date(value: Any, option: str) -> date | None:
    """``value`` (ISO string, date, datetime or Timestamp: its day, numpy.datetime64, a 0-d
    DataArray of one: ``ds.time[0]``) as a date."""
    value = scalar(value)
    if isinstance(value, datetime) and value == value:  # and a Timestamp (pandas.NaT is not itself): its day
        return value.date()
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, np.datetime64) and not np.isnat(value):
        return value.astype("datetime64[D]").item()
    if isinstance(value, str):
        text = value.strip()
        # a results' time printed (str(ds.time.values[0]): '2020-01-01T00:00:00.000000000') is its day
        midnight = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[T ]00:00(:00(\.0+)?)?", text)
        return parse_date(midnight.group(1) if midnight else text, option)
    shown = repr(value).splitlines()[0][:80]
    raise HydroError(f"{option}: expected a date (an ISO string 'YYYY-MM-DD', a datetime.date, a pandas.Timestamp "
                     f"or a numpy.datetime64: one value of a results' time), got {shown} ({type(value).__name__})"
                     + ("; a missing date (NaT) is none: give the day, or leave it out for the basin's [run] "
                        "period" if isinstance(value, (datetime, np.datetime64)) else ""))


def check_weather(weather: Any, first: date, last: date, basin=None) -> None:
    """Refuse, naming ``weather``, what :meth:`hydro.model.Model.run` cannot run from ``first``
    to ``last`` on: not a DailyForcing (a DataFrame, a file name: an AttributeError deep in
    the pipeline), several series (an ensemble: a numpy broadcasting error), or too few days
    (which the pipeline told as the basin's weather file and ``--start/--end``).  Without
    ``weather``, a watershed ``basin``'s period past its station record (refused after the spin-up,
    naming ``--start/--end`` and the weather file, not the generated weather plan periods run on)
    or starting before it (refused naming ``--start/--end``, a command-line option)."""
    from hydro.daily_forcing import DailyForcing

    if weather is None:
        from hydro.spin_up import record_span

        span = None if basin is None else record_span(basin)
        if span is not None:
            csv, begin, end = span
            if first < begin:  # the pipeline's refusal named hydro run's --start/--end
                raise HydroError(f"{csv}: the station record starts on {begin}, after the run's first day, "
                                 f"{first}; start the run on or after {begin}: run(start, end)")
            if last > end:
                raise HydroError(f"{csv}: the station record ends on {end}, before the run's last day, {last}; "
                                 "run the period on generated weather (the days on the record take its observed "
                                 "weather): weather=hydro.ensemble.member_weather(model.basin, start, end, seed), "
                                 f"or end the run by {end}")
        return
    if not isinstance(weather, DailyForcing):
        raise HydroError(f"weather: expected a hydro.weather.DailyForcing (station weather: a synthetic series "
                         f"or an ensemble member), got {type(weather).__name__}; read a weather CSV with "
                         "hydro.weather.read_forcing_csv(path), or leave weather out for the basin's own")
    if np.ndim(weather.precip_mm) != 1:
        raise HydroError(f"weather: holds several series (precip_mm of shape {np.shape(weather.precip_mm)}: "
                         "an ensemble); run one station series at a time: weather.series(k), one index per "
                         "leading axis")
    have, need = (weather.dates[0], weather.dates[-1]), (np.datetime64(first, "D"), np.datetime64(last, "D"))
    if need[0] < have[0] or need[1] > have[1]:
        raise HydroError(f"weather: covers {have[0]} to {have[1]}, the run needs {need[0]} to {need[1]}; "
                         "give run(start, end) within it, or generate weather for the whole period")
    _check_temperatures(weather)


def mark_given_weather(attrs: dict, basin, weather) -> None:
    """Say in a run's global ``attrs`` that it ran on ``weather`` given to :meth:`hydro.Model.run`, not the basin's
    file (whatever the series was read or made from): the file's attributes go, the given series' come."""
    from hydro.store_climate import given_weather_attributes
    from hydro.weather_provenance import WEATHER_FILE_ATTRIBUTES

    named = weather.metadata.get("source_file")
    attrs["weather"] = "given to Model.run (weather=)" + (f"; its source: {named}" if named else "")
    for key in WEATHER_FILE_ATTRIBUTES:
        attrs.pop(key, None)
    attrs.update(given_weather_attributes(basin, weather))


def runoff_specs(data: dict) -> dict[str, Any]:
    """Name -> :class:`hydro.runoff_model.ParameterSpec` of the basin's runoff model."""
    from hydro.gr4j_parameters import GR4J_CEMANEIGE, GR4J_CEMANEIGE_PARAMETERS

    runoff = data.get("runoff")
    name = runoff.get("model", GR4J_CEMANEIGE) if isinstance(runoff, dict) else GR4J_CEMANEIGE
    if name == GR4J_CEMANEIGE:
        return {spec.name: spec for spec in GR4J_CEMANEIGE_PARAMETERS}
    from hydro.runoff_registry import runoff_model_class

    return {spec.name: spec for spec in runoff_model_class(str(name)).parameters}


def _check_temperatures(weather) -> None:
    """Air temperatures within the weather file's range (:data:`hydro.weather_csv.TEMP_RANGE_C`), as the
    file's reader checks them: kelvin given in memory ran, the outlet's TN 1e-4 of the right one."""
    from hydro.weather_csv import KELVIN_HINT, TEMP_RANGE_C

    low, high = TEMP_RANGE_C
    for name in ("tmean_c", "tmin_c", "tmax_c"):
        values = getattr(weather, name)
        if values is None:
            continue
        bad = np.flatnonzero((values < low) | (values > high))
        if bad.size:
            v = float(values[bad[0]])
            hint = KELVIN_HINT if v > 200 else ""
            raise HydroError(f"weather: {name} on {weather.dates[bad[0]]} is {v:g}; expected {low:g}..{high:g} "
                             f"degC{hint}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numbers(node: Any, prefix: str, keys: tuple[str, ...] = ()) -> Iterator[tuple[str, list[str], Any]]:
    """Every number and every list of numbers (not booleans) of parsed TOML with its dotted path (tables in
    arrays are addressed by their ``id`` or ``name``, as :func:`set_path` reads them) and the path's keys
    less those ids."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _numbers(value, f"{prefix}.{key}" if prefix else key, keys + (str(key),))
    elif isinstance(node, list) and node:
        if all(isinstance(t, dict) and table_key(t) is not None for t in node):
            for t in node:
                yield from _numbers(t, f"{prefix}.{table_key(t)}", keys)
        elif all(_is_number(v) for v in node):
            yield prefix, list(keys), node
    elif _is_number(node):
        yield prefix, list(keys), node


def numeric_leaves(node: Any, prefix: str) -> Iterator[tuple[str, list[str], Any]]:
    """Every number (not a boolean, nor in a list) of parsed TOML with its dotted path and the path's keys
    less the ids of tables in arrays (:func:`_numbers`)."""
    return (leaf for leaf in _numbers(node, prefix) if not isinstance(leaf[2], list))


def no_parameter(basin, parameters, path: str, data: dict) -> HydroError:
    """The error of :meth:`hydro.Model.parameter` for a ``path`` none of ``parameters`` has: a list of
    numbers in the parsed basin file ``data`` (twelve monthly targets: set with ``with_parameters``) said
    to be one; for a runoff parameter the subbasin does not set (``subbasins.ID.runoff.x1_mm``), what it
    takes (the basin's parameter of that name) and how to set it; else the nearest path."""
    from hydro.errors import suggest

    values = {p: v for p, _, v in _numbers(data, "") if isinstance(v, list)}.get(path)
    if values is not None:
        return HydroError(f"{basin.path}: '{path}' is a list of {len(values)} numbers ({values}), not one "
                          "parameter; model.parameters lists single numbers, and "
                          f"with_parameters({{'{path}': [...]}}) sets the list")

    head, sid, rest = (path.split(".", 2) + ["", ""])[:3]
    ws = basin.watershed
    # a subbasin's own [subbasins.runoff] table overrides the basin's (the one per-subbasin override of a
    # basin-wide table: other paths under a subbasin are unknown keys; re-read of 2026-12-04)
    inherits = (head == "subbasins" and rest.startswith("runoff.") and ws is not None
                and sid in {s.id for s in ws.subbasins})
    basin_wide = next((p for p in parameters if p.path == rest), None) if inherits else None
    if basin_wide is not None:
        return HydroError(f"{basin.path}: subbasin '{sid}' does not set '{rest}' itself: it takes the basin's, "
                          f"parameter '{rest}' = {basin_wide.value} {basin_wide.unit}; "
                          f"with_parameters({{'{path}': value}}) sets it for this subbasin alone")
    return HydroError(f"{basin.path}: no parameter '{path}'" + suggest(path, [p.path for p in parameters]))
