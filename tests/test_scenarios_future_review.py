"""Scenarios past the station record (Beijing's 2023-2027 plan period; here the example watershed,
whose record ends 2010-12-31, run 2011-2012): ``hydro scenarios --members N`` runs the baseline and
every scenario on each member's generated weather (the table's own runs on member 0's), a period past
the record without ``--members`` is refused with the remedy, ``hydro run --scenario S
--synthetic-weather SEED`` is that scenario on member 0's weather, and a measure that starts inside
the run acts only from its start (the spin-up before a late start runs on the basin's own tables)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import netCDF4
import numpy as np
import pytest
from cli_invoke import invoke

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "configs" / "scenarios" / "watershed.toml"
FUTURE = ("--start", "2011-01-01", "--end", "2012-12-31")


def scenario_file(folder: Path, first_year: int) -> Path:
    """The shipped file's fertiliser measure alone, in place from ``first_year`` (scenario ``fert``)."""
    text = SHIPPED.read_text(encoding="utf-8")
    head, *measures = text.split("[[measures]]")
    fert = "[[measures]]" + next(m for m in measures if 'id = "fertiliser"' in m).split("[[scenarios]]")[0]
    fert = fert.replace("years = [2002, 2003]", f"years = [{first_year}, {first_year}]")
    path = folder / "fert.toml"
    path.write_text(head + fert + '\n[[scenarios]]\nid = "fert"\ndescription = "fertiliser"\n'
                    'measures = ["fertiliser"]\n', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def future(tmp_path_factory):
    from hydro.scenarios.run import run_scenario_ensemble, run_scenarios

    path = scenario_file(tmp_path_factory.mktemp("future"), 2012)
    run = run_scenarios("watershed", path, date(2011, 1, 1), date(2012, 12, 31), weather_seed=1)
    run_scenario_ensemble(run, 2, 1)
    return path, run


def test_past_the_record_without_members_says_to_add_them(tmp_path):
    r = invoke("scenarios", "watershed", SHIPPED, *FUTURE, "-o", tmp_path / "x.nc")
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert "2010-12-31" in r.output and "add --members N" in r.output, r.output
    assert not (tmp_path / "x.nc").exists()


def test_baseline_and_scenario_share_each_members_weather(future):
    _, run = future
    assert run.names == ["baseline", "fert"] and run.weather_seed == 1
    base, fert = run.results
    # fertiliser changes no water: the same weather gives the same flows to the bit
    assert np.array_equal(np.asarray(base["section_discharge"]), np.asarray(fert["section_discharge"]))
    q = run.ensemble["section_discharge"]  # (scenario, member, time, section)
    assert np.array_equal(q[0], q[1])
    assert not np.array_equal(q[0, 0], q[0, 1])  # and the members' weather differs
    # the table's runs are member 0's weather: the member carries TN as totals, not by source,
    # equal to round-off (1e-12 relative: sums of the same terms in another order)
    tn, e = np.asarray(base["section_tn_concentration"]), run.ensemble["section_tn_concentration"][0, 0]
    assert np.max(np.abs(e - tn)) <= 1e-12 * np.max(np.abs(tn))


def test_a_measure_acts_from_its_first_year_only(future):
    _, run = future
    base, fert = run.results
    year = np.array([d.year for d in base.dates])
    tn_b, tn_f = (np.asarray(r["section_tn_concentration"]) for r in (base, fert))
    assert np.array_equal(tn_b[year == 2011], tn_f[year == 2011])  # before: the spin-up had the 2010 rates
    assert np.max(np.abs(tn_b[year == 2012] - tn_f[year == 2012])) > 0.1  # mg/L: cropland TN cut 20 %
    e = run.ensemble["section_tn_concentration"]
    for m in range(2):
        assert np.array_equal(e[0, m][year == 2011], e[1, m][year == 2011])
        assert not np.array_equal(e[0, m][year == 2012], e[1, m][year == 2012])


def test_a_late_start_on_the_record_spins_up_without_the_measure(tmp_path):
    from hydro.scenarios.run import run_scenarios

    run = run_scenarios("watershed", scenario_file(tmp_path, 2006), date(2005, 1, 1), date(2006, 12, 31))
    base, fert = (np.asarray(r["section_tn_concentration"]) for r in run.results)
    year = np.array([d.year for d in run.results[0].dates])
    assert np.array_equal(base[year == 2005], fert[year == 2005])  # was up to 0.32 mg/L apart
    assert not np.array_equal(base[year == 2006], fert[year == 2006])


def test_the_commands_past_the_record(future, tmp_path):
    path, _ = future
    out = tmp_path / "s.nc"
    r = invoke("scenarios", "watershed", path, *FUTURE, "--members", 2, "--seed", 1, "--workers", 1, "-q",
               "-o", out)
    # -q: nothing but failures and notes (the one on the sources' inventory held past 2010, and that the targets
    # judge simulated water, since 2026-12-06)
    said = [x for x in r.output.splitlines() if "inventory" not in x and "the targets judge simulated water" not in x]
    assert r.exit_code == 0 and said == [], r.output
    import pandas as pd  # the summary's rows say the generated weather they are of (long-horizon review, 2026-12-06)

    assert set(pd.read_csv(tmp_path / "s.summary.csv", keep_default_na=False, dtype=str)["weather_seed"]) == {"1"}
    r = invoke("run", "watershed", "--scenario", "fert", "--scenario-file", path, *FUTURE,
               "--synthetic-weather", 1, "-q", "-o", tmp_path / "one.nc")
    assert r.exit_code == 0, r.output
    with netCDF4.Dataset(out) as s, netCDF4.Dataset(tmp_path / "one.nc") as one:
        assert (s.weather_synthetic, s.weather_seed, one.weather_seed) == ("true", "1", "1")
        assert s["ensemble_section_tn_concentration"].shape[:2] == (2, 2)
        for name in ("section_tn_concentration", "measure_operating_cost", "subbasin_tn_landscape_retention"):
            assert np.array_equal(s[name][1], one[name][:]), name  # the same run, to the bit


def test_one_scenario_past_the_record_says_how(tmp_path):
    r = invoke("run", "watershed", "--scenario", "domestic", "--start", "2011-01-01", "--end", "2011-06-30",
               "-o", tmp_path / "x.nc")
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert "2010-12-31" in r.output and "--synthetic-weather SEED" in r.output, r.output
    # a record extended with --set is the record the check reads (2010's rows again as 2011)
    lines = (ROOT / "configs" / "examples" / "watershed" / "weather.csv").read_text(encoding="utf-8").splitlines()
    extended = tmp_path / "extended.csv"
    extended.write_text("\n".join(lines + [x.replace("2010-", "2011-", 1) for x in lines if x.startswith("2010-")])
                        + "\n", encoding="utf-8")
    r = invoke("run", "watershed", "--scenario", "domestic", "--start", "2011-01-01", "--end", "2011-06-30",
               "--set", f"weather.csv={extended}", "-q", "-o", tmp_path / "x.nc")
    assert r.exit_code == 0, r.output
