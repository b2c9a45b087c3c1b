"""A lumped GR4J (+ CemaNeige) catchment prepared for many runs with different parameters.

:func:`hydro.catchment.run_catchment` checks and transforms its forcing on every
call: Oudin PET, the extrapolation of precipitation and temperature to the
snow bands, the solid fraction of precipitation, the snow pack of full cover,
and the finite/non-negative checks of every array.  None of these depends on
the calibrated parameters (GR4J's x1-x4, CemaNeige's ctg and kf, the initial
store fractions), and on a 35-year daily record they cost three times the model
itself.  :class:`PreparedCatchment` does them once and then calls the compiled
kernels directly; :meth:`PreparedCatchment.q_mm` returns exactly (bit for bit)
what ``run_catchment(catchment, forcing, params=params).q_mm`` returns (tested
in ``tests/test_calibration_speed.py``).
"""

from __future__ import annotations

import numpy as np

from hydro.catchment import Catchment, Forcing
from hydro.errors import HydroError
from hydro.runoff import (
    GR4JParameters,
    _forcing,
    _per_subbasin,
    _uh_lengths,
    day_of_year,
    oudin_pet,
    solid_fraction_hydrotel,
    solid_fraction_usace,
)


class PreparedCatchment:
    """The parameter-independent inputs of one catchment's runs, computed once.

    Parameters
    ----------
    catchment : Catchment
        The catchment as read (its snow bands, latitude and initial snow state
        are fixed; GR4J parameters, ``ctg``, ``kf`` and the initial store
        fractions may change between runs).
    forcing : Forcing
        The forcing of the simulated days.

    Raises
    ------
    HydroError
        The same errors :func:`~hydro.catchment.run_catchment` raises for the
        forcing (missing temperature, gaps, negative precipitation or PET).
    """

    def __init__(self, catchment: Catchment, forcing: Forcing):
        needs_temp = forcing.pet_mm is None or catchment.snow is not None
        if needs_temp and forcing.temp_c is None:
            why = "Oudin PET (no 'pet_mm' column)" if forcing.pet_mm is None else "the snow routine"
            raise HydroError(f"{forcing.path}: missing temperature column, needed by {why}; add "
                             "'temp_c' or 'tmin_c' and 'tmax_c'")
        dates = forcing.dates
        pet = forcing.pet_mm
        if pet is None:
            pet = oudin_pet(forcing.temp_c, catchment.latitude_deg, day_of_year(dates), dates=dates)
        self.dates = dates
        self.pet_mm = np.asarray(pet)
        self.pet = _forcing("pet_mm", pet, dates, nonnegative=True)
        self.snow = catchment.snow
        if catchment.snow is None:
            self.liquid = _forcing("precip_mm", forcing.precip_mm, dates, nonnegative=True)
        else:
            self._prepare_snow(catchment, forcing)
        if self.pet.shape[1] != dates.size:
            raise HydroError(f"{forcing.path}: PET and precipitation have different lengths")

    def _prepare_snow(self, catchment: Catchment, forcing: Forcing) -> None:
        """Band inputs of :func:`hydro.runoff.cemaneige` (same expressions, same bits)."""
        sp = catchment.snow
        assert sp is not None
        dates = forcing.dates
        b = sp.bands
        if b.method() == "hydrotel" and forcing.tmin_c is None:
            raise HydroError(f"{forcing.path}: the 'hydrotel' solid fraction needs columns "
                             "'tmin_c' and 'tmax_c'; add them, or set snow.solid_fraction = 'usace'")
        p = _forcing("precip_mm", forcing.precip_mm, dates, nonnegative=True)
        t = _forcing("temp_c", forcing.temp_c, dates, shape=p.shape)
        n_band = b.elevations.size
        owner = np.repeat(np.arange(1, dtype=np.int64), [n_band])
        weight = np.ascontiguousarray(np.concatenate([b.fractions]))
        pf = np.concatenate([b.precip_factors()])
        dt = np.concatenate([b.temp_offsets()])
        pb = np.ascontiguousarray(p[owner] * pf[:, None])
        tb = np.ascontiguousarray(t[owner] + dt[:, None])
        sf = np.empty((n_band, p.shape[1]))
        rows = slice(0, n_band)
        if b.method() == "hydrotel":
            tmin = _forcing("tmin_c", forcing.tmin_c, dates, shape=p.shape)
            tmax = _forcing("tmax_c", forcing.tmax_c, dates, shape=p.shape)
            sf[rows] = solid_fraction_hydrotel(tmin[0] + dt[rows, None], tmax[0] + dt[rows, None])
        else:
            sf[rows] = solid_fraction_usace(tb[rows])
        self.band_precip, self.band_temp, self.solid_fraction = pb, tb, sf
        self.g_threshold = np.ascontiguousarray(0.9 * 365.25 * (pb * sf).mean(axis=1))
        self.owner, self.weight = owner, weight
        self.g0 = _per_subbasin("snow_pack_mm", sp.snow_pack_mm, n_band, minimum=0.0, unit="band")
        self.etg0 = _per_subbasin("thermal_state_c", sp.thermal_state_c, n_band, maximum=0.0, unit="band")

    def _liquid(self, catchment: Catchment) -> np.ndarray:
        """Rain plus melt of CemaNeige with the catchment's ``ctg`` and ``kf`` [1, n_day]."""
        from hydro import _runoff_kernels as _k

        sp = catchment.snow
        if sp is None:
            return self.liquid
        ctg = _per_subbasin("ctg", sp.ctg, 1, minimum=0.0, maximum=1.0, max_strict=True)
        kf = _per_subbasin("kf_mm_per_c_per_day", sp.kf_mm_per_c_per_day, 1, minimum=0.0)
        out = [np.zeros((1, self.dates.size)) for _ in range(5)]
        _k.cemaneige_run(self.band_precip, self.band_temp, self.solid_fraction, ctg[self.owner],
                         kf[self.owner], self.g_threshold, self.owner, self.weight, self.g0.copy(),
                         self.etg0.copy(), *out)
        return out[0]

    def q_mm(self, catchment: Catchment, params: GR4JParameters | None = None) -> np.ndarray:
        """Simulated streamflow (mm/d) [n_day] with ``catchment``'s snow and store settings."""
        from hydro import _runoff_kernels as _k

        params = params or catchment.params
        liquid = self._liquid(catchment)
        x1, x2, x3, x4 = params.arrays(1)
        fractions = (("production", catchment.production_fraction),
                     ("routing", catchment.routing_fraction))
        for name, value in fractions:  # as GR4JState.from_fractions
            if not (0.0 <= value <= 1.0):
                raise HydroError(f"initial {name} store fraction: expected 0..1, got {value}")
        prod = catchment.production_fraction * x1
        rout = catchment.routing_fraction * x3
        n1, n2 = _uh_lengths(x4)
        uh1, uh2 = np.zeros((1, n1)), np.zeros((1, n2))
        out = [np.empty((1, self.dates.size)) for _ in range(7)]
        _k.gr4j_run(liquid, self.pet, x1, x2, x3, x4, prod, rout, uh1, uh2, *out)
        return out[0][0]


__all__ = ["PreparedCatchment"]
