"""The columns of the GEP table (:mod:`hydro.gep_tables`), in a module of their own that imports nothing,
so that the readers of other files (:mod:`hydro.netcdf_read`, :mod:`hydro.monitoring_csv`) can tell a GEP
table given in the wrong place without importing GEP."""

from __future__ import annotations

#: Columns of the GEP table (CSV and :func:`gep` rows), in order.
COLUMNS = ("scenario", "year", "days", "partial", "subbasin", "county", "province", "basin", "pollutant", "area_km2",
           "precipitation_mm", "surface_runoff_mm", "evapotranspiration_mm", "slow_runoff_mm",
           "storage_and_exchange_mm", "water_abstracted_m3", "water_conservation_m3", "conservation_yuan_per_m3",
           "water_conservation_yuan",
           "n_removed_river_kg", "n_removed_reservoir_kg", "n_removed_riparian_kg", "n_purified_kg",
           "removed_river_kg", "removed_reservoir_kg", "removed_riparian_kg", "purified_kg", "kg_per_equivalent",
           "equivalents", "purification_yuan_per_t", "water_purification_yuan", "gep_yuan", "note")

_MM = ("precipitation_mm", "surface_runoff_mm", "evapotranspiration_mm", "slow_runoff_mm",
       "storage_and_exchange_mm")
_SUMMED = ("area_km2", "water_abstracted_m3", "water_conservation_m3", "water_conservation_yuan",
           "n_removed_river_kg", "n_removed_reservoir_kg", "n_removed_riparian_kg", "n_purified_kg",
           "removed_river_kg", "removed_reservoir_kg", "removed_riparian_kg", "purified_kg", "equivalents",
           "water_purification_yuan", "gep_yuan")


def is_gep_header(cells: list[str]) -> bool:
    """Whether a CSV's header cells (lower-cased) begin as a GEP table's (:data:`COLUMNS`), for the
    message of a command given one where another file belongs."""
    return list(cells[:5]) == list(COLUMNS[:5])
