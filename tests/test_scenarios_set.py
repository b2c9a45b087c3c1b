"""``hydro scenarios --set``: a basin-file value changed before every scenario's measures, as ``hydro run --set``
(a climate or operations what-if of the scenarios needed a copy of the basin folder before, 2026-12-05)."""

import json
from pathlib import Path

import xarray as xr
from click.testing import CliRunner

from hydro.cli import main

SCENARIOS = str(Path(__file__).resolve().parents[1] / "configs" / "scenarios" / "watershed.toml")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_set_changes_every_scenario_and_is_recorded(tmp_path):
    plain, changed = tmp_path / "plain.nc", tmp_path / "set.nc"
    common = ("scenarios", "watershed", SCENARIOS, "--end", "2001-03-31", "-q")
    assert invoke(*common, "-o", plain).exit_code == 0
    result = invoke(*common, "--set", "reservoirs.lake.ecological_min_m3_s=2.5", "-o", changed)
    assert result.exit_code == 0, result.output
    with xr.open_dataset(plain) as a, xr.open_dataset(changed) as b:
        assert b.sizes["scenario"] == a.sizes["scenario"] > 1
        for sid in b["scenario"].values:  # every scenario, the baseline too, releases at least the minimum set
            assert float(b["reservoir_release"].sel(scenario=sid).min()) >= 2.5 * (1 - 1e-12)
            assert float(a["reservoir_release"].sel(scenario=sid).min()) < 2.5
        assert json.loads(b.attrs["parameters_changed"]) == {"reservoirs.lake.ecological_min_m3_s": 2.5}
        assert "--set reservoirs.lake.ecological_min_m3_s=2.5" in b.attrs["history"]


def test_a_set_mistake_is_refused_before_any_run(tmp_path):
    result = invoke("scenarios", "watershed", SCENARIOS, "--end", "2001-03-31", "-q",
                    "--set", "reservoirs.lake.no_such_key=1", "-o", tmp_path / "s.nc")
    assert result.exit_code == 2 and "no_such_key" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "s.nc").exists()
