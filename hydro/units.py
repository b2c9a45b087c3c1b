"""Unit constants: the one place each conversion factor is defined.

Every module that converts between days and seconds, kilograms per day and
grams per second, runoff depth and discharge, or hectares and square kilometres
imports the factor from here.

A year: a rate "per year" (``kg_per_ha_yr``, a source's yearly load) is per calendar
year, spread over its 365 or 366 days; residence times in years (``residence_years``),
reports' "mean per year" and climatological means use 365.25 days (units review,
2026-12-06: the two differ by 0.07-0.27 %; the UDUNITS ``yr`` of a unit string is
the tropical year, 365.2422 days).
"""

from __future__ import annotations

SECONDS_PER_DAY = 86400.0
"""Seconds in a day, s d-1."""

G_PER_S_PER_KG_PER_DAY = 1000.0 / SECONDS_PER_DAY
"""Grams per second in one kilogram per day, (g s-1) / (kg d-1)."""

KG_PER_DAY_PER_M3S_MGL = SECONDS_PER_DAY / 1000.0
"""The load (kg d-1) of 1 m3 s-1 at 1 mg L-1 (g m-3): 86,400 s x 1 g / 1,000 g kg-1, 86.4."""

MM_KM2_PER_DAY_TO_M3_S = 1e3 / SECONDS_PER_DAY
"""Discharge (m3 s-1) of 1 mm of runoff a day over 1 km2: 1e-3 m * 1e6 m2 / 86400 s."""

MM_KM2_PER_DAY_PER_M3_S = SECONDS_PER_DAY / 1e3
"""Runoff depth times area (mm d-1 km2) of 1 m3 s-1: 86.4 (divide by it for m3 s-1, as an exact 86.4)."""

HA_PER_KM2 = 100.0
"""Hectares in a square kilometre."""

MAX_SUBBASIN_AREA_KM2 = 1.0e7
"""Largest subbasin or catchment area, km2: the Amazon's basin (about 7e6 km2) and China (9.6e6 km2) are smaller.
There was no bound: 1e300 km2 of runoff ended in a ZeroDivisionError traceback from the transport kernel, and a
catchment file's ran to 4.8e300 m3/s at its outlet (fuzz review, 2026-12-06)."""

MAX_FLOW_M3_S = 1.0e5
"""The largest flow any input may give, m3 s-1: about the greatest floods of China's rivers (the Yangtze's largest
measured, Datong 1954, 92,600 m3 s-1; the Amazon's mean, 2.1e5, is larger), so in a basin of the region only a
unit mix-up (L/s, m3 a day, a volume) reaches it."""

WATER_MAX_MG_L = {"tn": 100.0, "orgn": 100.0, "nh3n": 100.0, "no3n": 100.0, "tp": 20.0, "dp": 20.0, "pp": 20.0,
                  "codmn": 1000.0, "do": 70.0}
"""The most a river's or a lake's water holds, mg L-1, by part (TN and its species, TP and its dissolved and
particulate parts, the permanganate index, dissolved oxygen): untreated municipal sewage carries 20-85 mg/L TN
(mostly NH3-N), 4-15 mg/L TP and a permanganate index of 100-400 mg/L, and dissolved oxygen cannot pass pure
oxygen's solubility at 0 degC and 1 atm (about 70 mg/L).  Beyond it a value is a unit slip (ug/L given as
mg/L) or a typing error; ``[initial]`` and transfers bound a part of another name (a tracer) by
:data:`OTHER_MAX_MG_L`, ``[forcing]`` by :data:`hydro.forcing_tables.MAX_CONCENTRATION_MG_L`."""

OTHER_MAX_MG_L = 1000.0
"""The most a water may hold of a part :data:`WATER_MAX_MG_L` does not name (a species, a tracer), mg L-1."""


def water_max_mg_l(part: str) -> float:
    """The most a river's or lake's water holds of ``part``, mg L-1 (:data:`WATER_MAX_MG_L`)."""
    return WATER_MAX_MG_L.get(part, OTHER_MAX_MG_L)


ELEVATION_RANGE_M = {"minimum": -500.0, "maximum": 9000.0}
"""Elevations a basin or catchment file may give, m above sea level: from below the Dead Sea's
shore (about -438 m, falling 1 m a year) to above Everest (8849 m); outside it is a missing-value code
(-9999) or a slip."""

#: Unit words of basin-file keys (the end of a key names its unit: ``length_km``,
#: ``settling_velocity_m_per_day``), UDUNITS style.
_KEY_UNITS = {"mm": "mm", "m": "m", "km": "km", "km2": "km2", "m2": "m2", "m3": "m3", "mcm": "1e6 m3",
              "kg": "kg", "g": "g", "mg": "mg", "l": "L", "ha": "ha", "yr": "yr", "years": "yr", "day": "d",
              "days": "d", "s": "s", "c": "degC", "degc": "degC", "deg": "degree", "head": "head", "capita": "capita",
              "yuan": "yuan"}
#: Key endings that name a dimensionless quantity (``treatment_removal``: a share removed;
#: ``river_theta``: a temperature coefficient; ``precip_factor``: a multiplier).
_DIMENSIONLESS = ("share", "fraction", "theta", "factor", "courant", "removal")


def unit_of_key(key: str) -> str:
    """The unit a basin-file key's name gives, UDUNITS style; ``""`` where it names none.

    The trailing unit words of the key make the unit: the first is the numerator and each
    word after it, or after ``per``, a denominator (``x2_mm_per_day`` -> ``mm d-1``,
    ``kf_mm_per_c_per_day`` -> ``mm degC-1 d-1``, ``dispersion_m2_s`` -> ``m2 s-1``,
    ``rate_kg_per_ha_yr`` -> ``kg ha-1 yr-1``, ``river_rate_per_day`` -> ``d-1``);
    shares, fractions, factors and temperature coefficients are ``1``.  ``head`` (of livestock),
    ``capita`` and ``yuan`` are counts and money, not UDUNITS units; a word it does not know within the
    unit's words gives ``""`` rather than the unit without it.
    """
    words = key.split("_")
    if words[-1] in _DIMENSIONLESS:
        return "1"
    i = len(words)
    while i > 1 and (words[i - 1] in _KEY_UNITS or words[i - 1] == "per"):
        i -= 1
    tail = words[i:]
    j = i  # the words it does not know before the unit's, back to a per (theirs: a unit's words, not known)
    while j > 0 and words[j - 1] not in _KEY_UNITS and words[j - 1] != "per":
        j -= 1
    if not tail or tail[-1] == "per" or (j > 0 and words[j - 1] == "per"):
        return ""  # none, not a unit without them (rate_per_xyz_day is not "d")
    numerator = [] if tail[0] == "per" else [_KEY_UNITS[tail[0]]]
    rest = tail[1:] if numerator else tail
    denominators = [f"{_KEY_UNITS[w]}-1" for w in rest if w != "per"]
    return " ".join(numerator + denominators)
