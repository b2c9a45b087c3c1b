"""The report's "Water-quality classes" section (issue 14): a heat map and class-coloured tables
of every parameter at every section and reservoir, by month."""

import re

import pytest
from synthetic_quality import RESERVOIRS, SECTIONS, write_quality_results

from hydro.classes import class_table_of
from hydro.plotting.style import CLASS_COLOURS
from hydro.report import build_report


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rc")
    nc = write_quality_results(folder / "q.nc", start="2019-01-01", end="2020-12-31")
    return nc, build_report(nc, folder / "q.html").read_text(encoding="utf-8")


def test_section_figure_and_a_table_per_parameter(page):
    _, text = page
    assert '<section class="card" id="classes"><h2>Water-quality classes</h2>' in text
    assert '<li><a href="#classes">Water-quality classes</a></li>' in text
    assert 'id="fig-classes"' in text and "data:image/png;base64," in text
    for p in ("tn", "tp", "nh3n", "codmn"):
        assert f'id="classes-{p}"' in text
    # the section follows the reservoirs
    assert text.index('id="reservoirs"') < text.index('id="classes"')


def test_cells_are_the_class_table_in_the_class_colours(page):
    nc, text = page
    rows = class_table_of(nc)
    table = re.search(r'<table class="data" id="classes-codmn">(.*?)</table>', text, re.S).group(1)
    body = table.split("<tbody>")[1]
    lines = body.split("<tr")[1:]
    assert len(lines) == (len(SECTIONS) + len(RESERVOIRS)) * 2  # a line per place and year
    cells = re.findall(r'<td style="background:(#[0-9A-F]{6});[^"]*" title="([0-9.e+-]+) mg/L">([IV>]+)</td>', body)
    assert len(cells) == len([r for r in rows if r.parameter == "codmn"])
    want = [(CLASS_COLOURS[r.water_class - 1], r.class_name if r.water_class < 6 else ">V")
            for r in sorted((r for r in rows if r.parameter == "codmn"),
                            key=lambda r: (list(dict.fromkeys(x.place for x in rows)).index(r.place), r.year,
                                           r.month))]
    assert [(c, n) for c, _, n in cells] == want


def test_river_tn_is_marked_a_reference(page):
    _, text = page
    table = re.search(r'id="classes-tn">(.*?)</table></div>(.*?)</details>', text, re.S)
    assert "gubeikou *" in table.group(1)
    assert "lake limits as a reference (GB 3838-2002 does not class TN in rivers)" in table.group(2)
    assert "miyun *" not in table.group(1)


def test_no_classes_section_without_a_classed_parameter(tmp_path):
    from hydro.report import classes

    class Empty:  # results without sections, reservoirs or concentrations
        def __init__(self):
            self.coords = {"time": []}
            self.data: dict = {}
            self.time_bounds = None
            self.dates: list = []

    assert classes.classes_section(Empty(), None, {}) == ""
