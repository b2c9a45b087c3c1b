"""GR4J runoff per subbasin, with the snow and PET routines it runs behind (re-exported).

This module owns the public runoff layer.  It checks and converts inputs,
allocates outputs, calls the compiled kernels of :mod:`hydro._runoff_kernels`
and returns frozen dataclasses of named arrays.  All depths are over the
subbasin area (mm, mm/d); temperatures are daily air temperatures (deg C).

Forcing arrays are either 1-D ``[n_day]`` (one catchment) or 2-D
``[n_subbasin, n_day]`` (many subbasins at once); results have the same shape.
Parameters are scalars or 1-D ``[n_subbasin]`` arrays.

What is implemented
-------------------
* **GR4J** (Perrin et al. 2003), daily: production store, percolation, unit
  hydrographs UH1 (time base ``x4``) and UH2 (``2 x4``) with the 90/10 split,
  groundwater exchange ``F = x2 (R/x3)^3.5`` applied to the routing store and to
  the direct flow, routing store with outflow ``R (1 - (1 + (R/x3)^4)^-1/4)``.
  The actual exchange (after the routing store and the direct flow are cut at
  zero) is returned, so the water balance closes exactly.
* **CemaNeige** snow on elevation bands: :mod:`hydro.snow`; **Oudin PET**:
  :mod:`hydro.pet` (both re-exported here, with the input checks of
  :mod:`hydro.runoff_inputs` that all three share).

Catchments and watersheds do not call these functions themselves: they run the
runoff model of :mod:`hydro.runoff_registry` (:class:`hydro.runoff_gr4j.GR4JCemaNeige`,
which wires CemaNeige and GR4J together in one place) through the protocol of
:mod:`hydro.runoff_model`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from hydro import _runoff_kernels as _k
from hydro.errors import HydroError
from hydro.pet import LATENT_HEAT_MJ_PER_KG as LATENT_HEAT_MJ_PER_KG
from hydro.pet import SOLAR_CONSTANT_MJ_PER_M2_MIN as SOLAR_CONSTANT_MJ_PER_M2_MIN
from hydro.pet import WATER_DENSITY_KG_PER_M3 as WATER_DENSITY_KG_PER_M3
from hydro.pet import day_of_year as day_of_year
from hydro.pet import extraterrestrial_radiation as extraterrestrial_radiation
from hydro.pet import oudin_pet as oudin_pet
from hydro.runoff_inputs import forcing_array, per_subbasin
from hydro.snow import EXCEL_PRECIP_GRADIENT_PER_M as EXCEL_PRECIP_GRADIENT_PER_M
from hydro.snow import EXCEL_TEMP_LAPSE_C_PER_M as EXCEL_TEMP_LAPSE_C_PER_M
from hydro.snow import PRECIP_EXTRAPOLATION_CAP_M as PRECIP_EXTRAPOLATION_CAP_M
from hydro.snow import SOLID_FRACTION_METHODS as SOLID_FRACTION_METHODS
from hydro.snow import SnowBands as SnowBands
from hydro.snow import SnowResult as SnowResult
from hydro.snow import cemaneige as cemaneige
from hydro.snow import solid_fraction_hydrotel as solid_fraction_hydrotel
from hydro.snow import solid_fraction_usace as solid_fraction_usace


# --------------------------------------------------------------------------- GR4J
@dataclass(frozen=True)
class GR4JParameters:
    """GR4J parameters, one value or one per subbasin.

    Attributes
    ----------
    x1_mm : float or array
        Capacity of the production store (mm), > 0.
    x2_mm_per_day : float or array
        Groundwater exchange coefficient (mm/d); negative is a loss.
    x3_mm : float or array
        Capacity of the routing store (mm), > 0.
    x4_days : float or array
        Time base of unit hydrograph UH1 (d), >= 0.5.
    """

    x1_mm: float | np.ndarray
    x2_mm_per_day: float | np.ndarray
    x3_mm: float | np.ndarray
    x4_days: float | np.ndarray

    def arrays(self, n_sub: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The four parameters as checked float64 arrays of length ``n_sub``."""
        return (per_subbasin("x1_mm", self.x1_mm, n_sub, minimum=0.0, strict=True),
                per_subbasin("x2_mm_per_day", self.x2_mm_per_day, n_sub),
                per_subbasin("x3_mm", self.x3_mm, n_sub, minimum=0.0, strict=True),
                per_subbasin("x4_days", self.x4_days, n_sub, minimum=0.5))


