"""Every table of a basin file is parsed when the basin loads (issue 12).

A typo in any table (initial values, weather, runoff, subbasins and their sources,
withdrawals, gauges, transfers, the forcing of a flow-driven basin) raises
:class:`HydroError` from :meth:`Basin.load`, before any run, naming the file, the key
and what was expected; the parsed values are frozen dataclasses on the basin, which
the run code uses as they are.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from hydro.basin import Basin
from hydro.basin_tables import InitialState, SeriesSpec
from hydro.errors import HydroError
from hydro.forcing_tables import FlowForcing
from hydro.watershed_tables import Watershed

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs" / "examples" / "watershed"
TINY = ROOT / "configs" / "examples" / "tiny"


def _copy(src: Path, tmp_path: Path, edit, files: dict | None = None) -> Path:
    """A copy of an example with its basin.toml edited (``edit(text) -> text``) and extra files."""
    dest = tmp_path / src.name
    shutil.copytree(src, dest)
    path = dest / "basin.toml"
    text = path.read_text(encoding="utf-8")
    edited = edit(text)
    assert edited != text, "the edit changed nothing"
    path.write_text(edited, encoding="utf-8")
    for name, content in (files or {}).items():
        (dest / name).write_text(content, encoding="utf-8")
    return dest


def sub(old: str, new: str):
    """Replace the first ``old`` (which must be there) by ``new``."""
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)
    return edit


def append(extra: str):
    return lambda text: text + "\n" + extra + "\n"


def weather_header(old: str, new: str) -> dict:
    """The example's weather file with ``old`` renamed ``new`` in its header line."""
    text = (WATERSHED / "weather.csv").read_text(encoding="utf-8")
    return {"weather.csv": text.replace("\ndate,precip_mm,tmean_c", "\ndate,precip_mm," + new, 1)
            if old == "tmean_c" else text}


WITHDRAWAL = '[[withdrawals]]\nid = "canal"\nreach = "main"\n'
TRANSFER = '[[transfers]]\nid = "pump"\nkind = "inflow"\nreservoir = "lake"\ncsv = "t.csv"\ntn_mg_per_l = 1.0\n'

