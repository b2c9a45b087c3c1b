"""What drives the wash-off store (``washoff_flow``, issue 13): GR4J's direct flow or the filtered quick flow.

With ``washoff_flow = "filtered"`` the store of rural domestic and livestock N is washed by the event part
of the subbasin's total runoff, split by the Lyne & Hollick filter that splits observed streamflow
(:func:`hydro.runoff_observed.lyne_hollick`), instead of GR4J's direct branch (0.1 mm a year in Guanting
after the groundwater exchange: docs/sources.md, "Wash-off store without loss: first-flush spikes").
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.runoff_observed import ObservedFlow
from hydro.sources import (
    SOURCE_NAMES,
    SourceParameters,
    daily_loads,
    point_loads,
    quality_loads,
    read_quality_table,
)
from hydro.sources.timing import SourceTiming
from hydro.sources.washoff import washoff_flow_mm
from tests.test_source_timing import FERT, REGION, calendar_days, read, subbasin
from tests.test_store_nitrification import store_off

COL = {name: i for i, name in enumerate(SOURCE_NAMES)}
WASHED = [COL["rural_domestic"], COL["livestock"]]


def _flows(n_years: int = 3, seed: int = 7):
    """Years of each day, a small direct flow (the semi-arid GR4J case) and a base flow with storm
    events on it (mm/d): the total runoff has rising limbs the direct flow does not show."""
    years, season = calendar_days(2001, n_years)
    rng = np.random.default_rng(seed)
    storms = rng.exponential(3.0, years.size) * (rng.random(years.size) < 0.05)
    events = np.convolve(storms, 0.7 ** np.arange(10))[:years.size]      # recessions of a few days
    direct = 0.002 * events
    base = 0.1 + 0.2 * season + events
    return years, direct, base


def _filtered(**kw) -> SourceTiming:
    return SourceTiming(fertiliser_months=FERT, washoff_per_mm=0.18, washoff_flow="filtered", **kw)


def test_the_default_is_the_direct_flow_unchanged():
    years, direct, base = _flows()
    assert SourceTiming().washoff_flow == "direct"
    plain = subbasin()
    q = direct[:, None].copy()
    assert washoff_flow_mm((plain,), q, base[:, None]) is q          # no subbasin filters: the array itself
    said = subbasin(timing=SourceTiming(fertiliser_months=FERT, washoff_per_mm=0.18, washoff_flow="direct"))
    a = daily_loads(SourceParameters((plain,)), years, direct[:, None], base[:, None], [100.0])[0]
    b = daily_loads(SourceParameters((said,)), years, direct[:, None], base[:, None], [100.0])[0]
    assert np.array_equal(a, b)


def test_the_filtered_flow_is_the_observed_flow_split_of_the_total_runoff():
    _, direct, base = _flows()
    subs = (subbasin(timing=_filtered()), subbasin())             # one filtered, one direct
    quick = np.stack([direct, 2.0 * direct], axis=1)
    bases = np.stack([base, base], axis=1)
    got = washoff_flow_mm(subs, quick, bases)
    total = direct + base
    split = ObservedFlow(1, passes=1).run(total[None, :], {"alpha": 0.925})   # the observed-flow model, forward
    assert np.array_equal(got[:, 0], split.q_direct_mm[0])
    f, by_hand = 0.0, np.zeros_like(total)                         # the recurrence of docs/sources.md, by hand
    for d in range(1, total.size):
        f = min(max(0.925 * f + 0.9625 * (total[d] - total[d - 1]), 0.0), total[d])
        by_hand[d] = f
    np.testing.assert_allclose(got[:, 0], by_hand, rtol=0, atol=1e-14)   # q - (q - f): round-off of q (< 10 mm/d)
    assert np.array_equal(got[:, 1], quick[:, 1])                 # the direct subbasin keeps its flow
    assert np.array_equal(quick[:, 0], direct)                    # the caller's array is not changed
    assert got[:, 0].sum() > 20 * direct.sum()                    # the event part is far above GR4J's direct
    assert np.all((got[:, 0] >= 0) & (got[:, 0] <= total))


def test_the_filtered_store_is_the_exponential_store_by_hand_and_closes_its_budget():
    years, direct, base = _flows()
    k = 0.18
    washed_sub = subbasin(timing=_filtered())
    loads = daily_loads(SourceParameters((washed_sub,)), years, direct[:, None], base[:, None], [100.0])[0]
    # the build-up: the same sources delivered as they build up (constant delivery, the same blend)
    built = daily_loads(SourceParameters((subbasin(timing=_filtered(), delivery="constant"),)), years,
                        direct[:, None], base[:, None], [100.0])[0]
    total = direct + base
    q = total - ObservedFlow(1, passes=1).run(total[None, :], {"alpha": 0.925}).q_routed_mm[0]
    share = 1.0 - np.exp(-k * q)
    for col in WASHED:
        b = built[:, 0, col]
        a = share.mean()
        store = b[:365].mean() * (1.0 - a) / a                    # steady start (docs/sources.md)
        start, out = store, np.empty_like(b)
        for d in range(b.size):
            store += b[d]
            out[d] = store * share[d]
            store -= out[d]
        # the compiled kernel and this loop do the same operations in another order: round-off only
        np.testing.assert_allclose(loads[:, 0, col], out, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(b.sum(), out.sum() + store - start, rtol=1e-12)
    direct_run = daily_loads(SourceParameters((subbasin(),)), years, direct[:, None], base[:, None], [100.0])[0]
    assert not np.allclose(loads[:, 0, WASHED], direct_run[:, 0, WASHED])   # the option acts


def test_tp_and_codmn_are_washed_by_the_same_filtered_flow_as_tn():
    years, direct, base = _flows(2)
    for timing in (_filtered(), None):
        params = SourceParameters((subbasin(timing=timing),))
        tn, _, _ = daily_loads(params, years, direct[:, None], base[:, None], [100.0])
        q = quality_loads(store_off(read_quality_table(REGION)), params, years, direct[:, None], base[:, None],
                          [100.0], tn, point_loads(params, years))
        for k in WASHED:
            tp = q.diffuse["dp"][:, 0, k] + q.diffuse["pp"][:, 0, k]
            wet = tn[:, 0, k] > 1e-9 * tn[:, 0, k].max()
            ratio = tp[wet] / tn[wet, 0, k]
            # one store, one flow: constant coefficients give one TP/TN ratio every day (a species
            # washed by the direct flow while TN follows the filtered one varies by orders of magnitude)
            np.testing.assert_allclose(ratio, ratio[0], rtol=1e-7)
            cod = q.diffuse["codmn"][wet, 0, k] / tn[wet, 0, k]
            np.testing.assert_allclose(cod, cod[0], rtol=1e-7)


def test_the_option_is_read():
    p = read('washoff_per_mm = 0.2\nwashoff_flow = "filtered"\n')
    assert p.subbasins[0].timing.washoff_flow == "filtered"


@pytest.mark.parametrize("extra, words", [
    ('washoff_per_mm = 0.2\nwashoff_flow = "filterd"\n',
     ["basin.toml", "subbasin 's1'", "timing.washoff_flow", "'direct', 'filtered'", "did you mean 'filtered'"]),
    ("washoff_per_mm = 0.2\nwashoff_flow = 1\n", ["timing.washoff_flow", "'direct', 'filtered'", "got 1"]),
    ('washoff_flow = "filtered"\n', ["timing.washoff_flow", "washoff_per_mm"]),
    ('washoff_per_mm = 0.2\nwashof_flow = "filtered"\n', ["timing.washof_flow", "did you mean"]),
])
def test_bad_values_name_file_subbasin_and_key(extra, words):
    with pytest.raises(HydroError) as err:
        read(extra)
    for w in words:
        assert w in str(err.value)


def test_the_basins_mean_share_washed_takes_the_filtered_flow():
    """A run of another period takes its store's steady start from the basin's period
    (:func:`hydro.store_climate.store_means`, summed in :func:`hydro.blocked_water.whole_run_water`):
    that mean is the filtered flow's, as a run of the basin's period computes it from its own flows."""
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed
    from hydro.runoff_warm_up import run_start
    from hydro.sources.washoff import washed_fraction, washoff_coefficients
    from hydro.store_climate import store_means
    from hydro.watershed import Watershed

    plain = Basin.load("miyun")
    ids = [t.data["id"] for t in plain.subbasin_tables]
    # three subbasins filtered, the others direct (the shipped basin filters all since 1ee7e5f)
    basin = Basin.load("miyun", [f"subbasins.{i}.sources.timing.washoff_flow={'filtered' if k < 3 else 'direct'}"
                                 for k, i in enumerate(ids)])
    ws = Watershed.from_basin(basin)
    s = basin.settings
    _, threshold, _ = run_start(basin, ws, s.start, s.end)
    _, washed, _ = store_means(basin, ws, date(2005, 1, 1), date(2005, 12, 31), None, threshold)
    r = run_watershed(basin, s.start, s.end, constituents=("tn",))
    quick, total = r.data["subbasin_quickflow"], r.data["subbasin_runoff"]
    subs = ws.sources.subbasins
    expected = washed_fraction(washoff_flow_mm(subs, quick, total - quick), washoff_coefficients(subs)).mean(axis=0)
    # total - quick is GR4J's routed flow to round-off (1e-16 mm/d); the filter is linear between its clips
    np.testing.assert_allclose(washed, expected, rtol=1e-9)
    direct = washed_fraction(quick, washoff_coefficients(subs)).mean(axis=0)
    assert np.all(washed[:3] > 2 * direct[:3])   # 2.5-3.6 times here (forward filter)
    np.testing.assert_allclose(washed[3:], direct[3:], rtol=1e-12)   # the others: direct, summed in another order
