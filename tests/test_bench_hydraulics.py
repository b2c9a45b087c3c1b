"""The benchmarks that build synthetic basins share ``scaling.py``'s ``--hydraulics`` and ``--shape`` (no timing).

``benchmarks/scaling.py``, ``lts_threshold.py``, ``lts_cache.py`` and ``lts_lanes.py`` take
``--hydraulics downstream|at_a_station|both`` from one place (``_common.add_hydraulics_argument``),
build their basins with ``_common.build`` and suffix the records of issue 16's basins
(``_common.SUFFIX``), so that figures measured on either basin say which.  Checked here: the choices
are the generator's laws plus ``both``; ``build`` writes the generator's basin of each law byte for
byte; each script run on a tiny tree with ``--hydraulics both`` prints each record twice, the
issue's suffixed ``_at_a_station``, and measures different basins (the issue's takes more sub-steps).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import _common  # noqa: E402


def test_choices_are_the_generators_laws_and_both():
    import argparse

    from hydro.validation.synthetic_basin import HYDRAULICS

    parser = argparse.ArgumentParser()
    _common.add_hydraulics_argument(parser)
    assert parser.parse_args([]).hydraulics == "downstream"  # the generator's default: the physical basin
    assert tuple(_common.SUFFIX) == HYDRAULICS and _common.SUFFIX["downstream"] == ""
    assert _common.hydraulics_modes("both") == ["downstream", "at_a_station"]
    assert _common.hydraulics_modes("at_a_station") == ["at_a_station"]
    with pytest.raises(SystemExit):
        parser.parse_args(["--hydraulics", "at-a-station"])


@pytest.mark.parametrize("law", ["downstream", "at_a_station"])
def test_build_writes_the_generators_basin(tmp_path, law):
    from hydro.validation.problems import synthetic_watershed

    mine = _common.build(tmp_path / "a", 30, 1, law, seed=3)
    theirs = synthetic_watershed(tmp_path / "b", n_subbasin=30, n_reservoir=2, years=1, seed=3, hydraulics=law)
    assert mine.read_bytes() == theirs.read_bytes()


def _records(script: str, *args: str) -> tuple[dict, str]:
    out = subprocess.run([sys.executable, str(BENCH / script), *args, "--hydraulics", "both", "--json"],
                         check=True, capture_output=True, text=True)
    return {r["name"]: r for r in json.loads(out.stdout)}, out.stderr


def test_lts_threshold_both(tmp_path):
    recs, err = _records("lts_threshold.py", "--sizes", "40", "--rounds", "1", "--no-whole")
    assert set(recs) == {"lts_threshold_transport_cpu_seconds_40r",
                         "lts_threshold_transport_cpu_seconds_40r_at_a_station"}
    # one summary line per basin, each with its mean sub-steps a day: the basin is faster-flowing
    steps = [float(line.split(" sub-steps/day")[0].rsplit(" ", 1)[1]) for line in err.splitlines()
             if "sub-steps/day" in line]
    assert len(steps) == 2 and steps[0] < steps[1]


def test_lts_cache_both(tmp_path):
    recs, err = _records("lts_cache.py", "--reaches", "40", "--copies", "2", "--rounds", "1")
    assert set(recs) == {f"lts_cache_transport_cpu_seconds_{k}copies{s}" for k in (1, 2)
                         for s in ("", "_at_a_station")}
    # a line per basin and number of copies, each saying whether the copies took the single tree's steps
    # (with the default min_gain a few days may differ: tests/test_lts_cache_bench.py)
    assert err.count("(the single tree's: ") == 4
    assert "copies (downstream)" in err and "copies (at_a_station)" in err


def test_lts_lanes_both(tmp_path):
    recs, err = _records("lts_lanes.py", "--reaches", "40", "--rounds", "1")
    assert set(recs) == {f"lts_lanes_{what}_seconds_{way}{s}" for what in ("wall", "cpu")
                         for way in ("one_lane", "mock_two_threads") for s in ("", "_at_a_station")}
    assert "(downstream)" in err and "(at_a_station)" in err


def test_shape_argument_is_the_generators_shapes():
    """``--shape`` (scaling.py and lts_threshold.py, from ``_common.add_shape_argument``) offers the
    generator's tree shapes, chain3 by default and unsuffixed."""
    import argparse

    from hydro.validation.synthetic_basin import SHAPES

    parser = argparse.ArgumentParser()
    _common.add_shape_argument(parser)
    assert parser.parse_args([]).shape == "chain3" and _common.SHAPE_SUFFIX["chain3"] == ""
    assert tuple(_common.SHAPE_SUFFIX) == SHAPES
    with pytest.raises(SystemExit):
        parser.parse_args(["--shape", "ocn"])


def test_lts_threshold_hack_shape(tmp_path):
    """``lts_threshold.py --shape hack`` times the hack tree (records suffixed ``_hack`` after the
    hydraulics' suffix), and it is another basin than chain3's: its longest river is shorter, so the
    summary's sub-steps differ from chain3's on the same size."""
    hack, err_hack = _records("lts_threshold.py", "--sizes", "60", "--rounds", "1", "--no-whole", "--shape", "hack")
    assert set(hack) == {"lts_threshold_transport_cpu_seconds_60r_hack",
                         "lts_threshold_transport_cpu_seconds_60r_at_a_station_hack"}
    _, err_chain = _records("lts_threshold.py", "--sizes", "60", "--rounds", "1", "--no-whole")
    summary = [line for line in err_hack.splitlines() if "sub-steps/day" in line]
    assert len(summary) == 2 and summary != [line for line in err_chain.splitlines() if "sub-steps/day" in line]