#: (id, example, edit, extra files, fragments the message must hold)
CASES = [
    ("runoff-typo", WATERSHED, sub("x1_mm = 450.0", "x1mm = 450.0"), None,
     ["key 'runoff.x1mm'", "unknown key", "x1_mm"]),
    ("runoff-range", WATERSHED, sub("x4_days = 1.8", "x4_days = 0.1"), None, ["runoff.x4_days", "0.5"]),
    ("snow-type", WATERSHED, sub("snow = true", 'snow = "yes"'), None, ["runoff.snow"]),
    ("subbasin-key", WATERSHED, sub("precip_factor = 0.95", "precip_factr = 0.95"), None,
     ["subbasins[0].precip_factr", "unknown key"]),
    ("subbasin-reach", WATERSHED, sub('reach = "west_upper"\nelevation_m', 'reach = "west_uper"\nelevation_m'),
     None, ["subbasins[0].reach", "west_uper", "west_upper"]),
    ("subbasin-area", WATERSHED, sub("area_km2 = 420.0", "area_km2 = -420.0"), None, ["subbasins[0].area_km2"]),
    ("subbasin-source", WATERSHED, sub("emc_mg_per_l = 0.8", "emc_mg_perl = 0.8"), None,
     ["emc_mg_perl", "unknown key"]),
    ("subbasin-runoff", WATERSHED, sub('province = "Upstream province"\n',
                                       'province = "Upstream province"\nrunoff = { x1mm = 300.0 }\n'),
     None, ["subbasins[0].runoff.x1mm", "unknown key"]),
    ("weather-key", WATERSHED, sub("lapse_c_per_km = 6.5", "lapse_c_km = 6.5"), None,
     ["weather.lapse_c_km", "unknown key"]),
    ("weather-file", WATERSHED, sub('csv = "weather.csv"', 'csv = "wether.csv"'), None,
     ["wether.csv", "file not found", "[weather] csv"]),
    ("weather-header", WATERSHED, lambda t: t.replace("latitude_deg = 40.4", "latitude_deg = 40.40", 1),
     weather_header("tmean_c", "tmeanc"), ["weather.csv", "unknown column 'tmeanc'", "tmean_c"]),
    ("initial-typo", WATERSHED, sub("tn_mg_per_l = 1.5 ", "tn_mg_per_L = 1.5 "), None,
     ["key 'initial.tn_mg_per_L'", "unknown key", "tn_mg_per_l"]),
    ("initial-negative", WATERSHED, sub("tn_mg_per_l = 1.5 ", "tn_mg_per_l = -1.5 "), None, ["initial.tn_mg_per_l"]),
    ("initial-reservoir", WATERSHED, sub("[initial.reservoirs.lake]", "[initial.reservoirs.lak]"), None,
     ["initial.reservoirs.lak", "lake"]),
    ("initial-part", WATERSHED, sub("tn_mg_per_l = 1.5 ", "tp_mg_per_l = 0.1\ntn_mg_per_l = 1.5 "), None,
     ["initial.tp_mg_per_l", "unknown key"]),
    ("watershed-forcing", WATERSHED, append("[forcing]\nwater_temperature_c = 12.0"), None,
     ["forcing.water_temperature_c", "remove the [forcing] table"]),
    ("constituent-sources", WATERSHED, append('[[constituents]]\nname = "toc"\nlong_name = "organic carbon"'),
     None, ["[[constituents]] 'toc'", "deliver tn"]),
    ("constituent-quality", WATERSHED, append('[[constituents]]\nname = "tp"\nlong_name = "total phosphorus"'),
     None, ["constituent 'tp'", "[quality] table"]),
    ("withdrawal-neither", WATERSHED, append(WITHDRAWAL), None, ["withdrawals[0].flow_m3_s", "loss_share"]),
    ("withdrawal-all-lost", WATERSHED, append(WITHDRAWAL + "loss_share = 1.0"), None,
     ["withdrawals[0].loss_share", "leave it dry", "below 1"]),
    ("withdrawal-reach", WATERSHED, append(WITHDRAWAL.replace('"main"', '"mian"') + "loss_share = 0.1"), None,
     ["withdrawals[0].reach", "mian"]),
    ("withdrawal-months", WATERSHED, append(WITHDRAWAL + "flow_m3_s = [1.0, 2.0]"), None,
     ["withdrawals[0].flow_m3_s", "12"]),
    ("withdrawal-column", WATERSHED, append(WITHDRAWAL + 'flow_m3_s = { csv = "weather.csv", column = "flow" }'),
     None, ["weather.csv", "no column 'flow'"]),
    ("flow-driven-routing", WATERSHED, lambda t: t.replace('routing = "auto"',
                                                           'routing = "muskingum-cunge"\nflow_driven = true'),
     None, ["flow_driven runs route by accumulation"]),
    ("routing-slope", WATERSHED, lambda t: t.replace('routing = "auto"', 'routing = "muskingum-cunge"').replace(
        "slope_m_per_m = 0.0012\n", ""), None, ["needs 'slope_m_per_m' on every reach", "main"]),
    ("gauge-file", WATERSHED, append('[[gauges]]\nid = "g"\nreach = "main"\n'
                                     'observed_discharge_m3_s = { csv = "obs.csv", column = "q" }'), None,
     ["obs.csv", "file not found", "gauges[0].observed_discharge_m3_s"]),
    ("gauge-negative", WATERSHED, append('[[gauges]]\nid = "g"\nreach = "main"\nobserved_discharge_m3_s = -2.0'),
     None, ["gauges[0].observed_discharge_m3_s"]),
    ("transfer-kind", WATERSHED, append(TRANSFER.replace('"inflow"', '"infow"')), {"t.csv": "date,flow_m3_s\n"},
     ["transfers[0].kind", "inflow"]),
    ("transfer-header", WATERSHED, append(TRANSFER), {"t.csv": "date,flow_m3s\n2001-06-01,1.0\n"},
     ["t.csv", "unknown column 'flow_m3s'", "flow_m3_s"]),
    ("transfer-file", WATERSHED, append(TRANSFER), None, ["t.csv", "file not found"]),
    ("transfer-tn", WATERSHED, append(TRANSFER.replace("tn_mg_per_l = 1.0\n", "")),
     {"t.csv": "date,flow_m3_s\n2001-06-01,1.0\n"}, ["transfers[0].tn_mg_per_l", "give tn_mg_per_l"]),
    ("transfer-twice", WATERSHED, append(TRANSFER + TRANSFER.replace("tn_mg_per_l = 1.0\n", "tn_mg_per_l = 1.0\n")),
     {"t.csv": "date,flow_m3_s\n2001-06-01,1.0\n"}, ["transfers[1].id", "listed twice"]),
    ("forcing-reach", TINY, sub("north_lower = 0.4", "north_lowr = 0.4"), None,
     ["forcing.lateral_inflow_m3_s.north_lowr", "north_lower"]),
    ("forcing-column", TINY, sub('column = "north_upper_m3_s"', 'column = "north_upper_m3s"'), None,
     ["forcing.csv", "no column 'north_upper_m3s'", "north_upper_m3_s"]),
    ("forcing-key", TINY, sub("evaporation_mm_per_day = 2.5", "evaporation_mm_day = 2.5"), None,
     ["forcing.evaporation_mm_day", "unknown key"]),
    ("forcing-constituent", TINY, sub("[forcing.lateral_load_kg_per_day.tp]", "[forcing.lateral_load_kg_per_day.tpp]"),
     None, ["lateral_load_kg_per_day.tpp", "unknown constituent"]),
    ("forcing-condition", TINY, sub('condition = "flux"', 'condition = "flx"'), None,
     ["forcing.inflows[1].condition", "'flux' or 'concentration'"]),
    ("forcing-inlet", TINY, sub('at = "lake"', 'at = "lak"'), None, ["forcing.inflows[2].at", "lak"]),
    ("forcing-both", TINY, sub("tn_mg_per_l = 15.0", "tn_mg_per_l = 15.0\ntn_kg_per_day = 3.0"), None,
     ["forcing.point_sources[0].tn_kg_per_day", "not both"]),
    ("forcing-position", TINY, sub("position = 0.4", "position = 1.4"), None,
     ["forcing.point_sources[0].position"]),
    ("forcing-negative", TINY, sub("east = 90.0", "east = -90.0"), None,
     ["forcing.lateral_load_kg_per_day.tn.east"]),
    ("tiny-initial", TINY, sub("[initial]\ntn_mg_per_l = 1.0", "[initial]\ntn_mg_per_litre = 1.0"), None,
     ["initial.tn_mg_per_litre", "unknown key"]),
]


