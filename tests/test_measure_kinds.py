"""Measure kinds (hydro.scenarios.kinds): the registry, the common protocol, required keys.

A kind is one class; these tests hold every registered kind to the protocol and show that
a new kind plugged into the registry is read, compiled and costed with no other change.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario
from hydro.scenarios.kinds import KINDS
from hydro.scenarios.kinds.base import MeasureKind, Number

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs" / "examples" / "watershed"
HEAD = '[scenario_set]\nname = "t"\ncost_method = "spent"\nassumption = true\nnote = "test"\n'


def scenario(tmp_path, measure: str) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(HEAD + '[[measures]]\nid = "m"\nyears = [2002, 2003]\n' + measure
                 + '[measures.costs]\ncapital_yuan_per_unit = 10.0\noperating_yuan_per_unit_yr = 1.0\n'
                 + '[[scenarios]]\nid = "s"\nmeasures = ["m"]\n')
    return p


def test_every_kind_follows_the_protocol():
    docs = (ROOT / "docs" / "scenarios.md").read_text()
    for name, kind in KINDS.items():
        assert isinstance(kind, MeasureKind) and kind.kind == name
        assert kind.unit and kind.effect, name
        assert all(isinstance(p, Number) for p in kind.numbers), name
        assert any(p.required for p in kind.numbers) or name in ("afforestation", "protection_zone"), name
        assert f"`{name}`" in docs, f"{name} is not documented in docs/scenarios.md"


@pytest.mark.parametrize("measure, key", [
    ('kind = "sewage_connection"\nwhere = "all"\n', "connected_share"),
    ('kind = "ecological_release"\necological_min_m3_s = 1.0\n', "reservoir"),
])
def test_missing_required_parameter_is_named(tmp_path, measure, key):
    p = scenario(tmp_path, measure)
    with pytest.raises(HydroError, match=rf"key 'measures\[0\]\.{key}': missing"):
        ScenarioFile.from_toml(p)


class _PointCap(MeasureKind):
    """A test kind: caps every point source's TN at ``tn_mg_per_l`` at once."""

    kind = "point_cap"
    unit = "plant"
    effect = "point[plant].tn_mg_per_l -> min(base, cap)"
    numbers = (Number("tn_mg_per_l", 0.0, None),)

    def apply(self, m, f, subs, comp):
        out = {}
        for i in subs:
            for p in comp.info.sources(i).get("point", []):
                path = ("point", p["name"], "tn_mg_per_l")
                base = comp.state.get(i, path, p.get("tn_mg_per_l"))
                comp.state.set(i, path, np.where(f > 0, np.minimum(base, m.numbers["tn_mg_per_l"]), base))
                out[i] = out.get(i, 0.0) + (f > 0)
        return out


def test_a_new_kind_is_one_class(tmp_path, monkeypatch):
    monkeypatch.setitem(KINDS, "point_cap", _PointCap())
    p = scenario(tmp_path, 'kind = "point_cap"\nwhere = "all"\ntn_mg_per_l = 1.0\n')
    c = compile_scenario(BasinInfo.load(WATERSHED), ScenarioFile.from_toml(p), "s", [2001, 2002, 2003])
    assert c.overrides and all(".point." in o and "tn_mg_per_l" in o for o in c.overrides)
    # one plant per subbasin with a point source from 2002: 10 yuan once, then 1 yuan a year
    per_year = sum(v for v in c.capital.values()) / 10.0
    assert per_year[0] == 0 and per_year[1] > 0 and per_year[2] == 0
    np.testing.assert_allclose(c.cost(), 10.0 * per_year + np.array([0, 1, 1]) * per_year[1])
