"""What the commands say of a plan period that starts on the station record and ends after it (the
example watershed's record ends 2010-12-31): the scenarios' note and refusal, the scenario run's start
line, and the gep and compensate notes say which days are generated; a scenarios ensemble's members
agree on the record's days."""

from __future__ import annotations

from pathlib import Path

import netCDF4
import numpy as np
from cli_invoke import invoke

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "configs" / "scenarios" / "watershed.toml"
STRADDLE = ("--start", "2010-07-01", "--end", "2011-06-30")


def test_scenarios_refusal_and_note_name_the_observed_and_generated_days(tmp_path):
    r = invoke("scenarios", "watershed", SHIPPED, *STRADDLE, "-o", tmp_path / "x.nc")
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert "no observed weather to run the scenarios on after 2010-12-31: add --members N" in r.output, r.output
    out = tmp_path / "s.nc"
    r = invoke("scenarios", "watershed", SHIPPED, *STRADDLE, "--members", "2", "--scenario", "domestic",
               "--workers", "1", "-o", out)
    assert r.exit_code == 0, r.output
    assert ("every scenario runs on the station record's observed weather to 2010-12-31 and generated weather "
            "from 2011-01-01, spun up on the record") in r.output, r.output
    with netCDF4.Dataset(out) as nc:
        assert nc.getncattr("weather_generated_from") == "2011-01-01"
        ens = np.asarray(nc["ensemble_section_tn_concentration"][:])  # scenario, member, time, section
        own = np.asarray(nc["section_tn_concentration"][:])  # the file's runs: member 0's weather
    n = 184  # 2010-07-01..2010-12-31
    # members of TN only against the runs of every constituent, on the same observed days and state: equal
    # to round-off (the transport solves the constituents apart; 1e-12 of the largest value)
    assert np.max(np.abs(ens[:, 0, :n] - ens[:, 1, :n])) <= 1e-12 * np.max(np.abs(own))
    assert np.max(np.abs(ens[:, 0, :n] - own[:, :n])) <= 1e-12 * np.max(np.abs(own))
    assert np.max(np.abs(ens[:, 0, n:] - ens[:, 1, n:])) > 1e-3 * np.max(np.abs(own))  # each its own after


def test_gep_and_scenario_run_say_from_when_the_weather_is_generated(tmp_path):
    r = invoke("run", "watershed", *STRADDLE, "--scenario", "domestic", "--synthetic-weather", "4",
               "-o", tmp_path / "dom.nc")
    assert r.exit_code == 0, r.output
    assert (f"scenario domestic of {SHIPPED}: 2010-07-01 to 2011-06-30 (365 days) on the station record's "
            "observed weather to 2010-12-31 and generated weather from 2011-01-01 (seed 4)") in r.output, r.output
    out = tmp_path / "syn.nc"
    r = invoke("run", "watershed", *STRADDLE, "--synthetic-weather", "4", "-o", out)
    assert r.exit_code == 0, r.output
    assert ("2010-07-01 starts from the state it reaches and runs on the station record's observed weather to "
            "2010-12-31 and generated weather from 2011-01-01.") in r.output, r.output
    r = invoke("gep", out)
    assert r.exit_code == 0, r.output
    assert (f"note: {out}: the run is on the station record's observed weather to 2010-12-31 and generated "
            "weather from 2011-01-01 (seed 4): its water conservation and purification from 2011-01-01 on are "
            "of one draw") in r.output, r.output


def test_compensate_note_says_the_generated_days_only(tmp_path):
    from synthetic_quality import write_quality_results

    path = write_quality_results(tmp_path / "s.nc", start="2022-01-01", end="2023-12-31")
    args = ["compensate", path, ROOT / "configs/agreements/miyun_chaobai_phase2_2022.toml", "--skip-unavailable"]
    with netCDF4.Dataset(path, "a") as nc:
        nc.setncatts({"weather_synthetic": "true", "weather_seed": "3", "weather_generated_from": "2023-01-01"})
    r = invoke(*args)
    assert r.exit_code == 0, r.output
    assert (f"note: {path}: the run is on the station record's observed weather to 2022-12-31 and generated "
            "weather from 2023-01-01 (seed 3): its payments from 2023-01-01 on are of one draw") in r.output, r.output
    with netCDF4.Dataset(path, "a") as nc:  # generated from the run's first day: the note as before
        nc.setncatts({"weather_generated_from": "2022-01-01"})
    r = invoke(*args)
    assert f"note: {path}: the run is on generated weather (seed 3): its payments are of one draw" in r.output


def test_report_callout_says_the_generated_days(tmp_path):
    from hydro.report import _provenance
    from hydro.results import load_results

    out = tmp_path / "syn.nc"
    assert invoke("run", "watershed", *STRADDLE, "--synthetic-weather", "4", "-q", "-o", out).exit_code == 0
    text = _provenance(load_results(out), out, None)
    assert ("This run is driven by the station record&#x27;s observed weather to 2010-12-31 and generated weather "
            "from 2011-01-01, not observations after the record: its numbers from 2011-01-01 on illustrate") in text
    res = load_results(out)
    res.attrs["weather_generated_from"] = "2010-07-01"  # generated from its first day: as before
    assert "This run is driven by generated weather, not observations: its numbers illustrate" in \
        _provenance(res, out, None)


def test_scenarios_say_a_transfer_series_ends_before_the_period(tmp_path):
    """A transfer whose series ends before a period past the record does (Miyun's South-to-North water
    ends in 2020): a one-line note on stderr and the file's attribute; a series that covers the period,
    or a period on the record (where a series' end is the transfer's, as recorded): neither."""
    import shutil

    from hydro.transfer_end import ATTRIBUTE

    folder = tmp_path / "ws"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    (folder / "early.csv").write_text("date,flow_m3_s\n2010-01-01,1\n2010-09-30,1\n", encoding="utf-8")
    (folder / "whole.csv").write_text("date,flow_m3_s\n2001-01-01,0.5\n2012-12-31,0.5\n", encoding="utf-8")
    with open(folder / "basin.toml", "a", encoding="utf-8") as f:
        for tid, kind, csv in (("early", "release", "early.csv"), ("whole", "ecological", "whole.csv")):
            f.write(f'\n[[transfers]]\nid = "{tid}"\nkind = "{kind}"\nreservoir = "lake"\ncsv = "{csv}"\n')
    out = tmp_path / "t.nc"
    common = ("--scenario", "domestic", "--workers", "1", "-q", "-o", out, "--overwrite")
    r = invoke("scenarios", folder, SHIPPED, *STRADDLE, "--members", "1", *common)
    assert r.exit_code == 0, r.output
    notes = [line for line in r.output.splitlines() if "transfer series" in line]
    assert notes == ["note: transfer series that end before the period (2010-07-01 to 2011-06-30) does: early "
                     "(early.csv) on 2010-09-30 (after it: the reservoir's own release rule again (its "
                     "target_release_m3_s), not the series); every scenario runs so after a series' last day"], r.output
    with netCDF4.Dataset(out) as nc:
        assert nc.getncattr(ATTRIBUTE) == "early=2010-09-30"
    r = invoke("scenarios", folder, SHIPPED, "--start", "2010-03-01", "--end", "2010-12-31", *common)
    assert r.exit_code == 0 and "transfer series" not in r.output, r.output  # on the record
    with netCDF4.Dataset(out) as nc:
        assert ATTRIBUTE not in nc.ncattrs()
