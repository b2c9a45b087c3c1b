"""Loose ends of the integration review (refusals up front, block periods, payment draws, docs)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hydro.basin import Basin
from hydro.cli import main
from hydro.errors import HydroError
from hydro.outputspec import OutputSpec, check_something_kept
from tests.test_blocked import species  # noqa: F401 (the fixture: Miyun's constituents on a small basin)


def _no_work(monkeypatch):
    """Make every way `hydro run` simulates fail loudly: a refusal must come before any of them."""
    import hydro.blocked_run
    import hydro.ensemble

    def simulated(*args, **kwargs):
        raise AssertionError("simulated before refusing")

    monkeypatch.setattr(hydro.ensemble, "ensemble_command", simulated)
    monkeypatch.setattr(hydro.blocked_run, "blocked_command", simulated)


@pytest.mark.parametrize("extra", [["--members", "2"], ["--block-years", "1"], []],
                         ids=["ensemble", "blocked", "plain"])
def test_a_group_the_basin_has_nothing_of_is_refused_before_any_simulation(tmp_path, monkeypatch, extra):
    # the example watershed carries TN without species: species_sources holds nothing of it. An ensemble
    # ran every member before refusing (exit 3), a blocked run its water passes and first block
    _no_work(monkeypatch)
    out = tmp_path / "t.nc"
    r = CliRunner().invoke(main, ["run", "watershed", "-o", str(out), "-q", "--variables", "species_sources",
                                  *extra])
    assert r.exit_code == 2 and "species_sources is nothing this run has" in r.output, r.output
    assert not out.exists()


def test_the_basin_files_output_table_is_refused_up_front_too(tmp_path, monkeypatch):
    from hydro.resources import examples_dir

    _no_work(monkeypatch)
    path = examples_dir() / "watershed" / "basin.toml"
    text = path.read_text(encoding="utf-8")
    local = tmp_path / "basin.toml"
    local.write_text(text.replace("[[constituents]]", '[output]\nvariables = ["species_sources"]\n\n'
                                  "[[constituents]]", 1), encoding="utf-8")
    for f in path.parent.iterdir():  # the basin's other files, beside its copy
        if f.name != "basin.toml":
            (tmp_path / f.name).symlink_to(f)
    r = CliRunner().invoke(main, ["run", str(local), "-o", str(tmp_path / "t.nc"), "-q", "--members", "2"])
    assert r.exit_code == 2 and "species_sources is nothing this run has" in r.output, r.output


def test_what_a_run_can_write_passes_the_early_check():
    watershed = Basin.load("watershed")
    for variables in (None, ("default",), ("all",), ("species_sources", "default"),
                      ("species_sources", "section_tn_concentration")):
        check_something_kept(watershed, OutputSpec(variables=variables))
    with pytest.raises(HydroError, match="nothing this run has"):
        check_something_kept(watershed, OutputSpec(variables=("species_sources",)))
    check_something_kept(Basin.load("miyun"), OutputSpec(variables=("species_sources",)))  # orgn, no3n, dp, pp


def test_a_payment_draw_puts_the_gauges_error_on_the_total_not_on_the_transferred_part():
    # with_monitoring_error: the natural volume of a draw is the drawn total less the transferred
    # volume, which is the transfer's own record (not the gauge's): the same in every draw
    import numpy as np

    from hydro.compensation.rules import counted_volume
    from hydro.compensation.uncertainty import with_monitoring_error
    from hydro.monitoring import FLOW, SectionSeries

    flow = np.full(12, 2.0e7)
    moved = np.full(12, 2.0e6)
    series = SectionSeries(2019, {"s": {FLOW: flow, "tn": np.full(12, 2.0)}}, source="t",
                           transferred={"s": moved})
    drawn = with_monitoring_error(series, np.random.default_rng(1))

    class Natural:
        water = "natural"

    total = float(drawn.data["s"][FLOW].sum())
    assert total != flow.sum()  # the flow is drawn
    natural, left_out = counted_volume(Natural(), drawn, "s", 2019)
    assert left_out == moved.sum()  # the transferred part is not
    # the gauge's whole error in m3 is the natural volume's (one subtraction of round-off)
    assert natural == pytest.approx(total - moved.sum(), rel=1e-15)


def test_a_short_first_block_is_a_block_of_its_own_and_equals_one_block(species):  # noqa: F811
    # block_periods merged a first block under 365 days into the next for the wash-off store's start,
    # which since 21fdad5 takes the 365 days from the run's first day past a short run's end. Miyun's
    # species (each with its own wash-off start) with wash-off delivery from 1 July, in 1-year blocks
    from datetime import date

    from hydro.blocked import block_periods, run_blocks
    from hydro.pipeline import run_watershed
    from tests.test_blocked import _same

    assert block_periods(date(2001, 7, 1), date(2003, 6, 30), 1)[0] == (date(2001, 7, 1), date(2001, 12, 31))
    assert block_periods(date(2001, 1, 2), date(2002, 6, 30), 1)[0] == (date(2001, 1, 2), date(2001, 12, 31))
    text = species.path.read_text(encoding="utf-8")
    for old, new in [("[subbasins.sources.land_use.forest]\n",
                      '[subbasins.sources]\ndelivery_timing = "washoff"\n[subbasins.sources.land_use.forest]\n'),
                     ("water_area_km2 = 0.5\n", "water_area_km2 = 0.5\n[subbasins.sources.timing]\n"
                      "washoff_per_mm = 0.18\nsurface_fraction = 0.3\n"),
                     ("start = 2001-01-01\n", "start = 2001-07-01\n")]:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = species.path.with_name("washoff_from_july.toml")  # beside the basin's weather file
    path.write_text(text, encoding="utf-8")
    basin = Basin.load(path)
    s, e = basin.settings.start, basin.settings.end
    blocks = list(run_blocks(basin, s, e, 1))
    assert [len(b.dates) for b in blocks][:2] == [184, 365]
    _same(run_watershed(basin, s, e), blocks)  # test_blocked's tolerances (its docstring says why)

