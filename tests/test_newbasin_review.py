"""A third basin written from the docs alone (outside reviewer, 2026-12-06): what the docs promised and the
code did not keep, each on a small copy of a shipped example built in ``tmp_path``."""

from __future__ import annotations

import shutil
from pathlib import Path

import netCDF4
from cli_invoke import invoke

from hydro.basin import ROOT

WATERSHED = ROOT / "configs" / "examples" / "watershed"


def watershed_copy(tmp_path: Path, replace: dict[str, str] | None = None) -> Path:
    """The example watershed basin copied to ``tmp_path / "b"``, its basin.toml's texts ``replace``d."""
    folder = tmp_path / "b"
    shutil.copytree(WATERSHED, folder)
    text = (folder / "basin.toml").read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    (folder / "basin.toml").write_text(text, encoding="utf-8")
    return folder


def test_days_filled_by_the_weather_header_are_in_the_results_and_the_summary(tmp_path):
    """F5: docs/basin-file.md says of '# fill_missing:' "each fill counted and reported"; nothing said it."""
    folder = watershed_copy(tmp_path)
    csv = folder / "weather.csv"
    text = csv.read_text(encoding="utf-8")
    fill = "# fill_missing: precip_zero, temp_range_monthly\n"
    text = text.replace("# hydro daily forcing\n", "# hydro daily forcing\n" + fill)
    text = text.replace("2001-03-01,0.00,12.32,5.63,19.02", "2001-03-01,NA,12.32,NA,19.02")
    text = text.replace("2001-03-03,0.00,8.51,1.81,15.21", "2001-03-03,NA,8.51,1.81,15.21")
    csv.write_text(text, encoding="utf-8")
    out = tmp_path / "r.nc"
    result = invoke("run", folder, "--start", "2001-01-01", "--end", "2001-03-31", "-o", out)
    assert result.exit_code == 0, result.output
    assert ("weather file days filled by its '# fill_missing:' header, between 2001-03-01..2001-03-03: "
            "2 precipitation (0 mm), 1 tmin") in result.output
    with netCDF4.Dataset(out) as nc:
        assert nc.weather_filled_precip_days == "2" and nc.weather_filled_tmin_days == "1"
        assert nc.weather_filled_dates == "2001-03-01..2001-03-03"
        assert "weather_filled_tmax_days" not in nc.ncattrs()
    info = invoke("info", out)
    assert info.exit_code == 0 and "weather_filled_precip_days" in info.output, info.output
    # a file without the header says nothing of fills
    plain = tmp_path / "plain.nc"
    result = invoke("run", WATERSHED, "--start", "2001-01-01", "--end", "2001-01-31", "-o", plain, "-q")
    assert result.exit_code == 0, result.output
    with netCDF4.Dataset(plain) as nc:
        assert not [k for k in nc.ncattrs() if k.startswith("weather_filled")]


def test_a_reach_dried_by_a_reservoir_below_dead_storage_names_the_reservoir(tmp_path):
    """F4: initial_storage_mcm below dead_storage_mcm; the reach below then dried on day one and the error
    advised an ecological minimum release upstream, which the reservoir already had."""
    result = invoke("run", ROOT / "configs" / "examples" / "tiny", "-o", tmp_path / "r.nc", "-q",
                    "--set", "reservoirs.lake.initial_storage_mcm=4",
                    "--set", "forcing.lateral_inflow_m3_s.tailwater=0")
    assert result.exit_code == 2, result.output
    assert ("reach 'tailwater' has no flow at its outlet on 2020-01-01 (0 m3/s): reservoir 'lake' above it holds "
            "4 mcm, at or below its dead storage of 5 mcm (dead_storage_mcm)") in result.output
    assert "initial_storage_mcm above its dead_storage_mcm" in result.output
    assert "ecological minimum release upstream" not in result.output


