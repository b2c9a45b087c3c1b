"""``hydro plot RESULTS classes``: the GB 3838 class heat map, one panel per parameter (issue 14)."""

import numpy as np
import pytest
from click.testing import CliRunner
from synthetic_quality import RESERVOIRS, SECTIONS, write_quality_results

from hydro.classes import class_table_of
from hydro.cli import main
from hydro.errors import HydroError
from hydro.plotting import KINDS, plot, plot_classes, style

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def nc(tmp_path_factory):
    return write_quality_results(tmp_path_factory.mktemp("c") / "q.nc", start="2019-01-01", end="2020-12-31")


def test_classes_is_a_plot_kind():
    assert KINDS["classes"] is plot_classes


def test_one_panel_per_parameter_in_the_class_colours(nc):
    table = class_table_of(nc)
    fig = plot_classes(table)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["TN", "TP", "NH3-N", "CODMn"]
    ax = fig.axes[1]  # TP
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # rows in the file's order, sections then reservoirs (they were alphabetical: review of 2026-12-04)
    assert labels == [*SECTIONS, *(f"{r} (reservoir)" for r in RESERVOIRS)]
    assert len(labels) == len(SECTIONS) + len(RESERVOIRS)
    mesh = ax.collections[0]
    cells = np.asarray(mesh.get_array()).reshape(len(labels), 24)
    # every cell is the class of the table's row (rows: places in table order; columns: months)
    places = list(dict.fromkeys(r.place for r in table))
    for r in table:
        if r.parameter == "tp":
            assert cells[places.index(r.place), (r.year - 2019) * 12 + r.month - 1] == r.water_class
    # the colours are the house GB 3838 class colours, Class I first
    assert list(mesh.cmap.colors) == list(style.CLASS_COLOURS)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:3] == ["Class I", "Class II", "Class III"] and ">V (worse than V)" in legend
    # TN at river sections is marked a reference, reservoirs are not
    tn_labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "gubeikou *" in tn_labels and "miyun (reservoir)" in tn_labels
    assert "lake limits as a reference" in fig.get_supxlabel()


def test_locations_and_one_parameter(nc, tmp_path):
    fig = plot(nc, "classes", tmp_path / "c.png", locations=["miyun", "gubeikou"], constituent="codmn")
    assert len(fig.axes) == 1
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["miyun (reservoir)", "gubeikou"]
    assert (tmp_path / "c.png").read_bytes().startswith(PNG)
    with pytest.raises(HydroError, match=r"unknown location 'gubeikuo'.*did you mean 'gubeikou'"):
        plot_classes(class_table_of(nc), locations=["gubeikuo"])
    with pytest.raises(HydroError, match="no parameter 'cod'"):
        plot_classes(class_table_of(nc), constituent="cod")
    with pytest.raises(HydroError, match="needs concentrations"):
        plot_classes([])


def test_missing_months_are_grey_not_a_class(tmp_path):
    from dataclasses import replace

    # a run that ends on 15 December: December is no month mean, so the months end in November
    nc = write_quality_results(tmp_path / "p.nc", start="2019-01-01", end="2019-12-15", parameters=("tp",))
    rows = class_table_of(nc)
    assert {r.month for r in rows} == set(range(1, 12))
    # a month without a value inside the run is a masked (grey) cell, not a class
    rows = [replace(r, water_class=None) if r.month == 6 else r for r in rows]
    cells = plot_classes(rows).axes[0].collections[0].get_array()
    mask = np.ma.getmaskarray(cells).reshape(-1, 11)
    assert mask[:, 5].all() and not mask[:, :5].any() and not mask[:, 6:].any()


def test_cli(nc, tmp_path):
    out = tmp_path / "classes.png"
    result = CliRunner().invoke(main, ["plot", str(nc), "classes", "--location", "miyun", "--location", "bahaoqiao",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG) and len(out.read_bytes()) > 5000
