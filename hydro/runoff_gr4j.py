"""GR4J behind CemaNeige snow: the first implementation of the runoff-model protocol.

:class:`GR4JCemaNeige` (registry name ``"gr4j_cemaneige"``) is the only place where
hydro wires GR4J and CemaNeige together: the lumped catchment
(:mod:`hydro.catchment`), the watershed's subbasins (:mod:`hydro.watershed`) and
the lumped calibration (:mod:`hydro.calibration.models`) all run it.  The
formulations are those of :mod:`hydro.runoff` (GR4J) and :mod:`hydro.snow`
(CemaNeige on elevation bands, with the ``solid_fraction`` options); PET is part of
the forcing (Oudin's, :mod:`hydro.pet`, where the weather has none).

Parameters (:data:`hydro.gr4j_parameters.GR4J_CEMANEIGE_PARAMETERS`, one value or one per unit):
``x1_mm``, ``x2_mm_per_day``, ``x3_mm``, ``x4_days`` (GR4J) and ``ctg``,
``kf_mm_per_c_per_day`` (CemaNeige; unused without snow bands).  A unit's values
are held as a :class:`RunoffParameters`, the same type in a catchment file's
``[gr4j]``/``[snow]`` tables and a basin file's ``[runoff]`` tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hydro.daily_forcing import DailyForcing
from hydro.errors import HydroError
from hydro.gr4j_parameters import GR4J_CEMANEIGE, GR4J_CEMANEIGE_PARAMETERS
from hydro.gr4j_parameters import RunoffParameters as RunoffParameters
from hydro.runoff import GR4JParameters, GR4JState, run_gr4j
from hydro.runoff_inputs import forcing_array
from hydro.runoff_model import RunoffResult, check_parameters
from hydro.snow import BandForcing, SnowBands, band_forcing, run_bands


@dataclass(frozen=True)
class GR4JCemaNeigeState:
    """Stores of every unit: GR4J's, and the snow pack and thermal state of every band.

    Attributes
    ----------
    gr4j : GR4JState
        Production and routing stores and unit hydrographs (mm).
    snow_pack_mm : float or ndarray [n_band_total]
        Snow water equivalent of each band (mm).
    thermal_state_c : float or ndarray [n_band_total]
        Thermal state of each band (deg C, <= 0).
    """

    gr4j: GR4JState
    snow_pack_mm: float | np.ndarray = 0.0
    thermal_state_c: float | np.ndarray = 0.0


@dataclass(frozen=True)
class PreparedForcing:
    """Checked forcing ``[n_unit, n_day]`` and, with snow, the forcing of every band."""

    dates: np.ndarray
    precip: np.ndarray
    pet: np.ndarray
    bands: BandForcing | None


class GR4JCemaNeige:
    """GR4J, behind CemaNeige snow when the units have elevation bands.

    Parameters
    ----------
    n_unit : int
        Number of units (1 for a lumped catchment).
    bands : SnowBands or sequence of SnowBands, optional
        Elevation bands of every unit (one shared, or one per unit), with their
        extrapolation and ``solid_fraction`` options; None runs GR4J on the
        precipitation directly.
    mean_annual_solid_precip_mm : float or array [n_band_total], optional
        Snowfall of full cover per band (mm/yr); default: from the forcing, as
        :func:`hydro.snow.cemaneige`.
    """

    name = GR4J_CEMANEIGE
    parameters = GR4J_CEMANEIGE_PARAMETERS

    def __init__(self, n_unit: int = 1, bands: SnowBands | Sequence[SnowBands] | None = None, *,
                 mean_annual_solid_precip_mm=None):
        self.n_unit = int(n_unit)
        if isinstance(bands, SnowBands):
            bands = [bands] * self.n_unit
        self.bands = None if bands is None else tuple(bands)
        if self.bands is not None and len(self.bands) != self.n_unit:
            raise HydroError(f"{self.name}: {len(self.bands)} sets of snow bands for {self.n_unit} units; "
                             "give one per unit")
        self.mean_annual_solid_precip_mm = mean_annual_solid_precip_mm

    def initial_state(self, parameters: Mapping[str, Any], *, production_fraction: float = 0.3,
                      routing_fraction: float = 0.5, snow_pack_mm=0.0,
                      thermal_state_c=0.0) -> GR4JCemaNeigeState:
        """Stores filled to ``production_fraction x1`` and ``routing_fraction x3`` (-), empty
        unit hydrographs, and the bands' snow pack (mm) and thermal state (deg C)."""
        v = check_parameters(self.parameters, parameters, self.n_unit, self.name)
        gr4j = GR4JState.from_fractions(_gr4j(v), self.n_unit, production_fraction, routing_fraction)
        return GR4JCemaNeigeState(gr4j, snow_pack_mm, thermal_state_c)

    def prepare(self, forcing: DailyForcing) -> PreparedForcing:
        """Check the forcing (PET given) and carry it to the snow bands: once per forcing."""
        dates = forcing.dates
        p = forcing_array("precip_mm", forcing.precip_mm, dates, nonnegative=True)
        if p.shape[0] != self.n_unit:
            raise HydroError(f"{self.name}: the forcing has {p.shape[0]} series, the model "
                             f"{self.n_unit} units; give one series per unit")
        if forcing.pet_mm is None:
            raise HydroError(f"{self.name}: the forcing has no 'pet_mm'; compute PET first "
                             "(hydro.pet.oudin_pet)")
        e = forcing_array("pet_mm", forcing.pet_mm, dates, nonnegative=True, shape=p.shape)
        bands = None
        if self.bands is not None:
            bands = band_forcing(p, forcing.tmean_c.reshape(p.shape), self.bands,
                                 tmin_c=forcing.tmin_c.reshape(p.shape),
                                 tmax_c=forcing.tmax_c.reshape(p.shape),
                                 mean_annual_solid_precip_mm=self.mean_annual_solid_precip_mm, dates=dates)
        return PreparedForcing(dates, p, e, bands)

    def run(self, forcing: DailyForcing | PreparedForcing, parameters: Mapping[str, Any],
            state: GR4JCemaNeigeState | None = None) -> RunoffResult:
        """CemaNeige (with bands) then GR4J; a :class:`RunoffResult` of ``[n_unit, n_day]`` arrays.

        ``state`` defaults to :meth:`initial_state` with its default fillings;
        ``result.final`` is the state after the last day, ``result.parts`` holds the
        :class:`~hydro.runoff.GR4JResult` (``"gr4j"``) and the
        :class:`~hydro.snow.SnowResult` (``"snow"``, None without bands).
        """
        f = forcing if isinstance(forcing, PreparedForcing) else self.prepare(forcing)
        v = check_parameters(self.parameters, parameters, self.n_unit, self.name)
        if state is None:
            state = self.initial_state(v)
        snow = None
        if f.bands is not None:
            snow = run_bands(f.bands, v["ctg"], v["kf_mm_per_c_per_day"], snow_pack_mm=state.snow_pack_mm,
                             thermal_state_c=state.thermal_state_c)
            liquid, precip = snow.liquid_water_mm, snow.precip_mm
            snow_start = self._band_means(snow.initial_snow_pack_mm)
            snow_end = self._band_means(snow.final_snow_pack_mm)
        else:
            liquid = precip = f.precip
            snow_start = snow_end = np.zeros(self.n_unit)
        flow = run_gr4j(liquid, f.pet, _gr4j(v), state.gr4j)
        final = GR4JCemaNeigeState(flow.final, *((snow.final_snow_pack_mm, snow.final_thermal_state_c)
                                                  if snow is not None else (0.0, 0.0)))
        return RunoffResult(q_mm=flow.q_mm, q_direct_mm=flow.q_direct_mm, q_routed_mm=flow.q_routed_mm,
                            aet_mm=flow.aet_mm, exchange_mm=flow.exchange_mm, precip_mm=precip,
                            liquid_mm=liquid, storage_start_mm=snow_start + flow.initial.total_mm(),
                            storage_end_mm=snow_end + flow.final.total_mm(), final=final,
                            parts={"gr4j": flow, "snow": snow})

    def _band_means(self, per_band: np.ndarray) -> np.ndarray:
        """Area mean over each unit's bands (mm): their mean, or their sum weighted by the
        unit's ``band_fractions``.  Units with as many bands, weighted or not, are reduced
        together, row by row: the same sums, bit for bit, as one unit at a time."""
        assert self.bands is not None
        counts = np.fromiter((len(b.band_elevations_m) for b in self.bands), np.int64, self.n_unit)
        starts = np.cumsum(counts) - counts
        weighted = np.fromiter((b.band_fractions is not None for b in self.bands), np.bool_, self.n_unit)
        out = np.empty(self.n_unit)
        for n in np.unique(counts):
            for w in (False, True):
                units = np.flatnonzero((counts == n) & (weighted == w))
                if not units.size:
                    continue
                rows = per_band[starts[units][:, None] + np.arange(n)]
                if w:
                    shares = np.array([self.bands[u].fractions for u in units])
                    out[units] = (rows * shares).sum(axis=1)
                else:
                    out[units] = rows.mean(axis=1)
        return out


def _gr4j(v: Mapping[str, np.ndarray]) -> GR4JParameters:
    return GR4JParameters(v["x1_mm"], v["x2_mm_per_day"], v["x3_mm"], v["x4_days"])


__all__ = ["GR4JCemaNeige", "GR4JCemaNeigeState", "PreparedForcing", "RunoffParameters"]
