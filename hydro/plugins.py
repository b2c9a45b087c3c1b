"""Kinds registered at run time, carried to a process pool's workers.

A source kind (:func:`hydro.sources.register`), a measure kind
(:func:`hydro.scenarios.kinds.register_measure_kind`) or a runoff model
(:func:`hydro.runoff_registry.register_runoff_model`) registered in a notebook or a script lives in that
process's registry.  A worker forked from it has it; a worker started by ``forkserver`` or
``spawn`` (always, from a process that runs threads: a Jupyter kernel) imports hydro afresh and
would read a basin's ``[subbasins.sources.<key>]`` table as an unknown key.  The pools
(:class:`hydro.batch.ProcessExecutor`) take :func:`registered` when they start and
:func:`install_kinds` it in each worker, so a batch runs the kinds its caller registered.
"""

from __future__ import annotations

import pickle
from typing import Any

from hydro.errors import HydroError

#: (source kinds, measure kinds, runoff models) registered after hydro's own: the kinds' instances, the models'
#: classes.
Plugins = tuple[tuple[Any, ...], ...]


def registered() -> Plugins:
    """The source and measure kinds this process registered beyond hydro's built-in ones.

    Raises
    ------
    HydroError
        For a kind a worker could not receive (defined in ``__main__`` or in a notebook cell,
        or holding what cannot be pickled): say where to define it instead.
    """
    from hydro.runoff_registry import built_in_runoff_models, runoff_model_class, runoff_model_names
    from hydro.scenarios.kinds import BUILTIN_MEASURE_KINDS, KINDS
    from hydro.sources.kinds import BUILTIN_KINDS
    from hydro.sources.registry import kinds

    sources = tuple(k for k in kinds() if type(k) not in BUILTIN_KINDS)
    measures = tuple(k for name, k in KINDS.items() if name not in BUILTIN_MEASURE_KINDS)
    models = tuple(runoff_model_class(n) for n in runoff_model_names() if n not in built_in_runoff_models())
    for what, item, name in ([("source kind", k, k.name) for k in sources]
                             + [("measure kind", k, k.kind) for k in measures]
                             + [("runoff model", m, m.name) for m in models]):
        cls = item if isinstance(item, type) else type(item)
        try:
            if cls.__module__ == "__main__":
                raise pickle.PicklingError("a class of __main__ is not importable by a worker")
            pickle.loads(pickle.dumps(item))
        except Exception as exc:  # what pickling raises varies with the object
            raise HydroError(
                f"{what} '{name}' ({cls.__qualname__} of module {cls.__module__}) cannot be sent to the "
                f"worker processes ({exc}); define it in a module (.py) on the Python path and register it "
                "from there, or run with one worker (workers=1 / --workers 1)") from None
    return sources, measures, models


def install_kinds(plugins: Plugins) -> None:
    """Register in this (worker) process the kinds and runoff models of :func:`registered` that it lacks."""
    from hydro.runoff_registry import register_runoff_model, runoff_model_names
    from hydro.scenarios.kinds import KINDS, register_measure_kind
    from hydro.sources.registry import register, source_names

    sources, measures, models = plugins
    for kind in sources:
        if kind.name not in source_names():
            register(kind)
    for kind in measures:
        if kind.kind not in KINDS:
            register_measure_kind(kind)
    for model in models:
        if model.name not in runoff_model_names():
            register_runoff_model(model)
