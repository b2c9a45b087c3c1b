"""``hydro target``: the share of the sources' TN to cut for a reservoir or section to meet a target, per year.

A planner's question ("what must the Yongding shed for Guanting to reach Class III?") from the command line: the
rows of :func:`hydro.targets.required_cut` for one reservoir or section of a results file, for each scenario of a
``hydro scenarios`` file and each member of an ensemble, as a table, a JSON list or a CSV (docs/commands/target.md).
"""

from __future__ import annotations

import click

from hydro.targets import STATISTICS

#: What the CLI says of the cut (docs/scenarios.md, "How much must be cut"): the module's "What it is not".
CUT_IS = ("the cut is of the loads the sources deliver to the rivers, by one share on every day of the run (a "
          "measure on inputs reaches the rivers through the stores years later): not a plan of measures (hydro "
          "scenarios prices those)")

#: What the parts never cut are, said where they keep a year from its target.
NOT_CUT_ARE = ("'initial' is the N in the basin at the run's start, still in a lake in its first years (judge the "
               "years after it has left), 'transfer' the N of water brought in from outside the basin")


@click.command("target")
@click.argument("results", metavar="RESULTS.nc", type=click.Path(dir_okay=False))
@click.argument("location", metavar="RESERVOIR|SECTION")
@click.option("--max", "max_mg_per_l", type=float, metavar="MG/L",
              help="The target: TN, mg/L (instead of --class).")
@click.option("--class", "water_class", metavar="CLASS",
              help="The target as a GB 3838-2002 class of TN in lakes and reservoirs: I 0.2, II 0.5, III 1.0, "
                   "IV 1.5, V 2.0 mg/L (default: III, unless --max).")
@click.option("--sources", multiple=True, metavar="NAME[,NAME]",
              help="The sources cut together, by one share (default: every source but transfer and initial).")
@click.option("--statistic", type=click.Choice(STATISTICS), default="annual_mean", show_default=True,
              help="What the target bounds: the year's mean of monthly means, or its highest monthly mean.")
@click.option("--scenario", "scenarios", multiple=True, metavar="S",
              help="Of a hydro scenarios file: this scenario (repeatable; default: every one).")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as a JSON list.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False), metavar="OUT.csv",
              help="Also write the rows as CSV (with the results file's path and SHA-256).")
@click.option("--overwrite", is_flag=True, help="Replace the --csv file if it exists.")
def target_command(results, location, max_mg_per_l, water_class, sources, statistic, scenarios, as_json, csv_out,
                   overwrite):
    """How much of the sources' TN must be cut for a reservoir or section to meet a TN target, per year.

    Reads a watershed run's TN by source (a reservoir's by-source concentration; a section's TN split by each
    source's share of its load), which is linear in each source's load: one run gives, for every whole year, the
    share of the chosen sources' delivered loads that brings the year's mean of monthly means (or its highest
    monthly mean) down to the target.
    """
    from hydro.cli_output import json_rows
    from hydro.clitools import files_read, refuse_empty_output
    from hydro.outputs import check_output
    from hydro.results import open_results

    refuse_empty_output(csv_out, "--csv", "a name ending in .csv", "to print the rows only")
    target, label = _target(max_mg_per_l, water_class)
    if csv_out:
        from hydro.output_names import check_csv_name

        check_output(csv_out, overwrite, option="--csv", inputs=files_read(results))
        check_csv_name(csv_out, "hydro target", "the rows as CSV", "--csv")
    ds = open_results(results)  # a file hydro did not write is refused with its name
    chosen = list(dict.fromkeys(s.strip() for given in sources for s in given.split(",") if s.strip())) or None
    if sources and not chosen:  # `--sources ""` (an unset variable) is no source, not every source
        raise click.BadParameter("give at least one source (the results' source coordinate: hydro info RESULTS.nc)",
                                 param_hint="--sources")
    river = "reservoir" not in ds.coords or location not in [str(r) for r in ds["reservoir"].values]
    if river and label:  # GB 3838 classes TN in lakes and reservoirs only (hydro.standards)
        label = label[:-1] + ", applied to a river section as a reference: rivers are not classed on TN)"
    basis = label.strip()[1:-1] if label else "--max"  # in every row: a CSV read alone says what the target is
    rows = _rows(ds, results, location, (target, basis), chosen, statistic, list(scenarios))
    if csv_out:
        _write_csv(rows, csv_out, overwrite, results)
    if as_json:
        click.echo(json_rows(rows))  # a dried lake's NaN: null
    else:
        cut = _cut_sources(ds, chosen)
        what = ("annual mean of monthly means" if statistic == "annual_mean" else
                "highest monthly mean; month, its TN and the parts: the month that sets the cut")
        click.echo(f"{results}: {'section' if river else 'reservoir'} {location}, TN {what}")
        click.echo(f"target: {target:g} mg/L{label}; cut together: {', '.join(cut)}")
        click.echo(format_rows(rows))
        if csv_out:
            click.echo(f"written: {csv_out}")
    _notes(ds, results, rows)


