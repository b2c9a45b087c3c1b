"""What a calibration run reports about itself beyond its best loss (methodology review s44).

This module owns the checks and records that say how far a run's numbers can be trusted:

* :func:`library_versions`: NumPy, SciPy, SALib and Numba of the run (``run.json``, ``summary.json``).
  DE and the GLUE sample draw from ``numpy.random.Generator(seed)`` through SciPy's ``rng=``
  (SciPy >= 1.15), so a seed's result is tied to these versions.
* :func:`run_report`: what ``summary.json`` says about the best parameter set besides its scores
  (``observations_scored``: the pairs each observation's scores rest on; ``warm_up_days``: how long
  the runoff stores ran before each scored period), with ``notes`` that ``hydro calibrate`` prints
  on stderr.
* :func:`parameters_at_bounds`: the best values within 1 % of the search range of a bound.
* :func:`population_spread`: how far DE's final population agrees, in loss and per parameter, which
  says more than ``de_converged`` when no tolerance was set (``tol = 0``, the default: the test
  ``std <= tol * |mean|`` then never passes; review s44 F6).
"""

from __future__ import annotations

import math

import numpy as np

from hydro.calibration.problem import loss_spread
from hydro.calibration.scoring import N_PAIRS

#: Days the runoff stores should run before a scored period: GR4J's are commonly warmed up on a year
#: (Perrin et al. 2003; airGR's default ``IndPeriod_WarmUp``), Guanting's need three
#: (:mod:`hydro.runoff_warm_up`).  Fewer is reported, not refused (review s44 F2).
MIN_WARM_UP_DAYS = 365

#: Distributions whose versions a run records (a missing one is recorded as None); numba since
#: 2026-12-05 (it compiles the model's kernels).  hydro's own version and revision are recorded beside
#: them (:func:`hydro.provenance.code_record`).
RECORDED_LIBRARIES = ("numpy", "scipy", "SALib", "numba")


def library_versions() -> dict[str, str | None]:
    """``{name: version}`` of :data:`RECORDED_LIBRARIES` (None when not installed).

    Returns
    -------
    dict of str -> str or None
        The versions the search ran with: DE's and GLUE's draws for a given ``seed`` depend on
        NumPy's generator and SciPy's algorithms, so the same seed may give another result on
        other versions.
    """
    from hydro.provenance import package_versions

    return package_versions(RECORDED_LIBRARIES)


def observations_scored(problem, record: dict | None) -> tuple[dict, list[str]]:
    """How many observed bins the scores of ``record`` rest on, per period and observation.

    Parameters
    ----------
    problem : Problem
        The prepared calibration problem (its scorer knows the observed bins of each period).
    record : dict or None
        The best evaluation (None: nothing to report).

    Returns
    -------
    (dict, list of str)
        ``{period: {observation: {"n_observed", "n_pairs", "coverage"}}}`` (``coverage`` the share
        of observed bins where the simulation is a number) and a note for each period and
        observation whose coverage is below 1 (the scores then rest on fewer bins than observed).
    """
    if record is None or record.get("status") != "ok":
        return {}, []
    scorer = problem.prepare().scorer
    out: dict = {}
    notes = []
    for (name, label), sl in scorer.slices.items():
        n_pairs = record["scores"].get(label, {}).get(f"{name}:{N_PAIRS}")
        if n_pairs is None or sl.obs.size == 0:
            continue
        share = n_pairs / sl.obs.size
        out.setdefault(label, {})[name] = {"n_observed": int(sl.obs.size), "n_pairs": int(n_pairs),
                                           "coverage": share}
        if share < 1.0:
            notes.append(f"observation '{name}', {label} period: the best set's simulation is NaN on "
                         f"{sl.obs.size - int(n_pairs)} of {sl.obs.size} observed bins; its scores rest on the "
                         f"other {int(n_pairs)} ({share:.0%})")
    return out, notes


