"""Plain-text summaries for the terminal: what a basin, results file or config holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from hydro.ecological_minimum import ECO_ATTRIBUTE
from hydro.errors import HydroError
from hydro.results import Results
from hydro.run_attributes import Combiner, id_values
from hydro.transfer_summary import basin_transfer_lines, run_transfer_lines


class RunSummary:
    """The run summary (:func:`run_summary`), gathered from a run's results block by block (a run
    in time blocks, :mod:`hydro.blocked_run`) or in one."""

    def __init__(self) -> None:
        self.first: date | None = None
        self.last: date | None = None
        self.days = 0
        self.blocks = 0  # blocks taken in (benchmarks/scaling.py reports these two)
        self.substeps_total = 0  # transport sub-steps over the run
        self.steps = [np.inf, -np.inf]
        self.closure: dict[str, float] = {}
        self.attrs: dict[str, str] = {}  # the blocks' combined (hydro.run_attributes), as the file has them
        self._blocks = Combiner("blocks")
        self.constituents: list[str] = []
        self.sections: list = []
        self.q_sum: np.ndarray | None = None
        self.q_count: np.ndarray | None = None
        self.loads: dict[str, np.ndarray] = {}

    def add(self, res: Results) -> None:
        """Take in one block's results."""
        self.first = self.first or res.dates[0]
        self.last, self.days, self.blocks = res.dates[-1], self.days + len(res.dates), self.blocks + 1
        self._blocks.add(self.blocks, res.attrs, label=res.dates[0])
        self.attrs = self._blocks.attrs()
        self.constituents = list(res.constituents)
        if "transport_substeps" in res.data:
            steps = res["transport_substeps"]
            self.steps = [min(self.steps[0], int(steps.min())), max(self.steps[1], int(steps.max()))]
            self.substeps_total += int(steps.sum())
        for short in self.constituents:
            self.closure[short] = max(self.closure.get(short, 0.0), budget_closure(res, short))
        self.sections = list(res.coords.get("section", []))
        if self.sections:
            q = res["section_discharge"]
            self.q_sum = np.nansum(q, axis=0) + (0.0 if self.q_sum is None else self.q_sum)
            self.q_count = np.sum(~np.isnan(q), axis=0) + (0 if self.q_count is None else self.q_count)
            for short in self.constituents:
                load = np.nansum(res[f"section_{short}_load"], axis=0)
                self.loads[short] = load + self.loads.get(short, 0.0)

    @property
    def worst(self) -> dict[str, float]:
        """The relative water and groundwater N closures over the run (the worst block's)."""
        keys = ("water_balance_closure", "groundwater_n_balance_closure")
        return {key: float(self.attrs[key]) for key in keys if key in self.attrs}

    @property
    def transferred(self) -> dict[str, float]:
        """The volume of each transfer over the run (m3)."""
        return {k: float(v) for k, v in id_values(self.attrs.get("transfer_volume_m3", "")).items()}

    @property
    def eco_unmet(self) -> dict[str, int]:
        """The days each reservoir let out less than its ecological minimum."""
        return {k: int(v) for k, v in id_values(self.attrs.get(ECO_ATTRIBUTE, "")).items()}

    def text(self) -> str:
        """The run summary: period, solver effort, budget closures, section means."""
        lines = [f"basin {self.attrs.get('basin')}  scenario {self.attrs.get('scenario')}  "
                 f"{self.first} to {self.last} ({self.days} days)"]
        if self.steps[0] <= self.steps[1]:
            lines.append(f"transport sub-steps per day: {self.steps[0]}-{self.steps[1]}")
        for short in self.constituents:
            lines.append(f"{short} mass balance closes to {self.closure[short]:.1e} (relative)")
        for key, what in (("water_balance_closure", "water balance (runoff, routing, reservoirs)"),
                          ("groundwater_n_balance_closure", "groundwater nitrogen store")):
            if key in self.worst:
                lines.append(f"{what} closes to {self.worst[key]:.1e} (relative)")
        lines += run_transfer_lines(self.attrs, self.first, self.last)
        if self.eco_unmet:  # at dead storage: nothing can leave (the rule is right, the user should know)
            lines.append("reservoir outflow below its ecological minimum (not enough water above dead storage): "
                         + ", ".join(f"{k} on {v:,} of {self.days:,} days" for k, v in self.eco_unmet.items()))
        if self.sections and self.q_sum is not None and self.q_count is not None:
            lines.append("section means over the run (Q: time mean; "
                         + ", ".join(self.constituents) + ": flow-weighted, Σ load / Σ Q):")
            for k, sid in enumerate(self.sections):
                mean_q = self.q_sum[k] / self.q_count[k] if self.q_count[k] else np.nan
                parts = [f"  {sid:20s} Q {mean_q:8.3f} m3/s"]
                for short in self.constituents:  # no water over the run: no mean (not a 0/0 warning)
                    mean_c = self.loads[short][k] / (self.q_sum[k] * 86.4) if self.q_sum[k] > 0 else None
                    parts.append(f"{short} {mean_c:7.3f} mg/L" if mean_c is not None else f"{short}     n/a (no flow)")
                lines.append("  ".join(parts))
        return "\n".join(lines)


