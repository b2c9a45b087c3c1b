"""Point sources of the water-quality species: effluent by treatment grade.

A plant's effluent concentrations come from its treatment grade (the basin's
``[quality.point_grades]``) or, without one, are interpolated along the
regional table's ``default_grades`` by the plant's effluent TN in each year
(TN 15 mg/L reads as GB 18918-2002 class 1A, 20 mg/L as class 1B).  Its TN
load (:func:`hydro.sources.point_loads`, unchanged) is split into ammonia N
(the grade's, at most TN), organic N (the grade's, at most what is left) and
nitrate N (the rest); TP and CODMn are discharge x the grade's concentration.
Each species' yearly load is timed as the plant's TN is
(:func:`hydro.sources.washoff.timed_point`: blended across years where the
subbasin's ``[sources.timing]`` says so), so no species steps on 1 January
where TN does not.  Used by :func:`hydro.sources.quality.quality_loads`.
"""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.sources.blocks import at
from hydro.sources.loads import PointLoads
from hydro.sources.parameters import SourceParameters
from hydro.sources.point import reference_plant
from hydro.sources.quality_table import SPECIES, QualityTable
from hydro.sources.registry import column
from hydro.sources.washoff import timed_point


def _grade_values(table: QualityTable, name: str, tn: np.ndarray, years: np.ndarray
                  ) -> tuple[str, dict[str, np.ndarray]]:
    """Effluent concentrations (mg/L) of a plant in each of ``years``, and its grade's name (for
    grades that change, each with the year it holds from: "gb18918_1b, db11_890_b from 2013")."""
    keys = ("orgn_mg_per_l", "nh3n_mg_per_l", "tp_mg_per_l", "pp_share", "codcr_mg_per_l")
    given = table.point_grades.get(name)
    if isinstance(given, str):
        g = table.effluent[given]
        return given, {k: np.full(tn.shape, getattr(g, k)) for k in keys}
    if given is not None:  # {year: grade}: each from its year on, the first also before it
        starts = np.array(list(given))
        chosen = [table.effluent[g] for g in given.values()]
        which = np.maximum(np.searchsorted(starts, np.asarray(years), side="right") - 1, 0)
        label = ", ".join(g if i == 0 else f"{g} from {y}" for i, (y, g) in enumerate(given.items()))
        return label, {k: np.array([getattr(chosen[i], k) for i in which], dtype=float) for k in keys}
    chain = [table.effluent[g] for g in table.default_grades]
    x = np.array([g.tn_mg_per_l for g in chain])
    return "interpolated", {k: np.interp(tn, x, np.array([getattr(g, k) for g in chain])) for k in keys}


def _plant_species(table: QualityTable, name: str, tn: np.ndarray, m3_d: np.ndarray, years: np.ndarray
                   ) -> tuple[str, dict[str, np.ndarray]]:
    """A plant's grade and its yearly loads (kg/d) of ammonia N, organic N, PP, DP and CODMn
    from its effluent TN (mg/L) and discharge (m3/d) in each of ``years`` (1 m3/d x 1 mg/L =
    1e-3 kg/d)."""
    grade, g = _grade_values(table, name, tn, years)
    nh3 = np.minimum(g["nh3n_mg_per_l"], tn)
    tp = g["tp_mg_per_l"] * g["pp_share"]
    conc = {"nh3n": nh3, "orgn": np.minimum(g["orgn_mg_per_l"], tn - nh3), "pp": tp,
            "dp": g["tp_mg_per_l"] - tp, "codmn": g["codcr_mg_per_l"] * table.codmn_per_codcr}
    return grade, {key: m3_d * mg_per_l * 1e-3 for key, mg_per_l in conc.items()}


def point_species(table: QualityTable, params: SourceParameters, years: np.ndarray, year_index: np.ndarray,
                   points: PointLoads, doy: np.ndarray | None = None
                   ) -> tuple[dict[str, np.ndarray], tuple[str, ...], list[int]]:
    """Species loads of every point source, their grades and the subbasin of each.

    Parameters
    ----------
    table : QualityTable
    params : SourceParameters
        The sources ``points`` come from.
    years : int array [n_year]
        The calendar years of the run; ``year_index`` [n_day] gives each day's.
    points : PointLoads
        :func:`hydro.sources.point_loads` of ``params`` (TN kg N/d, discharge m3/d).
    doy : int array [n_day], optional
        Each day's day of the year (:func:`hydro.sources.timing.run_day_of_year`).

    Returns
    -------
    loads : dict of str to ndarray [n_day, n_point]
        Species -> kg/d (``1 m3/d x 1 mg/L = 1e-3 kg/d``); the TN species add up to
        ``points.loads_kg_per_day``.
    grades : tuple of str
        Each plant's grade, "interpolated" for one read from its TN.
    owner : list of int
        The subbasin index of each plant.
    """
    names, owner, conc, plants = [], [], [], []
    for s, sub in enumerate(params.subbasins):
        for ps in sub.point:
            names.append(ps.name)
            owner.append(s)
            conc.append(at(ps.tn_mg_per_l, years))
            plants.append((sub, ps, at(ps.discharge_m3_per_day, years)))
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
    for k, (name, tn, (sub, ps, m3_d)) in enumerate(zip(names, conc, plants, strict=True)):
        grade, per_year = _plant_species(table, name, tn, m3_d, years)
        grades.append(grade)
        ref = reference_plant(sub, ps)
        ref_year = None if ref is None else _plant_species(table, name, at(ref.tn_mg_per_l, years),
                                                           at(ref.discharge_m3_per_day, years), years)[1]

        def timed(key, sub=sub, per_year=per_year, ref_year=ref_year):  # timed as the plant's TN (timed_point)
            return timed_point(sub, per_year[key], years, year_index, None if ref_year is None else ref_year[key],
                               doy)

        load = tn_load[:, k]
        out["nh3n"][:, k] = np.minimum(timed("nh3n"), load)
        out["orgn"][:, k] = np.minimum(timed("orgn"), load - out["nh3n"][:, k])
        out["no3n"][:, k] = np.maximum(load - out["nh3n"][:, k] - out["orgn"][:, k], 0.0)
        for key in ("pp", "dp", "codmn"):
            out[key][:, k] = timed(key)
    return out, tuple(grades), owner


def point_column(diffuse: dict[str, np.ndarray], tn: np.ndarray, pts: dict[str, np.ndarray], owner: list[int]):
    """Fill the ``point`` column of ``diffuse`` in place: each subbasin's plants summed.

    The TN species split that subbasin's TN ``point`` column (kg N/d) in its plants' proportions,
    so they add up to it whatever it holds; TP and CODMn are the plants' sums (kg/d).
    """
    ip = column("point")
    for s in sorted(set(owner)):
        mine = [k for k, o in enumerate(owner) if o == s]
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
