"""The runoff-model protocol: what a rainfall-runoff model of hydro provides.

A runoff model turns daily weather over an array of *units* into runoff depth of
each unit.  A unit is a subbasin of a watershed basin or the whole of a lumped
catchment (then there is one unit): the lumped and the distributed runs call the
same model with the same parameter values, snow options and forcing type.

The contract (:class:`RunoffModel`):

* ``name`` (the registry key) and ``parameters``, a tuple of :class:`ParameterSpec`
  (name, unit, valid bounds, default, meaning);
* the model object is built as ``Model(n_unit, bands=None, **options)``: the
  number of units (``model.n_unit``) and their elevation bands
  (:class:`hydro.snow.SnowBands`, one per unit, or None where the configuration
  has no snow; a model without a snow routine may ignore them);
* ``initial_state(parameters, **settings)`` gives the state a run starts from;
  ``settings`` are the initial fillings a configuration gives
  (``production_fraction``, ``routing_fraction``, ``snow_pack_mm``,
  ``thermal_state_c``): a model without such stores accepts and ignores them;
* ``prepare(forcing)`` does, once, the work that does not depend on the parameters
  (checks, extrapolation of the weather); calibration calls it once and then
  ``run`` many times;
* ``run(forcing, parameters, state=None) -> RunoffResult``: ``forcing`` is a
  :class:`hydro.daily_forcing.DailyForcing` with arrays ``[n_unit, n_day]`` (or
  ``[n_day]`` for one unit) and PET given, or what ``prepare`` returned;
  ``parameters`` maps each parameter name to one value or one per unit.

Models are registered by name in :mod:`hydro.runoff_registry`; GR4J with
CemaNeige snow (:mod:`hydro.runoff_gr4j`) is the first.  A second model is a new
module with a class following this protocol, registered with
:func:`hydro.runoff_registry.register_runoff_model` (``docs/runoff-models.md``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.runoff_inputs import per_subbasin


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter of a runoff model: name, unit, valid range, default.

    Attributes
    ----------
    name : str
        Key of the parameter (``x1_mm``); units are part of the name where they apply.
    unit : str
        Unit, UDUNITS style (``mm``, ``mm d-1``, ``-``).
    lower, upper : float
        Valid range (may be infinite); a value outside is an error.
    default : float
        Value used when a configuration does not give one.
    description : str
        What the parameter does.
    lower_open, upper_open : bool
        Whether the bound itself is excluded (``x1 > 0``: ``lower_open``).
    """

    name: str
    unit: str
    lower: float
    upper: float
    default: float
    description: str
    lower_open: bool = False
    upper_open: bool = False

    def check(self, value, n_unit: int) -> np.ndarray:
        """``value`` (a number or one per unit) as a checked float64 array ``[n_unit]``."""
        return per_subbasin(self.name, value, n_unit,
                            minimum=None if math.isinf(self.lower) else self.lower,
                            strict=self.lower_open,
                            maximum=None if math.isinf(self.upper) else self.upper,
                            max_strict=self.upper_open, unit="unit")


def check_parameters(specs: tuple[ParameterSpec, ...], values: Mapping[str, Any], n_unit: int,
                     model: str = "runoff model") -> dict[str, np.ndarray]:
    """Every parameter of ``specs`` as a checked ``[n_unit]`` array.

    Parameters
    ----------
    specs : tuple of ParameterSpec
        The model's parameters.
    values : mapping
        Name -> one value or one per unit; a parameter not given takes its default.
    n_unit : int
        Number of units.
    model : str
        The model's name, for messages.

    Raises
    ------
    HydroError
        For a name the model does not have (with the nearest suggested), or a
        value out of its range.
    """
    names = [s.name for s in specs]
    for key in values:
        if key not in names:
            raise HydroError(f"{model}: no parameter '{key}'" + suggest(key, names)
                             + f"; its parameters are {', '.join(names)}")
    return {s.name: s.check(values.get(s.name, s.default), n_unit) for s in specs}


def read_parameters(table, specs: tuple[ParameterSpec, ...], defaults: Mapping[str, float]) -> dict[str, float]:
    """Each parameter of ``specs`` from a :class:`hydro.tomlio.Table` (absent: ``defaults``).

    Raises
    ------
    HydroError
        Naming the file and key, for a value that is not a number or is outside
        the parameter's range.
    """
    out = {}
    for s in specs:
        value = table.float(s.name, defaults[s.name])
        low = value <= s.lower if s.lower_open else value < s.lower
        high = value >= s.upper if s.upper_open else value > s.upper
        if low or high:
            rel = ("(" if s.lower_open else "[") + f"{s.lower:g}, {s.upper:g}" + (")" if s.upper_open else "]")
            raise table.error(s.name, f"{value:g} {s.unit} is outside the valid range {rel} ({s.description})")
        out[s.name] = value
    return out


