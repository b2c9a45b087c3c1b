"""Provenance of derived figures and runs (reproducibility review of 2026-12-05, /tmp/rev_repro).

F1: ``hydro compensate`` names what its payments were computed from (input and agreement: path and
SHA-256; the ``--set`` overrides; hydro's version and revision) in the CSV, the ``--json --quality``
object and the text, and flags the lines an override can change; the ``--json`` list keeps its rows.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
from cli_invoke import invoke

from hydro import __version__
from hydro.compensation.payments import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
AGREEMENT = ROOT / "configs" / "agreements" / "guanting_yongding_2023.toml"
BONUS = "quality_class[0].bonus_yuan=9000000"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the Guanting agreement and a monitoring CSV of its sections over 2022-2023."""
    agreement = tmp_path / "agreement.toml"
    shutil.copy(AGREEMENT, agreement)
    rows = ["section,year,month,parameter,value,unit"]
    for s in ["bahaoqiao", "xiangshuibao", "shixiali"]:
        for y in (2022, 2023):
            for m in range(1, 13):
                rows += [f"{s},{y},{m},codmn,5.0,mg/L", f"{s},{y},{m},nh3n,0.5,mg/L", f"{s},{y},{m},tp,0.1,mg/L",
                         f"{s},{y},{m},tn,4.0,mg/L", f"{s},{y},{m},flow,5,m3/s"]
    monitoring = tmp_path / "mon.csv"
    monitoring.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return monitoring, agreement


def test_payment_csv_names_inputs_overrides_and_code(tmp_path):
    monitoring, agreement = _inputs(tmp_path)
    out = tmp_path / "pay.csv"
    result = invoke("compensate", monitoring, agreement, "--csv", out, "--set", BONUS)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)  # default options: no comment lines
    assert list(table.columns[:len(COLUMNS)]) == list(COLUMNS)
    assert set(table["input_sha256"]) == {_sha(monitoring)}
    assert set(table["agreement_sha256"]) == {_sha(agreement)}
    assert set(table["agreement"]) == {str(agreement.resolve())}
    assert set(table["overrides"]) == {BONUS}
    assert set(table["hydro_version"]) == {__version__}
    bonus = table[table["rule"] == "quality_class[0]"]
    assert len(bonus) and (bonus["amount_yuan"] == 9e6).all() and (bonus["overridden"] == BONUS).all()
    assert table[table["rule"] != "quality_class[0]"]["overridden"].isna().all()  # lines the override leaves


def test_payment_json_object_and_text_name_inputs_json_list_unchanged(tmp_path):
    monitoring, agreement = _inputs(tmp_path)
    obj = json.loads(invoke("compensate", monitoring, agreement, "--json", "--quality", "--set", BONUS).stdout)
    record = obj["provenance"]
    assert record["input"]["sha256"] == _sha(monitoring) and record["agreement"]["sha256"] == _sha(agreement)
    assert record["overrides"] == [BONUS] and record["hydro_version"] == __version__
    assert "source_revision" in record
    rows = json.loads(invoke("compensate", monitoring, agreement, "--json", "--set", BONUS).stdout)
    assert isinstance(rows, list) and all(list(r) == list(COLUMNS) for r in rows)  # the list's rows as before
    text = invoke("compensate", monitoring, agreement, "--set", BONUS).stdout
    head = text.split("\n\n", 1)[0]
    assert _sha(monitoring) in head and _sha(agreement) in head and BONUS in head and __version__ in head
    flagged = [line for line in text.splitlines() if line.startswith("2023") and "quality_class" in line]
    assert flagged and all(line.rstrip().endswith("set") for line in flagged)


def test_uncertainty_json_and_csv_name_inputs(tmp_path):
    from hydro.compensation.uncertainty import UNCERTAINTY_COLUMNS

    monitoring, agreement = _inputs(tmp_path)
    obj = json.loads(invoke("compensate", monitoring, agreement, "--uncertainty", "2", "--workers", "1", "-q",
                            "--json", "--set", BONUS, "--csv", tmp_path / "band.csv").stdout)
    assert obj["provenance"]["agreement"]["sha256"] == _sha(agreement)
    assert obj["provenance"]["input"]["sha256"] == _sha(monitoring) and obj["provenance"]["overrides"] == [BONUS]
    table = pd.read_csv(tmp_path / "band.csv")
    assert list(table.columns[:len(UNCERTAINTY_COLUMNS)]) == list(UNCERTAINTY_COLUMNS)
    assert set(table["agreement_sha256"]) == {_sha(agreement)} and set(table["overrides"]) == {BONUS}
    assert (table[table["rule"] == "quality_class[0]"]["overridden"] == BONUS).all()


# ------------------------------------------------------------------ F6: calibration folders


