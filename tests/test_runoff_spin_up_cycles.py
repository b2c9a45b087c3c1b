"""``[run] runoff_spin_up_cycles``: a cyclic spin-up of the runoff stores where the weather has no
day before the run's start (hydro.runoff_warm_up.spin_up_cycles)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.model import Model
from hydro.runoff_warm_up import ATTRIBUTE, run_start
from hydro.series import daily_dates
from hydro.watershed import Watershed, subbasin_runoff, subbasin_weather

ROOT = Path(__file__).resolve().parents[1]

FILLS = (0.1, 0.6)


def _guanting(fill: float, cycles: int | None):
    changes: dict[str, float | int] = {"runoff.initial_production_fraction": fill}
    if cycles is not None:
        changes["run.runoff_spin_up_cycles"] = cycles
    return Model.from_basin("guanting").with_parameters(changes).basin


def _start(basin, start: date, end: date):
    """The runoff state a run from ``start`` starts from, and its runoff over start..end (mm/d)."""
    ws = Watershed.from_basin(basin)
    forcing, threshold, warm = run_start(basin, ws, start, end)
    days = daily_dates(start, end)
    runoff = subbasin_runoff(ws, subbasin_weather(ws, days, forcing), days, warm.state, threshold)
    return warm, runoff.q_mm


def test_guanting_spun_up_forgets_the_initial_fillings():
    # Guanting's weather starts on 2000-01-01 with its calibration period: cold, the fillings 0.1 and
    # 0.6 give 2000-2005 runoff 3x apart (calibration loss 0.146 against 2.486).  Spun up 20 times over
    # 2000, each cycle shrinks the stores' difference about 2.2-fold (231, 103, 47, 9.7 and 0.19 mm
    # after 1, 2, 3, 5 and 10 cycles; 7e-5 mm after 20, 2026-12-05): bounds of 1e-3 mm on the stores
    # and 1e-6 on the runoff leave room for round-off and a 10x slower contraction of another
    # parameter set, and fail by orders of magnitude at 10 cycles or without the spin-up.
    start, end = date(2000, 1, 1), date(2005, 12, 31)
    cold = [_start(_guanting(f, 0), start, end)[1].mean() for f in FILLS]
    assert cold[1] > 2 * cold[0]
    spun = [_start(_guanting(f, 20), start, end) for f in FILLS]
    (warm_a, q_a), (warm_b, q_b) = spun
    assert warm_a.cycles == 20 and warm_a.change_mm is not None and warm_a.change_mm < 1e-3
    np.testing.assert_allclose(warm_a.state.gr4j.production_mm, warm_b.state.gr4j.production_mm, atol=1e-3)
    assert q_b.mean() == pytest.approx(q_a.mean(), rel=1e-6)
    np.testing.assert_allclose(q_a, q_b, rtol=0, atol=1e-4 * q_a.max())


def test_the_default_starts_from_the_fillings_as_before():
    # No key (Miyun, shipped without it): 0 cycles, no state, the attribute of before; the run is the
    # cold run, bit for bit as with an explicit 0.
    basin = Model.from_basin("miyun").basin
    assert basin.settings.runoff_spin_up_cycles == 0
    warm, q = _start(basin, date(2000, 1, 1), date(2000, 12, 31))
    assert warm.state is None and warm.cycles == 0
    assert warm.describe() == "none: the run starts from the initial fillings of the runoff stores"
    zero = Model.from_basin("miyun").with_parameters({"run.runoff_spin_up_cycles": 0}).basin
    explicit, q_explicit = _start(zero, date(2000, 1, 1), date(2000, 12, 31))
    assert explicit.state is None
    np.testing.assert_array_equal(q_explicit, q)


def test_the_shipped_guanting_basin_is_spun_up_twenty_times():
    # Guanting ships runoff_spin_up_cycles = 20 (basin.toml, 2026-12-05; SOURCES.md "Hydrology
    # calibration, split by years"): its run on 2000-01-01 starts from the spun-up state, which leaves
    # no trace of the fillings; 0 is the cold run from them.
    basin = Model.from_basin("guanting").basin
    assert basin.settings.runoff_spin_up_cycles == 20
    start, end = date(2000, 1, 1), date(2000, 12, 31)
    warm, q = _start(basin, start, end)
    assert warm.cycles == 20 and warm.state is not None
    assert warm.change_mm is not None and warm.change_mm < 1e-3
    _, q_spun = _start(_guanting(0.3, 20), start, end)
    np.testing.assert_array_equal(q_spun, q)
    cold, q_cold = _start(_guanting(0.3, 0), start, end)
    assert cold.state is None and not np.array_equal(q_cold, q)


def test_weather_before_the_start_warms_up_as_before_whatever_the_cycles():
    # The spin-up is for a run on the weather's first day only: with days before the start, the
    # ordinary warm-up on them, bit for bit.
    start, end = date(2003, 1, 1), date(2003, 12, 31)
    plain, q_plain = _start(_guanting(0.3, 0), start, end)
    cycled, q_cycled = _start(_guanting(0.3, 5), start, end)
    assert (cycled.first, cycled.last, cycled.cycles) == (date(2000, 1, 1), date(2002, 12, 31), 0)
    assert cycled.describe() == plain.describe() == "2000-01-01..2002-12-31"
    np.testing.assert_array_equal(q_cycled, q_plain)


def test_the_results_say_the_stores_were_spun_up():
    from hydro.pipeline import run_watershed

    model = Model.from_basin("watershed").with_parameters({"run.runoff_spin_up_cycles": 3})
    s = model.basin.settings.start
    said = run_watershed(model.basin, s, date(s.year, 1, 31)).attrs[ATTRIBUTE]
    year = f"{s.isoformat()}..{date(s.year, 12, 31).isoformat()}"
    assert said.startswith(f"cyclic spin-up: 3 cycles over {year} (runoff_spin_up_cycles")
    assert "the last cycle moved the production stores by at most" in said
    # a later start is spun up from the basin's start: the cycles, then the days of the spin-up
    later = date(s.year + 1, 2, 1)
    said = run_watershed(model.basin, later, date(s.year + 1, 2, 10)).attrs[ATTRIBUTE]
    assert said.startswith(f"cyclic spin-up: 3 cycles over {year}")
    assert said.endswith(f", then {s.isoformat()}..{date(s.year + 1, 1, 31).isoformat()}")
    plain = run_watershed(Model.from_basin("watershed").basin, s, date(s.year, 1, 31)).attrs[ATTRIBUTE]
    assert plain.startswith("none")


@pytest.mark.parametrize("value, expected", [(-1, "expected an integer >= 0"),
                                             (1001, "expected an integer from 0 to 1000"),
                                             ("3", "expected an integer")])
def test_a_bad_number_of_cycles_is_refused_naming_file_and_key(tmp_path, value, expected):
    from hydro.basin import Basin
    from hydro.validation.problems import synthetic_watershed

    path = synthetic_watershed(tmp_path, n_subbasin=2, n_reservoir=0, years=1)
    text = path.read_text(encoding="utf-8")
    line = f"runoff_spin_up_cycles = {value!r}".replace("'", '"')
    path.write_text(text.replace("cell_length_km = 5.0\n", f"cell_length_km = 5.0\n{line}\n", 1), encoding="utf-8")
    with pytest.raises(HydroError) as caught:
        Basin.load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: key 'run.runoff_spin_up_cycles': {expected}")


def test_calibrate_notes_no_missing_warm_up_where_the_stores_are_spun_up(tmp_path):
    """guanting_water.toml is scored from the weather's first day: noted (review s44 F2) where the stores
    start from their fillings, but not where the basin spins them up over the first year (the note would
    tell the user to do what is done), as the shipped basin does since 2026-12-05."""
    from hydro.calibration import CalibrationConfig, Problem
    from hydro.calibration.diagnostics import warm_up_days

    shipped = ROOT / "configs" / "calibration" / "guanting_water.toml"
    no_spin = 'path = "guanting"\noverrides = ["run.runoff_spin_up_cycles=0"]'
    text = shipped.read_text().replace('path = "guanting"', no_spin, 1)
    cold = tmp_path / "guanting_cold.toml"
    cold.write_text(text)
    days, notes = warm_up_days(Problem(CalibrationConfig.from_toml(cold)))
    assert days["calibration"] == 0 and any("less than a year of warm-up" in n for n in notes)  # the guard
    days, notes = warm_up_days(Problem(CalibrationConfig.from_toml(shipped)))
    assert days["calibration"] == 0 and not any("warm-up" in n for n in notes)