def run_summary(results: Results) -> str:
    """A short report of a run: period, solver effort, budget closure, section means."""
    summary = RunSummary()
    summary.add(results)
    return summary.text()


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


#: Longest line ``hydro info`` prints.
WIDTH = 100

#: Lines an attribute may take in ``hydro info RESULTS.nc`` before the rest is left out.
ATTRIBUTE_LINES = 4


def _wrap(label: str, text: str, indent: str = "  ", lines: int | None = None) -> list[str]:
    """``label: text`` wrapped to :data:`WIDTH` (continuation lines indented), at most
    ``lines`` lines (then "… (N characters more)")."""
    import textwrap

    text = str(text).replace(";", "; ").replace(";  ", "; ")
    out = textwrap.wrap(f"{label}: {text}", width=WIDTH, initial_indent=indent,
                        subsequent_indent=indent + "    ", break_long_words=True, break_on_hyphens=False) \
        or [f"{indent}{label}:"]
    if lines is not None and len(out) > lines:
        shown = out[:lines]
        left = len(" ".join(x.strip() for x in out[lines:]))
        shown[-1] = shown[-1][:WIDTH - 30] + f" … ({left} characters more)"
        return shown
    return out


def _wrap_lines(lines: list[str], indent: str) -> list[str]:
    """Lines (a heading, then items indented by two spaces) indented by ``indent`` and wrapped to
    :data:`WIDTH`, continuation lines four spaces further in."""
    import textwrap

    out = []
    for line in lines:
        first = indent + " " * (len(line) - len(line.lstrip()))
        out += textwrap.wrap(line.strip(), width=WIDTH, initial_indent=first, subsequent_indent=first + "    ",
                             break_on_hyphens=False, break_long_words=False) or [""]
    return out


def carried(c, short: bool = False) -> str:
    """What a constituent carries: its name, and the species it is simulated as (``TN (orgn, NH3-N,
    no3n)``: NH3-N is simulated, as a species of TN); ``short``: the names as the file gives them."""
    from hydro.standards import PARAMETER_LABELS

    def label(name: str) -> str:
        return name if short else PARAMETER_LABELS.get(name, name if name != c.name else name.upper())

    parts = [p.name for p in c.parts]
    return label(c.name) + ("" if parts == [c.name] else f" ({', '.join(label(p) for p in parts)})")


def describe(path: str) -> str:
    """Describe a shipped-basin listing, a basin, a results file, a catchment or a TOML config.

    No line is longer than :data:`WIDTH` characters (a longer one, an agreement's source or a
    measure's description, is wrapped with its indentation and four spaces more; a single word longer
    than the width, a path, is kept whole).
    """
    return "\n".join(_wrap_lines(_describe(path).split("\n"), ""))


