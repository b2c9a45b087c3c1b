"""How close local time steps and the global step come to a refined solution, like for like.

``python benchmarks/scaling.py --cases 100:1,1000:1 --lts-accuracy`` (or ``--child BASIN OUT.nc
--lts-accuracy`` on one basin, e.g. ``miyun``) captures the run's transport call (as ``--lts`` does)
and runs it again in the same process:

* the reference: the same network with every reach's cells refined ``REF`` (4) times, the global
  step (its time step follows the Courant limit, so it is refined in space and time alike), and the
  same refined 2 times, to show how far the reference itself is from converged;
* the methods: the global step (``hydro run``'s), local steps (:class:`hydro.transport_args.LocalSteps`)
  with ``exchange_limit`` 0.1 (the default), 1 and ``math.inf``, the global step at half the
  Courant number (time refined alone: more numerical diffusion, not less, for a limited upwind scheme),
  and the global step dispersing once every k <= 3, 7 and 31 advection sub-steps (``dispersion_every``,
  docs/solver.md, "Dispersion every K advection sub-steps"), and local steps (0.1) whose classes disperse
  once a block of up to 7 of their steps (docs/solver.md, "Dispersion every K steps inside the local steps").

The refined inputs are the same water, loads and initial state on finer cells: each cell becomes
``k`` cells of the same concentration, a point load is shared evenly among the ``k`` cells of its
cell (the same spread as the coarse cell's), sections stay at their positions (``Layout.cell_at``).
Per method, over the days, for the first constituent (its tags added up: TN in the shipped basins
and the only one in the synthetic ones): the largest and the mean
absolute difference from the reference at every reach outlet (``outlet``) and at the sections
(``section``), relative to the reference's largest value there; and the transport's CPU seconds.
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np

REF = 4  # the reference's refinement (cells per cell)
DIFFER = 1e-3  # a method "differs" from the global step where by more than this share of the largest value


def refined(network, inputs, k: int):
    """``network`` with ``k`` times the cells in every reach and ``inputs`` laid onto them
    (see the module docstring); the water, loads and initial concentrations are the same."""
    from hydro.network import Network

    if inputs.init_water is not None:
        raise ValueError("refined: a run carried on from an earlier one (init_water) is not supported")
    fine = Network(tuple(dataclasses.replace(r, n_cells=r.n_cells * k) for r in network.reaches),
                   network.reservoirs, network.sections, source=network.source, gauges=network.gauges)
    start, fine_start = network.layout.reach_cell_start, fine.layout.reach_cell_start
    cell = np.asarray(inputs.point_cell, dtype=np.int64)
    reach = network.layout.cell_reach[cell]
    first = fine_start[reach] + (cell - start[reach]) * k  # the first fine cell of each point's cell
    point_cell = (first[:, None] + np.arange(k)).ravel()
    point_load = np.repeat(inputs.point_load, k, axis=1) / k
    return fine, dataclasses.replace(inputs, point_cell=point_cell, point_load=point_load,
                                     init_conc=np.repeat(inputs.init_conc, k, axis=0))


def constituent(values: np.ndarray, groups) -> np.ndarray:
    """(D, X, T) tracer values added up over each group's tags: (D, X, G)."""
    sizes = list(groups) if groups else [1] * values.shape[2]
    edges = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    return np.add.reduceat(values, edges[:-1], axis=2)


def errors(run, reference, glob, groups) -> dict:
    """Largest and mean |difference| from ``reference`` at reach outlets and sections, of the first
    constituent (TN in the shipped basins; its tags added up), relative to the reference's largest
    value; and where ``run`` differs from ``glob`` (the global step's run) by more than ``DIFFER`` of
    that value, its mean error against the global step's there (``_differ_ratio``: above 1, further
    from the reference) and the share of those values it has closer (``_differ_closer``)."""
    out = {}
    for where, field in (("outlet", "reach_concentration"), ("section", "section_concentration")):
        a, b, g = (constituent(getattr(r, field), groups)[..., 0] for r in (run, reference, glob))
        if b.size == 0:
            continue
        scale = max(float(np.nanmax(np.abs(b))), 1e-30)
        diff = np.abs(a - b)
        out[f"{where}_max"] = float(np.nanmax(diff)) / scale
        out[f"{where}_mean"] = float(np.nanmean(diff)) / scale
        out[f"{where}_from_global"] = float(np.nanmax(np.abs(a - g))) / scale
        differ = np.abs(a - g) > DIFFER * scale
        if differ.any():
            off = np.abs(g - b)[differ]
            out[f"{where}_differ_ratio"] = float(diff[differ].mean() / max(off.mean(), 1e-300))
            out[f"{where}_differ_closer"] = float((diff[differ] < off).mean())
    return out


