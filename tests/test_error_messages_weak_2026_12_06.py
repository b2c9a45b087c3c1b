"""Messages the error-message review (2026-12-06) found weak: each now says what it lacked."""

from __future__ import annotations

import pytest

from hydro.errors import HydroError
from hydro.overrides import parse_assignment


def test_a_full_width_equals_in_set_is_named():
    with pytest.raises(HydroError, match=r"U\+FF1D, a full-width equals sign.*use '='"):
        parse_assignment("runoff.x1_mm＝450", "--set runoff.x1_mm＝450")


def test_a_missing_state_file_from_python_names_the_argument(tmp_path):
    from hydro import Model

    with pytest.raises(HydroError, match=r"nope.npz: file not found \(from_state\)"):
        Model.from_basin("watershed").run(from_state=tmp_path / "nope.npz")
