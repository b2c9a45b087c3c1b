"""Scenario costs in one year's prices (``price_year``, ``[price_index]``; :mod:`hydro.scenarios.prices`).

Until 2026-12-05 no price year was read: unit costs written in 2015 yuan and in 2020 yuan were summed
as if equal.  A file may now say the year its results are in (``[scenario_set] price_year``), each
measure the year of its unit costs (``[measures.costs] price_year``), and the price index converting
them (``[price_index]``, the user's series with its source: hydro ships none).  The index here is
made up for the arithmetic (2015 = 80, 2020 = 100: a 2015 yuan is 1.25 of 2020's), on the example
watershed (``configs/examples/watershed``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs" / "examples" / "watershed"
HEAD = '[scenario_set]\nname = "t"\nbasin = "watershed"\nassumption = true\nnote = "test"\n'
INDEX = '\n[price_index]\n2015 = 80.0\n2020 = 100.0\nsource = "made up for the test"\n'
#: index[2020] / index[2015]
FACTOR = 1.25


def measure(mid: str, cost_year: int | None = None, capital: float = 100.0, operating: float = 1.0) -> str:
    """A fertiliser cut on all of the watershed from 2002, its costs in ``cost_year``'s prices."""
    year = "" if cost_year is None else f"price_year = {cost_year}\n"
    return (f'\n[[measures]]\nid = "{mid}"\nkind = "fertiliser_reduction"\nwhere = "all"\nyears = [2002, 2002]\n'
            f'reduction = 0.5\n[measures.costs]\ncapital_yuan_per_unit = {capital!r}\n'
            f'operating_yuan_per_unit_yr = {operating!r}\n{year}')


def scenario(*ids: str, sid: str = "s") -> str:
    return f'\n[[scenarios]]\nid = "{sid}"\nmeasures = [' + ", ".join(f'"{i}"' for i in ids) + "]\n"


def head(set_year: int | None = None) -> str:
    return HEAD + ("" if set_year is None else f"price_year = {set_year}\n")


def read(tmp_path: Path, text: str, name: str = "s.toml") -> ScenarioFile:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return ScenarioFile.from_toml(p)


# -- the arithmetic ---------------------------------------------------------------------------------
def test_a_measures_costs_are_converted_to_the_sets_price_year(tmp_path):
    sf = read(tmp_path, head(2020) + measure("old", 2015, 100.0, 2.0) + measure("same", 2020, 100.0, 2.0)
              + measure("unsaid", None, 100.0, 2.0) + scenario("old", "same", "unsaid") + INDEX)
    old = sf.measures["old"].costs
    # 100 yuan of 2015 x 100 / 80 = 125 yuan of 2020; 2 x 1.25 = 2.5
    assert old.capital_yuan_per_unit == pytest.approx(125.0, rel=1e-15)
    assert old.operating_yuan_per_unit_yr == pytest.approx(2.5, rel=1e-15)
    assert (old.price_year, old.price_factor, old.lifetime_years) == (2015, FACTOR, 20.0)
    for mid in ("same", "unsaid"):  # in the set's prices: as given, to the bit
        c = sf.measures[mid].costs
        assert (c.capital_yuan_per_unit, c.operating_yuan_per_unit_yr, c.price_factor) == (100.0, 2.0, 1.0)
    assert sf.price_year == 2020 and sf.price_index is not None
    assert sf.price_index.values == {2015: 80.0, 2020: 100.0} and sf.price_index.source == "made up for the test"
    # the index is a cited number of the file, as every other
    assert [p.key for p in sf.provenance if p.key.startswith("price_index")] == ["price_index.2015",
                                                                              "price_index.2020"]


def test_the_conversion_goes_backwards_too(tmp_path):
    # results in 2015 prices, a measure priced in 2020: x 80 / 100
    sf = read(tmp_path, head(2015) + measure("new", 2020, 100.0, 2.0) + scenario("new") + INDEX)
    assert sf.measures["new"].costs.capital_yuan_per_unit == pytest.approx(80.0, rel=1e-15)
    assert sf.measures["new"].costs.operating_yuan_per_unit_yr == pytest.approx(1.6, rel=1e-15)


