"""Review of setting up a new watershed basin from the docs (outside reviewer B, 2026-12-05).

Each case below ran before the review and gave wrong numbers without a word; now refused at load.

Each case is a mistake a new user makes that `Basin.load` accepts today and that then gives
silently wrong numbers. Each test expects the load to refuse it with a HydroError naming the key.
Fast: loading only, no run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hydro.basin import Basin
from hydro.errors import HydroError

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs" / "examples" / "watershed"


def _copy(tmp_path: Path, old: str, new: str, append: str = "") -> Path:
    dest = tmp_path / "ws"
    shutil.copytree(WATERSHED, dest)
    path = dest / "basin.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1) + append, encoding="utf-8")
    return dest


def test_the_unedited_example_loads(tmp_path):
    Basin.load(_copy(tmp_path, 'id = "outlet"', 'id = "outlet"'))


# (id, old, new, appended text, fragments the message must hold)
CASES = [
    # A section with a reservoir's id: `hydro compensate` then judges the reservoir (in-lake
    # TN, reservoir inflow) where the agreement names the section, with no warning.
    ("section-id-is-a-reservoir-id", 'id = "outlet"', 'id = "lake"', "", ["lake"]),
    # Water surface in ha written as km2: 100x the deposition on water, more than the subbasin.
    ("water-area-above-subbasin-area", "water_area_km2 = 9.0", "water_area_km2 = 900.0", "",
     ["water_area_km2"]),
    # A reservoir without a surface: no evaporation, no settling, lake TN +35 % on the review basin.
    ("reservoir-area-all-zero", "area_km2 = [0.5, 6.0, 14.0, 22.0]", "area_km2 = [0.0, 0.0, 0.0, 0.0]", "",
     ["area_km2"]),
    # Areas in ha as km2: the curve's storage is 100x less than its area x level difference
    # (mean depth 0.1 m), evaporation 50x, lake TN 10x lower on the review basin.
    ("reservoir-area-inconsistent-with-storage", "area_km2 = [0.5, 6.0, 14.0, 22.0]",
     "area_km2 = [50.0, 600.0, 1400.0, 2200.0]", "", ["area_km2"]),
    # A percentage as the ratio: 95x the station's precipitation (70,000 mm a year).
    ("precip-factor-as-percent", "precip_factor = 0.95", "precip_factor = 95", "", ["precip_factor"]),
    # ug/L as mg/L in [initial]: the reservoir starts at 1,200 mg/L TN (EMC and transfer TN are
    # bounded at 1,000 mg/L, [initial] is not).
    ("initial-concentration-ug-per-l", "tn_mg_per_l = 1.2 ", "tn_mg_per_l = 1200.0 ", "",
     ["initial", "tn_mg_per_l"]),
    # m3/d written as m3/s: a target release of 172,800 m3/s (above the 1e5 m3/s every other
    # flow is bounded by) keeps the reservoir at dead storage all run, without a note.
    ("target-release-above-any-river",
     "target_release_m3_s = [1.5, 1.5, 2.0, 3.0, 4.0, 4.0, 4.0, 4.0, 3.0, 2.0, 1.5, 1.5]",
     "target_release_m3_s = 172800.0", "", ["target_release_m3_s"]),
]


@pytest.mark.parametrize("old,new,extra,names", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_new_user_mistake_is_refused_at_load(tmp_path, old, new, extra, names):
    folder = _copy(tmp_path, old, new, extra)
    with pytest.raises(HydroError) as err:
        Basin.load(folder)
    msg = str(err.value)
    assert "basin.toml" in msg
    for name in names:
        assert name in msg, (name, msg)


def test_a_plant_discharging_a_river_is_refused(tmp_path):
    """m3 a year written as m3 a day (1e8 m3/d, 1,157 m3/s from one plant) ran and turned the lake's TN
    to 14.7 mg/L; the largest plants discharge a few million m3 a day, so 1e7 is the bound."""
    text = (WATERSHED / "basin.toml").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.strip().startswith("discharge_m3_per_day"))
    with pytest.raises(HydroError, match=r"discharge_m3_per_day.*<= 10000000.0.*m3 a year given as m3 a day"):
        Basin.load(_copy(tmp_path, old, "discharge_m3_per_day = 1.0e8"))
    Basin.load(_copy(tmp_path / "ok", old, "discharge_m3_per_day = 1.0e7"))  # at the bound: accepted


def test_initial_storage_outside_the_curve_names_the_curve(tmp_path):
    """The message gave no value, range or unit."""
    text = (WATERSHED / "basin.toml").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.strip().startswith("initial_storage_mcm"))
    with pytest.raises(HydroError, match=r"initial_storage_mcm.*1e\+06 mcm lies outside the storage curve "
                                         r"\(0 to 310 mcm, 10\^6 m3\)"):
        Basin.load(_copy(tmp_path, old, "initial_storage_mcm = 1.0e6"))


def test_a_curve_within_a_factor_three_of_its_areas_loads(tmp_path):
    """The bound is a unit check, not a survey's: storage 2.9 times what the areas hold still loads (a
    published curve keeps within 25 %), 3.1 times is refused; areas 0 at the lowest level are fine."""
    text = (WATERSHED / "basin.toml").read_text(encoding="utf-8")
    levels = next(line for line in text.splitlines() if line.strip().startswith("level_m"))
    storage = next(line for line in text.splitlines() if line.strip().startswith("storage_mcm"))
    area = next(line for line in text.splitlines() if line.strip().startswith("area_km2 = ["))
    import tomllib

    h = tomllib.loads(levels)["level_m"]
    v = tomllib.loads(storage)["storage_mcm"]
    # areas rising linearly from 0, scaled so that they hold (v[-1] - v[0]) / factor
    shape = [(x - h[0]) / (h[-1] - h[0]) for x in h]
    held = sum((b - a) * 0.5 * (s + t) for a, b, s, t in zip(h, h[1:], shape, shape[1:], strict=False))
    for factor, ok in ((2.9, True), (3.1, False), (1 / 2.9, True), (1 / 3.1, False)):
        scale = (v[-1] - v[0]) / factor / held
        new = "area_km2 = [" + ", ".join(f"{s * scale:.9g}" for s in shape) + "]"
        folder = _copy(tmp_path / f"f{factor:.3f}", area, new)
        if ok:
            Basin.load(folder)
        else:
            with pytest.raises(HydroError, match="check the units"):
                Basin.load(folder)


def test_results_with_a_section_named_like_a_reservoir_are_refused(tmp_path):
    """A results file written before the basin check (or by other means) with a section and a reservoir
    of one id: an agreement's rule naming it read one of the two without saying which."""
    import netCDF4
    import numpy as np
    from test_compensation import write_results

    from hydro.monitoring import read_results

    path = write_results(tmp_path / "r.nc")
    with netCDF4.Dataset(path, "a") as ds:
        ds.createDimension("reservoir", 1)
        r = ds.createVariable("reservoir", str, ("reservoir",))
        r[0] = "gubeikou"
        v = ds.createVariable("reservoir_inflow", "f8", ("time", "reservoir"))
        v.units = "m3 s-1"
        v[:] = np.ones((365, 1))
    with pytest.raises(HydroError, match="'gubeikou' is both a section and a reservoir"):
        read_results(path)


