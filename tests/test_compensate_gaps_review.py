"""``hydro compensate`` lists the gaps of the series its agreement reads, not of every series in the
file (found in review, 2026-12-01: 65 'missing:' lines on a Miyun run, for sections, parameters and
years no rule of the agreement used)."""

from __future__ import annotations

import netCDF4
import numpy as np
from click.testing import CliRunner
from test_compensation_review import HEAD, _results

from hydro.cli import main

RULE = """
[[quality_class]]
section = "mid"
parameters = ["tp"]
target_class = "III"
penalty_per_class_yuan = 300000
source = "test"
"""


def test_only_the_agreements_places_parameters_and_years_are_listed(tmp_path):
    path, _ = _results(tmp_path / "r.nc")
    with netCDF4.Dataset(path, "a") as ds:  # March of 2018 (before the period) and of 2019, every series
        for name in ("section_tp_concentration", "section_codmn_concentration", "section_discharge"):
            v = ds[name][:]
            v[59:90, :] = np.nan
            v[365 + 59:365 + 90, :] = np.nan
            ds[name][:] = v
    (tmp_path / "a.toml").write_text(HEAD + RULE, encoding="utf-8")
    out = CliRunner().invoke(main, ["compensate", str(path), str(tmp_path / "a.toml")])
    assert out.exit_code == 0, out.output
    gaps = sorted(line for line in out.stderr.splitlines() if line.startswith("missing:"))
    # the rule reads TP at 'mid' in 2019-2020: not 2018, not codmn, not 'up' or 'low', and not discharge (a
    # month's concentration is a mean over its days since 2026-12-05: no volume weighs it)
    assert gaps == ["missing: mid tp 2019, month 3 (not filled)"]
