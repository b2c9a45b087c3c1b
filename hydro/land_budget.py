"""The land's nitrogen budget of each subbasin and year: from the gross inventory to the rivers.

Every term is kg N over a calendar year and is computed from the model's own equations
(:mod:`hydro.sources`), not as the difference that would make the table close; two
remainders say what the explicit terms leave over, and each is a finding where it is not 0.

The inventory (whole calendar years, from the yearly parameters, as ``subbasin_tn_gross_input``)::

    gross_input = crop_uptake + leached_to_groundwater + surplus_not_leached + surface_to_washoff
                  + excreta_retained + domestic_treatment_removal + domestic_not_delivered
                  + land_deposition_unallocated + emitted_to_rivers + inventory_unaccounted

* ``crop_uptake``: Σ classes share x ha x min(uptake, fertiliser + manure + deposition on its land + fixation), the
  uptake as the positive surplus caps it (:func:`hydro.sources.groundwater.surplus`: a class's deficit is
  no output);
* ``leached_to_groundwater``: leaching_fraction x surplus x ha (the store's input, ``groundwater_n_input``,
  before ``[sources.timing]``'s blend); ``surplus_not_leached``: the rest of the surplus (denitrification,
  volatilisation and soil storage, which the model does not tell apart);
* ``surface_to_washoff``: ``surface_fraction`` x the classes' fertiliser and manure, which lies on the surface
  (the wash-off store), not in the soil (:attr:`hydro.sources.SubbasinSources.surface_fraction`);
* ``excreta_retained``: livestock excretion not delivered (1 - the loss fractions) less the classes'
  manure, which enters the soil terms (negative where the classes spread more manure than is not delivered);
* ``domestic_treatment_removal``: population x per-capita N x connected share x treatment removal;
  ``domestic_not_delivered``: the rest of the domestic N that does not reach the reach;
* ``land_deposition_unallocated``: deposition the inventory counts on the land of a subbasin without
  land-use classes, which no surplus receives;
* ``emitted_to_rivers``: Σ of the constant-rate kinds' yearly loads (livestock and domestic delivered,
  point effluent, deposition on water, and any registered kind's), before timing and the wash-off store;
* ``inventory_unaccounted``: what the explicit terms leave (0 to round-off unless a class's own deposition
  is given without a ``deposition`` table, or a registered kind's inventory is not delivered).

The path to the rivers (the run's days of the year, from the daily series)::

    delivered_to_rivers = emitted_to_rivers + surface_to_washoff + quickflow_export + leached_to_groundwater
                          - groundwater_storage_change - washoff_loss - washoff_storage_change + timing_remainder

* ``quickflow_export``: the EMC x quick flow (the ``diffuse_quickflow`` source less the surface N washed off
  into it), which no inventory term supplies: the model does not take it from the soil surplus;
* ``groundwater_storage_change`` and ``washoff_storage_change``: the stores' content at the end of the
  year's last day less at the start of its first; ``washoff_loss``: Σ ``washoff_n_loss``;
* ``timing_remainder``: 0 to round-off in a whole calendar year (the blend across 1 January keeps each year's
  total), and, in a year the run covers in part, the inventory of the days outside;
* ``delivered_to_rivers``: Σ ``subbasin_tn_source_input`` over the source kinds.
"""

from __future__ import annotations

import numpy as np

from hydro.sources import stacked
from hydro.sources.blocks import at
from hydro.sources.deposition import counted_surfaces
from hydro.sources.groundwater import soil_classes
from hydro.sources.registry import delivered_by, kinds, source_names
from hydro.sources.rural_domestic import delivered
from hydro.sources.timing import days_in_years
from hydro.sources.washoff import applied_n
from hydro.units import HA_PER_KM2

#: The ``land_term`` coordinate: the inventory's fates, then the path to the rivers (module docstring).
LAND_TERMS = ("gross_input", "crop_uptake", "leached_to_groundwater", "surplus_not_leached", "surface_to_washoff",
              "excreta_retained", "domestic_treatment_removal", "domestic_not_delivered", "land_deposition_unallocated",
              "emitted_to_rivers", "inventory_unaccounted", "quickflow_export", "groundwater_storage_change",
              "washoff_loss", "washoff_storage_change", "timing_remainder", "delivered_to_rivers")
#: Terms whose sum is ``gross_input``.
INVENTORY_FATES = LAND_TERMS[1:11]
_T = {name: i for i, name in enumerate(LAND_TERMS)}
_N_INVENTORY = _T["inventory_unaccounted"] + 1


