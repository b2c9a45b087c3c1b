"""Reading monthly section series, the input of the compensation rule engine.

A :class:`SectionSeries` (monthly mean concentrations per parameter and monthly
flow volume at named monitoring sections) is read from

* a **monitoring CSV** of monthly section means (:func:`read_monitoring_csv`), or
* a **hydro results netCDF** file, aggregating daily section values to months
  (:func:`read_results`).

:func:`read_series` picks the reader from the file's suffix.

Missing months are never filled.  A month with no value is NaN in the series, and
:meth:`SectionSeries.missing_months` reports it; the rule engine computes what it can
and marks the payments that depend on a missing month.

The series itself is defined in :mod:`hydro.section_series`, the CSV format and
its reader in :mod:`hydro.monitoring_csv` (both re-exported here); this module
reads results files and picks the reader.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.monitoring_csv import CSV_COLUMNS as CSV_COLUMNS
from hydro.monitoring_csv import read_monitoring_csv, read_unit
from hydro.monitoring_ids import not_a_series
from hydro.monitoring_ids import read_ids as _read_ids
from hydro.monitoring_ids import read_sections as _read_sections
from hydro.outputspec import NETCDF_SUFFIXES
from hydro.section_series import FLOW as FLOW
from hydro.section_series import SERIES_PARAMETERS as SERIES_PARAMETERS
from hydro.section_series import DailySections as DailySections
from hydro.section_series import SectionSeries as SectionSeries
from hydro.section_series import complete_month_means, days_in_months
from hydro.section_series import normalise_parameter as normalise_parameter
from hydro.section_series import round_significant as round_significant
from hydro.standards import PARAMETERS
from hydro.units import SECONDS_PER_DAY

_SECONDS_PER_DAY = SECONDS_PER_DAY

__all__ = ["CSV_COLUMNS", "FLOW", "SERIES_PARAMETERS", "DailySections", "SectionSeries", "normalise_parameter",
           "read_monitoring_csv", "read_results", "read_series", "round_significant"]


# ---------------------------------------------------------------------------------
# hydro results netCDF
# ---------------------------------------------------------------------------------
#: What a results file's discharges and concentrations must be in (:func:`hydro.monitoring_csv.read_unit`).
_DISCHARGE_UNITS = "m3/s"
_CONC_UNITS = "mg/l"
_CALENDARS = {"standard", "gregorian", "proleptic_gregorian"}
_TIME_UNITS = re.compile(r"^\s*days\s+since\s+(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0*)?)?)?\s*Z?\s*$")


def read_results(path: str | Path, scenario: str | int | None = None) -> SectionSeries:
    """Read a hydro results netCDF file and aggregate its daily section values to months.

    Reservoirs count as monitoring points under their own ids: their in-lake
    concentration becomes a monthly mean and their inflow a monthly volume.
    Concentrations become monthly means over the days, ``sum(C_d) / n_days``, as the
    monitoring the agreements judge takes them (one sample a month, or an automatic
    station's daily means averaged: a time mean, not weighted by flow; a flow-weighted
    mean, the month's load over its water, weighs a flood day's water as most of the
    month: it differed from the time mean by up to a factor of three in a month of
    Miyun's run, and put 221 of 1,030 TP months at the agreement sections in another
    class; time review 2026-12-05);
    discharge becomes the month's volume ``sum(Q_d) * 86400`` m³.
    A month with any day absent or missing (a fill value or NaN) is a missing month
    (NaN) of that quantity, never filled (a concentration's month needs its own days only:
    a day without discharge leaves the month's volume missing, not its mean).  Monthly means
    are rounded to 12 significant digits so that round-off never moves a value across a
    class limit.

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
    path = Path(path)
    days, first_date, sections, q, conc, n_lakes, absent, moved = _read_daily(path, scenario)
    is_lake = [False] * (len(sections) - n_lakes) + [True] * n_lakes
    series = _monthly(path, days, first_date, sections, q, conc, is_lake, absent)
    transferred: dict[str, object] = {}
    # the months of a place no water from outside reached (0, NaN where the run covers part), computed once
    zero = next((t[:, None] for t in moved.values() if not isinstance(t, str) and not np.any(t)), None)
    none = np.empty(0) if zero is None else _monthly(path, days, first_date, ["-"], zero, {}, [True]).data["-"][FLOW]
    for j, x in enumerate(sections):  # the water from outside in each month's volume (m3), or why unknown
        t = moved.get(x)
        if isinstance(t, str) or not np.any(t):  # a day's NaN is "any": below, its month NaN
            transferred[x] = t if isinstance(t, str) else none.copy()
            continue
        # the tracer's flux is net: dispersion carries some back up a tributary at a junction (a day's
        # value below 0, or above the day's discharge); a month's net volume, never below 0 (the month's
        # water comes in) nor above the month's volume
        months = [_monthly(path, days, first_date, [x], part[:, None], {}, [is_lake[j]]).data[x][FLOW]
                  for part in (np.maximum(t, 0.0), np.maximum(-t, 0.0))]
        transferred[x] = np.minimum(np.maximum(months[0] - months[1], 0.0), series.data[x][FLOW])
    from dataclasses import replace

    return replace(series, transferred=transferred)


def _read_daily(path: Path, scenario):
    """The daily values of a results file: days since the first date, that date, the
    ids (sections, then reservoirs), discharge ``[day, id]`` (m3 s-1), concentrations
    ``{parameter: [day, id]}`` (mg L-1), the number of reservoirs and the ``(reservoir,
    parameter)`` pairs the file has no variable for (a reservoir without
    ``reservoir_<p>_concentration``: the parameter is absent there, not missing months)."""
    from hydro.netcdf_read import open_dataset

    if not path.is_file():
        raise HydroError(f"{path}: file not found; check the path")
    try:
        ds = open_dataset(path)
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
        absent: set[tuple[str, str]] = set()
        for p in PARAMETERS:
            name = f"section_{p}_concentration"
            if name in ds.variables:
                conc[p] = _read_field(path, ds, name, _CONC_UNITS, "mg L-1", scenario)
        # reservoirs are monitoring points too (id = the reservoir's id): in-lake
        # concentration as a plain monthly mean, inflow as the month's volume, without the water
        # transferred straight into the reservoir (South-to-North water is no inflow from upstream)
        lakes = _read_ids(path, ds, "reservoir") if "reservoir_inflow" in ds.variables else []
        if lakes:
            both = sorted(set(sections) & set(lakes))
            if both:  # a rule naming the id would read one of two points without saying which
                raise HydroError(f"{path}: '{both[0]}' is both a section and a reservoir, and an agreement names "
                                 "monitoring points by id; rename the section in the basin file and run it again")
            q = np.concatenate([q, _natural_inflow(path, ds, scenario)], axis=1)
            for p in list(conc):
                name = f"reservoir_{p}_concentration"
                lake = (_read_field(path, ds, name, _CONC_UNITS, "mg L-1", scenario) if name in ds.variables
                        else np.full((q.shape[0], len(lakes)), np.nan))
                if name not in ds.variables:
                    absent.update((x, p) for x in lakes)
                conc[p] = np.concatenate([conc[p], lake], axis=1)
            sections = sections + [x for x in lakes]
        moved = _transferred_daily(path, ds, scenario, sections[:len(sections) - len(lakes)], lakes, q.shape[0])
    finally:
        ds.close()
    return days, first_date, sections, q, conc, len(lakes), absent, moved


def _transferred_daily(path, ds, scenario, sections: list[str], lakes: list[str], n_day: int) -> dict:
    """The water transferred from outside the basin in each id's daily flow (m3 s-1), or why it is not
    known: at sections ``section_transfer_discharge`` (a conservative tracer); at a reservoir, whose
    counted inflow already leaves out the water pumped straight into it (:func:`_natural_inflow`),
    zero unless a transfer enters a reach or another reservoir upstream of it (``network_downstream``):
    the results hold no tracer of a reservoir's inflow. Zero everywhere in a run no water entered."""
    from hydro.run_attributes import id_values, transfer_spans, upstream_elements

    attrs = {k: str(ds.getncattr(k)) for k in ds.ncattrs()}
    given = {k.rsplit(":", 1)[-1] for k, v in id_values(attrs.get("transfer_volume_m3", "")).items() if float(v) > 0}
    into = {element for t, (kind, element, *_) in transfer_spans(attrs.get("transfers", "")).items()
            if kind == "inflow" and t in given}  # "reach", "reservoir": where water came in
    zero = np.zeros(n_day)
    if not into:
        return dict.fromkeys(sections + lakes, zero)
    out: dict[str, object] = {}
    if "section_transfer_discharge" in ds.variables:
        q = _read_field(path, ds, "section_transfer_discharge", _DISCHARGE_UNITS, "m3 s-1", scenario)
        out.update({x: q[:, j] for j, x in enumerate(sections)})
    else:
        out.update(dict.fromkeys(sections, "the results have no variable 'section_transfer_discharge' (left out "
                                           "with --variables?); run again keeping it"))
    entered: set[str] = set()
    for name, dim in (("reach_transfer_inflow", "reach"), ("reservoir_transfer_inflow", "reservoir")):
        if name in ds.variables:
            var = ds.variables[name]
            flow = np.ma.filled(np.ma.asarray(var[:], dtype=np.float64), 0.0)
            axis = tuple(k for k, d in enumerate(var.dimensions) if d != dim)
            entered.update(x for x, f in zip(_read_ids(path, ds, dim), np.nanmax(flow, axis=axis), strict=True)
                           if f > 0)
    up = upstream_elements(attrs.get("network_downstream", ""))
    for lake in lakes:
        above = sorted(entered & up.get(lake, set()))
        known = "network_downstream" in attrs and all(f"{d}_transfer_inflow" in ds.variables for d in into)
        out[lake] = zero if known and not above else (
            f"water transferred into {', '.join(above)} upstream reaches it through its rivers, and the results "
            "hold no tracer of a reservoir's inflow; judge the rule at a section above the reservoir" if above
            else "the results do not say where the transferred water enters (no 'network_downstream', "
                 "'reach_transfer_inflow' or 'reservoir_transfer_inflow'); run again keeping them")
    return out


def _monthly(path: Path, days, first_date, sections, q, conc, is_lake, absent=frozenset()) -> SectionSeries:
    """Daily values aggregated to months (see :func:`read_results`); daily ones kept when consecutive.
    ``absent``: ``(id, parameter)`` pairs the file has no variable for, left out of the series."""
    dates = np.datetime64(first_date, "D") + days
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dates.astype("datetime64[M]").astype(np.int64) % 12
    first_year = int(years.min())
    n_years = int(years.max()) - first_year + 1
    month_index = (years - first_year) * 12 + months
    n_months = 12 * n_years
    days_in_month = days_in_months(first_year, n_years)
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
            if (section, p) in absent:
                continue
            # (a mean over days: a day's discharge, missing or not, weighs nothing; see read_results)
            data[section][p] = complete_month_means(month_index, days_in_month, c[:, j])
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


def _natural_inflow(path, ds, scenario) -> np.ndarray:
    """Each reservoir's inflow less the water transferred straight into it (m3 s-1, (time, reservoir)):
    ``reservoir_natural_inflow``, else ``reservoir_inflow`` less ``reservoir_transfer_inflow`` where the
    file has them (:mod:`hydro.transfers`), else ``reservoir_inflow``."""
    if "reservoir_natural_inflow" in ds.variables:
        return _read_field(path, ds, "reservoir_natural_inflow", _DISCHARGE_UNITS, "m3 s-1", scenario)
    q = _read_field(path, ds, "reservoir_inflow", _DISCHARGE_UNITS, "m3 s-1", scenario)
    if "reservoir_transfer_inflow" in ds.variables:
        q = q - _read_field(path, ds, "reservoir_transfer_inflow", _DISCHARGE_UNITS, "m3 s-1", scenario)
    return q


def _read_field(path, ds, name, accepted_units, expected, scenario) -> np.ndarray:
    var = ds.variables[name]
    units = str(getattr(var, "units", "")).strip()
    if read_unit(units) != (accepted_units, 1.0):  # another unit, or a scaled one (ug/L): refused
        raise HydroError(f"{path}: variable '{name}': units '{units}'; expected '{expected}'")
    dims = list(var.dimensions)
    data = np.ma.filled(np.ma.asarray(var[:], dtype=np.float64), np.nan)
    if "scenario" in dims:
        axis = dims.index("scenario")
        index = _scenario_index(path, ds, scenario, data.shape[axis])
        data = np.take(data, index, axis=axis)
        dims.pop(axis)
    elif scenario is not None:
        raise no_scenario_dimension(scenario, path)
    place = "reservoir" if name.startswith("reservoir_") else "section"
    if "member" in dims:
        from hydro.basin import shipped_basins

        named = str(ds.getncattr("basin")) if "basin" in ds.ncattrs() else ""
        basin = named if named in shipped_basins() else "BASIN"  # a user's basin: its folder or file, not its name
        raise HydroError(f"{path}: a weather ensemble (written with --members: a 'member' dimension); payments "
                         "are evaluated on one run: give a run without --members, or let the command draw the "
                         f"weather itself with the basin the ensemble was run from in place of the file: hydro "
                         f"compensate {basin} AGREEMENT.toml --uncertainty N")
    if sorted(dims) != sorted([place, "time"]):
        raise HydroError(f"{path}: variable '{name}' has dimensions {tuple(var.dimensions)}; "
                         f"expected (time, {place})")
    if dims[0] != "time":
        data = data.T
    return data


def _scenario_index(path, ds, scenario, size) -> int:
    from hydro.netcdf_read import text_values

    names = text_values(ds.variables["scenario"]) if "scenario" in ds.variables else []
    if scenario is None:
        if size == 1:
            return 0
        raise HydroError(f"{path}: the file holds {size} scenarios ({', '.join(names) or 'unnamed'}); "
                         "choose one by name or index (hydro compensate --scenario NAME; hydro compensate "
                         "--scenarios FILE AGREEMENT gives every scenario's incentives)")
    scenario = int(scenario) if str(scenario).isdigit() and scenario not in names else scenario  # '1': an index
    if isinstance(scenario, int) and not isinstance(scenario, bool):
        if 0 <= scenario < size:
            return scenario
        raise HydroError(f"{path}: scenario index {scenario} is outside 0..{size - 1}")
    if scenario in names:
        return names.index(scenario)
    raise HydroError(f"{path}: unknown scenario '{scenario}'" + suggest(str(scenario), names)
                     + "; the file holds: " + ", ".join(names))


def no_scenario_dimension(scenario, path: str | Path | None = None) -> HydroError:
    """The error for a scenario asked of results without a ``scenario`` dimension (those of
    ``hydro run``): the one wording of ``compensate``, ``plot``, ``report`` and the readers
    (``path``: the file, else "these results")."""
    return HydroError(f"--scenario {scenario}: {path or 'these results'} has no scenario dimension (written by "
                      "`hydro run`, not `hydro scenarios`); leave --scenario out")


#: Why payments and classes need daily results (see :func:`refuse_aggregated`).
PAYMENTS_NEED_DAYS = "payments and GB 3838 classes are judged on monthly means made from the days"


def refuse_aggregated(path: str | Path | None, aggregation: str | None = None, why: str = PAYMENTS_NEED_DAYS) -> None:
    """Refuse results written with ``--aggregate monthly|yearly`` where the days are needed:
    :func:`read_results` makes the months from the days, and such a file's means leave every
    month missing (each rule "undetermined", no class); GEP sums the days (``why``: the reason,
    for the message).

    ``aggregation``: the results' ``time_aggregation`` attribute where the caller has read it
    already (the file is then not opened again); else it is read from the file ``path``
    (None: results in memory, named "these results")."""
    path = Path(path) if path is not None else None
    if aggregation is None:
        if path is None or path.suffix.lower() != ".nc" or not path.is_file():
            return
        from hydro.netcdf_read import open_dataset

        try:
            with open_dataset(path) as ds:
                aggregation = str(getattr(ds, "time_aggregation", "daily"))
        except OSError:
            return  # read_results says what is wrong with the file
    if aggregation != "daily":
        raise HydroError(f"{path or 'these results'}: holds {aggregation} means (written with --aggregate "
                         f"{aggregation}); {why}: give the results of a daily run (hydro run without --aggregate)")


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
    if suffix in NETCDF_SUFFIXES:
        return read_results(path, scenario)
    raise not_a_series(path)