def stack_parameters(units: Sequence[Any]) -> dict[str, np.ndarray]:
    """The parameters of several units (each a mapping name -> value, or an object with a
    ``values()`` method giving one, as :class:`hydro.gr4j_parameters.RunoffParameters`),
    one array ``[n_unit]`` per name."""
    rows = [u if isinstance(u, Mapping) else u.values() for u in units]
    return {name: np.array([r[name] for r in rows]) for name in rows[0]}


@dataclass(frozen=True)
class RunoffResult:
    """Daily runoff of every unit, arrays ``[n_unit, n_day]`` in mm/d (stores in mm).

    Attributes
    ----------
    q_mm : ndarray
        Total runoff leaving the unit (mm/d).
    q_direct_mm, q_routed_mm : ndarray
        Its quick (direct) and slow (routed, base) parts (mm/d); they sum to ``q_mm``.
    aet_mm : ndarray
        Actual evapotranspiration (mm/d).
    exchange_mm : ndarray
        Water exchanged with outside the unit, gain positive (mm/d).
    precip_mm : ndarray
        Precipitation over the unit (after any extrapolation, e.g. to snow bands) (mm/d).
    liquid_mm : ndarray
        Rain plus melt entering the soil (mm/d).
    storage_start_mm, storage_end_mm : ndarray [n_unit]
        Water held in all the model's stores before the first and after the last day (mm).
    final : object
        The model's state after the last day (start a later run from it).
    parts : dict
        Model-specific outputs (for GR4J+CemaNeige: ``"gr4j"`` and ``"snow"`` results).
    """

    q_mm: np.ndarray
    q_direct_mm: np.ndarray
    q_routed_mm: np.ndarray
    aet_mm: np.ndarray
    exchange_mm: np.ndarray
    precip_mm: np.ndarray
    liquid_mm: np.ndarray
    storage_start_mm: np.ndarray
    storage_end_mm: np.ndarray
    final: Any = field(default=None, repr=False)
    parts: dict = field(default_factory=dict, repr=False)

    def water_balance_error(self) -> float:
        """Largest relative imbalance of P - AET + exchange - Q - dS over the run per unit.

        Relative to the largest term of the unit's budget (gain, loss, or the storage at the start
        or end, mm), so that a run with no rain (a few winter days) is judged against the water it
        holds rather than against a gain of zero.
        """
        gain = self.precip_mm.sum(axis=1) + self.exchange_mm.sum(axis=1)
        loss = self.aet_mm.sum(axis=1) + self.q_mm.sum(axis=1)
        err = gain - loss - (self.storage_end_mm - self.storage_start_mm)
        scale = np.maximum.reduce([np.abs(gain), np.abs(loss), np.abs(self.storage_start_mm),
                                   np.abs(self.storage_end_mm), np.full(gain.shape, 1e-300)])
        return float(np.max(np.abs(err) / scale))


@runtime_checkable
class RunoffModel(Protocol):
    """What :func:`hydro.runoff_registry.runoff_model` returns: a model built for ``n_unit`` units.

    Attributes
    ----------
    name : str
        Registry key.
    parameters : tuple of ParameterSpec
        The calibratable parameters, with units and valid bounds.
    n_unit : int
        Number of units the model object was built for.
    """

    name: ClassVar[str]
    parameters: ClassVar[tuple[ParameterSpec, ...]]
    n_unit: int

    def initial_state(self, parameters: Mapping[str, Any], **settings) -> Any:
        """The state a run starts from (``settings``: model-specific initial fillings)."""
        ...

    def prepare(self, forcing) -> Any:
        """Parameter-independent work on a :class:`~hydro.daily_forcing.DailyForcing`, done once."""
        ...

    def run(self, forcing, parameters: Mapping[str, Any], state: Any = None) -> RunoffResult:
        """Runoff of every unit; ``forcing`` is a DailyForcing or what :meth:`prepare` returned."""
        ...


__all__ = ["ParameterSpec", "RunoffModel", "RunoffResult", "check_parameters", "read_parameters",
           "stack_parameters"]