def _soil(sub, years: np.ndarray, ha: float) -> dict[str, np.ndarray]:
    """Crop uptake, leached and not leached surplus and manure of one subbasin's classes (kg/yr), from the
    classes' balances the groundwater store's surplus is made of (:func:`hydro.sources.groundwater.soil_classes`)."""
    n = len(years)
    uptake, surplus, manure = np.zeros(n), np.zeros(n), np.zeros(n)
    for share, applied, u, m in soil_classes(sub, years, ha / HA_PER_KM2):
        uptake += share * np.minimum(u, applied)
        surplus += share * np.maximum(applied - u, 0.0)
        manure += share * m
    surface = np.zeros(n)  # kg/yr
    if sub.surface_fraction > 0.0:  # the share of fertiliser and manure put on the wash-off store, not the soil
        per_day = applied_n(sub, years, ha / HA_PER_KM2)  # what the store is given (hydro.sources.washoff)
        surface = sub.surface_fraction * (per_day[0] + per_day[1]) * days_in_years(years)
    gw = sub.groundwater
    leached = np.zeros(n) if gw is None else at(gw.leaching_fraction, years) * surplus * ha
    return {"crop_uptake": uptake * ha, "leached_to_groundwater": leached,
            "surplus_not_leached": surplus * ha - leached, "surface_to_washoff": surface, "manure": manure * ha}


