"""A self-contained HTML report of a results file (``hydro report``).

Size: the page in page order: each section's short builder (glance, provenance, network, sections, sources,
reservoirs, budgets, scenarios) and the render that joins them; the HTML, tables and figures they use are in
hydro.report.html, tables and figures.

The page holds the run's configuration and provenance, key figures, annual means and
loads at the monitoring sections (by source where the run apportions them), reservoir
means, the GB 3838 class of every parameter by place and month
(:mod:`hydro.report.classes`), mass budgets by element and year with their closure, and the figures of
:mod:`hydro.plotting` embedded as base64 PNG.  It loads nothing: no external style
sheet, script, font or image, and a Content-Security-Policy that says so, so it can be
mailed, archived or opened offline as one file.

:mod:`hydro.report.tables` computes the numbers, :mod:`hydro.report.figures` draws
the figures, :mod:`hydro.report.html` turns both into HTML.
"""

from __future__ import annotations

import hashlib
import os  # noqa: F401 - tests patch hydro.report.os.replace to simulate a failed rename
from datetime import datetime, timezone
from pathlib import Path

import click

from hydro import __version__
from hydro.clitools import shipped_or_given
from hydro.errors import HydroError
from hydro.gep_checks import cut_after_writing
from hydro.outputspec import cut_dimensions
from hydro.plotting.style import symbol
from hydro.report import classes, figures, html, tables
from hydro.report.html import esc

#: Suffixes accepted for the report file.
SUFFIXES = (".html", ".htm")


def check_report_path(path: Path, overwrite: bool) -> None:
    """Refuse a non-HTML suffix, then apply the output policy of
    :func:`hydro.outputs.check_output` (existing file without ``overwrite``, missing or
    unwritable folder)."""
    from hydro import outputs

    if path.suffix.lower() not in SUFFIXES:
        raise HydroError(f"{path}: a report is an HTML file; give -o a name ending in .html "
                         f"(got '{path.suffix or 'no suffix'}')")
    if path.is_dir():
        raise HydroError(f"{path} is a folder; give -o a file name such as {path / 'report.html'}")
    outputs.check_output(path, overwrite)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _names(results) -> dict[str, str]:
    """Display names of reach, section, reservoir and subbasin ids (from ``*_names`` attrs)."""
    from hydro.plotting._data import parse_mapping

    out: dict[str, str] = {}
    for dim in ("reach", "reservoir", "subbasin", "section"):
        for k, v in parse_mapping(results.attrs.get(f"{dim}_names")).items():
            if v and v != k:
                out[k] = v
    return out


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def _scenario_id(results, scenario, results_path: Path | None = None) -> str | None:
    if "scenario" not in results.coords:
        if scenario is not None:
            from hydro.monitoring import no_scenario_dimension

            raise no_scenario_dimension(scenario, results_path)
        return None
    from hydro.plotting._data import scenario_label

    return scenario_label(results, scenario)


def _masthead(results, title, scenario_id) -> str:
    a = results.attrs
    dates = results.simulated_days()  # a monthly file's steps are its months' first days
    basin = a.get("basin", "?")
    scen = scenario_id or a.get("scenario", "baseline")
    heading = title or f"Basin {basin} — scenario {scen}"
    consts = ", ".join(symbol(s) for s in results.constituents) or "none"
    parts = [f"{dates[0]} to {dates[-1]}", f"{len(dates):,} day{'s' * (len(dates) != 1)}", f"constituents {consts}"]
    sub = "".join(f"<span>{esc(p)}</span>" for p in parts)
    return (f'<header class="masthead"><div class="wrap"><p class="kicker">hydro report</p>'
            f'<h1>{esc(heading)}</h1><p class="sub">{sub}</p></div></header>')


def _count(n: int, noun: str) -> str:
    """``1 reach``, ``3 reaches``."""
    plural = noun + ("es" if noun.endswith("h") else "s")
    return f"{n} {noun if n == 1 else plural}"


