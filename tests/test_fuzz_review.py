"""Input-fuzzing review 2026-12-06 (huge finite values and an empty list, /tmp/rev_fuzz_work/FINDINGS.md).

1. A huge hydraulic value (reach ``velocity_coeff`` 1e30/1e300, ``dispersion_m2_s`` 1e300) or GR4J store
   (1e300) crashed the transport kernel (ZeroDivisionError from ``dt = SECONDS_PER_DAY / n_sub``) or ran to
   exit 0 with inf/NaN/negative concentrations: refused where the key is read (hydro/network_tables.py
   ``read_reach``, hydro/gr4j_parameters.py ``read_store``), and a non-finite sub-step demand counts as too
   many sub-steps in the kernel.
2. GR4J stores a thousand times too large (micrometres for mm) and a catchment's ``area_km2`` of 1e300 ran.
3. ``band_elevations_m = []`` on a watershed subbasin: ValueError from ``min()``.
4. A ``[[quality_class]]`` rule pasted twice in an agreement was charged twice.
Each is a user error (exit 2) naming the file and the key, without a traceback.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from hydro.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "configs" / "examples"
WATERSHED = EXAMPLES / "watershed"
PERIOD = {"tiny": ("2020-01-01", "2020-01-10"), "watershed": ("2001-01-01", "2001-01-10")}


def _edit(tmp_path: Path, example: str, old: str, new: str) -> Path:
    folder = tmp_path / example
    shutil.copytree(EXAMPLES / example, folder)
    basin = folder / "basin.toml"
    text = basin.read_text(encoding="utf-8")
    assert old in text
    basin.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _refused(r, file: str, key: str) -> None:
    assert r.exit_code == 2, (r.output[-2000:], repr(r.exception))
    assert "Traceback" not in r.output
    assert file in r.output and key in r.output, r.output


EXTREME = [
    ("tiny", 'id = "middle"\nlength_km = 12.0\ndownstream = "lake"\nvelocity_coeff = 0.3',
     'id = "middle"\nlength_km = 12.0\ndownstream = "lake"\nvelocity_coeff = 1e30', "velocity_coeff"),
    ("tiny", 'id = "east"\nlength_km = 18.0\ndownstream = "middle"\nvelocity_coeff = 0.22',
     'id = "east"\nlength_km = 18.0\ndownstream = "middle"\nvelocity_coeff = 1e300', "velocity_coeff"),
    ("tiny", "dispersion_m2_s = 20.0", "dispersion_m2_s = 1e300", "dispersion_m2_s"),
    ("watershed", "dispersion_m2_s = 18.0", "dispersion_m2_s = 1e300", "dispersion_m2_s"),
    ("watershed", "x1_mm = 450.0", "x1_mm = 1e300", "x1_mm"),
    ("watershed", "x3_mm = 80.0", "x3_mm = 1e300", "x3_mm"),
]


@pytest.mark.parametrize("example, old, new, key", EXTREME,
                         ids=["velocity 1e30", "velocity 1e300", "tiny dispersion 1e300",
                              "watershed dispersion 1e300", "x1 1e300", "x3 1e300"])
def test_extreme_value_is_refused_naming_the_key(tmp_path, example, old, new, key):
    folder = _edit(tmp_path, example, old, new)
    out = tmp_path / "o.nc"
    start, end = PERIOD[example]
    r = CliRunner().invoke(main, ["run", str(folder), "--start", start, "--end", end, "-o", str(out)])
    if r.exit_code == 0:  # accepted: then at least nothing written may be inf, NaN or negative TN
        import xarray as xr
        with xr.open_dataset(out) as ds:
            c = ds["section_tn_concentration"].values
        assert np.isfinite(c).all() and (c >= 0).all(), f"exit 0 with section TN {np.nanmin(c)}..{np.nanmax(c)}"
    _refused(r, "basin.toml", key)


@pytest.mark.parametrize("old, new, key", [
    ("width_coeff = 9.0", "width_coeff = 9e6", "width_coeff"),
    ('velocity_coeff = 0.3', 'velocity_coeff = 3e5', "velocity_coeff"),
], ids=["width 9,000 km", "velocity 300 km/s"])
def test_absurd_power_law_is_refused_at_reading(tmp_path, old, new, key):
    folder = _edit(tmp_path, "tiny", old, new)
    _refused(CliRunner().invoke(main, ["info", str(folder)]), "basin.toml", key)


def test_a_non_finite_substep_demand_counts_as_too_many():
    """The kernel's guard behind the reading bounds: a step of 0 s, a NaN or an overflowing count
    is more sub-steps than any limit (it was cast to 0 and divided by)."""
    from hydro._transport_kernels import _day_steps
    for dt_max in (0.0, -1.0, np.nan, 1e-300, 5e-324):
        assert _day_steps(dt_max) > 10 ** 12, dt_max
    assert _day_steps(np.inf) == 1 and _day_steps(86400.0) == 1 and _day_steps(0.5) == 172800


@pytest.mark.parametrize("old, new, key", [("x1_mm = 450.0", "x1_mm = 450000.0", "runoff.x1_mm"),
                                           ("x3_mm = 80.0", "x3_mm = 80000.0", "runoff.x3_mm")])
def test_store_a_thousand_times_too_large_is_refused(tmp_path, old, new, key):
    folder = _edit(tmp_path, "watershed", old, new)
    _refused(CliRunner().invoke(main, ["info", str(folder)]), "basin.toml", key)


@pytest.mark.parametrize("old, new, key", [("x1_mm = 350.0", "x1_mm = 1e300", "x1_mm"),
                                           ("area_km2 = 1.783", "area_km2 = 1e300", "area_km2")])
def test_catchment_file_refuses_huge_store_and_area(tmp_path, old, new, key):
    folder = tmp_path / "c"
    shutil.copytree(ROOT / "validation" / "calibration" / "hymod", folder)
    toml = folder / "catchment.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text
    toml.write_text(text.replace(old, new, 1), encoding="utf-8")
    _refused(CliRunner().invoke(main, ["run", str(toml), "-o", str(tmp_path / "o.nc")]), "catchment.toml", key)


def test_empty_band_elevations_is_a_user_error(tmp_path):
    folder = _edit(tmp_path, "watershed", "band_elevations_m = [800.0, 1000.0, 1100.0, 1250.0, 1450.0]",
                   "band_elevations_m = []")
    for args in (["info", folder], ["run", folder, "--start", "2001-01-01", "--end", "2001-01-05",
                                      "-o", tmp_path / "o.nc"]):
        _refused(CliRunner().invoke(main, [str(a) for a in args]), "basin.toml", "band_elevations_m")


def test_a_quality_class_rule_given_twice_is_refused(tmp_path):
    agreement = ROOT / "configs" / "agreements" / "beijing_internal_2015.toml"
    m = tmp_path / "m.csv"
    rows = ["section,year,month,parameter,value,unit"]
    for month in range(1, 13):
        rows += [f"guishui_outlet,2015,{month},nh3n,1.8,mg/L", f"guishui_outlet,2015,{month},codmn,5.0,mg/L",
                 f"guishui_outlet,2015,{month},tp,0.1,mg/L"]
        for section, nh3n in (("guanting", 1.8), ("bahaoqiao", 0.4)):  # the second rule's and its inflow
            rows += [f"{section},2015,{month},nh3n,{nh3n},mg/L", f"{section},2015,{month},codmn,5.0,mg/L"]
    m.write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = agreement.read_text(encoding="utf-8")
    block = re.search(r"^\[\[quality_class\]\]\n(?:(?!\[\[).*\n)*", text, re.M).group(0)
    a = tmp_path / "a.toml"
    a.write_text(text + "\n" + block, encoding="utf-8")
    once = CliRunner().invoke(main, ["compensate", str(m), str(agreement), "--skip-unavailable"])
    assert once.exit_code == 0 and "-18,000,000 yuan" in once.output, once.output[-1500:]  # the file as shipped
    r = CliRunner().invoke(main, ["compensate", str(m), str(a), "--skip-unavailable"])
    _refused(r, "a.toml", "quality_class")


def test_a_non_finite_budget_does_not_close():
    """inf - inf in a budget once gave "tn mass balance closes to 0.0e+00" beside inf mg/L."""
    from hydro.run_summary import budget_closure

    class Fake:
        def __init__(self, b):
            self.data = {"tn_budget_reach": b}

        def __getitem__(self, name):
            return self.data[name]

    b = np.zeros((1, 2, 9))
    b[0, 0, :] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert budget_closure(Fake(b), "tn") == 0.0
    b[0, 1, 0] = np.inf
    b[0, 1, 3] = np.inf
    assert budget_closure(Fake(b), "tn") == np.inf
    b[0, 1, 3] = np.nan
    assert budget_closure(Fake(b), "tn") == np.inf


@pytest.mark.parametrize("old, new, bound", [
    ('velocity_coeff = 0.22', 'velocity_coeff = 1e300', "MAX_VELOCITY_COEFF"),
    ("dispersion_m2_s = 20.0", "dispersion_m2_s = 1e300", "MAX_DISPERSION_M2_S"),
], ids=["velocity", "dispersion"])
def test_without_the_reading_bound_the_kernel_stops_at_too_many_substeps(tmp_path, monkeypatch, old, new, bound):
    """Behind the bounds: the sub-step count of such a reach is refused as too many (it divided by 0)."""
    monkeypatch.setattr(f"hydro.network_tables.{bound}", np.inf)
    folder = _edit(tmp_path, "tiny", old, new)
    r = CliRunner().invoke(main, ["run", str(folder), "--start", "2020-01-01", "--end", "2020-01-10",
                                  "-o", str(tmp_path / "o.nc")])
    assert r.exit_code == 2, (r.output[-2000:], repr(r.exception))
    assert "Traceback" not in r.output and "sub-steps" in r.output, r.output
    if bound == "MAX_VELOCITY_COEFF":  # the count was printed as 9,007,199,254,740,992
        assert "more sub-steps than can be counted" in r.output, r.output


def test_a_catchment_files_missing_forcing_names_the_file_and_key(tmp_path):
    # the fuzz review: "nope.csv: file not found" named neither catchment.toml nor its key 'forcing'
    from click.testing import CliRunner

    from hydro.cli import main

    src = Path(__file__).resolve().parents[1] / "validation" / "calibration" / "leguer" / "catchment.toml"
    toml = tmp_path / "catchment.toml"
    shutil.copy(src, toml)
    text = toml.read_text(encoding="utf-8")
    toml.write_text("\n".join('forcing = "nope.csv"' if line.startswith("forcing") else line
                              for line in text.splitlines()) + "\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(toml), "-o", str(tmp_path / "o.nc")])
    assert res.exit_code == 2, res.output
    assert "catchment.toml: key 'forcing':" in res.output and "nope.csv: file not found" in res.output


def test_a_groundwater_residence_of_a_million_years_is_refused():
    # the fuzz review: residence_years = 8e6 (or 1e300) ran, a store that never drains
    import tomllib

    from hydro.errors import HydroError
    from hydro.sources import SourceParameters
    from hydro.tomlio import Table

    text = """
