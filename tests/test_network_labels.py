"""The network schematic's labels sit off the drawn rivers and off each other
(:func:`hydro.plotting.network._separate_labels`): on the shipped basins a reach's name at the
middle of a diagonal reach was written over its neighbour (Guanting: 14 of 31 labels on a line,
Miyun 6 of 30, before 2026-12-05)."""

from __future__ import annotations

import itertools
from datetime import date

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import LineCollection

from hydro.basin import Basin
from hydro.plotting import plot_network
from hydro.results import Results

matplotlib.use("Agg")


def _flat_results(net) -> Results:
    """One day of a uniform 1 mg/L on every reach and reservoir of ``net`` (the colours do not matter here)."""
    res = Results(coords={"time": [date(2020, 1, 1)], "reach": net.reach_ids, "reservoir": net.reservoir_ids,
                          "section": [s.id for s in net.sections]}, constituents={"tn": "total nitrogen"})
    res.add("tn_concentration", np.ones((1, len(net.reach_ids))))
    res.add("reservoir_tn_concentration", np.ones((1, len(net.reservoir_ids))))
    return res


def _labels_on_lines(fig) -> list[str]:
    """The labels whose box holds a point of a drawn river (reaches and reservoirs' lines, sampled
    every pixel or so along their centre lines), the box grown by just under half the reaches' line
    width (6 pt): a label touching a line's edge counts."""
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    segments = [s for c in ax.collections if isinstance(c, LineCollection) for s in c.get_segments()]
    segments += [line.get_xydata() for line in ax.get_lines()]
    pts = []
    for s in segments:
        d = ax.transData.transform(s)
        for a, b in itertools.pairwise(d):
            pts.append(a + np.linspace(0.0, 1.0, 400)[:, None] * (b - a))
    pts = np.concatenate(pts)
    pad = 0.95 * 3.0 * fig.dpi / 72  # (px) just under half of 6 pt
    out = []
    for t in ax.texts:
        if t.get_text() and "\n" not in t.get_text():  # (the notes in the corner are not labels)
            b = t.get_window_extent(renderer).padded(pad)
            if ((pts[:, 0] > b.x0) & (pts[:, 0] < b.x1) & (pts[:, 1] > b.y0) & (pts[:, 1] < b.y1)).any():
                out.append(t.get_text())
    return out


@pytest.mark.parametrize("basin", ["miyun", "guanting"])
def test_no_label_of_a_shipped_basin_sits_on_a_river_or_on_another_label(basin):
    net = Basin.load(basin).network
    fig = plot_network(_flat_results(net), network=net)
    assert _labels_on_lines(fig) == []
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts if t.get_text()]
    assert len(boxes) >= len(net.reach_ids) + len(net.reservoir_ids) + len(net.sections)
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes)))


def test_a_label_keeps_its_side_where_that_is_clear():
    """A lone reach: its name stays where it was put (right of the line, at its height)."""
    res = Results(coords={"time": [date(2020, 1, 1)], "reach": ["only"]}, constituents={"tn": "total nitrogen"})
    res.add("tn_concentration", np.ones((1, 1)))
    fig = plot_network(res, downstream={"only": ""})
    (label,) = [t for t in fig.axes[0].texts if t.get_text() == "only"]
    assert tuple(label.xyann) == (7, 0) and label.get_ha() == "left"
