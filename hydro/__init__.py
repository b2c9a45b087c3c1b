"""hydro: total nitrogen in the Miyun and Guanting watersheds.

The package is organised one module per concept (see ``README.md``); compiled
kernels live in private ``_*_kernels`` modules and take plain arrays only.
Importing :mod:`hydro` is cheap: it imports neither Numba kernels nor matplotlib.

From Python: ``hydro.Model.from_basin("miyun")`` holds a basin, ``with_parameters``
changes it in memory and ``run`` returns an :class:`xarray.Dataset`
(:mod:`hydro.model`); ``hydro.open_basin`` and ``hydro.open_results`` read files.
"""

__version__ = "0.1.0"

from hydro.errors import HydroError  # noqa: E402

__all__ = ["HydroError", "Model", "Parameter", "__version__", "join_runs", "open_basin", "open_results"]

#: Public names imported on first use, so that ``import hydro`` stays cheap.
_LAZY = {"Model": "hydro.model", "Parameter": "hydro.model", "open_basin": "hydro.model",
         "open_results": "hydro.results", "join_runs": "hydro.results_join"}


def __getattr__(name: str):
    """Import :class:`Model`, the ``open_*`` functions and ``join_runs`` on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hydro' has no attribute {name!r}")
