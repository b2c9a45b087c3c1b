"""The re-read of the forty-fourth session's diff (180838a..23e1dfd) with mutants: a test for each
mutant that survived (each fails on the mutant it names), and for the defects the re-read found (a scale
in a cost unit's denominator told to multiply; a percentage hint for 1.5)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.scenarios import ScenarioFile

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs" / "examples" / "watershed"


# -- M18: hydro/monitoring.py, the transferred volume of a month clipped to the month's volume ----------
def test_a_months_transferred_volume_never_exceeds_its_volume(monkeypatch, tmp_path):
    """Dispersion may carry a day's tracer flux above the day's discharge; the month's transferred volume
    (what ``water = "natural"`` subtracts) is clipped to the month's volume, so natural water is never < 0."""
    import hydro.monitoring as mon

    n = 31  # January 2001, every day's tracer flux 1.2 m3/s through a section carrying 1.0 m3/s
    daily = (np.arange(n, dtype=np.int64), "2001-01-01", ["s"], np.ones((n, 1)), {"tn": np.ones((n, 1))}, 0, set(),
             {"s": np.full(n, 1.2)})
    monkeypatch.setattr(mon, "_read_daily", lambda path, scenario: daily)
    series = mon.read_results(tmp_path / "unused.nc")
    volume = np.asarray(series.data["s"][mon.FLOW], dtype=float)
    moved = np.asarray(series.transferred["s"], dtype=float)
    jan = np.unravel_index(np.nanargmax(volume), volume.shape)
    assert volume[jan] == pytest.approx(n * 86400.0)
    assert moved[jan] == pytest.approx(volume[jan]), (moved[jan], volume[jan])  # not 1.2 x the volume


# -- M32: hydro/withdrawal_requests.py, a negative lateral inflow's deficit is left to show -------------
def test_a_reach_with_a_negative_lateral_keeps_its_deficit_when_a_request_takes_all():
    from hydro.network import Network, Reach
    from hydro.withdrawal_requests import WithdrawalRequests, withdrawn_lateral

    def reach(rid, down):
        return Reach(id=rid, name=rid, length_m=1e4, downstream=down, velocity_coeff=0.3, velocity_exp=0.3,
                     width_coeff=10.0, width_exp=0.4, dispersion_m2_s=0.0, n_cells=1)

    net = Network((reach("low", None), reach("up", "low")))
    n_day = 3
    lateral = np.tile([-0.5, 2.0], (n_day, 1))  # 2 m3/s formed above; 'low' loses 0.5 m3/s along its length
    asked = WithdrawalRequests(np.array([0], dtype=np.int64), np.full((1, n_day), 10.0), np.array([1.0]))
    z = np.zeros((n_day, 0))
    left, taken = withdrawn_lateral(net, asked, lateral, z, z, z, np.ones(n_day, dtype=np.int64))
    np.testing.assert_array_equal(taken[:, 0], 2.0)  # all that reached it
    # the deficit of the negative lateral inflow stays (outflow 2 - 2.5 = -0.5, refused by the transport
    # check as that lateral inflow's), not hidden as an exact 0 outflow
    np.testing.assert_array_equal(left[:, 0], -0.5 - 2.0)


# -- M38: hydro/scenarios/fields.py, the percentage hint only for a bound of 1 --------------------------
def test_a_concentration_above_its_ceiling_gets_no_percentage_hint(tmp_path):
    from hydro.scenarios import ScenarioFile

    text = ('[scenario_set]\nname = "t"\nbasin = "watershed"\nassumption = true\nnote = "test"\n'
            '\n[[measures]]\nid = "a"\nkind = "fertiliser_reduction"\nwhere = { subbasins = ["w1"] }\n'
            'years = [2002, 2002]\nreduction = 0.2\n[measures.costs]\ncapital_yuan_per_unit = 1.0\n'
            '\n[[scenarios]]\nid = "s"\nmeasures = ["a"]\n'
            '\n[[targets]]\nid = "t1"\nlocation = "border"\nannual_mean_max_mg_per_l = 25\n')
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HydroError) as e:
        ScenarioFile.from_toml(path)
    msg = str(e.value)
    assert "got 25" in msg and "fraction" not in msg and "%" not in msg, msg


