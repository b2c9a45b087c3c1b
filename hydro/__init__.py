"""hydro: total nitrogen in the Miyun and Guanting watersheds.

The package is organised one module per concept (see ``README.md``); compiled
kernels live in private ``_*_kernels`` modules and take plain arrays only.
Importing :mod:`hydro` is cheap: it imports neither Numba kernels nor matplotlib.
"""

__version__ = "0.1.0"

from hydro.errors import HydroError  # noqa: E402

__all__ = ["HydroError", "__version__"]
