"""When source nitrogen arrives within the year: seasons, blended years and wash-off (issue 13).

Options of a subbasin's ``[subbasins.sources.timing]`` table; without it, calendar-year constants.

**Blended years** (``years = "blended"``, the default of the table). A yearly rate ``m_k`` (kg/d, or mg/L
for the quick-flow EMC) becomes a daily rate that is continuous across 1 January: inside year ``k`` the rate
is the quadratic in the year fraction ``t`` with ``q(0) = v_k``, ``q(1) = v_{k+1}`` and mean ``m_k``, where
``v_k = 2 m_{k-1} m_k / (m_{k-1} + m_k)`` (the harmonic mean, 0 next to a year of 0, so a plant that opens
ramps up from 0) at the boundary between two years and ``v = m`` at the first and last boundaries of the
years given; the model's callers give the run's years with the year before and the year after
(:func:`with_neighbours`), so the run's first year and its last blend towards the inventory's neighbouring
years and a day's rate does not depend on where the run ends::

    q(t) = a + b t + c t^2,  a = v_k,  c = 3 D - 6 M,  b = 6 M - 2 D
    D = v_{k+1} - v_k,  M = m_k - v_k

A day's rate is the mean of ``q`` over that day, so the days of a whole calendar year sum to ``m_k x days``
(exact to round-off). A harmonic mean is at most twice the smaller value, so both ends lie in
``[0, 2 m_k]``, and a quadratic with mean ``m`` and ends in ``[0, 2 m]`` is never below 0 (its lowest
values, 0, are at ends of 0); a clip-and-rescale guard remains.

**Seasons** (``fertiliser_months``, ``manure_months``: twelve non-negative weights, January to December,
normalised to shares). A month's share is spread evenly over its days, so the days of a calendar year carry
the year's total exactly. The leached surplus entering the groundwater store follows the N applied: its
daily weight is ``f w_F + m w_M + (1 - f - m)``, with ``f`` and ``m`` the shares of fertiliser and manure in
the class-weighted fertiliser + manure + deposition + fixation inputs of that year.

**Wash-off** (``delivery_timing = "washoff"`` and ``washoff_per_mm``). Rural domestic and livestock N (the
delivered amounts of :func:`hydro.sources.yearly_rates`) and ``surface_fraction`` of the fertiliser and
manure applied (in the months they are applied) build up on the surface and leave with quick flow, an
exponential wash-off store (Sartor & Boyd 1972; the EXP wash-off of SWMM)::

    S += B_d;   W_d = S (1 - exp(-k q_d));   S -= W_d

with ``q_d`` the day's quick flow (mm/d) and ``k`` in 1/mm. Every kilogram built up is washed off or left in
the store: ``sum B = sum W + S_end - S_0``. ``washoff_loss_per_day`` (1/d, default 0) adds a first-order
loss to the atmosphere and soil after the wash-off; ``washoff_flow`` chooses ``q``: the runoff model's
direct flow (``"direct"``, the default) or the Lyne-Hollick quick flow of the subbasin's total runoff
(``"filtered"``; :func:`hydro.sources.washoff.washoff_flow_mm`). The store starts in balance with the build-up of the
365 days from the run's first day, past the end of a shorter run (:func:`first_days`,
:func:`hydro.sources.washoff.steady_start`). Washed-off surface fertiliser joins ``diffuse_quickflow``.

Day of the year: the days of the run are consecutive; a year after the first starts on 1 January and a first
year followed by another ends on 31 December (also when the days are a block of a longer run, whose years
come first). Where the caller knows it, the first day's day of the year (``first_doy``) says where the first
year starts; without it, days inside one calendar year are taken to start on 1 January.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hydro.errors import suggest
from hydro.sources.yearly import Origin
from hydro.tomlio import Table

#: Ways of turning yearly values into daily ones.
YEAR_MODES = ("blended", "calendar")
#: The key of ``[subbasins.sources.timing]`` holding the values without a scenario's measures
#: (read by :class:`hydro.sources.SubbasinSources`, written by ``hydro scenarios``).
BEFORE_MEASURES = "before_measures"
#: What drives the wash-off store (``washoff_flow``): GR4J's direct flow or the filtered quick flow.
WASHOFF_FLOWS = ("direct", "filtered")
#: Keys of ``[subbasins.sources.timing]``.
TIMING_KEYS = ("years", "fertiliser_months", "manure_months", "washoff_per_mm", "surface_fraction",
               "washoff_loss_per_day", "washoff_flow", BEFORE_MEASURES)


@dataclass(frozen=True)
class SourceTiming:
    """Timing options of one subbasin's sources (``[subbasins.sources.timing]``).

    Attributes
    ----------
    years : {"blended", "calendar"}
        Blend yearly values into a daily series continuous across 1 January,
        or hold them constant within each calendar year.
    fertiliser_months, manure_months : tuple of 12 float, or None
        Share of the year's mineral fertiliser and manure N applied in each
        month (January first; normalised to sum to 1); None: evenly over the year.
    washoff_per_mm : float or None, 1/mm
        Wash-off coefficient ``k`` of the surface store, > 0; required by
        ``delivery_timing = "washoff"``.
    surface_fraction : float, 1
        Share of the fertiliser and manure N applied that is washed off the
        surface by quick flow, [0, 1]; needs ``washoff_per_mm``.
    washoff_loss_per_day : float, 1/d
        First-order loss of the wash-off store to air and soil (half-life ``ln 2 /`` this), >= 0,
        default 0 (none); needs ``washoff_per_mm`` (:mod:`hydro.sources.washoff_store`).
    washoff_flow : {"direct", "filtered"}
        The store's quick flow: the runoff model's direct flow, or the Lyne-Hollick quick flow of the total
        runoff (:func:`hydro.sources.washoff.washoff_flow_mm`); ``"filtered"`` needs ``washoff_per_mm``.
    """

    years: str = "blended"
    fertiliser_months: tuple[float, ...] | None = None
    manure_months: tuple[float, ...] | None = None
    washoff_per_mm: float | None = None
    surface_fraction: float = 0.0
    washoff_loss_per_day: float = 0.0
    washoff_flow: str = "direct"
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    def __post_init__(self):
        if self.years not in YEAR_MODES:
            raise self.origin.error("years", f"expected one of {YEAR_MODES}, got {self.years!r}"
                                    + suggest(str(self.years), YEAR_MODES))
        for key in ("fertiliser_months", "manure_months"):
            value = getattr(self, key)
            if value is not None:
                object.__setattr__(self, key, _months(value, self.origin, key))
        k = self.washoff_per_mm
        if k is not None:
            if not _number(k) or not np.isfinite(k) or k <= 0:
                raise self.origin.error("washoff_per_mm", f"expected a number > 0 (1/mm), got {k!r}")
            object.__setattr__(self, "washoff_per_mm", float(k))
        f = self.surface_fraction
        if not _number(f) or not 0.0 <= f <= 1.0:
            raise self.origin.error("surface_fraction", f"expected a number in [0, 1], got {f!r}")
        object.__setattr__(self, "surface_fraction", float(f))
        if self.surface_fraction > 0 and self.washoff_per_mm is None:
            raise self.origin.error("surface_fraction", "surface N needs a wash-off store: add washoff_per_mm "
                                    "(1/mm) to this table, and delivery_timing = \"washoff\" to the subbasin's "
                                    "[subbasins.sources] if it is not there (only that runs the store); or set "
                                    "surface_fraction = 0")
        lam = self.washoff_loss_per_day
        if not _number(lam) or not np.isfinite(lam) or lam < 0:
            raise self.origin.error("washoff_loss_per_day", f"expected a number >= 0 (1/d; 0.693/h for a half-life of h days), got {lam!r}")  # noqa: E501
        object.__setattr__(self, "washoff_loss_per_day", float(lam))
        for key, used in (("washoff_loss_per_day", self.washoff_loss_per_day > 0),
                          ("washoff_flow", self.washoff_flow == "filtered")):
            if used and self.washoff_per_mm is None:
                raise self.origin.error(key, "this option of the wash-off store needs the store: "
                                        "add washoff_per_mm (1/mm) to this table")
        if not isinstance(self.washoff_flow, str) or self.washoff_flow not in WASHOFF_FLOWS:
            raise self.origin.error("washoff_flow", f"expected one of {WASHOFF_FLOWS} (what washes the store), "
                                    f"got {self.washoff_flow!r}" + suggest(str(self.washoff_flow), WASHOFF_FLOWS))

    @classmethod
    def read(cls, table: Table, origin: Origin) -> SourceTiming:
        """Build from the ``timing`` table; unknown keys are errors naming the file, subbasin and key."""
        for key in table.data:
            if key not in TIMING_KEYS:
                raise origin.error(key, "unknown key" + suggest(key, TIMING_KEYS) + "; remove or rename it")
        kw: dict[str, Any] = {k: table.raw(k) for k in TIMING_KEYS if table.has(k) and k != BEFORE_MEASURES}
        if "years" in kw and not isinstance(kw["years"], str):
            raise origin.error("years", f"expected one of {YEAR_MODES}, got {kw['years']!r}")
        return cls(origin=origin, **kw)

    def pattern(self, key: str) -> np.ndarray | None:
        """Monthly shares (sum 1) of ``fertiliser`` or ``manure``, or None for an even spread."""
        value = getattr(self, f"{key}_months")
        return None if value is None else np.asarray(value) / float(np.sum(value))


def _number(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))


def _months(value, origin: Origin, key: str) -> tuple[float, ...]:
    if not isinstance(value, (list, tuple)) or len(value) != 12 or not all(_number(v) for v in value):
        raise origin.error(key, f"expected 12 numbers >= 0 (January to December), got {value!r}")
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or arr.sum() <= 0:
        raise origin.error(key, f"expected 12 finite numbers >= 0 with a positive sum, got {list(value)}")
    return tuple(float(v) for v in arr)


def read_timing(sources: Table, origin: Origin) -> SourceTiming | None:
    """The ``timing`` sub-table of a ``[subbasins.sources]`` table, or None when absent."""
    if not sources.has("timing"):
        return None
    if not isinstance(sources.raw("timing"), dict):
        raise origin.error("timing", "expected a table [subbasins.sources.timing]")
    return SourceTiming.read(sources.table("timing"), origin.child("timing"))


# ------------------------------------------------------------------------------ days of the year
def days_in_years(years: np.ndarray) -> np.ndarray:
    """Length of each calendar year (d)."""
    return np.array([366 if calendar.isleap(int(y)) else 365 for y in years], dtype=np.int64)


def run_day_of_year(years: np.ndarray, year_index: np.ndarray, first_doy: int | None = None) -> np.ndarray:
    """Day of the year (1-based) of each day of a run of consecutive days (module docstring).

    ``first_doy``: the day of the year of the first day (1 = 1 January); default: inferred,
    exact unless every day lies in one calendar year.
    """
    lengths = days_in_years(years)
    counts = np.bincount(year_index, minlength=len(years))
    with_days = np.flatnonzero(counts)
    doy = np.empty(year_index.shape[0], dtype=np.int64)
    start = 0
    for k, n in enumerate(counts):
        first = 1
        if with_days.size and k == with_days[0]:  # the first year with days (a later block's too)
            if first_doy is not None:
                first = int(first_doy)
            elif with_days.size > 1:  # followed by another: it ends on 31 December
                first = int(lengths[k]) - int(n) + 1
        doy[start:start + n] = first + np.arange(n)
        start += n
    return doy


_MONTH_DAYS = {leap: np.broadcast_to(np.array([31, 28 + leap, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64),
                                     (12,)) for leap in (False, True)}  # broadcast_to: a read-only view


def month_lengths(year: int) -> np.ndarray:
    """The days of each month of ``year`` [12] (read-only, shared)."""
    return _MONTH_DAYS[calendar.isleap(int(year))]


def month_weights(pattern: np.ndarray | None, year: int) -> np.ndarray:
    """Daily weights [days] over one calendar year, mean 1: a month's share (``pattern`` [..., 12]) over its days."""
    per_month = month_lengths(year)
    length = int(per_month.sum())
    return np.ones(length) if pattern is None else np.repeat(np.asarray(pattern) * (length / per_month), per_month, -1)


