"""The wash-off store in the results (issue 13): ``washoff_n_storage`` [time, subbasin] (kg).

The store holds years of rural and livestock build-up on Miyun and Guanting; without its content in
the file a subbasin's N budget (build-up = washed off + lost + change in store) could not be closed,
nor could a user see how much of a measure's effect is still on the land at the end of a run.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.blocked import run_blocks
from hydro.pipeline import run_watershed

#: Miyun's wash-off timing on the synthetic watershed's first subbasin only (the edits replace the
#: first occurrence): a store with a loss, washed by the filtered quick flow; the others have none.
WASHOFF = [("[subbasins.sources.land_use.forest]\n",
            '[subbasins.sources]\ndelivery_timing = "washoff"\n[subbasins.sources.land_use.forest]\n'),
           ("water_area_km2 = 0.5\n", "water_area_km2 = 0.5\n[subbasins.sources.timing]\nwashoff_per_mm = 0.18\n"
            'surface_fraction = 0.3\nwashoff_loss_per_day = 0.002\nwashoff_flow = "filtered"\n')]


@pytest.fixture(scope="module")
def basin(tmp_path_factory):
    from hydro.validation.problems import synthetic_watershed

    path = synthetic_watershed(tmp_path_factory.mktemp("washoff-storage"), n_subbasin=3, n_reservoir=1, years=3)
    text = path.read_text(encoding="utf-8")
    for old, new in WASHOFF:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return Basin.load(path)


@pytest.fixture(scope="module")
def captured(basin):
    """The run, and the TN wash-off store it ran (captured from :func:`hydro.sources.washoff.deliver`)."""
    import hydro.sources.loads as loads_module

    stores = []
    real = loads_module.deliver

    def spy(*args, **kwargs):
        stores.append(real(*args, **kwargs))
        return stores[-1]

    mp = pytest.MonkeyPatch()
    mp.setattr(loads_module, "deliver", spy)
    try:
        res = run_watershed(basin, basin.settings.start, basin.settings.end)
    finally:
        mp.undo()
    assert len(stores) == 1 and stores[0] is not None and stores[0].lost_kg_per_day is not None
    return res, stores[0]


def test_the_budget_closes_from_the_file(captured, tmp_path):
    """Build-up on days 2..N = washed + lost + storage[end] - storage[end of day 1], the storages read
    from the written file (float64 there: the daily change is ~1e-3 of the content, which float32's
    7 digits would blur).  Round-off: a sum of ~1000 terms of ~1e2 kg, 1e-9 of the build-up."""
    import xarray as xr

    from hydro.netcdf import write_results

    res, store = captured
    path = write_results(res, tmp_path / "w.nc")
    with xr.open_dataset(path) as ds:
        var = ds["washoff_n_storage"]
        assert var.dims == ("time", "subbasin") and var.attrs["units"] == "kg" and var.dtype == np.float64
        file_kg = var.values
    assert file_kg.shape == (len(res.dates), 3)
    assert np.all(file_kg[:, 1:] == 0.0)  # no store: 0
    s = file_kg[:, 0]
    assert s.min() > 0.0
    build, washed, lost = (a[1:, 0, :].sum() for a in (store.buildup_kg_per_day, store.washed_kg_per_day,
                                                      store.lost_kg_per_day))
    assert lost > 0.0 and washed > 0.0
    np.testing.assert_allclose(build, washed + lost + s[-1] - s[0], rtol=1e-9)
    np.testing.assert_array_equal(s, store.storage_kg[1:, 0, :].sum(axis=1))


def test_float32_keeps_the_store_in_64_bits(captured, tmp_path):
    import xarray as xr

    from hydro.netcdf import write_results
    from hydro.outputspec import OutputSpec

    path = write_results(captured[0], tmp_path / "f.nc", spec=OutputSpec(float32=True))
    with xr.open_dataset(path) as ds:
        assert ds["washoff_n_storage"].dtype == np.float64 and ds["subbasin_runoff"].dtype == np.float32


def test_blocks_give_the_same_store(basin, captured):
    """Blocks of one year carry the store's content: the same values as one piece to round-off
    (1e-12 of the content, as tests/test_blocked.py's tolerance, whose reasons hold here)."""
    one = captured[0].data["washoff_n_storage"]
    blocks = list(run_blocks(basin, basin.settings.start, basin.settings.end, 1))
    joined = np.concatenate([b.data["washoff_n_storage"] for b in blocks], axis=0)
    np.testing.assert_allclose(joined, one, rtol=0, atol=1e-12 * one.max())


def test_miyun_file_has_the_store(tmp_path):
    """A default ``hydro run miyun`` writes it, every Miyun subbasin having a store (kg, > 0)."""
    import xarray as xr

    from hydro.cli import main

    out = tmp_path / "m.nc"
    with pytest.raises(SystemExit) as stop:
        main(["run", "miyun", "--start", "2010-01-01", "--end", "2010-03-31", "-o", str(out), "--quiet"])
    assert stop.value.code in (0, None)
    with xr.open_dataset(out) as ds:
        s = ds["washoff_n_storage"].values
    assert s.shape[0] == (date(2010, 3, 31) - date(2010, 1, 1)).days + 1 and np.all(s > 0.0)
