"""`hydro.gep_prices.target_mg_per_l(pollutant, kind)` and `GepPrices.target_mg_per_l` gave the reservoir's
Class II target for any kind other than "reach" (researcher-outputs review, 2026-12-05): "river", the
word of docs/gep.md ("rivers Class III") and of the GEP table (`removed_river_kg`), returned TP 0.025 mg/L
instead of 0.2.  "river" now means a reach; any other word is refused, naming the words accepted.  < 1 s.
"""

from __future__ import annotations

import pytest

from hydro.errors import HydroError
from hydro.gep_prices import GepPrices, target_mg_per_l


def test_documented_kinds():
    """GB 3838-2002 limits (hydro.standards): TP Class III river 0.2, Class II lake 0.025; NH3-N Class III 1.0."""
    assert target_mg_per_l("tp", "reach") == 0.2
    assert target_mg_per_l("tp", "reservoir") == 0.025
    assert target_mg_per_l("nh3n", "reach") == 1.0


@pytest.mark.parametrize("fn", [target_mg_per_l, GepPrices().target_mg_per_l], ids=["module", "GepPrices"])
@pytest.mark.parametrize("pollutant", ["tp", "nh3n", "tn"])
def test_river_is_a_reach(fn, pollutant):
    assert fn(pollutant, "river") == fn(pollutant, "reach")


@pytest.mark.parametrize("fn", [target_mg_per_l, GepPrices().target_mg_per_l], ids=["module", "GepPrices"])
@pytest.mark.parametrize("kind", ["lake", "Reach", "", "reservoirs"])
@pytest.mark.parametrize("pollutant", ["tp", "tn"])  # (TN: GepPrices takes the prices file's targets)
def test_unknown_kind_is_refused(fn, kind, pollutant):
    with pytest.raises(HydroError, match=rf"kind: expected 'reach' .* or 'reservoir' .*, got '{kind}'"):
        fn(pollutant, kind)