# ------------------------------------------------------------------------------ blended years
def with_neighbours(years: np.ndarray, year_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The years [n_year] with the year before and the year after added (no days in them), and
    ``year_index`` [n_day] into them.

    Yearly values evaluated in these years give the blend of :func:`spread` its neighbours
    from the inventory (whose tables of years hold their first and last values beyond them),
    not from the run's period: the rates of a day are the same whatever period the run covers.
    """
    years = np.asarray(years, dtype=np.int64)
    padded = np.concatenate([years[:1] - 1, years, years[-1:] + 1])
    return padded, np.ascontiguousarray(np.asarray(year_index, dtype=np.int64) + 1)


def first_days(calendar: tuple, n_day: int) -> tuple:
    """A run's ``calendar`` (its years, each day's index into them, each day's day of the year) when
    it has ``n_day`` days or more, else that of the ``n_day`` days from its first day on, beyond its
    end, the years with their neighbours (:func:`with_neighbours`; the wash-off store's first 365
    days, :func:`hydro.sources.washoff.washoff_start`)."""
    years, year_index, doy = calendar
    if year_index.shape[0] >= n_day:
        return calendar
    dates = (np.datetime64(int(years[year_index[0]]) - 1970, "Y").astype("datetime64[D]")
             + (int(doy[0]) - 1 + np.arange(n_day)))
    in_years = dates.astype("datetime64[Y]")
    unique, index = np.unique(in_years.astype(np.int64) + 1970, return_inverse=True)
    return *with_neighbours(unique, index), (dates - in_years.astype("datetime64[D]")).astype(np.int64) + 1


def _boundaries(means: np.ndarray) -> np.ndarray:
    """Rates at the year boundaries: the harmonic mean of the two years (0 next to a year of 0)."""
    v = np.empty((means.shape[0] + 1,) + means.shape[1:])
    v[0], v[-1] = means[0], means[-1]
    a, b = means[:-1], means[1:]
    total = a + b
    v[1:-1] = np.where(total > 0, 2.0 * a * b / np.where(total > 0, total, 1.0), 0.0)
    return v


def year_profile(mean: np.ndarray, v0: np.ndarray, v1: np.ndarray, length: int) -> np.ndarray:
    """Daily rates [length, n] over a calendar year: the quadratic of the module docstring, mean ``mean``."""
    t0 = np.arange(length) / length
    t1 = (np.arange(length) + 1.0) / length
    d, m = v1 - v0, mean - v0
    c, b = 3.0 * d - 6.0 * m, 6.0 * m - 2.0 * d
    prof = v0 + b * ((t0 + t1) / 2.0)[:, None] + c * ((t0 * t0 + t0 * t1 + t1 * t1) / 3.0)[:, None]
    return _rescaled(np.maximum(prof, 0.0), mean)


def _rescaled(prof: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """``prof`` scaled column by column to the given mean (0 where the mean or the profile is 0)."""
    have = prof.mean(axis=0)
    scale = np.where(have > 0, mean / np.where(have > 0, have, 1.0), 0.0)
    return prof * scale


def spread(means: np.ndarray, years: np.ndarray, year_index: np.ndarray, doy: np.ndarray,
           blended: np.ndarray, weights: list[np.ndarray] | None = None) -> np.ndarray:
    """Daily values [n_day, n_sub] of yearly means [n_year, n_sub], blended and weighted by season.

    Parameters
    ----------
    means : float [n_year, n_sub]
        Yearly mean rates (kg/d or mg/L).
    years, year_index, doy : int arrays
        Calendar years of the run, the year of each day, and its day of the year.
    blended : bool [n_sub]
        Blend across years (True) or hold each calendar year constant.
    weights : list of float [days of year k, n_sub], optional
        Seasonal weights of each year (mean 1 per column; :func:`month_weights`).

    Returns
    -------
    ndarray [n_day, n_sub]
        The days of a whole calendar year sum to ``mean x days`` to round-off.
    """
    means = np.asarray(means, dtype=np.float64)
    v = _boundaries(means)
    lengths = days_in_years(years)
    if weights is None and not _dips(means, v, blended):
        return _spread_days(means, v, lengths, year_index, doy, blended)
    out = np.empty((year_index.shape[0], means.shape[1]))
    for k in range(len(years)):
        prof = np.broadcast_to(means[k], (int(lengths[k]), means.shape[1])).copy()
        if blended.any():
            prof[:, blended] = year_profile(means[k, blended], v[k, blended], v[k + 1, blended], int(lengths[k]))
        if weights is not None:
            prof = _rescaled(prof * weights[k], means[k])
        days = year_index == k
        out[days] = prof[doy[days] - 1]
    return out


def stepped(means: np.ndarray, reference: np.ndarray, daily_reference: np.ndarray,
            year_index: np.ndarray) -> np.ndarray:
    """Daily values [n_day, n] of yearly ``means`` that follow the daily series of ``reference``.

    What a scenario's measures do to a blended source (``docs/scenarios.md``, "When a
    measure acts"): the inventory without the measures (``reference`` [n_year, n], its
    daily series ``daily_reference`` [n_day, n] from :func:`spread`) keeps its blending,
    and the measure scales it as a step on 1 January of each year it changes.

    Returns
    -------
    ndarray [n_day, n]
        In a year whose mean equals the reference's, the reference's daily values (bit for
        bit); in one that differs, those times ``means / reference`` of the year, so the
        days of a whole calendar year still sum to ``means x days``; where the reference
        is 0 that year, the year's mean (a constant rate).
    """
    means = np.asarray(means, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    positive = reference > 0
    ratio = np.where(positive, means / np.where(positive, reference, 1.0), 0.0)[year_index]
    changed = (means != reference)[year_index]
    scaled = np.where(positive[year_index], daily_reference * ratio, means[year_index])
    return np.where(changed, scaled, daily_reference)


def spread_stepped(means: np.ndarray, reference: np.ndarray | None, years: np.ndarray, year_index: np.ndarray,
                   doy: np.ndarray, blended: np.ndarray, weights: list[np.ndarray] | None = None,
                   reference_weights: list[np.ndarray] | None = None) -> np.ndarray:
    """:func:`spread` of ``means``, with the blended columns :func:`stepped` on ``reference``.

    ``reference`` [n_year, n_sub]: the yearly means without a scenario's measures (None:
    plain :func:`spread`), spread with ``reference_weights`` (the seasons of the
    inventory without the measures; default ``weights``).  Columns not blended keep their
    calendar-year values (no step can leak into the year before).
    """
    out = spread(means, years, year_index, doy, blended, weights)
    if reference is None or not blended.any():
        return out
    daily_ref = spread(reference, years, year_index, doy, blended,
                       weights if reference_weights is None else reference_weights)
    out[:, blended] = stepped(means[:, blended], np.asarray(reference)[:, blended], daily_ref[:, blended],
                              year_index)
    return out


def _coefficients(means: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``a, b, c`` [n_year, n_sub] of every year's quadratic (module docstring)."""
    d, m = v[1:] - v[:-1], means - v[:-1]
    return v[:-1], 6.0 * m - 2.0 * d, 3.0 * d - 6.0 * m


