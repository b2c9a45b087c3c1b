"""A reach its withdrawals dry: the run stops on the first dry day, naming the reach, the day and
the water taken, and says to withdraw less.

The transport needs flow at every reach outlet; a ``max_share`` of 1 with a large request takes
all of a reach's water (in either routing; a ``loss_share`` of 1 is refused when the basin loads).
The message used to suggest only adding inflow or an ecological release upstream, which does not
help where the reach's own withdrawal dries it.
"""

from __future__ import annotations

import shutil

import pytest

from hydro.basin import ROOT, Basin
from hydro.errors import HydroError
from hydro.simulation import run

EXAMPLE = ROOT / "configs" / "examples" / "watershed"


@pytest.mark.parametrize("routing", ["muskingum-cunge", "accumulate"])
def test_a_reach_its_withdrawal_dries_stops_the_run_with_the_withdrawal_named(tmp_path, routing):
    folder = tmp_path / "ws"
    shutil.copytree(EXAMPLE, folder)
    path = folder / "basin.toml"
    path.write_text(path.read_text(encoding="utf-8")
                    + '\n[[withdrawals]]\nid = "all"\nreach = "west_upper"\nflow_m3_s = 1000.0\nmax_share = 1.0\n',
                    encoding="utf-8")
    basin = Basin.load(path, overrides=["run.end=2001-01-31", f'run.routing="{routing}"'])
    with pytest.raises(HydroError, match=r"reach 'west_upper' has no flow at its outlet on 2001-01-01 \(0 m3/s\) "
                       r"after [0-9.]+ m3/s was withdrawn from it that day; every reach needs flow > 0: "
                       r"withdraw less \(\[\[withdrawals\]\] loss_share or max_share below 1"):
        run(basin)
