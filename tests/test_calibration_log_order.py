"""The calibration log is the same whatever order the evaluations finish in.

Review of 2026-12-05 (F8): ``id`` was given in the order evaluations *finished*, so the log of one
run (same seed, same configuration) listed the same evaluations under other ids and in another
order on 1 worker, 2 workers or Dask, and ``best()`` broke a tie in loss by finishing order.  Ids
now follow the order the method proposed the vectors, and ``evaluations.csv`` is sorted by them.
An executor that yields each batch in reverse stands for a pool whose workers finish out of order
(deterministically, and without starting processes).  Le Léguer, DE of 60 evaluations: seconds.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from hydro.calibration import calibrate
from hydro.calibration.config import CalibrationConfig
from hydro.calibration.executors import make_evaluations
from hydro.calibration.problem import Problem
from hydro.calibration.store import EvaluationStore

SHIPPED = Path(__file__).resolve().parents[1] / "configs" / "calibration" / "leguer.toml"


def _leguer(tmp: Path) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    text = re.sub(r'^path = "([^"]+)"', lambda m: f'path = "{(SHIPPED.parent / m.group(1)).resolve().as_posix()}"',
                  text, flags=re.M)
    text = text[:text.index("[method]")] + '[method]\nname = "de"\nseed = 1\nmax_evaluations = 60\npopsize = 5\n'
    path = tmp / "leguer.toml"
    path.write_text(text, encoding="utf-8")
    return path


class _Reversed:
    """A serial executor whose batches finish last-proposed first."""

    name, workers, seconds_per_evaluation = "reversed", 1, None

    def __init__(self, config: Path):
        problem = Problem(CalibrationConfig.from_toml(config))
        problem.prepare()
        self.inner = make_evaluations(problem, serial=True)

    def map_unordered(self, vectors):
        yield from reversed(list(self.inner.map_unordered(vectors)))

    def close(self, abort: bool = False) -> None:
        self.inner.close()


def _rows(folder: Path) -> list[dict]:
    with open(folder / "evaluations.csv", encoding="utf-8", newline="") as fh:
        return [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(fh)]


def test_the_log_does_not_depend_on_the_order_evaluations_finish(tmp_path):
    config = _leguer(tmp_path)
    calibrate(config, tmp_path / "in_order", serial=True)
    executor = _Reversed(config)
    try:
        calibrate(config, tmp_path / "reversed", executor=executor)
    finally:
        executor.close()
    a, b = _rows(tmp_path / "in_order"), _rows(tmp_path / "reversed")
    assert len(a) == 60 and a == b
    assert [r["id"] for r in a] == [str(i) for i in range(60)]
    ids = [json.loads(line)["id"] for line in (tmp_path / "reversed" / "evaluations.jsonl").read_text().splitlines()]
    assert ids[:20] == list(range(19, -1, -1))  # the log itself is appended as they finish: nothing waits


def test_a_tie_in_loss_goes_to_the_first_proposed(tmp_path):
    store = EvaluationStore(tmp_path, resume=False)
    for i in (3, 1, 2):
        store.append({"id": i, "key": str(i), "status": "ok", "loss": 0.5, "params": {}})
    assert store.best()["id"] == 1 and store.next_id() == 4
    store.close()