def _glance(results, scenario) -> str:
    c = results.coords
    dates = results.simulated_days()
    years = len({d.year for d in dates})
    cards = [html.stat("Period", f"{len(dates):,} day{'s' * (len(dates) != 1)}",
                       f"{dates[0]} to {dates[-1]} ({years} calendar year{'s' * (years != 1)})")]
    counts = [_count(len(c[k]), k) for k in ("section", "reservoir", "subbasin") if c.get(k)]
    cards.append(html.stat("Network", _count(len(c.get("reach", [])), "reach"), ", ".join(counts)))
    for short in results.constituents:
        worst = tables.worst_closure(results, short, scenario)
        if worst is not None:
            cards.append(html.stat(f"{symbol(short)} mass balance", f"{worst:.1e}",
                                   "largest relative imbalance, any element and year"))
        removed = tables.removal_per_year(results, short, scenario)
        if removed is not None:
            cut = cut_dimensions(results.attrs, ("reach", "reservoir"))
            where = ("in the reaches and reservoirs the file keeps (--locations: "
                     + ", ".join(f"{dim} {n}" for dim, n in cut.items()) + "), mean per year") if cut \
                else "in reaches and reservoirs, mean per year"
            cards.append(html.stat(f"{symbol(short)} removed in water", f"{html.fmt(removed)} t/a", where))
    if "water_balance_closure" in results.attrs:
        cards.append(html.stat("Water balance", f"{float(results.attrs['water_balance_closure']):.1e}",
                               "relative closure of runoff, routing and reservoirs"))
    body = f'<div class="cards">{"".join(cards)}</div>'
    copy = cut_after_writing(results)
    if copy is not None:  # a copy cut with xarray keeps the run's attributes, which list what the run had
        body += (f'<div class="callout"><b>A cut copy of a run.</b> This file {esc(copy[0])}. The tables and '
                 "figures cover what it holds, not the whole run; a budget by year sums the run's days of that "
                 "year.</div>")
    return html.section("glance", "At a glance",
                        "The period simulated, the size of the network and how well the mass "
                        "balances close (relative imbalances near 1e-15 are round-off).", body)