def test_a_basin_without_constituents_is_told_what_to_write(tmp_path):
    """F1: a watershed basin written from basin-file.md's watershed section had no [[constituents]]; the error
    said "key 'constituents': missing; add it to this table", neither the table's form nor what to put in it."""
    folder = watershed_copy(tmp_path, {'[[constituents]]\nname = "tn"\nlong_name = "total nitrogen"\n'
                                       'river_removal_per_day = 0.05\nriver_theta = 1.047\n'
                                       'settling_velocity_m_per_day = 0.03\n': ""})
    result = invoke("info", folder)
    assert result.exit_code == 2, result.output
    for said in ("basin.toml", "'constituents'", "[[constituents]]", 'name = "tn"', "river_removal_per_day",
                 "settling_velocity_m_per_day", "defaults to 0", "docs/basin-file.md"):
        assert said in result.output, (said, result.output)
    assert "add it to this table" not in result.output


def test_shore_subbasins_smaller_than_the_lake_are_refused(tmp_path):
    """F6: basin-file.md says "draw the shore subbasins with the lake inside them"; a shore of 40 km2 around a
    lake of 72 km2 at full supply loaded and ran, the lake's runoff deduction capped (12 % less inflow)."""
    folder = watershed_copy(tmp_path, {'area_km2 = 90.0\nreservoir = "lake"': 'area_km2 = 12.0\nreservoir = "lake"',
                                       "water_area_km2 = 9.0": "water_area_km2 = 1.2"})
    result = invoke("info", folder)
    assert result.exit_code == 2, result.output
    for said in ("basin.toml", "reservoir 'lake'", "'shore' 12 km2", "18.8 km2", "full_supply_level_m 126 m",
                 "draw the shore subbasins with the lake inside them", "docs/basin-file.md"):
        assert said in result.output, (said, result.output)
    assert invoke("info", watershed_copy(tmp_path / "ok")).exit_code == 0  # 90 km2 around 18.8: as shipped


def test_a_scenario_file_naming_the_basin_folder_is_not_told_to_run_the_same_command(tmp_path, monkeypatch):
    """F8: basin = "newbasin" (the folder's name, not its [basin] name): the advice was "Run it on newbasin
    (hydro scenarios newbasin ...)", the command that had just failed; the fix came last."""
    shutil.copytree(WATERSHED, tmp_path / "mybasin")
    text = (ROOT / "configs" / "scenarios" / "watershed.toml").read_text(encoding="utf-8")
    assert 'basin = "watershed"' in text
    (tmp_path / "s.toml").write_text(text.replace('basin = "watershed"', 'basin = "mybasin"'), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("scenarios", "mybasin", "s.toml", "-o", "out.nc", "--workers", "1")
    assert result.exit_code == 2, result.output
    assert "hydro scenarios mybasin" not in result.output
    said = result.output.replace("\n", " ")
    assert 'should say basin = "watershed" in [scenario_set] (basin is the basin\'s [basin] name, not its' in said
    assert not (tmp_path / "out.nc").exists()


def test_the_validate_advice_is_a_command_that_runs_for_a_basin_of_ones_own(tmp_path, monkeypatch):
    """F9: "the model misses the measured where `hydro validate luanhe_test` says": no such case; a basin of
    one's own is validated by its folder's path, with an observations.toml in it."""
    from hydro.compensation.notes import simulated_text, validate_hint

    assert validate_hint("miyun", ROOT / "basins" / "miyun" / "basin.toml") == "`hydro validate miyun`"
    folder = shutil.copytree(WATERSHED, tmp_path / "mine")
    monkeypatch.chdir(tmp_path)
    hint = validate_hint("watershed", folder / "basin.toml")
    assert hint.startswith("`hydro validate ./mine` (once ./mine/observations.toml gives the measured figures")
    assert "docs/commands/validate.md" in hint
    (folder / "observations.toml").write_text("", encoding="utf-8")
    assert validate_hint("watershed", folder / "basin.toml") == "`hydro validate ./mine`"
    said = simulated_text("r.nc", {"basin": "luanhe_test", "basin_file": str(folder / "basin.toml")})
    assert "`hydro validate ./mine`" in said and "hydro validate luanhe_test" not in said
    # from a results file, as hydro compensate reads it
    run = invoke("run", "mine", "--start", "2001-01-01", "--end", "2001-01-31", "-o", "r.nc", "-q")
    assert run.exit_code == 0, run.output
    said = simulated_text("r.nc")
    assert "`hydro validate ./mine`" in said and "hydro validate watershed" not in said, said
