"""Long-horizon projections (review, 2026-12-06): a run on generated weather past the end of a transfer series
said nothing of it (Miyun's supply series ends in 2027, after which its release rule lets out 10.5 m3/s, not
the series' 3.2, and a projection to 2050 drained the lake); ``hydro run --synthetic-weather`` now says so on
stderr and in the attribute ``hydro scenarios`` writes, and the run summary's transfer lines say what follows
a series that ends before the run does."""

from __future__ import annotations

import shutil
from pathlib import Path

import netCDF4
import pytest
from cli_invoke import invoke

from hydro.transfer_end import ATTRIBUTE
from hydro.transfer_summary import after_series, run_transfer_lines

ROOT = Path(__file__).resolve().parents[1]
STRADDLE = ("--start", "2010-07-01", "--end", "2011-06-30")  # the example watershed's record ends 2010-12-31


@pytest.fixture(scope="module")
def early_release(tmp_path_factory):
    """The example watershed with a release series of its lake ending 2010-09-30."""
    folder = tmp_path_factory.mktemp("long") / "ws"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    (folder / "early.csv").write_text("date,flow_m3_s\n2010-01-01,1\n2010-09-30,1\n", encoding="utf-8")
    with open(folder / "basin.toml", "a", encoding="utf-8") as f:
        f.write('\n[[transfers]]\nid = "early"\nkind = "release"\nreservoir = "lake"\ncsv = "early.csv"\n')
    return folder


@pytest.mark.parametrize("blocks", [(), ("--block-years", "1")])
def test_a_generated_run_past_a_release_series_says_the_rule_follows(early_release, tmp_path, blocks):
    out = tmp_path / "g.nc"
    r = invoke("run", early_release, *STRADDLE, "--synthetic-weather", "1", "-o", out, "-q", *blocks)
    assert r.exit_code == 0, r.output
    notes = [line for line in r.output.splitlines() if "transfer series" in line]
    assert notes == ["note: transfer series that end before the period (2010-07-01 to 2011-06-30) does: early "
                     "(early.csv) on 2010-09-30 (after it: the reservoir's own release rule again (its "
                     "target_release_m3_s), not the series); the run goes on so after a series' last day"], r.output
    with netCDF4.Dataset(out) as nc:
        assert nc.getncattr(ATTRIBUTE) == "early=2010-09-30"
        assert ("time_blocks" in nc.ncattrs()) == bool(blocks)  # each path: in one block, in time blocks


def test_a_run_on_the_record_has_no_such_note_but_its_summary_says_what_follows(early_release, tmp_path):
    out = tmp_path / "o.nc"
    r = invoke("run", early_release, "--start", "2010-03-01", "--end", "2010-12-31", "-o", out)
    assert r.exit_code == 0, r.output
    assert "transfer series that end" not in r.output  # on the record: the series' end is the transfer's
    line = next(x for x in r.output.splitlines() if x.strip().startswith("early"))
    assert line.endswith("file covers 2010-03-01..2010-09-30 of the run, 1 of those 214 days; after 2010-09-30: "
                         "the reservoir's own "
                         "release rule again (its target_release_m3_s), not the series"), line
    with netCDF4.Dataset(out) as nc:
        assert ATTRIBUTE not in nc.ncattrs()


def test_what_follows_a_series_is_said_by_kind_and_only_where_it_ends_first():
    from datetime import date

    attrs = {"transfers": "a=inflow:reservoir:a.csv:2001-01-01..2001-06-30;b=abstraction:reach:b.csv:2001-01-01.."
                          "2002-01-31", "transfer_volume_m3": "a=1.0e6;b=2.0e6"}
    lines = run_transfer_lines(attrs, date(2001, 1, 1), date(2001, 12, 31))
    assert lines[1].endswith("; after 2001-06-30: none of this water comes in")
    assert "after" not in lines[2]  # its file runs past the run's end
    assert after_series("ecological") != after_series("release") != after_series("abstraction")


def test_an_agreement_stretched_past_its_term_is_noted():
    from hydro.compensation import Agreement
    from hydro.compensation.notes import past_term

    reserve = ROOT / "configs" / "agreements" / "miyun_strategic_reserve.toml"
    own = Agreement.from_toml(reserve)
    assert own.period == (2023, 2027) and past_term(own) == ""
    assert past_term(Agreement.from_toml(reserve, overrides=["period=[2023, 2026]"])) == ""  # within its term
    stretched = Agreement.from_toml(reserve, overrides=["period=[2023, 2050]"])
    assert past_term(stretched) == (
        "note: the period 2023-2050 reaches past the agreement's own, 2023-2027 (miyun_strategic_reserve.toml): its "
        "rules and amounts are applied unchanged, in each year's nominal yuan, to 2028-2050, which it does not define")
    earlier = Agreement.from_toml(reserve, overrides=["period=[2021, 2024]"])
    assert "to 2021-2022, which" in past_term(earlier)


def test_a_run_end_past_the_record_on_generated_weather_names_run_end(tmp_path):
    # it said to shorten --start/--end, which were not the fault, after the start line and the spin-up
    r = invoke("run", "watershed", "--set", "run.end=2015-12-31", "--synthetic-weather", "1",
               "--start", "2011-01-01", "--end", "2012-12-31", "-o", tmp_path / "x.nc")
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert "[run] end (2015-12-31) is after the station record's last day (2010-12-31" in r.output, r.output
    assert "simulating" not in r.output and "--start/--end" not in r.output, r.output


