"""The watershed pipeline: weather -> runoff -> sources -> routing -> transport -> results.

:func:`run_watershed` is a whole watershed run: the six named steps of
:mod:`hydro.pipeline_steps` (weather, runoff, sources, routing, transport, results)
over the run's days, from the run's start state.  A run on its basin's ``[run] start``
(or before it) starts from the basin file's initial state, its runoff stores warmed up
on the weather before (:mod:`hydro.runoff_warm_up`).  A run that starts later starts
from the state the whole model reaches on its first day running from the basin's start
(the spin-up, :func:`hydro.blocked.spin_up_plan`): its days are those of the run from
the basin's start, to round-off.  Its routing cells and its transport cells' water are the
basin's period's, as its stores' mean flows are (:mod:`hydro.store_climate`), so a day's results
do not depend on where the run ends.
"""

from __future__ import annotations

from datetime import date

from hydro.basin import Basin
from hydro.pipeline_steps import Continuation, _Steps, carried_constituents, six_steps
from hydro.pipeline_steps import water as water  # re-exported: tests/test_blocked.py imports it from here
from hydro.results import Results
from hydro.watershed import Watershed


def run_watershed(basin: Basin, start: date, end: date, scenario: str = "baseline",
                  history: str = "", timings: dict | None = None, weather=None,
                  apportion: bool = True, constituents: tuple[str, ...] | None = None, on_water=None) -> Results:
    """Simulate a watershed basin and return results with loads by source.

    Parameters
    ----------
    basin : Basin
        A basin with ``[[subbasins]]``.
    start, end : date
        Simulated period.  A start after the basin's ``[run] start`` is spun up from it
        where the weather covers the days between (:func:`hydro.blocked.spin_up_plan`;
        the results' ``initial_state`` says what the run started from).
    scenario, history : str
        Recorded in the metadata.
    timings : dict, optional
        Filled with the wall time (s) of each step: ``weather``, ``runoff``,
        ``sources``, ``routing``, ``transport``, ``results`` (a spun-up run: its
        spin-up's included).
    weather : hydro.weather.DailyForcing, optional
        Station weather replacing the basin's CSV (an ensemble member).
    apportion : bool
        Carry the constituents by source (default).  False carries each as one
        tag (``all``), several times faster, for runs that need the totals only
        (calibration); the totals are the same to round-off.
    constituents : tuple of str, optional
        Carry only these of the basin's constituents (by name; with their
        species); default all.  Batch members that keep TN only (weather
        ensembles, scenario ensembles) and water-only calibrations (``()``)
        skip the work of the others; what is carried is computed exactly as in
        a run of all of them.
    on_water : callable, optional
        Given the results known before the transport (:func:`hydro.pipeline_steps.water_results`,
        completed in place afterwards) as soon as they are, to write them while the transport runs
        (:class:`hydro.netcdf_overlap.OverlappedWrite`); not called for a spun-up run.  It may return
        a callable, given each constituent's variables (``(group, results)``) as its lane of the
        transport ends, on that lane's thread (:mod:`hydro.lane_results`).
    """
    from hydro.blocked import TransportStart, run_blocks, spin_up_plan
    from hydro.runoff_warm_up import run_start
    from hydro.series import daily_dates
    from hydro.store_climate import period_numerics, store_means

    plan = spin_up_plan(basin, start, weather)
    if plan.first is not None:  # the spin-up and the run, each one block (hydro.blocked)
        return next(iter(run_blocks(basin, start, end, None, scenario=scenario, history=history,
                                    weather=weather, apportion=apportion, constituents=constituents,
                                    timings=timings)))
    ws = Watershed.from_basin(basin)
    forcing, threshold, warm = run_start(basin, ws, start, end, weather)
    carried = carried_constituents(basin, constituents)
    mean_base, mean_washed, mean_nitrified = store_means(basin, ws, start, end, weather, threshold, bool(carried))
    basins = period_numerics(basin, ws, start, end, weather, threshold, bool(carried))  # None: the run's own
    numerics = {} if basins is None else {"sub_reaches": basins.cells,
                                          "transport_start": TransportStart(basins.water, None, None)}
    return six_steps(basin, ws, daily_dates(start, end), forcing, carried,
                     apportion, (scenario, history), _Steps(timings),
                     Continuation(runoff_state=warm.state, snow_threshold=threshold,
                                  mean_base_mm=mean_base, mean_washed=mean_washed,
                                  mean_nitrified=mean_nitrified, **numerics,
                                  runoff_warm_up=warm.describe(), initial_state=plan.describe(start)),
                     on_water).results