def _provenance(results, results_path: Path, scenario_id) -> str:
    a = results.attrs
    dates = results.simulated_days()
    code = lambda v: f"<code>{esc(v)}</code>"  # noqa: E731
    rows = [("basin", esc(a.get("basin", "–"))),
            ("scenario", esc(scenario_id or a.get("scenario", "–"))),
            ("period", esc(f"{dates[0]} to {dates[-1]} ({len(dates):,} day{'s' * (len(dates) != 1)})")),
            ("constituents", esc(", ".join(f"{symbol(k)} ({v})" for k, v in results.constituents.items())
                                 or "–")),
            ("model version", esc(a.get("source", "–"))),
            ("command", code(a.get("history", "–"))),
            ("configuration SHA-256", code(a.get("config_sha256", "–")))]
    callout = ""
    if "weather" in a or "weather_synthetic" in a:
        synthetic = _truthy(a.get("weather_synthetic", "false"))
        weather = esc(a.get("weather", "–"))
        if synthetic:
            weather += f" — <b>synthetic</b>, generator seed {esc(a.get('weather_seed', '–'))}"
            from hydro.spin_up import generated_weather_words

            words = generated_weather_words(a.get("weather_generated_from"), dates[0] if dates else None)
            since = "" if words == "generated weather" else f" from {a['weather_generated_from']} on"
            callout = ('<div class="callout"><b>Synthetic weather.</b> This run is driven by '
                       f"{esc(words)}, not observations{' after the record' if since else ''}: its numbers"
                       f"{since} illustrate the model and the basin's behaviour, not what happened in a "
                       "given year.</div>")
        else:
            weather += " — observed"
        rows.append(("weather", weather))
    for key, label in (("water_balance_closure", "water balance closure"),
                       ("groundwater_n_balance_closure", "groundwater N closure")):
        if key in a:
            rows.append((label, esc(f"{float(a[key]):.1e} (relative)")))
    if results.coords.get("member"):
        from hydro.plotting.weather import members_ran, one_member
        from hydro.spin_up import GENERATED_FROM, generated_weather_words

        n = len(results.coords["member"])
        one_run = (f"member 0's weather (seed {esc(a.get('weather_seed', '–'))}: "
                   f"{esc(generated_weather_words(a.get(GENERATED_FROM), results.dates[0]))})"
                   if _truthy(a.get("weather_synthetic", "false")) else "the recorded weather")
        callout += (f'<div class="callout"><b>Weather ensemble of {n} member{"" if n == 1 else "s"}.</b> ' + (
            f"The tables, payments and the other figures are of one run, on {one_run}; the TN figures "
            "of concentration at the sections over time and of the scenarios' annual means show the members' "
            "medians with 5–95 % bands (the file keeps the members' TN alone)."
            # hydro scenarios --members keeps its members apart (ensemble_*) beside one run
            if any(k.startswith("ensemble_") for k in results.data) else "The tables give means over the "
            "members; the figures show medians with 5–95 % bands where they can. Variables an ensemble file "
            "does not keep are left out.")
            + (f" <b>{esc(one_member(1))}.</b>" if one_member(members_ran(a, n)) else "") + "</div>")
    size = results_path.stat().st_size
    rows.append(("results file", f"{code(results_path.name)} ({size / 1e6:.1f} MB), SHA-256 "
                                 f"{code(_sha256(results_path))}"))
    rows.append(("report", esc(f"written {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by hydro {__version__}")))
    attrs = "".join(f"<tr><th scope=\"row\">{esc(k)}</th><td><code>{esc(v)}</code></td></tr>"
                    for k, v in a.items())
    details = (f'<details><summary>All global attributes of the results file ({len(a)})</summary>'
               f'<table class="meta"><tbody>{attrs}</tbody></table></details>')
    return html.section("provenance", "Configuration and provenance",
                        "What was run, with which model version and configuration, so the run can be "
                        "repeated: the same command with a basin file of the same SHA-256 gives the "
                        "same results.", html.meta(rows) + callout + details)


def _network(results, scenario) -> str:
    first = next(iter(results.constituents), "tn")
    fig = figures.network(results, first, scenario)
    return html.section("network", "The network",
                        "Reaches drawn from headwaters (top) to the outlet (bottom), coloured by "
                        "their flow-weighted mean concentration over the run (reservoirs: time "
                        "mean).", html.figure(fig))


def _sections(results, scenario, names) -> str:
    if not results.coords.get("section"):
        return ""
    body = []
    q = tables.discharge_table(results, scenario)
    if q is not None:
        body.append(html.table(q, names, total_last=True))
    for short in results.constituents:
        name = symbol(short)
        body.append(f"<h3>{esc(name)} ({esc(results.constituents[short])})</h3>")
        for t in tables.section_tables(results, short, scenario):
            body.append(html.table(t, names, total_last=True))
        body.append(html.figure(figures.trajectory(results, short, scenario)))
    return html.section("sections", "Monitoring sections: annual means and loads",
                        "Discharge (m³/s), flow-weighted concentration (mg/L) and load (t) at each "
                        "monitoring section, by calendar year and over the whole run; the figure "
                        "shows the concentration over time.", "".join(body))


def _sources(results, scenario, names) -> str:
    body = []
    for short in results.constituents:
        ts = tables.source_tables(results, short, scenario)
        if not ts:
            continue
        for t in ts:
            body.append(html.table(t, names, total_last=t.key.endswith("load")))
        body.append(html.figure(figures.sources(results, short, scenario)))
    if not body:
        return ""
    return html.section("sources", "Loads by source",
                        "Where the load at each section comes from: the transported load "
                        "apportioned to the sources that delivered it (diffuse export, fertiliser, "
                        "sewage, livestock, point sources, deposition), after removal on the way, "
                        "as a mean per year (t/a) and as shares of the section's load (%).",
                        "".join(body))


