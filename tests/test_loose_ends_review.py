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



def test_weather_given_to_model_run_takes_the_records_numerics_and_store_means(tmp_path, monkeypatch):
    """docs/python-api.md: a run on ``weather=`` from the basin's start takes its numerics and its
    stores' means from the basin's period on the station record (hydro.store_climate), not from the
    weather given; the stores' means also where it starts later and is not spun up."""
    import numpy as np

    import hydro
    import hydro.store_climate
    from hydro.basin import ROOT
    from hydro.validation.problems import synthetic_watershed
    from hydro.watershed import Watershed
    from hydro.weather import station_record

    page = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8").replace("\n", " ")
    assert ("from the basin's `[run]` period on the station record, not from the weather given" in page
            and "the stores' means also where it starts later, not spun up" in page)
    small = synthetic_watershed(tmp_path, n_subbasin=4, n_reservoir=1, years=3)
    record = station_record(Watershed.from_basin(Basin.load(small)).weather.csv)
    names = ("precip_mm", "tmean_c", "tmin_c", "tmax_c")
    wetter = {n: np.asarray(getattr(record, n)) * (1.5 if n == "precip_mm" else 1.0) for n in names}

    def mine(k=0):
        return type(record)(record.dates[k:], **{n: v[k:] for n, v in wetter.items()}, metadata={"source": "mine"})

    seen: list = []
    real = hydro.store_climate._record_water

    def spy(basin, ws, rec, threshold):
        seen.append(np.asarray(rec.precip_mm))
        return real(basin, ws, rec, threshold)

    monkeypatch.setattr(hydro.store_climate, "_WATER", {})
    monkeypatch.setattr(hydro.store_climate, "_record_water", spy)
    taken = {}
    means = hydro.store_climate.store_means

    def spy_means(*args, **kwargs):
        taken["means"] = means(*args, **kwargs)
        return taken["means"]

    monkeypatch.setattr(hydro.store_climate, "store_means", spy_means)
    model = hydro.Model.from_basin(small)
    model.run("2001-01-01", "2003-12-31", weather=mine())
    assert len(seen) == 1 and np.array_equal(seen[0], np.asarray(record.precip_mm))  # the record's, not mine
    whole = hydro.store_climate._WATER[next(iter(hydro.store_climate._WATER))]
    assert taken["means"][0] is whole.mean_base_mm and taken["means"][1] is whole.mean_washed
    assert taken["means"][2] is whole.mean_nitrified   # the store's nitrification (R15): the record's too
    taken.clear()
    late = model.run("2001-09-01", "2002-06-30", weather=mine(243))  # from 2001-09-01: not spun up
    assert "not spun up" in late.attrs["initial_state"]
    assert taken["means"][0] is whole.mean_base_mm and len(seen) == 1  # the same pass, cached


def test_a_spin_up_shorter_than_a_year_leaves_the_run_from_the_basins_start(tmp_path):
    """docs/basin-file.md: a spin-up of less than a year starts the wash-off store from the 365 days
    from the basin's start, past its own end, so the spun-up run equals the run from the basin's start
    on the days they share (it differed by ~1e-3 while the store took the spin-up's own days)."""
    from datetime import date

    import numpy as np

    from hydro.basin import ROOT
    from hydro.pipeline import run_watershed
    from hydro.validation.problems import synthetic_watershed

    page = (ROOT / "docs" / "basin-file.md").read_text(encoding="utf-8").replace("\n", " ")
    assert "past the spin-up's end, so the run equals it on the days they share" in page
    path = synthetic_watershed(tmp_path, n_subbasin=4, n_reservoir=1, years=2)
    text = path.read_text(encoding="utf-8")
    for old, new in [("[subbasins.sources.land_use.forest]\n",
                      '[subbasins.sources]\ndelivery_timing = "washoff"\n[subbasins.sources.land_use.forest]\n'),
                     ("water_area_km2 = 0.5\n", "water_area_km2 = 0.5\n[subbasins.sources.timing]\n"
                      "washoff_per_mm = 0.18\nsurface_fraction = 0.3\n")]:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    basin = Basin.load(path)
    s, e = basin.settings.start, basin.settings.end
    one = run_watershed(basin, s, e)
    late = run_watershed(basin, date(s.year, 3, 1), e)
    assert "spun up" in late.attrs["initial_state"]
    k = one.dates.index(late.dates[0])
    for name, values in late.data.items():
        if "time" in late.dims(name) and late.dims(name)[0] == "time":
            a = np.asarray(one.data[name])[k:]
            # the same operations on a state carried through the spin-up's end: round-off only
            assert np.nanmax(np.abs(values - a)) <= 1e-12 * max(np.nanmax(np.abs(a)), 1e-300), name