@pytest.mark.parametrize("example, edit, files, fragments", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_typo_in_any_table_raises_at_load(tmp_path, example, edit, files, fragments):
    folder = _copy(example, tmp_path, edit, files)
    with pytest.raises(HydroError) as err:
        Basin.load(folder)
    message = str(err.value)
    assert str(folder) in message, message  # the file (basin.toml, or the CSV it names)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in: {message}"


def test_parsed_tables_are_frozen_values():
    ws = Basin.load(WATERSHED)
    assert isinstance(ws.watershed, Watershed) and isinstance(ws.initial, InitialState)
    assert Watershed.from_basin(ws) is ws.watershed
    assert [s.id for s in ws.watershed.subbasins][:3] == ["w1", "w2", "e1"]
    assert ws.watershed.weather.csv == WATERSHED / "weather.csv"
    with pytest.raises(dataclasses.FrozenInstanceError):
        ws.watershed.subbasins[0].area_km2 = 1.0  # type: ignore[misc]
    tiny = Basin.load(TINY)
    assert tiny.watershed is None and isinstance(tiny.forcing, FlowForcing)
    assert tiny.initial.river == {"tn": 1.0, "tp": 0.05}
    assert tiny.initial.reservoirs["lake"] == {"tn": 1.2, "tp": 0.05}
    temp = tiny.forcing.water_temperature
    assert isinstance(temp, SeriesSpec) and temp.csv == TINY / "forcing.csv" and temp.constant is None
    assert tiny.forcing.evaporation.constant == 2.5


def test_with_parameters_revalidates_every_table():
    import hydro

    model = hydro.Model.from_basin(WATERSHED)
    changed = model.with_parameters({"runoff.x1_mm": 300.0}).basin.watershed
    assert {s.runoff.x1_mm for s in changed.subbasins} == {300.0}  # no subbasin overrides it
    assert {s.runoff.x1_mm for s in model.basin.watershed.subbasins} == {450.0}
    with pytest.raises(HydroError, match=r"runoff\.x4_days"):
        model.with_parameters({"runoff.x4_days": 0.1})


def test_hydro_run_reports_a_table_typo_before_running(tmp_path):
    """The CLI's exit status 2 and message, with nothing simulated or written."""
    from click.testing import CliRunner

    from hydro.cli import main

    folder = _copy(WATERSHED, tmp_path, sub("kf_mm_per_c_per_day = 3.0", "kf_mm_per_c_day = 3.0"))
    out = tmp_path / "out.nc"
    result = CliRunner().invoke(main, ["run", str(folder), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "key 'runoff.kf_mm_per_c_day': unknown key" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_loading_a_watershed_basin_makes_calls_linear_in_its_subbasins(tmp_path):
    """Issue 16: reading and checking a watershed basin (reaches, subbasins, their sources) is
    linear work.  Counted, not timed: the Python and built-in calls of a load of 300 and of
    3,000 subbasins (synthetic tree basins); linear work gives a ratio of about 10, a loop over
    all subbasins per subbasin about 100."""
    import sys

    from hydro.validation.problems import synthetic_watershed

    calls = {}
    for n in (300, 3000):
        path = synthetic_watershed(tmp_path / f"w{n}", n_subbasin=n, n_reservoir=2, years=1)
        Basin.load(path)  # imports and first-use caches out of the count
        count = [0]

        def tally(frame, event, arg, count=count):
            if event in ("call", "c_call"):
                count[0] += 1

        sys.setprofile(tally)
        try:
            Basin.load(path)
        finally:
            sys.setprofile(None)
        calls[n] = count[0]
    assert calls[3000] / calls[300] < 11.0, calls  # 10.0 when written


def test_loading_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    """Basin.load pauses the cyclic garbage collector while it reads (issue 16) and restores
    its state after, also when the file is wrong."""
    import gc

    assert gc.isenabled()
    try:
        Basin.load("tiny")
        assert gc.isenabled()
        bad = tmp_path / "basin.toml"
        bad.write_text("[basin]\nname = 1\n")
        with pytest.raises(HydroError):
            Basin.load(bad)
        assert gc.isenabled()
        gc.disable()
        Basin.load("tiny")
        assert not gc.isenabled()
    finally:
        gc.enable()
