"""FAILS on s45 (finding F4 in FINDINGS.md): config_sha256's canonical overrides (review F7, commit
fe21e34) promise one hash for one configuration (docs/results.md: "run.courant=0.5 for 0.50 or ' = 0.5'"),
but ``run.courant=1`` and ``run.courant=1.0`` (the same float setting, 1.0, once read) give two hashes:
hydro.config_hash.canonical_change writes the parsed TOML integer 1 as ``1`` and the float as ``1.0``."""

from __future__ import annotations

from pathlib import Path

from hydro.basin import Basin
from hydro.config_hash import canonical_change

TINY = Path(__file__).resolve().parents[1] / "configs" / "examples" / "tiny"


def test_an_integer_and_a_float_of_one_setting_give_one_hash():
    a = Basin.load(TINY, overrides=["run.courant=1"])
    b = Basin.load(TINY, overrides=["run.courant=1.0"])
    assert a.settings == b.settings  # the same configuration once read
    assert a.sha256 == b.sha256


def test_canonical_change_takes_a_whole_number_as_the_float_it_reads_as():
    assert canonical_change("run.courant=1") == canonical_change("run.courant=1.0") == canonical_change(
        "run.courant = 1e0")