def warm_up_days(problem) -> tuple[dict[str, int], list[str]]:
    """Days between the first day whose weather the runoff stores see (the model's
    ``stores_start``: ``warmup_start``, or earlier where a basin warms its stores up on the weather
    before) and the first day of each scored period, with a note for each period under
    :data:`MIN_WARM_UP_DAYS`: its scores, and the parameters fitted to them, then depend on the
    stores' arbitrary initial fillings (no note where the stores start from a cyclic spin-up,
    ``[run] runoff_spin_up_cycles``).  None for a model without runoff stores (``flow_sources``)."""
    model = problem.prepare().model
    start = model.stores_start()
    if start is None:
        return {}, []
    spun = getattr(model, "spin_up_cycles", lambda: 0)()  # stores spun up over the first year: no note
    days, notes = {}, []
    for label, (first, _) in problem.config.periods.named().items():
        n = (first - start).days
        days[label] = n
        if n < MIN_WARM_UP_DAYS and not spun:
            notes.append(f"{problem.config.path}: the {label} period starts {first}, {n} day(s) after the runoff "
                         f"stores start ({start}): less than a year of warm-up, so its scores depend on the "
                         "stores' initial fillings; start [periods] warmup_start a year or more before it "
                         "(docs/calibration.md, 'Warm-up')")
    return days, notes


def population_spread(problem, population, energies) -> dict:
    """The final DE population's agreement: ``de_loss_spread``, the standard deviation of its losses
    over the magnitude of their mean (what SciPy compares with ``tol``; None while a member failed,
    loss :data:`~hydro.calibration.problem.FAILED_LOSS`), and ``de_parameter_spread``, each
    parameter's range across the population as a share of its search range (search space: log for
    ``log`` parameters).

    Parameters
    ----------
    problem : Problem
        Gives the parameter names and search bounds.
    population : ndarray [member, parameter]
        SciPy's ``OptimizeResult.population`` (search space).
    energies : ndarray [member]
        SciPy's ``OptimizeResult.population_energies`` (losses).
    """
    e = np.asarray(energies, dtype=float)
    spread = loss_spread(e)
    pop = np.asarray(population, dtype=float).reshape(len(e), -1)
    ranges = {}
    for k, (name, (lo, hi)) in enumerate(zip(problem.names, problem.bounds, strict=True)):
        ranges[name] = float((pop[:, k].max() - pop[:, k].min()) / (hi - lo)) if hi > lo and len(e) else 0.0
    return {"de_loss_spread": spread, "de_parameter_spread": ranges}


#: Share of a parameter's search range within which its best value counts as at a bound.
AT_BOUND_SHARE = 0.01


def parameters_at_bounds(problem, record: dict | None) -> tuple[list[str], list[str]]:
    """The parameters whose best value lies within :data:`AT_BOUND_SHARE` of their search range
    (search space) of a bound, and a note naming them: the optimum may lie outside the range, and
    the other parameters may compensate (review s44 F5); the ranges of the shipped basins are the
    80 % intervals of Perrin et al. (2003), not physical limits."""
    if record is None or record.get("status") != "ok":
        return [], []
    names = []
    for p, (lo, hi) in zip(problem.parameters, problem.bounds, strict=True):
        z = p.to_search(float(record["params"][p.name]))
        if hi > lo and min(z - lo, hi - z) <= AT_BOUND_SHARE * (hi - lo):
            names.append(p.name)
    if not names:
        return [], []
    return names, [f"best value at a bound of its search range (within {AT_BOUND_SHARE:.0%}): "
                   f"{', '.join(names)}; the optimum may lie beyond it and other parameters compensate: "
                   "check the bounds ([[parameters]] lower/upper) before reading the values"]


