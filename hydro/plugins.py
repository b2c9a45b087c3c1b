"""Kinds registered at run time, carried to a process pool's workers.

A source kind (:func:`hydro.sources.register`) or a measure kind
(:func:`hydro.scenarios.kinds.register_measure_kind`) registered in a notebook or a script lives in that
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

#: (source kinds, measure kinds) registered after hydro's own, as their instances.
Plugins = tuple[tuple[Any, ...], tuple[Any, ...]]


def registered() -> Plugins:
    """The source and measure kinds this process registered beyond hydro's built-in ones.

    Raises
    ------
    HydroError
        For a kind a worker could not receive (defined in ``__main__`` or in a notebook cell,
        or holding what cannot be pickled): say where to define it instead.
    """
    from hydro.scenarios.kinds import BUILTIN_MEASURE_KINDS, KINDS
    from hydro.sources.kinds import BUILTIN_KINDS
    from hydro.sources.registry import kinds

    sources = tuple(k for k in kinds() if type(k) not in BUILTIN_KINDS)
    measures = tuple(k for name, k in KINDS.items() if name not in BUILTIN_MEASURE_KINDS)
    for what, kind, name in ([("source", k, k.name) for k in sources]
                             + [("measure", k, k.kind) for k in measures]):
        module = type(kind).__module__
        try:
            if module == "__main__":
                raise pickle.PicklingError("a class of __main__ is not importable by a worker")
            pickle.loads(pickle.dumps(kind))
        except Exception as exc:  # what pickling raises varies with the object
            raise HydroError(
                f"{what} kind '{name}' ({type(kind).__qualname__} of module {module}) cannot be sent to the "
                f"worker processes ({exc}); define it in a module (.py) on the Python path and register it "
                "from there, or run with one worker (workers=1 / --workers 1)") from None
    return sources, measures


def install_kinds(plugins: Plugins) -> None:
    """Register in this (worker) process the kinds of :func:`registered` that it lacks (a forked
    worker has them already)."""
    from hydro.scenarios.kinds import KINDS, register_measure_kind
    from hydro.sources.registry import register, source_names

    sources, measures = plugins
    for kind in sources:
        if kind.name not in source_names():
            register(kind)
    for kind in measures:
        if kind.kind not in KINDS:
            register_measure_kind(kind)
