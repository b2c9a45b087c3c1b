"""Issue 14: every shipped agreement's quality part on results that carry TN, NH3-N, TP and CODMn,
and the GB 3838 class table in ``hydro compensate`` (text, and ``--json --quality``)."""

import json
from pathlib import Path

import pytest
from cli_invoke import invoke
from synthetic_quality import write_quality_results

from hydro.compensation import Agreement
from hydro.compensation.rules import QualityClassRule

ROOT = Path(__file__).resolve().parents[1]
AGREEMENTS = sorted((ROOT / "configs" / "agreements").glob("*.toml"))


@pytest.fixture(scope="module")
def quality_nc(tmp_path_factory):
    """2015-2027: every shipped agreement's period, all four parameters."""
    return write_quality_results(tmp_path_factory.mktemp("q") / "q.nc", start="2015-01-01", end="2027-12-31")


@pytest.mark.parametrize("path", AGREEMENTS, ids=lambda p: p.stem)
def test_every_shipped_agreement_evaluates_its_quality_part_without_skipping(quality_nc, path):
    result = invoke("compensate", quality_nc, path, "--json")  # no --skip-unavailable
    assert result.exit_code == 0, result.output
    payments = json.loads(result.stdout)
    assert isinstance(payments, list)  # the contract: a list of payment records, as before
    a = Agreement.from_toml(path)
    named = {(s, "+".join(g)) for r in a.rules for s in r.sections  # a section judged on all: "codmn+nh3n+tp"
             for g in (r.groups() if isinstance(r, QualityClassRule) else [(p,) for p in r.parameters()])
             if g != ("flow",)}
    paid = {(p["section"], p["parameter"]) for p in payments}
    assert named <= paid, f"rule parameters without a payment line: {named - paid}"
    # the class rules' amounts are determined on every parameter they name
    for rule in a.rules:
        if isinstance(rule, QualityClassRule):
            lines = [p for p in payments if p["rule"] == rule.where]
            assert {p["parameter"] for p in lines} == {"+".join(g) for g in rule.groups()}
            assert all(p["amount_yuan"] is not None for p in lines)


def test_beijing_internal_agreement_names_codmn_nh3n_tp(quality_nc):
    a = Agreement.from_toml(ROOT / "configs/agreements/beijing_internal_2015.toml")
    assert {p for r in a.rules for p in r.parameters()} == {"codmn", "nh3n", "tp"}
    result = invoke("compensate", quality_nc, a.path, "--json")
    assert result.exit_code == 0, result.output
    assert {p["parameter"] for p in json.loads(result.stdout)} == {"codmn", "nh3n", "tp"}


def test_json_quality_adds_the_class_table_and_keeps_the_payments(quality_nc):
    path = ROOT / "configs/agreements/miyun_chaobai_phase1_2018.toml"
    plain = json.loads(invoke("compensate", quality_nc, path, "--json").stdout)
    result = invoke("compensate", quality_nc, path, "--json", "--quality")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"payments", "classes", "notes", "provenance"}  # notes: issue 14; provenance: F1
    assert data["payments"] == plain  # the payment records, keys and values, unchanged
    rows = data["classes"]
    assert {r["place"] for r in rows} == {"gubeikou", "baihe_border", "qingshui_outlet"}
    assert {r["parameter"] for r in rows} == {"tn", "nh3n", "tp", "codmn"}
    assert set(rows[0]) == {"place", "kind", "year", "month", "parameter", "concentration_mg_per_l", "class",
                            "class_name", "waterbody", "reference", "class_indicator", "exceedance_multiple",
                            "basis"}
    tn = [r for r in rows if r["parameter"] == "tn"]
    assert all(r["reference"] and r["waterbody"] == "lake" for r in tn)  # river TN: a labelled reference
    assert not any(r["reference"] for r in rows if r["parameter"] != "tn")
    assert len(rows) == 3 * 4 * 13 * 12  # places x parameters x years x months


def test_reservoir_rows_take_lake_limits(quality_nc):
    path = ROOT / "configs/agreements/miyun_strategic_reserve.toml"
    rows = json.loads(invoke("compensate", quality_nc, path, "--json", "--quality").stdout)["classes"]
    assert {(r["place"], r["kind"], r["waterbody"], r["reference"]) for r in rows} == {
        ("miyun", "reservoir", "lake", False)}
    # TN on the lake limits, but not one of the indicators of the reservoir's class (MEE 2011 method)
    assert {r["parameter"] for r in rows if not r["class_indicator"]} == {"tn"}


def test_a_reservoirs_tn_is_marked_as_judged_on_its_own(quality_nc):
    path = ROOT / "configs/agreements/miyun_strategic_reserve.toml"
    out = invoke("compensate", quality_nc, path).output
    assert "TN+" in out and "+ TN at a lake or reservoir: GB 3838 lake limits; not one of the indicators" in out


def test_text_output_shows_the_class_table(quality_nc):
    result = invoke("compensate", quality_nc, ROOT / "configs/agreements/guanting_yongding_2023.toml")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "net per year" in out and "GB 3838 class by month" in out
    assert out.index("net per year") < out.index("GB 3838 class by month")
    lines = [ln for ln in out.splitlines() if ln.startswith(("TN*", "NH3-N", "TP", "CODMn"))]
    assert {ln.split()[1] for ln in lines} == {"bahaoqiao", "xiangshuibao", "shixiali"}
    assert "lake limits as a reference" in out


def test_quality_flag_needs_json(quality_nc):
    result = invoke("compensate", quality_nc, AGREEMENTS[0], "--quality")
    assert result.exit_code == 2 and "--quality goes with --json" in result.output


def test_a_tn_only_run_still_lists_what_it_cannot_evaluate(tmp_path):
    nc = write_quality_results(tmp_path / "tn.nc", start="2023-01-01", end="2025-12-31", parameters=("tn",))
    path = ROOT / "configs/agreements/guanting_yongding_2023.toml"
    result = invoke("compensate", nc, path)
    assert result.exit_code == 2 and "parameter 'codmn' has no data" in result.output
    result = invoke("compensate", nc, path, "--skip-unavailable", "--json", "--quality")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {r["parameter"] for r in data["classes"]} == {"tn"}
    # the text's nets say what they leave out (review 2026-12-05: a 0 net read as complete, the skipped
    # rules only on stderr)
    text = invoke("compensate", nc, path, "--skip-unavailable")
    skipped = [ln for ln in text.stderr.splitlines() if ln.startswith("skipped: ")]
    assert skipped and (f"left out (--skip-unavailable): {len(skipped)} rule line(s), a parameter at a section "
                        "the series has no data for") in text.stdout
    full = write_quality_results(tmp_path / "all.nc", start="2023-01-01", end="2025-12-31")
    plain = invoke("compensate", full, path, "--skip-unavailable")  # nothing to skip: nothing said
    assert plain.exit_code == 0 and "left out" not in plain.stdout and "skipped: " not in plain.stderr
