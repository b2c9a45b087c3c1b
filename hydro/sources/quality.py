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
``basins/region/SOURCES.md``) shared by every basin of the region.

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
    delivery, the basin's fractions, applied as for TN;
``livestock``
    head x per-head P or CODCr per year x ((1 - managed) x loss + managed x
    managed loss) / days in the year, as for TN;
``point``
    the sum of the subbasin's point sources (below);
``deposition``
    deposition of P on the water surface; no CODMn.

Rural domestic and livestock loads of a subbasin with ``delivery_timing =
"runoff"`` are shared over each year's days in proportion to runoff, as TN's
are.  CODCr coefficients become CODMn through ``codmn_per_codcr``.

Point sources: each plant's effluent concentrations come from its treatment
grade (the basin's ``[quality.point_grades]``), or, without one, are
interpolated along the table's ``default_grades`` by the plant's effluent TN
(TN 15 mg/L reads as GB 18918-2002 class 1A, 20 mg/L as class 1B).  Its TN
load is split into ammonia N (the grade's, at most TN), organic N (the
grade's, at most what is left) and nitrate N (the rest).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.sources.loads import SOURCE_NAMES, PointLoads, _flows, _years
from hydro.sources.parameters import SourceParameters, SubbasinSources
from hydro.sources.yearly import YearSeries
from hydro.tomlio import Table, load_toml

#: Species carried beside TN, in this order: kg N, kg N, kg N, kg P, kg P, kg O2.
SPECIES = ("orgn", "nh3n", "no3n", "dp", "pp", "codmn")
#: The species of each agreement parameter (constituent name -> species).
SPECIES_OF = {"tn": ("orgn", "nh3n", "no3n"), "tp": ("dp", "pp"), "codmn": ("codmn",)}
#: Units of each species' loads.
SPECIES_UNITS = {"orgn": "kg N/d", "nh3n": "kg N/d", "no3n": "kg N/d", "dp": "kg P/d", "pp": "kg P/d",
                 "codmn": "kg O2/d"}
#: Long names of the species.
SPECIES_LONG_NAMES = {"orgn": "organic nitrogen", "nh3n": "ammonia nitrogen", "no3n": "nitrate nitrogen",
                      "dp": "dissolved phosphorus", "pp": "particulate phosphorus",
                      "codmn": "permanganate index (CODMn)"}
#: Tolerance on the sum of a TN split.
SPLIT_TOLERANCE = 1e-6

_TN = SPECIES_OF["tn"]


# ---------------------------------------------------------------------------------------------
# the regional table

@dataclass(frozen=True)
class TnSplit:
    """Shares of TN in organic, ammonia and nitrate N, summing to 1.

    Attributes
    ----------
    orgn, nh3n, no3n : float, 1
        Shares in [0, 1]; ``no3n`` is stored as ``1 - orgn - nh3n`` so the
        three add up to 1 to round-off.
    """

    orgn: float
    nh3n: float
    no3n: float

    def as_tuple(self) -> tuple[float, float, float]:
        """``(orgn, nh3n, no3n)``."""
        return (self.orgn, self.nh3n, self.no3n)


@dataclass(frozen=True)
class LandUseQuality:
    """Quick-flow quality of one land-use class.

    Attributes
    ----------
    tn : TnSplit
        Species shares of the class's TN event-mean concentration.
    tp_emc_mg_per_l : float, mg P/L
        Event-mean TP concentration of quick flow.
    pp_share : float, 1
        Particulate share of that TP.
    codmn_emc_mg_per_l : float, mg O2/L
        Event-mean CODMn of quick flow.
    """

    tn: TnSplit
    tp_emc_mg_per_l: float
    pp_share: float
    codmn_emc_mg_per_l: float


@dataclass(frozen=True)
class BaseflowQuality:
    """Quality of base flow (the ``groundwater`` source).

    Attributes
    ----------
    tn : TnSplit
    tp_mg_per_l : float, mg P/L
    pp_share : float, 1
    codmn_mg_per_l : float, mg O2/L
    """

    tn: TnSplit
    tp_mg_per_l: float
    pp_share: float
    codmn_mg_per_l: float


@dataclass(frozen=True)
class DomesticQuality:
    """Rural domestic sewage and night soil, per person.

    Attributes
    ----------
    tn : TnSplit
    per_capita_p_g_per_day : float, g P/person/d
    pp_share : float, 1
    per_capita_codcr_g_per_day : float, g O2/person/d (CODCr)
    """

    tn: TnSplit
    per_capita_p_g_per_day: float
    pp_share: float
    per_capita_codcr_g_per_day: float


@dataclass(frozen=True)
class LivestockKind:
    """Excretion of one livestock kind, per head of mean stock.

    Attributes
    ----------
    p_kg_per_head_yr : float, kg P/head/yr
    codcr_kg_per_head_yr : float, kg O2/head/yr (CODCr)
    """

    p_kg_per_head_yr: float
    codcr_kg_per_head_yr: float


@dataclass(frozen=True)
class LivestockQuality:
    """Livestock excreta.

    Attributes
    ----------
    tn : TnSplit
    pp_share : float, 1
    kinds : dict of str to LivestockKind
        By the livestock names of the basin files (``pig``, ``cattle``, ...).
    """

    tn: TnSplit
    pp_share: float
    kinds: dict[str, LivestockKind]


@dataclass(frozen=True)
class DepositionQuality:
    """Deposition on water surfaces.

    Attributes
    ----------
    tn : TnSplit
    tp_kg_per_ha_yr : float, kg P/ha/yr
    pp_share : float, 1
    """

    tn: TnSplit
    tp_kg_per_ha_yr: float
    pp_share: float


@dataclass(frozen=True)
class EffluentGrade:
    """Effluent of one treatment grade (a discharge standard's limits, or raw sewage).

    Attributes
    ----------
    tn_mg_per_l, orgn_mg_per_l, nh3n_mg_per_l : float, mg N/L
    tp_mg_per_l : float, mg P/L
    pp_share : float, 1
    codcr_mg_per_l : float, mg O2/L (CODCr)
    """

    tn_mg_per_l: float
    orgn_mg_per_l: float
    nh3n_mg_per_l: float
    tp_mg_per_l: float
    pp_share: float
    codcr_mg_per_l: float


@dataclass(frozen=True)
class QualityTable:
    """The regional coefficient table (``basins/region/quality.toml``), parsed.

    Attributes
    ----------
    path : str
        The file read ("" when built in Python).
    codmn_per_codcr : float, 1
        CODMn per unit CODCr (both mg O2/L).
    land_use : dict of str to LandUseQuality
        By land-use class name (the basin files' ``land_use`` keys).
    groundwater : BaseflowQuality
    rural_domestic : DomesticQuality
    livestock : LivestockQuality
    deposition : DepositionQuality
    effluent : dict of str to EffluentGrade
        Treatment grades by name.
    default_grades : tuple of str
        Grades, by increasing TN, along which a plant without a grade is
        interpolated by its effluent TN.
    point_grades : dict of str to str
        Plant name -> grade, from the basin's ``[quality.point_grades]``
        (:func:`quality_table_of`); empty in the regional file.
    """

    path: str
    codmn_per_codcr: float
    land_use: dict[str, LandUseQuality]
    groundwater: BaseflowQuality
    rural_domestic: DomesticQuality
    livestock: LivestockQuality
    deposition: DepositionQuality
    effluent: dict[str, EffluentGrade]
    default_grades: tuple[str, ...]
    point_grades: dict[str, str] = field(default_factory=dict)


def _number(t: Table, key: str, *, minimum: float | None = None, maximum: float | None = None,
            unit: str = "") -> float:
    value = t.raw(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise t.error(key, f"expected a finite number{' in ' + unit if unit else ''}, got {value!r}; "
                           "give a number")
    value = float(value)
    rng = (f"[{minimum:g}, {maximum:g}]" if minimum is not None and maximum is not None
           else f">= {minimum:g}" if minimum is not None else "")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise t.error(key, f"expected a value {rng}{' ' + unit if unit else ''}, got {value:g}; fix it")
    return value


def _split(t: Table, key: str = "tn_species") -> TnSplit:
    value = t.raw(key)
    if not isinstance(value, dict):
        raise t.error(key, "expected an inline table { orgn = a, nh3n = b, no3n = c } of shares "
                           f"summing to 1, got {value!r}")
    inner = Table(value, t.file, t.path(key))
    shares = [_number(inner, s, minimum=0.0, maximum=1.0) for s in _TN]
    inner.finish()
    total = sum(shares)
    if abs(total - 1.0) > SPLIT_TOLERANCE:
        raise t.error(key, f"the shares sum to {total:.9g}, expected 1 within {SPLIT_TOLERANCE:g} "
                           f"({', '.join(f'{s} {v:g}' for s, v in zip(_TN, shares, strict=True))}); fix the shares")
    orgn, nh3n = shares[0], shares[1]
    return TnSplit(orgn, nh3n, max(0.0, 1.0 - orgn - nh3n))


def _named_tables(t: Table, key: str) -> dict[str, Table]:
    value = t.raw(key)
    if not isinstance(value, dict) or not value or not all(isinstance(v, dict) for v in value.values()):
        raise t.error(key, f"expected one or more tables [{t.path(key)}.<name>], got {value!r}")
    return {name: Table(v, t.file, f"{t.path(key)}.{name}") for name, v in value.items()}


def read_quality_table(path: str | Path) -> QualityTable:
    """Read the regional coefficient table.

    Parameters
    ----------
    path : str or Path
        A ``quality.toml`` (``basins/region/quality.toml`` ships with hydro).

    Returns
    -------
    QualityTable

    Raises
    ------
    HydroError
        For a missing or malformed file, a missing or unknown key (with the
        nearest known one), a value out of range, TN shares that do not sum to
        1, or a default grade that is not defined or out of TN order; the
        message names the file and the key.
    """
    path = Path(path)
    root = Table(load_toml(path), path)
    codmn_per_codcr = _number(root, "codmn_per_codcr", minimum=0.0, maximum=1.0)

    land_use = {}
    for name, t in _named_tables(root, "land_use").items():
        land_use[name] = LandUseQuality(
            tn=_split(t), tp_emc_mg_per_l=_number(t, "tp_emc_mg_per_l", minimum=0.0, unit="mg P/L"),
            pp_share=_number(t, "pp_share", minimum=0.0, maximum=1.0),
            codmn_emc_mg_per_l=_number(t, "codmn_emc_mg_per_l", minimum=0.0, unit="mg O2/L"))
        t.finish()

    gw = root.table("groundwater")
    groundwater = BaseflowQuality(tn=_split(gw), tp_mg_per_l=_number(gw, "tp_mg_per_l", minimum=0.0, unit="mg P/L"),
                                  pp_share=_number(gw, "pp_share", minimum=0.0, maximum=1.0),
                                  codmn_mg_per_l=_number(gw, "codmn_mg_per_l", minimum=0.0, unit="mg O2/L"))
    gw.finish()

    rd = root.table("rural_domestic")
    domestic = DomesticQuality(
        tn=_split(rd), per_capita_p_g_per_day=_number(rd, "per_capita_p_g_per_day", minimum=0.0, unit="g P/person/d"),
        pp_share=_number(rd, "pp_share", minimum=0.0, maximum=1.0),
        per_capita_codcr_g_per_day=_number(rd, "per_capita_codcr_g_per_day", minimum=0.0, unit="g O2/person/d"))
    rd.finish()

    lv = root.table("livestock")
    kinds = {}
    for name, t in _named_tables(lv, "kinds").items():
        kinds[name] = LivestockKind(p_kg_per_head_yr=_number(t, "p_kg_per_head_yr", minimum=0.0, unit="kg P/head/yr"),
                                    codcr_kg_per_head_yr=_number(t, "codcr_kg_per_head_yr", minimum=0.0,
                                                                 unit="kg O2/head/yr"))
        t.finish()
    livestock = LivestockQuality(tn=_split(lv), pp_share=_number(lv, "pp_share", minimum=0.0, maximum=1.0), kinds=kinds)
    lv.finish()

    dep = root.table("deposition")
    deposition = DepositionQuality(tn=_split(dep),
                                   tp_kg_per_ha_yr=_number(dep, "tp_kg_per_ha_yr", minimum=0.0, unit="kg P/ha/yr"),
                                   pp_share=_number(dep, "pp_share", minimum=0.0, maximum=1.0))
    dep.finish()

    ef = root.table("effluent")
    grades = {}
    for name, t in _named_tables(ef, "grades").items():
        g = EffluentGrade(**{k: _number(t, k, minimum=0.0, unit="mg/L")
                             for k in ("tn_mg_per_l", "orgn_mg_per_l", "nh3n_mg_per_l", "tp_mg_per_l")},
                          pp_share=_number(t, "pp_share", minimum=0.0, maximum=1.0),
                          codcr_mg_per_l=_number(t, "codcr_mg_per_l", minimum=0.0, unit="mg O2/L"))
        if g.orgn_mg_per_l + g.nh3n_mg_per_l > g.tn_mg_per_l + 1e-9:
            raise t.error("nh3n_mg_per_l", f"organic N {g.orgn_mg_per_l:g} + ammonia N {g.nh3n_mg_per_l:g} "
                                           f"exceed TN {g.tn_mg_per_l:g} mg/L; fix the grade")
        grades[name] = g
        t.finish()
    default = ef.raw("default_grades")
    if not isinstance(default, list) or not default or not all(isinstance(g, str) for g in default):
        raise ef.error("default_grades", f"expected a list of grade names, got {default!r}")
    for g in default:
        if g not in grades:
            raise ef.error("default_grades", f"grade '{g}' is not defined" + suggest(g, grades)
                           + f"; defined: {', '.join(grades)}")
    tns = [grades[g].tn_mg_per_l for g in default]
    if any(b <= a for a, b in itertools.pairwise(tns)):
        raise ef.error("default_grades", f"the grades' TN must increase strictly along the list, got {tns} "
                                         "mg/L; order them by TN")
    ef.finish()
    root.finish()
    return QualityTable(path=str(path), codmn_per_codcr=codmn_per_codcr, land_use=land_use,
                        groundwater=groundwater, rural_domestic=domestic, livestock=livestock,
                        deposition=deposition, effluent=grades, default_grades=tuple(default))


def quality_table_of(basin: Any) -> QualityTable | None:
    """The regional table a basin names in its ``[quality]`` table, with its point grades.

    Parameters
    ----------
    basin : hydro.basin.Basin

    Returns
    -------
    QualityTable or None
        None when the basin has no ``[quality]`` table.

    Raises
    ------
    HydroError
        When the table file is bad (:func:`read_quality_table`) or a point
        grade of ``[quality.point_grades]`` is not a grade of the table.
    """
    spec = getattr(basin, "quality", None) or {}
    if not spec:
        return None
    table = read_quality_table(spec["table"])
    grades = dict(spec.get("point_grades", {}))
    for plant, grade in grades.items():
        if grade not in table.effluent:
            raise HydroError(f"{basin.path}: key 'quality.point_grades.\"{plant}\"': grade '{grade}' is not "
                             f"in {table.path}" + suggest(grade, table.effluent)
                             + f"; use one of {', '.join(table.effluent)}")
    return dataclasses.replace(table, point_grades=grades)


# ---------------------------------------------------------------------------------------------
# loads

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
    source_names: tuple[str, ...] = SOURCE_NAMES
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


_S = {name: i for i, name in enumerate(SOURCE_NAMES)}


def _at(value: object, years: np.ndarray) -> np.ndarray:
    """A yearly parameter's values in ``years`` (parameters are coerced to YearSeries when built)."""
    if not isinstance(value, YearSeries):
        raise TypeError(f"expected a YearSeries, got {type(value).__name__}")
    return value.at(years)


def _class(table: QualityTable, name: str, sub: SubbasinSources) -> LandUseQuality:
    if name not in table.land_use:
        raise HydroError(f"{table.path or 'quality table'}: subbasin '{sub.subbasin}' has land-use class "
                         f"'{name}', which has no [land_use.{name}] in the table" + suggest(name, table.land_use)
                         + f"; add it (known: {', '.join(table.land_use)}) or rename the class")
    return table.land_use[name]


def _kind(table: QualityTable, name: str, sub: SubbasinSources) -> LivestockKind:
    kinds = table.livestock.kinds
    if name not in kinds:
        raise HydroError(f"{table.path or 'quality table'}: subbasin '{sub.subbasin}' has livestock "
                         f"'{name}', which has no [livestock.kinds.{name}] in the table" + suggest(name, kinds)
                         + f"; add it (known: {', '.join(kinds)})")
    return kinds[name]


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


def _grade_values(table: QualityTable, name: str, tn: np.ndarray) -> tuple[str, dict[str, np.ndarray]]:
    """Effluent concentrations (mg/L) of a plant in each year, and its grade's name."""
    keys = ("orgn_mg_per_l", "nh3n_mg_per_l", "tp_mg_per_l", "pp_share", "codcr_mg_per_l")
    grade = table.point_grades.get(name)
    if grade is not None:
        g = table.effluent[grade]
        return grade, {k: np.full(tn.shape, getattr(g, k)) for k in keys}
    chain = [table.effluent[g] for g in table.default_grades]
    x = np.array([g.tn_mg_per_l for g in chain])
    return "interpolated", {k: np.interp(tn, x, np.array([getattr(g, k) for g in chain])) for k in keys}


def _point_species(table: QualityTable, params: SourceParameters, years: np.ndarray, year_index: np.ndarray,
                   points: PointLoads) -> tuple[dict[str, np.ndarray], tuple[str, ...], list[int]]:
    """Species loads of every point source (kg/d), their grades and the subbasin of each."""
    names, owner, conc = [], [], []
    for s, sub in enumerate(params.subbasins):
        for ps in sub.point:
            names.append(ps.name)
            owner.append(s)
            conc.append(_at(ps.tn_mg_per_l, years))
    if tuple(names) != tuple(points.names):
        raise HydroError(f"argument 'points': its point sources {list(points.names)} are not those of 'params' "
                         f"{names}; pass point_loads(params, years_of_day)")
    n_day = year_index.shape[0]
    n_point = len(names)
    tn_load = np.asarray(points.loads_kg_per_day, dtype=np.float64)
    water = np.asarray(points.discharge_m3_per_day, dtype=np.float64)
    if tn_load.shape != (n_day, n_point) or water.shape != (n_day, n_point):
        raise HydroError(f"argument 'points': expected loads and discharge of shape [day, point] = ({n_day}, "
                         f"{n_point}), got {tn_load.shape} and {water.shape}")
    unknown = sorted(set(table.point_grades) - set(names))
    if unknown:
        raise HydroError(f"[quality.point_grades]: {unknown} {'is not a' if len(unknown) == 1 else 'are not'} "
                         f"point source{'s' if len(unknown) > 1 else ''} of the basin"
                         + suggest(unknown[0], names) + f"; point sources: {', '.join(names) or 'none'}")
    out = {sp: np.zeros((n_day, n_point)) for sp in SPECIES}
    grades = []
    for k, (name, tn) in enumerate(zip(names, conc, strict=True)):
        grade, g = _grade_values(table, name, tn)
        grades.append(grade)
        nh3 = np.minimum(g["nh3n_mg_per_l"], tn)
        orgn = np.minimum(g["orgn_mg_per_l"], tn - nh3)
        safe = np.where(tn > 0, tn, 1.0)
        f_nh3 = np.where(tn > 0, nh3 / safe, 0.0)[year_index]
        f_org = np.where(tn > 0, orgn / safe, 0.0)[year_index]
        out["orgn"][:, k] = tn_load[:, k] * f_org
        out["nh3n"][:, k] = tn_load[:, k] * f_nh3
        out["no3n"][:, k] = tn_load[:, k] * np.maximum(1.0 - f_org - f_nh3, 0.0)
        tp = water[:, k] * g["tp_mg_per_l"][year_index] * 1e-3
        pp = g["pp_share"][year_index]
        out["pp"][:, k] = tp * pp
        out["dp"][:, k] = tp * (1.0 - pp)
        out["codmn"][:, k] = water[:, k] * g["codcr_mg_per_l"][year_index] * 1e-3 * table.codmn_per_codcr
    return out, tuple(grades), owner


def quality_loads(table: QualityTable, params: SourceParameters, years_of_day, quick_mm, base_mm, area_km2,
                  tn_loads, points: PointLoads) -> QualityLoads:
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
    n_sub = len(subs)
    if n_sub == 0:
        raise HydroError("argument 'params': no subbasins with sources; add [[subbasins]] tables")
    years, year_index, days = _years(years_of_day)
    n_day, n_year = year_index.shape[0], len(years)
    quick = _flows("quick_mm", quick_mm, n_day, n_sub)
    base = _flows("base_mm", base_mm, n_day, n_sub)
    area = np.atleast_1d(np.asarray(area_km2, dtype=np.float64))
    if area.shape != (n_sub,) or not np.all(np.isfinite(area)) or np.any(area <= 0):
        raise HydroError(f"argument 'area_km2': expected {n_sub} finite areas > 0 km2, got {np.asarray(area_km2)!r}")
    tn = np.asarray(tn_loads, dtype=np.float64)
    n_source = len(SOURCE_NAMES)
    if tn.shape != (n_day, n_sub, n_source):
        raise HydroError(f"argument 'tn_loads': expected shape [day, subbasin, source] = ({n_day}, {n_sub}, "
                         f"{n_source}) as daily_loads returns, got {tn.shape}")
    if not np.all(np.isfinite(tn)) or np.any(tn < 0):
        raise HydroError("argument 'tn_loads': expected finite loads >= 0 kg/d")

    pts, grades, owner = _point_species(table, params, years, year_index, points)

    # TN shares [year, sub, source, species] and yearly rates [year, sub, source] of P and CODMn
    share = np.zeros((n_year, n_sub, n_source, 3))
    share[..., 2] = 1.0
    tp_rate = np.zeros((n_year, n_sub, n_source))     # kg P/d (constant sources)
    pp_frac = np.zeros((n_year, n_sub, n_source))
    cod_rate = np.zeros((n_year, n_sub, n_source))    # kg O2/d (constant sources)
    tp_emc = np.zeros((n_year, n_sub))                # mg P/L, quick flow
    cod_emc = np.zeros((n_year, n_sub))               # mg O2/L, quick flow
    gw, rd_q, lv_q, dep_q = table.groundwater, table.rural_domestic, table.livestock, table.deposition
    cod = table.codmn_per_codcr
    for s, sub in enumerate(subs):
        # quick flow
        weight_tn = np.zeros(n_year)
        split = np.zeros((n_year, 3))
        weight_share = np.zeros(n_year)
        split_share = np.zeros((n_year, 3))
        tp_pp = np.zeros(n_year)
        for lu in sub.land_use:
            q = _class(table, lu.name, sub)
            sh = _at(lu.share, years)
            w = sh * _at(lu.emc_mg_per_l, years)
            weight_tn += w
            split += w[:, None] * np.array(q.tn.as_tuple())
            weight_share += sh
            split_share += sh[:, None] * np.array(q.tn.as_tuple())
            tp_emc[:, s] += sh * q.tp_emc_mg_per_l
            tp_pp += sh * q.tp_emc_mg_per_l * q.pp_share
            cod_emc[:, s] += sh * q.codmn_emc_mg_per_l
        use = weight_tn > 0
        fallback = weight_share > 0
        split_all = np.where(use[:, None], split / np.where(use, weight_tn, 1.0)[:, None],
                             np.where(fallback[:, None], split_share / np.where(fallback, weight_share, 1.0)[:, None],
                                      np.array([0.0, 0.0, 1.0])))
        share[:, s, _S["diffuse_quickflow"]] = split_all
        pp_frac[:, s, _S["diffuse_quickflow"]] = np.where(tp_emc[:, s] > 0, tp_pp / np.where(tp_emc[:, s] > 0,
                                                                                               tp_emc[:, s], 1.0), 0.0)
        # base flow
        share[:, s, _S["groundwater"]] = gw.tn.as_tuple()
        pp_frac[:, s, _S["groundwater"]] = gw.pp_share
        # rural domestic: population x per capita x (1 - connected x removal) x delivery, as for TN
        rd = sub.rural_domestic
        share[:, s, _S["rural_domestic"]] = rd_q.tn.as_tuple()
        pp_frac[:, s, _S["rural_domestic"]] = rd_q.pp_share
        if rd is not None:
            treated = _at(rd.connected_share, years) * _at(rd.treatment_removal, years)
            persons = _at(rd.population, years) * (1.0 - treated) * _at(rd.delivery_fraction, years) * 1e-3
            tp_rate[:, s, _S["rural_domestic"]] = persons * rd_q.per_capita_p_g_per_day
            cod_rate[:, s, _S["rural_domestic"]] = persons * rd_q.per_capita_codcr_g_per_day * cod
        # livestock: head x excretion x ((1 - managed) loss + managed x managed loss) / days, as for TN
        share[:, s, _S["livestock"]] = lv_q.tn.as_tuple()
        pp_frac[:, s, _S["livestock"]] = lv_q.pp_share
        for lv in sub.livestock:
            kind = _kind(table, lv.name, sub)
            m = _at(lv.managed_share, years)
            heads = _at(lv.head, years) * ((1.0 - m) * _at(lv.loss_fraction, years)
                                         + m * _at(lv.managed_loss_fraction, years)) / days
            tp_rate[:, s, _S["livestock"]] += heads * kind.p_kg_per_head_yr
            cod_rate[:, s, _S["livestock"]] += heads * kind.codcr_kg_per_head_yr * cod
        # deposition on the water surface
        share[:, s, _S["deposition"]] = dep_q.tn.as_tuple()
        pp_frac[:, s, _S["deposition"]] = dep_q.pp_share
        if sub.deposition is not None:
            tp_rate[:, s, _S["deposition"]] = (dep_q.tp_kg_per_ha_yr * _at(sub.deposition.water_area_km2, years)
                                               * 100.0 / days)

    # TN species: the TN loads times each day's shares
    diffuse = {}
    daily_share = share[year_index]                                   # [day, sub, source, 3]
    for i, sp in enumerate(_TN):
        if sp == "no3n":
            diffuse[sp] = tn * np.maximum(1.0 - daily_share[..., 0] - daily_share[..., 1], 0.0)
        else:
            diffuse[sp] = tn * daily_share[..., i]
    # TP and CODMn: concentrations x flows, constant rates with the basin's timing
    tp = tp_rate[year_index]
    codmn = cod_rate[year_index]
    iq, ig = _S["diffuse_quickflow"], _S["groundwater"]
    tp[:, :, iq] = tp_emc[year_index] * quick * area
    codmn[:, :, iq] = cod_emc[year_index] * quick * area
    tp[:, :, ig] = gw.tp_mg_per_l * base * area
    codmn[:, :, ig] = gw.codmn_mg_per_l * base * area
    runoff = quick + base
    for s, sub in enumerate(subs):
        if sub.delivery_timing == "runoff":
            for name in ("rural_domestic", "livestock"):
                k = _S[name]
                tp[:, s, k] = _runoff_timing(tp_rate[:, s, k], runoff[:, s], year_index, n_year)
                codmn[:, s, k] = _runoff_timing(cod_rate[:, s, k], runoff[:, s], year_index, n_year)
    frac = pp_frac[year_index]
    diffuse["pp"] = tp * frac
    diffuse["dp"] = tp * (1.0 - frac)
    diffuse["codmn"] = codmn
    # the point column: the subbasin's point sources summed (TN species split like the TN column)
    ip = _S["point"]
    for s in range(n_sub):
        mine = [k for k, o in enumerate(owner) if o == s]
        if not mine:
            continue
        sums = {sp: pts[sp][:, mine].sum(axis=1) for sp in SPECIES}
        tn_pts = sums["orgn"] + sums["nh3n"] + sums["no3n"]
        safe = np.where(tn_pts > 0, tn_pts, 1.0)
        f_org = np.where(tn_pts > 0, sums["orgn"] / safe, 0.0)
        f_nh3 = np.where(tn_pts > 0, sums["nh3n"] / safe, 0.0)
        diffuse["orgn"][:, s, ip] = tn[:, s, ip] * f_org
        diffuse["nh3n"][:, s, ip] = tn[:, s, ip] * f_nh3
        diffuse["no3n"][:, s, ip] = tn[:, s, ip] * np.maximum(1.0 - f_org - f_nh3, 0.0)
        for sp in ("dp", "pp", "codmn"):
            diffuse[sp][:, s, ip] = sums[sp]
    return QualityLoads(diffuse={sp: diffuse[sp] for sp in SPECIES}, point=pts, source_names=SOURCE_NAMES,
                        point_names=tuple(points.names), point_grades=grades)

