"""Unit constants: the one place each conversion factor is defined.

Every module that converts between days and seconds, kilograms per day and
grams per second, or runoff depth and discharge imports the factor from here.
"""

from __future__ import annotations

SECONDS_PER_DAY = 86400.0
"""Seconds in a day, s d-1."""

G_PER_S_PER_KG_PER_DAY = 1000.0 / SECONDS_PER_DAY
"""Grams per second in one kilogram per day, (g s-1) / (kg d-1)."""

MM_KM2_PER_DAY_TO_M3_S = 1e3 / SECONDS_PER_DAY
"""Discharge (m3 s-1) of 1 mm of runoff a day over 1 km2: 1e-3 m * 1e6 m2 / 86400 s."""
