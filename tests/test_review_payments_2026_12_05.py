"""Outside domain review (payments, 2026-12-05, after 53f57ae "a month's concentration is the mean over its days").

F3: a concentration's month needed every day's discharge (the flow-weighted mean's requirement, kept after
the weights were dropped); F4, F5: a doc and a config comment left at the flow-weighted figures.  (F1, a
section's class as its worst parameter's: tests/test_compensation_section_class.py.  F2, a dry day counted
in a month's mean, cannot arise from a hydro run: the transport refuses a reach without flow.)
"""

from __future__ import annotations

from pathlib import Path

import netCDF4
import numpy as np

import hydro
from hydro.monitoring import read_results

ROOT = Path(hydro.__file__).resolve().parents[1]  # the checkout, wherever this file is run from
AGREEMENTS = ROOT / "configs" / "agreements"


# ---------------------------------------------------------------------------------------------------------------------
# F3: what a time mean of a results file's days needs (its concentrations, not every day's discharge)
# ---------------------------------------------------------------------------------------------------------------------
def _results(path, q, c, masked_q_day=None):
    days = len(q)
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("time", days)
        ds.createDimension("section", 1)
        t = ds.createVariable("time", "f8", ("time",))
        t.units, t.calendar = "days since 2019-01-01", "standard"
        t[:] = np.arange(days)
        s = ds.createVariable("section", str, ("section",))
        s[0] = "gubeikou"
        v = ds.createVariable("section_discharge", "f8", ("time", "section"), fill_value=-9999.0)
        v.units = "m3 s-1"
        v[:] = q[:, None]
        if masked_q_day is not None:
            v[masked_q_day, 0] = np.ma.masked
        w = ds.createVariable("section_tp_concentration", "f8", ("time", "section"))
        w.units = "mg L-1"
        w[:] = c[:, None]
    return path


def test_a_time_mean_concentration_month_does_not_need_every_days_discharge(tmp_path):
    """The time mean does not use discharge, but _monthly still drops a concentration month when one day's
    discharge is missing (ok = q_ok & finite(c): the flow-weighted mean's requirement).  A monitoring month is
    valid on its concentration alone; only the month's *volume* is undetermined."""
    q = np.ones(365)
    c = np.full(365, 0.08)
    series = read_results(_results(tmp_path / "q.nc", q, c, masked_q_day=40))   # 10 February
    assert series.missing_months("gubeikou", "flow", 2019) == [2]
    assert series.missing_months("gubeikou", "tp", 2019) == [], \
        "February's TP, complete on every day, is dropped because one day's discharge is missing"


# ---------------------------------------------------------------------------------------------------------------------
# F4 / F5: doc and config claims left at the flow-weighted numbers
# ---------------------------------------------------------------------------------------------------------------------
def test_docs_no_longer_quote_the_flow_weighted_capped_count():
    """docs/commands/compensate.md: "Miyun's 2016 TN rewards at 10 M at four of the five sections of phase 2's
    rules ... 2026-12-05" is the flow-weighted result (10, 10, 10, 10, 9.7 M).  With months averaged over their
    days, `hydro run miyun` gives 10, 10, 6.27, 7.12, 5.54 M: two of five at the cap."""
    text = (ROOT / "docs" / "commands" / "compensate.md").read_text(encoding="utf-8")
    assert "four of the five sections" not in text


def test_phase2_comment_no_longer_quotes_the_flow_weighted_2010_net():
    """miyun_chaobai_phase2_2022.toml's header: "two-way, Hebei would pay Beijing in most years (e.g. -49.1
    million yuan in 2010 ...)" is the flow-weighted figure; docs/agreements.md and the run give -37.1 M."""
    text = (AGREEMENTS / "miyun_chaobai_phase2_2022.toml").read_text(encoding="utf-8")
    assert "-49.1 million yuan in 2010" not in text