def _calibrated(tmp_path: Path) -> tuple[Path, Path]:
    """A 20-evaluation DE calibration of the Le Léguer GR4J (test_calibration_methodology_s44's)."""
    from test_calibration_methodology_s44 import leguer_config

    from hydro.calibration import calibrate

    config = leguer_config(tmp_path)
    calibrate(config, tmp_path / "out", serial=True)
    return config, tmp_path / "out"


def test_calibration_records_code_and_keeps_its_configuration(tmp_path):
    from hydro.code_revision import code_revision

    config, out = _calibrated(tmp_path)
    text = config.read_bytes()
    for name in ("run.json", "summary.json"):
        obj = json.loads((out / name).read_text(encoding="utf-8"))
        assert obj["hydro_version"] == __version__ and obj["source_revision"] == code_revision(), name
        assert obj["config_sha256"] == hashlib.sha256(text).hexdigest() and "numba" in obj["versions"], name
    config.unlink()  # the folder still says which seed, bounds and objectives gave its evaluations
    assert (out / "run_config.toml").read_bytes() == text and b"seed = 1" in text
    best = (out / "best_params.toml").read_text(encoding="utf-8")
    assert f"# configuration SHA-256: {hashlib.sha256(text).hexdigest()}" in best
    assert f"# code: hydro {__version__}" in best


def test_resume_reads_a_folder_written_before_the_code_was_recorded(tmp_path):
    """A run.json without hydro_version/source_revision (and no run_config.toml) still resumes."""
    from test_calibration_methodology_s44 import leguer_config

    from hydro.calibration import calibrate

    _, out = _calibrated(tmp_path)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    for key in ("hydro_version", "source_revision"):
        del run[key]
    run["versions"].pop("numba")
    (out / "run.json").write_text(json.dumps(run), encoding="utf-8")
    (out / "run_config.toml").unlink()
    result = calibrate(leguer_config(tmp_path), out, serial=True, resume=True)
    assert result.summary["resumed"] == 20 and result.summary["hydro_version"] == __version__


# ------------------------------------------------------------------ F3: a catchment run's config_sha256

LEGUER = ROOT / "validation" / "calibration" / "leguer"


def test_catchment_results_have_a_config_hash_that_follows_forcing_and_overrides(tmp_path):
    from hydro.catchment_cli import run_catchment_file

    shutil.copytree(LEGUER, tmp_path / "lg")
    path = tmp_path / "lg" / "catchment.toml"
    first = run_catchment_file(path, start="1991-01-01", end="1991-12-31").attrs["config_sha256"]
    assert len(first) == 64
    assert run_catchment_file(path, start="1991-01-01", end="1991-12-31").attrs["config_sha256"] == first
    assert run_catchment_file(path, ["gr4j.x1_mm=300"], "1991-01-01", "1991-12-31").attrs["config_sha256"] != first
    forcing = tmp_path / "lg" / "forcing.csv"
    lines = forcing.read_text(encoding="utf-8").splitlines()
    cells = lines[200].split(",")  # a day in 1991: its precipitation + 20 mm
    cells[1] = f"{float(cells[1]) + 20.0:.2f}"
    lines[200] = ",".join(cells)
    forcing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_catchment_file(path, start="1991-01-01", end="1991-12-31").attrs["config_sha256"] != first


# ------------------------------------------------------------------ F7: one configuration, one hash


def test_equal_overrides_give_equal_hash():
    from hydro.basin import Basin

    tiny = ROOT / "configs" / "examples" / "tiny"
    hashes = {Basin.load(tiny, [text]).sha256 for text in ("run.courant=0.5", "run.courant=0.50",
                                                           "run.courant = 0.5", " run.courant= 5e-1")}
    assert len(hashes) == 1
    assert Basin.load(tiny, ["run.courant=0.6"]).sha256 not in hashes


def test_gep_accepts_a_hash_of_the_override_as_typed():
    """A results file written before the canonical form (its hash of ``run.courant=0.50`` as typed) is
    still taken by hydro gep's check of the basin it rebuilds."""
    from hydro.basin import Basin
    from hydro.basin_tables import load_basin_file
    from hydro.config_hash import config_sha256
    from hydro.gep_inputs import _older_sha256
    from hydro.overrides import apply_overrides

    tiny = Basin.load(ROOT / "configs" / "examples" / "tiny", ["run.courant=0.50"])
    data = apply_overrides(load_basin_file(tiny.path), ["run.courant=0.50"], tiny.path)
    typed = config_sha256(tiny.path.read_bytes(), data, tiny.folder, ["run.courant=0.50"], canonical=False)
    assert typed != tiny.sha256
    attrs = {"history": "hydro run tiny --set run.courant=0.50", "config_sha256": typed}
    assert typed in _older_sha256(tiny, attrs, "r.nc")


