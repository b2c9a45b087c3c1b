"""The ``hydro`` command line: a thin click group over the Python API.

Commands parse arguments, call the library and print.  A :class:`~hydro.errors.HydroError`
(a user mistake) becomes a one-paragraph message on stderr and exit status 2,
never a traceback.
"""

from __future__ import annotations

import sys

import click

from hydro import __version__
from hydro.errors import HydroError


class _Group(click.Group):
    """A click group that turns user mistakes into exit status 2 without a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HydroError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hydro")
def main() -> None:
    """hydro: total nitrogen (TN) in the Miyun and Guanting watersheds.

    Simulate runoff and nitrogen transport along river networks with reservoirs,
    verify the solver, and write CF-1.8 netCDF results that open in xarray.

    \b
    Start here:
      hydro run configs/examples/tiny        simulate the shipped example network
      hydro validate --quick                 run the fast verification cases
      hydro info RESULTS.nc                  what a basin, config or result holds
    """
