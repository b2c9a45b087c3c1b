"""The diff review of 2026-12-06 (1e0cac3..c9d0a78): each test failed then or killed a surviving mutant."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from hydro.compensation import Agreement, evaluate
from hydro.compensation.payments import pair_names, totals
from hydro.errors import HydroError
from hydro.monitoring import read_series

ROOT = Path(__file__).resolve().parents[1]

REVERSED_RULE_FIRST = textwrap.dedent('''
    name = "review probe"
    source = "review probe"
    period = [2019, 2020]
    payer = "a"
    payee = "b"

    [[tn_reduction]]
    section = "s"
    payer = "b"
    payee = "a"
    years = [2019, 2019]
    baseline_mg_per_l = 5.0
    reward_per_mg_per_l_yuan = 1000
    source = "review probe: a penalty the payee pays back, listed first"

    [[tn_reduction]]
    section = "s"
    baseline_mg_per_l = 5.0
    reward_per_mg_per_l_yuan = 1000000
    source = "review probe"
''')


def test_a_reversed_rule_listed_first_does_not_turn_the_agreement_s_pair_round(tmp_path):
    # failed: pair_names takes "the first rule line", not the agreement's payer -> payee, so the
    # same bug the audit fixed for fixed lines remains for a rule with its own payer/payee.
    rows = ["section,year,month,parameter,value,unit"]
    rows += [f"s,{y},{m},tn,4.0,mg/L" for y in (2019, 2020) for m in range(1, 13)]
    (tmp_path / "mon.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "a.toml").write_text(REVERSED_RULE_FIRST, encoding="utf-8")
    payments = evaluate(Agreement.from_toml(tmp_path / "a.toml"), read_series(tmp_path / "mon.csv"))
    assert {(t["year"], t["payer"], t["payee"]) for t in totals(payments)} == {(2019, "a", "b"), (2020, "a", "b")}


def test_pair_names_prefers_rule_over_fixed_and_floor_over_rule():
    # kills the mutants that reorder (FLOOR, "rule", "fixed") or treat every component as "rule"
    from hydro.compensation.payments import FLOOR, Payment

    def line(year, component, payer, payee):
        return Payment(year=year, section="", component=component, parameter="", payer=payer, payee=payee,
                       amount_yuan=1.0, complete=True, assumed=False, rule="r", note="")

    fixed_first = [line(2018, "fixed", "b", "a"), line(2019, "tn_reduction", "a", "b")]
    assert pair_names(fixed_first) == {frozenset("ab"): ("a", "b")}
    floor_last = [line(2018, "tn_reduction", "b", "a"), line(2019, FLOOR, "a", "b")]
    assert pair_names(floor_last) == {frozenset("ab"): ("a", "b")}
    only_advance = [line(2018, "advance", "a", "b")]
    assert pair_names(only_advance) == {} and totals(only_advance) == []


def test_the_inference_figures_are_hashed_for_an_agreement_saved_with_a_bom(tmp_path):
    # failed: the agreement reader (hydro.tomlio.load_toml) reads a UTF-8 file with a byte-order mark;
    # _inference_figures' tomllib.loads(read_text("utf-8")) does not, and returns None without a word
    from hydro.provenance import compensation_provenance

    (tmp_path / "f.csv").write_text("year,x\n2018,1\n", encoding="utf-8")
    (tmp_path / "a.toml").write_text('name = "x"\n[inference]\nfigures = "f.csv"\n', encoding="utf-8-sig")
    (tmp_path / "s.csv").write_text("x\n", encoding="utf-8")
    record = compensation_provenance(tmp_path / "s.csv", tmp_path / "a.toml", [])
    assert "inference_figures" in record


def test_units_say_nothing_for_an_unknown_word_anywhere_after_per():
    # failed: only the word just before the unit tail is checked against "per"
    from hydro.units import unit_of_key

    assert unit_of_key("rate_per_xyz_day") == ""
    assert unit_of_key("rate_per_xyz_abc_day") == ""
    assert unit_of_key("cost_yuan_per_ha") == "yuan ha-1"


def test_model_run_refuses_an_overwrite_that_is_not_a_bool(tmp_path):
    # failed: apportion="False" is refused, overwrite="False" is bool("False") == True and replaces the state
    import hydro
    from hydro.errors import HydroError

    model = hydro.Model.from_basin("watershed")
    with pytest.raises(HydroError, match="overwrite"):
        model.run("2001-06-01", "2001-06-03", save_state=tmp_path / "s.npz", overwrite="False")


def test_model_run_refuses_an_empty_state_path(tmp_path):
    # failed: from_state="" is a str, passes the type check, and `if read_from:` runs from the spin-up
    import hydro
    from hydro.errors import HydroError

    with pytest.raises(HydroError):
        hydro.Model.from_basin("watershed").run("2001-06-01", "2001-06-03", from_state="")


def test_past_term_is_a_note_not_an_error_where_the_file_alone_does_not_read(tmp_path):
    # past_term re-reads the agreement without its overrides; a file that reads only with them
    # (payer given by --set) turns the note into a HydroError after the payments were computed
    from hydro.compensation.notes import past_term

    reserve = (ROOT / "configs" / "agreements" / "miyun_strategic_reserve.toml").read_text(encoding="utf-8")
    lines = [ln for ln in reserve.splitlines() if not ln.startswith("payee")]
    (tmp_path / "a.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(HydroError):  # the file alone does not read
        Agreement.from_toml(tmp_path / "a.toml")
    stretched = Agreement.from_toml(tmp_path / "a.toml", overrides=["period=[2023, 2030]", 'payee="x"'])
    assert past_term(stretched).startswith("note: the period 2023-2030")


def test_the_inference_figures_of_a_whole_table_override_are_the_ones_hashed(tmp_path):
    # failed: `--set inference={..., figures="other.csv"}` is what the reader fits on; _inference_figures
    # looks only for the key "inference.figures" and hashes the file's own figures CSV instead
    import shutil

    from hydro.provenance import compensation_provenance

    agreements = ROOT / "configs" / "agreements"
    for name in ("miyun_chaobai_phase1_2018.toml", "miyun_chaobai_published.csv"):
        shutil.copy(agreements / name, tmp_path / name)
    (tmp_path / "other.csv").write_bytes((agreements / "miyun_chaobai_published.csv").read_bytes() + b"\n")
    override = ('inference={fit="quality_class[0].bonus_yuan", fit_year=2018, samples=1000, seed=2018, '
                'volume_share={value=0.3333, assumption=true, range=[0.25, 0.42], note="x"}, figures="other.csv"}')
    agreement = Agreement.from_toml(tmp_path / "miyun_chaobai_phase1_2018.toml", overrides=[override])
    assert agreement.inference.figures.name == "other.csv"  # what --uncertainty fits on
    (tmp_path / "s.csv").write_text("x\n", encoding="utf-8")
    record = compensation_provenance(tmp_path / "s.csv", tmp_path / "miyun_chaobai_phase1_2018.toml", [override])
    assert Path(record["inference_figures"]["path"]).name == "other.csv"


def test_an_inference_figures_override_is_the_one_hashed(tmp_path):
    # kills mutant V1 (the `inference.figures=` override ignored): passes now
    import shutil

    from hydro.provenance import compensation_provenance

    agreements = ROOT / "configs" / "agreements"
    for name in ("miyun_chaobai_phase1_2018.toml", "miyun_chaobai_published.csv"):
        shutil.copy(agreements / name, tmp_path / name)
    (tmp_path / "other.csv").write_bytes((agreements / "miyun_chaobai_published.csv").read_bytes())
    (tmp_path / "s.csv").write_text("x\n", encoding="utf-8")
    record = compensation_provenance(tmp_path / "s.csv", tmp_path / "miyun_chaobai_phase1_2018.toml",
                                     ['inference.figures="other.csv"'])
    assert Path(record["inference_figures"]["path"]).name == "other.csv"


def test_every_kind_says_its_own_after_series_and_a_series_ending_on_the_last_day_says_none():
    # kills E1 (chained != leaves ecological == abstraction) and E2 (<= for <): pass now
    from hydro.transfer_summary import after_series, run_transfer_lines

    kinds = ("release", "inflow", "ecological", "abstraction")
    assert len({after_series(k) for k in kinds}) == 4 and after_series("other") == "none"
    attrs = {"transfers": "a=inflow:reservoir:a.csv:2001-01-01..2001-12-31", "transfer_volume_m3": "a=1.0e6"}
    assert "after" not in run_transfer_lines(attrs, date(2001, 1, 1), date(2001, 12, 31))[1]


def test_a_series_that_ends_before_the_period_starts_is_said_so():
    # kills E3 (", before the period" dropped): passes now
    from hydro.transfer_end import note

    attrs = {"weather_generated_from": "2011-01-01",
             "transfers": "a=inflow:lake:a.csv:2001-01-01..2005-12-31;b=release:lake:b.csv:2001-01-01..2011-06-30"}
    said = note(attrs, (date(2011, 1, 1), date(2012, 12, 31)), who="the run goes on")
    assert "a (a.csv) on 2005-12-31, before the period (after it: none of this water comes in)" in said
    assert "b (b.csv) on 2011-06-30 (after it: the reservoir's own release rule" in said


def test_an_inventory_of_numbers_only_is_said_as_such(monkeypatch):
    # kills H1/H2 (the test named for this asserts only miyun's inventory_years): passes now
    import hydro
    from hydro.sources import held

    basin = hydro.open_basin("watershed")
    monkeypatch.setattr(held, "inventory_years", lambda b: (None, 0, 12))
    assert held.held_note(basin, date(2030, 12, 31), generated=True).startswith(
        "note: the sources' inventory (population, livestock, fertiliser, plants) is not projected: its 12 values "
        "are each one number for every year; the generated years to 2030 keep it")
    assert held.held_attribute(basin, date(2030, 12, 31), True) == {
        held.ATTRIBUTE: "none (0 of 12 values are tables of years; the rest one number for every year)"}
    monkeypatch.setattr(held, "inventory_years", lambda b: (None, 0, 0))  # no sources: nothing held
    assert held.held_note(basin, date(2030, 12, 31), generated=True) == ""


@pytest.mark.parametrize(("changes", "record"), [
    ({"runoff": {"x2": 1, "x1": 2}}, ['runoff={"x1": 2.0, "x2": 1.0}']),  # kills S1 and S2
    (["runoff={x2=1, x1=2}"], ['runoff={"x1": 2.0, "x2": 1.0}']),
    (["initial={tn_mg_l=1.0}", "a=1"], ["a=1.0"]),  # kills S3: the whole start's state is no parameter
])
def test_parameters_of_tables(changes, record):
    from hydro.state_fit import parameters_of

    assert parameters_of(changes) == record


def test_a_state_saved_before_the_canonical_record_is_compared_canonically():
    # failed: a state saved by 1e0cac3 recorded the text "runoff.x1_mm=700"; the same --set now records
    # "runoff.x1_mm=700.0", and the state is refused with a message whose two lists look alike
    from hydro.errors import HydroError
    from hydro.state_fit import check_state_parameters, parameters_of

    try:
        check_state_parameters("old.npz", {"parameters": ["runoff.x1_mm=700"]}, parameters_of(["runoff.x1_mm=700"]))
    except HydroError as exc:
        pytest.fail(f"a legacy record of the same change was refused: {exc}")
