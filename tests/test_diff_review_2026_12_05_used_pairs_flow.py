"""Review of ca5c3ad..s43: used_pairs' docstring (hydro/compensation/rules.py) now says discharge is read for
"the volumes of quantity rules", but the code still adds ``flow`` at every rule's sections: a leftover of the
flow-weighted months, when a missing discharge day emptied the concentration's month too.  Now a quality-only
agreement on a file with one discharge day missing prints "missing: ... flow ..." about a series no rule
reads (hydro/compensation/notes.py missing_notes).  Fails at s43."""

from __future__ import annotations

from hydro.compensation.rules import QualityClassRule, QuantityRule, TnReductionRule, used_pairs
from hydro.monitoring import FLOW


def _rules():
    from pathlib import Path

    import hydro
    from hydro.compensation import Agreement

    root = Path(hydro.__file__).resolve().parents[1]
    return Agreement.from_toml(root / "configs/agreements/miyun_chaobai_phase1_2018.toml").rules


def test_flow_is_used_only_where_a_rule_reads_volumes():
    rules = _rules()
    quality = [r for r in rules if isinstance(r, (QualityClassRule, TnReductionRule))]
    assert quality, "the agreement has quality rules"
    assert not any(p == FLOW for _, p in used_pairs(quality)), sorted(used_pairs(quality))
    quantity = [r for r in rules if isinstance(r, QuantityRule)]
    if quantity:
        assert any(p == FLOW for _, p in used_pairs(quantity))
