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


def test_quiet_prints_nothing(tmp_path):
    ensemble_file = tmp_path / "ens.nc"  # with members: --percentiles on a run without them is refused
    assert CliRunner().invoke(main, ["run", "watershed", "--members", "2", "--workers", "1", "--end", "2001-01-05",
                                     "-o", str(ensemble_file), "-q"]).exit_code == 0
    args = ["plot", str(ensemble_file), "trajectory", "-o", str(tmp_path / "f.png"), "--percentiles", "10,90"]
    loud = CliRunner().invoke(main, args)
    assert loud.exit_code == 0, loud.output
    assert "written:" in loud.output
    out = CliRunner().invoke(main, [*args, "--overwrite", "-q"])
    assert out.exit_code == 0, out.output
    assert out.output == "" and (tmp_path / "f.png").stat().st_size > 0


def test_set_changes_the_agreement_of_a_compensation_figure(monkeypatch, ensemble_file, tmp_path):
    # the agreement's period error told users to --set period=[...], which hydro plot did not take
    from hydro.compensation import Agreement

    toml = "configs/agreements/miyun_chaobai_phase2_2022.toml"
    out, seen = _options(monkeypatch, ["plot", str(ensemble_file), "compensation", "--agreement", toml,
                                       "--set", "period=[2000,2016]", "-o", str(tmp_path / "c.png")])
    assert out.exit_code == 0, out.output
    assert isinstance(seen["agreement"], Agreement) and seen["agreement"].period == (2000, 2016)
    refused = CliRunner().invoke(main, ["plot", str(ensemble_file), "trajectory", "--set", "period=[2000,2016]",
                                        "-o", str(tmp_path / "t.png")])
    assert refused.exit_code == 2 and "goes with 'compensation'" in refused.output


def test_many_years_are_labelled_so_they_do_not_run_together():
    from hydro.plotting import style

    with style.figure_context():
        _fig, ax = style.new_figure()
        style.year_ticks(ax, list(range(17)), [str(2000 + k) for k in range(17)])
        labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(labels) == 17  # a tick for every year
    assert [t for t in labels if t] == [str(y) for y in range(2000, 2017, 2)]
