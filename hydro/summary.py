"""Plain-text summaries for the terminal: what a basin, results file or config holds."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hydro.errors import HydroError
from hydro.results import Results


def run_summary(results: Results) -> str:
    """A short report of a run: period, solver effort, budget closure, section means."""
    dates = results.dates
    lines = [f"basin {results.attrs.get('basin')}  scenario {results.attrs.get('scenario')}  "
             f"{dates[0]} to {dates[-1]} ({len(dates)} days)"]
    if "transport_substeps" in results.data:
        steps = results["transport_substeps"]
        lines.append(f"transport sub-steps per day: {int(steps.min())}-{int(steps.max())}")
    for short in results.constituents:
        closure = budget_closure(results, short)
        lines.append(f"{short} mass balance closes to {closure:.1e} (relative)")
    for key, what in (("water_balance_closure", "water balance (runoff, routing, reservoirs)"),
                      ("groundwater_n_balance_closure", "groundwater nitrogen store")):
        if key in results.attrs:
            lines.append(f"{what} closes to {float(results.attrs[key]):.1e} (relative)")
    sections = results.coords.get("section", [])
    if sections:
        lines.append("section means over the run (Q: time mean; "
                     + ", ".join(results.constituents) + ": flow-weighted, Σ load / Σ Q):")
        for k, sid in enumerate(sections):
            parts = [f"  {sid:20s} Q {np.nanmean(results['section_discharge'][:, k]):8.3f} m3/s"]
            for short in results.constituents:
                load = results[f"section_{short}_load"][:, k]
                q = results["section_discharge"][:, k]
                mean_c = np.nansum(load) / (np.nansum(q) * 86.4)  # kg/d over m3/s*86.4 = mg/L
                parts.append(f"{short} {mean_c:7.3f} mg/L")
            lines.append("  ".join(parts))
    return "\n".join(lines)


def budget_closure(results: Results, short: str) -> float:
    """Largest relative imbalance of the per-year budgets of reaches and reservoirs."""
    worst = 0.0
    for name in (f"{short}_budget_reach", f"{short}_budget_reservoir"):
        if name not in results.data:
            continue
        b = results[name]  # (year, element, term)
        gains = b[..., 0] + b[..., 1] + b[..., 2] + b[..., 6]
        losses = b[..., 3] + b[..., 4] + b[..., 5]
        err = gains - losses - (b[..., 8] - b[..., 7])
        scale = np.abs(b).max(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.where(scale > 0, np.abs(err) / scale, 0.0)
        worst = max(worst, float(rel.max()) if rel.size else 0.0)
    return worst


def describe(path: str) -> str:
    """Describe a shipped-basin listing, a basin, a results file or a TOML config."""
    from hydro.basin import Basin, shipped_basins

    if path == "basins":
        rows = [f"{name:12s} {folder}" for name, folder in shipped_basins().items()]
        return "shipped basins and examples:\n" + "\n".join(rows)
    p = Path(path)
    if p.suffix == ".nc":
        from hydro.results import open_results

        res = open_results(p)
        lines = [f"results file {p}"]
        lines += [f"  {k}: {v}" for k, v in res.attrs.items()]
        lines.append("  dimensions: " + ", ".join(f"{d}={len(v)}" for d, v in res.coords.items()))
        if res.coords.get("time"):
            lines.append(f"  period: {res.dates[0]} to {res.dates[-1]}")
        lines.append("  variables:")
        for name in sorted(res.data):
            lines.append(f"    {name} {res.data[name].shape}")
        return "\n".join(lines)
    if p.suffix == ".toml" and p.name != "basin.toml":
        return describe_config(p)
    try:
        b = Basin.load(path)
    except HydroError:
        raise
    net = b.network
    lines = [f"basin {b.name} ({b.path})",
             f"  period: {b.settings.start} to {b.settings.end}",
             f"  constituents: {', '.join(c.name for c in b.constituents)}",
             f"  reaches: {len(net.reaches)} ({net.layout.n_cells} cells, "
             f"{sum(r.length_m for r in net.reaches) / 1000:.1f} km)",
             f"  reservoirs: {', '.join(net.reservoir_ids) or 'none'}",
             f"  sections: {', '.join(s.id for s in net.sections) or 'none'}"]
    if b.subbasin_tables:
        areas = [t.raw("area_km2", None) for t in b.subbasin_tables]  # checked when the basin runs
        area = sum(a for a in areas if isinstance(a, (int, float)))
        lines.append(f"  subbasins: {len(b.subbasin_tables)} ({area:,.0f} km2)")
    if b.withdrawal_tables:
        losses = sum(t.has("loss_share") for t in b.withdrawal_tables)
        lines.append(f"  withdrawals: {len(b.withdrawal_tables) - losses} requested flows, "
                     f"{losses} channel losses")
    lines.append(f"  sha256: {b.sha256}")
    return "\n".join(lines)


def describe_config(path: Path) -> str:
    """Summarise a scenario file, an agreement, a calibration config or another TOML."""
    from hydro.tomlio import load_toml

    data = load_toml(path)
    if "measures" in data and "scenarios" in data:
        from hydro.scenarios.spec import ScenarioFile

        sf = ScenarioFile.from_toml(path)
        lines = [f"scenario file {path} ({sf.name})", f"  measures ({len(sf.measures)}):"]
        lines += [f"    {m.id:28s} {m.kind:22s} {m.years[0]}-{m.years[1]}  {m.description}"
                  for m in sf.measures.values()]
        lines.append("  scenarios: " + ", ".join(s.id for s in sf.scenarios))
        lines.append("  targets: " + ", ".join(getattr(t, "id", str(t)) for t in sf.targets))
        return "\n".join(lines)
    if "model" in data and "parameters" in data:
        from hydro.calibration.config import CalibrationConfig

        c = CalibrationConfig.from_toml(path)
        lines = [f"calibration config {path} ({c.kind} model, method {c.method.name}, "
                 f"{c.method.max_evaluations} evaluations at most)"]
        lines += [f"  parameter {q.name:14s} [{q.lower:g}, {q.upper:g}] {q.transform:6s} -> {', '.join(q.paths)}"
                  for q in c.parameters]
        lines.append("  observations: " + ", ".join(o.name for o in c.observations))
        return "\n".join(lines)
    if "payer" in data or "quality_class" in data or "quantity" in data or "fixed" in data:
        from hydro.compensation.agreement import Agreement

        a = Agreement.from_toml(path)
        kinds = sorted({type(r).__name__ for r in a.rules})
        return "\n".join([f"agreement {path}: {a.name}", f"  period {a.period[0]}-{a.period[1]}, "
                          f"{a.payer} pays {a.payee}", f"  components: {', '.join(kinds)}",
                          f"  source: {a.source}"])
    return f"config {path}\n  tables: " + ", ".join(data)
