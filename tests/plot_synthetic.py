"""Small in-memory results for plot tests (no model run, no files): two sections, one reservoir, daily
values with a seasonal swing; optional weather members and a file's ``--aggregate`` periods."""

from datetime import date, timedelta

import numpy as np

from hydro.results import Results


def results(start=date(2010, 1, 1), days=3 * 365, sources=True, members=None):
    """Two sections (``s_a``, ``s_b``), reservoir ``res``, daily values over ``days`` days from ``start``;
    with ``members`` a leading ``member`` dimension, member k scaled by 1 + k/10."""
    dates = [start + timedelta(days=i) for i in range(days)]
    coords = {"time": dates, "reach": ["up", "tail"], "reservoir": ["res"],
              "section": ["s_a", "s_b"], "source": ["fertiliser", "point"]}
    t = np.arange(days)
    season = 1.0 + 0.4 * np.sin(2 * np.pi * t / 365.0)
    r = Results(coords=coords, attrs={"basin": "synthetic"}, constituents={"tn": "total nitrogen"})
    r.data["tn_concentration"] = np.outer(season, [3.0, 1.5])
    r.data["section_tn_concentration"] = np.outer(season, [3.0, 2.0])
    r.data["section_tn_load"] = np.outer(season, [300.0, 500.0])
    r.data["reservoir_tn_concentration"] = np.outer(season, [1.2])
    r.data["reservoir_storage"] = np.outer(season, [9e7])
    r.data["reservoir_level"] = 120.0 + np.outer(season, [1.0])
    if sources:
        r.data["tn_source_load"] = 100.0 * season[:, None, None] * np.ones((days, 2, 2))
    if members:
        r.coords["member"] = list(range(members))
        scale = 1.0 + np.arange(members) / 10.0
        for name in list(r.data):
            arr = r.data[name]
            r.data[name] = scale.reshape((-1,) + (1,) * arr.ndim) * arr[None]
    return r


def yearly(first=date(2010, 1, 1), years=3, last_months=6):
    """``results()`` as ``hydro run --aggregate yearly`` writes them: one step a year, the last covering
    its first ``last_months`` months only (its bounds in ``time_bounds``)."""
    starts = [date(first.year + k, 1, 1) for k in range(years)]
    ends = starts[1:] + [date(first.year + years - 1, last_months + 1, 1)]
    r = results(start=first, days=years)
    r.coords["time"] = starts
    r.time_bounds = (starts, ends)
    r.attrs["time_aggregation"] = "yearly"
    return r
