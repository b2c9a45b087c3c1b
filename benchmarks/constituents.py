"""Cost of each constituent beside TN (issue 14), and the whole Miyun run 2000-2017.

Run ``python benchmarks/constituents.py [--json] [--start 2000-01-01]``.  The shipped
Miyun basin is run warm from ``--start`` to its end with: TN alone (one constituent,
by source, as before issue 14); TN as organic N, NH3-N and nitrate with reactions;
that plus TP (dissolved and particulate); that plus CODMn (the shipped basin).  Each
record is a run's wall time, its reference the TN-alone run measured in the same
process; ``added_constituent_cost`` is the cost of each constituent added to TN as a
ratio to TN alone (the issue's aim: <= 1.5 each).  ``miyun_run_seconds`` is the
shipped basin against the 3 s goal of issue 14 (only for a run from the basin's start; from a later
``--start`` it is ``miyun_run_seconds_from_<start>``, without the goal).  The four variants are
timed interleaved (one run of each per round, the best of ``--repeat`` rounds kept), so a
machine's changing load weighs on all of them alike.  The runs are ``run_watershed`` alone: no
results file is written (``hydro run`` adds the writing and the start-up; ``benchmarks/startup.py``
times that).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, interleaved_best, record

from hydro.basin import Basin
from hydro.pipeline import run_watershed
from hydro.resources import basins_dir

GOAL_SECONDS = 3.0


def variants(path: Path) -> dict[str, Basin]:
    """The basin with TN alone, TN by species, + TP, + CODMn (as shipped)."""
    raw = tomllib.loads(path.read_text())
    constituents = {c["name"]: c for c in raw["constituents"]}
    tn = constituents["tn"]
    tn_alone = {"name": "tn", "long_name": tn.get("long_name", "tn"),
                **{k: v for k, v in tn["species"][-1].items() if k not in ("name", "long_name")}}
    initial = raw.get("initial", {})
    out = {}
    for label, kept in (("tn_alone", [tn_alone]), ("tn_species", [tn]),
                        ("tn_tp", [tn, constituents["tp"]]),
                        ("tn_tp_codmn", [tn, constituents["tp"], constituents["codmn"]])):
        data = copy.deepcopy(raw)
        data["constituents"] = copy.deepcopy(kept)
        if label == "tn_alone":  # one initial TN: the sum of the species'
            data["initial"] = _tn_initial(initial)
        else:  # the initial values of the species carried
            data["initial"] = _only(initial, [sp["name"] for c in kept for sp in c.get("species", [c])])
        out[label] = Basin.from_data(data, path, sha256=label)
    return out


def _only(initial: dict, names: list[str]) -> dict:
    """``[initial]`` with the keys of ``names`` only (rivers and each reservoir)."""
    def keep(table: dict) -> dict:
        return {k: v for k, v in table.items() if k.removesuffix("_mg_per_l") in names}
    return {**keep(initial), "reservoirs": {rid: keep(t) for rid, t in initial.get("reservoirs", {}).items()}}


def _tn_initial(initial: dict) -> dict:
    """``[initial]`` of TN alone: each place's TN the sum of its N species."""
    def tn(table: dict) -> dict:
        return {"tn_mg_per_l": sum(table.get(f"{s}_mg_per_l", 0.0) for s in ("orgn", "nh3n", "no3n"))}
    return {**tn(initial), "reservoirs": {rid: tn(t) for rid, t in initial.get("reservoirs", {}).items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON records")
    parser.add_argument("--start", default="2000-01-01", help="first day of the runs (default 2000-01-01)")
    parser.add_argument("--repeat", type=int, default=2, help="warm runs of each variant (the fastest is kept)")
    args = parser.parse_args()
    start = dt.date.fromisoformat(args.start)
    basins = variants(basins_dir() / "miyun" / "basin.toml")
    print(f"timing {', '.join(basins)}, interleaved, best of {args.repeat} ...", file=sys.stderr)
    seconds = interleaved_best({label: (lambda b=basin: run_watershed(b, start, b.settings.end))
                                for label, basin in basins.items()}, args.repeat)
    emit(constituent_records(seconds, start, basins["tn_tp_codmn"].settings.start), args.json)


def constituent_records(seconds: dict[str, float], start: dt.date, basin_start: dt.date) -> list[dict]:
    """The records of the four variants' ``seconds``, run from ``start``.  ``miyun_run_seconds``
    is set against issue 14's 3 s only for a run from the basin's own start (2000-2017): a shorter
    run (``run.py --quick`` starts in 2013) is ``miyun_run_seconds_from_<start>``, no reference."""
    base = seconds["tn_alone"]
    records = [record(f"{label}_seconds", s, "s", base, s / base) for label, s in seconds.items()]
    added = [seconds["tn_species"] - base, seconds["tn_tp"] - seconds["tn_species"],
             seconds["tn_tp_codmn"] - seconds["tn_tp"]]
    for name, extra in zip(("species_of_tn", "tp", "codmn"), added, strict=True):
        records.append(record(f"added_constituent_cost_{name}", extra / base, "1", 1.5, extra / base / 1.5))
    whole = seconds["tn_tp_codmn"]
    if start <= basin_start:
        records.append(record("miyun_run_seconds", whole, "s", GOAL_SECONDS, whole / GOAL_SECONDS))
    else:
        records.append(record(f"miyun_run_seconds_from_{start.isoformat()}", whole, "s", None, None))
    return records


if __name__ == "__main__":
    main()