def _reservoirs(results, scenario, names) -> str:
    rids = [str(r) for r in results.coords.get("reservoir", [])]
    if not rids:
        return ""
    first = next(iter(results.constituents), "tn")
    body = []
    for rid, t in zip(rids, tables.reservoir_tables(results, results.constituents, scenario)):
        label = f" ({names[rid]})" if rid in names else ""
        body.append(f"<h3>{esc(rid)}{esc(label)}</h3>")
        body.append(html.table(t, names, total_last=True))
        body.append(html.figure(figures.reservoir(results, rid, first, scenario)))
    return html.section("reservoirs", "Reservoirs",
                        "Storage, level, flows and water quality of each reservoir by calendar year; "
                        "the figure shows them day by day with the GB 3838 lake classes for TN.",
                        "".join(body))


def _budgets(results, scenario, names) -> str:
    body = []
    for short in results.constituents:
        ts = tables.budget_tables(results, short, scenario)
        if not ts:
            continue
        run_table, year_table = ts
        worst = tables.worst_closure(results, short, scenario)
        body.append(f"<h3>{esc(symbol(short))}</h3>")
        body.append(f'<p>The {esc(symbol(short))} budgets close to <b>{worst:.1e}</b> (relative) '
                    "in the worst element and year.</p>")
        body.append(html.table(run_table, names, group_first=False))
        body.append(f"<details open><summary>By element and year ({len(year_table.rows)} rows)</summary>"
                    f"{html.table(year_table, names, group_first=True)}</details>")
    if not body:
        return ""
    return html.section("budgets", "Mass budgets",
                        "Every reach and reservoir accounts what entered it (from upstream, from its "
                        "catchment, from point sources, by dispersion), what left it (downstream, by "
                        "removal, by withdrawal) and the change in what it holds. The balance "
                        "<i>Δ storage = gains − losses</i> must close to round-off; the last column "
                        "gives each row's relative imbalance.", "".join(body))


def _land(results, scenario, names) -> str:
    t = tables.land_budget_table(results, scenario)
    if t is None:
        return ""
    return html.section("land", "Land nitrogen budget",
                        "Where the nitrogen put on the land goes: the gross inventory (fertiliser, manure, "
                        "fixation, deposition, excreta, sewage, effluent) split into crop uptake, what is leached "
                        "to groundwater, the surplus not leached (denitrified, volatilised or stored in the soil: "
                        "the model does not tell them apart), what is retained or treated, and what is emitted "
                        "to the rivers; then the path to the rivers through the land stores.",
                        html.table(t, names, group_first=False))


def _scenarios(results) -> str:
    if "scenario" not in results.coords:
        return ""
    ids = ", ".join(str(s) for s in results.coords["scenario"])
    figs = "".join(html.figure(figures.scenarios(results, s)) for s in results.constituents)
    return html.section("scenarios", "Scenarios",
                        f"This file holds the scenarios {esc(ids)}; the other sections report one of "
                        "them (named at the top). The figure compares all of them.", figs)