def _target(max_mg_per_l, water_class) -> tuple[float, str]:
    """The target in mg/L and what it is (`` (GB 3838-2002 Class III ...)`` for a class; '' for --max)."""
    from hydro.errors import HydroError
    from hydro.standards import class_limits, class_name, parse_class

    if max_mg_per_l is not None and water_class is not None:
        raise click.UsageError("give the target as --max or as --class, not both")
    if max_mg_per_l is not None:
        if not max_mg_per_l > 0 or max_mg_per_l == float("inf"):
            raise click.BadParameter(f"expected a concentration > 0 mg/L, got {max_mg_per_l:g}", param_hint="--max")
        return float(max_mg_per_l), ""
    try:
        given = "III" if water_class is None else water_class
        cls = parse_class(int(given) if given.strip().isdigit() else given)
    except HydroError as exc:  # the class is no I..V
        raise click.BadParameter(str(exc), param_hint="--class") from None
    return class_limits("tn", "lake")[cls - 1], f" (GB 3838-2002 Class {class_name(cls)}, lakes and reservoirs)"


def _rows(ds, path, location, limit: tuple[float, str], chosen, statistic, scenarios) -> list[dict]:
    """:func:`hydro.targets.required_cut`'s rows for each scenario and member ``ds`` holds (those keys first);
    ``limit``: the target (mg/L) and what it is (the rows' ``target``)."""
    target, basis = limit
    from hydro.cli_output import chosen_scenarios
    from hydro.targets import required_cut

    has = "scenario" in ds.dims
    if scenarios and not has:
        raise click.UsageError(f"--scenario: {path} has no scenarios (a hydro scenarios file has)")
    names: list[str | None] = [str(s) for s in ds["scenario"].values] if has else [None]
    if scenarios:
        names = list(chosen_scenarios(path, [str(n) for n in names], scenarios))
    out = []
    for name in names:
        one = ds.sel(scenario=name) if name is not None else ds
        members = [v.item() for v in one["member"].values] if "member" in one.dims else [None]
        for m in members:
            run = one.sel(member=m) if m is not None else one
            keys = ({"scenario": name} if name is not None else {}) | ({"member": m} if m is not None else {})
            for r in required_cut(run, location, target, chosen, statistic, where=str(path)):
                out.append({**keys, "location": location, "max_mg_per_l": target, "target": basis,
                            "statistic": statistic, **r})
    return out


def _cut_sources(ds, chosen) -> list[str]:
    """The sources cut, as the rows were computed (``chosen``, or every one but those no measure cuts)."""
    from hydro.targets import NOT_CUT

    return list(chosen) if chosen else [str(t) for t in ds["source"].values if str(t) not in NOT_CUT]


