"""benchmarks/adversarial_transport.py, the adversarial sweep of the transport (docs/solver.md,
"Dispersion every K advection sub-steps"), runs, and on a plain seed its metrics hold: mass closes,
and source tags, regrouped or not, add up to the summed run, to round-off."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import adversarial_transport  # noqa: E402


def test_a_seed_without_a_lake_closes_and_its_tags_add_up():
    """Seed 23 (3 reaches, no reservoir, a plain constituent on 5 source tags, swinging flows): the
    budgets close and tags add up to 1e-12 (round-off over the run's sub-steps; measured 1e-14) on
    the global step with dispersion every 1 and 7."""
    desc, rows = adversarial_transport.one_seed(23, ["K1", "K7"])
    assert desc["res"] is False and set(rows) == {"K1", "K7"}
    for path, m in rows.items():
        assert "error" not in m, path
        for key in ("closure", "add_tag", "add_reg", "add_load"):
            assert 0.0 <= m[key] <= 1e-12, (path, key, m[key])