def _describe(path: str) -> str:
    """The body of :func:`describe`."""
    from hydro.basin import Basin

    if path == "basins":
        return describe_shipped()
    p = Path(path)
    if p.suffix == ".nc":
        return describe_results(p)
    if p.suffix == ".toml" and p.name != "basin.toml":
        from hydro.clitools import is_catchment_file

        if is_catchment_file(p):
            return describe_catchment(p)
        return describe_config(p)
    b = Basin.load(path)
    net = b.network
    lines = [f"basin {b.name} ({b.path})",
             f"  period: {b.settings.start} to {b.settings.end}",
             f"  constituents: {', '.join(carried(c, short=True) for c in b.constituents)}",
             f"  reaches: {len(net.reaches)} ({net.layout.n_cells} cells, "
             f"{sum(r.length_m for r in net.reaches) / 1000:.1f} km)",
             *_wrap("reservoirs", ", ".join(net.reservoir_ids) or "none"),
             *_wrap("sections", ", ".join(s.id for s in net.sections) or "none")]
    if b.subbasin_tables:
        areas = [t.raw("area_km2", None) for t in b.subbasin_tables]  # checked when the basin runs
        area = sum(a for a in areas if isinstance(a, (int, float)))
        lines.append(f"  subbasins: {len(b.subbasin_tables)} ({area:,.0f} km2)")
    if b.withdrawal_tables:
        losses = sum(t.has("loss_share") for t in b.withdrawal_tables)
        lines.append(f"  withdrawals: {len(b.withdrawal_tables) - losses} requested flows, "
                     f"{losses} channel losses")
    lines += _wrap_lines(basin_transfer_lines(b), "  ")  # the series over the basin's period
    lines.append(f"  sha256: {b.sha256}")
    return "\n".join(lines)


def describe_results(path: Path) -> str:
    """A results file: what produced it, its period, dimensions, every variable with its
    units and dimensions, and the global attributes wrapped to :data:`WIDTH` columns."""
    from hydro.aux_coordinates import is_aux_coordinate
    from hydro.netcdf_read import logical_dims, open_dataset
    from hydro.results import load_results

    res = load_results(path)  # refuses files hydro did not write, with the reason
    with open_dataset(path) as nc:
        meta = {name: (str(getattr(v, "units", "")), str(getattr(v, "long_name", "")), logical_dims(v),
                       tuple(v.shape)) for name, v in nc.variables.items() if name not in nc.dimensions}
    labels = [name for name, m in meta.items() if is_aux_coordinate(name, m[2])]  # what each element is
    meta = {name: m for name, m in meta.items() if name not in labels}
    attrs = dict(res.attrs)
    lines = _wrap("results file", f"{path} ({attrs.pop('source', 'hydro')}, {attrs.pop('Conventions', 'CF')})",
                  indent="")
    model = attrs.pop("model", None)
    lines += _wrap("basin", f"{attrs.pop('basin', '?')}, scenario {attrs.pop('scenario', '?')}"
                   + (f", {model}" if model else ""))
    if res.coords.get("time"):
        from hydro.dates import partial_years

        d = _days_simulated(res)
        partial = partial_years(d)
        means = f", {len(res.dates)} {attrs.get('time_aggregation', 'period')} means" if res.time_bounds else ""
        lines.append(f"  period: {d[0]} to {d[-1]} ({len(d)} days{means})")
        if partial:
            lines += _wrap("partial calendar years", ", ".join(f"{y} ({p})" for y, p in partial.items()))
    lines += _wrap("dimensions", ", ".join(f"{k}={len(v)}" for k, v in res.coords.items()))
    for dim in ("scenario", "section", "reservoir"):
        if res.coords.get(dim):
            lines += _wrap(f"{dim}s", ", ".join(str(x) for x in res.coords[dim]), lines=ATTRIBUTE_LINES)
    lines.append(f"  variables ({len(meta)}): name, units, dimensions, meaning")
    name_w = min(max((len(n) for n in meta), default=10), 34)
    dims_w = min(max((len(", ".join(m[2])) + 2 for m in meta.values()), default=6), 30)
    for name in sorted(meta):
        units, long_name, dims, _ = meta[name]
        head = f"    {name:{name_w}s} {units or '-':8s} {'(' + ', '.join(dims) + ')':{dims_w}s}"
        if long_name and len(head) + 2 + len(long_name) <= WIDTH:
            lines.append(f"{head}  {long_name}")
        else:  # the meaning on its own line rather than cut
            lines.append(head.rstrip())
            if long_name:
                text = "        " + long_name
                lines.append(text if len(text) <= WIDTH else text[:WIDTH - 1] + "…")
    if labels:
        lines += _wrap("element labels (coordinates)", ", ".join(labels))
    if res.coords.get("time"):  # what a run (--quiet too) delivered of its transfers, from the attributes
        lines += _wrap_lines(run_transfer_lines(attrs, d[0], d[-1]), "  ")
    lines.append("  attributes:")
    for key, value in attrs.items():
        lines += _wrap(key, value, indent="    ", lines=ATTRIBUTE_LINES)
    lines.append("  (all of it: xarray.open_dataset(FILE) or ncdump -h FILE)")
    return "\n".join(lines)


