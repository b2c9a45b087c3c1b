"""Nitrogen the source model keeps on land, and the part of it that ecosystems purify.

:func:`landscape_retention` is what riparian buffers and wetlands keep from the
rivers (counted as GEP water purification, :mod:`hydro.gep`);
:func:`retention_components` lists every kind of N kept on land, to show what is
and is not purification.
"""

from __future__ import annotations

import calendar

import numpy as np

from hydro.gep_inputs import year_sums
from hydro.run_attributes import id_values


def retention_components(sources, years_of_day: np.ndarray, quick_mm: np.ndarray, area_km2: np.ndarray,
                         buffer_removed_mg_per_l: np.ndarray | None = None) -> tuple[list[int], dict]:
    """N the source model keeps on land, by kind, per year and subbasin (kg).

    Kinds: ``soil`` (``(1 − leaching_fraction) · Σ_c share_c · max(S_c, 0) · 100 · A``, the
    positive surplus that does not leach), ``domestic`` (rural sewage generated after
    treatment but not delivered), ``livestock`` (unmanaged excreta not lost to water) and
    ``riparian`` (``Σ_c share_c · (EMC without − with buffers) · quick-flow volume``).
    Only ``riparian`` is purification by an ecosystem (:func:`landscape_retention`); the
    others were counted before 2026-11 and are kept here to show what changed.
    """
    from hydro.sources import yearly_rates

    years_of_day = np.asarray(years_of_day)
    years = sorted({int(y) for y in years_of_day})
    yr = np.asarray(years)
    days = np.array([np.sum(years_of_day == y) for y in years], dtype=float)
    full = np.array([366 if calendar.isleap(y) else 365 for y in years], dtype=float)
    n = len(sources.subbasins)
    out = {k: np.zeros((len(years), n)) for k in ("soil", "domestic", "livestock", "riparian")}
    for j, sub in enumerate(sources.subbasins):
        a = float(area_km2[j])
        rates = yearly_rates(sub, yr, a)
        leach = np.zeros(len(years)) if sub.groundwater is None else sub.groundwater.leaching_fraction.at(yr)
        out["soil"][:, j] = (1.0 - leach) * rates["surplus_kg_per_ha_yr"] * 100.0 * a * days / full
        rd = sub.rural_domestic
        if rd is not None:
            out["domestic"][:, j] = (rd.population.at(yr) * rd.per_capita_n_g_per_day.at(yr) * 1e-3 * days
                                     * (1.0 - rd.connected_share.at(yr) * rd.treatment_removal.at(yr))
                                     * (1.0 - rd.delivery_fraction.at(yr)))
        for lv in sub.livestock:
            out["livestock"][:, j] += (lv.head.at(yr) * lv.excretion_kg_per_head_yr.at(yr)
                                       * (1.0 - lv.managed_share.at(yr))
                                       * (1.0 - lv.loss_fraction.at(yr))) * days / full
    if buffer_removed_mg_per_l is not None:
        q = np.asarray(quick_mm, dtype=float)
        vol = np.array([q[years_of_day == y].sum(axis=0) for y in years])  # mm per year
        out["riparian"] += np.asarray(buffer_removed_mg_per_l) * vol * np.asarray(area_km2)[None, :]
    return years, out


def landscape_retention(sources, years_of_day: np.ndarray, quick_mm: np.ndarray, area_km2: np.ndarray,
                        buffer_removed_mg_per_l: np.ndarray | None = None) -> tuple[list[int], np.ndarray]:
    """N purified on land by ecosystems, per year and subbasin (kg): riparian buffers and wetlands.

    ``Σ_c share_c · (EMC without − with buffers) · quick-flow volume`` (mg/L · mm · km2 = kg).
    Fertiliser surplus kept in soil and undelivered sewage or excreta are *not* counted
    (see :func:`retention_components`).  :mod:`hydro.scenarios` stores this as
    ``subbasin_tn_landscape_retention``.

    Returns
    -------
    (years, kg [n_year, n_subbasin])
    """
    years_of_day = np.asarray(years_of_day)
    years = sorted({int(y) for y in years_of_day})
    out = np.zeros((len(years), len(np.atleast_1d(area_km2))))
    if buffer_removed_mg_per_l is not None:
        q = np.asarray(quick_mm, dtype=float)
        vol = np.array([q[years_of_day == y].sum(axis=0) for y in years])  # mm per year
        out += np.asarray(buffer_removed_mg_per_l) * vol * np.asarray(area_km2)[None, :]
    return years, out


def species_retention(tn_kept_kg: np.ndarray, results, years: list[int]) -> dict[str, np.ndarray]:
    """What buffers and wetlands keep of each nitrogen species, per year and subbasin (kg).

    Buffers lower the TN event-mean concentration of the quick flow they treat, so what they keep
    would have reached the rivers as the quick flow's nitrogen did.  A species' part is TN's kept
    times its share of the subbasin's quick-flow nitrogen in that year (the ``diffuse_quickflow``
    source of ``subbasin_<s>_source_input``, as delivered: after the wash-off store's reactions).
    That share is an *estimate* (the treated classes' own mix may differ from the subbasin's).

    Parameters
    ----------
    tn_kept_kg : ndarray [year, subbasin]
        TN kept (:func:`landscape_retention`), kg.
    results : hydro.results.Results
        The run, by source (a run without sources gives nothing).
    years : list of int
        The years of ``tn_kept_kg``'s rows.

    Returns
    -------
    dict
        ``{species: kg [year, subbasin]}`` for each TN species the run has by source.
    """
    species = id_values(results.attrs.get("species", ""))  # "tn=orgn,nh3n,no3n;tp=dp,pp"
    names = [s for s in species.get("tn", "").split(",") if f"subbasin_{s}_source_input" in results.data]
    if not names or "subbasin_tn_source_input" not in results.data:
        return {}
    sources = [str(s) for s in results.coords["source"]]
    if "diffuse_quickflow" not in sources:
        return {}
    k = sources.index("diffuse_quickflow")
    year_of_day = np.array([d.year for d in results.dates])

    def yearly(name: str) -> np.ndarray:  # kg a year and subbasin delivered by quick flow
        return year_sums(np.asarray(results[name])[None, :, :, k], year_of_day, years)[0]

    tn = yearly("subbasin_tn_source_input")
    out = {}
    for s in names:
        share = np.divide(yearly(f"subbasin_{s}_source_input"), tn, out=np.zeros_like(tn), where=tn > 0)
        out[s] = np.asarray(tn_kept_kg) * share
    return out