def _dips(means: np.ndarray, v: np.ndarray, blended: np.ndarray) -> bool:
    """Whether a blended year's quadratic goes below zero somewhere in [0, 1] (then it is clipped)."""
    a, b, c = (x[:, blended] for x in _coefficients(means, v))
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex = np.where(c > 0, np.clip(-b / (2.0 * np.where(c > 0, c, 1.0)), 0.0, 1.0), 0.0)
    low = np.minimum(np.minimum(a, a + b + c), a + b * vertex + c * vertex * vertex)
    return bool(np.any(low < 0.0))


def _spread_days(means, v, lengths, year_index, doy, blended) -> np.ndarray:
    """:func:`spread` without seasons or clipping, on the run's days only.

    The daily means of the quadratic sum to the year's mean x days exactly:
    ``sum (t0 + t1) / 2 = D / 2`` and ``sum (t0^2 + t0 t1 + t1^2) / 3 = D / 3``.
    """
    length = lengths[year_index].astype(np.float64)
    t0, t1 = (doy - 1) / length, doy / length
    out = means[year_index]
    varying = blended & (np.ptp(means, axis=0) > 0)     # a constant column's quadratic is that constant
    if varying.any():
        a, b, c = (x[:, varying] for x in _coefficients(means, v))
        h1, h2 = ((t0 + t1) / 2.0)[:, None], ((t0 * t0 + t0 * t1 + t1 * t1) / 3.0)[:, None]
        out[:, varying] = a[year_index] + b[year_index] * h1 + c[year_index] * h2
    return out
