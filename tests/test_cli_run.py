"""`hydro run`, `info`, `validate` from the command line: outputs, metadata and user mistakes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from cli_invoke import invoke, user_error
from click.testing import CliRunner

from hydro.basin import ROOT
from hydro.cli import main

TINY = ROOT / "configs" / "examples" / "tiny"


@pytest.fixture()
def tiny_copy(tmp_path):
    """A writable copy of the example basin."""
    dest = tmp_path / "tiny"
    shutil.copytree(TINY, dest)
    return dest


def test_run_writes_cf_netcdf_that_xarray_opens(tmp_path):
    xr = pytest.importorskip("xarray")
    out = tmp_path / "tiny.nc"
    result = invoke("run", "tiny", "-o", out)
    assert result.exit_code == 0, result.output
    assert "mass balance closes" in result.output
    ds = xr.open_dataset(out)
    assert ds.attrs["Conventions"] == "CF-1.8, ACDD-1.3"
    assert ds.attrs["basin"] == "tiny"
    assert ds.attrs["scenario"] == "baseline"
    assert len(ds.attrs["config_sha256"]) == 64
    assert ds.attrs["source"].startswith("hydro ")
    assert "hydro run" in ds.attrs["history"]
    assert ds["time"].dtype.kind == "M"  # decoded as datetimes
    assert list(ds["section"].values) == ["border", "east_mouth", "lake_inlet", "tailwater_mid"]
    for name, units in (("discharge", "m3 s-1"), ("tn_concentration", "mg L-1"), ("tn_load", "kg d-1"),
                        ("reservoir_storage", "m3"), ("section_tn_load", "kg d-1"),
                        ("reservoir_tn_concentration", "mg L-1")):
        assert ds[name].attrs["units"] == units
        assert ds[name].attrs["long_name"]
    # the load is the discharge times the concentration (kg/d = m3/s * mg/L * 86.4) plus
    # the dispersive flux, which moves mass without water (docs/results.md): the two
    # differ only where dispersion acts, by the dispersive share: at most 4.95 % (east_mouth; 0.8 % at
    # border, 0.2 % at tailwater_mid, round-off at lake_inlet; measured 2026-12-05), so 6 %
    q = ds["section_discharge"].values
    c = ds["section_tn_concentration"].values
    load = ds["section_tn_load"].values
    np.testing.assert_allclose(load, q * c * 86.4, rtol=0.06)
    assert np.abs(load - q * c * 86.4).max() > 1e-6 * np.abs(load).max()  # dispersion is counted


def test_existing_output_is_not_overwritten_without_flag(tmp_path):
    out = tmp_path / "tiny.nc"
    assert invoke("run", "tiny", "-o", out).exit_code == 0
    before = out.read_bytes()
    user_error(invoke("run", "tiny", "-o", out), "exists", "--overwrite")
    assert out.read_bytes() == before
    assert invoke("run", "tiny", "-o", out, "--overwrite", "-q").exit_code == 0


def test_set_override_changes_the_run_and_its_hash(tmp_path):
    a, b = tmp_path / "a.nc", tmp_path / "b.nc"
    assert invoke("run", "tiny", "-o", a, "-q", "--end", "2020-03-31").exit_code == 0
    assert invoke("run", "tiny", "-o", b, "-q", "--end", "2020-03-31",
                  "--set", "constituents.tn.river_removal_per_day=0.5").exit_code == 0
    from hydro.results import load_results

    ra, rb = load_results(a), load_results(b)
    assert ra.attrs["config_sha256"] != rb.attrs["config_sha256"]
    assert rb["tn_load"][-1, -1] < ra["tn_load"][-1, -1]
    assert len(ra.dates) == 91


def test_malformed_toml_names_file_and_line(tiny_copy, tmp_path):
    text = (tiny_copy / "basin.toml").read_text().replace('name = "tiny"', 'name = "tiny', 1)
    (tiny_copy / "basin.toml").write_text(text)
    user_error(invoke("run", tiny_copy, "-o", tmp_path / "x.nc"), "basin.toml", "line")
    assert not (tmp_path / "x.nc").exists()


def test_unknown_key_suggests_the_nearest(tiny_copy, tmp_path):
    text = (tiny_copy / "basin.toml").read_text().replace("dispersion_m2_s = 20.0", "dispersion_m2s = 20.0", 1)
    (tiny_copy / "basin.toml").write_text(text)
    user_error(invoke("run", tiny_copy, "-o", tmp_path / "x.nc"),
                      "reaches[0].dispersion_m2s", "did you mean 'dispersion_m2_s'")


def test_missing_value_and_wrong_type(tiny_copy, tmp_path):
    text = (tiny_copy / "basin.toml").read_text()
    (tiny_copy / "basin.toml").write_text(text.replace("length_km = 20.0\n", "", 1))
    user_error(invoke("run", tiny_copy, "-o", tmp_path / "x.nc"), "reaches[0].length_km", "missing")
    (tiny_copy / "basin.toml").write_text(text.replace("length_km = 20.0", 'length_km = "twenty"', 1))
    user_error(invoke("run", tiny_copy, "-o", tmp_path / "x.nc"), "length_km", "expected a number")


@pytest.mark.parametrize(("old", "new", "fragment"), [
    ("length_km = 20.0", "length_km = -1.0", "expected a positive number"),
    ('downstream = "north_lower"', 'downstream = "nowhere"', "unknown id 'nowhere'"),
    ('downstream = "middle"\nvelocity_coeff = 0.22', 'downstream = "east"\nvelocity_coeff = 0.22', "flows into itself"),
    ('downstream = "lake"', 'downstream = "north_upper"', "cycle"),
    ('[[reaches]]\nid = "tailwater"', '[[reaches]]\nid = "tailwater"\ndownstream = "nowhere_else"', "unknown id"),
    ('reach = "north_lower"\nposition = 1.0', 'reach = "north_lowr"\nposition = 1.0', "did you mean 'north_lower'"),
])
def test_network_mistakes_are_clear(tiny_copy, tmp_path, old, new, fragment):
    text = (tiny_copy / "basin.toml").read_text()
    assert old in text
    (tiny_copy / "basin.toml").write_text(text.replace(old, new, 1))
    user_error(invoke("run", tiny_copy, "-o", tmp_path / "x.nc"), fragment)
    assert not (tmp_path / "x.nc").exists()


def test_orphan_outlet_is_rejected(tiny_copy, tmp_path):
    text = (tiny_copy / "basin.toml").read_text()
    text = text.replace('downstream = "middle"\nvelocity_coeff = 0.22', 'velocity_coeff = 0.22', 1)
    (tiny_copy / "basin.toml").write_text(text)
    user_error(invoke("run", tiny_copy, "-o", tmp_path / "x.nc"), "exactly one outlet", "east")


def test_zero_flow_is_reported_with_reach_and_day(tiny_copy, tmp_path):
    result = invoke("run", tiny_copy, "-o", tmp_path / "x.nc", "--set", "forcing.lateral_inflow_m3_s.east=0.0",
                    "--set", "forcing.inflows.east.flow_m3_s=0.0")
    # the east reach has neither lateral nor boundary inflow any more
    assert result.exit_code == 2, result.output


def test_nan_in_forcing_csv_names_file_column_and_line(tiny_copy, tmp_path):
    lines = (tiny_copy / "forcing.csv").read_text().splitlines()
    lines[10] = lines[10].split(",")[0] + ",NA," + lines[10].split(",")[2]
    (tiny_copy / "forcing.csv").write_text("\n".join(lines) + "\n")
    user_error(invoke("run", tiny_copy, "-o", tmp_path / "x.nc"),
                      "forcing.csv", "north_upper_m3_s", "line 11", "not a number")  # lines[10]: line 11 of the file
    assert not (tmp_path / "x.nc").exists()
    assert not list(tmp_path.glob(".x.nc*"))  # no partial temporary file either


def test_forcing_must_cover_the_run(tmp_path):
    user_error(invoke("run", "tiny", "-o", tmp_path / "x.nc", "--end", "2022-06-30"),
                      "no value for 2022-01-01")


def test_bad_dates_and_period(tmp_path):
    user_error(invoke("run", "tiny", "--start", "2020-13-01"), "--start", "is no day: there is no month 13")
    user_error(invoke("run", "tiny", "--start", "2021-01-01", "--end", "2020-01-01"), "before it starts")


def test_unknown_basin_suggests_shipped_names():
    user_error(invoke("run", "tinny"), "did you mean 'tiny'")


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    import hydro.netcdf as nc

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(nc, "_put", broken)  # writing the variables fails
    result = invoke("run", "tiny", "-o", tmp_path / "x.nc", "--end", "2020-01-10")
    assert result.exit_code != 0
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("config", ["configs/agreements/guanting_yongding_2023.toml", "configs/scenarios/miyun.toml",
                                    "configs/calibration/miyun_water.toml"])
def test_info_on_configs_keeps_to_100_characters(config):
    # an agreement's source line was 258 characters, a scenario file's measures 186 (docs/commands/info.md:
    # no line longer than 100)
    text = invoke("info", Path(__file__).resolve().parents[1] / config).output
    assert max(len(line) for line in text.splitlines()) <= 100, text
    assert text.split()[0] in ("agreement", "scenario", "calibration")


def test_info_on_basin_results_and_listing(tmp_path):
    out = tmp_path / "t.nc"
    invoke("run", "tiny", "-o", out, "-q", "--end", "2020-01-31")
    text = invoke("info", out).output
    assert "basin: tiny, scenario baseline" in text and "section_tn_load" in text and "2020-01-31" in text
    assert "partial calendar years: 2020 (Jan only)" in text
    assert " mg L-1 " in text and " m3 s-1 " in text  # units of every variable (issue 15)
    assert max(len(line) for line in text.splitlines()) <= 100
    text = invoke("info", "tiny").output
    assert "reservoirs: lake" in text and "constituents: tn, tp" in text
    text = invoke("info", "basins").output
    assert "tiny       2020-01-01 to 2021-12-31" in text and "flow-driven" in text
    assert "miyun      2000-01-01 to 2017-02-28, 15,788 km2" in text
    assert "17 reaches, 24 subbasins, 3 reservoirs, 10 sections" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    text = invoke("info", "guanting").output  # a watershed: its subbasins and withdrawals
    assert "subbasins: 28 (43,402 km2)" in text and "2 requested flows, 25 channel losses" in text


def test_validate_json_follows_the_brief():
    result = invoke("validate", "junction_mixing", "mixed_tank", "--json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)  # progress goes to stderr, as the docs say
    assert "-- mixed_tank:" in result.stderr
    assert {tuple(sorted(r)) for r in records} == {("case", "metric", "passed", "tolerance", "value")}
    assert all(r["passed"] for r in records)
    assert {r["case"] for r in records} == {"junction_mixing", "mixed_tank"}


def test_validate_unknown_case():
    user_error(invoke("validate", "ogata"), "unknown validation case 'ogata'")


def test_help_texts_explain_commands():
    text = invoke("--help").output
    commands = ("run", "info", "validate", "plot", "compensate", "report", "scenarios", "gep", "target", "calibrate")
    for command in commands:
        assert command in text
        help_text = invoke(command, "--help")
        assert help_text.exit_code == 0 and len(help_text.output.split()) > 20, command
    assert "--overwrite" in invoke("run", "--help").output
    assert "--quick" in invoke("validate", "--help").output
    assert "--resume" in invoke("calibrate", "--help").output
    assert "--members" in invoke("scenarios", "--help").output


def test_every_quick_validation_case_passes():
    from hydro.validation import run_cases

    failed = [c for c in run_cases(quick=True) if not c.passed]
    assert not failed, failed


def test_readme_commands_are_the_ones_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m pytest" in readme and "python3 -m pytest" in ci
    assert Path(ROOT / ".ci" / "run").exists()


def test_plot_command_writes_figures_and_rejects_unknown_kinds(tmp_path):
    out = tmp_path / "t.nc"
    invoke("run", "tiny", "-o", out, "-q", "--end", "2020-03-31")
    for kind in ("trajectory", "reservoir", "network"):
        fig = tmp_path / f"{kind}.png"
        result = invoke("plot", out, kind, "-o", fig)
        assert result.exit_code == 0, result.output
        assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    user_error(invoke("plot", out, "trajecory", "-o", tmp_path / "x.png"), "did you mean 'trajectory'")


def test_compensate_names_unknown_sections(tmp_path):
    out = tmp_path / "t.nc"
    invoke("run", "tiny", "-o", out, "-q", "--end", "2020-03-31")
    agreement = ROOT / "configs" / "agreements" / "guanting_yongding_2023.toml"
    user_error(invoke("compensate", out, agreement), "bahaoqiao", "known sections")


@pytest.mark.parametrize(("path", "fragment"), [
    ("configs/scenarios/watershed.toml", "scenario file"),
    ("configs/calibration/leguer.toml", "parameter x1"),
    ("configs/agreements/guanting_yongding_2023.toml", "agreement"),
    ("validation/calibration/leguer/catchment.toml", "catchment leguer"),
])
def test_info_summarises_configs(path, fragment):
    result = invoke("info", ROOT / path)
    assert result.exit_code == 0, result.output
    assert fragment in result.output


def test_synthetic_weather_run_covers_years_the_record_lacks(tmp_path):
    out = tmp_path / "future.nc"
    result = invoke("run", "watershed", "--synthetic-weather", "3", "--start", "2030-01-01",
                    "--end", "2030-02-28", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    from hydro.results import load_results

    res = load_results(out)
    assert res.attrs["weather_synthetic"] == "true" and res.attrs["weather_seed"] == "3"
    assert str(res.dates[0]) == "2030-01-01"
    user_error(invoke("run", "tiny", "--synthetic-weather", "3", "-o", tmp_path / "x.nc"),
                      "needs a watershed basin")


def test_compensation_on_a_simulation_of_the_agreement_years(tmp_path):
    out = tmp_path / "g.nc"
    assert invoke("run", "guanting", "--synthetic-weather", "5", "--start", "2023-01-01",
                  "--end", "2023-12-31", "-o", out, "-q").exit_code == 0
    agreement = ROOT / "configs" / "agreements" / "guanting_yongding_2023.toml"
    # the basin carries TN, NH3-N, TP and CODMn (issue 14): every rule evaluates, nothing skipped
    result = CliRunner().invoke(main, ["compensate", str(out), str(agreement), "--json"])
    assert result.exit_code == 0, result.output
    payments = json.loads(result.stdout)
    assert payments and all(p["year"] == 2023 for p in payments)
    # the class rule judges each section's class over CODMn, NH3-N and TP (judge = "section"): one line a section
    assert {p["parameter"] for p in payments} == {"codmn+nh3n+tp", "tn", "flow", ""}


def test_info_names_the_species_a_constituent_is_simulated_as():
    # `hydro info miyun` said "constituents: tn, tp, codmn" and the shipped list "TN, TP, CODMn by source":
    # a reader concluded NH3-N was not simulated (docs review, 2026-12-04)
    from click.testing import CliRunner

    from hydro.cli import main

    text = CliRunner().invoke(main, ["info", "miyun"]).output
    assert "constituents: tn (orgn, nh3n, no3n), tp (dp, pp), codmn" in text
    shipped = " ".join(CliRunner().invoke(main, ["info", "basins"]).output.split())
    assert "TN (orgn, NH3-N, no3n), TP (dp, pp), CODMn by source" in shipped
    assert "constituents: tn, tp\n" in CliRunner().invoke(main, ["info", "tiny"]).output  # no species: as before