def too_few_observations(problem, scored: dict) -> list[str]:
    """A note where the calibration period's scored bins (``scored``, :func:`observations_scored`: every
    observation's bins with a simulated value) are fewer than twice the parameters fitted: with as many
    bins as parameters or fewer, many sets fit them alike and the best is one of them (sensitivity review,
    2026-12-06: Guanting's water calibration fitted 5 parameters to 2 numbers without a word)."""
    n_bins = sum(v["n_pairs"] for v in scored.get("calibration", {}).values())
    n_par = len(problem.parameters)
    if not scored or n_bins >= 2 * n_par:
        return []
    how = ("as many as or fewer than the parameters: they cannot identify them, many sets fit alike"
           if n_bins <= n_par else "fewer than twice the parameters: weakly identified")
    return [f"{n_par} parameters fitted to {n_bins} scored observation bins of the calibration period, {how}; "
            "read the values with the spread of the sets near the best (GLUE) or fit fewer parameters"]


def run_report(problem, record: dict | None) -> dict:
    """The keys :func:`hydro.calibration.runner.calibrate` adds to ``summary.json`` about the best
    set ``record``: ``observations_scored`` (:func:`observations_scored`), ``warm_up_days``
    (:func:`warm_up_days`), ``parameters_at_bounds`` (:func:`parameters_at_bounds`) and ``notes``,
    one line each, which ``hydro calibrate`` prints on stderr."""
    warm_days, warm_notes = warm_up_days(problem)
    scored, notes = observations_scored(problem, record)
    at_bounds, bound_notes = parameters_at_bounds(problem, record)
    if problem.config.method.name in SCREENINGS:  # its best sample is no estimate (sensitivity review F10)
        bound_notes, fit_notes = [], []
    else:
        fit_notes = too_few_observations(problem, scored)
    return {"observations_scored": scored, "warm_up_days": warm_days, "parameters_at_bounds": at_bounds,
            "notes": warm_notes + notes + fit_notes + bound_notes}


#: The methods that screen the parameters' sensitivity over their ranges rather than estimate them: their
#: samples include the bounds, and their best sample is no calibrated set.
SCREENINGS = ("sobol", "morris")


def screening_notes(method: str, indices: dict[str, dict[str, float]]) -> list[str]:
    """Notes on a Sobol or Morris screening's ``indices`` (parameter -> the columns of ``sensitivity.csv``)
    whose sample is too small to rank the parameters (sensitivity review, 2026-12-06: with the default 64
    samples Sobol gave ST 1.06 +- 0.81 and a negative S1 without a word): a confidence interval wider than
    half its index (and than 0.05 of the largest), a total index above 1 or a first-order one below 0 by
    more than its interval."""
    wide = []
    # an interval counts where it is also wide against the largest index (0.05 of it, or of 1 for Sobol's):
    # an index near 0 with a narrow interval is resolved, not influential
    finite = [] if method == "sobol" else [r["mu_star"] for r in indices.values() if not math.isnan(r["mu_star"])]
    floor = 0.05 * (1.0 if method == "sobol" else max(finite, default=0.0))
    for name, row in indices.items():
        if any(math.isnan(v) for v in row.values()):  # (every comparison with NaN is false: not resolved)
            wide.append(name)
        elif method == "sobol":
            if (row["ST_conf"] > max(0.5 * abs(row["ST"]), floor) or row["S1_conf"] > max(0.5 * abs(row["S1"]), floor)
                    or row["ST"] > 1.0 or row["S1"] < -row["S1_conf"]):
                wide.append(name)
        elif row["mu_star_conf"] > max(0.5 * row["mu_star"], floor):
            wide.append(name)
    if not wide:
        return []
    return [f"the {method} sample is too small to rank {', '.join(wide)}: an index's confidence interval is wider "
            "than half the index" + (", or an index lies outside 0-1" if method == "sobol" else "")
            + "; raise [method] samples (the indices describe the loss, not a model output)"]


__all__ = [
    "AT_BOUND_SHARE",
    "MIN_WARM_UP_DAYS",
    "RECORDED_LIBRARIES",
    "SCREENINGS",
    "library_versions",
    "observations_scored",
    "parameters_at_bounds",
    "population_spread",
    "run_report",
    "screening_notes",
    "too_few_observations",
    "warm_up_days",
]