def format_rows(rows: list[dict]) -> str:
    """The rows as a table: per scenario and year the modelled TN, its parts and the cut needed; over an
    ensemble's members, the row of the member with the median cut (so its parts add up) and the members' range
    of the cut.  A year no cut of the sources meets says so instead of a share."""
    import numpy as np

    from hydro.dates import MONTHS

    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r.get("scenario"), r["year"]), []).append(r)
    scen = any(k[0] is not None for k in groups)
    ens = any("member" in r for r in rows)
    monthly = any("month" in r for r in rows)  # max_monthly_mean: the parts' month
    head = ((f"{'scenario':20s} " if scen else "") + f"{'year':>4s} {'TN mg/L':>8s}"
            + (" month  its TN" if monthly else "") + f" {'from cut':>9s} {'from rest':>9s}")
    width = 40 if ens else 16
    lines = [head + (f" {'cut needed (median member, range)':>{width}s}" if ens else f" {'cut needed':>{width}s}")]
    for (name, year), rs in groups.items():
        ranked = sorted(rs, key=lambda r: (np.nan_to_num(r["cut_share"], nan=2.0), r["value"]))
        mid = ranked[(len(ranked) - 1) // 2]  # the (lower) median member: its TN, parts and cut go together
        text = _cut_text(mid)
        if ens:
            share = np.array([r["cut_share"] for r in rs])
            known = share[np.isfinite(share)]
            text += (f" ({_percent(known.min())}-{_percent(known.max())}, {len(rs)} members)" if known.size
                     else f" ({len(rs)} members)")
        month = (f" {MONTHS[mid['month'] - 1]:>5s} {mid['from_sources'] + mid['from_rest']:7.3f}"
                 if monthly and mid.get("month") else " " * 14 if monthly else "")  # the month setting the cut
        sel, rest = (0.0 if abs(mid[k]) < 5e-4 else mid[k] for k in ("from_sources", "from_rest"))  # not -0.000
        lines.append((f"{name:20s} " if scen else "") + f"{year:4d} {mid['value']:8.3f}{month} "
                     f"{sel:9.3f} {rest:9.3f} {text:>{width}s}")
    return "\n".join(lines)


def _cut_text(row: dict) -> str:
    """The cut a row needs, in words where it is not a share."""
    if row["cut_share"] != row["cut_share"]:  # NaN: days without a concentration
        return "unknown"
    return _percent(row["cut_share"]) if row["met_with_cut"] else "none meets it"


def _percent(share: float) -> str:
    return "0 %" if share == 0 else f"{100 * share:.1f} %"


def _write_csv(rows: list[dict], out, overwrite: bool, results) -> None:
    """The rows as CSV, atomically (every row's keys, then what they were computed from: the results file and
    hydro's version)."""
    from hydro.csv_cells import SpreadsheetWriter
    from hydro.outputs import atomic_open
    from hydro.provenance import code_record, results_provenance

    same = {**results_provenance(results), **code_record()}
    columns = list(dict.fromkeys(k for r in rows for k in r)) or ["year"]
    with atomic_open(out, overwrite, option="--csv") as fh:
        w = SpreadsheetWriter(fh)
        w.writerow([*columns, *same])
        for r in rows:
            w.writerow([_cell(r.get(c, "")) for c in columns] + list(same.values()))


def _cell(v):
    return repr(v) if isinstance(v, float) else str(v).lower() if isinstance(v, bool) else v


def _notes(ds, path, rows) -> None:
    """On stderr: what the cut is, the years left out (the run covers them in part), and the weather's caveats."""
    import numpy as np

    from hydro.cli_output import generated_weather_note
    from hydro.dates import partial_years
    from hydro.weather_provenance import estimated_in_results

    click.echo(f"note: {CUT_IS}", err=True)
    dates = [np.datetime64(t, "D").astype(object) for t in ds["time"].values]
    part = partial_years(dates)
    if part:
        click.echo("note: years the run covers only in part are left out: "
                   + ", ".join(f"{y} ({p})" for y, p in sorted(part.items())), err=True)
    if not rows:
        click.echo(f"note: {path} covers no whole calendar year: no rows", err=True)
    for note in dict.fromkeys(r["note"] for r in rows if r["note"]):  # why a year has no cut, said once
        years = sorted({r["year"] for r in rows if r["note"] == note})
        click.echo(f"note: {', '.join(map(str, years))}: {note}", err=True)
    if any("initial" in r["note"] for r in rows):
        click.echo(f"note: {NOT_CUT_ARE}", err=True)
    generated_weather_note(path, dict(ds.attrs), "cuts", dates[0])
    whole = estimated_in_results(dict(ds.attrs), dates[0], dates[-1])
    if whole:
        click.echo(f"note: {path}: the run's weather is an estimate on {whole} (its station file says so)", err=True)
