"""What a cold ``hydro`` command compiles, kernel by kernel (used by ``startup.py --kernels``).

Run as ``python benchmarks/_kernel_compiles.py OUT.json HYDRO-ARGS...`` with
``NUMBA_CACHE_DIR`` pointing at an empty folder: it runs the command in this
process with a listener on Numba's ``numba:compile`` event and writes, for every
function Numba compiled (hydro's kernels and the Numba implementations they pull
in, such as ``np.empty``), the number of compilations, the signatures its
dispatcher holds at the end, and the compile seconds (wall; inclusive: with the
kernels it calls; exclusive: without them), with the process's CPU seconds.

Two signatures of one kernel are two full compilations: a constant flag passed as
an argument (``Literal[bool]``), read-only against writable or ``A`` against ``C``
arrays, ``int32`` against ``int64`` all cause one.
"""

from __future__ import annotations

import contextlib
import json
import resource
import sys
import time


def _listener(records: list[dict]):
    from numba.core import event

    class Listener(event.Listener):
        """Times each compilation; nesting (a kernel compiling the kernels it calls) is kept."""

        def __init__(self):
            self.stack: list[float] = []

        def on_start(self, ev):
            self.stack.append(time.perf_counter())

        def on_end(self, ev):
            t0 = self.stack.pop()
            disp = ev.data["dispatcher"]
            records.append({"name": f"{disp.py_func.__module__}.{disp.py_func.__qualname__}",
                            "start": t0, "end": time.perf_counter(), "depth": len(self.stack)})

    return Listener()


def summarise(records: list[dict], signatures: dict[str, list[str]]) -> list[dict]:
    """One row per compiled function: compilations, signatures, inclusive and exclusive seconds."""
    rows: dict[str, dict] = {}
    for r in records:
        inner = sum(c["end"] - c["start"] for c in records
                    if c["depth"] == r["depth"] + 1 and r["start"] <= c["start"] and c["end"] <= r["end"])
        row = rows.setdefault(r["name"], {"kernel": r["name"], "compiles": 0, "inclusive_s": 0.0,
                                          "exclusive_s": 0.0, "signatures": signatures.get(r["name"], [])})
        row["compiles"] += 1
        row["inclusive_s"] += r["end"] - r["start"]
        row["exclusive_s"] += r["end"] - r["start"] - inner
    return sorted(rows.values(), key=lambda row: -row["exclusive_s"])


def main() -> None:
    out, args = sys.argv[1], sys.argv[2:]
    records: list[dict] = []
    from numba.core import event

    event.register("numba:compile", _listener(records))
    from hydro.cli import main as hydro_main

    with contextlib.suppress(SystemExit):
        hydro_main(args, prog_name="hydro", standalone_mode=False)
    from numba.core.registry import CPUDispatcher

    import hydro

    signatures = {}
    for module in [m for name, m in list(sys.modules.items()) if name.startswith(hydro.__name__ + ".")]:
        for value in vars(module).values():
            if isinstance(value, CPUDispatcher):
                name = f"{value.py_func.__module__}.{value.py_func.__qualname__}"
                signatures[name] = [str(s) for s in value.signatures]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(out, "w") as f:
        json.dump({"cpu_s": usage.ru_utime + usage.ru_stime,
                   "compile_s": sum(r["end"] - r["start"] for r in records if r["depth"] == 0),
                   "kernels": summarise(records, signatures)}, f, indent=1)


if __name__ == "__main__":
    main()
