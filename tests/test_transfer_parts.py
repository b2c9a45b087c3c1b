"""A transfer's total without the parts the basin simulates (outside review, 2026-12-04).

Both shipped basins simulate TP as dissolved and particulate P, and their transfers gave TP only:
the transport carries the parts, so the South-to-North water brought no TP into Miyun (1,060 kg in
2015, 2,760 kg in 2016) and the Yellow River water none into the Sanggan, without a word.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import hydro
from hydro.basin import ROOT
from hydro.errors import HydroError


def _miyun_copy(tmp_path):
    shutil.copytree(ROOT / "basins" / "miyun", tmp_path / "miyun")
    (tmp_path / "region").symlink_to(ROOT / "basins" / "region")
    return tmp_path / "miyun" / "basin.toml"


def test_a_total_without_its_simulated_parts_is_refused(tmp_path):
    toml = _miyun_copy(tmp_path)
    text = toml.read_text(encoding="utf-8")
    toml.write_text("\n".join(x for x in text.splitlines() if not x.startswith(("dp_mg_per_l", "pp_mg_per_l")))
                    + "\n", encoding="utf-8")
    with pytest.raises(HydroError, match=r"transfers\[0\]\.tp_mg_per_l': the basin simulates TP as dp, pp.*"
                                         r"give dp_mg_per_l and pp_mg_per_l"):
        hydro.open_basin(toml)


def test_the_shipped_transfers_bring_their_tp():
    from hydro.basin import Basin
    from hydro.transfers import read_transfers

    for name, spec_id in (("miyun", "snwd_miyun"), ("guanting", "yellow_river")):
        basin = Basin.load(name)
        spec = next(s for s in basin.transfers if s.id == spec_id)
        # the parts add up to the total (parts_problem checks it at load; here: both are given)
        assert spec.constants["dp"] + spec.constants["pp"] == pytest.approx(spec.constants["tp"], rel=1e-12)
    basin = Basin.load("miyun")
    dates = np.array(np.arange(np.datetime64("2016-01-01"), np.datetime64("2017-01-01")).astype(object))
    transfers = read_transfers(basin, list(dates))
    tp = sum(transfers.species_load(p)[0].sum() for p in ("dp", "pp")) * 86400 / 1000  # g/s a day -> kg
    flow = transfers.species_load("tn")[0].sum() * 86400 / 1.34                     # m3 (TN at 1.34 g/m3)
    assert tp == pytest.approx(flow * 0.020 / 1000, rel=1e-9) and tp > 1000.0       # 2,760 kg in 2016
