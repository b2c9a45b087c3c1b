"""The regional water-quality coefficient table (``basins/region/quality.toml``).

One table for every basin of the region, so a county's people, animals, land
and treatment plants get the same coefficients whichever basin they drain to.
:func:`read_quality_table` parses it into a frozen :class:`QualityTable`
(errors name the file and the key); :func:`quality_table_of` reads the one a
basin names in its ``[quality]`` table, with the basin's point grades.  The
loads are computed by :mod:`hydro.sources.quality`; every number of the
shipped table is cited in ``basins/region/SOURCES.md``.

Size: the reader of one file format, its tables, keys and bounds, kept in one place.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydro.errors import HydroError, suggest
from hydro.sources.quality_store import StoreNitrification, read_store_nitrification
from hydro.tomlio import Table, load_toml
from hydro.units import WATER_MAX_MG_L

#: Species carried beside TN, in this order: kg N, kg N, kg N, kg P, kg P, kg O2.
SPECIES = ("orgn", "nh3n", "no3n", "dp", "pp", "codmn")
#: The species of each agreement parameter (constituent name -> species).
SPECIES_OF = {"tn": ("orgn", "nh3n", "no3n"), "tp": ("dp", "pp"), "codmn": ("codmn",)}
#: Tolerance on the sum of a TN split.
SPLIT_TOLERANCE = 1e-6

_TN = SPECIES_OF["tn"]


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
    p_delivery_ratio : float, 1
        P's delivery fraction over the basin's N one (soils keep P); 1: TN's.
    """

    tn: TnSplit
    per_capita_p_g_per_day: float
    pp_share: float
    per_capita_codcr_g_per_day: float
    p_delivery_ratio: float = 1.0


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
    p_delivery_ratio : float, 1
        P's loss fractions over the basin's N ones, as for :class:`DomesticQuality`.
    """

    tn: TnSplit
    pp_share: float
    kinds: dict[str, LivestockKind]
    p_delivery_ratio: float = 1.0


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
    point_grades : dict of str to str or dict of int to str
        Plant name -> grade, or -> {year: grade} (each from its year on, the first also before it),
        from the basin's ``[quality.point_grades]`` (:func:`quality_table_of`); empty in the regional file.
    store_nitrification : StoreNitrification
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
    point_grades: dict[str, str | dict[int, str]] = field(default_factory=dict)
    store_nitrification: StoreNitrification = field(default_factory=StoreNitrification)


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


def _ratio(t: Table) -> float:  # the optional p_delivery_ratio of a scattered source
    return _number(t, "p_delivery_ratio", minimum=0.0, maximum=1.0) if t.has("p_delivery_ratio") else 1.0


def _named_tables(t: Table, key: str) -> dict[str, Table]:
    value = t.raw(key)
    if not isinstance(value, dict) or not value or not all(isinstance(v, dict) for v in value.values()):
        raise t.error(key, f"expected one or more tables [{t.path(key)}.<name>], got {value!r}")
    return {name: Table(v, t.file, f"{t.path(key)}.{name}") for name, v in value.items()}


_TP: dict = {"minimum": 0.0, "maximum": WATER_MAX_MG_L["tp"], "unit": "mg P/L"}  # (what a river's water holds)
_COD: dict = {"minimum": 0.0, "maximum": WATER_MAX_MG_L["codmn"], "unit": "mg O2/L"}


def _read_land_use(root: Table) -> dict[str, LandUseQuality]:
    land_use = {}
    for name, t in _named_tables(root, "land_use").items():
        land_use[name] = LandUseQuality(
            tn=_split(t), tp_emc_mg_per_l=_number(t, "tp_emc_mg_per_l", **_TP),
            pp_share=_number(t, "pp_share", minimum=0.0, maximum=1.0),
            codmn_emc_mg_per_l=_number(t, "codmn_emc_mg_per_l", **_COD))
        t.finish()
    return land_use


def _read_groundwater(root: Table) -> BaseflowQuality:
    gw = root.table("groundwater")
    out = BaseflowQuality(tn=_split(gw), tp_mg_per_l=_number(gw, "tp_mg_per_l", **_TP),
                          pp_share=_number(gw, "pp_share", minimum=0.0, maximum=1.0),
                          codmn_mg_per_l=_number(gw, "codmn_mg_per_l", **_COD))
    gw.finish()
    return out


def _read_domestic(root: Table) -> DomesticQuality:
    rd = root.table("rural_domestic")
    out = DomesticQuality(
        tn=_split(rd), per_capita_p_g_per_day=_number(rd, "per_capita_p_g_per_day", minimum=0.0, unit="g P/person/d"),
        pp_share=_number(rd, "pp_share", minimum=0.0, maximum=1.0),
        per_capita_codcr_g_per_day=_number(rd, "per_capita_codcr_g_per_day", minimum=0.0, unit="g O2/person/d"),
        p_delivery_ratio=_ratio(rd))
    rd.finish()
    return out


def _read_livestock(root: Table) -> LivestockQuality:
    lv = root.table("livestock")
    kinds = {}
    for name, t in _named_tables(lv, "kinds").items():
        kinds[name] = LivestockKind(p_kg_per_head_yr=_number(t, "p_kg_per_head_yr", minimum=0.0, unit="kg P/head/yr"),
                                    codcr_kg_per_head_yr=_number(t, "codcr_kg_per_head_yr", minimum=0.0,
                                                                 unit="kg O2/head/yr"))
        t.finish()
    out = LivestockQuality(tn=_split(lv), pp_share=_number(lv, "pp_share", minimum=0.0, maximum=1.0), kinds=kinds,
                           p_delivery_ratio=_ratio(lv))
    lv.finish()
    return out


def _read_deposition(root: Table) -> DepositionQuality:
    dep = root.table("deposition")
    out = DepositionQuality(tn=_split(dep), tp_kg_per_ha_yr=_number(dep, "tp_kg_per_ha_yr", minimum=0.0,
                                                                    unit="kg P/ha/yr"),
                            pp_share=_number(dep, "pp_share", minimum=0.0, maximum=1.0))
    dep.finish()
    return out


def _read_effluent(root: Table) -> tuple[dict[str, EffluentGrade], tuple[str, ...]]:
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
    return grades, tuple(default)


def read_quality_table(path: str | Path) -> QualityTable:
    """Read the regional coefficient table ``path`` (``basins/region/quality.toml`` ships with hydro).

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
    table = QualityTable(path=str(path), codmn_per_codcr=codmn_per_codcr, land_use=_read_land_use(root),
                         groundwater=_read_groundwater(root), rural_domestic=_read_domestic(root),
                         livestock=_read_livestock(root), deposition=_read_deposition(root),
                         effluent={}, default_grades=(), store_nitrification=read_store_nitrification(root))
    grades, default = _read_effluent(root)
    root.finish()
    return dataclasses.replace(table, effluent=grades, default_grades=default)


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
    for plant, given in grades.items():
        for grade in [g for g in ([given] if isinstance(given, str) else given.values()) if g not in table.effluent]:
            raise HydroError(f"{basin.path}: key 'quality.point_grades.\"{plant}\"': grade '{grade}' is not "
                             f"in {table.path}" + suggest(grade, table.effluent)
                             + f"; use one of {', '.join(table.effluent)}")
    return dataclasses.replace(table, point_grades=grades)