def test_a_compiled_scenarios_yearly_costs_are_in_the_sets_prices(tmp_path):
    info, years = BasinInfo.load(WATERSHED), [2001, 2002, 2003]
    plain = compile_scenario(info, read(tmp_path, head() + measure("m") + scenario("m"), "a.toml"), "s", years)
    priced = compile_scenario(info, read(tmp_path, head(2020) + measure("m", 2015) + scenario("m") + INDEX,
                                         "b.toml"), "s", years)
    assert plain.cost().sum() > 0
    np.testing.assert_allclose(priced.cost(), FACTOR * plain.cost(), rtol=1e-13)
    assert any("m: unit costs given in 2015 prices, counted in 2020 prices (x 1.25" in n for n in priced.notes)
    assert not any("prices" in n for n in plain.notes)


# -- the results say the year -----------------------------------------------------------------------
def test_the_summary_and_the_file_state_the_price_year(tmp_path):
    from click.testing import CliRunner

    from hydro.cli import main
    from hydro.scenarios.cli import scenarios_command
    from hydro.scenarios.summary import format_summary, summarise

    main.add_command(scenarios_command)
    plain_path, priced_path = tmp_path / "a.toml", tmp_path / "b.toml"
    plain_path.write_text(head() + measure("m") + scenario("m"), encoding="utf-8")
    priced_path.write_text(head(2020) + measure("m", 2015) + scenario("m") + INDEX, encoding="utf-8")
    out = {}
    for name, path in (("plain", plain_path), ("priced", priced_path)):
        nc = tmp_path / f"{name}.nc"
        r = CliRunner().invoke(main, ["scenarios", str(WATERSHED), str(path), "-o", str(nc), "--start",
                                      "2001-01-01", "--end", "2002-12-31", "--workers", "1"])
        assert r.exit_code == 0, r.output
        out[name] = (r.output, nc)
    from hydro.scenarios.run import run_scenarios

    rows = {name: summarise(run_scenarios(WATERSHED, path, date(2001, 1, 1), date(2002, 12, 31)))
            for name, path in (("plain", plain_path), ("priced", priced_path))}

    def row(name, quantity, year="all"):
        (r,) = [r for r in rows[name] if r["scenario"] == "s" and r["quantity"] == quantity
                and r["location"] == "" and r["year"] == year]
        return r

    assert row("plain", "cost")["value"] > 0
    assert row("priced", "cost")["value"] == pytest.approx(FACTOR * row("plain", "cost")["value"], rel=1e-12)
    assert row("priced", "cost", 2002)["value"] == pytest.approx(FACTOR * row("plain", "cost", 2002)["value"],
                                                                 rel=1e-12)
    assert row("priced", "cost_per_kg_kept_out")["value"] == pytest.approx(
        FACTOR * row("plain", "cost_per_kg_kept_out")["value"], rel=1e-12)
    assert row("priced", "cost")["unit"] == "yuan (2020 prices)" == row("priced", "cost", 2002)["unit"]
    assert row("priced", "cost_per_kg_kept_out")["unit"] == "yuan kg-1 (2020 prices)"
    assert row("plain", "cost")["unit"] == "yuan" and row("plain", "cost_per_kg_kept_out")["unit"] == "yuan kg-1"
    line = next(ln for ln in format_summary(rows["priced"]).splitlines() if ln.startswith("s: cost"))
    cost, cpk = row("priced", "cost")["value"], row("priced", "cost_per_kg_kept_out")["value"]
    assert line.startswith(f"s: cost {cost:,.0f} yuan (2020 prices); ") and line.endswith(
        f"{cpk:,.1f} yuan/kg (2020 prices)"), line
    assert "prices" not in format_summary(rows["plain"])
    # the command prints the same lines and writes the year into the file's attributes
    assert f"s: cost {cost:,.0f} yuan (2020 prices); " in out["priced"][0]
    assert "prices" not in out["plain"][0].split("written:")[0]
    import netCDF4

    with netCDF4.Dataset(out["priced"][1]) as nc:
        attrs = {k: nc.getncattr(k) for k in nc.ncattrs()}
    assert attrs["price_year"] == "2020" and attrs["price_index"] == "2015=80.0;2020=100.0"
    assert attrs["price_index_source"] == "made up for the test" and attrs["measure_price_years"] == "m=2015"
    with netCDF4.Dataset(out["plain"][1]) as nc:
        assert not {"price_year", "price_index", "price_index_source", "measure_price_years"} & set(nc.ncattrs())
    # hydro compensate --scenarios: the measures' costs in 2020 prices, the payments each year's yuan
    from hydro.compensation.notes import price_year_text

    assert "measure_cost_yuan is in 2020 prices" in price_year_text(out["priced"][1])
    assert price_year_text(out["plain"][1]) == ""


