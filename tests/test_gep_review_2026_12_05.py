"""What `hydro gep` says of its own figures (outside review, 2026-12-05): the spin-up year, TN valued at
0, county labels across a border, and the files it is given that are not results."""

from __future__ import annotations

import pytest
from cli_invoke import invoke

from hydro.gep_tables import _MM, _SUMMED, ACROSS_BORDER, SPIN_UP, by_county, format_table

AGREEMENT = "configs/agreements/miyun_chaobai_phase1_2018.toml"


@pytest.fixture(scope="module")
def miyun_nc(tmp_path_factory):
    """Miyun from its [run] start (2000: no runoff warm-up) into 2001."""
    out = tmp_path_factory.mktemp("gep") / "miyun.nc"
    assert invoke("run", "miyun", "--end", "2001-12-31", "-o", str(out), "-q").exit_code == 0
    return out


def test_the_first_year_of_a_run_without_warm_up_is_marked(miyun_nc, tmp_path):
    """Miyun's 2000: the stores drain from their initial fillings (1.35e9 yuan of conservation in the
    2000-2017 run against 0.28e9 in 2001); the table marks it ``~`` and says why, the CSV rows say so."""
    run = invoke("gep", str(miyun_nc), "-o", str(tmp_path / "g.csv"))
    assert run.exit_code == 0, run.output
    rows = {line.split()[1]: line for line in run.stdout.splitlines() if line.startswith("baseline ")}
    assert rows["2000"].split()[2] == "366~" and rows["2001"].split()[2] == "365"
    assert "~ spin-up year (2000): the runoff stores start from their initial fillings" in run.stdout
    text = (tmp_path / "g.csv").read_text(encoding="utf-8").splitlines()
    first = [ln for ln in text[1:] if ln.startswith("baseline,2000,")]
    assert first and all(SPIN_UP in ln for ln in first)
    assert not any(SPIN_UP in ln for ln in text[1:] if ln.startswith("baseline,2001,"))


def test_a_run_with_warm_up_has_no_spin_up_year(tmp_path):
    """A later start is spun up on the station record before it (``runoff_warm_up`` gives the days)."""
    out = tmp_path / "m.nc"
    assert invoke("run", "miyun", "--start", "2014-01-01", "--end", "2014-12-31", "-o", str(out), "-q").exit_code == 0
    run = invoke("gep", str(out))
    assert run.exit_code == 0 and "spin-up" not in run.stdout and "2014  365 " in run.stdout


def test_the_table_says_tn_is_valued_at_zero(miyun_nc):
    run = invoke("gep", str(miyun_nc))
    assert "N purified t: total nitrogen removed, for reference, valued at 0" in run.stdout


def _row(county, subbasin, gep):
    row = dict.fromkeys((*_SUMMED, *_MM, "kg_per_equivalent", "conservation_yuan_per_m3",
                         "purification_yuan_per_t"), 0.0)
    return {**row, "scenario": "baseline", "year": 2014, "days": 365, "partial": False, "county": county,
            "province": "Hebei", "subbasin": subbasin, "pollutant": "tn", "area_km2": 10.0, "gep_yuan": gep,
            "note": ""}


def test_a_county_label_across_a_border_is_said_to_be_unsplit():
    """Guanting labels subbasins "Zhuolu, Huailai": their GEP cannot go to either county without an area
    by county, so the group says so (its CSV note and the table) rather than passing for a county."""
    groups = by_county([_row("Huailai", "a", 1.0), _row("Zhuolu, Huailai", "b", 2.0), _row("Huailai", "c", 4.0)])
    got = {g["county"]: g for g in groups}
    assert got["Huailai"]["gep_yuan"] == 5.0 and ACROSS_BORDER not in got["Huailai"]["note"]
    assert got["Zhuolu, Huailai"]["gep_yuan"] == 2.0 and ACROSS_BORDER in got["Zhuolu, Huailai"]["note"]
    assert f"note: {ACROSS_BORDER}: Zhuolu, Huailai" in format_table(groups)


def test_files_that_are_not_results_are_named_for_what_they_are(miyun_nc, tmp_path):
    """A CSV or TOML given to gep, a GEP table given to compensate: each says what it is and what to give."""
    for toml in ("configs/scenarios/guanting.toml", AGREEMENT):  # (the agreement's first line has a comma)
        run = invoke("gep", toml)
        assert run.exit_code == 2 and "not a netCDF file (a TOML file, such as a basin, scenario" in run.output
    assert "give a results file (.nc) that `hydro run` or `hydro scenarios` wrote" in run.output
    table = tmp_path / "g.csv"
    assert invoke("gep", str(miyun_nc), "-o", str(table)).exit_code == 0
    run = invoke("gep", str(table))
    assert run.exit_code == 2 and "not a netCDF file (a GEP table, as `hydro gep` writes it)" in run.output
    run = invoke("compensate", str(table), AGREEMENT)
    assert run.exit_code == 2 and "a GEP table, as `hydro gep` writes it, not a series of the sections" in run.output


def test_results_without_budgets_name_the_file_and_the_remedy(tmp_path):
    out = tmp_path / "water.nc"
    assert invoke("run", "miyun", "--start", "2014-01-01", "--end", "2014-03-31", "-o", str(out), "-q", "--variables",
                  "subbasin_runoff,subbasin_quickflow,subbasin_precipitation,subbasin_aet").exit_code == 0
    run = invoke("gep", str(out))
    assert run.exit_code == 2 and f"{out}: GEP needs the budgets of TN, NH3-N, TP or CODMn" in run.output
    assert "run the basin again without --variables" in run.output


def test_a_spin_up_year_that_is_also_partial_says_both(tmp_path):
    out = tmp_path / "half.nc"
    assert invoke("run", "miyun", "--end", "2000-06-30", "-o", str(out), "-q").exit_code == 0
    run = invoke("gep", str(out))
    assert run.exit_code == 0 and "2000  182*" in run.stdout
    assert "~ spin-up year (2000, also partial (*)): the runoff stores start from their initial fillings" in run.stdout
