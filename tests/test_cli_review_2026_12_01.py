"""User-facing wording found in the 2026-12-01 review of ``hydro run`` and the Python API.

* ``Results.to_netcdf(path)`` on an existing file told a Python caller to "pass --overwrite ... or
  choose another -o"; it now says ``overwrite=True`` and ``path`` (the CLI keeps its words).
* An unknown key with no near known key (``subbasins.w1.runoff.x9``) got neither a "did you mean"
  nor the keys the table takes; it now lists them (as :func:`hydro.sources.blocks.finish_keys` does).
* ``hydro run -q`` hid the note on what a late start starts from, a caveat on the results that
  ``hydro run --scenario -q`` printed; -q hides progress, not caveats.
"""

import pytest
from click.testing import CliRunner

import hydro
from hydro.basin import Basin
from hydro.cli import main
from hydro.errors import HydroError
from hydro.outputs import check_output


@pytest.fixture(scope="module")
def tiny_results():
    return hydro.Model.from_basin("tiny").run_results("2020-01-01", "2020-01-03")


def test_to_netcdf_on_an_existing_file_words_the_python_arguments(tiny_results, tmp_path):
    out = tmp_path / "r.nc"
    out.write_bytes(b"")
    with pytest.raises(HydroError) as err:
        tiny_results.to_netcdf(out)
    message = str(err.value)
    assert "pass overwrite=True to replace it, or choose another path" in message
    assert "--overwrite" not in message and "another -o" not in message
    with pytest.raises(HydroError, match=r"folder does not exist; .* or choose another path$"):
        tiny_results.to_netcdf(tmp_path / "missing" / "r.nc")
    assert tiny_results.to_netcdf(out, overwrite=True) == out and out.stat().st_size > 0


def test_hydro_run_keeps_its_option_words(tmp_path):
    out = tmp_path / "r.nc"
    out.write_bytes(b"")
    r = CliRunner().invoke(main, ["run", "tiny", "--end", "2020-01-03", "-o", str(out)])
    assert r.exit_code != 0
    assert "exists; pass --overwrite to replace it, or choose another -o" in r.output
    assert "overwrite=True" not in r.output


def test_check_output_words_follow_the_option(tmp_path):
    out = tmp_path / "x.csv"
    out.write_text("a")
    for option, words in (("--csv", "pass --overwrite to replace it, or choose another --csv"),
                          ("path", "pass overwrite=True to replace it, or choose another path")):
        with pytest.raises(HydroError, match=words):
            check_output(out, option=option)
    with pytest.raises(HydroError, match="pass --force to replace it"):  # an explicit flag still wins
        check_output(out, option="path", flag="--force")


RUNOFF_KEYS = "ctg, kf_mm_per_c_per_day, x1_mm, x2_mm_per_day, x3_mm, x4_days"


def test_unknown_key_in_a_table_of_an_array_names_the_keys():
    with pytest.raises(HydroError) as err:
        Basin.load("watershed", overrides=["subbasins.w1.runoff.x9=1"])
    assert f"'subbasins.w1.runoff.x9' [file key subbasins[0].runoff.x9]: unknown key (known keys: {RUNOFF_KEYS})" \
        in str(err.value)
    with pytest.raises(HydroError, match=r"runoff\.x9.*unknown key \(known keys: .*x1_mm"):
        hydro.Model.from_basin("watershed").with_parameters({"subbasins.w1.runoff.x9": 1})
    # a near key is still suggested, alone
    with pytest.raises(HydroError, match=r"unknown key \(did you mean 'area_km2'\?\); remove"):
        Basin.load("watershed", overrides=["subbasins.w1.area_km3=1"])


def test_set_of_an_unknown_key_keeps_the_known_keys():
    r = CliRunner().invoke(main, ["run", "watershed", "--set", "subbasins.w1.runoff.x9=1", "-o", "unused.nc"])
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert f"no key 'subbasins.w1.runoff.x9' (known keys: {RUNOFF_KEYS}) (basin.toml has none" in r.output


LATE = ["--start", "2001-01-05", "--end", "2001-01-10"]  # the example watershed starts on 2001-01-01


@pytest.mark.parametrize("scenario", [[], ["--scenario", "domestic"]])
def test_quiet_run_keeps_the_late_start_caveat(tmp_path, scenario):
    r = CliRunner().invoke(main, ["run", "watershed", *LATE, *scenario, "-o", str(tmp_path / "w.nc"), "-q"])
    assert r.exit_code == 0, r.output
    assert "simulating" not in r.output  # progress: hidden
    assert "gives its initial state" in r.output and "this run is spun up from it" in r.output


