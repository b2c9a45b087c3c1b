"""Water-quality species beside TN: the TN loads split into species, TP and CODMn added.

This module owns the *sources* of the agreements' other quality parameters
(NH3-N, TP, CODMn).  It does not change the TN model: the TN loads of
:func:`hydro.sources.daily_loads` and :func:`hydro.sources.point_loads` are
split into organic N, ammonia N and nitrate N by per-source shares, so the
three species add up to TN for every source to round-off.  TP (dissolved and
particulate) and CODMn come from the same drivers (land use and quick flow,
base flow, people, livestock, effluent, water surfaces), with the basin's own
delivery and loss fractions and delivery timing, and coefficients from one
regional table (``basins/region/quality.toml``, cited in
``basins/region/SOURCES.md``, read by :mod:`hydro.sources.quality_table`)
shared by every basin of the region.

Species (:data:`SPECIES`), all loads in kg/d:

``orgn``, ``nh3n``, ``no3n``
    organic, ammonia and nitrate N (kg N); their sum is TN;
``dp``, ``pp``
    dissolved and particulate P (kg P); their sum is TP;
``codmn``
    permanganate index (kg O2).

Per source (the last axis, :data:`hydro.sources.SOURCE_NAMES`):

``diffuse_quickflow``
    TN split by the land-use classes' TN shares, weighted by each class's
    share of the quick-flow TN (``share x emc``); TP and CODMn are
    event-mean concentrations by land use x quick flow (``1 mg/L x 1 mm/d x
    1 km2 = 1 kg/d``), the particulate share of TP by class (erosion-borne P);
``groundwater``
    TN split by the base-flow shares; TP and CODMn are base-flow
    concentrations x base flow;
``rural_domestic``
    population x per-capita P or CODCr x (1 - connected x removal) x
    delivery, the basin's fractions, applied as for TN; P's delivery is
    TN's times the table's ``p_delivery_ratio`` (soils keep P);
``livestock``
    head x per-head P or CODCr per year x ((1 - managed) x loss + managed x
    managed loss) / days in the year, as for TN; P times ``p_delivery_ratio``;
``point``
    the sum of the subbasin's point sources (below);
``deposition``
    deposition of P on the water surface; no CODMn.

With ``delivery_timing = "runoff"`` rural domestic and livestock loads are
shared over each year's days in proportion to runoff, as TN's are. Where the table's ``[washoff_store]``
nitrifies, the N species of what a wash-off store delivers are the store's, aged in it
(:mod:`hydro.sources.quality_store`), not the build-up's ``tn_species``.  CODCr
coefficients become CODMn through ``codmn_per_codcr``.  A point source takes
the concentrations of its treatment grade (``[quality.point_grades]``), else
those interpolated along ``default_grades`` by its effluent TN (15 mg/L reads
as GB 18918-2002 class 1A); its TN is split into ammonia N (the grade's, at
most TN), organic N (the grade's, at most the rest) and nitrate N.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.sources.loads import PointLoads, _flows, _years
from hydro.sources.parameters import SourceParameters
from hydro.sources.quality_points import point_column, point_species
from hydro.sources.quality_store import age_species
from hydro.sources.quality_table import (
    SPECIES,
    SPECIES_OF,
    QualityTable,
    quality_table_of,
    read_quality_table,
)
from hydro.sources.registry import kinds, source_names
from hydro.sources.timing import days_in_years, first_days, run_day_of_year, spread_stepped
from hydro.sources.washoff import START_DAYS, species_start, species_timing, washoff_flow_mm

__all__ = ["SPECIES", "SPECIES_LONG_NAMES", "SPECIES_OF", "SPECIES_UNITS", "QualityLoads", "QualityTable",
           "quality_loads", "quality_table_of", "read_quality_table"]

#: Units of each species' loads.
SPECIES_UNITS = {"orgn": "kg N/d", "nh3n": "kg N/d", "no3n": "kg N/d", "dp": "kg P/d", "pp": "kg P/d",
                 "codmn": "kg O2/d"}
#: Long names of the species.
SPECIES_LONG_NAMES = {"orgn": "organic nitrogen", "nh3n": "ammonia nitrogen", "no3n": "nitrate nitrogen",
                      "dp": "dissolved phosphorus", "pp": "particulate phosphorus",
                      "codmn": "permanganate index (CODMn)"}

_TN = SPECIES_OF["tn"]


@dataclass(frozen=True)
class QualityLoads:
    """Daily loads of every species, by subbasin and source and by point source.

    Attributes
    ----------
    diffuse : dict of str to ndarray [n_day, n_sub, n_source]
        Species -> loads (kg/d; kg N, kg P or kg O2 per day, :data:`SPECIES_UNITS`),
        the source axis in :data:`hydro.sources.SOURCE_NAMES` order.  For
        ``orgn``, ``nh3n`` and ``no3n`` the sum is the TN loads given.
    point : dict of str to ndarray [n_day, n_point]
        Species -> loads of each point source (kg/d), in the order of
        :func:`hydro.sources.point_loads`; the TN species add up to its loads.
    source_names : tuple of str
        :data:`hydro.sources.SOURCE_NAMES`.
    point_names : tuple of str
        The point sources' names.
    point_grades : tuple of str
        The grade of each point source ("interpolated" for one read from its TN).
    """

    diffuse: dict[str, np.ndarray]
    point: dict[str, np.ndarray]
    source_names: tuple[str, ...] = field(default_factory=source_names)
    point_names: tuple[str, ...] = ()
    point_grades: tuple[str, ...] = ()

    def constituent(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Diffuse and point loads of a constituent (``tn``, ``tp``, ``codmn``): its species summed."""
        if name not in SPECIES_OF:
            raise HydroError(f"constituent '{name}': expected one of {', '.join(SPECIES_OF)}"
                             + suggest(name, SPECIES_OF))
        species = SPECIES_OF[name]
        diffuse = np.zeros_like(self.diffuse[species[0]])
        point = np.zeros_like(self.point[species[0]])
        for s in species:
            diffuse += self.diffuse[s]
            point += self.point[s]
        return diffuse, point


