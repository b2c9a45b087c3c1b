"""``benchmarks/profile_kernels.py``'s pieces that need no ``perf``: reading Numba's mangled names, adding up a
report's samples by function, and the map of JIT code that lets ``perf`` name them (no profiling here: it needs
``perf``, and compiling every kernel in an empty cache takes minutes)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numba
import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import profile_kernels  # noqa: E402

UPDATE = "_ZN5hydro18_transport_kernels10lts_updateB4v211B54c8tJTIeFIjxB2IKSgI4CrvQClUaPLCRh1KiFSRTBE5TupleI"


@pytest.mark.parametrize(("symbol", "name"), [
    (UPDATE, "hydro._transport_kernels.lts_update"),
    ("_ZN7cpython5hydro18_transport_kernels15simulate_kernelB4v107B52c8tJTIeFIjx",
     "hydro._transport_kernels.simulate_kernel"),
    ("_ZN5numba4misc9quicksort19make_quicksort_impl12_3clocals_3e9partitionB3v88",
     "numba.misc.quicksort.make_quicksort_impl._3clocals_3e.partition"),
    ("clear_page_erms", "clear_page_erms"),
    ("_ZNfoo", "_ZNfoo"),
])
def test_numba_names_read_as_their_dotted_paths(symbol, name):
    assert profile_kernels.symbol_name(symbol) == name


def test_shares_add_up_a_kernels_copies_and_keep_the_systems_symbols_apart():
    report = f"""# Samples: 23K of event 'cpu-clock:ppp'
#
    36.85%  [.] {UPDATE}
    13.92%  [.] _ZN5hydro18_transport_kernels14lts_accumulateB4v198B54c8tJTIeFIjx
     8.98%  [k] clear_page_erms
     0.60%  [.] {UPDATE.replace('v211', 'v199')}
     0.43%  [.] DOUBLE_add_X86_V3
     0.35%  [.] _PyEval_EvalFrameDefault

"""
    got = profile_kernels.shares(report)
    assert list(got) == ["hydro._transport_kernels.lts_update", "hydro._transport_kernels.lts_accumulate",
                         "[k] clear_page_erms", "other"]
    assert got["hydro._transport_kernels.lts_update"] == pytest.approx(37.45)
    assert got["other"] == pytest.approx(0.78)
    assert [profile_kernels.record_name(name) for name in got] == ["lts_update", "lts_accumulate",
                                                                    "kernel_clear_page_erms", "other"]
    assert profile_kernels.record_name("hydro._routing_kernels.route_reach_day") == "_routing_kernels.route_reach_day"


def test_the_perf_map_names_a_function_compiled_in_the_process(tmp_path):
    @numba.njit(cache=False)
    def profiled_here(x):
        return x.sum() * 2.0

    assert profiled_here(np.ones(3)) == 6.0
    path = tmp_path / "perf.map"
    n = profile_kernels.write_perf_map(path)
    lines = path.read_text().splitlines()
    assert n == len(lines) > 0
    mine = [line for line in lines if "profiled_here" in line]
    assert mine
    start, size, _ = mine[0].split(" ", 2)
    assert int(start, 16) > 0 and 0 < int(size, 16) <= 1 << 22
    starts = [int(line.split()[0], 16) for line in lines]
    assert starts == sorted(starts)  # (perf reads the map in order)


def test_the_child_gets_a_shipped_basins_name_as_it_is_and_a_path_made_absolute(tmp_path, monkeypatch):
    # `profile_kernels.py miyun` once resolved the name into a path of the current folder (/tmp/miyun), which
    # no basin is, and blamed perf for the child's error
    monkeypatch.chdir(tmp_path)
    assert profile_kernels.child_basin("miyun") == "miyun"
    (tmp_path / "basin.toml").write_text("")
    assert profile_kernels.child_basin("basin.toml") == str(tmp_path / "basin.toml")


def test_hot_blocks_list_the_hottest_instructions_with_their_neighbours_merged():
    listing = [(0x100 + 4 * i, f"op{i}") for i in range(40)]
    samples = {0x100 + 4 * 10: 50, 0x100 + 4 * 12: 30, 0x100 + 4 * 30: 20, 0x100 + 4 * 39: 1, 0x999: 7}
    blocks = profile_kernels.hot_blocks(samples, listing, top=3, around=2)
    # 10 and 12 share a block (8-14); 30 its own (28-32); 39, the fourth hottest, is left out; an address outside
    # the listing counts nowhere
    assert [[a for a, _, _ in b] for b in blocks] == [[0x100 + 4 * i for i in range(8, 15)],
                                                      [0x100 + 4 * i for i in range(28, 33)]]
    assert blocks[0][2] == (0x100 + 40, 50, "op10") and blocks[1][2] == (0x100 + 120, 20, "op30")
    assert sum(c for b in blocks for _, c, _ in b) == 100


@pytest.mark.skipif(shutil.which("objdump") is None, reason="needs objdump (binutils)")
def test_objdump_listing_reads_each_instruction_at_its_address():
    code = bytes.fromhex("4883c208" "4939d1" "c3")  # add $0x8,%rdx; cmp %rdx,%r9; ret
    listing = profile_kernels.objdump_listing(code, 0x7F0000001000)
    assert [a for a, _ in listing] == [0x7F0000001000, 0x7F0000001004, 0x7F0000001007]
    assert listing[0][1].startswith("add") and "%rdx" in listing[0][1] and listing[2][1].startswith("ret")


def test_dump_code_copies_the_named_functions_code_at_its_address(tmp_path):
    # the child's copy of a function's machine code (--annotate): every mapped function the records name so,
    # byte for byte from its address (here a buffer of this process standing in for JIT code)
    import ctypes

    buf = ctypes.create_string_buffer(b"\x90\x90\xc3\xcc", 4)
    start = ctypes.addressof(buf)
    perf_map = tmp_path / "perf.map"
    perf_map.write_text(f"{start:x} 4 {UPDATE}\n{start + 1:x} 2 _ZN5hydro18_transport_kernels8disperseB4v1\n")
    assert profile_kernels.dump_code(perf_map, "lts_update", tmp_path) == 1
    assert (tmp_path / f"{start:x}.bin").read_bytes() == b"\x90\x90\xc3\xcc"
