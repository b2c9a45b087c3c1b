"""A water-authority engineer's review of the scenarios (2026-12-05): what a scenario file and its
summary say, and what they left unsaid.

Each test reproduces one finding on the example watershed (``configs/examples/watershed``, run
2001-2003 unless said): a percentage written for a share (F9), a two-digit due year (F10), costs
stated in 10^4 yuan (F6), a measure whose years lie before the run (F5), the same-kind overlap note
of the share kinds (F8), the whole-run change rows' period (F7) and the cost per kg under
``cost_method = "spent"`` (F4).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hydro.errors import HydroError
from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs" / "examples" / "watershed"
COSTS = "capital_yuan_per_unit = 100.0\noperating_yuan_per_unit_yr = 1.0"


def head(cost_method: str = "annualised") -> str:
    """A ``[scenario_set]`` for the example watershed."""
    return (f'[scenario_set]\nname = "t"\nbasin = "watershed"\ncost_method = "{cost_method}"\n'
            'assumption = true\nnote = "test"\n')


def measure(mid: str, kind: str, params: str, where: str = '{ subbasins = ["w1"] }',
            years: str = "[2002, 2002]", costs: str = COSTS) -> str:
    """One ``[[measures]]`` table with its costs."""
    return (f'\n[[measures]]\nid = "{mid}"\nkind = "{kind}"\nwhere = {where}\nyears = {years}\n{params}\n'
            f'[measures.costs]\n{costs}\n')


def scenario(*ids: str, sid: str = "s") -> str:
    """One ``[[scenarios]]`` table."""
    return f'\n[[scenarios]]\nid = "{sid}"\nmeasures = [' + ", ".join(f'"{i}"' for i in ids) + "]\n"


def read(tmp_path: Path, text: str) -> ScenarioFile:
    p = tmp_path / "s.toml"
    p.write_text(text, encoding="utf-8")
    return ScenarioFile.from_toml(p)


def compiled(tmp_path: Path, text: str, years=(2001, 2002, 2003)):
    return compile_scenario(BasinInfo.load(WATERSHED), read(tmp_path, text), "s", list(years))


# -- F9: a percentage written for a fraction -------------------------------------------------------
@pytest.mark.parametrize("kind,params,key,fix", [
    ("sewage_connection", "connected_share = 80", "connected_share", "for 80 % write 0.8"),
    ("fertiliser_reduction", "reduction = 20", "reduction", "for 20 % write 0.2"),
    ("manure_management", "managed_share = 75", "managed_share", "for 75 % write 0.75"),
])
def test_a_percentage_for_a_share_is_refused_with_the_fraction_to_write(tmp_path, kind, params, key, fix):
    # "expected a value <= 1, got 80" named the bound but not the slip nor the value to write
    with pytest.raises(HydroError) as e:
        read(tmp_path, head() + measure("a", kind, params) + scenario("a"))
    msg = str(e.value)
    assert "s.toml" in msg and f"key 'measures[0].{key}'" in msg and "expected a value <= 1" in msg
    assert f"a share is a fraction: {fix}" in msg, msg


def test_a_discount_rate_in_percent_is_called_a_rate(tmp_path):
    text = head().replace('cost_method = "annualised"', 'cost_method = "annualised"\ndiscount_rate = 8')
    with pytest.raises(HydroError, match=r"discount_rate.*a rate is a fraction: for 8 % write 0\.08"):
        read(tmp_path, text + measure("a", "fertiliser_reduction", "reduction = 0.2") + scenario("a"))


def test_a_share_above_100_gets_no_percentage_hint(tmp_path):
    # 250 is no percentage of a share: the hint would mislead
    with pytest.raises(HydroError) as e:
        read(tmp_path, head() + measure("a", "sewage_connection", "connected_share = 250") + scenario("a"))
    assert "expected a value <= 1, got 250" in str(e.value) and "fraction" not in str(e.value)


# -- F10: a target's due year ----------------------------------------------------------------------
TARGET = '\n[[targets]]\nid = "t1"\nlocation = "border"\nannual_mean_max_mg_per_l = 2.0\nyear = {year}\n'


def test_a_two_digit_due_year_is_refused_as_a_measure_year_is(tmp_path):
    # year = 25 was accepted (minimum 1), where a measure's years = [22, 24] is refused
    body = head() + measure("f", "fertiliser_reduction", "reduction = 0.2") + scenario("f")
    with pytest.raises(HydroError) as e:
        read(tmp_path, body + TARGET.format(year=25))
    msg = str(e.value)
    assert "s.toml" in msg and "key 'targets[0].year'" in msg and "got 25" in msg
    assert "write four-digit years (2025, not 25)" in msg, msg
    assert read(tmp_path, body + TARGET.format(year=2025)).targets[0].year == 2025


# -- F6: a cost unit that names a scale ------------------------------------------------------------
@pytest.mark.parametrize("unit,scale,factor", [
    ("10^4 yuan per ha", "10^4", "10,000"), ("万元/ha", "万", "10,000"), ("1e4 yuan per household", "1e4", "10,000"),
    ("million yuan", "million", "1,000,000"), ("亿元", "亿", "100,000,000"), ("千元/ha", "千元", "1,000"),
    ("10⁴ yuan", "10⁴", "10,000"), ("wan yuan per ha", "wan", "10,000"),
])
def test_a_cost_unit_naming_a_scale_is_refused(tmp_path, unit, scale, factor):
    # unit was read and dropped: 0.06 (in 10^4 yuan) counted as 0.06 yuan, 10,000 times too small
    body = head() + measure("f", "fertiliser_reduction", "reduction = 0.2",
                            costs=f'operating_yuan_per_unit_yr = 0.06\nunit = "{unit}"') + scenario("f")
    with pytest.raises(HydroError) as e:
        read(tmp_path, body)
    msg = str(e.value)
    assert "s.toml" in msg and "key 'measures[0].costs.unit'" in msg and f"names a scale ({scale})" in msg
    assert "costs are in yuan per ha" in msg and f"multiply it by {factor}" in msg, msg


@pytest.mark.parametrize("unit", ["yuan per ha and year", "yuan per person connected; yuan per person and year",
                                  "元/千克", "yuan per m3/d (2015 prices)"])
def test_a_cost_unit_without_a_scale_is_still_free_text(tmp_path, unit):
    # 元/千克 is yuan per kg (千克: kilogram), not thousands of yuan
    body = head() + measure("f", "fertiliser_reduction", "reduction = 0.2",
                            costs=f'operating_yuan_per_unit_yr = 600.0\nunit = "{unit}"') + scenario("f")
    assert read(tmp_path, body).measures["f"].costs.operating_yuan_per_unit_yr == 600.0


# -- F5: a measure whose years lie before the run --------------------------------------------------
SPENT_BEFORE = "capital_yuan_per_unit = 1000.0\noperating_yuan_per_unit_yr = 1.0"


@pytest.mark.parametrize("cost_method,says", [
    ("spent", 'counts not at all (cost_method = "spent": spent before the run)'),
    ("annualised", "counts only through its annuities that fall in the run's years"),
])
def test_a_measure_before_the_run_is_noted(tmp_path, cost_method, says):
    # years = [1995, 1996] on a 2001-2003 run acted on every day, and with "spent" none of its
    # capital counted: capital 0, notes [] (a typo [2004, 2006] for [2014, 2016] does the same)
    body = head(cost_method) + measure("f", "fertiliser_reduction", "reduction = 0.3", years="[1995, 1996]",
                                       costs=SPENT_BEFORE) + scenario("f")
    c = compiled(tmp_path, body)
    capital = sum(float(v.sum()) for v in c.capital.values())
    if cost_method == "spent":
        assert capital == 0  # what the note explains: spent in 1995-1996, before the run
    else:
        assert capital > 0  # the annuities of 1995-1996's capital over 20 years fall in 2001-2003
    (note,) = [n for n in c.notes if n.startswith("f: acts from 1995")]
    assert "before the run's first year 2001" in note and says in note, note


def test_a_measure_within_the_run_gets_no_before_the_run_note(tmp_path):
    body = head("spent") + measure("f", "fertiliser_reduction", "reduction = 0.3", years="[2001, 2002]",
                                   costs=SPENT_BEFORE) + scenario("f")
    assert not any("before the run's first year" in n for n in compiled(tmp_path, body).notes)


# -- F8: the same-kind overlap note, by kind -------------------------------------------------------
def _overlap_notes(notes) -> list[str]:
    return [n for n in notes if n.startswith("county: acts, as province does")]


@pytest.mark.parametrize("kind,province,county", [
    ("sewage_connection", "connected_share = 0.6\ntreatment_removal = 0.6",
     "connected_share = 0.5\ntreatment_removal = 0.6"),
    ("manure_management", "managed_share = 0.6", "managed_share = 0.5"),
])
def test_a_share_top_up_is_noted_as_paying_only_what_it_adds(tmp_path, kind, province, county):
    # the note said "each one's cost counts its own units in full ... pay for 120 %", while the county's
    # top-up starts from the province's share (ramp_up) and costs nothing here
    body = (head() + measure("province", kind, province) + measure("county", kind, county)
            + scenario("province", "county"))
    c = compiled(tmp_path, body)
    assert sum(float(q.sum()) for (mid, _), q in c.quantity.items() if mid == "county") == 0
    assert float(c.cost("county").sum()) == 0
    (note,) = _overlap_notes(c.notes)
    assert "pays only what it adds beyond the first's share" in note and "in full" not in note, note


def test_a_share_top_up_above_the_first_pays_for_its_addition(tmp_path):
    # the rule the note states: a county raising the province's 0.4 to 0.6 pays for the persons it adds, the
    # persons a 0.6 alone connects less those the 0.4 alone does (both from the basin's own share)
    def persons(*pairs) -> float:
        body = head() + "".join(measure(mid, "sewage_connection", f"connected_share = {share}\ntreatment_removal = 0.6")
                                for mid, share in pairs) + scenario(*(mid for mid, _ in pairs))
        c = compiled(tmp_path, body)
        return sum(float(q.sum()) for (mid, _), q in c.quantity.items() if mid == pairs[-1][0])

    to_06, to_04 = persons(("county", 0.6)), persons(("province", 0.4))
    assert to_04 > 0
    assert persons(("province", 0.4), ("county", 0.6)) == pytest.approx(to_06 - to_04, rel=1e-12)


def test_two_toilet_programmes_are_still_noted_as_paying_in_full(tmp_path):
    # a multiplicative kind: both programmes pay for all their households (60 % + 60 % paid as 120 %)
    params = "coverage = 0.6\ndelivery_reduction = 0.3\npersons_per_household = 3.0"
    body = (head() + measure("province", "toilet_upgrade", params) + measure("county", "toilet_upgrade", params)
            + scenario("province", "county"))
    c = compiled(tmp_path, body)
    (note,) = _overlap_notes(c.notes)
    assert "counts its own units in full" in note and "120 %" in note, note
    q = {mid: sum(float(v.sum()) for (m2, _), v in c.quantity.items() if m2 == mid) for mid in ("province", "county")}
    assert q["county"] == pytest.approx(q["province"], rel=1e-12) and q["county"] > 0


def test_every_kind_states_how_two_of_it_compose():
    from hydro.scenarios.kinds import KINDS
    from hydro.scenarios.measures import COMPOSITION

    assert set(COMPOSITION) == set(KINDS)
    docs = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    section = docs[docs.index("**Two measures of one kind**"):]
    for name in KINDS:
        assert f"`{name}`" in section[:3000], name


# -- F7: the period the run means average ---------------------------------------------------------
def test_the_run_mean_rows_and_line_name_the_days_they_average(tmp_path):
    # year = "all" and "change of the run mean" gave no years: on a 2007-2009 run with a measure from
    # 2009, border's TN change of the run mean (-0.147 mg/L) is a third of 2009's (-0.441 mg/L)
    from datetime import date

    from hydro.scenarios.run import run_scenarios
    from hydro.scenarios.summary import format_summary, summarise

    body = head() + measure("f", "fertiliser_reduction", "reduction = 0.5", where='"all"', years="[2009, 2009]",
                            costs="operating_yuan_per_unit_yr = 600.0") + scenario("f")
    path = tmp_path / "s.toml"
    path.write_text(body, encoding="utf-8")
    rows = summarise(run_scenarios(WATERSHED, path, date(2007, 1, 1), date(2009, 12, 31)))
    means = [r for r in rows if r["quantity"] in ("mean_concentration", "mean_concentration_change",
                                                  "mean_load", "mean_load_change")]
    assert means and {r["year"] for r in means} == {"2007-01-01..2009-12-31"}
    (change,) = [r for r in means if r["scenario"] == "s" and r["quantity"] == "mean_concentration_change"
                 and r["location"] == "border" and r["source"] == "tn"]
    (y2009,) = [r["value"] for r in rows if r["scenario"] == "s" and r["quantity"] == "tn_annual_mean"
                and r["location"] == "border" and r["year"] == 2009]
    (b2009,) = [r["value"] for r in rows if r["scenario"] == "baseline" and r["quantity"] == "tn_annual_mean"
                and r["location"] == "border" and r["year"] == 2009]
    assert y2009 - b2009 < change["value"] < 0  # the run mean dilutes the one year the measure acts in
    # the figures docs/scenarios.md quotes, as it rounds them
    docs = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert f"TN change of the run mean is −{-change['value']:.3f} mg/L" in " ".join(docs.split())
    assert f"acts, −{b2009 - y2009:.3f} mg/L" in " ".join(docs.split())
    # the other whole-run rows keep year "all" (their readers select on it)
    assert {r["year"] for r in rows if r["quantity"] in ("n_kept_out", "cost_per_kg_kept_out")} == {"all"}
    line = next(ln for ln in format_summary(rows).splitlines() if "border" in ln and "change of the run mean" in ln)
    assert line.endswith("; means over 2007-01-01..2009-12-31"), line


# -- F4: the cost per kg with cost_method = "spent" -------------------------------------------------
def test_the_cost_per_kg_under_spent_says_it_counts_capital_whole(tmp_path):
    # "spent" set 20-year capital whole against the N of a few years (8,465 against 1,738 yuan/kg for the
    # same kg on Miyun's domestic run 2012-2016) under the same name and unit, with no word
    from datetime import date

    from hydro.scenarios.kept_out import SPENT_PER_KG_UNIT
    from hydro.scenarios.run import run_scenarios
    from hydro.scenarios.summary import format_summary, summarise

    body = head("spent") + measure("f", "fertiliser_reduction", "reduction = 0.5", where='"all"',
                                   years="[2002, 2002]", costs="capital_yuan_per_unit = 3000.0") + scenario("f")
    path = tmp_path / "s.toml"
    path.write_text(body, encoding="utf-8")
    rows = summarise(run_scenarios(WATERSHED, path, date(2001, 1, 1), date(2002, 12, 31)))
    per_kg = [r for r in rows if r["quantity"].startswith("cost_per_kg_kept_out")]
    assert per_kg and all(r["unit"] == SPENT_PER_KG_UNIT for r in per_kg)
    assert "capital counted whole against the N kept out within the run only" in SPENT_PER_KG_UNIT
    (cpk,) = [r["value"] for r in per_kg if r["scenario"] == "s" and r["quantity"] == "cost_per_kg_kept_out"]
    assert cpk > 0
    line = next(ln for ln in format_summary(rows).splitlines() if ln.startswith("s: cost"))
    assert line.endswith(f'{cpk:,.1f} yuan/kg (cost_method = "spent": capital counted whole against the N kept out '
                         'within the run only; use "annualised" for cost-effectiveness)'), line
    # annualised (the unit the rows carry then): the line as before
    plain = [{**r, "unit": "yuan kg-1"} if r in per_kg else r for r in rows]
    line = next(ln for ln in format_summary(plain).splitlines() if ln.startswith("s: cost"))
    assert line.endswith(f"{cpk:,.1f} yuan/kg"), line


def test_the_cost_per_kg_unit_is_plain_when_annualised():
    from hydro.scenarios.kept_out import per_kg_unit

    assert per_kg_unit("annualised") == "yuan kg-1" and per_kg_unit("spent") != "yuan kg-1"


# -- F10: a target's due year judged without an ensemble ------------------------------------------
def test_a_targets_due_year_is_judged_in_the_summary(tmp_path):
    # with a due year and no --members nothing said whether the plan's year was met (review F10)
    from datetime import date

    from hydro.scenarios.run import run_scenarios
    from hydro.scenarios.summary import summarise

    targets = "".join(f'\n[[targets]]\nid = "{tid}"\nlocation = "border"\nannual_mean_max_mg_per_l = {limit}\n'
                      f'year = {year}\n' for tid, limit, year in (("loose", 19.0, 2008), ("strict", 0.001, 2009),
                                                                 ("later", 19.0, 2025)))
    body = head() + measure("f", "fertiliser_reduction", "reduction = 0.5", where='"all"', years="[2009, 2009]",
                            costs="operating_yuan_per_unit_yr = 600.0") + scenario("f") + targets
    path = tmp_path / "s.toml"
    path.write_text(body, encoding="utf-8")
    rows = summarise(run_scenarios(WATERSHED, path, date(2007, 1, 1), date(2009, 12, 31)))
    due = {(r["scenario"], r["source"]): (r["year"], r["value"]) for r in rows if r["quantity"] == "met_in_due_year"}
    for sid in ("baseline", "s"):
        assert due[(sid, "loose")] == (2008, 1.0)  # 19 mg/L: met
        assert due[(sid, "strict")] == (2009, 0.0)  # 0.001 mg/L: missed
        year, value = due[(sid, "later")]
        assert year == 2025 and value != value  # NaN: 2025 is not a year of the run