[[subbasins]]
id = "a"
[subbasins.sources.groundwater]
leaching_fraction = 0.2
residence_years = {years}
[subbasins.sources.land_use.cropland]
share = 1.0
emc_mg_per_l = 2.0
"""
    SourceParameters.from_table(Table(tomllib.loads(text.format(years=30.0)), "basin.toml"))  # decades: fine
    with pytest.raises(HydroError, match=r"residence_years.*millennium"):
        SourceParameters.from_table(Table(tomllib.loads(text.format(years=8e6)), "basin.toml"))


def test_a_non_finite_courant_count_stops_with_dispersion_every(tmp_path):
    """The kernel's guard before its multirate dispersion search: with dispersion_every = 3 and a Courant count of
    NO_STEP (2**53) the search looped ~6e15 times (the session diff's mutation review); the existing test runs with
    dispersion_every = 1, where the guard is not reached.  In a process of its own, so that a hang fails."""
    import subprocess
    import sys

    folder = _edit(tmp_path, "tiny", 'velocity_coeff = 0.22', 'velocity_coeff = 1e300')
    basin = folder / "basin.toml"
    basin.write_text(basin.read_text(encoding="utf-8").replace("courant = 0.9 ", "dispersion_every = 3\ncourant = 0.9 ",
                                                               1), encoding="utf-8")
    code = ("import sys, numpy as np; import hydro.network_tables as t; t.MAX_VELOCITY_COEFF = np.inf; "
            "from hydro.cli import main; sys.argv = ['hydro', 'run', sys.argv[1], '--start', '2020-01-01', "
            "'--end', '2020-01-10', '-o', sys.argv[2]]; main()")
    r = subprocess.run([sys.executable, "-c", code, str(folder), str(tmp_path / "o.nc")], capture_output=True,
                       text=True, timeout=300)  # a loop of 6e15 steps would not end
    assert r.returncode == 2, r.stderr[-2000:]
    assert "sub-steps" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("old, new, key", [
    ("slope_m_per_m = 0.004", "slope_m_per_m = 4.0", "slope_m_per_m"),
], ids=["slope 4 m/m"])
def test_a_slope_steeper_than_45_degrees_is_refused(tmp_path, old, new, key):
    _refused(CliRunner().invoke(main, ["info", str(_edit(tmp_path, "watershed", old, new))]), "basin.toml", key)


def test_a_trapezoid_wider_than_any_river_is_refused(tmp_path):
    from hydro.errors import HydroError
    from hydro.network_tables import read_channel
    from hydro.tomlio import Table

    reach = Table({"channel": {"shape": "trapezoid", "bottom_width_m": 6e6, "side_slope": 2.0, "manning_n": 0.035}},
                  tmp_path / "basin.toml")
    with pytest.raises(HydroError, match="bottom_width_m"):
        read_channel(reach, "r", 0.001)


def test_a_fixed_payment_given_twice_is_refused(tmp_path):
    # the session diff's review: the duplicate-rule check skipped [[fixed]], so a pasted line was paid twice
    from hydro.compensation import Agreement
    from hydro.errors import HydroError

    agreement = ROOT / "configs" / "agreements" / "miyun_chaobai_phase1_2018.toml"
    text = agreement.read_text(encoding="utf-8")
    block = re.search(r"^\[\[fixed\]\]\n(?:(?!\[\[).*\n)*", text, re.M).group(0)
    a = tmp_path / "a.toml"
    a.write_text(text + "\n" + block, encoding="utf-8")
    Agreement.from_toml(agreement)  # as shipped
    with pytest.raises(HydroError, match=r"a\.toml: fixed\[\d+\] and fixed\[\d+\] are the same rule"):
        Agreement.from_toml(a)
