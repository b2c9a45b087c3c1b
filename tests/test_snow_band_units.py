"""Refused, naming file and key (error-message review, 2026-12-06; was accepted): snow bands given in km
(0.8..1.45 beside elevation_m = 1100), or a subbasin elevation in feet beside bands in m, were accepted; the
bands and the mean elevation must agree (hydro/watershed_tables.py:154 checks each band only against
ELEVATION_RANGE_M)."""
from err_review_common import short_run, user_error, watershed

BANDS = "band_elevations_m = [800.0, 1000.0, 1100.0, 1250.0, 1450.0]"


def test_bands_in_km_are_refused(tmp_path):
    folder = watershed(tmp_path, (BANDS, "band_elevations_m = [0.8, 1.0, 1.1, 1.25, 1.45]"))
    user_error(short_run(folder), "basin.toml", "subbasins[0].band_elevations_m", "elevation_m")


def test_an_elevation_far_above_its_bands_is_refused(tmp_path):
    folder = watershed(tmp_path, ("elevation_m = 1100.0", "elevation_m = 3609.0"))
    user_error(short_run(folder), "basin.toml", "subbasins[0]", "band_elevations_m")
