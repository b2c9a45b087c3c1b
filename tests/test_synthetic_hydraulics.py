"""The synthetic benchmark watershed's reach hydraulics (:mod:`hydro.validation.synthetic_basin`).

Since 2 Dec 2026 its reaches follow a downstream hydraulic geometry at their mean discharge
(velocity ~ Qm**0.1, width ~ Qm**0.5, Leopold & Maddock 1953) instead of the at-a-station laws
used as downstream ones (velocities of 13 m/s at 10,000 reaches); ``hydraulics="at_a_station"``
keeps issue 16's basin, byte for byte.
"""

from __future__ import annotations

import hashlib
import tomllib

import numpy as np
import pytest

from hydro.validation import synthetic_basin as sb
from hydro.validation.problems import synthetic_watershed

#: sha256 of basin.toml as the generator wrote it before 2 Dec 2026 (computed with commit 07ec9d1,
#: before the downstream law was added): (n_subbasin, n_reservoir, years) -> digest.
LEGACY_SHA256 = {
    (30, 2, 1): "895dc887103eda02e7c1cab3ea8b99e182e5ba461226a1b22e546ba4202d09c4",
    (50, 2, 20): "644e8f5cd671ccb11226e757d970e28a009396aecc688cdeea60e5fa402212f6",
}


def _reach_tables(path):
    """The reaches, their upstream areas (km2, walked here through the reservoirs, independently
    of the generator's own walk) and the basin's weather."""
    from hydro.weather import read_forcing_csv

    basin = tomllib.loads(path.read_text())
    reaches = basin["reaches"]
    index = {r["id"]: i for i, r in enumerate(reaches)}
    below = {r["id"]: r["downstream"] for r in basin.get("reservoirs", [])}
    area = np.zeros(len(reaches))
    for s in basin["subbasins"]:
        area[index[s["reach"]]] += s["area_km2"]
    for i, r in enumerate(reaches):  # each reach drains to a later one
        down = below.get(r.get("downstream"), r.get("downstream"))
        if down:
            area[index[down]] += area[i]
    return reaches, area, read_forcing_csv(path.parent / "weather.csv")


@pytest.mark.parametrize("size", sorted(LEGACY_SHA256))
def test_at_a_station_is_the_file_written_before(tmp_path, size):
    n, res, years = size
    path = synthetic_watershed(tmp_path, n_subbasin=n, n_reservoir=res, years=years, hydraulics="at_a_station")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == LEGACY_SHA256[size]


def test_only_velocity_and_width_of_large_reaches_move(tmp_path):
    """Every draw in the same order: the weather and every line but the coefficients of velocity and
    width are the same in both modes, and those change exactly on the reaches whose estimated mean
    discharge is above 10 m3/s (there, both change)."""
    old = synthetic_watershed(tmp_path / "old", n_subbasin=300, n_reservoir=2, years=2, hydraulics="at_a_station")
    new = synthetic_watershed(tmp_path / "new", n_subbasin=300, n_reservoir=2, years=2)
    assert (old.parent / "weather.csv").read_bytes() == (new.parent / "weather.csv").read_bytes()
    a, b = old.read_text().splitlines(), new.read_text().splitlines()
    assert len(a) == len(b)
    moved = [x.split(" = ")[0] for x, y in zip(a, b, strict=True) if x != y]
    assert set(moved) == {"velocity_coeff", "width_coeff"}
    reaches, area, weather = _reach_tables(new)
    large = area * sb.nominal_specific_discharge(weather) > sb.REFERENCE_DISCHARGE_M3_S
    assert 0 < large.sum() < len(reaches)  # both kinds of reach are there
    old_reaches = tomllib.loads(old.read_text())["reaches"]
    for r, o, big in zip(reaches, old_reaches, large, strict=True):
        assert (r["velocity_coeff"] != o["velocity_coeff"]) == big
        assert (r["width_coeff"] != o["width_coeff"]) == big


