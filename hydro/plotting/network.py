"""``network``: a schematic of the basin, reaches coloured by mean concentration.

There are no coordinates in basin files, so the layout comes from topology alone: a
tidy tree with the outlet at the bottom and headwaters at the top.  Leaves get
consecutive columns, a junction sits between its tributaries, a chain of reaches
stays in one column.  Each element is a segment from its upstream end down to the
upstream end of the element it flows into.

Topology comes from, in order: a :class:`hydro.network.Network` (``network=``), a
``downstream`` mapping, or the results' global attribute ``network_downstream``
(``"id=downstream_id;..."``, empty at the outlet).  Sections are placed with
``section_reach`` (``"section=reach;..."``) and optional ``section_position``
(``"section=0.5;..."``, fraction from the reach inlet, default 1).  Without topology
the reaches are laid out in one column, in file order.
"""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.plotting import _data, style
from hydro.results_xarray import as_results
from hydro.units import KG_PER_DAY_PER_M3S_MGL


def _topology(results, network, downstream, section_reach, section_position):
    """(downstream map over reaches and reservoirs, {section: (reach, position)}, known, absent).

    ``absent``: the elements of a basin's topology (``network=`` or the results' attribute) that the
    results do not hold, e.g. a file written with ``--locations`` or ``--variables``; they are drawn
    grey.  A ``downstream`` mapping given by hand must name elements of the results.
    """
    reaches = [str(r) for r in results.coords.get("reach", [])]
    reservoirs = [str(r) for r in results.coords.get("reservoir", [])]
    elements = reaches + reservoirs
    absent: list[str] = []
    if network is not None:
        down = {e.id: e.downstream or "" for e in (*network.reaches, *network.reservoirs)}
        secs = {s.id: (s.reach, s.position) for s in network.sections}
        foreign = [e for e in elements if e not in down]  # another basin's results (they drew both, mixed)
        if foreign:
            ran = results.attrs.get("basin", "")
            raise HydroError(f"plot 'network': the results hold {'reach' if foreign[0] in reaches else 'reservoir'} "
                             f"'{foreign[0]}', which the network of the basin given (--basin) does not have; give "
                             "the basin the results were run on" + (f" ('{ran}')" if ran else "")
                             + ", or leave --basin out to draw the network the results record")
    else:
        down = _data.parse_mapping(downstream if downstream is not None
                                   else results.attrs.get("network_downstream"))
        on = _data.parse_mapping(section_reach if section_reach is not None
                                 else results.attrs.get("section_reach"))
        pos = _data.parse_mapping(section_position if section_position is not None
                                  else results.attrs.get("section_position"))
        secs = {}
        for sid, rid in on.items():
            try:
                p = float(pos.get(sid, 1.0))
            except ValueError:
                raise HydroError(f"section_position of '{sid}' is not a number: '{pos[sid]}'") from None
            secs[sid] = (rid, min(max(p, 0.0), 1.0))
    known = bool(down)
    if known:
        unknown = [e for e in down if e not in elements]
        if unknown and downstream is None and any(e in down for e in elements):  # a basin's whole network
            absent = unknown
            elements = elements + absent
            unknown = []
        if unknown:
            raise HydroError(f"plot 'network': the downstream mapping names '{unknown[0]}', which is "
                             f"neither a reach nor a reservoir of these results"
                             + suggest(unknown[0], elements))
        for e in elements:
            down.setdefault(e, "")
        for e, d in down.items():
            if d and d not in elements:
                raise HydroError(f"plot 'network': '{e}' flows into unknown '{d}'" + suggest(d, elements))
    return down, secs, known, absent


#: Colour of a reach without a value.
_NO_VALUE = "#C8C8C8"


def _tree_layout(elements, down):
    """Element -> ((x_up, y_up), (x_down, y_down)) for a tidy tree, outlet at the bottom."""
    children = {e: [] for e in elements}
    roots = []
    for e in elements:
        d = down.get(e, "")
        (children[d].append(e) if d else roots.append(e))
    depth, x = {}, {}
    counter = [0.0]

    def place(e, level, path):
        if e in path:
            raise HydroError(f"plot 'network': the downstream mapping has a cycle through '{e}'")
        depth[e] = level
        kids = children[e]
        for k in kids:
            place(k, level + 1, path | {e})
        if kids:
            x[e] = (x[kids[0]] + x[kids[-1]]) / 2.0
        else:
            x[e] = counter[0]
            counter[0] += 1.0

    for r in roots:
        place(r, 0, frozenset())
    missing = [e for e in elements if e not in depth]
    if missing:
        raise HydroError(f"plot 'network': the downstream mapping has a cycle through '{missing[0]}'")
    ends = {}
    for e in elements:
        up = (x[e], depth[e] + 1.0)
        d = down.get(e, "")
        ends[e] = (up, (x[d], depth[d] + 1.0) if d else (x[e], 0.0))
    return ends


