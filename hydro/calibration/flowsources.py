"""A lumped, flow-driven nitrogen model: observed discharge drives the source model.

Until watershed basins take observed flows at gauges, this is how the source
model of :mod:`hydro.sources` is calibrated against concentration samples of a
gauged river (the Lamprey case).  The chain, per day:

1. observed daily discharge ``Q`` (m3 s-1, from a CSV) -> depth over the
   catchment ``q = 86.4 Q / A`` (mm d-1);
2. the runoff model ``"observed_flow"`` (:mod:`hydro.runoff_observed`, through
   the runoff-model protocol of :mod:`hydro.runoff_model`): ``q`` split into
   quick and base flow by the Lyne & Hollick (1979) filter, run forward,
   backward, forward (Nathan & McMahon, 1990);
3. :func:`hydro.sources.daily_loads` with the quick and base flows gives the
   load by source (kg d-1), summed over sources;
4. concentration ``C = L / (86.4 Q)`` (mg L-1; 1 kg d-1 in 1 m3 s-1 is 1/86.4 mg L-1).

The model file (TOML)::

    name = "lamprey"
    area_km2 = 548.0
    [discharge]
    csv = "lamprey_daily_discharge.csv"   # relative to this file; columns date, <column>
    column = "discharge_cfs"
    scale = 0.028316846592               # to m3 s-1 (here ft3 s-1 -> m3 s-1)
    [baseflow]
    alpha = 0.925                        # Lyne-Hollick filter parameter, [0, 1)
    passes = 3
    [sources]                            # a [subbasins.sources] block (docs/sources.md)
    ...

Calibration paths are keys of this file (``sources.land_use.all.emc_mg_per_l``,
``baseflow.alpha``) applied with :func:`hydro.overrides.apply_overrides`.

:func:`rating_curve` fits the classical benchmark, ``ln C = a + b ln Q`` by
least squares.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from hydro.dates import not_a_day, read_day
from hydro.errors import HydroError
from hydro.overrides import apply_overrides
from hydro.runoff_model import RunoffResult
from hydro.runoff_observed import lyne_hollick as lyne_hollick
from hydro.tomlio import Table, load_toml
from hydro.units import KG_PER_DAY_PER_M3S_MGL
from hydro.weather_csv import check_named, check_row, csv_rows, separator_hint


@dataclass(frozen=True)
class RatingCurve:
    """``C = exp(a) Q^b`` fitted to samples by least squares on logarithms."""

    a: float
    b: float
    n: int

    def __call__(self, q_m3s: np.ndarray) -> np.ndarray:
        """Concentration (mg L-1) at discharge ``q_m3s``."""
        return np.exp(self.a) * np.power(np.asarray(q_m3s, dtype=float), self.b)


def rating_curve(q_m3s: np.ndarray, c_mg_l: np.ndarray) -> RatingCurve:
    """Fit ``ln C = a + b ln Q`` to the pairs with both values positive and finite."""
    q, c = np.asarray(q_m3s, float), np.asarray(c_mg_l, float)
    ok = np.isfinite(q) & np.isfinite(c) & (q > 0) & (c > 0)
    if ok.sum() < 3:
        raise HydroError(f"rating curve: {int(ok.sum())} usable samples, at least 3 are needed")
    b, a = np.polyfit(np.log(q[ok]), np.log(c[ok]), 1)
    return RatingCurve(float(a), float(b), int(ok.sum()))


class FlowSources:
    """Observed discharge + baseflow separation + :func:`hydro.sources.daily_loads`.

    Use :meth:`from_toml`; :meth:`run` returns daily ``discharge`` (m3 s-1),
    ``tn_load`` (kg d-1) and ``tn_concentration`` (mg L-1).
    """

    def __init__(self, path: Path, raw: dict, dates: np.ndarray, q_m3s: np.ndarray):
        self.path = path
        self.raw = raw
        self.dates = dates
        self.q_m3s = q_m3s
        self._split_cache: dict[tuple, RunoffResult] = {}
        self.configure([])  # check the file itself

    @classmethod
    def from_toml(cls, path: str | Path) -> "FlowSources":
        """Read the model file and its discharge CSV."""
        path = Path(path)
        raw = load_toml(path)
        top = Table(raw, path)
        d = top.table("discharge")
        csv_path = path.parent / d.str("csv")
        column = d.str("column")
        scale = d.float("scale", 1.0, positive=True)
        dates, q = _read_discharge(csv_path, column)
        return cls(path, raw, dates, q * scale)

    def configure(self, overrides: list[str]):
        """Apply overrides to a copy of the file; return (name, area, alpha, passes, sources)."""
        from hydro.sources import SubbasinSources
        from hydro.sources.deposition import check_water_area

        raw = apply_overrides(copy.deepcopy(self.raw), list(overrides), self.path)
        top = Table(raw, self.path)
        name = top.str("name", self.path.stem)
        area = top.float("area_km2", positive=True)
        top.table("discharge")  # read in from_toml
        b = top.table("baseflow", None)
        alpha = b.float("alpha", 0.925, minimum=0.0, maximum=0.999)
        passes = b.int("passes", 3, minimum=1)
        b.finish()
        src = top.raw("sources")
        sources = SubbasinSources.from_table(Table({"id": name, "sources": src}, self.path))
        check_water_area(sources, area)
        top.finish()
        return name, area, alpha, passes, sources

    def _split(self, q_mm: np.ndarray, i0: int, i1: int, alpha: float, passes: int) -> RunoffResult:
        """Quick and base flow (mm/d) of the observed depth ``q_mm`` on days ``i0:i1``."""
        from hydro.daily_forcing import DailyForcing
        from hydro.runoff_registry import runoff_model

        nan = np.full(q_mm.size, np.nan)  # the observed-flow model needs no weather
        forcing = DailyForcing(self.dates[i0:i1], np.zeros(q_mm.size), nan, nan, nan, qobs_mm=q_mm,
                               path=self.path)
        return runoff_model("observed_flow", 1, passes=passes).run(forcing, {"alpha": alpha})

    def check_period(self, start: date, end: date, config_path) -> None:
        """Raise unless the discharge covers ``start``..``end``."""
        s, e = np.datetime64(start, "D"), np.datetime64(end, "D")
        if s < self.dates[0] or e > self.dates[-1]:
            raise HydroError(f"{self.path}: the discharge covers {self.dates[0]} to {self.dates[-1]}, "
                             f"the calibration runs from {start} to {end}; fix [periods] in {config_path}")

    def run(self, overrides: list[str], start: date, end: date) -> dict[str, np.ndarray]:
        """Daily ``discharge``, ``quickflow_mm``, ``baseflow_mm``, ``tn_load``, ``tn_concentration``."""
        from hydro.pet import day_of_year
        from hydro.sources import SourceParameters, daily_loads

        _, area, alpha, passes, sources = self.configure(overrides)
        i0 = int((np.datetime64(start, "D") - self.dates[0]).astype(int))
        i1 = int((np.datetime64(end, "D") - self.dates[0]).astype(int)) + 1
        q = self.q_m3s[i0:i1]
        q_mm = q * KG_PER_DAY_PER_M3S_MGL / area
        key = (alpha, passes, i0, i1, area)
        if key not in self._split_cache:  # the split depends on alpha only: once per value
            self._split_cache[key] = self._split(q_mm, i0, i1, alpha, passes)
        split = self._split_cache[key]
        quick, base = split.q_direct_mm[0], split.q_routed_mm[0]
        years = self.dates[i0:i1].astype("datetime64[Y]").astype(int) + 1970
        loads, _, _ = daily_loads(SourceParameters((sources,)), years, quick[:, None], base[:, None],
                                  np.array([area]), first_doy=int(day_of_year(self.dates[i0:i0 + 1])[0]))
        load = loads[:, 0, :].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            conc = np.where(q > 0, load / (KG_PER_DAY_PER_M3S_MGL * q), np.nan)
        return {"discharge": q, "quickflow_mm": quick, "baseflow_mm": base, "tn_load": load,
                "tn_concentration": conc}


def _read_discharge(path: Path, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Dates and values of a daily discharge CSV (consecutive days, no gaps).

    Blank lines, rows of commas and ``#`` comments are skipped; every error names the file and
    the line as the file numbers it.  A row with another number of fields than the header is
    refused: a thousands separator or a decimal comma (``7,915.31``) would split its number.
    """
    from hydro.textfile import read_text  # UTF-8 with or without BOM; else "save it as UTF-8"

    rows = csv_rows(read_text(path, "discharge CSV").splitlines(), path)
    if not rows:
        raise HydroError(f"{path}: empty; expected a header line with 'date' and '{column}'")
    header = [h.strip() for h in rows[0][1]]
    check_named(path, rows[0][0], header)
    if "date" not in header or column not in header:
        raise HydroError(f"{path}: line {rows[0][0]}: expected columns 'date' and '{column}', got "
                         f"{', '.join(header)}{separator_hint(header)}")
    jd, jv = header.index("date"), header.index(column)
    days: list[date] = []
    values = np.empty(len(rows) - 1)
    for k, (n, r) in enumerate(rows[1:]):
        check_row(path, n, r, header)
        days.append(_discharge_day(path, n, r[jd].strip()))
        try:
            values[k] = float(r[jv])
        except ValueError:
            raise HydroError(f"{path}: column '{column}', line {n}: '{r[jv]}' is not a number; "
                             "the discharge must be complete (fill gaps before calibrating)") from None
        if not math.isfinite(values[k]) or values[k] < 0:
            raise HydroError(f"{path}: column '{column}', line {n}: {values[k]}; expected >= 0")
        if k and (days[k] - days[k - 1]).days != 1:
            raise HydroError(f"{path}: line {n}: {days[k]} follows {days[k - 1]} (line {rows[k][0]}); the discharge "
                             "must be daily without gaps")
    return np.array(days, dtype="datetime64[D]"), values


def _discharge_day(path: Path, line: int, text: str) -> date:
    """The day of a discharge row, or an error naming the file and the line."""
    try:
        return read_day(text)
    except ValueError:
        raise HydroError(f"{path}: line {line}, column 'date': {not_a_day(text)}") from None