# ------------------------------------------------------------------ F4: the basin file that ran


def test_local_basin_folder_is_named_in_the_results(tmp_path, monkeypatch):
    """``hydro run tiny`` runs ./tiny where it exists, the shipped example elsewhere: ``basin_file``
    says which (absolute path)."""
    import netCDF4

    shutil.copytree(ROOT / "configs" / "examples" / "tiny", tmp_path / "tiny")
    monkeypatch.chdir(tmp_path)
    assert invoke("run", "tiny", "-o", tmp_path / "local.nc", "-q").exit_code == 0
    monkeypatch.chdir(tmp_path / "tiny")  # no ./tiny here: the shipped example
    assert invoke("run", "tiny", "-o", tmp_path / "shipped.nc", "-q").exit_code == 0
    with netCDF4.Dataset(tmp_path / "local.nc") as a, netCDF4.Dataset(tmp_path / "shipped.nc") as b:
        assert a.getncattr("basin_file") == str((tmp_path / "tiny" / "basin.toml").resolve())
        assert b.getncattr("basin_file") == str((ROOT / "configs" / "examples" / "tiny" / "basin.toml").resolve())


# ------------------------------------------------------------------ F8: generated weather's libraries


def test_synthetic_weather_results_record_numpy_and_scipy(tmp_path, monkeypatch):
    import netCDF4
    import numpy
    import scipy

    monkeypatch.chdir(tmp_path)
    result = invoke("run", "watershed", "--synthetic-weather", "3", "--end", "2001-06-30", "-o", tmp_path / "s.nc",
                    "-q")
    assert result.exit_code == 0, result.output
    with netCDF4.Dataset(tmp_path / "s.nc") as ds:
        assert ds.getncattr("weather_seed") == "3"
        assert ds.getncattr("weather_libraries") == f"numpy {numpy.__version__}; scipy {scipy.__version__}"


def test_a_synthetic_station_file_made_earlier_gets_no_libraries_of_this_run(tmp_path, monkeypatch):
    """The watershed example's weather CSV was drawn by make_weather.py long before: the versions of the
    run that reads it say nothing of its draws (docs review 2026-12-05), so none are written."""
    import netCDF4

    monkeypatch.chdir(tmp_path)
    result = invoke("run", "watershed", "--end", "2001-03-31", "-o", tmp_path / "w.nc", "-q")
    assert result.exit_code == 0, result.output
    with netCDF4.Dataset(tmp_path / "w.nc") as ds:
        assert ds.getncattr("weather_synthetic") == "true"
        assert "weather_libraries" not in ds.ncattrs()


# ------------------------------------------------------------------ F2: what a --params file applied


def test_params_file_values_hash_and_start_are_recorded(tmp_path, monkeypatch):
    import netCDF4

    params = tmp_path / "p.toml"
    params.write_text('model = "basin"\ntarget = "tiny"\noverrides = ["run.courant=0.37", "run.start=2020-01-02"]\n',
                      encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "tiny", "-o", tmp_path / "t.nc", "--params", "p.toml", "-q")
    assert result.exit_code == 0, result.output
    with netCDF4.Dataset(tmp_path / "t.nc") as ds:
        attrs = {k: str(ds.getncattr(k)) for k in ds.ncattrs()}
    assert attrs["params_file"] == str(params.resolve()) and attrs["params_file_sha256"] == _sha(params)
    assert json.loads(attrs["params_overrides"]) == ["run.courant=0.37", "run.start=2020-01-02"]
    assert "parameters_changed" not in attrs  # (hydro gep rebuilds such a run through Model.with_parameters)
    assert attrs["initial_state"].startswith("the basin file's initial state with the --params file's "
                                             "run.start=2020-01-02, given for that [run] start 2020-01-02")


def test_gep_takes_the_recorded_params_overrides_without_the_file():
    from hydro.gep_inputs import run_overrides

    attrs = {"history": "hydro run miyun --params gone/best_params.toml --set run.courant=0.5",
             "params_overrides": json.dumps(["runoff.x1_mm=400.5"])}
    assert run_overrides(attrs) == ["runoff.x1_mm=400.5", "run.courant=0.5"]


def test_params_file_is_recorded_by_an_ensemble(tmp_path, monkeypatch):
    import netCDF4

    params = tmp_path / "p.toml"
    params.write_text('model = "basin"\ntarget = "watershed"\noverrides = ["run.courant=0.5"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "watershed", "--params", "p.toml", "--members", "2", "--workers", "1",
                    "--end", "2001-03-31", "-o", tmp_path / "e.nc", "-q")
    assert result.exit_code == 0, result.output
    with netCDF4.Dataset(tmp_path / "e.nc") as ds:
        assert ds.getncattr("params_file_sha256") == _sha(params)
        assert json.loads(ds.getncattr("params_overrides")) == ["run.courant=0.5"]


