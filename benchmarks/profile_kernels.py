"""Where a run's transport spends its CPU, function by function: Linux ``perf`` on the compiled kernels.

Run ``python benchmarks/profile_kernels.py BASIN [--local-steps basin|auto|true|false] [--repeat N] [--top K]
[--json]``.  A child process, with an empty ``NUMBA_CACHE_DIR`` of its own, runs ``hydro run BASIN`` once to
capture its transport call (:func:`_common.transport_call`: the basin's own ``[run]`` settings), calls the
transport once more with the chosen local steps (``basin``, the default: as the run took them) so that every
kernel it uses is compiled in the process, then writes ``/tmp/perf-PID.map`` (:func:`write_perf_map`: each
compiled function's address, size and name, which ``perf`` reads for code outside any file: Numba's JIT code
has no symbols of its own, and a kernel loaded from the disk cache keeps no module to name its functions, hence
the empty cache), attaches ``perf record -F 999`` to itself and calls the transport ``--repeat`` (1) times.
The parent then reads ``perf report`` and prints each function's share of the samples (:func:`shares`: the
copies of one kernel compiled into several libraries added up; a CPython wrapper counted as its kernel;
numpy's loops, the interpreter and the C library as ``other``; the operating system's work, clearing fresh
pages above all, by its own symbol, marked ``[k]``), and the CPU seconds of the profiled calls.

Needs ``perf`` (``linux-tools``) and a ``kernel.perf_event_paranoid`` that lets a process sample itself (2
does); without them it says so and exits 2.  Compiling every kernel in an empty cache takes a few minutes.
The shares are what the docs' profiles cite (docs/solver.md, *Where a 10,000-reach year's transport goes on a
guest with slow fresh memory* and *Where the local steps' time goes, by function*), e.g. for issue 16's
at_a_station year built by ``benchmarks/scaling.py``'s builder::

    python benchmarks/profile_kernels.py /tmp/b10000/basin.toml --top 12

A share is of the samples of the profiled calls only (not of the capture or the compile); its reference in
``--json`` is 100 % (the ratio the share as a fraction).
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


def child(basin: str, data: str, local_steps: str, repeat: int) -> None:
    """Capture, compile, map, then profile ``repeat`` transport calls under ``perf record``; print a JSON line."""
    from _common import transport_call

    import hydro.transport
    from hydro.transport_args import LocalSteps

    with tempfile.TemporaryDirectory() as tmp:
        network, tracers, inputs, kw = transport_call(basin, str(Path(tmp) / "out.nc"), None)
    steps = {"auto": "auto", "true": LocalSteps(), "false": None}.get(local_steps, kw.get("local_steps"))
    kw = {key: value for key, value in kw.items() if key != "local_steps"}
    hydro.transport.simulate(network, tracers, inputs, local_steps=steps, **kw)  # every kernel it uses, compiled
    n_functions = write_perf_map(Path(f"/tmp/perf-{os.getpid()}.map"))
    perf = subprocess.Popen(["perf", "record", "-F", "999", "-p", str(os.getpid()), "-o", data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # (perf attaches)
    c0 = time.process_time()
    for _ in range(repeat):
        result = hydro.transport.simulate(network, tracers, inputs, local_steps=steps, **kw)
    cpu = time.process_time() - c0
    perf.send_signal(signal.SIGINT)
    perf.wait()
    print(json.dumps({"pid": os.getpid(), "cpu": cpu, "functions": n_functions,
                      "local_steps": bool(result.local_steps)}))


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("basin", help="the basin whose transport is profiled: a shipped basin's name, a folder or a "
                                      "basin file")
    parser.add_argument("--local-steps", choices=LOCAL_STEPS, default="basin",
                        help="the profiled calls' local steps (default: as the basin's run took them)")
    parser.add_argument("--repeat", type=int, default=1, help="transport calls profiled (default 1)")
    parser.add_argument("--top", type=int, default=15, help="functions printed (default 15)")
    parser.add_argument("--json", action="store_true", help="print JSON records")
    args = parser.parse_args()
    if shutil.which("perf") is None:
        print("profile_kernels: `perf` is not installed (Debian/Ubuntu: linux-tools-common and the kernel's "
              "linux-tools); nothing profiled", file=sys.stderr)
        sys.exit(2)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "perf.data"
        env = dict(os.environ, NUMBA_CACHE_DIR=str(Path(tmp) / "numba_cache"))
        done = subprocess.run([sys.executable, __file__, "--child", child_basin(args.basin), str(data),
                               args.local_steps, str(args.repeat)], env=env, capture_output=True, text=True)
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
