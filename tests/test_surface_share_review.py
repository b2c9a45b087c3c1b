"""The surface share of fertiliser and manure (``surface_fraction``), from a re-read of the session's diff
(2026-12-06).

1. A subbasin whose ``delivery_timing`` is not ``washoff`` but whose timing table has a wash-off store and a
   ``surface_fraction`` lost the surface share: the soil surplus no longer held it (groundwater.soil_classes)
   and no wash-off store received it (the store runs only for ``washoff`` subbasins).  Now refused when read.
2. The stacked groups must keep subbasins of different ``surface_fraction`` apart (stacked._structure); this
   kills the mutation that drops ``sub.surface_fraction`` from the structure (survives the shipped tests).
"""
from __future__ import annotations

import tomllib

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.sources import SourceParameters
from hydro.sources.loads import yearly_rates
from hydro.sources.stacked import rates as stacked_rates
from hydro.tomlio import Table

SUB = """
[[subbasins]]
id = "{id}"
[subbasins.sources]
delivery_timing = "{dt}"
[subbasins.sources.timing]
years = "calendar"
washoff_per_mm = 0.2
surface_fraction = {sf}
[subbasins.sources.groundwater]
leaching_fraction = 0.2
residence_years = 3.0
[subbasins.sources.land_use.cropland]
share = 1.0
emc_mg_per_l = 2.0
fertiliser_kg_per_ha_yr = 250.0
uptake_kg_per_ha_yr = 0.0
"""
YEARS = np.array([2001])
DAYS = np.repeat(YEARS, 365)
AREA = np.array([200.0])


def _params(*subs):
    return SourceParameters.from_table(Table(tomllib.loads("".join(SUB.format(id=i, dt=dt, sf=sf)
                                                                  for i, dt, sf in subs)), "basin.toml"))


@pytest.mark.parametrize("timing", ["constant", "runoff"])
def test_a_surface_share_without_a_washoff_delivery_is_refused(timing):
    with pytest.raises(HydroError, match=r"surface_fraction.*0.5 of the fertiliser and manure on the surface needs the "
                                         r"wash-off store .*delivery_timing = \"washoff\""):
        _params(("a", timing, 0.5))
    _params(("a", timing, 0.0))  # no share: fine


def test_stacked_group_keeps_each_surface_fraction():
    params = _params(("a", "washoff", 0.0), ("b", "washoff", 0.5), ("c", "washoff", 0.2))
    subs = params.subbasins
    area = np.array([200.0, 150.0, 100.0])
    days = np.array([365.0])
    names = ["surplus_kg_per_ha_yr", "gw_input_kg_d"]
    together = stacked_rates(subs, YEARS, days, area, names, lambda s, y, a: yearly_rates(s, y, a))
    for s, sub in enumerate(subs):
        alone = yearly_rates(sub, YEARS, float(area[s]))
        for k in names:
            np.testing.assert_allclose(together[k][:, s], alone[k], rtol=1e-14)
    np.testing.assert_allclose(together["surplus_kg_per_ha_yr"][0], [250.0, 125.0, 200.0], rtol=1e-14)


def test_a_surface_share_without_a_store_names_every_setting_it_needs_at_once():
    # the text review of 2026-12-06: refused one missing setting at a time (washoff_per_mm, then delivery_timing)
    text = SUB.format(id="a", dt="constant", sf=0.5).replace("washoff_per_mm = 0.2\n", "")
    with pytest.raises(HydroError) as err:
        SourceParameters.from_table(Table(tomllib.loads(text), "basin.toml"))
    assert "washoff_per_mm" in str(err.value) and 'delivery_timing = "washoff"' in str(err.value)