def test_velocity_and_depth_at_mean_discharge_are_physical(tmp_path):
    """10,000 reaches (generation only, about a second): at its estimated mean discharge (its
    upstream area times the nominal specific discharge) every reach flows slower than 3 m/s,
    where issue 16's basin had thousands above it, and the velocity and width follow the
    downstream law above 10 m3/s; depth at mean flow stays that of a river."""
    path = synthetic_watershed(tmp_path / "new", n_subbasin=10000, n_reservoir=2, years=1)
    reaches, area, weather = _reach_tables(path)
    q = area * sb.nominal_specific_discharge(weather)
    a = np.array([r["velocity_coeff"] for r in reaches])
    c = np.array([r["width_coeff"] for r in reaches])
    v, w = a * q ** 0.33, c * q ** 0.45
    assert q.max() > 20000.0  # a Mississippi-sized outlet: the law is tested where it matters
    assert v.max() < 3.0
    old = tomllib.loads(synthetic_watershed(tmp_path / "old", n_subbasin=10000, n_reservoir=2, years=1,
                                            hydraulics="at_a_station").read_text())["reaches"]
    a_old = np.array([r["velocity_coeff"] for r in old])
    assert ((a_old * q ** 0.33) > 3.0).sum() > 4000  # what was wrong (4,589 reaches)
    big = q > sb.REFERENCE_DISCHARGE_M3_S
    ref = sb.REFERENCE_DISCHARGE_M3_S
    # the drawn coefficient's value at 10 m3/s, carried by Qm**0.1 (velocity) and Qm**0.5 (width);
    # rtol 2e-3: the coefficients are printed to 5 and 3 decimals (as small as 0.03 and 6 there)
    assert v[big] == pytest.approx(a_old[big] * ref ** 0.33 * (q[big] / ref) ** 0.1, rel=2e-3)
    c_old = np.array([r["width_coeff"] for r in old])
    assert w[big] == pytest.approx(c_old[big] * ref ** 0.45 * (q[big] / ref) ** 0.5, rel=2e-3)
    depth = q / (v * w)
    # depth ~ Qm**0.4 from 0.5-1.7 m at 10 m3/s: a median of 17 m at the 23,000 m3/s outlet; the
    # deepest reaches (low drawn velocity and width together) 36 m, 29 of them above 30 m
    assert np.median(depth[q > 10000.0]) < 25.0
    assert depth.max() < 40.0


def test_estimated_mean_discharge_against_a_run(tmp_path):
    """The estimate (upstream area x the nominal subbasin's GR4J specific discharge) against the
    model's mean discharge over the run, on the reaches above any reservoir draining at least
    3,000 km2 (ten subbasins or more, so the subbasins' own spread of precipitation factor and
    elevation averages out).  Measured: 2001, 1,000 reaches, the estimate 1.3 % above the run's
    median; 5 % on the median allows for the snow and the spread the estimate leaves out (a 5 %
    error moves a velocity by 1 %), 12 % for any one reach (their 5-95 % spread was -5..+1 %)."""
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed

    path = synthetic_watershed(tmp_path, n_subbasin=200, n_reservoir=2, years=1)
    reaches, area, weather = _reach_tables(path)
    basin = Basin.load(path)
    res = run_watershed(basin, basin.settings.start, basin.settings.end)
    run_q = np.asarray(res.data["discharge"]).mean(axis=0)
    assert list(res.coords["reach"]) == [r["id"] for r in reaches]
    first_res = min(int(r["downstream"][1:]) for r in tomllib.loads(path.read_text())["reservoirs"])
    above = (area >= 3000.0) & (np.arange(len(reaches)) < first_res)  # reaches are numbered downstream
    assert above.sum() >= 10
    ratio = area[above] * sb.nominal_specific_discharge(weather) / run_q[above]
    assert np.median(ratio) == pytest.approx(1.0, abs=0.05)
    assert np.abs(ratio - 1.0).max() < 0.12


def test_unknown_hydraulics_is_a_clear_error(tmp_path):
    from hydro.errors import HydroError

    with pytest.raises(HydroError, match="downstream, at_a_station"):
        synthetic_watershed(tmp_path, n_subbasin=3, hydraulics="downstream_only")
