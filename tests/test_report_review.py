"""Adversarial review of the report (2026-12-01).

Every table of ``hydro report`` on ``hydro run miyun`` (2000-01 to 2017-02) and ``hydro run
guanting``, and the same period run with ``--aggregate monthly``, were recomputed from the
netCDF file with xarray (discharge, flow-weighted concentrations, loads, loads by source and
their shares, reservoir means and totals, budgets by element and year): no cell differed beyond
its rounding.  What was wrong is how the parameters were written: ``short.upper()`` printed
"NH3N", "CODMN", "ORGN" in captions, headings and axis labels, where GB 3838 and the
agreements write NH3-N and CODMn.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from hydro.plotting import plot_reservoir, plot_trajectory
from hydro.plotting.style import symbol
from hydro.report import tables
from hydro.results import Results

DAYS = 40


def results() -> Results:
    days = [date(2016, 12, 1) + timedelta(days=i) for i in range(DAYS)]
    r = Results(coords={"time": days, "section": ["s"], "reservoir": ["res"]}, attrs={"basin": "synthetic"},
                constituents={"nh3n": "ammonia nitrogen", "codmn": "permanganate index", "no3n": "nitrate"})
    r.data["section_discharge"] = np.full((DAYS, 1), 2.0)
    for c in ("nh3n", "codmn", "no3n"):
        r.data[f"section_{c}_load"] = np.full((DAYS, 1), 86.4)            # 0.5 mg/L at 2 m3/s
        r.data[f"section_{c}_concentration"] = np.full((DAYS, 1), 0.5)
        r.data[f"reservoir_{c}_concentration"] = np.full((DAYS, 1), 0.5)
    r.data["reservoir_storage"] = np.full((DAYS, 1), 1e7)
    r.data["reservoir_level"] = np.full((DAYS, 1), 100.0)
    return r


def test_parameters_are_written_as_gb3838_writes_them():
    assert [symbol(c) for c in ("tn", "nh3n", "tp", "codmn", "no3n", "orgn")] == \
        ["TN", "NH3-N", "TP", "CODMn", "NO3-N", "OrgN"]
    r = results()
    conc, load = tables.section_tables(r, "nh3n")
    assert conc.caption == "Flow-weighted mean NH3-N concentration (mg/L)"
    assert load.caption == "NH3-N load through the section (t per year)"
    assert abs(conc.rows[0][1] - 0.5) < 1e-12   # 86.4 kg/d in 2 m3/s; round-off of the sums only
    (res,) = tables.reservoir_tables(r, r.constituents)
    assert {"mean NH3-N in the lake (time mean)", "mean CODMn in the lake (time mean)",
            "mean NO3-N in the lake (time mean)"} <= {row[0] for row in res.rows}
    ax = plot_trajectory(r, ["s"], constituent="codmn").axes[0]
    assert ax.get_ylabel().startswith("CODMn concentration (mg/L)") and "CODMN" not in ax.get_title()
    fig = plot_reservoir(r, "res", constituent="nh3n")
    assert any(a.get_ylabel() == "NH3-N (mg/L)" for a in fig.axes)


def test_a_run_without_a_whole_month_says_why_it_has_no_classes():
    # hydro run miyun --start 2014-07-01 --end 2014-07-01: the report left its classes section out
    # without a word, and plot classes said the results had no concentrations at all
    import pytest

    from hydro.errors import HydroError
    from hydro.plotting import plot
    from hydro.report.classes import classes_section

    r = results()
    assert "GB 3838 class of the monthly mean" in classes_section(r, None, {})     # December 2016 is whole
    r.coords["time"] = r.coords["time"][:10]
    r.data = {k: v[:10] for k, v in r.data.items()}
    assert "No whole calendar month in these results" in classes_section(r, None, {})
    with pytest.raises(HydroError, match="over at least one whole calendar month"):
        plot(r, "classes")


def test_the_classes_tables_say_which_annual_mean_they_give():
    # Gubeikou TP 2000 in hydro run miyun's report: 0.065 mg/L in the section table (flow-weighted:
    # the year's load over its flow volume) and 0.102 under "annual mean" in the classes table (the
    # mean of the monthly means, which the agreements judge): two "annual means" without a word
    from hydro.report.classes import classes_section

    text = classes_section(results(), None, {})
    assert "mean of the monthly means (mg/L)</th>" in text and "annual mean (mg/L)" not in text
    assert "differs from the flow-weighted annual mean of the section tables" in text


def test_a_catchment_run_is_named_as_such(tmp_path):
    # hydro run validation/calibration/leguer/catchment.toml, then report / gep / plot: "incomplete
    # hydro results file ... (run it again)", "lack subbasin_quickflow (written with --variables?)"
    # and "no sections or reservoirs; name reaches with --location", none of which helps
    import pytest

    from hydro.errors import HydroError
    from hydro.gep import gep
    from hydro.plotting import plot
    from hydro.report import build_report

    days = [date(2001, 1, 1) + timedelta(days=i) for i in range(30)]
    r = Results(coords={"time": days, "gauge": ["g"], "subbasin": ["leguer"]},
                attrs={"basin": "leguer", "model": "catchment (GR4J)", "area_km2": "260"})
    r.data["gauge_discharge"] = np.ones((30, 1))
    r.data["subbasin_precipitation"] = np.ones((30, 1))
    r.data["subbasin_aet"] = np.ones((30, 1))
    r.data["subbasin_runoff"] = np.ones((30, 1))
    path = tmp_path / "leguer.nc"
    r.to_netcdf(path)
    with pytest.raises(HydroError, match=r"leguer\.nc: a catchment run"):
        build_report(path, tmp_path / "leguer.html")
    with pytest.raises(HydroError, match=r"leguer\.nc: a catchment run"):
        gep(r, where=path)
    with pytest.raises(HydroError, match=r"leguer\.nc: a catchment run"):
        plot(path, "trajectory")
    assert not (tmp_path / "leguer.html").exists()
