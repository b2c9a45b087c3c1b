"""Where a run's transport spends its CPU, function by function: Linux ``perf`` on the compiled kernels.

Run ``python benchmarks/profile_kernels.py BASIN [--local-steps basin|auto|true|false] [--repeat N] [--top K]
[--annotate NAME] [--json]``. A child process, with an empty ``NUMBA_CACHE_DIR`` of its own, runs ``hydro run
BASIN`` once to capture its transport call (:func:`_common.transport_call`: the basin's own ``[run]`` settings),
calls the transport once more with the chosen local steps (``basin``, the default: as the run took them) so that
every kernel it uses is compiled in the process, then writes ``/tmp/perf-PID.map`` (:func:`write_perf_map`: each
compiled function's address, size and name, which ``perf`` reads for code outside any file: Numba's JIT code has no
symbols of its own, and a kernel loaded from the disk cache keeps no module to name its functions, hence the empty
cache), attaches ``perf record -F 999`` to itself and calls the transport ``--repeat`` (1) times. The parent then
reads ``perf report`` and prints each function's share of the samples (:func:`shares`: the copies of one kernel
compiled into several libraries added up; a CPython wrapper counted as its kernel; numpy's loops, the interpreter
and the C library as ``other``; the operating system's work, clearing fresh pages above all, by its own symbol,
marked ``[k]``), and the CPU seconds of the profiled calls.

Needs ``perf`` (``linux-tools``) and a ``kernel.perf_event_paranoid`` that lets a process sample itself (2
does); without them it says so and exits 2.  Compiling every kernel in an empty cache takes a few minutes.
The shares are what the docs' profiles cite (docs/solver.md, *Where a 10,000-reach year's transport goes on a
guest with slow fresh memory* and *Where the local steps' time goes, by function*), e.g. for issue 16's
at_a_station year built by ``benchmarks/scaling.py``'s builder::

    python benchmarks/profile_kernels.py /tmp/b10000/basin.toml --top 12

A share is of the samples of the profiled calls only (not of the capture or the compile); its reference in
``--json`` is 100 % (the ratio the share as a fraction).

``--annotate NAME`` (a function as the records name it: ``disperse``, ``lts_update``) also prints, on standard
error, where in that function the samples fell: the child keeps a copy of the function's machine code (each
compiled copy of it), ``objdump`` disassembles it at its address, and the hottest instructions are listed with
their neighbours (:func:`hot_blocks`), each with its samples, so that a vectorised pass (``vmulpd ...
%zmm``), a scalar loop or a gather can be told apart (as docs/solver.md read the local steps' passes).  Needs
``objdump`` (binutils) too; e.g. Miyun's ``disperse`` spent about three quarters of its samples in its two
vectorised stencil passes (3 December 2026)::

    python benchmarks/profile_kernels.py miyun --annotate disperse
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, record

#: The local steps the profiled calls take: as the captured run took them, "auto", or forced.
LOCAL_STEPS = ("basin", "auto", "true", "false")

_REPORT_LINE = re.compile(r"^\s*([0-9.]+)%\s+\[(.)\]\s+(\S+)")


def symbol_name(symbol: str) -> str:
    """A readable name for a ``perf`` symbol: Numba's Itanium-style mangled names (``_ZN5hydro18_transport_
    kernels10lts_updateB4v211...``) as their dotted path (``hydro._transport_kernels.lts_update``; a CPython
    wrapper, ``_ZN7cpython...``, as the kernel it wraps), anything else as it is."""
    if not symbol.startswith("_ZN"):
        return symbol
    parts, i = [], 3
    while i < len(symbol) and symbol[i].isdigit():
        j = i
        while j < len(symbol) and symbol[j].isdigit():
            j += 1
        n = int(symbol[i:j])
        parts.append(symbol[j:j + n])
        i = j + n
    if parts and parts[0] == "cpython":
        parts = parts[1:]
    return ".".join(parts) if parts else symbol


def shares(report: str) -> dict[str, float]:
    """Each function's share of the samples (%) from ``perf report --no-children --sort sym --stdio -g none``:
    hydro's functions by name (their copies added up), the operating system's symbols marked ``[k]``, and
    everything else in user space (numpy, the interpreter, the C library, Numba's runtime) as ``other``;
    largest first."""
    out: dict[str, float] = defaultdict(float)
    for line in report.splitlines():
        m = _REPORT_LINE.match(line)
        if not m:
            continue
        share, where, symbol = float(m.group(1)), m.group(2), m.group(3)
        name = symbol_name(symbol)
        if where == "k":
            out[f"[k] {name}"] += share
        elif name.startswith("hydro."):
            out[name] += share
        else:
            out["other"] += share
    return dict(sorted(out.items(), key=lambda item: -item[1]))


def record_name(name: str) -> str:
    """A function's name in a record: the solver's kernels by their own name, hydro's other modules' with their
    module (``_routing_kernels.route_reach_day``), the operating system's as ``kernel_SYMBOL``."""
    if name.startswith("[k] "):
        return "kernel_" + name[4:]
    return name.removeprefix("hydro.").removeprefix("_transport_kernels.")


def write_perf_map(path: Path) -> int:
    """Write ``perf``'s map of JIT code (``START SIZE NAME`` in hex, one function a line) for every function
    of every Numba code library alive in this process that kept its module (compiled here, not loaded from
    the disk cache); a function's size is the distance to the next one (at most 4 MB: else 64 kB, the last
    of a block of memory).  Returns the number of functions."""
    import gc

    from numba.core.codegen import CPUCodeLibrary

    entries = set()
    for lib in (obj for obj in gc.get_objects() if isinstance(obj, CPUCodeLibrary)):
        module = getattr(lib, "_final_module", None)
        if module is None:
            continue
        for fn in module.functions:
            if fn.is_declaration:
                continue
            try:
                address = lib._codegen._engine.get_function_address(fn.name)
            except Exception:
                continue
            if address:
                entries.add((address, fn.name))
    ordered = sorted(entries)
    with open(path, "w") as f:
        for k, (address, name) in enumerate(ordered):
            gap = ordered[k + 1][0] - address if k + 1 < len(ordered) else 1 << 30
            f.write(f"{address:x} {gap if gap < 1 << 22 else 1 << 16:x} {name}\n")
    return len(ordered)


def child_basin(basin: str) -> str:
    """``basin`` as the child is given it: a folder or file made absolute, a shipped basin's name (``miyun``) as it
    is (resolved, a name would become a path in the current folder that does not exist)."""
    path = Path(basin)
    return str(path.resolve()) if path.exists() else basin


def dump_code(perf_map: Path, name: str, folder: Path) -> int:
    """Copy the machine code of every function of ``perf_map`` (:func:`write_perf_map`'s) that the records
    name ``name`` into ``folder`` (a file ``START.bin`` each, ``START`` its address in hex); the number copied."""
    import ctypes

    n = 0
    for line in perf_map.read_text().splitlines():
        start, size, symbol = line.split(" ", 2)
        if record_name(symbol_name(symbol)) == name:
            (folder / f"{start}.bin").write_bytes(ctypes.string_at(int(start, 16), int(size, 16)))
            n += 1
    return n


def child(basin: str, data: str, local_steps: str, repeat: int, annotate: str = "") -> None:
    """Capture, compile, map, then profile ``repeat`` transport calls under ``perf record``; print a JSON line.
    ``annotate``: a function whose code is copied next to ``data`` (:func:`dump_code`), if not empty."""
    from _common import transport_call

    from hydro.cli import _small_pages
    from hydro.transport_args import LocalSteps

    with tempfile.TemporaryDirectory() as tmp:
        network, tracers, inputs, kw = transport_call(basin, str(Path(tmp) / "out.nc"), None)
    steps = {"auto": "auto", "true": LocalSteps(), "false": None}.get(local_steps, kw.get("local_steps"))
    kw = {key: value for key, value in kw.items() if key != "local_steps"}
    # memory mapped as `hydro run` maps it: NumPy's huge-page advice off (hydro.cli._small_pages), so that the
    # system's page clearing is what a run pays (issue 16's at_a_station year: 8.2 % of the samples, 9.7 % with
    # the advice on, 3 December 2026)
    with _small_pages():
        cpu, n_functions, result = _profiled(network, tracers, inputs, steps, kw, data, annotate, repeat)
    print(json.dumps({"pid": os.getpid(), "cpu": cpu, "functions": n_functions,
                      "local_steps": bool(result.local_steps)}))


def _profiled(network, tracers, inputs, steps, kw: dict, data: str, annotate: str, repeat: int) -> tuple:
    """:func:`child`'s compile, map and ``repeat`` calls under ``perf record`` (into ``data``): the calls' CPU
    seconds, the functions mapped and the last call's result."""
    import hydro.transport

    hydro.transport.simulate(network, tracers, inputs, local_steps=steps, **kw)  # every kernel it uses, compiled
    perf_map = Path(f"/tmp/perf-{os.getpid()}.map")  # (where perf looks for it)
    n_functions = write_perf_map(perf_map)
    if annotate:
        dump_code(perf_map, annotate, Path(data).parent)
    perf = subprocess.Popen(["perf", "record", "-F", "999", "-p", str(os.getpid()), "-o", data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # (perf attaches)
    c0 = time.process_time()
    for _ in range(repeat):
        result = hydro.transport.simulate(network, tracers, inputs, local_steps=steps, **kw)
    cpu = time.process_time() - c0
    perf.send_signal(signal.SIGINT)
    perf.wait()
    return cpu, n_functions, result


def objdump_listing(code: bytes, start: int) -> list[tuple[int, str]]:
    """``code`` loaded at address ``start`` disassembled by ``objdump`` (x86-64): ``(address, instruction)``
    for each instruction, its bytes left out."""
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(code)
        f.flush()
        text = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", f"--adjust-vma={start:#x}", f.name],
                              capture_output=True, text=True, check=True).stdout
    out = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0].strip().endswith(":"):  # "  addr:", bytes, instruction
            out.append((int(parts[0].strip()[:-1], 16), parts[2].strip()))
    return out


def hot_blocks(samples: dict[int, int], listing: list[tuple[int, str]], top: int = 12,
               around: int = 3) -> list[list[tuple[int, int, str]]]:
    """The ``top`` instructions of ``listing`` (``(address, instruction)`` in order) with the most ``samples``
    (address: count), each with ``around`` instructions either side, neighbours merged into one block:
    blocks of ``(address, samples, instruction)`` in address order."""
    counts = [samples.get(address, 0) for address, _ in listing]
    hottest = sorted((i for i, c in enumerate(counts) if c), key=lambda i: -counts[i])[:top]
    keep = sorted({j for i in hottest for j in range(max(0, i - around), min(len(listing), i + around + 1))})
    blocks: list[list[tuple[int, int, str]]] = []
    for n, j in enumerate(keep):
        if n == 0 or j != keep[n - 1] + 1:
            blocks.append([])
        blocks[-1].append((listing[j][0], counts[j], listing[j][1]))
    return blocks


def annotate(data: Path, name: str, top: int = 12) -> None:
    """Print where the samples of ``data`` fell in each copy of function ``name`` whose code the child kept
    next to it (:func:`dump_code`): its share of all samples, then :func:`hot_blocks`."""
    text = subprocess.run(["perf", "script", "-i", str(data), "-F", "ip"], capture_output=True, text=True).stdout
    samples: dict[int, int] = defaultdict(int)
    for word in text.split():
        samples[int(word, 16)] += 1
    total = max(1, sum(samples.values()))
    copies = sorted(data.parent.glob("*.bin"))
    if not copies:
        print(f"profile_kernels: no compiled function is named {name!r} (see the records' names)", file=sys.stderr)
    for path in copies:
        code = path.read_bytes()
        start = int(path.stem, 16)
        inside = {a: c for a, c in samples.items() if start <= a < start + len(code)}
        print(f"\n{name} at {start:#x}: {100.0 * sum(inside.values()) / total:.1f} % of the samples", file=sys.stderr)
        for block in hot_blocks(inside, objdump_listing(code, start), top):
            print("   ...", file=sys.stderr)
            for address, count, instruction in block:
                print(f"{count:8d}  +{address - start:#06x}  {instruction}", file=sys.stderr)


def main() -> None:
    if len(sys.argv) == 7 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("basin", help="the basin whose transport is profiled: a shipped basin's name, a folder or a "
                                      "basin file")
    parser.add_argument("--local-steps", choices=LOCAL_STEPS, default="basin",
                        help="the profiled calls' local steps (default: as the basin's run took them)")
    parser.add_argument("--repeat", type=int, default=1, help="transport calls profiled (default 1)")
    parser.add_argument("--top", type=int, default=15, help="functions printed (default 15)")
    parser.add_argument("--annotate", metavar="NAME", default="",
                        help="also list the hottest instructions of this function (as the records name it, e.g. "
                             "disperse) on standard error; needs objdump")
    parser.add_argument("--json", action="store_true", help="print JSON records")
    args = parser.parse_args()
    if args.annotate and shutil.which("objdump") is None:
        print("profile_kernels: --annotate needs `objdump` (binutils); nothing profiled", file=sys.stderr)
        sys.exit(2)
    if shutil.which("perf") is None:
        print("profile_kernels: `perf` is not installed (Debian/Ubuntu: linux-tools-common and the kernel's "
              "linux-tools); nothing profiled", file=sys.stderr)
        sys.exit(2)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "perf.data"
        env = dict(os.environ, NUMBA_CACHE_DIR=str(Path(tmp) / "numba_cache"))
        done = subprocess.run([sys.executable, __file__, "--child", child_basin(args.basin), str(data),
                               args.local_steps, str(args.repeat), args.annotate], env=env, capture_output=True,
                              text=True)
        if done.returncode:
            print(f"profile_kernels: the profiled run failed (exit {done.returncode})\n{done.stderr[-2000:]}",
                  file=sys.stderr)
            sys.exit(2)
        if not data.exists():
            print("profile_kernels: perf recorded nothing; it may not be allowed to sample this process (see "
                  f"/proc/sys/kernel/perf_event_paranoid)\n{done.stderr[-2000:]}", file=sys.stderr)
            sys.exit(2)
        found = json.loads(done.stdout.strip().splitlines()[-1])
        report = subprocess.run(["perf", "report", "-i", str(data), "--no-children", "--sort", "sym", "--stdio",
                                 "-g", "none"], capture_output=True, text=True).stdout
        Path(f"/tmp/perf-{found['pid']}.map").unlink(missing_ok=True)
        if args.annotate:
            annotate(data, args.annotate)
    by_function = shares(report)
    records = [record("profile_transport_cpu_seconds", found["cpu"], "s", None, None)]
    for name, share in list(by_function.items())[:args.top]:
        records.append(record(f"profile_share_{record_name(name)}", share, "%", 100.0, share / 100.0))
    if not args.json:
        print(f"{args.repeat} transport call(s), {found['cpu']:.2f} s CPU, local steps: {found['local_steps']}, "
              f"{found['functions']} compiled functions mapped")
    emit(records, args.json)


if __name__ == "__main__":
    main()
