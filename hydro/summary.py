"""Plain-text summaries for the terminal: what a basin, results file or config holds."""

from __future__ import annotations

from pathlib import Path

from hydro.errors import HydroError
from hydro.transfer_summary import basin_transfer_lines, run_transfer_lines

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
    if p.suffix == ".npz":
        return describe_state(p)
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
             *(f"    {r.id}: flood limit {r.flood_limit_level_m:g} m, {r.flood_season_text} (full supply "
               f"{r.full_supply_level_m:g} m" + (f"; {r.flood_drawdown_days} days' drawdown before)"
                                                if r.flood_drawdown_days else ")")
               for r in net.reservoirs if r.flood_season is not None),
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


def describe_state(path: Path) -> str:
    """A state file of ``hydro run --save-state``: the day it is for and what a run continuing it must share."""
    from hydro.state_file import load_state

    state, meta = load_state(path)  # refuses a file that is not one
    carried = ", ".join(meta.get("carried") or []) or "water only"
    return "\n".join([
        f"state {path} (hydro run --save-state)",
        f"  basin: {meta.get('basin')}; continue with --start {meta.get('day')} --from-state {path}",
        f"  constituents carried: {carried}" + ("" if meta.get("apportion") else " (not by source)"),
        f"  tracers: {state.transport.conc.shape[1]} in {state.transport.conc.shape[0]} cells and "
        f"{state.transport.res_conc.shape[0]} reservoirs",
        "  --set/--params parameters: " + (", ".join(meta["parameters"]) or "none" if "parameters" in meta
                                             else "not recorded (saved before 2026-12-06)"),
        f"  saved by: hydro {meta.get('hydro_version', '(not recorded)')}"
        + (f" at {meta['source_revision']}" if meta.get("source_revision") else ""),
        f"  basin file hash: {meta.get('basin_file_sha256')}"])


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

        d = res.simulated_days()
        partial = partial_years(d)
        n = len(res.dates)
        means = f", {n} {attrs.get('time_aggregation', 'period')} mean{'s' * (n != 1)}" if res.time_bounds else ""
        lines.append(f"  period: {d[0]} to {d[-1]} ({len(d)} day{'s' * (len(d) != 1)}{means})")
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