def test_a_day_of_too_many_substeps_names_a_flood_of_that_day():
    """A transfer of 40,000 m3/s (m3 a day in the m3-per-second column) was blamed on the cells alone
    ("give such reaches fewer cells"); a flow over 100 times its reach's median now comes first."""
    import numpy as np
    from test_transport import random_case

    from hydro.transport_checks import check_substeps

    net, _, _ = random_case(1, 3, reservoir=False)
    n_reach = len(net.reaches)
    q_in = np.full((30, n_reach), 2.0)
    substeps = np.full(30, 10)
    substeps[7] = 10**6
    with pytest.raises(HydroError) as calm:
        check_substeps(net, substeps, 1000, None, q_in)
    assert "day 8 of the run" in str(calm.value) and "times its median" not in str(calm.value)
    q_in[7, n_reach - 1] = 40000.0
    with pytest.raises(HydroError, match=rf"That day reach '{net.reaches[-1].id}' takes 4e\+04 m3/s, 2e\+04 times "
                                         r"its median .* \(m3 per second, not per day\)"):
        check_substeps(net, substeps, 1000, None, q_in)


def test_a_curve_that_contradicts_itself_in_one_segment_is_refused(tmp_path):
    """Units review, 2026-12-06: Yunzhou's top segment rose 15 mcm where its areas held 42.5 (0.35 of it, 0.45 of
    the whole curve's 0.77) and loaded; a segment within a factor 2 of its curve's ratio still loads."""
    text = (WATERSHED / "basin.toml").read_text(encoding="utf-8")
    area = next(line for line in text.splitlines() if line.strip().startswith("area_km2 = ["))
    import tomllib

    values = tomllib.loads(area)["area_km2"]
    # the top area 5 times: the lower segments then hold 2.2-2.4 times what their areas do, against the whole's
    wide = "area_km2 = [" + ", ".join(f"{x:.9g}" for x in values[:-1] + [values[-1] * 5.0]) + "]"
    with pytest.raises(HydroError, match=r"the curve contradicts itself there; correct that segment's area"):
        Basin.load(_copy(tmp_path / "wide", area, wide))
    some = "area_km2 = [" + ", ".join(f"{x:.9g}" for x in values[:-1] + [values[-1] * 1.3]) + "]"
    Basin.load(_copy(tmp_path / "some", area, some))
