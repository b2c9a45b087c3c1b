"""An auditor's review (2026-12-06): every yuan reproduced by hand from the files; what an auditor could not
trust: a refund the other way in an earlier year turned the later years' nets round (and a two-way agreement's
direction sentence said the payee paid), and the published-figures CSV that ``--uncertainty`` fits prices on
was not hashed in the provenance."""

from __future__ import annotations

import hashlib
import json
import textwrap
from pathlib import Path

from hydro.compensation import Agreement, evaluate
from hydro.compensation.payments import direction_note, totals
from hydro.monitoring import read_series
from hydro.provenance import PROVENANCE_COLUMNS, compensation_provenance, provenance_cells, provenance_lines

AGREEMENTS = Path(__file__).resolve().parents[1] / "configs" / "agreements"

REFUND_FIRST = textwrap.dedent('''
    name = "audit probe"
    source = "audit probe"
    period = [2018, 2020]
    payer = "a"
    payee = "b"

    [[tn_reduction]]
    section = "s"
    baseline_mg_per_l = 5.0
    reward_per_mg_per_l_yuan = 1000000
    source = "audit probe"

    [[fixed]]
    year = 2018
    amount_yuan = 1000
    payer = "b"
    payee = "a"
    kind = "transfer"
    description = "a small refund the other way, in a year the series does not cover"
    source = "audit probe"
''')


def _payments(tmp_path):
    rows = ["section,year,month,parameter,value,unit"]
    rows += [f"s,{y},{m},tn,4.0,mg/L" for y in (2019, 2020) for m in range(1, 13)]
    (tmp_path / "mon.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "a.toml").write_text(REFUND_FIRST, encoding="utf-8")
    return evaluate(Agreement.from_toml(tmp_path / "a.toml"), read_series(tmp_path / "mon.csv"))


def test_the_net_keeps_the_agreement_s_pair_whatever_year_a_line_falls_in(tmp_path):
    rows = {(t["year"], t["payer"], t["payee"]): t["net_yuan"] for t in totals(_payments(tmp_path))}
    # the rules pay a -> b 1e6 yuan in 2019 and 2020 (TN 4.0 against 5.0 mg/L); 2018's refund nets as -1000
    assert rows == {(2018, "a", "b"): -1000.0, (2019, "a", "b"): 1_000_000.0, (2020, "a", "b"): 1_000_000.0}


def test_a_two_way_direction_sentence_does_not_say_the_payee_pays_where_the_payer_does(tmp_path):
    assert "the payee pays the payer" not in direction_note(_payments(tmp_path))


def test_the_provenance_hashes_the_inference_figures(tmp_path):
    series = tmp_path / "mon.csv"
    series.write_text("section,year,month,parameter,value,unit\n", encoding="utf-8")
    figures = AGREEMENTS / "miyun_chaobai_published.csv"
    digest = hashlib.sha256(figures.read_bytes()).hexdigest()
    record = compensation_provenance(series, AGREEMENTS / "miyun_chaobai_phase1_2018.toml")
    assert record["inference_figures"] == {"path": str(figures.resolve()), "sha256": digest}
    assert any(digest in line for line in provenance_lines(record))
    cells = dict(zip(PROVENANCE_COLUMNS, provenance_cells("", record), strict=True))
    assert cells["inference_figures_sha256"] == digest
    plain = compensation_provenance(series, AGREEMENTS / "miyun_chaobai_phase2_2022.toml")  # no [inference]
    assert "inference_figures" not in plain and digest not in json.dumps(plain)
    assert dict(zip(PROVENANCE_COLUMNS, provenance_cells("", plain), strict=True))["inference_figures"] == ""


def test_constituent_long_names_say_what_their_masses_count():
    """Units review, 2026-12-06: a file's mg L-1 of NH3-N did not say it counts nitrogen (NH3 weighs 17/14 of it)."""
    from hydro.variables import variable

    names = {"tn": "total nitrogen", "nh3n": "ammonia nitrogen", "tp": "total phosphorus",
             "codmn": "permanganate index (CODMn)", "tracer": "a tracer"}
    assert variable("section_tn_concentration", names).long_name.startswith("total nitrogen (as N)")
    assert "ammonia nitrogen (as N)" in variable("section_nh3n_concentration", names).long_name
    assert "total phosphorus (as P)" in variable("section_tp_concentration", names).long_name
    assert "(CODMn) (as O2)" in variable("section_codmn_concentration", names).long_name
    assert "(as " not in variable("section_tracer_concentration", names).long_name  # a basis hydro does not know
    said = {"tn": "total nitrogen (as N)"}  # a name that says it already is kept
    assert variable("section_tn_concentration", said).long_name.count("(as N)") == 1


def test_the_run_summary_says_payments_judge_time_means(tmp_path):
    """Audit review F12: the run summary's flow-weighted section means read as a mismatch with the payments' time
    means (Gubeikou TN 3.69 mg/L over the run against annual time means of 2.72-5.04)."""
    from click.testing import CliRunner

    from hydro.cli import main

    r = CliRunner().invoke(main, ["run", "tiny", "-o", str(tmp_path / "t.nc")])
    assert r.exit_code == 0, r.output
    assert "flow-weighted, Σ load / Σ Q; payments judge time means of months):" in r.output


def test_advances_are_set_against_the_year_s_net():
    """Audit review F6: 2018 showed a 200 M advance beside a 156.88 M net; the 43.12 M to return was never said."""
    from hydro.compensation.payments import Payment, advance_lines

    def line(year, component, amount, payer="a", payee="b"):
        return Payment(year, "", component, "", payer, payee, amount, True, False, "r", "", parties=("a", "b"))

    pay = [line(2018, "quality_class", 156_880_000.0), line(2018, "advance", 200_000_000.0),
           line(2019, "quality_class", 138_437_959.0)]
    out = advance_lines(pay)
    assert out[2] == "  2018  a -> b: advance 200,000,000, net 156,880,000: balance -43,120,000 yuan", out
    assert len(out) == 3  # 2019 had no advance
    assert advance_lines([line(2018, "quality_class", 1.0)]) == []  # no advance: nothing said
    alone = advance_lines([line(2020, "advance", 5.0)])  # an advance no line settles
    assert alone[2] == "  2020  a -> b: advance 5 yuan, no net (no line settles it)"


def test_the_payments_csv_names_the_run_it_was_computed_from():
    """Audit review F3: the CSV lacked the run's code revision, basin file and days (the text header had some)."""
    record = {"input": {"path": "/r/m.nc", "sha256": "a" * 64, "config_sha256": "c", "basin_file": "/b/basin.toml",
                        "time_coverage_start": "2018-01-01", "time_coverage_end": "2020-12-31",
                        "source_revision": "git 123"},
              "agreement": {"path": "/a.toml", "sha256": "d" * 64}, "overrides": [], "hydro_version": "0.1.0",
              "source_revision": "git 456"}
    cells = dict(zip(PROVENANCE_COLUMNS, provenance_cells("", record), strict=True))
    assert (cells["input_basin_file"], cells["input_period"], cells["input_source_revision"]) == (
        "/b/basin.toml", "2018-01-01..2020-12-31", "git 123")
    assert cells["source_revision"] == "git 456"  # the code that computed the payments
    monitoring = {**record, "input": {"path": "/m.csv", "sha256": "e" * 64}}
    cells = dict(zip(PROVENANCE_COLUMNS, provenance_cells("", monitoring), strict=True))
    assert cells["input_basin_file"] == cells["input_period"] == cells["input_source_revision"] == ""
