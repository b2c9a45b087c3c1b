"""Review of ca5c3ad..s43 (a2823ea): a flow-driven reach dried by its negative lateral inflow is now reported through
the withdrawal branch of hydro/transport_checks.py, whose advice names [[withdrawals]] loss_share/max_share and
[[transfers]] abstractions: keys of watershed basins only (docs/basin-file.md), which a flow-driven basin cannot
have.  The branch that spoke of the lateral inflow alone is now unreachable from a basin run.  Fails at s43."""

from __future__ import annotations

from click.testing import CliRunner

from hydro.cli import main


def test_a_flow_driven_basin_is_told_only_what_it_can_change(tmp_path):
    r = CliRunner().invoke(main, ["run", "tiny", "--end", "2020-01-03", "--set",
                                  "forcing.lateral_inflow_m3_s.east=-0.8", "-o", str(tmp_path / "t.nc"), "-q"])
    assert r.exit_code == 2, r.output
    assert "negative [forcing.lateral_inflow_m3_s] closer to 0" in r.output, r.output
    assert "[[withdrawals]]" not in r.output and "[[transfers]]" not in r.output, r.output
