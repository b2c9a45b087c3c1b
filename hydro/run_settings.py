"""The ``[run]`` table of a basin file: period, solver and routing settings (:class:`RunSettings`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from hydro.tomlio import Table
from hydro.transport_args import LocalSteps

#: Flow routings a watershed basin can ask for in ``[run] routing``.
ROUTINGS = ("auto", "muskingum-cunge", "accumulate")

#: Years of the weather before a run's start that warm its runoff stores up by default
#: (``[run] runoff_warm_up_years``, :mod:`hydro.runoff_warm_up`).
DEFAULT_WARM_UP_YEARS = 3

#: Most cycles of ``[run] runoff_spin_up_cycles`` (each one a year of the runoff model alone): far
#: more than the stores need (Guanting's settle in 10), few enough that a typo cannot stall a run.
MAX_SPIN_UP_CYCLES = 1000


@dataclass(frozen=True)
class RunSettings:
    """Solver and period settings of a basin (``[run]`` table).

    Attributes
    ----------
    start, end : date
        First and last simulated day.
    courant : float
        Target Courant number of the transport sub-steps, (0, 1].
    dispersion_limit : float
        Dispersion sub-step bound, (0, 1].
    cell_length_km : float
        Target cell length for reaches without an explicit ``cells``, km.
    routing : str
        Flow routing of watershed basins: ``"muskingum-cunge"``, ``"accumulate"``
        (no storage in reaches) or ``"auto"`` (Muskingum-Cunge when every reach
        has a slope).
    flow_driven : bool
        Watershed basins: scale the runoff above each gauge so that the flow at
        the gauge equals its observed record (with accumulation routing).
    runoff_warm_up_years : int
        Watershed basins: years of the weather before the run's start over which the
        runoff stores are warmed up (:mod:`hydro.runoff_warm_up`), >= 0.
    runoff_spin_up_cycles : int
        Watershed basins: where the weather holds less than a year before the run's start, times the runoff
        model alone runs over the run's first year before it, each from the state the one before
        left (:func:`hydro.runoff_warm_up.spin_up_cycles`), >= 0; 0 (the default): none, the run
        starts from the initial fillings.
    local_steps : bool
        Transport with local time steps per chain (:class:`hydro.transport_args.LocalSteps`, its
        defaults) instead of the global sub-step (docs/solver.md, "Local time stepping"; outputs move
        by a few percent).  ``[run] local_steps = "auto"``, the default, leaves it False here and sets
        :attr:`local_steps_auto`; the transport then chooses.
    local_steps_auto : bool
        ``[run] local_steps`` is ``"auto"``: local steps where the cost model of :mod:`hydro.local_steps_auto`
        estimates, on the run's flows, at most :data:`hydro.local_steps_auto.LOCAL_STEPS_AUTO_RATIO` of the
        global step's CPU (the transport decides), else the global sub-step.
    dispersion_every : int
        The most advection sub-steps per dispersion step of the global sub-step (multirate splitting,
        ``hydro.transport.simulate``'s ``dispersion_every``; docs/solver.md, "Dispersion every K advection
        sub-steps"), >= 1; 1 disperses on every sub-step (the results of before, bit for bit).  On local time
        steps each class of chains disperses once a block of at most that many of its own steps
        (docs/solver.md, "Dispersion every K steps inside the local steps").  ``[run] dispersion_every =
        "auto"``, the default, leaves 1 here and sets :attr:`dispersion_every_auto`; :meth:`for_network`
        then chooses.
    dispersion_every_auto : bool
        ``[run] dispersion_every`` is ``"auto"``: :data:`DISPERSION_EVERY_AUTO_K` when the network has at
        least :data:`DISPERSION_EVERY_AUTO_REACHES` reaches, on the global sub-step and on local steps
        alike (:meth:`for_network`), else 1.
    """

    start: date
    end: date
    courant: float = 0.9
    dispersion_limit: float = 1.0
    cell_length_km: float = 2.0
    routing: str = "auto"
    flow_driven: bool = False
    runoff_warm_up_years: int = DEFAULT_WARM_UP_YEARS
    runoff_spin_up_cycles: int = 0
    local_steps: bool = False
    local_steps_auto: bool = False
    dispersion_every: int = 1
    dispersion_every_auto: bool = False

    def for_network(self, reaches: int) -> RunSettings:
        """These settings for a network of ``reaches`` reaches: :attr:`dispersion_every`'s ``"auto"`` resolved
        (:data:`DISPERSION_EVERY_AUTO_K` from :data:`DISPERSION_EVERY_AUTO_REACHES` reaches up, on the global
        sub-step and on local steps alike, else 1); else unchanged.  :attr:`local_steps`' ``"auto"`` is the
        transport's to resolve, on the run's flows (:meth:`transport_local_steps`)."""
        settings = self
        if settings.dispersion_every_auto:
            every = DISPERSION_EVERY_AUTO_K if reaches >= DISPERSION_EVERY_AUTO_REACHES else 1
            settings = replace(settings, dispersion_every=every, dispersion_every_auto=False)
        return settings

    def transport_local_steps(self) -> LocalSteps | str | None:
        """The ``local_steps`` argument of :func:`hydro.transport.simulate`: ``LocalSteps()`` when
        ``[run] local_steps`` is true, ``"auto"`` when it is ``"auto"`` (the transport chooses on the run's
        flows), else None (the global sub-step, bit for bit)."""
        if self.local_steps_auto:
            return "auto"
        return LocalSteps() if self.local_steps else None


#: ``[run] local_steps`` values: true, false or "auto" (the default).
LOCAL_STEPS_CHOICES = 'true, false or "auto"'

#: Reaches from which ``[run] dispersion_every = "auto"`` (the default) disperses once every k <=
#: :data:`DISPERSION_EVERY_AUTO_K` advection sub-steps (on local steps each class once a block of at most that
#: many of its own steps: 0.76 of the local steps' transport CPU with 1 at 10,000 hack reaches).
#: Measured 3 Dec 2026 (``benchmarks/dispersion_threshold.py``, 1 and 7 taking turns, two rounds, load 2.9-4.1;
#: docs/solver.md, "Dispersion every K: the default"): 7 over 1 in CPU of a whole one-year ``hydro run`` of
#: the physical synthetic basins 0.93-0.95x at 300 reaches, 0.85-0.90x at 1,000, 0.84-0.85x at 1,500,
#: 0.82-0.83x at 2,000 and 0.78-0.79x at 5,000 on the generator's long chains; 0.97x, 0.86-0.88x, 0.86x,
#: 0.81-0.83x and 0.81-0.83x on the hack tree.  From 2,000 reaches the whole run is 15 % or more faster in
#: every round on both trees (the rule of 2 Dec, as for local steps); at 1,000-1,500 it gains 10-16 %.  Its
#: accuracy: the outlets' error against a refined solution as with 1 (10,000 hack reaches: mean 0.0431 %
#: against 0.0428 % of the largest), and it moves them less than halving the Courant number does.
DISPERSION_EVERY_AUTO_REACHES = 2000

#: The ``dispersion_every`` that ``"auto"`` takes from :data:`DISPERSION_EVERY_AUTO_REACHES` reaches up: 7, the
#: largest of those measured (3, 7, 31) that leaves the outlets' error against a refined solution as it was
#: (docs/solver.md, "Dispersion every K advection sub-steps").
DISPERSION_EVERY_AUTO_K = 7

#: Shortest ``cell_length_km`` (km): 10 m, under the width of the rivers modelled, below which a 1-D cell
#: means nothing; 1e-6 cut the example watershed into 102 million cells and the run died allocating
#: 760 GiB (a MemoryError traceback).
MIN_CELL_LENGTH_KM = 0.01


def read_run_settings(run: Table) -> RunSettings:
    """The ``[run]`` table."""
    settings = RunSettings(
        start=run.date("start"),
        end=run.date("end"),
        courant=run.float("courant", default=0.9, minimum=1e-3, maximum=1.0),
        dispersion_limit=run.float("dispersion_limit", default=1.0, minimum=1e-3, maximum=1.0),
        cell_length_km=run.float("cell_length_km", default=2.0, minimum=MIN_CELL_LENGTH_KM),
        routing=run.str("routing", default="auto"),
        flow_driven=run.bool("flow_driven", default=False),
        runoff_warm_up_years=run.int("runoff_warm_up_years", default=DEFAULT_WARM_UP_YEARS, minimum=0),
        runoff_spin_up_cycles=_spin_up_cycles(run),
        **_local_steps(run),
        **_dispersion_every(run),
    )
    if settings.routing not in ROUTINGS:
        raise run.error("routing", f"expected one of {', '.join(ROUTINGS)}, got '{settings.routing}'")
    if settings.end < settings.start:  # a --set run.start past the file's end: its stores' period has no day
        raise run.error("end", f"{settings.end} is before start {settings.start}: the [run] period must hold at least "
                               "one day; give run.end with run.start (a later start of the run itself is --start)")
    run.finish()
    return settings


def _local_steps(run: Table) -> dict[str, bool]:
    """``[run] local_steps`` as :class:`RunSettings` fields: true, false or "auto" (the default)."""
    value = run.raw("local_steps", default="auto")
    if value == "auto":
        return {"local_steps": False, "local_steps_auto": True}
    if not isinstance(value, bool):
        raise run.error("local_steps", f"expected {LOCAL_STEPS_CHOICES}, got {value!r} (\"auto\": local time "
                                       "steps where a cost model on the run's flows says they pay)")
    return {"local_steps": value}


def _dispersion_every(run: Table) -> dict[str, Any]:
    """``[run] dispersion_every`` as :class:`RunSettings` fields: a whole number >= 1 or "auto" (the default)."""
    value = run.raw("dispersion_every", default="auto")
    if value == "auto":
        return {"dispersion_every": 1, "dispersion_every_auto": True}
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise run.error("dispersion_every", f"expected an integer >= 1 or \"auto\", got {value!r} (\"auto\": "
                                            f"{DISPERSION_EVERY_AUTO_K} from {DISPERSION_EVERY_AUTO_REACHES:,} reaches "
                                            "up, else 1)")
    return {"dispersion_every": value}


def _spin_up_cycles(run: Table) -> int:
    """``[run] runoff_spin_up_cycles``: a whole number from 0 (the default) to :data:`MAX_SPIN_UP_CYCLES`."""
    value = run.int("runoff_spin_up_cycles", default=0, minimum=0)
    if value > MAX_SPIN_UP_CYCLES:
        raise run.error("runoff_spin_up_cycles", f"expected an integer from 0 to {MAX_SPIN_UP_CYCLES}, got "
                                                 f"{value} (each cycle runs the runoff model over a year)")
    return value