def _runoff_timing(rate: np.ndarray, runoff: np.ndarray, year_index: np.ndarray, n_year: int) -> np.ndarray:
    """Daily loads of a yearly rate shared out in proportion to runoff, as :func:`share_by_weight`.

    ``rate`` [n_year] kg/d, ``runoff`` [n_day] mm/d; each year's total over its
    days in the run is kept, and a year without runoff keeps the constant rate.
    """
    days_in_run = np.bincount(year_index, minlength=n_year).astype(np.float64)
    weight = np.bincount(year_index, weights=runoff, minlength=n_year)
    total = rate * days_in_run
    safe = np.where(weight > 0, weight, 1.0)
    shared = total[year_index] * runoff / safe[year_index]
    return np.where(weight[year_index] > 0, shared, rate[year_index])


def _check_arrays(n_day, subs, quick_mm, base_mm, area_km2, tn_loads):
    """The flows, areas and TN loads as float arrays of the right shapes (or a located error)."""
    n_sub = len(subs)
    quick = _flows("quick_mm", quick_mm, n_day, n_sub)
    base = _flows("base_mm", base_mm, n_day, n_sub)
    area = np.atleast_1d(np.asarray(area_km2, dtype=np.float64))
    if area.shape != (n_sub,) or not np.all(np.isfinite(area)) or np.any(area <= 0):
        raise HydroError(f"argument 'area_km2': expected {n_sub} finite areas > 0 km2, got {np.asarray(area_km2)!r}")
    tn = np.asarray(tn_loads, dtype=np.float64)
    n_source = len(source_names())
    if tn.shape != (n_day, n_sub, n_source):
        raise HydroError(f"argument 'tn_loads': expected shape [day, subbasin, source] = ({n_day}, {n_sub}, "
                         f"{n_source}) as daily_loads returns, got {tn.shape}")
    if not np.all(np.isfinite(tn)) or np.any(tn < 0):
        raise HydroError("argument 'tn_loads': expected finite loads >= 0 kg/d")
    return quick, base, area, tn


