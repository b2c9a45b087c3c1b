"""A lumped catchment prepared for many runs with different parameters.

:func:`hydro.catchment.run_catchment` checks and transforms its forcing on every
call: Oudin PET, the extrapolation of precipitation and temperature to the
snow bands, the solid fraction of precipitation, the snow pack of full cover,
and the finite/non-negative checks of every array.  None of these depends on
the calibrated parameters (GR4J's x1-x4, CemaNeige's ctg and kf, the initial
store fractions), and on a 35-year daily record they cost three times the model
itself.  :class:`PreparedCatchment` has the runoff model do them once
(:meth:`hydro.runoff_model.RunoffModel.prepare`, through
:meth:`hydro.catchment.Catchment.prepare`) and then runs the model on the
prepared forcing; :meth:`PreparedCatchment.q_mm` returns exactly (bit for bit)
what ``run_catchment(catchment, forcing).q_mm`` returns (tested in
``tests/test_calibration_speed.py``): both are the same calls.
"""

from __future__ import annotations

import numpy as np

from hydro.catchment import Catchment
from hydro.daily_forcing import DailyForcing


class PreparedCatchment:
    """The parameter-independent inputs of one catchment's runs, computed once.

    Parameters
    ----------
    catchment : Catchment
        The catchment as read (its snow bands, latitude and initial snow state
        are fixed; the runoff parameters and the initial store fractions may
        change between runs).
    forcing : DailyForcing
        The forcing of the simulated days.
    record : DailyForcing, optional
        The whole forcing file, where ``forcing`` is part of it: the snow of full cover comes from
        it (:meth:`~hydro.catchment.Catchment.snow_threshold`).

    Raises
    ------
    HydroError
        The same errors :func:`~hydro.catchment.run_catchment` raises for the
        forcing (missing temperature, gaps, negative precipitation or PET).
    """

    def __init__(self, catchment: Catchment, forcing: DailyForcing, record: DailyForcing | None = None):
        self.model, self.prepared, self.pet_mm = catchment.prepare(forcing, record)
        self.dates = forcing.dates

    def q_mm(self, catchment: Catchment) -> np.ndarray:
        """Simulated streamflow (mm/d) [n_day] with ``catchment``'s parameters and initial stores."""
        return catchment.run_prepared(self.model, self.prepared).q_mm[0]


__all__ = ["PreparedCatchment"]
