"""``hydro run --members`` says what it simulates and what its members start from.

The plain run and ``hydro scenarios`` printed a start line and, for a late start, what the run is spun
up from and which days are observed and which generated; an ensemble printed only its progress bar,
so a plan-period ensemble did not say that its members share the record's observed days.
"""

from click.testing import CliRunner

from hydro.cli import main


def test_an_ensemble_says_its_days_members_and_spin_up(tmp_path):
    out = tmp_path / "e.nc"
    # the example watershed: [run] start 2001-01-01, station record to 2010-12-31
    r = CliRunner().invoke(main, ["run", "watershed", "--start", "2010-07-01", "--end", "2011-06-30",
                                  "--members", "2", "--workers", "1", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "simulating watershed: 2010-07-01 to 2011-06-30 (365 days, 2 members)" in r.output
    assert "spun up from it" in r.output
    assert "observed weather to 2010-12-31 and generated weather from 2011-01-01" in r.output
    quiet = CliRunner().invoke(main, ["run", "watershed", "--start", "2010-07-01", "--end", "2011-06-30",
                                      "--members", "2", "--workers", "1", "-o", str(out), "--overwrite", "-q"])
    # -q hides progress (the start line), not the caveat on what the results start from
    assert quiet.exit_code == 0 and "simulating" not in quiet.output and "spun up from it" in quiet.output
