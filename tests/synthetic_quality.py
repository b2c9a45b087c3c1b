"""A small synthetic results file carrying TN, NH3-N, TP and CODMn (issue 14's variables).

Every section and reservoir the shipped agreements name, daily values with a seasonal
cycle, in the results schema (``section_{p}_concentration``, ``section_{p}_load``,
``reservoir_{p}_concentration``, ``{p}_concentration`` on reaches), so the class
table, the compensation engine, the plots and the report can be tested on all four
parameters before the model produces them.
"""

from __future__ import annotations

from datetime import date

import netCDF4
import numpy as np

#: River sections of the shipped agreements (Miyun and Guanting), and the two reservoirs.
SECTIONS = ("gubeikou", "baihe_border", "qingshui_outlet", "hei_outlet", "tang_outlet",
            "bahaoqiao", "xiangshuibao", "shixiali", "guishui_outlet")
RESERVOIRS = ("miyun", "guanting")
REACHES = ("r1", "r2")

#: Mean concentrations (mg/L) per parameter: TN about Class IV-V on the lake limits,
#: NH3-N Class II-III, TP river Class II-III, CODMn Class II-III.
BASE = {"tn": 2.2, "nh3n": 0.45, "tp": 0.09, "codmn": 3.8}
RESERVOIR_BASE = {"tn": 0.9, "nh3n": 0.2, "tp": 0.03, "codmn": 3.0}


def concentrations(days: int, scale: float = 1.0, seed: int = 0):
    """(section [day, section], reservoir [day, reservoir]) per parameter, mg/L."""
    t = np.arange(days)
    season = 1.0 + 0.35 * np.sin(2 * np.pi * t / 365.25)
    rng = np.random.default_rng(seed)
    sec, res = {}, {}
    for k, p in enumerate(BASE):
        spread = 1.0 + 0.08 * np.arange(len(SECTIONS))
        sec[p] = scale * BASE[p] * season[:, None] * spread[None, :] * (
            1 + 0.02 * rng.standard_normal((days, len(SECTIONS))))
        res[p] = scale * RESERVOIR_BASE[p] * (1 + 0.2 * np.sin(2 * np.pi * t / 365.25 + k))[:, None] * np.ones(
            (1, len(RESERVOIRS)))
    return sec, res


def write_quality_results(path, start: str = "2018-01-01", end: str = "2020-12-31", scenarios=None,
                          scale=None, parameters=tuple(BASE)):
    """Write the synthetic results file and return its path.

    ``scenarios`` (a list of names) adds a leading ``scenario`` dimension; ``scale``
    (one factor per scenario) multiplies the concentrations of each scenario.
    ``parameters`` limits the constituents written (e.g. ``("tn",)`` for today's runs).
    """
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    days = (last - first).days + 1
    q = 5.0 + 3.0 * np.sin(2 * np.pi * np.arange(days) / 365.25)[:, None] * np.ones((1, len(SECTIONS)))
    q_res = 20.0 * np.ones((days, len(RESERVOIRS)))
    names = list(scenarios) if scenarios else None
    factors = list(scale) if scale is not None else [1.0] * (len(names) if names else 1)
    with netCDF4.Dataset(path, "w") as ds:
        ds.Conventions = "CF-1.8"
        ds.source = "hydro (synthetic test file)"
        ds.basin = "synthetic"
        ds.scenario = "baseline"
        ds.constituents = ";".join(f"{p}={p}" for p in parameters)
        ds.createDimension("time", days)
        ds.createDimension("section", len(SECTIONS))
        ds.createDimension("reservoir", len(RESERVOIRS))
        ds.createDimension("reach", len(REACHES))
        lead: tuple[str, ...] = ()
        if names:
            ds.createDimension("scenario", len(names))
            v = ds.createVariable("scenario", str, ("scenario",))
            for i, n in enumerate(names):
                v[i] = n
            lead = ("scenario",)
        t = ds.createVariable("time", "f8", ("time",))
        t.units, t.calendar = f"days since {start}", "standard"
        t[:] = np.arange(days)
        for dim, ids in (("section", SECTIONS), ("reservoir", RESERVOIRS), ("reach", REACHES)):
            v = ds.createVariable(dim, str, (dim,))
            for i, s in enumerate(ids):
                v[i] = s

        def put(name, dims, units, arrays):
            v = ds.createVariable(name, "f8", lead + dims)
            v.units, v.long_name = units, name.replace("_", " ")
            v[:] = np.stack(arrays) if names else arrays[0]

        n = len(names) if names else 1
        fields = [concentrations(days, factors[i], seed=i) for i in range(n)]
        put("section_discharge", ("time", "section"), "m3 s-1", [q] * n)
        put("reservoir_inflow", ("time", "reservoir"), "m3 s-1", [q_res] * n)
        put("discharge", ("time", "reach"), "m3 s-1", [q[:, :2]] * n)
        for p in parameters:
            put(f"section_{p}_concentration", ("time", "section"), "mg L-1", [f[0][p] for f in fields])
            put(f"section_{p}_load", ("time", "section"), "kg d-1", [f[0][p] * q * 86.4 for f in fields])
            put(f"reservoir_{p}_concentration", ("time", "reservoir"), "mg L-1", [f[1][p] for f in fields])
            put(f"{p}_concentration", ("time", "reach"), "mg L-1", [f[0][p][:, :2] for f in fields])
    return path
