"""Refused, naming file and key (error-message review, 2026-12-06; was accepted): a Miyun subbasin's area typed
100 times too large (hectares as km2: 90,000 km2 in Fengning, a county of 8,765 km2 by [[counties]]) was
accepted; the basin becomes 104,888 km2 against 15,788."""
import shutil

import pytest
from err_review_common import ROOT, short_run, user_error


@pytest.mark.parametrize("area", ["90000", "17500"])  # hectares as km2; twice the county (diff review)
def test_subbasins_larger_than_their_county_are_refused(tmp_path, area):
    shutil.copytree(ROOT / "basins" / "miyun", tmp_path / "miyun")
    shutil.copytree(ROOT / "basins" / "region", tmp_path / "region")
    path = tmp_path / "miyun" / "basin.toml"
    text = path.read_text(encoding="utf-8")
    old = "area_km2 = 900        # ESTIMATE (S8.2)"
    assert old in text
    path.write_text(text.replace(old, f"area_km2 = {area}      # ESTIMATE (S8.2)", 1), encoding="utf-8")
    result = short_run(tmp_path / "miyun")
    user_error(result, "basin.toml", "area_km2", "Fengning")
