"""Run every benchmark and print all their records.

``python benchmarks/run.py [--json] [--quick] [--large]`` runs ``transport.py``,
``model.py``, ``constituents.py``, ``ensemble.py``, ``calibration.py``, ``startup.py`` and ``scaling.py``
(each in its own process, so each measures warm against its own reference) and prints
one list of ``{"name", "value", "unit", "reference", "ratio"}`` records, ``ratio`` always
``value / reference``.  A record with ``reference`` and ``ratio`` null is itself a reference
measured in the run (``lumped_model_ms``, ``miyun_evaluations_per_second_1_worker``: the bases of
the ratios after them) or a quantity kept for context with no target to hold it against (peak
memory of an ensemble's processes, the upwind stencil's rate).  ``--quick``
skips the FiPy comparison, runs the constituents from 2013 only, shrinks the ensemble to 20 members, leaves out the cold
(empty kernel cache) start and runs only the 100- and 1,000-reach scaling cases;
``--large`` adds the 1,000 x 10 and 10,000 x 1 scaling cases (minutes); the scaling basins are
``scaling.py``'s default, physical velocities (``scaling.py --hydraulics both`` reports issue 16's
basins beside them), with their ``[run]`` defaults (``dispersion_every = "auto"``: every 7 from 2,000
reaches up).  ``scaling.py`` runs twice: on the generator's long chains (its default ``chain3`` tree) and
on a river network's tree (``--shape hack``, records suffixed ``_hack``; 100 x 1 and 1,000 x 1, with
``--large`` also 1,000 x 10 and 10,000 x 1).  Each script's
progress goes to stderr as it runs.

A script that fails (a crash, an out-of-memory kill, a missing optional peer) does not lose the
others' records: it is named on stderr (``benchmark model.py failed (exit 1)``), the others run and
every record measured is printed; the exit status is then 1.  A script whose output is not a JSON
list of records (objects with at least ``name`` and ``value``) counts as failed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON records")
    parser.add_argument("--quick", action="store_true",
                        help="skip FiPy, 20 ensemble members, no cold start, small scaling cases")
    parser.add_argument("--large", action="store_true", help="add the largest scaling cases (10,000 reaches)")
    args = parser.parse_args()
    scaling = (["--cases", "100:1,1000:1"] if args.quick else []) + (["--large"] if args.large else [])
    scripts = [["transport.py"] + (["--skip-fipy"] if args.quick else []), ["model.py"],
               ["constituents.py"] + (["--start", "2013-03-01", "--repeat", "1"] if args.quick else []),
               ["ensemble.py"] + (["--members", "20"] if args.quick else []), ["calibration.py"],
               ["startup.py"] + (["--skip-cold", "--repeat", "3"] if args.quick else []),
               ["scaling.py"] + scaling,
               ["scaling.py", "--shape", "hack", "--cases", "100:1,1000:1"] + (["--large"] if args.large else [])]
    records, failed = [], []
    for script in scripts:
        got, why = run_script(script)
        records += got
        if why:
            failed.append(" ".join(script))  # scaling.py runs twice: its options tell which failed
            print(f"benchmark {' '.join(script)} failed ({why}); the other benchmarks go on", file=sys.stderr)
    emit(records, args.json)
    if failed:
        print(f"{len(failed)} benchmark(s) failed: {', '.join(failed)}; the records above are the others'",
              file=sys.stderr)
        sys.exit(1)


def run_script(script: list[str]) -> tuple[list, str]:
    """Run one benchmark script (its name and options) with ``--json``: its records, and why it failed
    (``""``: it did not).  stdout carries the records; stderr (progress) goes straight to the terminal."""
    proc = subprocess.run([sys.executable, str(HERE / script[0]), *script[1:], "--json"],
                          stdout=subprocess.PIPE, text=True)
    if proc.returncode < 0:  # an out-of-memory kill, say
        return [], f"killed by signal {-proc.returncode}"
    if proc.returncode != 0:
        return [], f"exit {proc.returncode}"
    try:
        records = json.loads(proc.stdout)
    except ValueError:
        return [], "its output is not JSON"
    if not isinstance(records, list) or not all(isinstance(r, dict) and {"name", "value"} <= r.keys()
                                                    for r in records):
        return [], "its output is not a list of records"
    return records, ""


if __name__ == "__main__":
    main()
