"""Outside review (time, 2026-12-05): a section's monthly mean concentration from a results file.

`hydro compensate` turned a results file's daily section TN/TP/NH3-N/CODMn into *flow-weighted*
monthly means (hydro/monitoring.py:_monthly), while the monitoring it stands in for (one grab
sample a month; docs/agreements.md "monitoring error") and every other monthly mean in hydro --
the calibration's monthly bins (hydro/calibration/observations.py:Alignment), the validation's
"sampled on the 1st of each month" targets, `hydro run --aggregate monthly` (cell_methods
"time: mean") and the reservoir points of the same reader -- are time means of the daily
values.  On Miyun's 2000-2017 run the two differ by up to 196 % in a month, move 221 of 1,030
TP months (237 CODMn) across a GB 3838 class limit at the agreement sections, and change the
sign of 6 of 80 year-on-year TN differences that `tn_reduction` pays on.  They are now means over
the days everywhere.
"""

from __future__ import annotations

import netCDF4
import numpy as np
import pandas as pd

from hydro.calibration.config import Observation
from hydro.calibration.observations import Alignment
from hydro.monitoring import read_results

START = "2018-01-01"
DAYS = 365


def _results(path):
    """One section, 2018: TN 5 mg/L at 1 m3/s, except a flood on the 15th of each month
    (100 m3/s, TN 0.5 mg/L, dilution)."""
    dates = pd.date_range(START, periods=DAYS, freq="D")
    q = np.ones(DAYS)
    c = np.full(DAYS, 5.0)
    flood = dates.day == 15
    q[flood], c[flood] = 100.0, 0.5
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("time", DAYS)
        ds.createDimension("section", 1)
        t = ds.createVariable("time", "f8", ("time",))
        t.units, t.calendar = f"days since {START}", "standard"
        t[:] = np.arange(DAYS)
        s = ds.createVariable("section", str, ("section",))
        s[0] = "s"
        v = ds.createVariable("section_discharge", "f8", ("time", "section"))
        v.units = "m3 s-1"
        v[:] = q[:, None]
        v = ds.createVariable("section_tn_concentration", "f8", ("time", "section"))
        v.units = "mg L-1"
        v[:] = c[:, None]
    return dates, q, c


def test_compensation_monthly_mean_is_the_mean_calibration_and_monitoring_use(tmp_path):
    dates, _, c = _results(tmp_path / "r.nc")
    series = read_results(tmp_path / "r.nc")
    judged = series.data["s"]["tn"][:12]

    # the calibration's monthly bin of the same daily series (what a model is fitted to)
    days = dates.values.astype("datetime64[D]")
    months = np.arange("2018-01", "2019-01", dtype="datetime64[M]").astype("datetime64[D]")
    obs = Observation("tn", "tn_concentration", at="s", aggregate="monthly")
    align = Alignment.build(obs, months, np.ones(12), days,
                            {"calibration": (days[0].item(), days[-1].item())})
    calibrated = align.simulated(c)

    arithmetic = pd.Series(c, index=dates).resample("MS").mean().to_numpy()
    assert np.allclose(calibrated, arithmetic)
    # January: (30 x 5 + 0.5) / 31 = 4.855 mg/L (class worse than V at 2.0); flow-weighted it
    # is (30 x 5 + 100 x 0.5) / 130 = 1.538 mg/L (class V): one flood day moves the class
    assert np.allclose(judged, arithmetic, rtol=1e-9), (judged[:3], arithmetic[:3])


def test_section_and_reservoir_points_average_a_month_alike(tmp_path):
    """The same daily series read as a section and as a reservoir point gives one monthly mean."""
    _, q, c = _results(tmp_path / "r.nc")
    with netCDF4.Dataset(tmp_path / "r.nc", "a") as ds:
        ds.createDimension("reservoir", 1)
        r = ds.createVariable("reservoir", str, ("reservoir",))
        r[0] = "lake"
        v = ds.createVariable("reservoir_inflow", "f8", ("time", "reservoir"))
        v.units = "m3 s-1"
        v[:] = q[:, None]
        v = ds.createVariable("reservoir_tn_concentration", "f8", ("time", "reservoir"))
        v.units = "mg L-1"
        v[:] = c[:, None]
    series = read_results(tmp_path / "r.nc")
    assert np.allclose(series.data["s"]["tn"][:12], series.data["lake"]["tn"][:12], rtol=1e-9)
