"""Refused, naming file and key (error-message review, 2026-12-06; was accepted): GR4J's x1_mm written in metres
(0.45 for 450 mm) was accepted: a production store of half a millimetre sends nearly all rain to runoff
(hydro/gr4j_parameters.py:25: lower bound 0, open)."""
from err_review_common import ROOT, short_run, user_error, watershed


def test_an_x1_below_a_millimetre_range_is_refused(tmp_path):
    folder = watershed(tmp_path, ("x1_mm = 450.0", "x1_mm = 0.45"))
    user_error(short_run(folder), "basin.toml", "runoff.x1_mm", "mm")


def test_a_catchment_file_gets_the_same_checks(tmp_path):
    """A lumped catchment's [gr4j] is read with the basin files' bounds (diff review, 2026-12-06: x1 in metres and
    x4 in hours ran there)."""
    import shutil

    import pytest

    from hydro.catchment import Catchment
    from hydro.errors import HydroError

    src = ROOT / "validation" / "calibration" / "leguer"
    for old, new, says in (("x1_mm = 350.0", "x1_mm = 0.35", "metres"), ("x4_days = 1.7", "x4_days = 41.0", "hours")):
        folder = tmp_path / says
        shutil.copytree(src, folder)
        path = folder / "catchment.toml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(HydroError, match=says):
            Catchment.from_toml(path)
