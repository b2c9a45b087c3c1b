"""Review of ca5c3ad..s43: a tie between two main tributaries goes to the *lower reach id* (chain_layout's and
reach_chains' docstrings, tests/test_whole_model_review_2026_12_05.py's docstring), whatever the order of the
[[reaches]] tables.  The shipped test swaps two tables only (a transposition is its own inverse, so ranks and
argsort agree) and checks order-independence only (ties to the *highest* id are order-free too): mutants LAY1
(one argsort: the sorted order instead of each reach's place in it) and LAY2 (ties to the highest id) survived."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from hydro.basin import Basin


def _y(folder: Path, order: str) -> Path:
    folder.mkdir(parents=True)

    def reach(rid, km, down, cells):
        return (f'[[reaches]]\nid = "{rid}"\nlength_km = {km}\n' + (f'downstream = "{down}"\n' if down else "")
                + f"cells = {cells}\nvelocity_coeff = 0.3\nvelocity_exp = 0.3\nwidth_coeff = 8.0\nwidth_exp = 0.4\n")

    r = {"a": reach("a", 6.0, "c", 3), "b": reach("b", 4.0, "c", 3), "c": reach("c", 8.0, None, 4)}
    (folder / "basin.toml").write_text(
        '[basin]\nname = "y"\ndescription = "Y junction"\n[run]\nstart = 2020-01-01\nend = 2020-01-05\n'
        '[[constituents]]\nname = "tn"\nlong_name = "total nitrogen"\nriver_removal_per_day = 0.0\n\n'
        + "\n".join(r[k] for k in order)
        + '\n[forcing]\n[forcing.lateral_inflow_m3_s]\nc = 0.1\n'
        '[[forcing.inflows]]\nat = "a"\nflow_m3_s = 1.0\ntn_mg_per_l = 1.0\n'
        '[[forcing.inflows]]\nat = "b"\nflow_m3_s = 1.0\ntn_mg_per_l = 5.0\n'
        "[initial]\ntn_mg_per_l = 3.0\n", encoding="utf-8")
    return folder / "basin.toml"


ORDERS = ["".join(p) for p in itertools.permutations("abc")]


@pytest.mark.parametrize("order", ORDERS)
def test_reach_rank_is_each_reachs_place_among_the_sorted_ids(tmp_path, order):
    net = Basin.load(_y(tmp_path / order, order)).network
    rank = dict(zip(net.reach_ids, net.layout.reach_rank.tolist(), strict=True))
    assert rank == {"a": 0, "b": 1, "c": 2}


@pytest.mark.parametrize("order", ORDERS)
def test_the_tie_goes_to_the_lower_id_in_reach_chains(tmp_path, order):
    from hydro.local_steps_auto import reach_chains

    net = Basin.load(_y(tmp_path / order, order)).network
    chain = dict(zip(net.reach_ids, reach_chains(net).tolist(), strict=True))
    assert chain["a"] == chain["c"] != chain["b"], (order, chain)


@pytest.mark.parametrize("order", ["cab", "bca"])
def test_the_tie_goes_to_the_lower_id_in_the_solvers_layout(tmp_path, order):
    from hydro._transport_kernels import chain_layout

    net = Basin.load(_y(tmp_path / order, order)).network
    lay = net.layout
    main_up = chain_layout(lay.reach_cell_start, lay.reach_down_kind, lay.reach_down_index,
                           np.zeros(len(net.reaches), dtype=np.bool_), lay.reach_rank)[0]
    ids = list(net.reach_ids)
    assert ids[main_up[ids.index("c")]] == "a"