def test_members_starting_on_different_days_past_the_record_differ_in_the_weather_after_it():
    """docs/basin-file.md: on the example watershed (record 2001-2010), seed 0, a member from 2012
    (weather from its warm-up years, 2009) and one from 2015 (from the day after the record's end)
    have 2011 mean temperatures up to 2.86 degC apart, the same to the bit after about 100 days."""
    from datetime import date

    import numpy as np

    from hydro.basin import ROOT
    from hydro.ensemble import member_weather

    page = (ROOT / "docs" / "basin-file.md").read_text(encoding="utf-8").replace("\n", " ")
    assert "a member from 2012 and one from 2015 have 2011 mean temperatures up to 2.86 °C apart (seed 0;" in page
    basin = Basin.load("watershed")

    def tmean(start):
        w = member_weather(basin, start, date(2016, 12, 31), 0)
        return dict(zip(w.dates.astype("datetime64[D]").tolist(), np.asarray(w.tmean_c).tolist(), strict=True))

    early, late = tmean(date(2012, 1, 1)), tmean(date(2015, 1, 1))
    assert min(late) == date(2011, 1, 1) and min(early) < date(2011, 1, 1)
    gap = np.array([abs(early[d] - late[d]) for d in sorted(late)])
    assert round(float(gap.max()), 2) == 2.86
    differ = np.nonzero(gap)[0]
    # from the first day after the record's end to about 100 days later (the AR(1) anomalies' gap
    # decays; a day within may round to the same value), then the same to the bit
    assert differ[0] == 0 and 93 <= differ[-1] <= 101 and 3 <= int((gap > 0.1).sum()) <= 11


def test_a_scenario_run_and_the_ensemble_api_refuse_a_group_of_nothing_before_running(tmp_path, monkeypatch):
    # hydro run --scenario and hydro.ensemble.run_ensemble checked the request without this, so
    # species_sources on the example watershed (TN without species) ran the scenario or every member
    import hydro.ensemble
    import hydro.scenario_run
    from tests.test_scenarios_future_review import scenario_file

    monkeypatch.setattr(hydro.ensemble, "_member", lambda *a, **k: pytest.fail("a member ran before refusing"))
    with pytest.raises(HydroError, match="species_sources is nothing this run has"):
        hydro.ensemble.run_ensemble("watershed", 2, 0, output=OutputSpec(variables=("species_sources",)),
                                    workers=1, quiet=True)
    monkeypatch.setattr(hydro.scenario_run, "run_scenario",
                        lambda *a, **k: pytest.fail("the scenario ran before refusing"))
    path = scenario_file(tmp_path, 2006)
    r = CliRunner().invoke(main, ["run", "watershed", "--scenario", "fert", "--scenario-file", str(path),
                                  "--start", "2005-01-01", "--end", "2006-12-31", "-q", "-o",
                                  str(tmp_path / "s.nc"), "--variables", "species_sources"])
    assert r.exit_code == 2 and "species_sources is nothing this run has" in r.output, r.output
    assert not (tmp_path / "s.nc").exists()