def test_one_scenario_run_states_the_price_year(tmp_path):
    # hydro run --scenario S: the same costs as hydro scenarios, the same attributes
    from hydro.scenario_run import run_scenario

    path = tmp_path / "b.toml"
    path.write_text(head(2020) + measure("m", 2015) + scenario("m") + INDEX, encoding="utf-8")
    res, notes = run_scenario(WATERSHED, "s", path, date(2001, 1, 1), date(2002, 12, 31))
    assert res.attrs["price_year"] == "2020" and res.attrs["measure_price_years"] == "m=2015"
    plain = tmp_path / "a.toml"
    plain.write_text(head() + measure("m") + scenario("m"), encoding="utf-8")
    base, _ = run_scenario(WATERSHED, "s", plain, date(2001, 1, 1), date(2002, 12, 31))
    assert "price_year" not in base.attrs
    cost = np.asarray(res["measure_capital_cost"]) + np.asarray(res["measure_operating_cost"])
    base_cost = np.asarray(base["measure_capital_cost"]) + np.asarray(base["measure_operating_cost"])
    assert base_cost.sum() > 0
    np.testing.assert_allclose(cost, FACTOR * base_cost, rtol=1e-13)
    assert any("counted in 2020 prices" in n for n in notes)


def test_the_spent_per_kg_unit_keeps_its_caveat_with_a_price_year():
    from hydro.scenarios.kept_out import SPENT_PER_KG_UNIT
    from hydro.scenarios.prices import priced, prices_text, unpriced

    unit = priced(SPENT_PER_KG_UNIT, 2020)
    assert unit.startswith("yuan kg-1 (2020 prices) (cost_method spent:") and unpriced(unit) == SPENT_PER_KG_UNIT
    assert prices_text(unit) == " (2020 prices)" and priced("yuan", None) == "yuan" and prices_text("yuan") == ""
    rows = [{"scenario": "s", "quantity": "cost", "location": "", "source": "", "year": "all", "value": 10.0,
             "unit": "yuan (2020 prices)"},
            {"scenario": "s", "quantity": "cost_per_kg_kept_out", "location": "", "source": "", "year": "all",
             "value": 2.0, "unit": unit}]
    from hydro.scenarios.summary import format_summary

    line = format_summary(rows).splitlines()[0]
    assert "cost 10 yuan (2020 prices);" in line and "2.0 yuan/kg (2020 prices) (cost_method = \"spent\"" in line