def render(results, results_path: Path, scenario=None, title: str | None = None, progress=None,
           payments=None) -> str:
    """The report page of ``results`` (read from ``results_path``) as one HTML string.

    ``progress``, if given, is called with a short text as each part of the page starts
    (the figures take a few seconds on a real basin).  ``payments``, a
    :class:`hydro.report.payments.PaymentsSpec` (:func:`hydro.report.payments.prepare`),
    adds the Payments section.
    """
    if not results.coords.get("time"):
        raise HydroError(f"{results_path}: the results have no time steps; nothing to report")
    scenario_id = _scenario_id(results, scenario, results_path)
    names = _names(results)
    from hydro.plotting.style import figure_context

    steps = [("glance", "At a glance", lambda: _glance(results, scenario)),
             ("provenance", "Provenance", lambda: _provenance(results, results_path, scenario_id)),
             ("network", "Network", lambda: _network(results, scenario)),
             ("scenarios", "Scenarios", lambda: _scenarios(results)),
             ("sections", "Sections", lambda: _sections(results, scenario, names)),
             ("sources", "Sources", lambda: _sources(results, scenario, names)),
             ("reservoirs", "Reservoirs", lambda: _reservoirs(results, scenario, names)),
             ("classes", "Water-quality classes", lambda: classes.classes_section(results, scenario, names)),
             ("land", "Land nitrogen budget", lambda: _land(results, scenario, names)),
             ("budgets", "Mass budgets", lambda: _budgets(results, scenario, names))]
    if payments is not None:
        from hydro.report import payments as payments_section

        steps.append(("payments", "Payments",
                      lambda: payments_section.payments_section(payments, names, quiet=progress is None)))
    parts = []
    with figure_context():
        for k, (key, label, build) in enumerate(steps):
            if progress is not None:
                progress(f"report: {label.lower()} ({k + 1}/{len(steps)})")
            parts.append((key, label, build()))
    parts = [p for p in parts if p[2]]
    toc = "".join(f'<li><a href="#{k}">{esc(label)}</a></li>' for k, label, _ in parts)
    basin = results.attrs.get("basin", "results")
    head = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{html.CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="hydro {esc(__version__)}">'
            f"<title>{esc(title or f'hydro report: {basin}')}</title><style>{html.CSS}</style></head>")
    footer = (f'<footer class="wrap">Written by hydro {esc(__version__)} from '
              f"<code>{esc(results_path.name)}</code>. Units: discharge m³/s, concentration mg/L, "
              "load kg/d or t per year, budgets kg or t as headed. This page is self-contained: it "
              "loads no external files.</footer>")
    return (f"{head}<body>{_masthead(results, title, scenario_id)}"
            f'<nav class="toc" aria-label="Contents"><ol>{toc}</ol></nav>'
            f'<main class="wrap">{"".join(p[2] for p in parts)}</main>{footer}</body></html>\n')


def build_report(results_path, output_path, overwrite: bool = False, *, scenario=None,
                 title: str | None = None, progress=None, agreement=None, uncertainty: int | None = None,
                 skip_unavailable: bool = False, seed: int = 0, workers: int | None = None,
                 overrides: tuple[str, ...] = ()) -> Path:
    """Write the self-contained HTML report of a results file.

    Parameters
    ----------
    results_path : str or Path
        A results file written by ``hydro run`` (or ``hydro scenarios``).
    output_path : str or Path
        The report file (``.html``); written under a temporary name and renamed into
        place, so a failure never leaves a partial report.
    overwrite : bool
        Replace ``output_path`` if it exists.
    scenario : str or int, optional
        With a ``scenario`` dimension, the scenario the tables report (default: the first).
    title : str, optional
        Page title (default: "Basin B — scenario S").
    progress : callable, optional
        Called with a short text as each part of the page starts (``hydro report``
        prints them on stderr).
    agreement : str or Path, optional
        An agreement file (``configs/agreements/*.toml``): adds a Payments section with
        its payments on the results and the net per year and pair.
    uncertainty : int, optional
        With ``agreement``: also the payments as distributions over this many members
        (:func:`hydro.compensation.uncertainty.payment_uncertainty` on the results file:
        monitoring error and ranged prices drawn), as a forest plot and a table.
    skip_unavailable : bool
        With ``agreement``: leave out rule parameters the results have no data for.
    seed : int
        With ``uncertainty``: the random seed.
    workers : int, optional
        With ``uncertainty``: local worker processes (default: serial, in this process).
    overrides : tuple of str
        With ``agreement``: its ``--set`` assignments (``period=[2013,2017]``).

    Returns
    -------
    Path
        ``output_path``.

    Raises
    ------
    HydroError
        For an existing output without ``overwrite``, a missing folder, a non-HTML
        suffix, an unreadable results file, or a bad agreement (or one whose sections or
        years the results lack).
    """
    from hydro.results import load_results

    results_path, output_path = Path(results_path), Path(output_path)
    check_report_path(output_path, overwrite)
    from hydro.netcdf import check_hydro_results

    loaded = load_results(results_path)
    if str(loaded.attrs.get("model", "")).startswith("catchment"):
        raise HydroError(f"{results_path}: a catchment run (GR4J on one catchment, discharge only); hydro report "
                         "documents a basin's run (sections, reservoirs, budgets); for the hydrograph use "
                         f"hydro info {results_path.name} or read gauge_discharge with xarray")
    results = check_hydro_results(loaded, results_path)
    spec = None
    if agreement is not None:  # evaluated now, so a bad agreement stops the report before the figures
        from hydro.report.payments import prepare

        spec = prepare(results_path, agreement, scenario=_scenario_id(results, scenario, results_path),
                       skip_unavailable=skip_unavailable, members=uncertainty, seed=seed, workers=workers,
                       has_scenarios="scenario" in results.coords, overrides=overrides)
    elif uncertainty is not None or workers is not None or skip_unavailable or overrides:
        raise HydroError("--uncertainty, --workers, --skip-unavailable and --set go with --agreement AGREEMENT.toml")
    page = render(results, results_path, scenario=scenario, title=title, progress=progress, payments=spec)
    from hydro.outputs import write_text

    write_text(output_path, page, overwrite)
    return output_path