def _days_simulated(res: Results) -> list[date]:
    """The days a results file covers: its time steps, or for means over periods (``--aggregate``)
    every day within the periods' bounds (``time_bnds``; the steps are the periods' first days)."""
    if res.time_bounds is None:
        return list(res.dates)
    from datetime import timedelta

    return [a + timedelta(days=k) for a, b in zip(*res.time_bounds, strict=True) for k in range((b - a).days)]


def describe_shipped() -> str:
    """``hydro info basins``: each shipped basin and example with its period, area, size and
    what a run simulates."""
    from hydro.basin import Basin, shipped_basins

    blocks = ["shipped basins and examples (run one: hydro run NAME; details: hydro info NAME):"]
    for name, folder in shipped_basins().items():
        try:
            b = Basin.load(name)
        except HydroError as exc:  # a broken shipped basin is listed, not fatal
            blocks.append(f"{name:10s} {folder}\n  cannot be read: {exc}"[:WIDTH])
            continue
        net = b.network
        area = sum(a for a in (t.raw("area_km2", None) for t in b.subbasin_tables) if isinstance(a, (int, float)))
        def n(count, what):
            return f"{count} {what}{'' if count == 1 else 's'}"

        counts = ", ".join([n(len(net.reaches), "reach").replace("reachs", "reaches"),
                            n(len(b.subbasin_tables), "subbasin"), n(len(net.reservoir_ids), "reservoir"),
                            n(len(net.sections), "section")])
        constituents = ", ".join(carried(c) for c in b.constituents)
        if b.is_watershed:
            model = b.watershed.runoff_model if b.watershed is not None else "gr4j_cemaneige"
            what = (f"watershed: weather -> runoff per subbasin ({model}), nitrogen sources, routing, "
                    f"{constituents} by source")
        else:
            what = f"flow-driven: flows and loads given per reach, {constituents}"
        lines = [f"{name:10s} {b.settings.start} to {b.settings.end}" + (f", {area:,.0f} km2" if area else "")]
        lines += _wrap("folder", str(folder)) + _wrap("network", counts) + _wrap("simulates", what)
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def describe_catchment(path: Path) -> str:
    """A lumped-catchment TOML (GR4J, CemaNeige where configured) and its forcing."""
    from hydro.catchment import Catchment

    c = Catchment.from_toml(path)
    p = c.runoff
    lines = [f"catchment {c.name} ({path})",
             f"  area: {c.area_km2:,.1f} km2, latitude {c.latitude_deg:g} deg",
             "  model: GR4J" + (f" + CemaNeige snow ({len(c.snow.band_elevations_m)} elevation bands)"
                                  if c.snow else ""),
             f"  GR4J: x1 {p.x1_mm:g} mm, x2 {p.x2_mm_per_day:g} mm/d, x3 {p.x3_mm:g} mm, x4 {p.x4_days:g} d",
             f"  initial stores: production {c.production_fraction:g} x1, routing {c.routing_fraction:g} x3"]
    if c.forcing is not None:
        try:
            f = c.read_forcing()
            observed = "observed discharge" if f.qobs_mm is not None else "no observed discharge"
            lines.append(f"  forcing: {c.forcing.name}, {f.dates[0]} to {f.dates[-1]} ({len(f.dates)} days, "
                         f"{observed})")
        except HydroError as exc:
            lines += _wrap("forcing", f"{c.forcing} cannot be read: {exc}")
    lines += _wrap("run it", f"hydro run {path} [--params best_params.toml] -o OUT.nc")
    return "\n".join(lines)


