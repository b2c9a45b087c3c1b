"""Refused, naming file and key (error-message review, 2026-12-06; was accepted): GR4J's x1_mm written in metres
(0.45 for 450 mm) was accepted: a production store of half a millimetre sends nearly all rain to runoff
(hydro/gr4j_parameters.py:25: lower bound 0, open)."""
from err_review_common import short_run, user_error, watershed


def test_an_x1_below_a_millimetre_range_is_refused(tmp_path):
    folder = watershed(tmp_path, ("x1_mm = 450.0", "x1_mm = 0.45"))
    user_error(short_run(folder), "basin.toml", "runoff.x1_mm", "mm")