def _people_and_animals(sub, years: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
    """Excreta delivered and excreted, and domestic N removed and not delivered (kg/yr) of one subbasin."""
    n = len(years)
    excreted, delivered_lv = np.zeros(n), np.zeros(n)
    for lv in sub.livestock:
        m = at(lv.managed_share, years)
        e = at(lv.head, years) * at(lv.excretion_kg_per_head_yr, years)
        excreted += e
        delivered_lv += e * ((1.0 - m) * at(lv.loss_fraction, years) + m * at(lv.managed_loss_fraction, years))
    removal, not_delivered = np.zeros(n), np.zeros(n)
    rd = sub.rural_domestic
    if rd is not None:
        lead = at(rd.population, years) * at(rd.per_capita_n_g_per_day, years) * 1e-3 * days
        removal = lead * at(rd.connected_share, years) * at(rd.treatment_removal, years)
        not_delivered = lead - removal - delivered(rd, years, lead)
    return {"excreted": excreted, "excreta_delivered": delivered_lv,
            "domestic_treatment_removal": removal, "domestic_not_delivered": not_delivered}


def _fates(sub, years: np.ndarray, days: np.ndarray, area_km2) -> list[np.ndarray]:
    """The inventory's fates (:data:`INVENTORY_FATES` but ``inventory_unaccounted``) of one subbasin, or of a
    stacked group's stand-in (:mod:`hydro.sources.stacked`: years x subbasins flattened, the area with them),
    kg/yr each."""
    ha = area_km2 * HA_PER_KM2
    soil, pa = _soil(sub, years, ha), _people_and_animals(sub, years, days)
    surfaces = counted_surfaces(sub, years, ha)  # without classes: the land (ha less the water), then the water
    unallocated = surfaces[0][0] * surfaces[0][1] if surfaces and not sub.land_use else np.zeros(len(years))
    emitted = np.zeros(len(years))
    for k in kinds():
        if k.delivery == "constant":
            emitted = emitted + k.rates(sub, years, days, area_km2)[k.name] * days
    return [soil["crop_uptake"], soil["leached_to_groundwater"], soil["surplus_not_leached"],
            soil["surface_to_washoff"], pa["excreted"] - pa["excreta_delivered"] - soil["manure"],
            pa["domestic_treatment_removal"], pa["domestic_not_delivered"], unallocated, emitted]


def inventory_terms(params, years, area_km2, gross: np.ndarray) -> np.ndarray:
    """The inventory's terms (:data:`LAND_TERMS` up to ``inventory_unaccounted``) of every year and subbasin,
    computed a stacked group of subbasins at a time (:func:`hydro.sources.stacked.by_group`, as the loads are:
    one subbasin at a time it took 0.26 ms each, 2.6 s a block on 10,000 subbasins).

    Parameters
    ----------
    params : SourceParameters
    years : int array [n_year]
        Calendar years.
    area_km2 : array [n_sub]
        Subbasin areas (km2).
    gross : ndarray [n_year, n_sub, n_input]
        ``subbasin_tn_gross_input`` (kg/yr; :func:`hydro.sources.gross_inputs`).

    Returns
    -------
    ndarray [n_year, n_sub, 11]
        kg N per whole calendar year.
    """
    years = np.asarray(years, dtype=np.int64)
    days = days_in_years(years).astype(np.float64)
    area = np.asarray(area_km2, dtype=np.float64)
    n_year, subs = len(years), params.subbasins
    out = np.zeros((n_year, len(subs), _N_INVENTORY))
    out[:, :, 0] = gross.sum(axis=2)
    last = _T["inventory_unaccounted"]

    def one(s: int) -> None:
        out[:, s, 1:last] = np.stack(_fates(subs[s], years, days, float(area[s])), axis=1)

    def group(stand_in, index, y, d, a) -> None:
        fates = _fates(stand_in, y, d, a)
        out[:, index, 1:last] = np.stack([f.reshape(n_year, len(index)) for f in fates], axis=2)

    stacked.by_group(subs, years, days, area, group, one)
    out[:, :, last] = out[:, :, 0] - out[:, :, 1:last].sum(axis=2)
    return out


def _yearly(daily: np.ndarray, index: np.ndarray, n_year: int) -> np.ndarray:
    """Sums [n_year, ...] of ``daily`` [n_day, ...] over the days of each year (``index``: each day's year)."""
    out = np.zeros((n_year,) + daily.shape[1:])
    np.add.at(out, index, daily)
    return out


def land_budget(params, years, area_km2, gross: np.ndarray, years_of_day, source_input: np.ndarray,
                gw_storage: np.ndarray, washoff_storage: np.ndarray | None, washoff_loss: np.ndarray,
                surface_washed: np.ndarray | None = None) -> np.ndarray:
    """The land budget (``subbasin_tn_land_budget``) of every year and subbasin, by :data:`LAND_TERMS`.

    Parameters
    ----------
    params, years, area_km2, gross
        As :func:`inventory_terms`; ``years`` are the run's calendar years, sorted.
    years_of_day : int array [n_day]
        Calendar year of each day of the run.
    source_input : ndarray [n_day, n_sub, n_tag]
        ``subbasin_tn_source_input`` (kg/d); its first tags are :func:`hydro.sources.source_names`.
    gw_storage : ndarray [n_day + 1, n_sub]
        Groundwater store at the start of each day and the end of the last (kg).
    washoff_storage : ndarray [n_day + 1, n_sub] or None
        The wash-off store likewise (kg); None where no subbasin has one.
    washoff_loss : ndarray [n_day, n_sub]
        ``washoff_n_loss`` (kg/d).
    surface_washed : ndarray [n_day, n_sub] or None
        The surface-applied N washed off the store (kg/d), which the ``diffuse_quickflow`` source holds beside
        the EMC x quick flow (:func:`hydro.sources.washoff.surface_washed_by_subbasin`); None: none.

    Returns
    -------
    ndarray [n_year, n_sub, len(LAND_TERMS)]
        kg N per year.
    """
    years = np.asarray(years, dtype=np.int64)
    index = np.searchsorted(years, np.asarray(years_of_day, dtype=np.int64))
    n_year = len(years)
    out = np.zeros((n_year, len(params.subbasins), len(LAND_TERMS)))
    out[:, :, :_N_INVENTORY] = inventory_terms(params, years, area_km2, gross)
    first = np.searchsorted(index, np.arange(n_year))  # each year's first day (the days are in order)
    last = np.searchsorted(index, np.arange(n_year), side="right")  # and the day after its last
    n_kind = len(source_names())
    q = delivered_by("quickflow")
    t = {name: out[:, :, i] for name, i in _T.items()}  # views: writing them fills ``out``
    t["quickflow_export"][:] = 0.0 if q < 0 else _yearly(source_input[:, :, q], index, n_year)
    if surface_washed is not None:  # the EMC x quick flow alone: the surface N is its own term
        t["quickflow_export"][:] -= _yearly(surface_washed, index, n_year)
    t["groundwater_storage_change"][:] = gw_storage[last] - gw_storage[first]
    t["washoff_loss"][:] = _yearly(washoff_loss, index, n_year)
    t["washoff_storage_change"][:] = 0.0 if washoff_storage is None else washoff_storage[last] - washoff_storage[first]
    t["delivered_to_rivers"][:] = _yearly(source_input[:, :, :n_kind].sum(axis=2), index, n_year)
    t["timing_remainder"][:] = timing_remainder(t)
    return out


def timing_remainder(t):
    """``timing_remainder``, what closes the path to the rivers (module docstring), from the other terms ``t``
    (``land_term`` -> array or DataArray; also for the join of consecutive runs, :mod:`hydro.results_join`)."""
    return t["delivered_to_rivers"] - (
        t["emitted_to_rivers"] + t["surface_to_washoff"] + t["quickflow_export"] + t["leached_to_groundwater"]
        - t["groundwater_storage_change"] - t["washoff_loss"] - t["washoff_storage_change"])


def add_land_budget(res, params, years, area_km2, years_of_day, gw_storage: np.ndarray,
                    washoff_storage: np.ndarray | None, surface_washed: np.ndarray | None = None) -> None:
    """Add ``subbasin_tn_land_budget`` and the ``land_term`` coordinate to ``res`` (:class:`hydro.results.Results`),
    from its ``subbasin_tn_gross_input``, ``subbasin_tn_source_input`` and ``washoff_n_loss`` and the stores'
    contents (kg, [n_day + 1, n_sub]); nothing where the run carries no TN."""
    if "subbasin_tn_source_input" not in res.data or "subbasin_tn_gross_input" not in res.data:
        return
    res.coords["land_term"] = list(LAND_TERMS)
    table = land_budget(params, years, area_km2, res.data["subbasin_tn_gross_input"], years_of_day,
                        res.data["subbasin_tn_source_input"], gw_storage, washoff_storage, res.data["washoff_n_loss"],
                        surface_washed)
    res.add("subbasin_tn_land_budget", table)
    gross = np.abs(table[..., 0])  # the inventory's named remainder, relative to each subbasin-year's (run summary)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(gross > 0, np.abs(table[..., _T["inventory_unaccounted"]]) / gross, 0.0)
    res.attrs["land_inventory_closure"] = f"{float(ratio.max(initial=0.0)):.3e}"