def _column_layout(reaches, reservoirs):
    n = len(reaches)
    ends = {r: ((0.0, float(n - i)), (0.0, float(n - i - 1))) for i, r in enumerate(reaches)}
    for j, r in enumerate(reservoirs):
        y = n - 0.5 - j
        ends[r] = ((1.0, y + 0.2), (1.0, y - 0.2))
    return ends


def _mean(results, name, dim, scenario):
    """Time mean of ``name`` over the run (and members) per element of ``dim``; the steps of a file
    written with ``--aggregate`` weighted by their days."""
    if name not in results.data:
        return None
    arr, dims = _data.select(results, name, scenario=scenario)
    arr = _data.move_first(arr, dims, (dim, "time"))
    days = _data.step_days(results)
    w = np.ones(arr.shape[1]) if days is None else np.asarray(days, dtype=float)
    w = np.broadcast_to(w.reshape((1, -1) + (1,) * (arr.ndim - 2)), arr.shape).reshape(arr.shape[0], -1)
    flat = arr.reshape(arr.shape[0], -1)
    valid = np.isfinite(flat)
    total = np.where(valid, w, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.where(valid, flat * w, 0.0).sum(axis=1) / total, np.nan)


def _flow_weighted_mean(results, constituent, scenario):
    """Flow-weighted mean concentration of each reach over the run, Σ load / Σ Q (mg/L), the
    mean ``hydro run`` and ``hydro report`` give at sections; None without loads or discharge."""
    load_name = f"{constituent}_load"
    if load_name not in results.data or "discharge" not in results.data:
        return None
    load = _mean(results, load_name, "reach", scenario)  # kg/d
    flow = _mean(results, "discharge", "reach", scenario)  # m3/s
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(flow > 0, load / (flow * KG_PER_DAY_PER_M3S_MGL), np.nan)


#: Candidate places of a label, tried in order: its own side first, then the other (``-1``: the offset
#: mirrored), each at its height and 10, 20 and 30 points above and below.
_LABEL_PLACES = tuple((side, step) for side in (1, -1) for step in (0, 1, -1, 2, -2, 3, -3))
_MIRRORED = {"left": "right", "right": "left", "center": "center"}


def _line_points(ax, segments, spacing_px: float = 3.0) -> np.ndarray:
    """Points every ``spacing_px`` pixels along the drawn ``segments`` (data coordinates), in display
    coordinates: what a label should not cover."""
    if not segments:
        return np.zeros((0, 2))
    ends = ax.transData.transform(np.asarray(segments, dtype=float).reshape(-1, 2)).reshape(-1, 2, 2)
    pts = []
    for (a, b) in ends:
        n = max(2, int(np.hypot(*(b - a)) / spacing_px) + 1)
        pts.append(a + np.linspace(0.0, 1.0, n)[:, None] * (b - a))
    return np.concatenate(pts)


def _place(ann, home, side: int, step: int, renderer):
    """Put annotation ``ann`` at one of :data:`_LABEL_PLACES` (``home``: its first offset, points, and
    alignment) and return its box there (display coordinates)."""
    (x0, y0), ha = home
    ann.xyann = (side * x0, y0 + 10 * step)
    ann.set_ha(ha if side == 1 else _MIRRORED.get(ha, ha))
    return ann.get_window_extent(renderer)


