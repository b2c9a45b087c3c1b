"""Refused, naming file and key (error-message review, 2026-12-06; was accepted): a reservoir's county misspelt
(or two counties in one string with a full-width comma) in a basin without [[counties]] was accepted; hydro
gep --by county then credits the lake's purification to a county no subbasin has, with no province
(hydro/reservoir_location.py:88 returns unchecked)."""
from err_review_common import EM, short_run, user_error, watershed


def test_a_reservoir_county_no_subbasin_names_is_refused(tmp_path):
    folder = watershed(tmp_path, (EM, EM + '\ncounty = "Lake distrcit"'))
    user_error(short_run(folder), "basin.toml", "reservoirs[0].county", "Lake distrcit", "Lake district")


def test_two_counties_in_one_string_are_refused(tmp_path):
    two = '\ncounty = "Lake district，Foothill county"\nprovince = "Downstream province"'
    folder = watershed(tmp_path, (EM, EM + two))
    user_error(short_run(folder), "basin.toml", "reservoirs[0].county", "list")


def test_a_reservoir_province_against_its_subbasins_is_refused(tmp_path):
    # every subbasin of 'Lake district' says 'Downstream province'
    folder = watershed(tmp_path, (EM, EM + '\ncounty = "Lake district"\nprovince = "Upstream province"'))
    user_error(short_run(folder), "basin.toml", "reservoirs[0].province", "Downstream province")
