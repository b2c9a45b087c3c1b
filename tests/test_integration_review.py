"""Integration review of 04f6bd5..HEAD: where two of the day's changes meet (generated-weather
runs past the station record's end, ``water = "natural"`` on quantity rules and flow targets,
the payment draws of ``hydro compensate --uncertainty`` on a basin)."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from hydro.basin import ROOT
from hydro.compensation import Agreement, evaluate
from hydro.compensation.rules import counted_volume
from hydro.compensation.uncertainty import simulated_series

EXAMPLE = ROOT / "configs" / "examples" / "watershed"  # station record 2001-2010
JUNE = 3.5 * 86400 * 20  # 20 days at 3.5 m3/s let into the top reach: 6.048e6 m3


@pytest.fixture(scope="module")
def basin(tmp_path_factory):
    """The example basin with water from outside let into its top reach in June 2012, after the
    station record's end (a payment draw of 2012 is spun up on the record, then on its weather)."""
    folder = tmp_path_factory.mktemp("ir") / "ws"
    shutil.copytree(EXAMPLE, folder)
    (folder / "t.csv").write_text("date,flow_m3_s\n" + "".join(f"2012-06-{d:02d},3.5\n" for d in range(1, 21)))
    with open(folder / "basin.toml", "a") as f:
        f.write('\n[[transfers]]\nid = "yr"\nkind = "inflow"\nreach = "west_upper"\ncsv = "t.csv"\n'
                'origin = "yellow-river"\ntn_mg_per_l = 3.0\n')
    return folder


def test_a_payment_draw_keeps_the_transferred_waters_tracer(basin, tmp_path):
    """A draw of ``hydro compensate BASIN --uncertainty`` on an agreement counting natural water:
    before, the draw's series left out ``section_transfer_discharge`` and every member failed ('the
    results have no variable ... left out with --variables?'), though the user wrote no --variables.
    Now the draw's series gives the water let in at 'border' below the transfer: all of June's
    6.048e6 m3 has passed it by December (a conservative tracer, no reservoir or withdrawal between;
    1e-6 allows the tracer's round-off over the year's days), and the flow target counts the rest."""
    series = simulated_series(str(basin), 2012, 2012, 0)
    assert series.annual_transferred("border", 2012) == pytest.approx(JUNE, rel=1e-6)
    path = tmp_path / "a.toml"
    path.write_text('name = "t"\nsource = "test case"\nperiod = [2012, 2012]\npayer = "up"\npayee = "down"\n'
                    '[[target]]\nsection = "border"\nparameter = "flow"\nannual_volume_min_m3 = 1.0\n'
                    'water = "natural"\nbonus_yuan = 1.0\n', encoding="utf-8")
    agreement = Agreement.from_toml(path)
    (payment,) = evaluate(agreement, series)
    assert payment.amount_yuan == 1.0
    counted, moved = counted_volume(agreement.rules[0], series, "border", 2012)
    assert (counted, moved) == (series.annual_volume("border", 2012) - moved, series.annual_transferred("border", 2012))


def test_an_ensemble_file_holds_the_species_sources_asked_for(tmp_path):
    """``hydro run miyun --members N --variables species_sources,...`` (or ``all``): each member kept
    the species' sources, but the file's writer then applied the default set to them and wrote only
    the rest (section_tn_concentration here; the 16 variables asked for by the group were dropped
    without a word). The file now holds what the members kept, as a single run's file does."""
    from hydro.ensemble import write_ensemble
    from hydro.outputspec import OutputSpec
    from hydro.results import load_results

    path = tmp_path / "e.nc"
    write_ensemble("miyun", 1, 1, path, date(2000, 1, 1), date(2000, 1, 10), workers=1, quiet=True,
                   output=OutputSpec(variables=("species_sources", "section_tn_concentration")))
    kept = set(load_results(path).data)
    assert {"orgn_source_load", "subbasin_pp_source_input", "section_tn_concentration"} <= kept
    assert "section_tn_load" not in kept  # what was not asked for stays out


