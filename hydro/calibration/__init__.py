"""Batch calibration, uncertainty and sensitivity analysis of hydro models.

``calibration: Problem(theta) -> evaluate many theta on an executor`` (BRIEF).
A configuration (``configs/calibration/*.toml``, format in
``docs/calibration.md``) names a model (a lumped catchment, a basin, or the
flow-driven source model), free parameters as override paths with bounds and
transforms, observations, objectives and periods, and a method (differential
evolution, GLUE, Sobol' or Morris).  :func:`calibrate` runs it on an executor
(serial, local processes or Dask), storing every evaluation as it finishes.

Modules: :mod:`~hydro.calibration.config` (the file),
:mod:`~hydro.calibration.observations` (reading and aligning observations),
:mod:`~hydro.calibration.models` (the model adapters),
:mod:`~hydro.calibration.flowsources` (the flow-driven source model),
:mod:`~hydro.calibration.problem` (theta -> loss), :mod:`~hydro.calibration.store`
(the evaluation log), :mod:`~hydro.calibration.executors`,
:mod:`~hydro.calibration.runner` (methods and outputs), :mod:`~hydro.calibration.cli`.
"""

from hydro.calibration.config import CalibrationConfig, CalibrationParameter, Objective, Observation, Periods
from hydro.calibration.problem import Problem
from hydro.calibration.runner import CalibrationResult, calibrate, read_params, write_params

__all__ = ["CalibrationConfig", "CalibrationParameter", "CalibrationResult", "Objective", "Observation",
           "Periods", "Problem", "calibrate", "read_params", "write_params"]