@dataclass(frozen=True)
class GR4JState:
    """Contents of the GR4J stores at one instant (all mm).

    Attributes
    ----------
    production_mm : ndarray [n_sub]
        Production store S (mm).
    routing_mm : ndarray [n_sub]
        Routing store R (mm).
    uh1_mm : ndarray [n_sub, n_uh1]
        Water in transit in UH1 (towards the routing store), entry ``k`` leaving
        on the ``k + 1``-th next day (mm).
    uh2_mm : ndarray [n_sub, n_uh2]
        Water in transit in UH2 (direct flow), likewise (mm).
    """

    production_mm: np.ndarray
    routing_mm: np.ndarray
    uh1_mm: np.ndarray
    uh2_mm: np.ndarray

    @classmethod
    def from_fractions(cls, params: GR4JParameters, n_sub: int = 1, production: float = 0.3,
                       routing: float = 0.5) -> "GR4JState":
        """Stores filled to ``production x1`` and ``routing x3``, empty unit hydrographs.

        The defaults 0.3 and 0.5 are airGR's; the reference sheets use 0.6 and 0.7.
        """
        x1, _, x3, x4 = params.arrays(n_sub)
        for name, value in (("production", production), ("routing", routing)):
            if not (0.0 <= value <= 1.0):
                raise HydroError(f"initial {name} store fraction: expected 0..1, got {value}")
        n1, n2 = _uh_lengths(x4)
        return cls(production * x1, routing * x3, np.zeros((n_sub, n1)), np.zeros((n_sub, n2)))

    def total_mm(self) -> np.ndarray:
        """Water held in all stores and unit hydrographs, per subbasin (mm)."""
        return (self.production_mm + self.routing_mm + self.uh1_mm.sum(axis=1)
                + self.uh2_mm.sum(axis=1))


def _uh_lengths(x4: np.ndarray) -> tuple[int, int]:
    return int(math.ceil(float(x4.max()))), int(math.ceil(2.0 * float(x4.max())))


@dataclass(frozen=True)
class GR4JResult:
    """Daily GR4J output; arrays are ``[n_day]`` or ``[n_subbasin, n_day]``.

    Attributes
    ----------
    q_mm : ndarray
        Total streamflow at the subbasin outlet, ``q_direct_mm + q_routed_mm`` (mm/d).
    q_direct_mm : ndarray
        Direct (quick) flow through UH2, after exchange (mm/d).
    q_routed_mm : ndarray
        Outflow of the routing store (slow flow; mm/d).
    aet_mm : ndarray
        Actual evapotranspiration: interception plus evaporation from the
        production store (mm/d).
    exchange_mm : ndarray
        Actual groundwater exchange with outside the catchment, gain positive (mm/d).
    production_store_mm, routing_store_mm : ndarray
        End-of-day contents of the production and routing stores (mm).
    initial, final : GR4JState
        Stores at the start of the first and end of the last day.
    """

    q_mm: np.ndarray
    q_direct_mm: np.ndarray
    q_routed_mm: np.ndarray
    aet_mm: np.ndarray
    exchange_mm: np.ndarray
    production_store_mm: np.ndarray
    routing_store_mm: np.ndarray
    initial: GR4JState = field(repr=False)
    final: GR4JState = field(repr=False)


