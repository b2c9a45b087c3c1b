"""Reading and checking a network takes time linear in its size.

A 10,000-reach basin used to take minutes to load: the cycle check walked
downstream from every element and searched a list at each step (O(N depth^2)),
and every id lookup scanned the list of ids.  These tests build trees of 2,000
and 20,000 reaches whose depth grows with their size (a main stem with long
tributary chains, the worst case for walking downstream) and compare the work
done for the two sizes, never a wall-clock limit that a slow machine could break:

* a deterministic count of operations on ids: the ids are a ``str`` subclass
  that counts its ``__hash__`` and ``__eq__`` calls, which every dict lookup and
  every list search (``in``, ``index``) makes.  Linear work gives a ratio of 10
  between the sizes, quadratic work about 100; the bound is 12.
* the ratio of times, which also sees work that never touches an id.  Linear
  work gives 10 to 30 here (2,000 reaches fit in the CPU caches, 20,000 do not),
  quadratic work 100 or more; the bound is 40.

The errors (cycles, unknown ids, orphans) are checked against the plain
quadratic algorithm they replace.
"""

from __future__ import annotations

import gc
import random
import time

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.errors import HydroError, suggest
from hydro.network import Network, Reach, Reservoir, Section, topological_order
from hydro.series import daily_dates
from hydro.simulation import read_forcing

SMALL, LARGE = 2_000, 20_000

#: count(LARGE) / count(SMALL) of id operations must stay below this: 10 for linear
#: work, ~100 for quadratic (LARGE / SMALL = 10).
COUNT_RATIO_BOUND = 12.0

#: time(LARGE) / time(SMALL) must stay below this: 10-30 for linear work (cache
#: effects), 100 or more for quadratic.
TIME_RATIO_BOUND = 40.0


class CountingId(str):
    """An id that counts the hash and equality tests made on it (class-wide)."""

    calls = 0

    def __hash__(self):
        CountingId.calls += 1
        return str.__hash__(self)

    def __eq__(self, other):
        CountingId.calls += 1
        return str.__eq__(self, other)

    def __ne__(self, other):
        CountingId.calls += 1
        return str.__ne__(self, other)