# -- a file without price years: as before ----------------------------------------------------------
def test_a_file_without_price_years_keeps_its_costs_to_the_bit(tmp_path):
    plain = read(tmp_path, head() + measure("m", None, 123.456, 7.89) + scenario("m"), "a.toml")
    assert plain.price_year is None and plain.price_index is None
    c = plain.measures["m"].costs
    assert (c.capital_yuan_per_unit, c.operating_yuan_per_unit_yr, c.price_year, c.price_factor) == (
        123.456, 7.89, None, 1.0)
    from hydro.scenarios.prices import attributes

    assert attributes(plain) == {}
    # the same file in 2020 prices throughout: the same costs, to the bit; in 2015's: x 1.25
    same = read(tmp_path, head(2020) + measure("m", 2020, 123.456, 7.89) + scenario("m") + INDEX, "b.toml")
    older = read(tmp_path, head(2020) + measure("m", 2015, 123.456, 7.89) + scenario("m") + INDEX, "c.toml")
    info, years = BasinInfo.load(WATERSHED), [2001, 2002, 2003]
    base = compile_scenario(info, plain, "s", years)
    assert np.array_equal(compile_scenario(info, same, "s", years).cost(), base.cost()) and base.cost().sum() > 0
    assert not np.array_equal(compile_scenario(info, older, "s", years).cost(), base.cost())


# -- what is refused ------------------------------------------------------------------------------
@pytest.mark.parametrize("text,key,says", [
    (head() + measure("a", 2015) + scenario("a"), "measures[0].costs.price_year",
     "the costs are in 2015 prices, but [scenario_set] has no price_year: add price_year = YEAR"),
    (head() + measure("a") + measure("b", 2015) + measure("c", 2020) + scenario("a", "b", "c") + INDEX,
     "measures[1].costs.price_year", "[scenario_set] has no price_year"),
    (head(2020) + measure("a") + measure("b", 2015) + scenario("a", "b"), "measures[1].costs.price_year",
     "the costs are in 2015 prices and [scenario_set] price_year = 2020: give a [price_index] with 2015 and 2020"),
    (head(2020) + measure("a", 2012) + scenario("a") + INDEX, "measures[0].costs.price_year",
     "[price_index] has no value for 2012 (it gives 2015, 2020): add 2012 = ... to [price_index]"),
    (head(2021) + measure("a", 2015) + scenario("a") + INDEX, "measures[0].costs.price_year",
     "[price_index] has no value for 2021 (it gives 2015, 2020): add 2021 = ..."),
    (head() + measure("a") + scenario("a") + INDEX, "price_index",
     "a price index converts the measures' costs to the year [scenario_set] price_year names, and it names none"),
    (head(2020) + measure("a", 2015) + scenario("a") + INDEX.replace("80.0", "0.0"), "price_index.2015",
     "expected a positive index value"),
    (head(2020) + measure("a", 2015) + scenario("a") + INDEX.replace("80.0", "-80.0"), "price_index.2015",
     "expected a positive index value"),
    (head(2020) + measure("a", 2015) + scenario("a") + INDEX.replace('source = "made up for the test"\n', ""),
     "price_index", "give the index's 'source'"),
    (head(2020) + measure("a", 2015) + scenario("a") + INDEX + "y2016 = 90.0\n", "price_index.y2016",
     "expected a four-digit year as the key"),
    (head(20) + measure("a") + scenario("a"), "scenario_set.price_year", "expected a calendar year"),
    (head(2020) + measure("a", 15) + scenario("a") + INDEX, "measures[0].costs.price_year",
     "expected a calendar year"),
], ids=["cost-year-without-set-year", "mixed-years-without-set-year", "other-year-without-index",
        "cost-year-not-in-index", "set-year-not-in-index", "index-without-set-year", "zero-index",
        "negative-index", "index-without-source", "key-not-a-year", "two-digit-set-year", "two-digit-cost-year"])
def test_unconvertible_prices_are_refused_naming_the_key_and_the_fix(tmp_path, text, key, says):
    # each refusal: the file, the key in the style of the other errors, and what to write
    with pytest.raises(HydroError) as e:
        read(tmp_path, text)
    msg = str(e.value)
    assert "s.toml" in msg and f"key '{key}'" in msg and says in msg, msg


def test_the_docs_say_how_prices_are_converted():
    docs = " ".join((ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8").split())
    assert "No price year is recorded" not in docs
    assert "cost × index[set year] / index[cost year]" in docs and "[price_index]" in docs