def test_the_documented_guanting_2019_transfer_is_on_the_station_record(tmp_path):
    """docs/agreements.md gives Bahaoqiao's 2019 water (2.653e8 m3, 2.44e7 of it Yellow River water,
    2.409e8 natural) from ``hydro run guanting --start 2019-01-01 --end 2019-12-31`` and said the run
    was on generated weather; that command runs on the station record (Beijing's GHCND file runs to
    2020). The figures are checked to the digits the page gives, and the weather the page names."""
    import re

    from hydro.basin import Basin
    from hydro.monitoring import read_results
    from hydro.simulation import run

    text = (ROOT / "docs" / "agreements.md").read_text(encoding="utf-8")
    said = re.search(r"2\.44e7 of its 2\.653e8 m³\s+in 2019 \(`hydro run guanting --start 2019-01-01 "
                     r"--end 2019-12-31`, ([^)]*)\)", text)
    assert said and "station record" in said.group(1) and "generated" not in said.group(1)
    res = run(Basin.load("guanting"), date(2019, 1, 1), date(2019, 12, 31))
    assert "synthetic" not in res.attrs["weather"]
    path = tmp_path / "g.nc"
    res.to_netcdf(path)
    series = read_results(path)
    total, moved = series.annual_volume("bahaoqiao", 2019), series.annual_transferred("bahaoqiao", 2019)
    assert (f"{total:.3e}", f"{moved:.2e}", f"{total - moved:.3e}") == ("2.653e+08", "2.44e+07", "2.409e+08")


def test_a_refused_natural_water_gives_one_remedy_that_can_be_followed(tmp_path):
    """``water = "natural"`` where the series cannot tell the transferred water: each reason carries
    its remedy. At a reservoir below a reach transfer (no results file holds a tracer of a reservoir's
    inflow) the message also told the user to 'evaluate the agreement on a hydro results file that
    holds it', which none does; a monitoring CSV's reason now says to use a results file itself."""
    import numpy as np

    from hydro.errors import HydroError
    from hydro.monitoring import SectionSeries

    path = tmp_path / "a.toml"
    path.write_text('name = "t"\nsource = "test case"\nperiod = [2001, 2001]\npayer = "up"\npayee = "down"\n'
                    '[[quantity]]\nsection = "lake"\nbaseline_m3 = 1.0\nwater = "natural"\n', encoding="utf-8")
    flow = {"lake": {"flow": np.full(12, 1e6)}}
    lake = SectionSeries(2001, flow, source="r.nc", transferred={"lake": "water transferred into west_upper "
                         "upstream reaches it; judge the rule at a section above the reservoir"})
    with pytest.raises(HydroError) as err:
        evaluate(Agreement.from_toml(path), lake)
    assert "section above the reservoir" in str(err.value) and "holds it" not in str(err.value)
    with pytest.raises(HydroError, match=r"m\.csv: .*evaluate the agreement on a hydro results file.*water = \"all\""):
        evaluate(Agreement.from_toml(path), SectionSeries(2001, flow, source="m.csv"))


def test_an_ensemble_files_transfer_lines_name_the_members():
    """``hydro info`` of an ensemble file whose members' reservoir ran short by different amounts
    ('label:id=m3', the label the member's number) said 'let out in 0 2.093e+08 m3'; now 'in member 0'.
    A scenarios file's labels are the scenarios' ids and stay as they are."""
    from hydro.transfer_summary import run_transfer_lines

    attrs = {"transfers": "rel=release:reservoir:r.csv:2012-07-01..2012-07-02",
             "transfer_volume_m3": "rel=8.64e8", "transfer_delivered_m3": "0:rel=2.093e8;1:rel=2.277e8"}
    ensemble = " ".join(run_transfer_lines({**attrs, "ensemble_members": "2"}, date(2012, 1, 1), date(2012, 12, 31)))
    assert "let out in member 0 2.093e+08 m3 (24%)" in ensemble and "in member 1 2.277e+08" in ensemble
    assert "let out in 0 2.093e+08" in " ".join(run_transfer_lines(attrs, date(2012, 1, 1), date(2012, 12, 31)))