def test_incentives_csv_names_its_inputs(tmp_path):
    from hydro.provenance import PROVENANCE_COLUMNS
    from hydro.scenarios.incentives import COLUMNS as INCENTIVE_COLUMNS
    from hydro.scenarios.incentives import write_incentives_csv

    record = {"input": {"path": "/x/s.nc", "sha256": "a" * 64, "config_sha256": "baseline=b"},
              "agreement": {"path": "/x/a.toml", "sha256": "c" * 64}, "overrides": [BONUS],
              "hydro_version": __version__, "source_revision": "git d"}
    row = dict.fromkeys(INCENTIVE_COLUMNS, "")
    write_incentives_csv([row], tmp_path / "i.csv", provenance=record)
    table = pd.read_csv(tmp_path / "i.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == list(INCENTIVE_COLUMNS) + list(PROVENANCE_COLUMNS[1:])
    assert table["agreement_sha256"][0] == "c" * 64 and table["input_config_sha256"][0] == "baseline=b"
    assert table["overrides"][0] == BONUS and table["source_revision"][0] == "git d"


def test_published_figures_inference_names_its_inputs():
    published = ROOT / "configs" / "agreements" / "miyun_chaobai_published.csv"
    phase1 = ROOT / "configs" / "agreements" / "miyun_chaobai_phase1_2018.toml"
    data = json.loads(invoke("compensate", published, phase1, "--json").stdout)
    assert data["provenance"]["input"]["sha256"] == _sha(published)
    assert data["provenance"]["agreement"]["sha256"] == _sha(phase1)
    text = invoke("compensate", published, phase1).stdout
    assert text.startswith(f"computed from: {published.resolve()} (sha256 {_sha(published)})")


# ------------------------------------------------------------------ F5: the GEP CSV's inputs


def test_the_gep_csv_says_what_it_was_computed_from(tmp_path, monkeypatch):
    """Each row ends with the results file (path, SHA-256, its config_sha256), the prices (empty: the
    cited defaults), --price-year and hydro's version and revision."""
    import hashlib

    import netCDF4
    import pandas as pd

    monkeypatch.chdir(tmp_path)
    nc, out = tmp_path / "w.nc", tmp_path / "gep.csv"
    assert invoke("run", "watershed", "--end", "2001-12-31", "-o", nc, "-q").exit_code == 0
    result = invoke("gep", nc, "-o", out, "--price-year", "2016")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, keep_default_na=False, dtype=str)
    with netCDF4.Dataset(nc) as ds:
        config = ds.getncattr("config_sha256")
    expected = {"input": str(nc.resolve()), "input_sha256": hashlib.sha256(nc.read_bytes()).hexdigest(),
                # the example watershed's station file is itself synthetic (its seed, 20240601)
                "input_config_sha256": config, "input_weather_seed": "20240601", "prices": "", "prices_sha256": "",
                "price_year": "2016"}
    for column, value in expected.items():
        assert set(table[column]) == {value}, column
    assert list(table.columns)[-2:] == ["hydro_version", "source_revision"]


def test_the_scenario_summary_csv_says_what_it_was_computed_from(tmp_path, monkeypatch):
    """The summary table of `hydro scenarios` ends each row with the basin file (path, SHA-256, its
    config_sha256), the scenario file (path, SHA-256) and hydro's version and revision."""
    import hashlib

    import pandas as pd

    from hydro.basin import Basin

    monkeypatch.chdir(tmp_path)
    basin = ROOT / "configs" / "examples" / "watershed" / "basin.toml"
    scenarios = ROOT / "configs" / "scenarios" / "watershed.toml"
    result = invoke("scenarios", "watershed", scenarios, "--start", "2001-01-01", "--end", "2001-12-31",
                    "--workers", "1", "-o", tmp_path / "s.nc", "-q")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "s.summary.csv", keep_default_na=False, dtype=str)
    expected = {"basin": str(basin.resolve()), "basin_sha256": hashlib.sha256(basin.read_bytes()).hexdigest(),
                "basin_config_sha256": Basin.load(basin).sha256, "scenario_file": str(scenarios.resolve()),
                "scenario_file_sha256": hashlib.sha256(scenarios.read_bytes()).hexdigest(),
                "weather_seed": ""}  # on the station record (a plan past it: its generated weather's seed)
    for column, value in expected.items():
        assert set(table[column]) == {value}, column
    assert list(table.columns)[:7] == ["scenario", "quantity", "location", "source", "year", "value", "unit"]