def describe_config(path: Path) -> str:
    """Summarise a scenario file, an agreement, a calibration config or another TOML."""
    from hydro.tomlio import load_toml, toml_kind

    data = load_toml(path)
    kind = toml_kind(data)
    if kind == "scenario file":
        from hydro.scenarios.spec import ScenarioFile

        sf = ScenarioFile.from_toml(path)
        lines = [f"scenario file {path} ({sf.name})", f"  measures ({len(sf.measures)}):"]
        lines += [f"    {m.id:28s} {m.kind:22s} {m.years[0]}-{m.years[1]}  {m.description}"
                  for m in sf.measures.values()]
        lines.append("  scenarios: " + ", ".join(s.id for s in sf.scenarios))
        lines.append("  targets: " + ", ".join(getattr(t, "id", str(t)) for t in sf.targets))
        return "\n".join(lines)
    if kind == "calibration config":
        from hydro.calibration.config import CalibrationConfig

        c = CalibrationConfig.from_toml(path)
        lines = [f"calibration config {path} ({c.kind} model, method {c.method.name}, "
                 f"{c.method.max_evaluations} evaluations at most)"]
        lines += [f"  parameter {q.name:14s} [{q.lower:g}, {q.upper:g}] {q.transform:6s} -> {', '.join(q.paths)}"
                  for q in c.parameters]
        lines.append("  observations: " + ", ".join(o.name for o in c.observations))
        return "\n".join(lines)
    if kind == "agreement":
        from hydro.compensation.agreement import Agreement

        a = Agreement.from_toml(path)
        kinds = sorted({type(r).__name__ for r in a.rules})
        # what water each quantity rule and flow target counts (docs/agreements.md, "Which water counts")
        water = [f"{r.where} {r.water}" for r in a.rules if hasattr(r, "water")
                 and (r.kind == "quantity" or getattr(r, "parameter", "") == "flow")]
        return "\n".join([f"agreement {path}: {a.name}", f"  period {a.period[0]}-{a.period[1]}, "
                          f"{a.payer} pays {a.payee}", f"  components: {', '.join(kinds)}"]
                         + ([f"  water counted (all / natural): {'; '.join(water)}"] if water else [])
                         + [f"  source: {a.source}"])
    if kind == "calibrated parameters file":
        lines = [f"calibrated parameters {path} ({data['model']} model, loss {data.get('loss', '?')})"]
        lines += _wrap("calibrated on", data.get("target", "?"))
        lines += [f"    {o}" for o in data["overrides"]]
        lines += _wrap("use", f"hydro run {data.get('target', 'TARGET')} --params {path}")
        return "\n".join(lines)
    return "\n".join([f"config {path}"] + _wrap("tables", ", ".join(data)))
