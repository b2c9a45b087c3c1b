"""Review of s49 (hydro/hydraulics.py accumulate, ``res_land_taken``): the shipped water-budget tests run the
example watershed under Muskingum-Cunge only; zeroing ``res_land_taken`` in :func:`hydro.hydraulics.accumulate`
(the routing of flow-driven runs and ``[run] routing = "accumulate"``) survived.  Each reservoir's inflow must
close from the file under accumulation too."""
from __future__ import annotations

import shutil
from datetime import date

import pytest

from hydro.basin import ROOT, Basin
from hydro.simulation import run

DAY = 86400.0


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("acc") / "ws"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    path = folder / "basin.toml"
    text = path.read_text(encoding="utf-8")
    assert 'routing = "auto"' in text
    path.write_text(text.replace('routing = "auto"', 'routing = "accumulate"', 1), encoding="utf-8")
    return run(Basin.load(folder), start=date(2001, 1, 1), end=date(2001, 12, 31)).to_xarray()


def test_reservoir_inflow_closes_under_accumulation(ds):
    assert "reach_routing_storage" not in ds  # accumulation holds no water in the reaches
    drains = dict(zip(ds["subbasin"].values.tolist(), ds["subbasin_drains_to"].values.tolist(), strict=True))
    area = ds["subbasin_area"].values * 1e6
    for s in ds["reservoir"].values.tolist():
        cols = [k for k, b in enumerate(ds["subbasin"].values.tolist()) if drains[b] == s]
        ups = [r for r, d in zip(ds["reach"].values.tolist(), ds["reach_downstream"].values.tolist(), strict=True)
               if d == s]
        land = float((ds["subbasin_runoff"].isel(subbasin=cols) * 1e-3 * area[cols]).sum()) / DAY
        rivers = float(ds["discharge"].sel(reach=ups).sum()) if ups else 0.0
        moved = (float(ds["reservoir_transfer_inflow"].sel(reservoir=s).sum())
                 if "reservoir_transfer_inflow" in ds else 0.0)
        inflow = float(ds["reservoir_inflow"].sel(reservoir=s).sum())
        removed = float(ds["reservoir_surface_runoff"].sel(reservoir=s).sum())
        assert removed > 0.0
        assert abs(rivers + land + moved - removed - inflow) <= 1e-9 * inflow, (s, rivers + land + moved - inflow)
