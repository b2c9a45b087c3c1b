"""Review of transfers (issue 13): the run summary says when a reservoir let out less of a release
series than its file asks (the run lets out only what is above dead storage)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.simulation import run

EXAMPLE = ROOT / "configs" / "examples" / "watershed"
PERIOD = ["run.start=2001-01-01", "run.end=2001-12-31", 'run.routing="accumulate"']


def add_transfer(folder, lines, **keys):
    (folder / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = "\n[[transfers]]\ncsv = \"t.csv\"\n" + "".join(
        f'{k} = "{v}"\n' if isinstance(v, str) else f"{k} = {v}\n" for k, v in keys.items())
    (folder / "basin.toml").write_text((folder / "basin.toml").read_text() + table)



def test_summary_says_what_a_reservoir_short_of_water_let_out(tmp_path):
    """A release of 1,000 m3/s through June from a lake of 1.2e8 m3: the run lets out what is above
    dead storage, and the summary, which gave only the 2.592e9 m3 asked, now says so."""
    from hydro.run_summary import run_summary

    folder = tmp_path / "ws"
    shutil.copytree(EXAMPLE, folder)
    add_transfer(folder, ["date,flow_m3_s", *(f"2001-06-{d:02d},1000" for d in range(1, 31))],
                 id="flush", kind="release", reservoir="lake")
    res = run(Basin.load(folder, overrides=PERIOD))
    line = next(x for x in run_summary(res).splitlines() if x.strip().startswith("flush"))
    got = float(res.attrs["transfer_delivered_m3"].split("=")[1])
    assert 0 < got < 0.1 * 2.592e9
    assert "2.592e+09 m3" in line and f"let out {got:.3e} m3" in line and "the reservoir ran short" in line
    # what the summary says was let out is the lake's release in June (the attribute is written to
    # 7 significant digits, '%.6e': rel 1e-6)
    s = res.coords["reservoir"].index("lake")
    june = np.array([d.month == 6 for d in res.dates])
    assert res["reservoir_release"][june, s].sum() * 86400 == pytest.approx(got, rel=1e-6)


def test_summary_says_nothing_more_when_the_release_was_let_out(tmp_path):
    from hydro.run_summary import run_summary

    folder = tmp_path / "ws"
    shutil.copytree(EXAMPLE, folder)
    add_transfer(folder, ["date,flow_m3_s", *(f"2001-06-{d:02d},2" for d in range(1, 11))],
                 id="small", kind="release", reservoir="lake")
    line = next(x for x in run_summary(run(Basin.load(folder, overrides=PERIOD))).splitlines()
                if x.strip().startswith("small"))
    assert "1.728e+06 m3" in line and "let out" not in line


def test_summary_says_how_many_days_a_file_with_gaps_gives(tmp_path):
    """Guanting's release file gives 2007-10-01..2008-03-12 and 2020: the summary said 'file covers
    2007-10-01..2017-02-28 of the run', as if the rule were replaced to the end; it now adds '164 of
    those 3,439 days' (``transfer_days``). Here: 3 + 3 days of June 1-12."""
    from hydro.run_summary import run_summary

    folder = tmp_path / "ws"
    shutil.copytree(EXAMPLE, folder)
    rows = [f"2001-06-{d:02d},2" for d in (1, 2, 3, 10, 11, 12)]
    add_transfer(folder, ["date,flow_m3_s", *rows], id="gappy", kind="release", reservoir="lake")
    add_transfer_file = folder / "t2.csv"
    add_transfer_file.write_text("date,flow_m3_s\n" + "".join(f"2001-07-{d:02d},1\n" for d in range(1, 11)))
    with open(folder / "basin.toml", "a") as f:
        f.write('\n[[transfers]]\nid = "whole"\nkind = "ecological"\nreservoir = "lake"\ncsv = "t2.csv"\n')
    res = run(Basin.load(folder, overrides=PERIOD))
    assert res.attrs["transfer_days"] == "gappy=6;whole=10"
    lines = {x.split()[0]: x for x in run_summary(res).splitlines() if x.startswith("  ") and "file covers" in x}
    assert "file covers 2001-06-01..2001-06-12 of the run, 6 of those 12 days; after 2001-06-12: " in lines["gappy"]
    assert "file covers 2001-07-01..2001-07-10 of the run; after 2001-07-10: " in lines["whole"]  # no gap


def test_summary_says_what_a_reach_abstraction_took(tmp_path):
    """100 m3/s asked from 'main' through June, its only request: the run takes at most max_share
    (0.9) of the reach's water, and the summary, which gave only the 2.592e8 m3 asked, says what
    it took (``transfer_delivered_m3``, the reach's ``reach_withdrawal``)."""
    from hydro.run_summary import run_summary

    folder = tmp_path / "ws"
    shutil.copytree(EXAMPLE, folder)
    add_transfer(folder, ["date,flow_m3_s", *(f"2001-06-{d:02d},100" for d in range(1, 31))],
                 id="intake", kind="abstraction", reach="main")
    res = run(Basin.load(folder, overrides=PERIOD))
    took = res["reach_withdrawal"][:, res.coords["reach"].index("main")].sum() * 86400
    assert 0 < took < 0.1 * 2.592e8
    # the attribute is written to 7 significant digits ('%.6e')
    assert float(res.attrs["transfer_delivered_m3"].split("=")[1]) == pytest.approx(took, rel=1e-6)
    line = next(x for x in run_summary(res).splitlines() if x.strip().startswith("intake"))
    assert "2.592e+08 m3" in line and f"took {took:.3e} m3" in line and "at most max_share" in line


def test_a_reach_abstraction_beside_a_withdrawal_is_not_given_a_take(tmp_path):
    """Where a [[withdrawals]] table takes from the same reach, reach_withdrawal holds both: no
    volume is given for the abstraction alone (the summary keeps the volume asked)."""
    folder = tmp_path / "ws"
    shutil.copytree(EXAMPLE, folder)
    with open(folder / "basin.toml", "a") as f:
        f.write('\n[[withdrawals]]\nid = "canal"\nreach = "main"\nflow_m3_s = 0.5\n')
    add_transfer(folder, ["date,flow_m3_s", *(f"2001-06-{d:02d},100" for d in range(1, 31))],
                 id="intake", kind="abstraction", reach="main")
    res = run(Basin.load(folder, overrides=PERIOD))
    assert "intake" not in res.attrs.get("transfer_delivered_m3", "")
