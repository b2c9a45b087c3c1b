"""A measure whose units reach the end of their life inside the run (economist's review, 2026-12-05): until
2026-12-06 no replacement was costed, so their capital counted no more while the measure still acted (capital
[57,619, 57,619, 0, 0, 0] for a life of 2 years in a 5-year run); the units still in use are now bought again,
and the scenario notes it; a life that outlasts the run gets no such note."""

from __future__ import annotations

from pathlib import Path

from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs" / "examples" / "watershed"

MEASURE = """
[[measures]]
id = "sewers"
kind = "sewage_connection"
where = {{ counties = ["West county"] }}
years = [2001, 2002]
connected_share = 0.8
treatment_removal = 0.6
assumption = true
note = "test"
[measures.costs]
capital_yuan_per_unit = 3000.0
operating_yuan_per_unit_yr = 60.0
lifetime_years = {life}
"""


def _notes(tmp_path: Path, life: int, years: list[int]) -> list[str]:
    text = ('[scenario_set]\nname = "t"\nbasin = "watershed"\nassumption = true\nnote = "test"\n'
            + MEASURE.format(life=life) + '\n[[scenarios]]\nid = "s"\nmeasures = ["sewers"]\n')
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return compile_scenario(BasinInfo.load(WATERSHED), ScenarioFile.from_toml(path), "s", years).notes


def test_a_life_ending_inside_the_run_is_noted(tmp_path):
    notes = [n for n in _notes(tmp_path, 2, [2001, 2002, 2003, 2004, 2005]) if "end of their life" in n]
    assert notes == ["sewers: its units of 2001 reach the end of their life (2 years) in 2002, before the run's "
                     "last year 2005: those still in use are bought again the year after, at the same capital per "
                     "unit (no change of price or technology)"]


def test_units_past_their_life_are_bought_again_while_in_use():
    import numpy as np

    from hydro.scenarios.kinds.base import annualise, with_replacements

    q = np.array([50.0, 100.0, 100.0, 100.0, 100.0, 60.0, 60.0])
    new = np.maximum(np.diff(q, prepend=0.0), 0.0)
    bought = with_replacements(new, q, 2)
    assert bought.tolist() == [50.0] * 7  # every year half the units reach their life and are bought again
    q2 = np.array([50.0, 100.0, 10.0, 0.0, 100.0])
    fell = with_replacements(np.maximum(np.diff(q2, prepend=0.0), 0.0), q2, 2)
    assert fell.tolist() == [50.0, 50.0, 10.0, 0.0, 110.0]  # at most what is in use; none bought for a year at 0
    assert with_replacements(new, q, 20).tolist() == new.tolist()  # a life longer than the run: as before
    # annualised: the annuities run on while the units are replaced (2 years of a 2-year life each)
    assert annualise(with_replacements(np.array([1.0, 0, 0, 0]), np.ones(4), 2), 2, 0.0).tolist() == [0.5] * 4


def test_a_life_that_outlasts_the_run_is_not(tmp_path):
    assert not [n for n in _notes(tmp_path, 5, [2001, 2002, 2003, 2004, 2005]) if "end of their life" in n]
    assert not [n for n in _notes(tmp_path, 3, [2001, 2002, 2003]) if "end of their life" in n]
