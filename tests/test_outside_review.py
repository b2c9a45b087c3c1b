"""Review of the model outside the transport kernel (issues 14 and 16): what was computed in
groups rather than one subbasin at a time gives the same values, to the bit."""

import numpy as np
import pytest

from hydro.snow import SnowBands, _band_inputs, solid_fraction_hydrotel, solid_fraction_usace


def _band_inputs_one_by_one(band_list, p, t, tmin, tmax):
    """The solid fractions as computed subbasin by subbasin before (the reference)."""
    rows = []
    for i, b in enumerate(band_list):
        dt = b.temp_offsets()
        if b.method() == "hydrotel":
            rows.append(solid_fraction_hydrotel(tmin[i] + dt[:, None], tmax[i] + dt[:, None]))
        else:
            rows.append(solid_fraction_usace(t[i] + dt[:, None]))
    return np.concatenate(rows)


def test_band_solid_fractions_the_same_as_subbasin_by_subbasin():
    rng = np.random.default_rng(7)
    n, days = 40, 50
    # every method, one to five bands, stations below and above the 'auto' threshold
    bands = [SnowBands(station_elevation_m=float(rng.uniform(100, 2500)),
                       band_elevations_m=tuple(float(z) for z in rng.uniform(200, 3000, int(rng.integers(1, 6)))),
                       solid_fraction=("hydrotel", "usace", "auto")[k % 3]) for k in range(n)]
    t = rng.normal(0.0, 8.0, (n, days))
    tmin, tmax = t - rng.uniform(0, 6, (n, days)), t + rng.uniform(0, 6, (n, days))
    tmax[0, :5] = tmin[0, :5]  # no range on some days: the 'span' guard
    p = rng.uniform(0, 20, (n, days))
    owner, _, _, _, sf = _band_inputs(bands, p, t, tmin, tmax)
    expected = _band_inputs_one_by_one(bands, p, t, tmin, tmax)
    assert {b.method() for b in bands} == {"hydrotel", "usace"}
    assert owner.size == expected.shape[0]
    assert sf.tobytes() == expected.tobytes()


@pytest.mark.parametrize("group", [1, 7])
def test_snow_thresholds_the_same_in_groups(monkeypatch, group):
    import hydro.watershed as watershed
    from hydro.basin import Basin

    ws = watershed.Watershed.from_basin(Basin.load("miyun"))
    whole = watershed.snow_thresholds(ws)
    monkeypatch.setattr(watershed, "THRESHOLD_GROUP", group)  # 25 subbasins: uneven groups too
    assert watershed.snow_thresholds(ws).tobytes() == whole.tobytes()


def test_snow_thresholds_groups_bounded_by_band_days(monkeypatch):
    import hydro.watershed as watershed
    from hydro.basin import Basin
    from hydro.weather import station_record

    ws = watershed.Watershed.from_basin(Basin.load("miyun"))
    whole = watershed.snow_thresholds(ws)
    days = len(station_record(ws.weather.csv).precip_mm)
    most = max(len(s.band_elevations_m) for s in ws.subbasins)
    sizes = []  # subbasins of each group, counted through _band_inputs (imported when called)
    import hydro.snow as snow

    band_inputs = snow._band_inputs

    def counted(bands, *a):
        sizes.append(len(bands))
        return band_inputs(bands, *a)

    monkeypatch.setattr(snow, "_band_inputs", counted)
    monkeypatch.setattr(watershed, "THRESHOLD_BAND_DAYS", 7 * most * days + 1)  # 7 subbasins' band-days
    assert watershed.snow_thresholds(ws).tobytes() == whole.tobytes()
    assert sizes == [7, 7, 7, 3]  # 24 subbasins: never more band-days together than the bound


def test_basin_loaded_frozen_leaves_the_collector_on_even_on_errors(monkeypatch):
    import gc

    import hydro.clitools
    from hydro.cli import _load_frozen
    from hydro.errors import HydroError

    def fails(*args):
        assert not gc.isenabled()  # off while the basin is read
        raise HydroError("no such basin")

    monkeypatch.setattr(hydro.clitools, "load_basin", fails)
    try:
        with pytest.raises(HydroError):
            _load_frozen("nowhere")
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_subbasin_pet_of_one_latitude_the_same_as_per_subbasin():
    import datetime

    from hydro.basin import Basin
    from hydro.pet import day_of_year, oudin_pet
    from hydro.watershed import Watershed, subbasin_weather

    ws = Watershed.from_basin(Basin.load("miyun"))  # its subbasins share the station's latitude
    dates = [datetime.date(2003, 1, 1) + datetime.timedelta(days=i) for i in range(800)]
    w = subbasin_weather(ws, dates)
    lat = np.array([s.latitude_deg for s in ws.subbasins])[:, None]
    assert (lat == lat[0, 0]).all()
    doy = day_of_year(np.array(dates, dtype="datetime64[D]"))
    assert w.pet_mm.tobytes() == np.asarray(oudin_pet(w.tmean_c, lat, doy[None, :])).tobytes()
