"""``hydro plot`` options found missing in review (2026-12-01): ``--percentiles`` (listed in
docs/plots.md, not an option), ``--quiet`` (it always printed "written: X"), and ``--aggregate
yearly`` (the word ``hydro run --aggregate`` uses; plot took only ``annual``)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import hydro.plotting
from hydro.cli import main
from tests.test_plots import _results


@pytest.fixture()
def ensemble_file(tmp_path):
    """A results file (only its name is used where ``plot`` is replaced)."""
    path = tmp_path / "run.nc"
    _results().to_netcdf(path)
    return path


def _options(monkeypatch, args):
    seen = {}

    def capture(results, kind, output, overwrite=False, **options):
        seen.update(options)

    monkeypatch.setattr(hydro.plotting, "plot", capture)
    out = CliRunner().invoke(main, args)
    return out, seen


def test_percentiles_reach_the_plot(monkeypatch, ensemble_file, tmp_path):
    out, seen = _options(monkeypatch, ["plot", str(ensemble_file), "trajectory", "-o", str(tmp_path / "f.png"),
                                       "--percentiles", "10,90", "--aggregate", "yearly"])
    assert out.exit_code == 0, out.output
    assert seen["percentiles"] == (10.0, 90.0)
    assert seen["aggregate"] == "annual"


@pytest.mark.parametrize("bad", ["10", "90,10", "a,b", "-1,50"])
def test_bad_percentiles_are_refused_with_the_form_expected(ensemble_file, tmp_path, bad):
    out = CliRunner().invoke(main, ["plot", str(ensemble_file), "trajectory", "-o", str(tmp_path / "f.png"),
                                    "--percentiles", bad])
    assert out.exit_code == 2 and "--percentiles" in out.output and "LOW" in out.output


def test_quiet_prints_nothing(ensemble_file, tmp_path):
    args = ["plot", str(ensemble_file), "trajectory", "-o", str(tmp_path / "f.png"), "--percentiles", "10,90"]
    loud = CliRunner().invoke(main, args)
    assert loud.exit_code == 0, loud.output
    assert "written:" in loud.output
    out = CliRunner().invoke(main, [*args, "--overwrite", "-q"])
    assert out.exit_code == 0, out.output
    assert out.output == "" and (tmp_path / "f.png").stat().st_size > 0
