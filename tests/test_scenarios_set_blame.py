"""Refused, naming file and key (error-message review, 2026-12-06; was accepted): hydro scenarios --set with a
misspelt path (rn.courant) or a scenario-file key (measures.x.y) is reported as 'basin.toml: key 'rn': unknown
key ... remove or rename it', once per scenario after starting them: the user is sent to a file that has no
such key. hydro run --set says '--set rn.courant=0.5: ...' before running."""
import shutil

from err_review_common import ROOT, invoke, user_error, watershed


def _scen(tmp_path, *sets):
    folder = watershed(tmp_path)
    shutil.copy(ROOT / "configs" / "scenarios" / "watershed.toml", folder / "SC.toml")
    args = ["scenarios", folder, folder / "SC.toml", "--end", "2001-03-01", "--scenario", "domestic",
            "-o", folder / "sc.nc", "--overwrite", "--workers", "1"]
    for s in sets:
        args += ["--set", s]
    return invoke(*args)


def test_a_misspelt_set_path_names_the_option(tmp_path):
    result = _scen(tmp_path, "rn.courant=0.5")
    user_error(result, "--set rn.courant=0.5", "run")
    assert "FAILED" not in result.output


def test_a_scenario_file_key_given_to_set_says_set_changes_the_basin_file(tmp_path):
    result = _scen(tmp_path, "measures.toilets.coverage=0.9")
    user_error(result, "--set measures.toilets.coverage=0.9", "basin")
