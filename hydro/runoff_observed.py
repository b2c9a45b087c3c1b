"""Runoff given by observed streamflow: the second implementation of the runoff-model protocol.

:class:`ObservedFlow` (registry name ``"observed_flow"``) takes the observed
streamflow of each unit (``qobs_mm`` of the forcing, a depth over the unit, mm/d)
as its runoff and splits it into quick and base flow by the Lyne & Hollick
(1979) one-parameter digital filter, run forward, backward, forward (Nathan &
McMahon, 1990): quick flow ``f_k = alpha f_{k-1} + (1 + alpha)/2 (q_k - q_{k-1})``,
clipped to ``[0, q_k]``; base flow ``b = q - f``.  The flow-driven source model
(:mod:`hydro.calibration.flowsources`) runs it; its one parameter is ``alpha``.

The water is given, not simulated: precipitation and liquid water are the
observed flow itself, evapotranspiration, exchange and storage are zero, so the
result's water balance closes by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from hydro._compile import kernel
from hydro.daily_forcing import DailyForcing
from hydro.errors import HydroError
from hydro.runoff_inputs import forcing_array
from hydro.runoff_model import ParameterSpec, RunoffResult, check_parameters


def lyne_hollick(q: np.ndarray, alpha: float = 0.925, passes: int = 3,
                 before: tuple[float, float] | None = None) -> np.ndarray:
    """Base flow of a daily series by the Lyne-Hollick filter (forward, backward, ...).

    Parameters
    ----------
    q : ndarray
        Daily streamflow (any units, >= 0, no NaN).
    alpha : float
        Filter parameter in [0, 1); 0.925 is the usual value for daily data.
    passes : int
        Number of passes (odd: the last is forward).
    before : (float, float), optional
        The day before ``q``'s first: its flow and its quick flow (``q``'s units, the quick flow in
        ``[0, flow]``), from which one forward pass continues (``passes = 1`` only): the filter of a
        series cut in two, the second part continued from the first's last day, is the filter of the
        whole series.  Default: none, the first day is all base flow.

    Returns
    -------
    ndarray
        Base flow, in ``[0, q]`` every day.
    """
    q = np.ascontiguousarray(q, dtype=np.float64)
    if not (0.0 <= alpha < 1.0):
        raise HydroError(f"baseflow.alpha must be in [0, 1), got {alpha}")
    if np.any(~np.isfinite(q)) or np.any(q < 0):
        raise HydroError("baseflow separation needs a complete discharge series >= 0 (no gaps)")
    if before is not None:
        flow, quick = (float(v) for v in before)
        if passes != 1 or not (np.isfinite(flow) and 0.0 <= quick <= flow):
            raise HydroError(f"lyne_hollick: a day before (flow, quick flow in [0, flow]) continues one forward "
                             f"pass only; got {before!r} with passes = {passes}")
        return _filter_pass(q, alpha, flow, quick)
    base = q.copy()
    for k in range(passes):
        series = base if k % 2 == 0 else base[::-1].copy()
        out = _filter_pass(series, alpha, np.nan, 0.0)
        base = out if k % 2 == 0 else out[::-1].copy()
    return base


@kernel
def _filter_pass(q: np.ndarray, alpha: float, q_before: float, f_before: float) -> np.ndarray:
    """One forward pass: returns the base flow of ``q`` (compiled: a calibration runs it
    for every new ``alpha``; ``_filter_pass.py_func`` is the same code in Python).  ``q_before``,
    ``f_before``: the flow and quick flow of the day before the first (NaN: none, the first day is
    all base flow)."""
    n = q.size
    base = np.empty(n)
    if n == 0:
        return base
    f = 0.0
    prev = q_before
    first = 0
    if np.isnan(q_before):
        base[0] = q[0]
        prev = q[0]
        first = 1
    else:
        f = f_before
    half = 0.5 * (1.0 + alpha)
    for k in range(first, n):
        f = alpha * f + half * (q[k] - prev)
        f = min(max(f, 0.0), q[k])
        base[k] = q[k] - f
        prev = q[k]
    return base


class ObservedFlow:
    """Observed streamflow as runoff, split into quick and base flow (Lyne-Hollick).

    Parameters
    ----------
    n_unit : int
        Number of units (one observed series each).
    bands : None
        Elevation bands: the observed flow already holds the snow's water, so
        none are taken.
    passes : int
        Passes of the filter (odd: the last is forward), default 3.
    """

    name = "observed_flow"
    parameters = (ParameterSpec("alpha", "1", 0.0, 1.0, 0.925, "Lyne-Hollick filter parameter "
                                "(0.925 the usual value for daily data)", upper_open=True),)

    def __init__(self, n_unit: int = 1, bands=None, passes: int = 3):
        self.n_unit = int(n_unit)
        if bands is not None:
            raise HydroError(f"{self.name}: the observed flow already holds the snow's water; "
                             "run it without snow bands")
        if passes < 1:
            raise HydroError(f"{self.name}: passes must be >= 1, got {passes}")
        self.passes = int(passes)

    def initial_state(self, parameters: Mapping[str, Any], **settings) -> None:
        """The filter keeps no state between runs (each run filters its whole record)."""
        return None

    def prepare(self, forcing: DailyForcing) -> np.ndarray:
        """The observed flow ``[n_unit, n_day]`` (mm/d), checked: complete and >= 0."""
        if forcing.qobs_mm is None:
            raise HydroError(f"{self.name}: the forcing has no observed streamflow (qobs_mm)")
        q = forcing_array("qobs_mm", forcing.qobs_mm, forcing.dates, nonnegative=True)
        if q.shape[0] != self.n_unit:
            raise HydroError(f"{self.name}: {q.shape[0]} observed series for {self.n_unit} units")
        return q

    def run(self, forcing: DailyForcing | np.ndarray, parameters: Mapping[str, Any],
            state: Any = None) -> RunoffResult:
        """Quick (``q_direct_mm``) and base (``q_routed_mm``) flow of the observed flow (mm/d)."""
        q = forcing if isinstance(forcing, np.ndarray) else self.prepare(forcing)
        alpha = check_parameters(self.parameters, parameters, self.n_unit, self.name)["alpha"]
        base = np.stack([lyne_hollick(q[i], float(alpha[i]), self.passes) for i in range(self.n_unit)])
        zero = np.zeros_like(q)
        none = np.zeros(self.n_unit)
        return RunoffResult(q_mm=q, q_direct_mm=q - base, q_routed_mm=base, aet_mm=zero, exchange_mm=zero,
                            precip_mm=q, liquid_mm=q, storage_start_mm=none, storage_end_mm=none)


__all__ = ["ObservedFlow", "lyne_hollick"]