@pytest.mark.parametrize("blocks", [(), ("--block-years", "1")])
def test_an_inventory_held_past_its_tables_is_said_on_generated_weather(tmp_path, blocks):
    # the example watershed's fertiliser (220 -> 180 kg/ha) and connected share trend over 2001-2010: held after
    out = tmp_path / "w.nc"
    r = invoke("run", "watershed", "--synthetic-weather", "1", "--start", "2011-01-01", "--end", "2012-12-31",
               "-o", out, "-q", *blocks)
    assert r.exit_code == 0, r.output
    assert ("note: the sources' inventory (population, livestock, fertiliser, plants) is not projected: its tables of "
            "years (3 of its 140 values) hold their 2010 values after 2010, the rest is one number for every year; "
            "the generated years to 2012 keep it") in r.output, r.output
    with netCDF4.Dataset(out) as nc:
        assert nc.getncattr("source_inventory_held_after") == ("2010 (3 of 140 values are tables of years; the rest "
                                                               "one number for every year)")


def test_an_inventory_of_numbers_only_is_said_and_a_run_within_its_tables_is_not():
    from datetime import date

    import hydro
    from hydro.sources import held

    basin = hydro.open_basin("watershed")
    assert held.held_note(basin, date(2010, 12, 31), generated=True) == ""  # within its tables' years
    assert held.held_note(basin, date(2012, 12, 31), generated=False) == ""  # on the record: the file's own
    assert held.inventory_years(hydro.open_basin("miyun"))[:2] == (2010, 1)  # one plant's series


def test_a_scenarios_plan_past_the_record_says_its_baseline_inventory_is_held(tmp_path):
    out = tmp_path / "s.nc"
    r = invoke("scenarios", "watershed", ROOT / "configs" / "scenarios" / "watershed.toml", *STRADDLE,
               "--members", "1", "--scenario", "domestic", "--workers", "1", "-q", "-o", out)
    assert r.exit_code == 0, r.output
    assert "note: the sources' inventory (population, livestock, fertiliser, plants) is not projected" in r.output
    with netCDF4.Dataset(out) as nc:
        assert nc.getncattr("source_inventory_held_after").startswith("2010 (3 of 140 values")


def test_a_blocked_run_whose_first_block_is_on_the_record_still_notes_the_series_end(early_release, tmp_path):
    # the blocked path reads the note from the first block's attributes (the files' spans, in every block)
    out = tmp_path / "b.nc"
    r = invoke("run", early_release, "--start", "2009-01-01", "--end", "2011-06-30", "--synthetic-weather", "1",
               "--block-years", "1", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    assert "transfer series that end before the period" in r.output, r.output
    with netCDF4.Dataset(out) as nc:
        assert nc.getncattr(ATTRIBUTE) == "early=2010-09-30"


def test_an_ensemble_past_the_record_says_its_inventory_and_series_are_held(early_release, tmp_path):
    # diff review, 2026-12-06: --members got neither note nor attribute, --synthetic-weather and scenarios both
    out = tmp_path / "e.nc"
    r = invoke("run", early_release, *STRADDLE, "--members", "2", "--workers", "1", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    assert "transfer series that end before the period (2010-07-01 to 2011-06-30) does: early" in r.output, r.output
    assert "the sources' inventory (population, livestock, fertiliser, plants) is not projected" in r.output
    with netCDF4.Dataset(out) as nc:
        assert nc.getncattr(ATTRIBUTE) == "early=2010-09-30"
        assert nc.getncattr("source_inventory_held_after").startswith("2010 (3 of 140 values")


def test_a_continued_run_without_a_start_starts_on_its_state_s_day(tmp_path):
    import hydro

    model = hydro.Model.from_basin("watershed")
    model.run(None, "2001-05-31", save_state=tmp_path / "may.npz")
    june = model.run(end="2001-06-03", from_state=tmp_path / "may.npz")
    assert str(june.time.values[0])[:10] == "2001-06-01"
    r = invoke("run", "watershed", "--end", "2001-06-03", "--from-state", tmp_path / "may.npz", "-o",
               tmp_path / "j.nc", "-q")
    assert r.exit_code == 0, r.output
    with netCDF4.Dataset(tmp_path / "j.nc") as nc:
        assert nc.getncattr("initial_state").endswith("(of 2001-06-01)")


def test_a_gep_table_of_generated_weather_names_its_seed(tmp_path):
    # long-horizon review F5: the GEP CSV of a projection said nothing of its generated weather
    import pandas as pd

    nc, out = tmp_path / "g.nc", tmp_path / "gep.csv"
    r = invoke("run", "watershed", *STRADDLE, "--synthetic-weather", "7", "-o", nc, "-q")
    assert r.exit_code == 0, r.output
    r = invoke("gep", nc, "-o", out)
    assert r.exit_code == 0, r.output
    assert set(pd.read_csv(out, keep_default_na=False, dtype=str)["input_weather_seed"]) == {"7"}
