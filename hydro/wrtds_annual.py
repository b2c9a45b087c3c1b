"""Annual means of a WRTDS result (:mod:`hydro.flownorm`), as EGRET's ``tableResults``.

:func:`annual` averages the daily estimates over complete water or calendar years
(:func:`period_year` labels the days); :func:`format_annual` prints the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from hydro.flownorm import WRTDSResult


@dataclass(frozen=True)
class AnnualResults:
    """Annual means of the daily estimates (complete years only).

    ``year`` is the year in which each period ends (the water year when
    ``start_month`` is 10). Fluxes are mean kg/day.
    """

    year: np.ndarray
    q: np.ndarray
    conc: np.ndarray
    fn_conc: np.ndarray
    flux: np.ndarray
    fn_flux: np.ndarray

    def rows(self) -> list[dict[str, float]]:
        """One dict per year, for printing or a DataFrame."""
        return [{"year": int(y), "q": float(a), "conc": float(b), "fn_conc": float(c),
                 "flux": float(d), "fn_flux": float(e)}
                for y, a, b, c, d, e in zip(self.year, self.q, self.conc, self.fn_conc,
                                            self.flux, self.fn_flux, strict=True)]


def period_year(dates: np.ndarray, start_month: int = 10) -> np.ndarray:
    """The year (starting in ``start_month``) of each day, labelled by the year it ends in."""
    if not 1 <= start_month <= 12:
        raise ValueError("start_month must be 1..12")
    months = np.asarray(dates, dtype="datetime64[D]").astype("datetime64[M]")
    cal_year = months.astype("datetime64[Y]").astype(int) + 1970
    month = months.astype(int) % 12 + 1
    return cal_year + ((month >= start_month) & (start_month > 1))


def annual(result: WRTDSResult, start_month: int = 10) -> AnnualResults:
    """Means over complete years starting in ``start_month`` (10: US water years)."""
    year = period_year(result.dates, start_month)
    out: dict[str, list[float]] = {k: [] for k in ("year", "q", "conc", "fn_conc", "flux",
                                                    "fn_flux")}
    for y in np.unique(year):
        m = year == y
        first = np.datetime64(f"{y - 1 if start_month > 1 else y}-{start_month:02d}", "M")
        n_days = int(((first + 12).astype("datetime64[D]") - first.astype("datetime64[D]"))
                     .astype(int))
        if m.sum() != n_days:
            continue  # incomplete year
        out["year"].append(float(y))
        for key in ("q", "conc", "fn_conc", "flux", "fn_flux"):
            out[key].append(float(np.mean(getattr(result, key)[m])))
    arr = {k: np.asarray(v) for k, v in out.items()}
    return AnnualResults(arr["year"].astype(int), arr["q"], arr["conc"], arr["fn_conc"],
                         arr["flux"], arr["fn_flux"])


def format_annual(table: AnnualResults) -> str:
    """The annual table as text (flux in kg/day)."""
    lines = [f"{'year':>6} {'Q m3/s':>9} {'conc':>8} {'FN conc':>8} {'flux kg/d':>10} "
             f"{'FN flux':>10}"]
    for r in table.rows():
        lines.append(f"{r['year']:>6d} {r['q']:>9.3f} {r['conc']:>8.4f} {r['fn_conc']:>8.4f} "
                     f"{r['flux']:>10.2f} {r['fn_flux']:>10.2f}")
    return "\n".join(lines)
