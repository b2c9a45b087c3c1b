"""The results' layout carries its date (``results_format``, hydro.variables.RESULTS_FORMAT), and this test
holds a fingerprint of the layout so that the date cannot stay behind a change (a backward-compatibility
review, 2026-12-06: every file said 'hydro 0.1.0' across a week of schema changes, and nothing told a reader
which layout a file had)."""

from __future__ import annotations

import hashlib

from hydro.land_budget import LAND_TERMS
from hydro.run_attributes import RULES, WRITER_ATTRIBUTES
from hydro.sources import INPUT_NAMES, SOURCE_NAMES
from hydro.variables import BUDGET_TERMS, RESULTS_FORMAT, cell_methods, declared

#: RESULTS_FORMAT -> the layout's fingerprint (:func:`fingerprint`).  A change of the layout fails the test: give
#: RESULTS_FORMAT the day's date, say in docs/results.md ("Files of older layouts") what a file written before it
#: holds and what hydro does with it, and record the new fingerprint here.
FORMATS = {"2026-12-06": "c1d5622ae42bf725",
           # yearly budgets on `budget_year` (was `year`: it collided with xarray's groupby('time.year')); the
           # weather_filled_* attributes (hydro.weather_provenance.FILL_ATTRIBUTES), the same day
           "2026-12-06b": "462691d328671d81"}


def fingerprint() -> str:
    """sha256 (16 hex digits) of every declared variable's name, dimensions, units, whether it is a state and its
    cell_methods (what a period's value means: a storage's end state or a mean, the change of 2026-12-06), the
    budget and land terms, the built-in sources and inventory categories, and the global attributes a run or a
    writer gives."""
    variables = sorted((v.name, tuple(v.dims), v.units, v.state, cell_methods(v)) for v in declared())
    layout = (variables, tuple(BUDGET_TERMS), tuple(LAND_TERMS), tuple(SOURCE_NAMES), tuple(INPUT_NAMES),
              sorted(RULES), sorted(WRITER_ATTRIBUTES))
    return hashlib.sha256(repr(layout).encode()).hexdigest()[:16]


def test_the_layout_and_its_date_move_together():
    assert FORMATS.get(RESULTS_FORMAT) == fingerprint(), (
        f"the results' layout changed (fingerprint {fingerprint()}): set hydro.variables.RESULTS_FORMAT to "
        "today's date, say in docs/results.md ('Files of older layouts') what an older file holds, and add "
        "the date and fingerprint to FORMATS")


def test_a_written_file_says_its_layout(tmp_path):
    import netCDF4

    from hydro.basin import ROOT, Basin
    from hydro.simulation import run

    path = run(Basin.load(ROOT / "configs" / "examples" / "tiny")).to_netcdf(tmp_path / "r.nc")
    with netCDF4.Dataset(path) as nc:
        assert nc.getncattr("results_format") == RESULTS_FORMAT
