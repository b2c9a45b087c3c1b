"""Running every scenario of a file and writing them to one netCDF with a ``scenario`` dimension.

:func:`run_scenarios` compiles each scenario (:mod:`hydro.scenarios.measures`),
loads the basin with its overrides, runs it (:func:`hydro.simulation.run`), adds
the scenario's measure costs and landscape N retention, and keeps the results.
:func:`write_scenarios` stacks them: every variable of the runs gets a leading
``scenario`` axis; units and long names come from :mod:`hydro.variables` (and,
for the variables this package adds, from :data:`SCENARIO_VARIABLES` until they
are declared there).  The file is written under a temporary name and renamed.

With a weather ensemble (``members > 0``), :func:`run_ensemble` fits
:mod:`hydro.weathergen` to the basin's weather CSV, generates ``members`` series
of the run period from ``seed``, and runs every scenario on each; only what the
targets need is kept (section and reservoir TN, section discharge).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from hydro.errors import HydroError
from hydro.scenarios.measures import BasinInfo, Compiled, compile_scenario
from hydro.scenarios.spec import ScenarioFile
from hydro.variables import Variable

#: Variables added by scenario runs (to be declared in hydro/variables.py).
SCENARIO_VARIABLES = (
    Variable("measure_capital_cost", ("year", "measure", "subbasin"), "yuan",
             "capital cost of the measure in the subbasin in the year (spent or annualised, see cost_method)"),
    Variable("measure_operating_cost", ("year", "measure", "subbasin"), "yuan",
             "operating cost of the measure in the subbasin in the year"),
    Variable("subbasin_tn_landscape_retention", ("year", "subbasin"), "kg",
             "total nitrogen kept from reaching the river by natural retention in the subbasin (GEP)"),
)
_EXTRA = {v.name: v for v in SCENARIO_VARIABLES}


def declaration(results, name: str) -> Variable:
    """The declared variable ``name``: :mod:`hydro.variables` first, then :data:`SCENARIO_VARIABLES`."""
    try:
        return results.declaration(name)
    except HydroError:
        if name in _EXTRA:
            return _EXTRA[name]
        raise


@dataclass
class ScenarioRun:
    """Every scenario of a file, run on one basin.

    Attributes
    ----------
    sfile : ScenarioFile
    info : BasinInfo
    names : list of str
    results : list of Results
        One per scenario, in ``names`` order (with the added variables).
    compiled : list of Compiled
    measures : list of str
        Every measure id of the file (the ``measure`` dimension).
    ensemble : dict or None
        ``{"members": [...], "seed": int, "section_tn_concentration": [S, M, T, sec], ...}``.
    """

    sfile: ScenarioFile
    info: BasinInfo
    names: list
    results: list
    compiled: list
    measures: list
    ensemble: dict | None = field(default=None)


def _period(sfile: ScenarioFile, start, end):
    return start or sfile.start, end or sfile.end


def run_one(info: BasinInfo, sfile: ScenarioFile, sid: str, start: date | None, end: date | None,
            extra_overrides: list[str] | None = None, history: str = ""):
    """Compile and run one scenario; returns (Results, Compiled)."""
    from hydro.basin import Basin
    from hydro.gep import landscape_retention
    from hydro.simulation import check_period, run
    from hydro.sources import SourceParameters

    base = Basin.load(info.path, overrides=list(extra_overrides or []))
    s = start or base.settings.start
    e = end or base.settings.end
    check_period(base, s, e)
    years = list(range(s.year, e.year + 1))
    comp = compile_scenario(info, sfile, sid, years)
    try:
        basin = Basin.load(info.path, overrides=list(extra_overrides or []) + comp.overrides)
    except HydroError as exc:
        raise HydroError(f"{sfile.path}: scenario '{sid}': the compiled measures do not fit the basin: {exc}") from None
    res = run(basin, s, e, scenario=sid, history=history)
    params = SourceParameters.from_subbasin_tables(basin.subbasin_tables)
    years_of_day = np.array([d.year for d in res.dates])
    run_years, land = landscape_retention(params, years_of_day, res["subbasin_quickflow"], info.area_km2,
                                          comp.buffer_removed_mg_per_l[[years.index(y) for y in
                                                                        sorted(set(years_of_day.tolist()))]])
    res.data["subbasin_tn_landscape_retention"] = land
    return res, comp


def run_scenarios(basin, scenario_file, start: date | None = None, end: date | None = None,
                  progress=None, history: str = "", scenarios: list[str] | None = None) -> ScenarioRun:
    """Run the baseline and every scenario of ``scenario_file`` on ``basin``.

    Parameters
    ----------
    basin : str or Path
        Basin folder, file or shipped name.
    scenario_file : str, Path or ScenarioFile
    start, end : date, optional
        Override the scenario file's (else the basin's) period.
    progress : callable, optional
        Called with a one-line message before each run.
    scenarios : list of str, optional
        Only these (the baseline is always run).
    """
    sfile = scenario_file if isinstance(scenario_file, ScenarioFile) else ScenarioFile.from_toml(scenario_file)
    info = BasinInfo.load(basin)
    start, end = _period(sfile, start, end)
    names = sfile.scenario_ids
    if scenarios:
        for s in scenarios:
            sfile.scenario(s)
        names = ["baseline"] + [s for s in names[1:] if s in scenarios]
    # compile everything first, so a bad measure fails before any long run
    probe = list(range((start or date(2000, 1, 1)).year, (end or date(2000, 1, 1)).year + 1))
    for sid in names:
        compile_scenario(info, sfile, sid, probe)
    results, compiled = [], []
    for k, sid in enumerate(names):
        if progress:
            progress(f"[{k + 1}/{len(names)}] scenario {sid}")
        res, comp = run_one(info, sfile, sid, start, end, history=history)
        results.append(res)
        compiled.append(comp)
    run = ScenarioRun(sfile, info, names, results, compiled, list(sfile.measures))
    _add_costs(run)
    return run


def _add_costs(run: ScenarioRun) -> None:
    """Add measure_capital_cost and measure_operating_cost (year, measure, subbasin) to each result."""
    for res, comp in zip(run.results, run.compiled):
        years = [int(y) for y in res.coords["year"]]
        cap = np.zeros((len(years), len(run.measures), len(run.info.ids)))
        op = np.zeros_like(cap)
        idx = [list(comp.years).index(y) for y in years]
        for (mid, i), v in comp.capital.items():
            cap[:, run.measures.index(mid), i] = v[idx]
        for (mid, i), v in comp.operating.items():
            op[:, run.measures.index(mid), i] = v[idx]
        res.coords["measure"] = list(run.measures)
        res.data["measure_capital_cost"] = cap
        res.data["measure_operating_cost"] = op


def run_ensemble(run: ScenarioRun, members: int, seed: int | None, start=None, end=None,
                 progress=None) -> dict:
    """Run every scenario on ``members`` generated weather series; keep section and reservoir TN.

    The generator is fitted to the basin's own weather CSV (``[weather] csv``) and
    generates station weather for the run period; the basin carries it to the
    subbasins as usual.  Member m uses the m-th series of one draw from ``seed``.
    """
    from hydro import weathergen
    from hydro.weather import read_forcing_csv, write_forcing_csv

    if members < 1:
        raise HydroError(f"--members: expected a positive number of ensemble members, got {members}")
    res0 = run.results[0]
    d0, d1 = res0.dates[0], res0.dates[-1]
    wcsv = run.info.path.parent / run.info.raw.get("weather", {}).get("csv", "")
    observed = read_forcing_csv(wcsv)
    params = weathergen.fit(observed, reference_elevation_m=run.info.raw["weather"].get("elevation_m"))
    gen = weathergen.generate(params, d0, d1, seed=seed, n_members=members)
    keep = ("section_tn_concentration", "section_discharge", "reservoir_tn_concentration")
    out = {k: [] for k in keep}
    with tempfile.TemporaryDirectory(prefix="hydro-ensemble-") as tmp:
        for m in range(members):
            path = write_forcing_csv(gen.series(m), Path(tmp) / f"member_{m:03d}.csv")
            rows = {k: [] for k in keep}
            for k, sid in enumerate(run.names):
                if progress:
                    progress(f"[member {m + 1}/{members}] [{k + 1}/{len(run.names)}] scenario {sid}")
                res, _ = run_one(run.info, run.sfile, sid, d0, d1, extra_overrides=[f'weather.csv="{path}"'])
                for name in keep:
                    if name in res.data:
                        rows[name].append(res[name])
            for name in keep:
                if rows[name]:
                    out[name].append(np.stack(rows[name]))
    ens = {name: np.stack(v, axis=1) for name, v in out.items() if v}  # [scenario, member, ...]
    ens["members"] = [f"m{m + 1:03d}" for m in range(members)]
    ens["seed"] = int(gen.metadata["seed"])
    run.ensemble = ens
    return ens


# -- writing ------------------------------------------------------------------------
def _attrs(run: ScenarioRun, history: str) -> dict:
    from hydro import __version__

    info, res0 = run.info, run.results[0]
    attrs = {k: v for k, v in res0.attrs.items() if k not in ("scenario", "history", "config_sha256")}

    def pairs(values):
        return ";".join(f"{i}={v}" for i, v in zip(info.ids, values))

    import hashlib

    attrs.update({
        "Conventions": "CF-1.8", "source": f"hydro {__version__}", "title": "hydro scenario results",
        "history": history or f"hydro scenarios {info.path} {run.sfile.path}",
        "scenario": ";".join(run.names),
        "scenario_descriptions": ";".join(f"{s.id}={s.description}" for s in run.sfile.scenarios
                                          if s.id in run.names),
        "scenario_measures": ";".join(f"{s.id}={' '.join(s.measures)}" for s in run.sfile.scenarios
                                      if s.id in run.names),
        "scenario_file": str(Path(run.sfile.path).resolve()),
        "scenario_file_sha256": hashlib.sha256(Path(run.sfile.path).read_bytes()).hexdigest(),
        "config_sha256": ";".join(f"{n}={r.attrs.get('config_sha256', '')}" for n, r in zip(run.names, run.results)),
        "cost_method": run.sfile.cost_method,
        "discount_rate": f"{run.sfile.discount_rate:g}",
        "subbasin_area_km2": pairs(f"{a:g}" for a in info.area_km2),
        "subbasin_county": pairs(info.attr("county")),
        "subbasin_province": pairs(info.attr("province")),
        "subbasin_drains_to": pairs(s.get("reach") or s.get("reservoir") for s in info.subbasins),
        "measure_kinds": ";".join(f"{m.id}={m.kind}" for m in run.sfile.measures.values()),
    })
    return attrs


def write_scenarios(run: ScenarioRun, path: str | Path, overwrite: bool = False, history: str = "") -> Path:
    """Write every scenario to one netCDF4 (CF-1.8) file with a leading ``scenario`` dimension."""
    import netCDF4

    from hydro.netcdf import check_writable

    path = Path(path)
    check_writable(path, overwrite)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        with netCDF4.Dataset(tmp, "w", format="NETCDF4") as nc:
            _fill(nc, run, history)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _fill(nc, run: ScenarioRun, history: str) -> None:
    res0 = run.results[0]
    nc.setncatts({k: str(v) for k, v in _attrs(run, history).items()})
    coords = dict(res0.coords)
    coords["scenario"] = list(run.names)
    names = sorted(res0.data)
    decls = {n: declaration(res0, n) for n in names}
    used = {"scenario", "time"} | {d for v in decls.values() for d in v.dims}
    ens = run.ensemble
    if ens:
        coords["member"] = ens["members"]
        used.add("member")
    for dim in sorted(used):
        values = coords[dim]
        nc.createDimension(dim, len(values))
        if dim == "time":
            start = values[0]
            var = nc.createVariable("time", "f8", ("time",))
            var.units = f"days since {start.isoformat()} 00:00:00"
            var.calendar = "standard"
            var.standard_name = "time"
            var.long_name = "time (start of the day)"
            var[:] = np.array([(d - start).days for d in values], dtype=float)
        elif dim in ("year",):
            var = nc.createVariable(dim, "i4", (dim,))
            var.long_name = dim
            var[:] = np.asarray(values, dtype=np.int32)
        else:
            var = nc.createVariable(dim, str, (dim,))
            var.long_name = f"{dim.replace('_', ' ')} identifier"
            if dim in ("reach", "section", "reservoir"):
                var.cf_role = "timeseries_id"
            for i, v in enumerate(values):
                var[i] = str(v)
    for name in names:
        decl = decls[name]
        data = np.stack([np.asarray(r.data[name]) for r in run.results])
        integer = np.issubdtype(data.dtype, np.integer)
        kw = {} if integer else {"fill_value": np.nan}
        var = nc.createVariable(name, "i4" if integer else "f8", ("scenario",) + decl.dims, **kw)
        var.units = decl.units
        var.long_name = decl.long_name
        var[:] = data
    if ens:
        for name in ("section_tn_concentration", "section_discharge", "reservoir_tn_concentration"):
            if name not in ens:
                continue
            decl = declaration(res0, name)
            var = nc.createVariable(f"ensemble_{name}", "f8", ("scenario", "member") + decl.dims,
                                    fill_value=np.nan)
            var.units = decl.units
            var.long_name = decl.long_name + " (weather ensemble member)"
            var[:] = ens[name]
        nc.setncattr("ensemble_seed", str(ens["seed"]))
        nc.setncattr("ensemble_generator", "hydro.weathergen fitted to the basin's weather CSV")


def read_scenarios(path: str | Path):
    """Read a scenarios file back as :class:`~hydro.results.Results` (leading scenario axes kept)."""
    from hydro.netcdf import read_results

    return read_results(Path(path))
