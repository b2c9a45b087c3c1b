"""The parameters of GR4J + CemaNeige: their specifications and the per-unit record.

Kept apart from the model (:mod:`hydro.runoff_gr4j`) so that reading a basin or a
catchment file, which checks these values, does not load the compiled kernels.
:class:`RunoffParameters` is the one parameter type of a unit: a lumped
catchment's ``[gr4j]``/``[snow]`` tables and a watershed's ``[runoff]`` and
``[subbasins.runoff]`` tables are read into it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from hydro.runoff_model import ParameterSpec
from hydro.tomlio import Table
from hydro.units import ELEVATION_RANGE_M

#: Registry name of GR4J + CemaNeige (:class:`hydro.runoff_gr4j.GR4JCemaNeige`).
GR4J_CEMANEIGE = "gr4j_cemaneige"
#: Solid-fraction formulations of CemaNeige (:class:`hydro.snow.SnowBands`).
SOLID_FRACTION_METHODS = ("hydrotel", "usace", "auto")
_INF = math.inf
#: The parameters of GR4J + CemaNeige: name, unit, valid bounds, default, meaning.
GR4J_CEMANEIGE_PARAMETERS = (
    ParameterSpec("x1_mm", "mm", 0.0, _INF, 350.0, "capacity of the production store", lower_open=True),
    ParameterSpec("x2_mm_per_day", "mm d-1", -_INF, _INF, 0.0,
                  "groundwater exchange coefficient (negative: a loss)"),
    ParameterSpec("x3_mm", "mm", 0.0, _INF, 90.0, "capacity of the routing store", lower_open=True),
    ParameterSpec("x4_days", "d", 0.5, _INF, 1.7, "time base of unit hydrograph UH1"),
    ParameterSpec("ctg", "1", 0.0, 1.0, 0.25, "CemaNeige thermal-state weighting coefficient",
                  upper_open=True),
    ParameterSpec("kf_mm_per_c_per_day", "mm degC-1 d-1", 0.0, _INF, 3.74, "CemaNeige degree-day melt factor"),
)


#: The least store capacity a basin file gives GR4J, mm: 0.45 is metres (error-message review, 2026-12-06;
#: Perrin et al. 2003 found x1 of 100 to 1,200 mm and x3 of 20 to 300 mm in 80 % of 429 catchments).
MIN_STORE_MM = 1.0
#: The largest store capacity a basin or catchment file gives GR4J, mm: Perrin et al. 2003 found x1 up to
#: 1,200 mm and x3 up to 300 mm in 80 % of 429 catchments, Demirel et al. 2013 x1 up to a few
#: thousand; the calibrations here search up to 3,000 (configs/calibration/hymod.toml).  Above 10 m of
#: water the initial filling makes water out of nothing: 450,000 mm (micrometres as mm) gave the example's
#: lake 126 m3/s for 14, 8e7 mm 8.3e6 m3/s (fuzz review, 2026-12-06).
MAX_STORE_MM = 10_000.0
#: The longest unit hydrograph a basin file gives GR4J, days (a value in hours, 43, is refused).
MAX_X4_DAYS = 20.0


def unit_slip(key: str, value: float) -> str | None:
    """What is wrong with GR4J's ``key`` = ``value`` where it looks like another unit (a store below
    :data:`MIN_STORE_MM`: metres, above :data:`MAX_STORE_MM`: micrometres; ``x4_days`` above :data:`MAX_X4_DAYS`:
    hours), else None.  One rule for basin and catchment files and for the values a calibration or
    ``with_parameters`` sets."""
    if key in ("x1_mm", "x3_mm") and 0 < value < MIN_STORE_MM:  # 0 and below: the range check says "> 0"
        return (f"{value:g} mm is below {MIN_STORE_MM:g} mm: a store in metres? give it in mm "
                f"({value * 1000:g}; Perrin et al. 2003: x1 100 to 1,200 mm, x3 20 to 300 mm in most catchments)")
    if key in ("x1_mm", "x3_mm") and value > MAX_STORE_MM:
        return (f"{value:g} mm is above {MAX_STORE_MM:g} mm, far more water than a soil or aquifer store holds: a "
                f"store in micrometres? give it in mm ({value / 1000:g}; Perrin et al. 2003: x1 100 to 1,200 mm, x3 "
                "20 to 300 mm in most catchments; Demirel et al. 2013: x1 up to a few thousand)")
    if key == "x4_days" and value > MAX_X4_DAYS:
        return (f"{value:g} d is above {MAX_X4_DAYS:g} d: hours? give it in days (Perrin et al. 2003: 1.1 to "
                "2.9 d in 80 % of 429 catchments)")
    return None


def read_store(t: Table, key: str, *default: float) -> float:
    """A GR4J store capacity (``x1_mm``, ``x3_mm``) of ``t``, :data:`MIN_STORE_MM` to :data:`MAX_STORE_MM`
    (``default``: its value where the key is absent; none: required)."""
    value = t.float(key, *default, positive=True)
    slip = unit_slip(key, value)
    if slip is not None:
        raise t.error(key, slip)
    return value


def read_band_elevations(t: Table, *default: list[float]) -> list[float]:
    """CemaNeige's ``band_elevations_m`` of ``t`` (a catchment's ``[snow]``, a watershed's subbasin): at least one,
    each in :data:`hydro.units.ELEVATION_RANGE_M` (``default`` as :func:`read_store`'s)."""
    bands = t.floats("band_elevations_m", *default, **ELEVATION_RANGE_M)
    if not bands:
        raise t.error("band_elevations_m", "expected at least one band elevation (m), e.g. [800.0, 1200.0]; "
                                           "leave the key out for one band at the subbasin's elevation_m")
    return bands


def read_x4(t: Table, *default: float) -> float:
    """GR4J's ``x4_days`` of ``t``, 0.5 to :data:`MAX_X4_DAYS` days (``default`` as :func:`read_store`'s; above
    it, :func:`unit_slip`'s message)."""
    value = t.float("x4_days", *default, minimum=0.5)
    slip = unit_slip("x4_days", value)
    if slip is not None:
        raise t.error("x4_days", slip)
    return value


@dataclass(frozen=True)
class RunoffParameters:
    """GR4J and CemaNeige parameters of one unit (a subbasin or a lumped catchment).

    Attributes
    ----------
    x1_mm, x2_mm_per_day, x3_mm, x4_days : float
        GR4J production capacity (mm), exchange (mm/d), routing capacity (mm),
        unit-hydrograph time base (d).
    ctg : float
        CemaNeige thermal-state coefficient (-).
    kf_mm_per_c_per_day : float
        CemaNeige degree-day factor (mm deg C-1 d-1).
    """

    x1_mm: float = 350.0
    x2_mm_per_day: float = 0.0
    x3_mm: float = 90.0
    x4_days: float = 1.7
    ctg: float = 0.25
    kf_mm_per_c_per_day: float = 3.74

    @classmethod
    def from_table(cls, t: Table, default: RunoffParameters) -> RunoffParameters:
        """Read a runoff table, taking absent keys from ``default``."""
        ctg = t.float("ctg", default.ctg, minimum=0.0, maximum=1.0)
        if ctg >= 1.0:  # the bound of GR4J_CEMANEIGE_PARAMETERS and of a catchment's [snow]
            raise t.error("ctg", "expected a value below 1 (1 freezes the thermal state)")
        return cls(
            x1_mm=read_store(t, "x1_mm", default.x1_mm),
            x2_mm_per_day=t.float("x2_mm_per_day", default.x2_mm_per_day),
            x3_mm=read_store(t, "x3_mm", default.x3_mm),
            x4_days=read_x4(t, default.x4_days),
            ctg=ctg,
            kf_mm_per_c_per_day=t.float("kf_mm_per_c_per_day", default.kf_mm_per_c_per_day, minimum=0.0),
        )

    def values(self) -> dict[str, float]:
        """The parameters by name, as :meth:`GR4JCemaNeige.run` takes them."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


__all__ = ["GR4J_CEMANEIGE", "GR4J_CEMANEIGE_PARAMETERS", "SOLID_FRACTION_METHODS", "RunoffParameters"]
