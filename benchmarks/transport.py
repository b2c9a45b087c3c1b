"""Speed of the transport solver, as ratios against references measured in the same run.

Run ``python benchmarks/transport.py [--json] [--skip-fipy]``.  It reports:

* ``cell_updates_per_second``: the full solver (one constituent) on a random
  1,000-reach tree over a year of daily flows, against a minimal first-order
  upwind stencil compiled with Numba (the machine's practical limit).
  Goal: ratio >= 0.10.
* ``fipy_time_over_hydro_time``: FiPy's time over hydro's on the Ogata-Banks case,
  with hydro at equal or better accuracy.  Goal: >= 1,000.
* ``hydro_run_example_seconds``: wall time of ``hydro run`` on the shipped
  example with the on-disk JIT cache warm (a fresh process), against the goal of 3 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_time, emit, record  # noqa: E402

from hydro._transport_kernels import upwind_reference_kernel  # noqa: E402
from hydro.hydraulics import accumulate  # noqa: E402
from hydro.network import Network, Reach  # noqa: E402
from hydro.transport import Constituent, TransportInputs, simulate  # noqa: E402


def random_tree(n_reach: int, seed: int = 1) -> Network:
    """A random binary-ish tree of reaches 4-12 km long, 2 km cells, outlet last."""
    rng = np.random.default_rng(seed)
    reaches = []
    # reach i drains into a random reach among the next three: a tree with one outlet
    for i in range(n_reach):
        down = None if i == n_reach - 1 else f"r{rng.integers(i + 1, min(n_reach, i + 4))}"
        length = float(rng.uniform(4.0, 12.0)) * 1000.0
        reaches.append(Reach(id=f"r{i}", name=f"r{i}", length_m=length, downstream=down,
                             velocity_coeff=float(rng.uniform(0.2, 0.35)), velocity_exp=0.3,
                             width_coeff=8.0, width_exp=0.45, dispersion_m2_s=float(rng.uniform(5, 30)),
                             n_cells=max(1, int(round(length / 2000.0)))))
    return Network(tuple(reaches))


def network_inputs(net: Network, n_day: int) -> TransportInputs:
    """A year of seasonal lateral inflows and loads on every reach."""
    n_reach = len(net.reaches)
    rng = np.random.default_rng(2)
    days = np.arange(n_day)
    season = 1.0 + 2.0 * np.exp(-((days % 365 - 205) / 30.0) ** 2)
    lateral = 0.2 * season[:, None] * rng.uniform(0.5, 1.5, n_reach)[None, :]
    months = np.array([date.fromordinal(date(2020, 1, 1).toordinal() + int(d)).month for d in days])
    hyd = accumulate(net, lateral, np.zeros_like(lateral), np.zeros((n_day, 0)), np.zeros((n_day, 0)),
                     np.zeros((n_day, 0)), months)
    load = (lateral * 3.0)[:, :, None]  # 3 mg/L in lateral water, g/s
    return TransportInputs(
        q_in=np.maximum(hyd.q_in, 1e-3), q_out=hyd.q_out, res_volume=np.ones((n_day + 1, 0)),
        res_outflow=np.zeros((n_day, 0)), res_area=np.zeros((n_day, 0)),
        boundary_flux=np.zeros((n_day, n_reach, 1)), boundary_conc=np.zeros((n_day, n_reach, 1)),
        dispersive_inlet=np.zeros(n_reach, bool), lateral_load=load,
        point_cell=np.zeros(0, np.int64), point_load=np.zeros((n_day, 0, 1)),
        res_load=np.zeros((n_day, 0, 1)), reach_temp=np.full((n_day, n_reach), 15.0),
        res_temp=np.zeros((n_day, 0)), init_conc=np.full((net.layout.n_cells, 1), 1.0),
        init_res_conc=np.zeros((0, 1)), period_of_day=np.zeros(n_day, np.int64))


def bench_cell_updates(n_reach: int = 1000, n_day: int = 365) -> list[dict]:
    net = random_tree(n_reach)
    inputs = network_inputs(net, n_day)
    tracer = [Constituent("tn", "total nitrogen", river_removal_per_day=0.05)]
    result = {}

    def full():
        result["r"] = simulate(net, tracer, inputs, courant=0.9)

    seconds = best_time(full, repeat=4)
    updates = float(result["r"].substeps.sum()) * net.layout.n_cells
    ours = updates / seconds

    cells = np.ones(net.layout.n_cells)
    steps = int(result["r"].substeps.sum())
    upwind_reference_kernel(cells.copy(), 0.9, 2)
    ref_seconds = best_time(lambda: upwind_reference_kernel(cells.copy(), 0.9, steps), repeat=4)
    reference = updates / ref_seconds
    return [record("cell_updates_per_second", ours, "1/s", reference, ours / reference)]


def bench_fipy(skip: bool) -> list[dict]:
    if skip:
        return []
    from hydro.validation.analytical import run_ogata_banks
    from hydro.validation.peer import fipy_ogata_banks

    fipy_err, fipy_s = fipy_ogata_banks(100.0, 480)
    # hydro at equal or better accuracy: the coarsest of these grids whose error <= FiPy's
    for dx, courant in ((200.0, 0.9), (100.0, 0.9), (100.0, 0.5), (50.0, 0.5)):
        run_ogata_banks(dx, courant)
        err, _ = run_ogata_banks(dx, courant)
        if err <= fipy_err:
            break
    hydro_s = best_time(lambda: run_ogata_banks(dx, courant), repeat=5)
    return [record("fipy_time_over_hydro_time", fipy_s / hydro_s, "1", fipy_s, fipy_s / hydro_s),
            record("ogata_banks_error_hydro_over_fipy", err / fipy_err, "1", fipy_err, err / fipy_err)]


def bench_cli() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "tiny.nc"
        cmd = [sys.executable, "-m", "hydro", "run", "tiny", "-o", str(out), "--overwrite", "-q"]
        subprocess.run(cmd, check=True)  # fills the on-disk JIT cache
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True)
        seconds = time.perf_counter() - t0
    return [record("hydro_run_example_seconds", seconds, "s", 3.0, seconds / 3.0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON records")
    parser.add_argument("--skip-fipy", action="store_true", help="skip the FiPy comparison")
    args = parser.parse_args()
    records = bench_cell_updates() + bench_fipy(args.skip_fipy) + bench_cli()
    emit(records, args.json)


if __name__ == "__main__":
    main()