def gr4j(precip_mm, pet_mm, params: GR4JParameters, *, initial: GR4JState | None = None,
         production_fraction: float = 0.3, routing_fraction: float = 0.5,
         dates=None) -> GR4JResult:
    """Run GR4J on one catchment or many subbasins.

    Parameters
    ----------
    precip_mm : array_like [n_day] or [n_subbasin, n_day]
        Liquid water reaching the soil: rain plus snow melt (mm/d), >= 0.
    pet_mm : array_like, same shape
        Potential evapotranspiration (mm/d), >= 0.
    params : GR4JParameters
        Parameters, scalars or one per subbasin.
    initial : GR4JState, optional
        Initial stores (e.g. ``result.final`` of a previous run).  Without it the
        production and routing stores start at ``production_fraction x1`` and
        ``routing_fraction x3`` and the unit hydrographs empty.
    production_fraction, routing_fraction : float
        Initial filling of the stores (-), used when ``initial`` is None.
    dates : array_like of datetime64, optional
        Dates of the days, only to name the day in error messages.

    Returns
    -------
    GR4JResult

    Raises
    ------
    HydroError
        For negative or missing forcing, mismatched shapes, or parameters out of
        range (x1, x3 > 0, x4 >= 0.5).
    """
    p = forcing_array("precip_mm", precip_mm, dates, nonnegative=True)
    one_d = np.ndim(precip_mm) == 1
    e = forcing_array("pet_mm", pet_mm, dates, nonnegative=True, shape=p.shape)
    if initial is None:
        initial = GR4JState.from_fractions(params, p.shape[0], production_fraction, routing_fraction)
    res = run_gr4j(p, e, params, initial)
    if not one_d:
        return res
    return dataclasses.replace(
        res, q_mm=res.q_mm[0], q_direct_mm=res.q_direct_mm[0], q_routed_mm=res.q_routed_mm[0],
        aet_mm=res.aet_mm[0], exchange_mm=res.exchange_mm[0],
        production_store_mm=res.production_store_mm[0], routing_store_mm=res.routing_store_mm[0])


def run_gr4j(precip: np.ndarray, pet: np.ndarray, params: GR4JParameters,
             initial: GR4JState) -> GR4JResult:
    """GR4J on checked forcing: contiguous float64 ``[n_subbasin, n_day]`` (:func:`gr4j` checks it).

    Returns a :class:`GR4JResult` of ``[n_subbasin, n_day]`` arrays.
    """
    n_sub, n_day = precip.shape
    x1, x2, x3, x4 = params.arrays(n_sub)
    prod = per_subbasin("initial.production_mm", initial.production_mm, n_sub, minimum=0.0).copy()
    rout = per_subbasin("initial.routing_mm", initial.routing_mm, n_sub, minimum=0.0).copy()
    _within_capacity("initial.production_mm", prod, x1, "x1")
    _within_capacity("initial.routing_mm", rout, x3, "x3")
    n1, n2 = _uh_lengths(x4)
    uh1 = _uh_state("initial.uh1_mm", initial.uh1_mm, n_sub, n1)
    uh2 = _uh_state("initial.uh2_mm", initial.uh2_mm, n_sub, n2)
    start = GR4JState(prod.copy(), rout.copy(), uh1.copy(), uh2.copy())
    q, qd, qr, ae, ex, ss, rs = (np.empty((n_sub, n_day)) for _ in range(7))
    _k.gr4j_run(precip, pet, x1, x2, x3, x4, prod, rout, uh1, uh2, q, qd, qr, ae, ex, ss, rs)
    return GR4JResult(q, qd, qr, ae, ex, ss, rs, start, GR4JState(prod, rout, uh1, uh2))


def _within_capacity(name: str, store: np.ndarray, capacity: np.ndarray, key: str) -> None:
    """Refuse a store above its capacity (mm; 1e-9 relative for round-off): GR4J's formulas hold for a
    store within it, and with the production store at 3 x1 a dry day's actual ET was -16.7 mm
    (runoff review 2026-12-05, F3).  hydro's runs carry states with the parameters they ran with."""
    over = store > capacity * (1.0 + 1e-9)
    if over.any():
        i = int(np.argmax(over))
        raise HydroError(f"parameter '{name}': {store[i]:g} mm is above the store's capacity {key} = "
                         f"{capacity[i]:g} mm (subbasin {i}); a state is carried between runs with the same "
                         f"{key}: give at most {key}, or the state of a run with these parameters")


def _uh_state(name: str, value, n_sub: int, length: int) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[0] != n_sub or arr.shape[1] > length:
        raise HydroError(f"state '{name}': expected shape ({n_sub}, <= {length}), got {arr.shape}")
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise HydroError(f"state '{name}': expected finite depths >= 0 mm")
    full = np.zeros((n_sub, length))
    full[:, : arr.shape[1]] = arr
    return full