@click.command("report")
@click.argument("results", metavar="RESULTS.nc")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Report file (.html). Default: RESULTS with .html, here.")
@click.option("--overwrite", is_flag=True, help="Replace the report if it exists.")
@click.option("--scenario", help="Scenario to report in a file with a scenario dimension (default: the first).")
@click.option("--title", help="Page title (default: 'Basin B — scenario S').")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr and no \"written:\" line.")
@click.option("--agreement", type=click.Path(dir_okay=False), metavar="AGREEMENT.toml", callback=shipped_or_given,
              help="Add a Payments section: the agreement's payments on these results.")
@click.option("--uncertainty", type=int, metavar="N",
              help="With --agreement: also the payments over N members (monitoring error and ranged prices "
                   "drawn): median, 5-95 % band, probability of paying, and their figure.")
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True,
              help="With --uncertainty: the random seed.")
@click.option("--workers", type=click.IntRange(1), help="With --uncertainty: local worker processes (default: serial).")
@click.option("--skip-unavailable", is_flag=True,
              help="With --agreement: leave out rule parameters the results have no data for (e.g. TP).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="With --agreement: override an agreement value, e.g. --set period=[2013,2017] to apply the "
                   "rules to simulated years (repeatable), as hydro compensate --set.")
def report_command(results, output, overwrite, scenario, title, quiet, agreement, uncertainty, seed, workers,
                   skip_unavailable, overrides=()):
    """Write a self-contained HTML report of a results file.

    Configuration and provenance, section means and loads (by source when the run
    has them), reservoirs, mass budgets with their closure, and figures, all in one
    file that loads nothing from elsewhere; with --agreement, the payments (and with
    --uncertainty their bands).
    """
    from hydro.clitools import refuse_empty_output, refuse_seed_without_uncertainty

    refuse_seed_without_uncertainty(uncertainty)
    refuse_empty_output(output, "-o", "a name ending in .html", "for the default, RESULTS.html in the current folder")
    out = Path(output) if output else Path(Path(results).stem + ".html")
    progress = None if quiet else (lambda text: click.echo(text, err=True))
    build_report(results, out, overwrite=overwrite, scenario=scenario, title=title, progress=progress,
                 agreement=agreement, uncertainty=uncertainty, skip_unavailable=skip_unavailable, seed=seed,
                 workers=workers, overrides=tuple(overrides))
    if not quiet:
        click.echo(f"written: {out}")


__all__ = ["build_report", "render", "report_command"]