def counted(value):
    """``value`` with every id-like string (reach, reservoir, downstream, forcing keys) counting."""
    if isinstance(value, dict):
        return {(CountingId(k) if isinstance(k, str) else k): counted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [counted(v) for v in value]
    if isinstance(value, str):
        return CountingId(value)  # a new object: lookups cannot short-cut on identity
    return value


def operations(func) -> int:
    """Hash and equality tests on :class:`CountingId` made by ``func()``."""
    CountingId.calls = 0
    func()
    return CountingId.calls


def tree(n: int, seed: int = 1) -> dict[str, str | None]:
    """Reach id -> downstream id: a main stem of n/10 reaches and tributary chains up
    to n/20 long joining random reaches, so the mean depth grows in proportion to n."""
    rng = random.Random(seed)
    stem = max(2, n // 10)
    down: dict[str, str | None] = {f"m{i}": (f"m{i + 1}" if i + 1 < stem else None) for i in range(stem)}
    ids = list(down)
    k = 0
    while len(down) < n:
        target = ids[rng.randrange(len(ids))]
        length = min(rng.randint(1, max(1, n // 20)), n - len(down))
        chain = [f"t{k}_{j}" for j in range(length)]
        for j, rid in enumerate(chain):
            down[rid] = target if j == 0 else chain[j - 1]
        ids.extend(chain)
        k += 1
    return down


def reaches(down: dict[str, str | None], ids=str) -> tuple[Reach, ...]:
    """Power-law reaches of a tree; ``ids=CountingId`` makes their ids count operations
    (every downstream id a separate object, as when read from a file)."""
    return tuple(Reach(id=ids(rid), name=rid, length_m=2000.0, downstream=None if d is None else ids(d),
                       velocity_coeff=0.3, velocity_exp=0.3, width_coeff=8.0, width_exp=0.45, n_cells=2)
                 for rid, d in down.items())


def best_time(func, repeats: int) -> float:
    """Shortest of ``repeats`` runs (the least disturbed by the machine), GC off."""
    best = np.inf
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            t0 = time.perf_counter()
            func()
            best = min(best, time.perf_counter() - t0)
    finally:
        if enabled:
            gc.enable()
    return best


def depth_mean(down) -> float:
    order = topological_order(down)
    depth: dict = {}
    for e in reversed(order):
        d = down[e]
        depth[e] = 0 if d is None else depth[d] + 1
    return float(np.mean(list(depth.values())))


# ----------------------------------------------------------------------------- growth
def test_generated_tree_is_deep():
    """The trees are a hard case: the mean depth grows in proportion to the size."""
    small, large = depth_mean(tree(SMALL)), depth_mean(tree(LARGE))
    assert large > 5 * small > 5 * 50


def network_work(n: int, ids=str):
    """Building, checking and laying out a network of ``n`` reaches with sections, and
    looking every reach up by id: a function doing it, and what it built."""
    rs = reaches(tree(n), ids)
    sections = tuple(Section(id=f"s{i}", name="", reach=ids(rs[i * 7].id), position=0.5)
                     for i in range(n // 10))
    lookups = [ids(r.id) for r in rs]
    built = {}

    def work():
        net = Network(rs, sections=sections)
        built["layout"] = net.layout
        built["index"] = [net.reach_index(rid) for rid in lookups]
    return work, built


def test_network_operations_on_ids_grow_linearly():
    small, _ = network_work(SMALL, CountingId)
    large, built = network_work(LARGE, CountingId)
    ops_small, ops_large = operations(small), operations(large)
    assert built["index"] == list(range(LARGE))
    assert ops_large / ops_small < COUNT_RATIO_BOUND, (ops_small, ops_large)
    assert ops_large < 40 * LARGE  # a few dict operations per reach


def test_network_check_layout_and_lookups_time_grows_linearly():
    small, _ = network_work(SMALL)
    large, built = network_work(LARGE)
    t_small = best_time(small, 5)
    t_large = best_time(large, 3)
    lay = built["layout"]
    assert len(lay.order) == LARGE and lay.n_cells == 2 * LARGE
    assert lay.section_cell.shape == (LARGE // 10,)
    assert t_large / t_small < TIME_RATIO_BOUND, (t_small, t_large)


def write_basin(folder, n: int):
    """A flow-driven basin.toml with the tree of ``n`` reaches, a lateral inflow and
    a load on every reach, and a section every 50 reaches."""
    down = tree(n)
    lines = ['[basin]\nname = "scale"\n', '[run]\nstart = 2020-01-01\nend = 2020-01-02\n',
             '[[constituents]]\nname = "tn"\nriver_removal_per_day = 0.05\n']
    for rid, d in down.items():
        lines.append(f'[[reaches]]\nid = "{rid}"\nlength_km = 2.0\n' + (f'downstream = "{d}"\n' if d else "")
                     + "velocity_coeff = 0.3\nvelocity_exp = 0.3\nwidth_coeff = 8.0\nwidth_exp = 0.45\n")
    for i, rid in enumerate(list(down)[::50]):
        lines.append(f'[[sections]]\nid = "s{i}"\nreach = "{rid}"\n')
    lines.append("[forcing]\n[forcing.lateral_inflow_m3_s]\n" + "".join(f"{r} = 0.1\n" for r in down))
    lines.append("[forcing.lateral_load_kg_per_day.tn]\n" + "".join(f"{r} = 1.0\n" for r in down))
    folder.mkdir()
    (folder / "basin.toml").write_text("\n".join(lines))
    return folder


def load_and_read(folder):
    """Basin.load (reaches, topology), the layout and the forcing read by reach id."""
    def run():
        basin = Basin.load(folder)
        assert basin.network.layout.n_cells > 0
        read_forcing(basin, daily_dates(basin.settings.start, basin.settings.end))
    return run


def test_loading_a_flow_driven_basin_does_linear_work_on_ids(tmp_path, monkeypatch):
    """Every id read from the file counts its hash and equality tests."""
    import hydro.basin_tables

    parse = hydro.basin_tables.load_toml  # what Basin.load reads the file with (load_basin_file)
    monkeypatch.setattr(hydro.basin_tables, "load_toml", lambda path, **kw: counted(parse(path, **kw)))
    ops_small = operations(load_and_read(write_basin(tmp_path / "small", SMALL)))
    ops_large = operations(load_and_read(write_basin(tmp_path / "large", LARGE)))
    assert ops_large / ops_small < COUNT_RATIO_BOUND, (ops_small, ops_large)


def test_loading_a_flow_driven_basin_time_grows_linearly(tmp_path):
    t_small = best_time(load_and_read(write_basin(tmp_path / "small", SMALL)), 3)
    t_large = best_time(load_and_read(write_basin(tmp_path / "large", LARGE)), 1)
    assert t_large / t_small < TIME_RATIO_BOUND, (t_small, t_large)


# ----------------------------------------------------------------------------- same errors
def reference_cycle_error(where: str, down: dict) -> str | None:
    """The message of the quadratic check this module replaced (walk down from every element)."""
    for start in down:
        seen = [start]
        node = down[start]
        while node is not None:
            if node in seen:
                cycle = " -> ".join(seen[seen.index(node):] + [node])
                return (f"{where}: the network has a cycle: {cycle}; "
                        "every element must drain to the outlet")
            seen.append(node)
            node = down[node]
    return None


@pytest.mark.parametrize("seed", range(300))
def test_cycle_messages_are_those_of_the_walk_from_every_element(seed):
    rng = random.Random(seed)
    n = rng.randint(2, 12)
    ids = [f"r{i}" for i in rng.sample(range(100), n)]
    # a random functional graph: every element flows into another one or out
    down = {rid: (None if rng.random() < 0.15 else rng.choice([x for x in ids if x != rid])) for rid in ids}
    expected = reference_cycle_error("<memory>", down)
    outlets = [r for r, d in down.items() if d is None]
    try:
        Network(reaches(down))
    except HydroError as exc:
        message = str(exc)
    else:
        message = None
    if expected is not None:
        assert message == expected
    elif len(outlets) != 1:
        assert message == (f"<memory>: the network must drain to exactly one outlet, found "
                           f"{len(outlets)} elements without 'downstream': {', '.join(outlets)}; "
                           "connect the orphaned ones")
    else:
        assert message is None
        assert len(topological_order(down)) == n


def test_cycle_through_a_reservoir_and_unknown_ids_keep_their_messages():
    res = Reservoir(id="lake", name="lake", downstream="a", level_m=(0.0, 1.0), area_m2=(1.0, 2.0),
                    storage_m3=(0.0, 1.0), full_supply_level_m=1.0, dead_storage_m3=0.0,
                    initial_storage_m3=0.5, target_release_m3_s=(1.0,) * 12, ecological_min_m3_s=0.0)
    rs = reaches({"a": "b", "b": "lake", "out": None})
    with pytest.raises(HydroError, match=r"cycle: a -> b -> lake -> a;"):
        Network(rs, reservoirs=(res,))
    net = Network(reaches(tree(500)))
    assert net.has_reach("m12") and not net.has_reach("m12x") and not net.has_reservoir("m12")
    with pytest.raises(HydroError, match=r"unknown reach 'm12x' \(did you mean 'm12'\?\)"):
        net.reach_index("m12x", "here")
    with pytest.raises(HydroError, match="flows into unknown id 'nowhere'"):
        Network(reaches({**tree(50), "x": "nowhere"}))
    with pytest.raises(HydroError, match=r"section 's' lies on unknown reach 'm1x'.*did you mean 'm1'"):
        Network(reaches(tree(50)), sections=(Section(id="s", name="s", reach="m1x", position=1.0),))
    assert suggest("m12x", ["m12"])  # the suggestion machinery itself is unchanged


def test_layout_order_is_upstream_first_and_matches_kahn():
    down = tree(3000, seed=5)
    net = Network(reaches(down))
    lay = net.layout
    ids = net.reach_ids
    position = {ids[i]: k for k, (_, i) in enumerate(lay.order)}
    assert all(d is None or position[r] < position[d] for r, d in down.items())
    assert [ids[i] for _, i in lay.order] == topological_order(down)
    headwaters = set(down) - {d for d in down.values() if d is not None}
    assert {ids[i] for i in np.flatnonzero(lay.headwater)} == headwaters