#: (name, local steps' exchange_limit or None for the global step, share of the Courant number, dispersion_every)
METHODS = (("global", None, 1.0, 1), ("lts 0.1", 0.1, 1.0, 1), ("lts 1", 1.0, 1.0, 1),
           ("lts inf", math.inf, 1.0, 1), ("global courant/2", None, 0.5, 1), ("dispersion every 3", None, 1.0, 3),
           ("dispersion every 7", None, 1.0, 7), ("dispersion every 31", None, 1.0, 31),
           ("lts 0.1 every 7", 0.1, 1.0, 7))


def accuracy(network, tracers, inputs, kw, ref: int = REF) -> dict:
    """Run the captured call ``simulate(network, tracers, inputs, **kw)`` refined and by each method;
    ``{"lts_accuracy": {method: {metric: value, "cpu": s, "days_local": n}}}`` against the
    ``ref``-times refined global step (and ``"refined 2x"`` against it)."""
    from hydro.transport import simulate
    from hydro.transport_args import LocalSteps

    kw = {key: value for key, value in kw.items() if key not in ("local_steps", "on_lane", "dispersion_every")}
    groups = kw.get("groups")
    courant = kw.pop("courant", 0.9)
    runs, cpu = {}, {}
    for k in sorted({ref, 2}, reverse=True):
        fine, fine_inputs = refined(network, inputs, k)
        c0 = time.process_time()
        runs[f"refined {k}x"] = simulate(fine, tracers, fine_inputs, courant=courant, **{**kw, "max_substeps": None})
        cpu[f"refined {k}x"] = time.process_time() - c0
    for name, limit, share, every in METHODS:
        steps = None if limit is None else LocalSteps(exchange_limit=limit)
        c0 = time.process_time()
        runs[name] = simulate(network, tracers, inputs, courant=courant * share, local_steps=steps,
                              dispersion_every=every, **kw)
        cpu[name] = time.process_time() - c0
    reference = runs.pop(f"refined {ref}x") if ref != 2 else runs[f"refined {ref}x"]
    table = {}
    for name, run in runs.items():
        if run is reference:
            continue
        table[name] = errors(run, reference, runs["global"], groups)
        table[name]["cpu"] = cpu[name]
        table[name]["days_local"] = int((run.substeps != runs["global"].substeps).sum()) \
            if name.startswith("lts") else 0
        table[name]["closure"] = float(run.closure())
    table[f"refined {ref}x"] = {"cpu": cpu[f"refined {ref}x"], "closure": float(reference.closure())}
    return {"lts_accuracy": table}


def report(found: dict) -> str:
    """The table :func:`accuracy` returned, one line per method (percent of the largest value)."""
    lines = []
    for name, row in found["lts_accuracy"].items():
        parts = [f"{name:>17}: {row['cpu']:7.2f} s CPU"]
        for where in ("outlet", "section"):
            if f"{where}_max" in row:
                parts.append(f"{where}s max {100 * row[f'{where}_max']:.3f} % mean {100 * row[f'{where}_mean']:.4f} %")
            if f"{where}_differ_ratio" in row:
                parts.append(f"{where}s from global max {100 * row[f'{where}_from_global']:.3f} %, where > "
                             f"{100 * DIFFER:.1f} % error x{row[f'{where}_differ_ratio']:.3f} of global's, closer in "
                             f"{100 * row[f'{where}_differ_closer']:.0f} %")
        if row.get("days_local"):
            parts.append(f"{row['days_local']} days local")
        lines.append("    " + ", ".join(parts))
    return "\n".join(lines)