# -- M49, M51: hydro/scenarios/kinds/rural_domestic.py, the notes of connecting people and toilets ------
def _watershed(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "ws"
    shutil.copytree(WATERSHED, folder)
    path = folder / "basin.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _notes(tmp_path: Path, basin: Path, measure: str, mid: str) -> list[str]:
    from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario

    text = ('[scenario_set]\nname = "t"\nbasin = "watershed"\nassumption = true\nnote = "test"\n' + measure
            + f'\n[[scenarios]]\nid = "s"\nmeasures = ["{mid}"]\n')
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return compile_scenario(BasinInfo.load(basin), ScenarioFile.from_toml(path), "s", [2001, 2002, 2003]).notes


def test_a_connection_with_the_effluents_delivery_given_is_not_said_to_rest_on_it(tmp_path):
    # w1: delivery_fraction 0.3; with effluent_delivery_fraction 0.5 given and a removal of 0.6 a connected
    # person delivers 0.2 < 0.3: N kept out, and nothing rests on an assumed effluent delivery
    basin = _watershed(tmp_path, "treatment_removal = 0.5\n",
                       "treatment_removal = 0.5\neffluent_delivery_fraction = 0.5\n")
    sewers = ('\n[[measures]]\nid = "sewers"\nkind = "sewage_connection"\nwhere = { subbasins = ["w1"] }\n'
              'years = [2002, 2002]\nconnected_share = 0.6\ntreatment_removal = 0.6\n'
              '[measures.costs]\ncapital_yuan_per_unit = 3000.0\n')
    notes = _notes(tmp_path, basin, sewers, "sewers")
    assert not any(n.startswith("sewers:") for n in notes), notes


def test_toilets_where_nobody_is_connected_say_nothing_of_effluent(tmp_path):
    basin = _watershed(tmp_path, "connected_share = 0.1\n", "connected_share = 0.0\n")  # w1: nobody connected
    toilets = ('\n[[measures]]\nid = "toilets"\nkind = "toilet_upgrade"\nwhere = { subbasins = ["w1"] }\n'
               'years = [2002, 2002]\ncoverage = 0.7\ndelivery_reduction = 0.3\npersons_per_household = 2.8\n'
               '[measures.costs]\ncapital_yuan_per_unit = 100.0\n')
    notes = _notes(tmp_path, basin, toilets, "toilets")
    assert not any(n.startswith("toilets:") for n in notes), notes


# -- M54: hydro/sources/rural_domestic.py, TP and COD follow the effluent's delivery as N does ----------
def test_tp_and_cod_follow_the_effluent_delivery_as_n_does():
    from hydro.basin import Basin
    from hydro.sources.quality_table import quality_table_of
    from hydro.sources.rural_domestic import RuralDomestic, RuralDomesticSourceKind

    table = quality_table_of(Basin.load("miyun"))
    years, days = np.array([2001]), np.array([365])
    kind = RuralDomesticSourceKind()

    def run(**given):
        rd = RuralDomestic(population=1000.0, per_capita_n_g_per_day=10.0, delivery_fraction=0.15,
                           connected_share=0.2, treatment_removal=0.5, **given)
        sub = SimpleNamespace(rural_domestic=rd)
        q = kind.quality(table, sub, years, days)
        return (float(kind.rates(sub, years, None, 1.0)["rural_domestic"][0]), float(np.asarray(q["tp"])[0]),
                float(np.asarray(q["cod"])[0]))

    n0, tp0, cod0 = run()
    n1, tp1, cod1 = run(effluent_delivery_fraction=1.0)
    assert n1 / n0 == pytest.approx(2.2 / 1.35)  # 0.8 x 0.15 + 0.2 x 0.5 x 1.0 against (1 - 0.1) x 0.15
    assert tp1 / tp0 == pytest.approx(n1 / n0) and cod1 / cod0 == pytest.approx(n1 / n0)


# -- M55: hydro/scenarios/kept_out.py, the spread rows' cost per kg carries the spent unit ---------------
def test_the_spread_of_a_spent_cost_per_kg_carries_the_spent_unit():
    from hydro.scenarios.kept_out import SPENT_PER_KG_UNIT, spread_rows

    r_in = np.array([[[100.0], [110.0], [90.0]], [[80.0], [85.0], [70.0]]])  # [scenario, member, reservoir]
    run = SimpleNamespace(
        ensemble={"reservoir_n_input": r_in, "upstream_n_storage_change": np.zeros_like(r_in), "members": [0, 1, 2]},
        results=[SimpleNamespace(coords={"reservoir": ["lake"]})], names=["baseline", "s"], kept_out=["lake"])

    def row(s, q, value, unit):
        return {"scenario": s, "quantity": q, "location": "", "source": "", "year": "all", "value": value, "unit": unit}

    rows = [row("baseline", "cost", 0.0, "yuan"), row("s", "cost", 1000.0, "yuan"),
            row("baseline", "cost_per_kg_kept_out", np.nan, SPENT_PER_KG_UNIT),
            row("s", "cost_per_kg_kept_out", 40.0, SPENT_PER_KG_UNIT)]
    per_kg = [r for r in spread_rows(run, rows) if r["scenario"] == "s" and r["quantity"].startswith("cost_per_kg")]
    assert per_kg and all(r["unit"] == SPENT_PER_KG_UNIT for r in per_kg), per_kg


# -- M26: hydro/run_attributes.py, run_days of averaged results ends on the last day simulated ----------
def test_run_days_of_monthly_means_ends_on_the_last_day_simulated():
    from hydro.results import Results
    from hydro.run_attributes import RUN_DAYS, run_days

    res = Results(coords={"time": [date(2004, 1, 1), date(2004, 2, 1)]}, attrs={},
                  time_bounds=([date(2004, 1, 1), date(2004, 2, 1)], [date(2004, 2, 1), date(2004, 3, 1)]))
    assert run_days(res) == {RUN_DAYS: "2004-01-01..2004-02-29"}  # leap February: bounds are exclusive


# -- M28: hydro/run_attributes.py, run_days is a writer attribute: a run read back stacks with its own --
def test_a_run_read_back_stacks_with_the_same_run_in_memory(tmp_path):
    import hydro
    from hydro.results import load_results, stack

    model = hydro.Model.from_basin("watershed")
    res = model.run_results("2001-01-01", "2001-03-31")
    res.to_netcdf(tmp_path / "a.nc")
    read = load_results(tmp_path / "a.nc")
    assert "run_days" in read.attrs and "run_days" not in res.attrs
    both = stack([read, res], "scenario", ["read", "run"])  # refused if run_days were a run's own attribute
    assert both.coords["scenario"] == ["read", "run"]


# -- D2: a scale in a cost unit's denominator is divided, not multiplied ----------------------------------
def _read_unit(tmp_path: Path, unit: str) -> None:
    text = ('[scenario_set]\nname = "t"\nbasin = "watershed"\nassumption = true\nnote = "test"\n'
            '\n[[measures]]\nid = "a"\nkind = "fertiliser_reduction"\nwhere = { subbasins = ["w1"] }\n'
            f'years = [2002, 2002]\nreduction = 0.2\n[measures.costs]\ncapital_yuan_per_unit = 5.0\nunit = "{unit}"\n'
            '\n[[scenarios]]\nid = "s"\nmeasures = ["a"]\n')
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    ScenarioFile.from_toml(path)


@pytest.mark.parametrize("unit", ["元/万人", "yuan per 10^4 m3/d of capacity", "yuan per thousand households"])
def test_a_scale_in_the_denominator_is_told_to_divide(tmp_path, unit):
    # 5 yuan per 10^4 persons is 5e-4 yuan per person: multiplying by 10^4 (the message's advice) is off by 10^8
    with pytest.raises(HydroError) as e:
        _read_unit(tmp_path, unit)
    assert "multiply" not in str(e.value) and "divide" in str(e.value), str(e.value)


def test_a_scale_in_the_numerator_is_still_told_to_multiply(tmp_path):
    with pytest.raises(HydroError, match="multiply it by 10,000"):
        _read_unit(tmp_path, "万元/ha")


def test_a_share_of_1_5_gets_no_percentage_hint(tmp_path):
    # 1.5 is no likelier 1.5 % than a slip of 0.15: the hint starts at 2 (D3)
    from hydro.scenarios import ScenarioFile

    text = ('[scenario_set]\nname = "t"\nbasin = "watershed"\nassumption = true\nnote = "test"\n'
            '\n[[measures]]\nid = "a"\nkind = "fertiliser_reduction"\nwhere = { subbasins = ["w1"] }\n'
            'years = [2002, 2002]\nreduction = 1.5\n[measures.costs]\ncapital_yuan_per_unit = 1.0\n'
            '\n[[scenarios]]\nid = "s"\nmeasures = ["a"]\n')
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HydroError) as e:
        ScenarioFile.from_toml(path)
    assert "got 1.5" in str(e.value) and "fraction" not in str(e.value), str(e.value)
    path.write_text(text.replace("reduction = 1.5", "reduction = 20"), encoding="utf-8")
    with pytest.raises(HydroError, match=r"for 20 % write 0\.2"):
        ScenarioFile.from_toml(path)
