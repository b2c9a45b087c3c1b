"""`hydro target`: hydro.targets.required_cut from the command line (docs/commands/target.md), for one run, each
scenario of a scenarios file and each member of an ensemble, as text, JSON and CSV."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

import hydro
from hydro.cli import main
from hydro.targets import required_cut

PERIOD = ["--start", "2001-01-01", "--end", "2002-12-31"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A run with a partial year (2003: Jan-Jun), a scenarios file and a three-member ensemble of the example."""
    d = tmp_path_factory.mktemp("target")
    r = CliRunner()
    for args in (["run", "watershed", "--start", "2001-01-01", "--end", "2003-06-30", "-o", str(d / "ws.nc")],
                 ["scenarios", "watershed", "configs/scenarios/watershed.toml", *PERIOD, "-o", str(d / "sc.nc"), "-q"],
                 ["run", "watershed", "--members", "3", "--workers", "1", *PERIOD, "-o", str(d / "ens.nc"), "-q",
                  "--variables", "reservoir_tn_source_concentration"],
                 ["run", "watershed", *PERIOD, "--aggregate", "monthly", "-o", str(d / "monthly.nc"), "-q"]):
        res = r.invoke(main, args)
        assert res.exit_code == 0, res.output
    return d


def _json(*args):
    res = CliRunner().invoke(main, ["target", *map(str, args), "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_the_rows_are_required_cuts_with_class_iii_by_default(files):
    rows = _json(files / "ws.nc", "lake")
    expected = required_cut(hydro.open_results(files / "ws.nc"), "lake", 1.0)  # GB 3838 Class III, lakes: 1.0
    assert [r["year"] for r in rows] == [2001, 2002]  # 2003 is partial: left out
    assert all(r["max_mg_per_l"] == 1.0 and r["location"] == "lake" for r in rows)
    for got, want in zip(rows, expected, strict=True):
        assert {k: got[k] for k in want} == want  # the same numbers: the JSON's floats round-trip exactly
    assert any(0 < r["cut_share"] < 1 for r in rows)  # the example needs a cut: the check can fail


@pytest.mark.parametrize(("args", "target"), [(["--class", "II"], 0.5), (["--class", "4"], 1.5),
                                              (["--max", "0.8"], 0.8)])
def test_the_target_is_a_class_or_a_concentration(files, args, target):
    rows = _json(files / "ws.nc", "lake", *args, "--statistic", "max_monthly_mean", "--sources", "point,livestock")
    want = required_cut(hydro.open_results(files / "ws.nc"), "lake", target, ["point", "livestock"],
                        "max_monthly_mean")
    for key in ("cut_share", "from_sources"):  # both sources cut: their part is not the plant's alone
        assert [r[key] for r in rows] == [w[key] for w in want]
    assert {r["max_mg_per_l"] for r in rows} == {target}


def test_a_scenarios_file_gives_rows_per_scenario_and_one_may_be_chosen(files):
    rows = _json(files / "sc.nc", "lake")
    names = {r["scenario"] for r in rows}
    assert names == {"baseline", "domestic", "agriculture", "all_measures"}
    by = {(r["scenario"], r["year"]): r["cut_share"] for r in rows}
    assert by[("all_measures", 2002)] < by[("baseline", 2002)]  # the measures leave less to cut
    chosen = _json(files / "sc.nc", "lake", "--scenario", "domestic")
    assert {r["scenario"] for r in chosen} == {"domestic"}
    text = CliRunner().invoke(main, ["target", str(files / "sc.nc"), "lake"]).stdout
    assert "all_measures" in text and "cut needed" in text


def test_an_ensemble_gives_rows_per_member_and_the_table_their_median_and_range(files):
    rows = _json(files / "ens.nc", "lake", "--max", "1.2")
    assert sorted({r["member"] for r in rows}) == [0, 1, 2] and len(rows) == 6  # 3 members x 2 years
    shares = [r["cut_share"] for r in rows if r["year"] == 2002]
    assert len(set(shares)) == 3  # the members' weather differs, and so do their cuts
    res = CliRunner().invoke(main, ["target", str(files / "ens.nc"), "lake", "--max", "1.2"])
    assert res.exit_code == 0 and "3 members" in res.stdout
    line = next(x for x in res.stdout.splitlines() if x.startswith("2002"))
    lo, hi = sorted(shares)[0], sorted(shares)[-1]
    assert f"{100 * sorted(shares)[1]:.1f} % ({100 * lo:.1f} %-{100 * hi:.1f} %, 3 members)" in line


def test_the_csv_names_its_results_file_and_is_not_overwritten_unasked(files, tmp_path):
    out = tmp_path / "cut.csv"
    res = CliRunner().invoke(main, ["target", str(files / "ws.nc"), "lake", "--csv", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [int(r["year"]) for r in rows] == [2001, 2002]
    assert rows[0]["input"] == str((files / "ws.nc").resolve()) and len(rows[0]["input_sha256"]) == 64
    again = CliRunner().invoke(main, ["target", str(files / "ws.nc"), "lake", "--csv", str(out)])
    assert again.exit_code == 2 and "--overwrite" in again.output


def test_the_notes_say_what_the_cut_is_and_which_years_are_left_out(files):
    res = CliRunner().invoke(main, ["target", str(files / "ws.nc"), "lake"])
    assert "delivered" not in res.stdout and "deliver to the rivers" in res.stderr
    assert "left out: 2003 (Jan-Jun only)" in res.stderr


@pytest.mark.parametrize(("args", "says"), [
    (["ws.nc", "lak"], "no reservoir or section 'lak' (did you mean 'lake'?)"),
    (["ws.nc", "lake", "--sources", "pont"], "no source 'pont' (did you mean 'point'?)"),
    (["ws.nc", "lake", "--sources", "initial"], "'initial' is no source a measure can cut"),
    (["ws.nc", "lake", "--max", "1", "--class", "III"], "not both"),
    (["ws.nc", "lake", "--class", "VI"], "--class"),
    (["ws.nc", "lake", "--max", "0"], "--max"),
    (["ws.nc", "lake", "--scenario", "domestic"], "has no scenarios"),
    (["sc.nc", "lake", "--scenario", "basline"], "did you mean 'baseline'"),
    (["monthly.nc", "lake"], "monthly means"),
    (["missing.nc", "lake"], "file not found"),
])
def test_mistakes_are_refused_with_what_to_do(files, args, says):
    res = CliRunner().invoke(main, ["target", str(files / args[0]), *args[1:]])
    assert res.exit_code == 2, res.output
    assert says in res.output and "Traceback" not in res.output


def test_every_row_says_what_its_target_is(files):
    # a CSV or JSON read alone must tell a class at a reservoir from a class borrowed for a river section
    lake = _json(files / "ws.nc", "lake", "--class", "II")
    assert {r["target"] for r in lake} == {"GB 3838-2002 Class II, lakes and reservoirs"}
    river = _json(files / "ws.nc", "border")
    assert {r["target"] for r in river} == {"GB 3838-2002 Class III, lakes and reservoirs, applied to a river "
                                            "section as a reference: rivers are not classed on TN"}
    assert {r["target"] for r in _json(files / "ws.nc", "lake", "--max", "2")} == {"--max"}
