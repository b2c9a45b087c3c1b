"""The registry of runoff models: name -> class following :class:`hydro.runoff_model.RunoffModel`.

GR4J + CemaNeige (:mod:`hydro.runoff_gr4j`) is registered here as
``"gr4j_cemaneige"``, the model every lumped catchment and watershed basin runs
(:data:`DEFAULT_RUNOFF_MODEL`); observed streamflow split into quick and base
flow (:mod:`hydro.runoff_observed`) as ``"observed_flow"``, the runoff of the
flow-driven source model (:mod:`hydro.calibration.flowsources`).  A new model is a new module whose class follows
the protocol, registered with :func:`register_runoff_model` (nothing else is
edited; ``docs/runoff-models.md``); :func:`runoff_model` builds one by name.
"""

from __future__ import annotations

from typing import Any, cast

from hydro.errors import HydroError, suggest
from hydro.gr4j_parameters import GR4J_CEMANEIGE
from hydro.runoff_gr4j import GR4JCemaNeige
from hydro.runoff_model import RunoffModel
from hydro.runoff_observed import ObservedFlow

#: The model of catchments and watersheds unless they name another.
DEFAULT_RUNOFF_MODEL = GR4J_CEMANEIGE

_MODELS: dict[str, type[RunoffModel]] = {}


def register_runoff_model(cls: type) -> type:
    """Register a runoff-model class under its ``name`` (usable as a class decorator).

    Raises
    ------
    HydroError
        When the class lacks a piece of the protocol (``name``, ``parameters``,
        ``initial_state``, ``prepare``, ``run``) or the name is taken.
    """
    missing = [a for a in ("name", "parameters", "initial_state", "prepare", "run") if not hasattr(cls, a)]
    if missing:
        raise HydroError(f"runoff model {cls.__name__}: missing {', '.join(missing)} "
                         "(see hydro.runoff_model.RunoffModel)")
    name = cls.name  # type: ignore[attr-defined]
    if name in _MODELS and _MODELS[name] is not cls:
        raise HydroError(f"runoff model '{name}' is registered already; choose another name")
    _MODELS[name] = cast("type[RunoffModel]", cls)
    return cls


def unregister_runoff_model(name: str) -> None:
    """Remove a model (tests register their own and remove it afterwards)."""
    if name in _BUILT_IN:
        raise HydroError(f"runoff model '{name}' is built in; it cannot be removed")
    _MODELS.pop(name, None)


def runoff_model_names() -> tuple[str, ...]:
    """The registered names, built-in first."""
    return tuple(_MODELS)


def runoff_model_class(name: str) -> type[RunoffModel]:
    """The class registered as ``name``; an unknown name is an error suggesting the nearest."""
    if name not in _MODELS:
        raise HydroError(f"unknown runoff model '{name}'" + suggest(name, _MODELS)
                         + f"; registered: {', '.join(_MODELS)}")
    return _MODELS[name]


def runoff_model(name: str, *args: Any, **kwargs: Any) -> RunoffModel:
    """Build the model registered as ``name`` (arguments go to its constructor)."""
    model = runoff_model_class(name)(*args, **kwargs)
    if not isinstance(model, RunoffModel):
        raise HydroError(f"runoff model '{name}': {type(model).__name__} does not follow "
                         "hydro.runoff_model.RunoffModel")
    return model


def built_in_runoff_models() -> frozenset[str]:
    """The models hydro brings (a worker process has them without being told: :mod:`hydro.plugins`)."""
    return _BUILT_IN


register_runoff_model(GR4JCemaNeige)
register_runoff_model(ObservedFlow)
_BUILT_IN = frozenset(_MODELS)

__all__ = ["DEFAULT_RUNOFF_MODEL", "built_in_runoff_models", "register_runoff_model", "runoff_model",
           "runoff_model_class", "runoff_model_names", "unregister_runoff_model"]
