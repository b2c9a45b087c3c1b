"""Run every benchmark and print all their records.

``python benchmarks/run.py [--json] [--quick]`` runs ``transport.py``, ``model.py``,
``ensemble.py`` and ``calibration.py`` (each in its own process, so each measures
warm against its own reference) and prints one list of
``{"name", "value", "unit", "reference", "ratio"}`` records.  ``--quick`` skips
the FiPy comparison and shrinks the ensemble to 20 members.  Each script's progress
goes to stderr as it runs.
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
    parser.add_argument("--quick", action="store_true", help="skip FiPy, 20 ensemble members")
    args = parser.parse_args()
    scripts = [["transport.py"] + (["--skip-fipy"] if args.quick else []), ["model.py"],
               ["ensemble.py"] + (["--members", "20"] if args.quick else []), ["calibration.py"]]
    records = []
    for script in scripts:
        # stdout carries the records; stderr (progress) goes straight to the terminal
        out = subprocess.run([sys.executable, str(HERE / script[0]), *script[1:], "--json"],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        records += json.loads(out)
    emit(records, args.json)


if __name__ == "__main__":
    main()