@pytest.mark.parametrize("text", ["=3", "run..courant=0.5", "run.=1", ".run.courant=0.5"])
def test_set_of_a_path_with_an_empty_key_says_so(text):
    # these said "a basin file has no top-level table ''" or "key 'run.': unknown key"
    r = CliRunner().invoke(main, ["run", "tiny", "--set", text, "-o", "unused.nc"])
    assert r.exit_code == 2 and f"--set {text}: the path '{text.split('=')[0]}' has an empty key" in r.output
    with pytest.raises(HydroError, match="has an empty key; name each key between the dots"):
        hydro.Model.from_basin("tiny").with_parameters({text.split("=")[0]: 0.5})


def test_empty_output_name_is_refused_not_replaced_by_the_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # -o "" (an unset $OUT) wrote tiny.nc here without a word
    r = CliRunner().invoke(main, ["run", "tiny", "--end", "2020-01-02", "-o", ""])
    assert r.exit_code == 2 and "-o '': an empty file name" in r.output
    assert not list(tmp_path.iterdir())


def test_validate_list_lists_what_the_command_would_run():
    # --list printed every case whatever was named or --quick; a name given twice ran twice
    from hydro.validation import all_cases

    named = CliRunner().invoke(main, ["validate", "--list", "junction_mixing", "miyun", "junction_mixing"])
    assert named.exit_code == 0 and [line.split()[0] for line in named.output.splitlines()] == \
        ["junction_mixing", "miyun"]
    quick = CliRunner().invoke(main, ["validate", "--list", "--quick"]).output.splitlines()
    assert len(quick) == sum(c.quick for c in all_cases().values()) < len(all_cases())
    assert all(" quick " in line for line in quick)
    bad = CliRunner().invoke(main, ["validate", "--list", "junction_mixng"])
    assert bad.exit_code == 2 and "did you mean 'junction_mixing'?" in bad.output
    twice = CliRunner().invoke(main, ["validate", "junction_mixing", "junction_mixing"])
    assert twice.exit_code == 0 and twice.output.count("PASS  junction_mixing") == 1


def test_set_of_an_unknown_top_level_table_lists_every_table_the_reader_takes():
    # the list came from the shipped basins and lacked [[gauges]], which none of them has
    import re

    with pytest.raises(HydroError) as err:  # the reader's own list (hydro.tomlio.Table.finish)
        Basin.load("tiny", overrides=["zzzzzz.x=1"])
    reader = re.search(r"known keys: ([^)]+)\)", str(err.value)).group(1)
    r = CliRunner().invoke(main, ["run", "tiny", "--set", "zzzzzz.x=1", "-o", "unused.nc"])
    assert r.exit_code == 2 and f"the top-level tables are: {reader} (docs/basin-file.md)" in r.output
    assert "gauges" in reader


def test_catchment_set_of_a_non_number_names_the_option(tmp_path):
    # said "gr4j.x1_mm=abc: expected a number after '='", the only --set message without "--set"
    from pathlib import Path

    catchment = Path(__file__).parents[1] / "validation" / "calibration" / "leguer" / "catchment.toml"
    r = CliRunner().invoke(main, ["run", str(catchment), "--set", "gr4j.x1_mm=abc", "-o", str(tmp_path / "c.nc")])
    assert r.exit_code == 2 and "--set gr4j.x1_mm=abc: expected a number after '=', got 'abc'" in r.output


@pytest.mark.parametrize("scenario", [[], ["--scenario", "domestic"]])
def test_a_file_written_meanwhile_is_refused_in_the_commands_words(tmp_path, monkeypatch, scenario):
    # hydro run wrote through Results.to_netcdf, whose words are now Python's (overwrite=True, path)
    import hydro.outputs

    out = tmp_path / "w.nc"
    monkeypatch.setattr(hydro.outputs, "_delay", lambda: out.write_bytes(b"another process"))
    r = CliRunner().invoke(main, ["run", "watershed", "--end", "2001-01-03", *scenario, "-o", str(out), "-q"])
    assert r.exit_code == 2, r.output
    assert "exists (written meanwhile by another process); pass --overwrite to replace it, or choose another -o" \
        in r.output
    assert out.read_bytes() == b"another process"
