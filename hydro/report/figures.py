"""The figures of a report, drawn with :mod:`hydro.plotting` and embedded as base64 PNG.

A figure the results cannot support (a missing variable, say) becomes a
:class:`Figure` with ``error`` set, which the page shows as a note instead of an image.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np

from hydro.errors import HydroError
from hydro.plotting.style import symbol

#: Resolution of embedded figures (dots per inch); 8 in wide -> 1200 px, sharp on HiDPI screens.
DPI = 150
#: Size (inches) of the time-series figures whose legends sit to the right: wider than the
#: plotting default, so long section names leave room for the data.
WIDE = (10.5, 4.6)


def _wide_axes():
    from hydro.plotting.style import new_figure

    return new_figure(figsize=WIDE)[1]


@dataclass
class Figure:
    """An embedded figure: a ``data:image/png;base64,...`` URI, or the reason it is missing."""

    key: str
    caption: str
    uri: str = ""
    error: str = ""
    width_px: int = 0
    height_px: int = 0


def png_uri(fig, dpi: int = DPI) -> tuple[str, int, int]:
    """``(data URI, width px, height px)`` of a matplotlib figure as PNG."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    width, height = (int(round(v)) for v in fig.get_size_inches() * dpi)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii"), width, height


def draw(key: str, caption: str, func, *args, **kwargs) -> Figure:
    """Call a plot function and embed its figure; a :class:`HydroError` becomes a note."""
    try:
        fig = func(*args, **kwargs)
    except HydroError as exc:
        return Figure(key, caption, error=str(exc))
    uri, w, h = png_uri(fig)
    return Figure(key, caption, uri, width_px=w, height_px=h)


def aggregation_for(ndays: int) -> str:
    """Daily lines up to three years, monthly means beyond (daily lines turn into a smear)."""
    return "daily" if ndays <= 3 * 366 else "monthly"


def trajectory(results, short: str, scenario=None) -> Figure:
    from hydro.plotting import plot_trajectory
    from hydro.plotting._data import effective_aggregation

    agg = effective_aggregation(results, aggregation_for(len(results.dates)))
    where = "section" if results.coords.get("section") else "reservoir"
    return draw(f"fig-{short}-trajectory",
                f"{symbol(short)} concentration (mg/L) at every {where}, {agg} "
                f"{'flow-weighted means' if agg == 'daily' else 'means of the daily values'}.",
                plot_trajectory, results, constituent=short, aggregate=agg, scenario=scenario,
                ax=_wide_axes())


def busiest_section(results, short: str, scenario=None) -> str | None:
    """The section with the largest mean load of ``short`` (the one sources are shown for)."""
    from hydro.report.tables import values

    sections = [str(s) for s in results.coords.get("section", [])]
    name = f"{short}_source_load"
    if not sections or name not in results.data:
        return None
    arr = values(results, name, scenario)
    return sections[int(np.argmax(np.nansum(arr, axis=(0, 2))))]


def sources(results, short: str, scenario=None) -> Figure | None:
    from hydro.plotting import plot_sources

    section = busiest_section(results, short, scenario)
    if section is None:
        return None
    return draw(f"fig-{short}-sources",
                f"{symbol(short)} load at section {section} (the largest load) by source, "
                "monthly means (kg/d).",
                plot_sources, results, section, constituent=short, aggregate="monthly",
                scenario=scenario, ax=_wide_axes())


def reservoir(results, rid: str, short: str, scenario=None) -> Figure:
    from hydro.plotting import plot_reservoir

    return draw(f"fig-reservoir-{rid}",
                f"Reservoir {rid}: storage (million m³), water level (m) and {symbol(short)} "
                "(mg/L) with the GB 3838 lake classes.",
                plot_reservoir, results, rid, constituent=short, scenario=scenario)


def network(results, short: str, scenario=None) -> Figure:
    from hydro.plotting import plot_network

    return draw(f"fig-{short}-network",
                f"The river network coloured by mean {symbol(short)} over the run (mg/L): reaches "
                "by their flow-weighted mean (Σ load / Σ discharge, as in the section tables), "
                "reservoirs by the time mean of the lake concentration; squares are reservoirs, "
                "open circles monitoring sections.",
                plot_network, results, constituent=short, scenario=scenario)


def scenarios(results, short: str) -> Figure | None:
    from hydro.plotting import plot_scenarios

    if "scenario" not in results.coords:
        return None
    members = len(results.coords.get("member", []))
    kept = [n for n in results.data if n.startswith("ensemble_")]  # hydro scenarios --members: TN's alone
    if kept and not any(n in kept for n in (f"ensemble_section_{short}_concentration",
                                            f"ensemble_reservoir_{short}_concentration")):
        members = 0  # drawn from the one run, as plot_scenarios does (hydro.plotting._data.with_members)
    spread = (f" Bars are the median of the {members} weather members (each its own mean of "
              "monthly means), whiskers their 5th-95th percentile." if members else "")
    return draw(f"fig-{short}-scenarios",
                f"Annual mean {symbol(short)} (mg/L) of every scenario: the mean of the year's "
                "monthly means of the daily values (as the "
                "`hydro scenarios` summary and the monitoring take them); hatched bars are years the run covers only "
                "in part, labelled with their months." + spread,
                plot_scenarios, results, constituent=short)
