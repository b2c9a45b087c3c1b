"""Refused, naming file and key (error-message review, 2026-12-06; was accepted): [weather] lapse_c_per_km in
degC per m (0.0065) or an impossible 65 degC/km was accepted: the snow bands and the subbasins' temperatures
then take no (or a tenfold) lapse (hydro/watershed_tables.py:135 checks only minimum=0)."""
import pytest
from err_review_common import short_run, user_error, watershed


@pytest.mark.parametrize("value", ["0.0065", "65.0"])
def test_a_lapse_rate_outside_the_atmospheres_is_refused(tmp_path, value):
    folder = watershed(tmp_path, ("lapse_c_per_km = 6.5", f"lapse_c_per_km = {value}"))
    user_error(short_run(folder), "basin.toml", "weather.lapse_c_per_km", "per km")
