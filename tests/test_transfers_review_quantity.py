"""Review of transfers (issue 13): a reservoir as a monitoring point counts its inflow *less the water
transferred straight into it*, so a quantity payment never pays for South-to-North water pumped into
Miyun."""

from __future__ import annotations

import shutil

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


JUNE = [f"2001-06-{d:02d},3.5" for d in range(1, 21)]  # 20 days at 3.5 m3/s: 6.048e6 m3


def test_quantity_at_a_reservoir_never_counts_water_transferred_into_it(tmp_path):
    """A reservoir as a monitoring point: its month's volume is the inflow less the water pumped
    straight into it, so a quantity payment on it never counts South-to-North water. Before, the
    volume was ``reservoir_inflow``: Miyun 2016 counted 7.815e8 m3 (1.38e8 of it South-to-North
    water pumped in), paying 0.2 yuan/m3 on it under the phase-1 price (27.6 M yuan)."""
    from hydro.monitoring import FLOW, read_results

    folder = tmp_path / "ws"
    shutil.copytree(EXAMPLE, folder)
    add_transfer(folder, ["date,flow_m3_s", *JUNE], id="pump", kind="inflow", reservoir="lake", tn_mg_per_l=1.34)
    res = run(Basin.load(folder, overrides=PERIOD))
    path = tmp_path / "r.nc"
    res.to_netcdf(path)
    s = res.coords["reservoir"].index("lake")
    natural = res["reservoir_natural_inflow"][:, s].sum() * 86400
    total = res["reservoir_inflow"][:, s].sum() * 86400
    assert total - natural == pytest.approx(6.048e6, rel=1e-12)
    counted = read_results(path).annual_volume("lake", 2001)
    assert counted == pytest.approx(natural, rel=1e-12)  # sums of the same days in another order
    # June's volume too (the month a quantity rule judges)
    june = [d.month == 6 for d in res.dates]
    monthly = read_results(path).data["lake"][FLOW]
    assert monthly[5] == pytest.approx(res["reservoir_natural_inflow"][june, s].sum() * 86400, rel=1e-12)
    # a file without the natural inflow (cut by --variables) takes the inflow less the transfer
    from hydro.outputspec import OutputSpec, reduce

    keep = [v for v in res.data if v != "reservoir_natural_inflow"]
    cut = tmp_path / "cut.nc"
    reduce(res, OutputSpec(variables=keep)).to_netcdf(cut)
    assert read_results(cut).annual_volume("lake", 2001) == pytest.approx(natural, rel=1e-12)
