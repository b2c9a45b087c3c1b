"""Payment draws whose years straddle the station record's end say which days are observed.

Since f52dc8c a draw runs the years on the record on the observed weather (the same in every draw)
and only the days after the record's end on its own generated weather; the ``--uncertainty`` table
and its ``--json`` said every year of the draws was synthetic.
"""

from __future__ import annotations

from pathlib import Path

from hydro.compensation.agreement import Agreement
from hydro.compensation.uncertainty import _generated_from, format_uncertainty

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = str(ROOT / "configs" / "examples" / "watershed")


def _agreement(tmp_path, period):
    path = tmp_path / "a.toml"
    path.write_text(f'name = "t"\nsource = "t"\nperiod = [{period[0]}, {period[1]}]\npayer = "a"\npayee = "b"\n'
                    '[[tn_reduction]]\nsection = "border"\nparameter = "tn"\nsource = "t"\n'
                    'baseline_mg_per_l = 20.0\nreward_per_mg_per_l_yuan = 1_000_000\nmax_yuan = 1e12\n')
    return Agreement.from_toml(path)


def test_the_first_generated_day_of_the_draws(tmp_path):
    # the example watershed's station record ends 2010-12-31 (its forcing file)
    assert _generated_from(WATERSHED, _agreement(tmp_path, (2003, 2003))) == "2003-01-01"  # wholly on the record
    assert _generated_from(WATERSHED, _agreement(tmp_path, (2010, 2011))) == "2011-01-01"  # straddling it
    assert _generated_from(WATERSHED, _agreement(tmp_path, (2012, 2013))) == "2012-01-01"  # wholly after it


def _table(generated_from):
    weather = {"basin": "watershed", "years": [2010, 2011], "seeds": "1 + member"}
    if generated_from is not None:
        weather["generated_from"] = generated_from
    result = {"propagated": {"weather": weather, "parameters": None, "monitoring_error": None, "prices": None},
              "members": 3, "succeeded": 3, "seed": 1, "failed": {}, "rows": [], "net": []}
    return format_uncertainty(result)


def test_the_table_names_the_observed_days():
    assert "watershed on the observed record to 2010-12-31, then synthetic weather, 2010-2011" in _table("2011-01-01")
    assert "watershed on synthetic weather, 2010-2011" in _table("2010-01-01")
    assert "watershed on synthetic weather, 2010-2011" in _table(None)  # a --json of before this change
