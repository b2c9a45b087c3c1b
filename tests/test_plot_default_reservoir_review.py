"""``reservoir`` and ``scenarios`` figures show the outlet reservoir by default (found in review,
2026-12-01: they showed the first in the file, Yunzhou for Miyun and Cetian for Guanting, small
reservoirs upstream of the one the figures are about)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from hydro.plotting import plot_reservoir
from hydro.plotting._data import outlet_reservoir
from hydro.results import Results

DAYS = 40


def _two_reservoirs(downstream: str) -> Results:
    dates = [date(2020, 1, 1) + timedelta(days=i) for i in range(DAYS)]
    r = Results(coords={"time": dates, "reservoir": ["upper", "main"], "reach": ["r1"]},
                attrs={"basin": "synthetic", "network_downstream": downstream},
                constituents={"tn": "total nitrogen"})
    ones = np.ones((DAYS, 2))
    r.data["reservoir_storage"] = ones * [1e7, 9e8]
    r.data["reservoir_level"] = ones * [300.0, 150.0]
    r.data["reservoir_tn_concentration"] = ones * [0.5, 1.5]
    return r


def test_the_reservoir_whose_water_reaches_no_other_is_the_default():
    assert outlet_reservoir(_two_reservoirs("upper=r1;r1=main;main=")) == 1
    assert outlet_reservoir(_two_reservoirs("main=;upper=")) == 0  # two outlets: the first
    assert outlet_reservoir(_two_reservoirs("")) == 0  # the attribute does not say: the first
    assert outlet_reservoir(_two_reservoirs("upper=r1;r1=upper;main=upper")) == 0  # a loop ends


def test_plot_reservoir_draws_the_outlet_reservoir_by_default():
    fig = plot_reservoir(_two_reservoirs("upper=r1;r1=main;main="))
    storage = fig.axes[0].get_lines()[0].get_ydata()
    assert np.allclose(storage, 900.0)  # main's 9e8 m3 in million m3, not upper's 10
