"""Flow-normalised concentration and load by WRTDS (Hirsch, Moyer & Archfield 2010).

Weighted Regressions on Time, Discharge and Season, as the EGRET package implements
it (``modelEstimation`` → ``estSurfaces`` → ``estDailyFromSurfaces``):

* At every point of a grid in (decimal year, ln Q) — 16 points a year, 14 values of
  ln Q spanning the daily record ± 0.05 — fit ``ln C = b0 + b1 t + b2 ln Q +
  b3 sin(2 pi t) + b4 cos(2 pi t)`` by weighted least squares (:mod:`hydro.wrtds_fit`:
  tricube weights in time, ln Q and season, half-windows 7 years, 2 and 0.5 year,
  widened by 10 % until 100 samples, 50 uncensored, weigh in; EGRET's ``edgeAdjust``).
* The estimate at a grid point is ``exp(yhat + s^2/2)``, ``s^2 = sum(w r^2) / sum(w)``
  (the maximum-likelihood scale EGRET's ``survreg`` returns).
* A day's concentration is the bilinear interpolation of that surface at its decimal
  year and ln Q; its flux is ``C Q``. Its flow-normalised concentration (flux) is the
  mean of the surface's concentration (flux) at that day's decimal year over every
  discharge observed on the same calendar day in the years of the daily record
  (29 February pooled with 28 February).

Two entry points: :func:`wrtds` for monitored series (sparse samples and daily
discharge) and :func:`wrtds_daily` for a simulated daily series (every day is a
sample). :func:`annual` gives water-year or calendar-year means, as EGRET's
``tableResults`` does. Values below a reporting limit are handled as EGRET does for
left-censored data: the regressions near them are censored-normal (Tobit)
maximum-likelihood fits (EM iterations), which is what ``survreg`` computes.

:func:`from_results` applies it to a simulated monitoring section of ``hydro run``;
the annual tables are :mod:`hydro.wrtds_annual`. ``python -m hydro.flownorm`` prints
the annual table of the shipped Lamprey River nitrate example, of CSV files or of a
section of a results file (``--help``); ``docs/flow-normalisation.md`` describes the
method, the checks and their limits.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hydro.errors import HydroError
from hydro.units import KG_PER_DAY_PER_M3S_MGL
from hydro.wrtds_annual import AnnualResults, annual, format_annual, period_year
from hydro.wrtds_fit import DEFAULT_SETTINGS, Settings, Surface, decimal_year, estimate_surface

# the fit's private steps, which tests and hydro.validation.flownorm_cases check one by one
from hydro.wrtds_fit import _bilinear as _bilinear
from hydro.wrtds_fit import _censored_em as _censored_em
from hydro.wrtds_fit import _design as _design

__all__ = [
    "CFS_TO_M3S",
    "AnnualResults",
    "Settings",
    "Surface",
    "WRTDSResult",
    "annual",
    "decimal_year",
    "estimate_surface",
    "from_results",
    "lamprey_example",
    "main",
    "wrtds",
    "wrtds_daily",
]

#: Cubic feet per second to cubic metres per second.
CFS_TO_M3S = 0.028316846592



@dataclass(frozen=True)
class WRTDSResult:
    """Daily WRTDS estimates.

    Attributes
    ----------
    dates : numpy.ndarray
        Days (``datetime64[D]``).
    q : numpy.ndarray
        Daily discharge (m3/s when ``q_to_m3s`` converted it, else the input unit).
    conc : numpy.ndarray
        Estimated concentration (units of the input concentrations, e.g. mg/L).
    flux : numpy.ndarray
        Estimated flux, kg/day (mg/L x m3/s x 86.4).
    fn_conc, fn_flux : numpy.ndarray
        Flow-normalised concentration and flux.
    surface : Surface
        The fitted surfaces.
    n_samples : int
        Samples used.
    """

    dates: np.ndarray
    q: np.ndarray
    conc: np.ndarray
    flux: np.ndarray
    fn_conc: np.ndarray
    fn_flux: np.ndarray
    surface: Surface
    n_samples: int


def _calendar_day(dates: np.ndarray) -> np.ndarray:
    """Day of a 365-day year (0..364), 29 February pooled with 28 February."""
    d = np.asarray(dates, dtype="datetime64[D]")
    years = d.astype("datetime64[Y]")
    doy = (d - years.astype("datetime64[D]")).astype(int)
    y = years.astype(int) + 1970
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    return np.where(leap & (doy >= 59), doy - 1, doy)


def _estimate_days(surface: Surface, dates: np.ndarray, q: np.ndarray, n_samples: int,
                   t: np.ndarray | None = None) -> WRTDSResult:
    t = decimal_year(dates) if t is None else t
    lq = np.log(q)
    conc = surface.interpolate(t, lq)
    flux = conc * q * KG_PER_DAY_PER_M3S_MGL
    fn_conc = np.empty_like(conc)
    fn_flux = np.empty_like(conc)
    day = _calendar_day(dates)
    for k in np.unique(day):
        members = np.flatnonzero(day == k)
        qs = q[members]
        c = surface.interpolate(np.repeat(t[members], qs.size),
                                np.tile(np.log(qs), members.size)).reshape(members.size, qs.size)
        fn_conc[members] = c.mean(axis=1)
        fn_flux[members] = (c * qs[None, :]).mean(axis=1) * KG_PER_DAY_PER_M3S_MGL
    return WRTDSResult(dates, q, conc, flux, fn_conc, fn_flux, surface, n_samples)


def _daily_inputs(daily_dates, daily_q, q_to_m3s: float) -> tuple[np.ndarray, np.ndarray]:
    dates = np.asarray(daily_dates, dtype="datetime64[D]")
    if not (np.isfinite(q_to_m3s) and q_to_m3s > 0):
        raise HydroError(f"the discharge conversion factor to m3/s must be positive; got "
                         f"{q_to_m3s} (1 for m3/s, {CFS_TO_M3S} for ft3/s)")
    given = np.asarray(daily_q, float)
    q = given * q_to_m3s
    if dates.shape != q.shape or dates.ndim != 1:
        raise HydroError("daily dates and discharge must be 1-D and of equal length")
    bad = np.flatnonzero(~np.isfinite(q) | (q <= 0))
    if bad.size:
        raise HydroError(f"daily discharge must be finite and positive (WRTDS uses ln Q): "
                         f"{bad.size} days are not, the first on {dates[bad[0]]} ({given[bad[0]]:g}); "
                         "fill missing days, and give zero-flow days a small positive "
                         "discharge (EGRET adds a small constant to every day of such a record)")
    step = np.diff(dates).astype(int)
    if np.any(step != 1):
        k = int(np.flatnonzero(step != 1)[0])
        what, fix = (("a gap", "fill the missing days (e.g. by interpolation)") if step[k] > 1
                     else ("a repeated or earlier day", "sort by date and remove duplicates"))
        raise HydroError(f"daily discharge must be consecutive days in order; {what} after "
                         f"{dates[k]} (next {dates[k + 1]}): {fix}")
    return dates, q


def _water_year_edges(sdates: np.ndarray, st: np.ndarray) -> tuple[float, float]:
    """EGRET's ``decimalHighLow``: the start of the first sampled water year and the end
    of the last (October-September), as decimal years."""
    first, last = int(np.argmin(sdates)), int(np.argmax(sdates))
    month = sdates.astype("datetime64[M]").astype(int) % 12 + 1
    low = np.trunc(st[first]) - 0.25 + (1 if month[first] >= 10 else 0)
    high = np.trunc(st[last]) + 0.75 + (1 if month[last] >= 10 else 0)
    return float(low), float(high)


def wrtds(sample_dates, sample_conc, daily_dates, daily_q, *, q_to_m3s: float = 1.0,
          settings: Settings = DEFAULT_SETTINGS, censored=None, sample_decimal_year=None,
          daily_decimal_year=None) -> WRTDSResult:
    """WRTDS for a monitored series: sparse samples and a daily discharge record.

    Parameters
    ----------
    sample_dates : array-like
        Sampling days (anything ``numpy.datetime64`` accepts; times of day are dropped).
    sample_conc : array-like
        Concentrations, positive (e.g. mg/L); several samples on one day each count.
    daily_dates, daily_q : array-like
        Consecutive days and their mean discharge, which must cover every sample day.
        A sample's discharge is the daily mean of its day, as in EGRET.
    q_to_m3s : float
        Factor converting ``daily_q`` to m3/s (fluxes are kg/day); e.g. :data:`CFS_TO_M3S`.
        Concentrations do not depend on it.
    settings : Settings
        Windows and grid (EGRET's defaults).
    censored : array-like of bool, optional
        True for a sample below its reporting limit, whose ``sample_conc`` is that limit;
        the regressions then are censored (Tobit) maximum-likelihood fits, as EGRET's
        ``survreg``.
    sample_decimal_year, daily_decimal_year : array-like, optional
        Decimal years to use instead of :func:`decimal_year` (e.g. those stored in an
        EGRET data set made with its older convention ``year + (Day - 0.5) / 366``).
    """
    dates, q = _daily_inputs(daily_dates, daily_q, q_to_m3s)
    sdates = np.asarray(sample_dates, dtype="datetime64[D]")
    conc = np.asarray(sample_conc, float)
    if sdates.shape != conc.shape or sdates.ndim != 1:
        raise ValueError("sample dates and concentrations must be 1-D and of equal length")
    bad = np.flatnonzero(~np.isfinite(conc) | (conc <= 0))
    if bad.size:
        raise HydroError(f"sample concentrations must be finite and positive (WRTDS uses "
                         f"ln C): {bad.size} are not, the first on {sdates[bad[0]]} "
                         f"({conc[bad[0]]:g}); for a value below a reporting limit give the "
                         "limit and mark it censored (`censored=`, or '<limit' in a file)")
    cens = None if censored is None else np.asarray(censored, bool)
    if cens is not None and cens.shape != conc.shape:
        raise ValueError("`censored` must have one flag per sample")
    pos = (sdates - dates[0]).astype(int)
    out = np.flatnonzero((pos < 0) | (pos >= dates.size))
    if out.size:
        raise HydroError(f"the daily discharge record ({dates[0]} to {dates[-1]}) must cover "
                         f"every sample day; {out.size} samples lie outside it, the first on "
                         f"{sdates[out[0]]}: extend the discharge record or drop those samples")
    st = decimal_year(sdates) if sample_decimal_year is None else \
        np.asarray(sample_decimal_year, float)
    dt = decimal_year(dates) if daily_decimal_year is None else \
        np.asarray(daily_decimal_year, float)
    if st.shape != sdates.shape or dt.shape != dates.shape:
        raise ValueError("decimal years must match the dates they replace")
    surface = estimate_surface(st, np.log(q[pos]), conc, dt, np.log(q), settings, cens,
                               _water_year_edges(sdates, st))
    return _estimate_days(surface, dates, q, conc.size, dt)


def wrtds_daily(dates, q, conc, *, q_to_m3s: float = 1.0, settings: Settings = DEFAULT_SETTINGS
                ) -> WRTDSResult:
    """WRTDS for a daily series (e.g. simulated TN): every day is a sample.

    Days whose concentration is not finite and positive are left out of the fit;
    every day with discharge gets estimates.
    """
    d, qq = _daily_inputs(dates, q, q_to_m3s)
    c = np.asarray(conc, float)
    if c.shape != qq.shape:
        raise ValueError("daily discharge and concentration must have equal length")
    keep = np.isfinite(c) & (c > 0)
    return wrtds(d[keep], c[keep], d, qq, settings=settings)


def from_results(results, section: str, constituent: str = "tn",
                 settings: Settings = DEFAULT_SETTINGS) -> WRTDSResult:
    """WRTDS on a simulated section: its daily concentration and discharge.

    Parameters
    ----------
    results : hydro.results.Results or path
        Daily results of ``hydro run`` (or a netCDF file of them) holding
        ``section_discharge`` and ``section_{constituent}_concentration``.
    section : str
        Monitoring-section id (``hydro info`` lists them).
    constituent : str
        Short name of the constituent (``tn``).
    """
    from hydro.results import Results, load_results

    res = results if isinstance(results, Results) else load_results(results)
    if res.time_bounds is not None or res.leading:
        raise HydroError("flow normalisation needs daily results of one run (not period "
                         "means, scenarios or members)")
    sections = [str(s) for s in res.coords["section"]]
    if section not in sections:
        raise HydroError(f"no section '{section}' in these results; have: {', '.join(sections)}")
    k = sections.index(section)
    q = np.asarray(res["section_discharge"], float)[:, k]
    conc = np.asarray(res[f"section_{constituent}_concentration"], float)[:, k]
    dates = np.array([d.isoformat() for d in res.dates], dtype="datetime64[D]")
    ok = np.isfinite(q) & (q > 0)
    if not ok.all():
        raise HydroError(f"section '{section}' has {int((~ok).sum())} days without positive "
                         "discharge; WRTDS needs ln Q on every day")
    return wrtds_daily(dates, q, conc, settings=settings)


# ---------------------------------------------------------------------------
# Shipped example and command line


def _read_csv(path: Path, date_column: str, value_column: str, censorable: bool = False
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dates and values of two columns; if ``censorable``, ``<x`` is censored below ``x``.

    Returns dates, values and the censored flags.
    """
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        for col in (date_column, value_column):
            if col not in fields:
                raise HydroError(f"{path}: no column {col!r} (columns: {', '.join(fields)}); "
                                 "name the columns with the --*-column options (--help)")
        dates, values, cens = [], [], []
        for row in reader:
            text, value = (row[date_column] or "")[:10], (row[value_column] or "").strip()
            try:
                dates.append(np.datetime64(text, "D"))
                if np.isnat(dates[-1]):
                    raise ValueError("no date")
                cens.append(censorable and value.startswith("<"))
                values.append(float(value.removeprefix("<") if censorable else value))
            except ValueError:
                raise HydroError(f"{path}, line {reader.line_num}: expected a date "
                                 f"(YYYY-MM-DD) in {date_column!r} and a number"
                                 f"{' (or <limit)' if censorable else ''} in {value_column!r}, "
                                 f"got {text!r} and {value!r}; fix or remove the line") from None
    if not dates:
        raise HydroError(f"{path}: no data lines")
    return np.array(dates, dtype="datetime64[D]"), np.array(values), np.array(cens)


def lamprey_example(first_water_year: int = 2000, last_water_year: int = 2012,
                    settings: Settings = DEFAULT_SETTINGS) -> WRTDSResult:
    """WRTDS on the shipped Lamprey River nitrate data (USGS 01073500).

    The samples (1999-10 to 2012-09) and the daily discharge restricted to the water
    years ``first_water_year``..``last_water_year`` (``validation/reference``).
    """
    from hydro import resources

    ref = resources.validation_dir("reference")
    sd, sc, _ = _read_csv(ref / "lamprey_nitrate_samples.csv", "datetime", "no3_mg_per_l_as_n")
    dd, dq, _ = _read_csv(ref / "lamprey_daily_discharge.csv", "date", "discharge_cfs")
    keep = (dd >= np.datetime64(f"{first_water_year - 1}-10-01")) & \
        (dd < np.datetime64(f"{last_water_year}-10-01"))
    if not keep.any() or first_water_year > last_water_year:
        raise HydroError(f"Lamprey example: water years {first_water_year}..{last_water_year} "
                         "are not a range within the discharge record (2000..2014)")
    skeep = (sd >= dd[keep][0]) & (sd <= dd[keep][-1])
    return wrtds(sd[skeep], sc[skeep], dd[keep], dq[keep], q_to_m3s=CFS_TO_M3S,
                 settings=settings)


def _warn_unsampled(years: np.ndarray, sample_dates: np.ndarray, start_month: int) -> None:
    """Say on stderr which tabulated years have no sample (their values are extrapolated)."""
    empty = sorted(set(years.tolist()) - set(period_year(sample_dates, start_month).tolist()))
    if empty:
        print(f"note: no samples in year(s) {', '.join(map(str, empty))}: their values "
              "extrapolate the fitted surface in time (WRTDS estimates every day of the "
              "discharge record); trust only sampled years", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m hydro.flownorm``: the annual WRTDS table of a monitored series."""
    p = argparse.ArgumentParser(
        prog="python -m hydro.flownorm",
        description="WRTDS flow-normalised concentration and flux (Hirsch et al. 2010). "
                    "Without files, runs the shipped Lamprey River nitrate example.")
    p.add_argument("samples", nargs="?", type=Path, help="samples CSV (a date and a concentration)")
    p.add_argument("discharge", nargs="?", type=Path, help="daily discharge CSV (date, discharge)")
    p.add_argument("--sample-date-column", default="datetime")
    p.add_argument("--conc-column", default="no3_mg_per_l_as_n",
                   help="concentration column; '<x' marks a value censored below x")
    p.add_argument("--date-column", default="date", help="date column of the discharge file")
    p.add_argument("--q-column", default="discharge_cfs")
    p.add_argument("--q-to-m3s", type=float, default=CFS_TO_M3S,
                   help="factor converting discharge to m3/s (default: from ft3/s)")
    p.add_argument("--results", type=Path,
                   help="a netCDF file of `hydro run`: flow-normalise a simulated section")
    p.add_argument("--section", help="monitoring section of --results (e.g. gubeikou)")
    p.add_argument("--constituent", default="tn", help="constituent of --results (default tn)")
    p.add_argument("--start-month", type=int, default=10,
                   help="first month of the years averaged (10: water years; 1: calendar)")
    args = p.parse_args(argv)

    try:
        if args.results is not None:
            if args.section is None or args.samples is not None:
                p.error("--results needs --section and no samples/discharge files")
            result = from_results(args.results, args.section, args.constituent)
            print(f"{args.results}: section {args.section}, {args.constituent} (simulated)")
        elif args.samples is None and args.discharge is None:
            result = lamprey_example()
            print("Lamprey River near Newmarket NH (USGS 01073500), nitrate mg/L as N")
        elif args.samples is None or args.discharge is None:
            p.error("give both a samples file and a discharge file, or neither")
        else:
            sd, sc, cens = _read_csv(args.samples, args.sample_date_column, args.conc_column,
                                     censorable=True)
            dd, dq, _ = _read_csv(args.discharge, args.date_column, args.q_column)
            try:
                result = wrtds(sd, sc, dd, dq, q_to_m3s=args.q_to_m3s,
                               censored=cens if cens.any() else None)
            except ValueError as exc:
                raise HydroError(f"{args.samples} with {args.discharge}: {exc}") from None
        table = annual(result, args.start_month)
        print(format_annual(table))
        if args.samples is not None:
            _warn_unsampled(table.year, sd, args.start_month)
    except (ValueError, OSError, HydroError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