def _yearly(table: QualityTable, subs, years: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
    """Per year, subbasin and source: TN shares, particulate share, constant TP and CODMn rates (kg/d).

    Each kind gives its own (:meth:`hydro.sources.registry.SourceKind.quality`): rural domestic
    and livestock follow the TN code with P and CODCr coefficients in place of N; deposition is
    P on the water surface.  Also the TP and CODMn concentrations (mg/L) of the quick-flow kind's
    flow, ``tp_emc`` and ``cod_emc`` [year, sub], and of the store's base flow, ``tp_base`` and
    ``cod_base``.
    """
    registered = kinds()
    n_year, n_sub, n_source = len(years), len(subs), len(registered)
    y = {"share": np.zeros((n_year, n_sub, n_source, 3)), "pp": np.zeros((n_year, n_sub, n_source)),
         "tp": np.zeros((n_year, n_sub, n_source)), "cod": np.zeros((n_year, n_sub, n_source)),
         "tp_emc": np.zeros((n_year, n_sub)), "cod_emc": np.zeros((n_year, n_sub)),
         "tp_base": np.zeros((n_year, n_sub)), "cod_base": np.zeros((n_year, n_sub))}
    flow = {"quickflow": ("tp_emc", "cod_emc"), "store": ("tp_base", "cod_base")}
    for s, sub in enumerate(subs):
        for k, kind in enumerate(registered):
            q = kind.quality(table, sub, years, days)
            y["share"][:, s, k], y["pp"][:, s, k], y["tp"][:, s, k], y["cod"][:, s, k] = (
                q["share"], q["pp"], q["tp"], q["cod"])
            if kind.delivery in flow:
                tp_key, cod_key = flow[kind.delivery]
                y[tp_key][:, s], y[cod_key][:, s] = q["tp_mg_per_l"], q["cod_mg_per_l"]
    return y


def _year_days(year_index: np.ndarray, n_year: int) -> list:
    """The days of each year: a slice where they follow each other (a run), else their indices."""
    out: list = []
    for y in range(n_year):
        idx = np.flatnonzero(year_index == y)
        consecutive = idx.size > 0 and idx[-1] - idx[0] + 1 == idx.size
        out.append(slice(int(idx[0]), int(idx[-1]) + 1) if consecutive else idx)
    return out


def _quickflow_emc(subs, y, years: np.ndarray, year_index: np.ndarray, y_ref=None,
                   doy: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Daily TP and CODMn event-mean concentrations of quick flow (mg/L) [n_day, n_sub].

    Timed as TN's EMC (:func:`hydro.sources.washoff.timed_rates`): blended across years where a
    subbasin's ``[sources.timing]`` says so, else the calendar year's value; so a land-use change
    moves TP and CODMn on the same days as TN and none of them steps on 1 January.
    ``y_ref``: ``y`` without a scenario's measures, whose blend the measures scale as steps.
    """
    blended = np.array([s.timing is not None and s.timing.years == "blended" for s in subs])
    if not blended.any():
        return {k: y[k][year_index] for k in ("tp_emc", "cod_emc")}
    doy = run_day_of_year(years, year_index) if doy is None else doy
    n_sub = len(subs)
    def columns(values):
        return None if values is None else np.concatenate([values["tp_emc"], values["cod_emc"]], axis=1)

    both = spread_stepped(columns(y), columns(y_ref), years, year_index, doy, np.tile(blended, 2))
    return {"tp_emc": both[:, :n_sub], "cod_emc": both[:, n_sub:]}


def _daily(table, subs, y, emc, year_index, quick, base, area, tn) -> dict[str, np.ndarray]:
    """Daily loads of every species [day, sub, source] from the yearly values and the flows.

    Year by year (a slice of days in a run), so no [day, sub, source] copy of a yearly array
    is made; ``emc`` holds the quick flow's daily TP and CODMn EMCs (:func:`_quickflow_emc`).
    TP is built in ``dp`` and split into ``dp`` and ``pp`` last.
    """
    out = {sp: np.empty_like(tn) for sp in SPECIES}
    tp, cod = out["dp"], out["codmn"]
    registered = kinds()
    iq, ig = (next(k for k, kind in enumerate(registered) if kind.delivery == d) for d in ("quickflow", "store"))
    years = _year_days(year_index, y["tp"].shape[0])
    for yr, days in enumerate(years):
        share, t = y["share"][yr], tn[days]                         # [sub, source, 3], [d, sub, source]
        out["orgn"][days] = t * share[..., 0]
        out["nh3n"][days] = t * share[..., 1]
        out["no3n"][days] = t * np.maximum(1.0 - share[..., 0] - share[..., 1], 0.0)
        tp[days] = y["tp"][yr]
        cod[days] = y["cod"][yr]
        tp[days, :, iq] = emc["tp_emc"][days] * quick[days] * area     # 1 mg/L x 1 mm/d x 1 km2 = 1 kg/d
        cod[days, :, iq] = emc["cod_emc"][days] * quick[days] * area
        tp[days, :, ig] = y["tp_base"][yr] * base[days] * area
        cod[days, :, ig] = y["cod_base"][yr] * base[days] * area
    runoff = quick + base
    scattered = [k for k, kind in enumerate(registered) if kind.scattered]
    for s, sub in enumerate(subs):
        if sub.delivery_timing == "runoff":
            for k in scattered:
                tp[:, s, k] = _runoff_timing(y["tp"][:, s, k], runoff[:, s], year_index, len(years))
                cod[:, s, k] = _runoff_timing(y["cod"][:, s, k], runoff[:, s], year_index, len(years))
    for yr, days in enumerate(years):
        out["pp"][days] = tp[days] * y["pp"][yr]
        tp[days] *= 1.0 - y["pp"][yr]
    return out


def _species(y):
    """The yearly rates [n_year, n_sub, n_source] of the species with a wash-off store (kg/d): DP, PP, CODMn."""
    return None if y is None else [y["tp"] * (1.0 - y["pp"]), y["tp"] * y["pp"], y["cod"]]


def _store_start(table: QualityTable, subs, stores: dict | None, calendar: tuple, quick: np.ndarray, mean_washed):
    """The start of the other species' wash-off store (kg): carried in ``stores["washoff_quality"]`` (a
    later block); for a run shorter than 365 days, the steady state of the 365 days from its first day
    without a scenario's measures, as TN's (:func:`hydro.sources.washoff.species_start`); else None
    (:func:`hydro.sources.washoff.species_timing` starts it from the run's days)."""
    if stores is not None and "washoff_quality" in stores:
        return stores["washoff_quality"]
    if calendar[1].shape[0] >= START_DAYS or all(s.delivery_timing != "washoff" for s in subs):
        return None
    years, year_index, doy = first_days(calendar, START_DAYS)
    ref_subs = [s.reference or s for s in subs]
    yearly = _species(_yearly(table, ref_subs, years, days_in_years(years).astype(np.float64)))
    return species_start(yearly, subs, source_names(), (years, year_index, doy), quick, mean_washed)


def quality_loads(table: QualityTable, params: SourceParameters, years_of_day, quick_mm, base_mm, area_km2,
                  tn_loads, points: PointLoads, run_years=None, stores: dict | None = None,
                  mean_washed=None, first_doy: int | None = None, air_temp_c=None, tn_store=None,
                  mean_nitrified=None) -> QualityLoads:
    """Daily loads of every species by subbasin and source, and by point source.

    Parameters
    ----------
    table : QualityTable
        The regional coefficients (:func:`read_quality_table`, :func:`quality_table_of`).
    params : SourceParameters
        The sources the TN loads come from (``Watershed.from_basin(basin).sources``).
    years_of_day : int array [n_day]
        Calendar year of each day.
    quick_mm, base_mm : array [n_day, n_sub]
        Quick flow and base flow over each subbasin (mm/d), as given to
        :func:`hydro.sources.daily_loads`.
    area_km2 : array [n_sub]
        Subbasin areas (km2).
    tn_loads : array [n_day, n_sub, n_source]
        TN loads by source (kg N/d) returned by :func:`hydro.sources.daily_loads`.
    points : PointLoads
        :func:`hydro.sources.point_loads` of ``params``.
    run_years : int array, optional
        The calendar years of the whole run these days are a block of
        (:func:`hydro.sources.daily_loads`).
    stores : dict, optional
        The wash-off store of the other species carried between blocks, under
        ``"washoff_quality"`` (as TN's in :func:`hydro.sources.daily_loads`).
    mean_washed : array [n_sub], optional
        The wash-off store's mean share washed off per day (1/d), as TN's.
    first_doy : int, optional
        Day of the year of the first day, as :func:`hydro.sources.daily_loads`'.
    air_temp_c : array [n_day, n_sub], optional
        The subbasins' mean air temperature (deg C); ``tn_store``: TN's wash-off store
        (``stores["washoff_tn_store"]`` of :func:`hydro.sources.daily_loads`).  Both needed where the
        table's ``[washoff_store]`` nitrifies the store's ammonium (:mod:`hydro.sources.quality_store`).
    mean_nitrified : array [n_sub], optional
        The mean share of the store's ammonium nitrified per day (1/d) its steady start takes, as
        ``mean_washed`` (:func:`hydro.store_climate.store_means`; None: these days').

    Returns
    -------
    QualityLoads
        ``orgn + nh3n + no3n`` equals ``tn_loads`` for every source, and each
        point's TN loads, to round-off.  The ``point`` column of ``diffuse``
        holds the subbasin's point sources summed, like TN's: a model placing
        point sources on their own reach uses ``point`` instead (never both).

    Raises
    ------
    HydroError
        For arrays of the wrong shape or with bad values, point sources that
        are not those of ``params``, and land-use classes or livestock kinds
        the table lacks.
    """
    subs = params.subbasins
    if not subs:
        raise HydroError("argument 'params': no subbasins with sources; add [[subbasins]] tables")
    years, year_index, days = _years(years_of_day, run_years, neighbours=True)  # the blend's neighbours
    doy = run_day_of_year(years, year_index, first_doy)
    quick, base, area, tn = _check_arrays(year_index.shape[0], subs, quick_mm, base_mm, area_km2, tn_loads)
    pts, grades, owner = point_species(table, params, years, year_index, points, doy)
    yq = _yearly(table, subs, years, days)
    ref = None if all(s.reference is None for s in subs) else _yearly(table, [s.reference or s for s in subs],
                                                                     years, days)  # a scenario's steps
    diffuse = _daily(table, subs, yq, _quickflow_emc(subs, yq, years, year_index, ref, doy), year_index, quick, base,
                     area, tn)
    wash = washoff_flow_mm(subs, quick, base, stores, "quality")  # TN's store's flow washes theirs (``washoff_flow``)
    age_species(diffuse, tn, subs, yq["share"], year_index, tn_store, wash, air_temp_c, table.store_nitrification,
                stores, mean_washed, mean_nitrified)  # the store's ammonium nitrifies ([washoff_store])
    store = species_timing([diffuse["dp"], diffuse["pp"], diffuse["codmn"]],  # TN's blending and wash-off
                           _species(yq), subs, source_names(), years, year_index, wash,
                           _store_start(table, subs, stores, (years, year_index, doy), wash, mean_washed),
                           mean_washed, _species(ref), doy)
    if stores is not None and store is not None:
        stores["washoff_quality"] = store.storage_kg[-1].copy()
    point_column(diffuse, tn, pts, owner)
    return QualityLoads(diffuse={sp: diffuse[sp] for sp in SPECIES}, point=pts, source_names=source_names(),
                        point_names=tuple(points.names), point_grades=grades)
