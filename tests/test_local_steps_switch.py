"""``[run] local_steps`` (issue 16): a basin file (or ``--set run.local_steps=true``) turns on the
transport's local time steps (``hydro.transport_args.LocalSteps()``, docs/solver.md, "Local time
stepping"); ``false`` is bit for bit as a basin without the key (the default, ``"auto"``, takes the
global step on a network this small: tests/test_local_steps_auto.py).

Miyun's days of local steps with the defaults are few (``min_gain`` 1.25 sends the others to the
global path, bit for bit): 2000-08-12, 2001-08-20, then 2003; the runs here reach past them, and a
block or spin-up that dropped the switch is seen only where it holds one of these days.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.variables import BUDGET_TERMS

#: A short Miyun run that reaches its first days of local steps (2000-08-12 on).
START, END = date(2000, 1, 1), date(2000, 9, 30)
VARIABLES = ("section_tn_concentration", "tn_concentration", "tn_load", "reservoir_tn_concentration",
             "discharge", "tn_budget_reach")


def _miyun(*overrides: str, start: date = START, end: date = END):
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed

    return run_watershed(Basin.load("miyun", overrides=list(overrides)), start, end)


@pytest.fixture(scope="module")
def default_run():
    return _miyun()


def _worst_budget_residual(res, c: str = "tn") -> float:
    """The largest residual of storage_end - storage_start = inflow + lateral_load + point_load +
    dispersive_exchange - outflow - removal - withdrawal over every reach and reservoir and year,
    relative to the largest term of its budget (kg/kg)."""
    t = {name: k for k, name in enumerate(BUDGET_TERMS)}
    worst = 0.0
    for place in ("reach", "reservoir"):
        b = np.asarray(res[f"{c}_budget_{place}"], dtype=float)
        gain = b[..., t["inflow"]] + b[..., t["lateral_load"]] + b[..., t["point_load"]] + \
            b[..., t["dispersive_exchange"]] - b[..., t["outflow"]] - b[..., t["removal"]] - b[..., t["withdrawal"]]
        resid = b[..., t["storage_end"]] - b[..., t["storage_start"]] - gain
        scale = np.maximum(np.abs(b).max(axis=-1), 1e-300)
        worst = max(worst, float((np.abs(resid) / scale).max()))
    return worst


def test_off_is_bit_identical_to_no_key(default_run):
    """``local_steps = false``: the same numbers to the bit and the same attributes (no ``local_steps``
    attribute) as a basin file without the key (``"auto"``, the global step below its threshold)."""
    off = _miyun("run.local_steps=false")
    for name in VARIABLES:
        assert np.array_equal(np.asarray(off[name]), np.asarray(default_run[name])), name
    assert "local_steps" not in default_run.attrs
    same = {k: v for k, v in off.attrs.items() if k not in ("config_sha256", "overrides")}
    assert same == {k: v for k, v in default_run.attrs.items() if k not in ("config_sha256", "overrides")}


def test_on_moves_section_tn_a_little_and_keeps_the_budget_closed(default_run):
    on = _miyun("run.local_steps=true")
    assert on.attrs["local_steps"] == "true"  # the results say how they were computed
    assert np.array_equal(np.asarray(on["discharge"]), np.asarray(default_run["discharge"]))  # water: untouched
    x = np.asarray(default_run["section_tn_concentration"], dtype=float)
    y = np.asarray(on["section_tn_concentration"], dtype=float)
    moved = np.nonzero(np.any(x != y, axis=1))[0]
    # the switch reaches the solver: the days from 2000-08-11 move, the days before do not (global path;
    # 2000-08-12 before Miyun's GR4J recalibration of 2026-12-04: the first day local steps differ)
    assert moved.size and moved[0] == (date(2000, 8, 11) - START).days
    # a discretisation change of a few percent (docs/solver.md: 1.9-2.6 % of the largest outlet
    # concentration on the shipped basins); here 1.5 % of the largest section TN, bound at 5 %
    assert np.abs(y - x).max() <= 0.05 * np.abs(x).max()
    # mass conservation is the scheme's, not the step's: round-off closure as the global step
    # (1e-9 relative to the largest term of a reach's or reservoir's yearly budget)
    assert _worst_budget_residual(on) <= max(1e-9, 10 * _worst_budget_residual(default_run))


@pytest.mark.parametrize("value", ["1", "0", "'yes'", "'true'", "[true]"])
def test_a_bad_value_names_the_file_and_key(value):
    from hydro.basin import Basin
    from hydro.errors import HydroError

    with pytest.raises(HydroError) as err:
        Basin.load("miyun", overrides=[f"run.local_steps={value}"])
    message = str(err.value)
    assert "basin.toml" in message and "local_steps" in message and 'true, false or "auto"' in message


def test_a_bad_value_on_the_command_line_is_one_paragraph_not_a_traceback(tmp_path):
    from click.testing import CliRunner

    from hydro.cli import main

    done = CliRunner().invoke(main, ["run", "miyun", "-o", str(tmp_path / "x.nc"), "--set", "run.local_steps=yes"])
    assert done.exit_code != 0 and "Traceback" not in done.output
    assert "local_steps" in done.output and 'true, false or "auto"' in done.output
    assert not (tmp_path / "x.nc").exists()


def test_blocks_with_local_steps_equal_one_block(tmp_path):
    """``--block-years``: each block's transport takes the switch too (the second block, 2001, holds
    the local-step day 2001-08-20: without the switch it would differ from then on by far over
    round-off)."""
    import netCDF4
    from test_blocked_output import _compare, _run

    one, blocked = tmp_path / "one.nc", tmp_path / "blocked.nc"
    args = ("--start", "2000-01-01", "--end", "2001-09-30", "--set", "run.local_steps=true")
    _run("miyun", one, *args, "--block-years", "0")
    _run("miyun", blocked, *args, "--block-years", "1")
    _compare(one, blocked)
    with netCDF4.Dataset(blocked) as b:
        assert b.getncattr("local_steps") == "true"


def test_a_late_start_spins_up_with_local_steps():
    """A run that starts after the basin's start is spun up from it: the spin-up's transport takes
    the switch too, so the late run is the full run's days to round-off (a spin-up on the global
    step would leave 2001's TN off by up to the 1.5 % above; the late run itself holds the local-step
    day 2001-08-20, which a late run that dropped the switch would take on the global step)."""
    from test_late_start_review import _same_days

    first, end = date(2001, 1, 1), date(2001, 9, 30)
    full = _miyun("run.local_steps=true", start=START, end=end)
    late = _miyun("run.local_steps=true", start=first, end=end)
    _same_days(full, late, first)


def test_a_river_basin_passes_the_switch_to_the_solver(monkeypatch):
    """Basins without subbasins (``hydro.simulation.run``, the shipped example ``tiny``) read the
    same ``[run]`` table: the switch reaches their solver call and their results' attributes."""
    from hydro import simulation
    from hydro.basin import Basin
    from hydro.transport_args import LocalSteps

    real, given = simulation.simulate, []

    def spy(*args, **kw):
        given.append(kw.get("local_steps"))
        return real(*args, **kw)

    monkeypatch.setattr(simulation, "simulate", spy)
    off = simulation.run(Basin.load("configs/examples/tiny"))
    on = simulation.run(Basin.load("configs/examples/tiny", overrides=["run.local_steps=true"]))
    assert given[0] == "auto" and given[1] == LocalSteps()  # the default: the transport chooses (global here)
    assert "local_steps" not in off.attrs and on.attrs["local_steps"] == "true"
