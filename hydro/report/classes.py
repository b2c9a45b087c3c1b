"""The report's "Water-quality classes" section: the GB 3838 class of every parameter the
results carry, at every section and reservoir and in every month, as a heat map and as
tables whose cells take the class colours.

The classes are :func:`hydro.classes.class_table_of`'s (the compensation engine's monthly
means, :mod:`hydro.standards`' limits); this module only lays them out.
"""

from __future__ import annotations

from hydro.errors import HydroError
from hydro.report import figures, html
from hydro.report.html import esc

#: Text colour on each class colour (the darkest fill takes white text).
_INK = ("#1b2733", "#1b2733", "#1b2733", "#1b2733", "#1b2733", "#ffffff")


def _cell(cls: int | None, conc: float) -> str:
    from hydro.classes import short_class_name
    from hydro.plotting.style import CLASS_COLOURS

    if cls is None:
        return '<td class="na" title="no value (month missing)">–</td>'
    return (f'<td style="background:{CLASS_COLOURS[cls - 1]};color:{_INK[cls - 1]};text-align:center" '
            f'title="{conc:.4g} mg/L">{esc(short_class_name(cls))}</td>')


def class_tables(rows, names: dict[str, str]) -> str:
    """One HTML table per parameter: a row per place and year, a coloured cell per month."""
    from hydro.classes import MONTHS, TN_RIVER_REFERENCE, grid, parameter_label

    reference = {(r.parameter, r.place) for r in rows if r.reference}
    lines = grid(rows)
    out = []
    for k, p in enumerate(dict.fromkeys(r.parameter for r in rows)):
        body, previous = [], None
        for parameter, place, kind, year, classes, conc, mean in lines:
            if parameter != p:
                continue
            label = esc(place) + (" *" if (p, place) in reference else "")
            if place in names:
                label += f'<span class="name">{esc(names[place])}</span>'
            if kind == "reservoir":
                label += '<span class="name">reservoir</span>'
            first = f'<td class="t">{label}</td>' if place != previous else '<td class="t"></td>'
            group = ' class="group"' if previous is not None and place != previous else ""
            cells = "".join(_cell(c, float(x)) for c, x in zip(classes, conc, strict=True))
            body.append(f"<tr{group}>{first}<td>{year}</td>{cells}<td>{esc(html.fmt(mean))}</td></tr>")
            previous = place
        heads = ('<th scope="col" class="t">section / reservoir</th><th scope="col">year</th>'
                 + "".join(f'<th scope="col">{m}</th>' for m in MONTHS)
                 + '<th scope="col">mean of the monthly means (mg/L)</th>')
        note = ('<p class="note">The last column is the mean of the year\'s monthly means, the annual mean the '
                "compensation rules judge; at a section it differs from the flow-weighted annual mean of the "
                "section tables (one year's load over its flow volume: the monitoring's means are over days).</p>")
        if any(q == p for q, _ in reference):
            note += f'<p class="note">* TN at a river section: {esc(TN_RIVER_REFERENCE)}.</p>'
        table = (f'<div class="tablewrap"><table class="data" id="classes-{esc(p)}">'
                 f"<caption>{esc(parameter_label(p))}: GB 3838 class of the monthly mean (hover a cell for "
                 f"its mg/L)</caption><thead><tr>{heads}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
                 f"{note}")
        out.append(f"<details{' open' if k == 0 else ''}><summary>{esc(parameter_label(p))} by month</summary>"
                   f"{table}</details>")
    return "".join(out)


def classes_section(results, scenario, names: dict[str, str]) -> str:
    """The "Water-quality classes" section, or ``""`` when no parameter with classes is there."""
    from hydro.classes import class_table_of
    from hydro.plotting import plot_classes

    try:
        rows = class_table_of(results, scenario=scenario)
    except HydroError as exc:
        if "daily results" not in str(exc):
            return ""
        body = f'<div class="callout">{esc(exc)}</div>'
        return html.section("classes", "Water-quality classes", "GB 3838-2002 class by month.", body)
    if not rows:
        if not any(f"{k}_{p}_concentration" in results.data for k in ("section", "reservoir")
                   for p in ("tn", "nh3n", "tp", "codmn")):
            return ""
        body = ('<div class="callout">No whole calendar month in these results: GB 3838 classes are given '
                "for monthly means of complete months (those the compensation rules judge).</div>")
        return html.section("classes", "Water-quality classes", "GB 3838-2002 class by month.", body)
    fig = figures.draw("fig-classes", "GB 3838 class of the monthly mean at every section and reservoir, one "
                       "panel per parameter (grey: a month without a value).", plot_classes, rows)
    lead = ("The GB 3838-2002 class of each month's mean concentration (the mean over the month's "
            "days, as monitored: the means the compensation rules judge) for every parameter the run carries. "
            "Reservoirs are classed on the lake and reservoir limits, river sections on the river limits; "
            "GB 3838-2002 classes TN only in lakes and reservoirs, so a river section's TN (marked *) is "
            "put on the lake limits as a reference only. A month with a missing day has no class.")
    return html.section("classes", "Water-quality classes", esc(lead), html.figure(fig) + class_tables(rows, names))