def _separate_labels(fig, labels, segments=(), line_width_pt: float = 6.0) -> None:
    """Place each annotation of ``labels`` off the labels placed before it and off the drawn lines
    ``segments`` (data coordinates, ``line_width_pt`` wide): the first of :data:`_LABEL_PLACES` clear
    of both, else the first clear of the labels, else where it was.  Miyun's ``bai_inlet`` and
    ``qingshui_inlet`` sections and its ``bai_yanqing`` and ``hei`` reaches wrote over each other,
    and a reach name at the middle of a diagonal reach over its neighbour (Guanting's
    ``sanggan_head`` and ``yuanzi``); earlier labels keep their place."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    pts = _line_points(labels[0].axes, list(segments)) if labels else np.zeros((0, 2))
    pad = line_width_pt / 2 * fig.dpi / 72  # (px) half the line's width around its centre line
    placed: list = []
    for ann in labels:
        home = ann.xyann, ann.get_ha()
        free_of_labels = None
        for side, step in _LABEL_PLACES:
            box = _place(ann, home, side, step, renderer)
            if any(box.overlaps(b) for b in placed):
                continue
            free_of_labels = free_of_labels or (side, step)
            inside = ((pts[:, 0] > box.x0 - pad) & (pts[:, 0] < box.x1 + pad)
                      & (pts[:, 1] > box.y0 - pad) & (pts[:, 1] < box.y1 + pad))
            if not inside.any():
                break
        else:
            box = _place(ann, home, *(free_of_labels or (1, 0)), renderer)
        placed.append(box)


def plot_network(results, *, constituent: str = "tn", network=None, downstream: dict | None = None,
                 section_reach: dict | None = None, section_position: dict | None = None,
                 scenario=None, names: dict | None = None, title: str | None = None, ax=None):
    """A schematic of the river network coloured by mean concentration over the run.

    Size: one figure drawn top to bottom on matplotlib's axes (layout, reaches, reservoirs, sections, labels);
    helpers would pass the axes and its styling around.

    Reaches are coloured by their flow-weighted mean over the run (Σ load / Σ Q, as
    ``hydro run`` and ``hydro report`` give it at sections; the time mean of the daily
    concentrations where the results hold no loads), reservoirs by the time mean of
    their concentration; the colour bar says which.

    Parameters
    ----------
    results : Results
        Needs ``<c>_concentration (time, reach)``; ``reservoir_<c>_concentration``
        colours the reservoirs when present.
    constituent : str
        Short name, ``tn`` by default.
    network : hydro.network.Network, optional
        Topology and section positions (e.g. ``Basin.load(...).network``).
    downstream : dict, optional
        Element id -> id of the reach or reservoir it flows into ("" or None at the outlet).
        Default: the ``network_downstream`` attribute of the results.
    section_reach, section_position : dict, optional
        Section id -> reach id, and -> fraction of the reach length from its inlet.
        Default: the ``section_reach`` / ``section_position`` attributes.
    scenario : str or int, optional
    names : dict, optional
        Display names by id.
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    results = as_results(results)  # Model.run's dataset too
    conc_name = f"{constituent}_concentration"
    _data.require(results, conc_name, "network")
    reaches = [str(r) for r in results.coords.get("reach", [])]
    reservoirs = [str(r) for r in results.coords.get("reservoir", [])]
    down, secs, known, absent = _topology(results, network, downstream, section_reach, section_position)
    reach_mean = _flow_weighted_mean(results, constituent, scenario)
    weighting = "reaches flow-weighted"
    if reach_mean is None:
        reach_mean, weighting = _mean(results, conc_name, "reach", scenario), "reaches time mean"
    res_mean = _mean(results, f"reservoir_{constituent}_concentration", "reservoir", scenario)
    if absent:  # in the basin, not in the results: drawn grey, without a value
        lakes = set(_data.parse_mapping(results.attrs.get("reservoir_names")))
        lakes |= {e.id for e in network.reservoirs} if network is not None else set()
        held = len(reservoirs)
        reaches += [e for e in absent if e not in lakes]
        reservoirs += [e for e in absent if e in lakes]
        reach_mean = np.append(reach_mean, np.full(len(reaches) - len(reach_mean), np.nan))
        if res_mean is None and len(reservoirs) > held:
            res_mean = np.full(held, np.nan)
        if res_mean is not None:
            res_mean = np.append(res_mean, np.full(len(reservoirs) - held, np.nan))
    ends = _tree_layout(reaches + reservoirs, down) if known else _column_layout(reaches, reservoirs)
    given = dict(names or {})
    if network is not None:
        for e in (*network.reaches, *network.reservoirs, *network.sections):
            if e.name and e.name != e.id:
                given.setdefault(e.id, e.name)
    label_of = {}
    for k in ("section", "reservoir", "reach"):
        label_of.update(_data.names(results, k, given))

    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize

    values = np.concatenate([reach_mean, res_mean if res_mean is not None else []])
    finite = values[np.isfinite(values)]
    norm = Normalize(vmin=float(finite.min()) if finite.size else 0.0,
                     vmax=float(finite.max()) if finite.size and finite.max() > finite.min() else
                     (float(finite.max()) + 1e-9 if finite.size else 1.0))
    n_sections = len(results.coords.get("section", []))
    compact = len(reaches) + len(reservoirs) > 12 or n_sections > 6  # a real basin, not an example
    with style.figure_context():
        fig, ax = style.figure_and_axes(ax, figsize=(10.0, 8.0) if compact else style.FIGSIZE)
        segs = [ends[r] for r in reaches]
        from matplotlib import colormaps

        # a reach without a value (not in the results, or never flowing) grey, not invisible
        lc = LineCollection(segs, cmap=colormaps["viridis"].with_extremes(bad=_NO_VALUE), norm=norm, linewidths=6,
                            capstyle="round", zorder=2)
        lc.set_array(np.ma.masked_invalid(reach_mean))
        ax.add_collection(lc)
        reach_labels, other_labels = [], []
        for r, ((x0, y0), (x1, y1)) in zip(reaches, segs):
            # reaches carry their short id: display names are sentences that collide
            # in a real network (sections and reservoirs keep their names)
            reach_labels.append(ax.annotate(r, xy=((x0 + x1) / 2, (y0 + y1) / 2), xytext=(7, 0),
                        textcoords="offset points", fontsize=8, color=style.MUTED, va="center",
                        ha="left", style="italic", zorder=4))
        for j, r in enumerate(reservoirs):
            (x0, y0), (x1, y1) = ends[r]
            ax.plot([x0, x1], [y0, y1], color="#9EC9E2", lw=6, solid_capstyle="round", zorder=1.5)
            v = res_mean[j] if res_mean is not None else np.nan
            fill = {"c": [v], "cmap": "viridis", "norm": norm} if np.isfinite(v) else {"c": "white"}
            ax.scatter([(x0 + x1) / 2], [(y0 + y1) / 2], s=260, marker="s", **fill,
                       edgecolors="black", linewidths=1.2, zorder=5, label="Reservoir" if j == 0 else None)
            other_labels.append(ax.annotate(label_of.get(r, r), xy=((x0 + x1) / 2, (y0 + y1) / 2), xytext=(12, 0),
                                            textcoords="offset points", fontsize=9, fontweight="bold",
                                            va="center", ha="left", zorder=6))
        placed, unplaced = 0, []
        for sid in [str(s) for s in results.coords.get("section", [])]:
            if sid not in secs or secs[sid][0] not in ends:
                unplaced.append(sid)
                continue
            rid, pos = secs[sid]
            (x0, y0), (x1, y1) = ends[rid]
            # keep sections off the junction, where neighbours' sections would collide
            shown = min(max(pos, 0.08), 0.9)
            px, py = x0 + shown * (x1 - x0), y0 + shown * (y1 - y0)
            right = x0 > x1 + 1e-9  # a tributary coming from the right: label on its right
            ax.scatter([px], [py], s=55, marker="o", facecolors="white", edgecolors="black",
                       linewidths=1.3, zorder=6, label="Monitoring section" if placed == 0 else None)
            # many long section names collide: a large network shows ids (names are in the report)
            other_labels.append(ax.annotate(
                sid if compact else label_of.get(sid, sid), xy=(px, py), xytext=(8 if right else -8, 0),
                textcoords="offset points", fontsize=8, ha="left" if right else "right", va="center", zorder=7,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}))
            placed += 1
        xs = [p[0] for seg in ends.values() for p in seg]
        ys = [p[1] for seg in ends.values() for p in seg]
        ax.set_xlim(min(xs) - 0.8, max(xs) + 1.2)
        ax.set_ylim(min(ys) - 0.3, max(ys) + 0.3)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for side in ("left", "bottom", "top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel("Schematic, not to scale: headwaters at the top, outlet at the bottom", fontsize=8,
                      color=style.MUTED, loc="right")  # the legend is under the axes' left end
        bar = fig.colorbar(lc, ax=ax, shrink=0.85, pad=0.02)
        kinds = weighting + (", reservoirs time mean" if res_mean is not None else "")
        members = len(results.coords.get("member", []))  # an ensemble's means are over its members too
        run = f"the run and {members} weather members" if members else "the run"
        bar.set_label(f"Mean {style.symbol(constituent)} concentration over {run} (mg/L)\n({kinds})")
        notes = []
        if not known:
            notes.append("no topology in the results: reaches in file order")
        if absent:
            notes.append("grey: not in these results (written with --locations or --variables)")
        if unplaced:
            notes.append("sections not placed (no reach given): " + ", ".join(unplaced))
        if notes:
            ax.text(0.0, 0.0, "\n".join(notes), transform=ax.transAxes, fontsize=7, color=style.MUTED,
                    va="bottom", ha="left")
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            # under the axes: inside, it sat on the headwater reaches of Guanting's top-left corner
            ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.0), ncol=2, fontsize=8, markerscale=0.7)
        label = _data.scenario_label(results, scenario)
        basin = results.attrs.get("basin", "")
        ax.set_title(title or f"Mean {style.symbol(constituent)} concentration in the network"
                     + (f" - {basin}" if basin else "") + (f" - scenario {label}" if label else ""))
        _separate_labels(fig, other_labels + reach_labels, [*segs, *(ends[r] for r in reservoirs)])
    return fig
