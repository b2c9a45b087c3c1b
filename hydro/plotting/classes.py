"""``classes``: the GB 3838 class of each section and reservoir by month, one panel per parameter.

A heat map per parameter: one row per section or reservoir, one column per month,
each cell in the colour of its class (the house GB 3838 class colours of
:data:`hydro.plotting.style.CLASS_COLOURS`, Class I to worse than V); a missing month
is grey.  The classes are :func:`hydro.classes.class_table`'s: the compensation
engine's monthly means put into classes by :mod:`hydro.standards` (lake limits in
reservoirs; TN at river sections on the lake limits as a reference, marked ``*``).
"""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.plotting import style

#: Colour of a month without a value (Class III's colour is near white, so not white).
_NO_VALUE = "#BDBDBD"


def plot_classes(table, *, locations=None, constituent: str | None = None, scenario: str | None = None,
                 title: str | None = None):
    """Class by section/reservoir and month, one heat-map panel per parameter.

    Size: one figure drawn top to bottom on matplotlib's axes (grid, cells, labels, legend); helpers would
    pass the axes and its styling around.

    Parameters
    ----------
    table : list of hydro.classes.ClassRow
        The class table (:func:`hydro.classes.class_table_of` of a results file;
        :func:`hydro.plotting.plot` makes it from a results file or
        :class:`~hydro.results.Results`).
    locations : list of str, optional
        Sections and reservoirs to show, in this order (default: all in the table).
    constituent : str, optional
        One parameter to show (``tn``, ``nh3n``, ``tp``, ``codmn``; default: all).
    scenario : str, optional
        The scenario the table is of, named in the title (:func:`hydro.plotting.plot` gives it
        for results with a ``scenario`` dimension).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    HydroError
        For an empty table, or an unknown location or parameter.
    """
    from hydro.classes import TN_RIVER_REFERENCE, parameter_label
    from hydro.standards import CLASS_NAMES

    rows = list(table or [])
    if not rows:
        raise HydroError("plot 'classes' needs concentrations of a parameter with GB 3838 classes "
                         "(tn, nh3n, tp, codmn) at sections or reservoirs over at least one whole calendar "
                         "month (classes judge monthly means); these results have none")
    parameters = list(dict.fromkeys(r.parameter for r in rows))
    if constituent is not None:
        key = str(constituent).strip().lower()
        if key not in parameters:
            raise HydroError(f"plot 'classes': no parameter '{constituent}' here" + suggest(key, parameters)
                             + f"; parameters with classes: {', '.join(parameters)}")
        parameters = [key]
    places = list(dict.fromkeys(r.place for r in rows))
    if locations:
        for loc in locations:
            if str(loc) not in places:
                raise HydroError(f"plot 'classes': unknown location '{loc}'" + suggest(str(loc), places)
                                 + f"; sections and reservoirs here: {', '.join(places)}")
        places = [str(loc) for loc in dict.fromkeys(locations)]
    months = sorted({(r.year, r.month) for r in rows})
    col = {ym: i for i, ym in enumerate(months)}
    kind = {r.place: r.kind for r in rows}
    reference = {(r.parameter, r.place) for r in rows if r.reference}

    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    cmap = ListedColormap(list(style.CLASS_COLOURS)).with_extremes(bad=_NO_VALUE)  # Class III is near white
    norm = BoundaryNorm(np.arange(0.5, 7.5), cmap.N)
    height = 1.0 + sum(0.3 * len(places) + 0.6 for _ in parameters)
    with style.figure_context():
        fig, axes = style.new_figure(len(parameters), 1, figsize=(10.0, max(3.0, height)), sharex=True)
        axes = np.atleast_1d(axes)
        for ax, p in zip(axes, parameters, strict=True):
            grid = np.full((len(places), len(months)), np.nan)
            for r in rows:
                if r.parameter == p and r.place in places and r.water_class is not None:
                    grid[places.index(r.place), col[(r.year, r.month)]] = r.water_class
            ax.pcolormesh(np.arange(len(months) + 1), np.arange(len(places) + 1), np.ma.masked_invalid(grid),
                          cmap=cmap, norm=norm, edgecolors="white", linewidth=0.3)
            labels = [place + (" (reservoir)" if kind.get(place) == "reservoir" else "")
                      + (" *" if (p, place) in reference else "") for place in places]
            ax.set_yticks(np.arange(len(places)) + 0.5, labels, fontsize=8)
            ax.set_ylim(len(places), 0)
            ax.set_title(parameter_label(p), loc="left", fontsize=10)
            ax.grid(False)
        from hydro.classes import MONTHS

        ticks = [(i, str(y) if m == 1 else f"{MONTHS[m - 1]} {y}") for i, (y, m) in enumerate(months)
                 if m == 1 or i == 0]
        step = max(1, len(ticks) // 12)
        axes[-1].set_xticks([i for i, _ in ticks[::step]], [t for _, t in ticks[::step]])
        axes[-1].set_xlim(0, len(months))
        axes[-1].set_xlabel("Month")
        handles = [Patch(facecolor=c, edgecolor="#BBBBBB", label=f"Class {n}" if i < 5 else ">V (worse than V)")
                   for i, (c, n) in enumerate(zip(style.CLASS_COLOURS, CLASS_NAMES, strict=True))]
        handles.append(Patch(facecolor=_NO_VALUE, edgecolor="#BBBBBB", label="no value (month missing)"))
        fig.legend(handles=handles, loc="outside right upper", title="GB 3838-2002", fontsize=8)
        fig.suptitle(title or "GB 3838 class of the monthly mean by section and reservoir"
                     + (f"\nscenario {scenario}" if scenario else ""))  # one line ran into the legend's title
        if reference:
            fig.supxlabel(f"* TN at a river section: {TN_RIVER_REFERENCE}", fontsize=7, color=style.MUTED,
                          x=0.01, ha="left")
    return fig
