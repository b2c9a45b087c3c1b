"""The filtered wash-off flow is causal and carried (issue 13): a day's loads do not depend on where the run
ends, how it is cut in blocks or whether it was spun up.

``washoff_flow = "filtered"`` washes the store by the Lyne-Hollick quick flow of the subbasin's total runoff,
one forward pass whose state (the last day's total runoff and quick flow) crosses blocks and spin-ups in the
run's ``stores`` as the store's content does (:func:`hydro.sources.washoff.washoff_flow_mm`).  The three-pass
filter it used first looked ahead up to weeks and restarted on every block: Miyun's section TN differed by up
to 53 % between runs ending in 2013 and 2017, 64 % between blocks of 5 years and one (docs/sources.md).

Tolerances: the carried quick flow is ``q - (q - f)`` of the last day, not the filter's own ``f``, one
rounding of q (1e-16 relative) per block boundary that the filter's factor 0.925 per day damps; elsewhere the
runs round as tests/test_blocked.py says, whose 1e-12 of each variable's largest magnitude is used here.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.blocked import run_blocks, unblockable
from hydro.pipeline import run_watershed
from hydro.sources import SourceParameters, daily_loads, point_loads, quality_loads, read_quality_table
from hydro.sources.timing import SourceTiming
from hydro.sources.washoff import washoff_flow_mm
from tests.test_blocked import ROUND_OFF, _same
from tests.test_source_timing import FERT, REGION, subbasin
from tests.test_store_nitrification import store_off
from tests.test_washoff_flow import WASHED, _flows

#: Wash-off on the synthetic watershed's subbasins (tests/test_blocked.py's "washoff" variant), filtered.
WASHOFF = [("[subbasins.sources.land_use.forest]\n",
            '[subbasins.sources]\ndelivery_timing = "washoff"\n[subbasins.sources.land_use.forest]\n'),
           ("water_area_km2 = 0.5\n", "water_area_km2 = 0.5\n[subbasins.sources.timing]\nwashoff_per_mm = 0.18\n"
            'surface_fraction = 0.3\nwashoff_flow = "filtered"\n')]


@pytest.fixture(scope="module")
def basin(tmp_path_factory):
    """The synthetic watershed of 5 reaches and a reservoir over 2001-2003, every subbasin washed off
    by the filtered flow; and its one-piece run."""
    from hydro.validation.problems import synthetic_watershed

    path = synthetic_watershed(tmp_path_factory.mktemp("carry"), n_subbasin=5, n_reservoir=1, years=3)
    text = path.read_text(encoding="utf-8")
    for old, new in WASHOFF:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    b = Basin.load(path)
    from hydro.watershed import Watershed

    subs = Watershed.from_basin(b).sources.subbasins
    assert unblockable(b) is None and len(subs) == 5 and all(s.timing.washoff_flow == "filtered" for s in subs)
    return b, run_watershed(b, b.settings.start, b.settings.end)


def _shared(one, part, names=None):
    """``part``'s daily variables equal ``one``'s on ``part``'s days, each within :data:`ROUND_OFF` of
    its largest magnitude; returns how many were compared."""
    first = one.dates.index(part.dates[0])
    days = slice(first, first + len(part.dates))
    assert one.dates[days] == part.dates
    n = 0
    for name in sorted(names or part.data):
        dims = part.dims(name)
        if "time" not in dims or not part.data[name].size:
            continue
        a = np.take(one.data[name], range(days.start, days.stop), axis=dims.index("time"))
        scale = float(np.nanmax(np.abs(a)))
        np.testing.assert_allclose(part.data[name], a, rtol=0, atol=ROUND_OFF * scale, err_msg=name)
        n += 1
    return n


def test_blocks_of_one_year_equal_one_block(basin):
    b, one = basin
    _same(one, list(run_blocks(b, b.settings.start, b.settings.end, 1)))


def test_a_run_ending_earlier_has_the_same_days(basin):
    b, one = basin
    short = run_watershed(b, b.settings.start, date(2002, 9, 30))     # a wet season's end
    assert _shared(one, short) > 20


def test_a_run_spun_up_has_the_days_of_the_run_from_the_basins_start(basin):
    b, one = basin
    from hydro.spin_up import spin_up_plan

    plan = spin_up_plan(b, date(2002, 6, 1))
    assert (plan.first, plan.last, plan.why_not) == (b.settings.start, date(2002, 5, 31), "")
    late = run_watershed(b, date(2002, 6, 1), b.settings.end)
    assert _shared(one, late) > 20


def test_the_filter_continued_from_a_days_state_is_the_filter_of_the_whole_series():
    _, direct, base = _flows()
    subs = (subbasin(timing=SourceTiming(fertiliser_months=FERT, washoff_per_mm=0.18, washoff_flow="filtered")),
            subbasin())
    quick, bases = np.stack([direct, direct], axis=1), np.stack([base, base], axis=1)
    whole = washoff_flow_mm(subs, quick, bases)
    stores: dict = {}
    parts = [washoff_flow_mm(subs, quick[d], bases[d], stores) for d in (slice(0, 400), slice(400, 401),
                                                                           slice(401, None))]
    assert stores["washoff_flow_tn"].shape == (2, 2) and np.isnan(stores["washoff_flow_tn"][:, 1]).all()
    # 1e-14 mm/d: the carried q - (q - f) against f, on flows below 10 mm/d (module docstring)
    np.testing.assert_allclose(np.concatenate(parts), whole, rtol=0, atol=1e-14)
    assert np.array_equal(parts[0], whole[:400])                      # causal: the first part is the whole's


def test_tn_and_other_species_loads_in_two_parts_equal_one_part():
    """``daily_loads`` and ``quality_loads`` each carry their store and the filter washing it (their own
    keys: in a run both share one ``stores``, the species' after TN's)."""
    years, direct, base = _flows()
    sub = subbasin(timing=SourceTiming(fertiliser_months=FERT, washoff_per_mm=0.18, washoff_flow="filtered"))
    params, table = SourceParameters((sub,)), store_off(read_quality_table(REGION))
    run_years = np.unique(years)
    mean = np.array([0.05])   # the basin's period's mean share washed, as a run takes it (hydro.store_climate)

    def run(days, stores):
        q, b = direct[days, None], base[days, None]
        tn = daily_loads(params, years[days], q, b, [100.0], run_years=run_years, stores=stores, mean_washed=mean,
                         first_doy=1 if days.start in (0, None) else None)[0]
        qual = quality_loads(table, params, years[days], q, b, [100.0], tn, point_loads(params, years[days]),
                             run_years=run_years, stores=stores, mean_washed=mean)
        return tn, qual.diffuse["dp"]

    tn, dp = run(slice(0, None), {})
    stores: dict = {}
    cut = int(np.searchsorted(years, years[0] + 1))                   # the second year's first day
    first, second = run(slice(0, cut), stores), run(slice(cut, None), stores)
    assert {"washoff_tn", "washoff_quality", "washoff_flow_tn", "washoff_flow_quality"} <= set(stores)
    for whole, a, b in ((tn, first[0], second[0]), (dp, first[1], second[1])):
        np.testing.assert_allclose(np.concatenate([a, b])[:, 0, WASHED], whole[:, 0, WASHED], rtol=1e-12,
                                   atol=1e-12 * whole[:, 0, WASHED].max())


@pytest.mark.parametrize("passes, before", [(3, (1.0, 0.5)), (1, (1.0, 2.0)), (1, (float("nan"), 0.0)),
                                            (1, (1.0, -0.1))])
def test_a_day_before_continues_one_forward_pass_with_a_quick_flow_in_the_flow(passes, before):
    from hydro.errors import HydroError
    from hydro.runoff_observed import lyne_hollick

    with pytest.raises(HydroError, match=r"lyne_hollick: a day before \(flow, quick flow in \[0, flow\]\)"):
        lyne_hollick(np.ones(5), passes=passes, before=before)


def test_the_compiled_filter_continued_equals_python():
    from hydro.runoff_observed import _filter_pass

    q = np.abs(np.random.default_rng(3).normal(1.0, 1.0, 500))
    for state in ((0.2, 0.1), (3.0, 0.0), (0.0, 0.0)):
        np.testing.assert_array_equal(_filter_pass(q, 0.925, *state), _filter_pass.py_func(q, 0.925, *state))
    assert _filter_pass(q[:0], 0.925, np.nan, 0.0).shape == (0,)                   # no day: nothing written
