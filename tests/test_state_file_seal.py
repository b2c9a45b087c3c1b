"""A saved state edited (or damaged) by hand is refused, naming the file (error-message review, 2026-12-06):
negative TN concentrations ran and wrote negative concentrations and loads, a negative reservoir volume was
blamed on evaporation, and a day changed in the state's record started a later month from another day's state.
The file carries a seal (hydro.state_file.seal); states saved before it still load."""
import json

import numpy as np
import pytest
from err_review_common import invoke, user_error, watershed


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = watershed(tmp_path_factory.mktemp("st"))
    r = invoke("run", folder, "--end", "2001-06-30", "-q", "-o", folder / "a.nc", "--save-state", folder / "s.npz")
    assert r.exit_code == 0, r.output
    return folder


def _edit(folder, array=None, value=None, meta=None):
    """The saved state with one array or its record changed, its seal copied as it was (a hand edit)."""
    z = dict(np.load(folder / "s.npz"))
    m = json.loads(bytes(z["meta_json"]).decode())
    if array:
        z[array] = np.full_like(z[array], value)
    if meta:
        m.update(meta)
    z["meta_json"] = np.frombuffer(json.dumps(m).encode(), dtype=np.uint8)
    out = folder / "edited.npz"
    np.savez(out, **z)
    return out


def _cont(folder, state, start="2001-07-01"):
    return invoke("run", folder, "--start", start, "--end", "2001-07-31", "--from-state", state,
                  "-q", "-o", folder / "b.nc", "--overwrite")


def _array(folder, dotted):
    m = json.loads(bytes(np.load(folder / "s.npz")["meta_json"]).decode())["state"]
    for k in dotted.split("."):
        m = m["fields"][k]
    return m["array"]


def test_negative_concentrations_in_a_state_are_refused(saved):
    state = _edit(saved, _array(saved, "transport.conc"), -3.0)
    user_error(_cont(saved, state), "edited.npz", "changed after hydro wrote it")


def test_a_negative_reservoir_volume_in_a_state_names_the_state(saved):
    state = _edit(saved, _array(saved, "routing.res_volume"), -5.0)
    result = _cont(saved, state)
    user_error(result, "edited.npz")
    assert "evaporation_mm_per_day" not in result.output


def test_a_state_whose_day_was_edited_is_refused(saved):
    state = _edit(saved, meta={"day": "2001-07-15"})
    user_error(_cont(saved, state, "2001-07-15"), "edited.npz", "changed after hydro wrote it")


def test_a_state_as_saved_and_one_saved_before_the_seal_both_run(saved):
    assert _cont(saved, saved / "s.npz").exit_code == 0
    z = dict(np.load(saved / "s.npz"))
    z.pop("seal_sha256")  # its seal removed with an edit: refused
    np.savez(saved / "unsealed.npz", **z)
    user_error(_cont(saved, saved / "unsealed.npz"), "unsealed.npz", "its seal is gone")
    m = json.loads(bytes(z["meta_json"]).decode())
    m["format"] = "hydro-state-1"  # a state written before 2026-12-06: no seal, read
    z["meta_json"] = np.frombuffer(json.dumps(m).encode(), dtype=np.uint8)
    np.savez(saved / "old.npz", **z)
    assert _cont(saved, saved / "old.npz").exit_code == 0
