"""Convert the copied source files to hydro's catchment forcing format (re-runnable).

Run ``python validation/calibration/prepare.py`` from the repository root.  The source
files are never edited; each converted file is written beside them (see README.md):

* ``leguer/forcing.csv`` from ``validation/reference/gr4j_leguer_excel_reference.csv``
  (dates M/D/YYYY -> ISO; prec, etp, qobs in mm/d -> precip_mm, pet_mm, qobs_mm);
* ``hymod/forcing.csv`` from ``hymod/hymod_input.csv`` (spotpy; ``;``-separated, dates
  DD.MM.YYYY; rainfall mm/d, TURC PET mm/d, discharge in l/s -> qobs_m3s = l/s / 1000;
  ``nan`` -> empty, i.e. missing);
* ``lamprey/lamprey_sample_loads.csv``: the nitrate load of each sampled day
  (:func:`lamprey_loads`).
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "reference"


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def leguer() -> None:
    with open(REFERENCE / "gr4j_leguer_excel_reference.csv", newline="") as fh:
        src = list(csv.DictReader(fh))
    rows = [[datetime.strptime(r["date"], "%m/%d/%Y").date().isoformat(), r["prec"], r["etp"], r["qobs"]]
            for r in src]
    _write(HERE / "leguer" / "forcing.csv", ["date", "precip_mm", "pet_mm", "qobs_mm"], rows)


def hymod() -> None:
    with open(HERE / "hymod" / "hymod_input.csv", newline="") as fh:
        src = list(csv.reader(fh, delimiter=";"))[1:]
    rows = []
    for date, rain, pet, q_l_s in src:
        d = datetime.strptime(date, "%d.%m.%Y").date().isoformat()
        q = "" if q_l_s.strip().lower() == "nan" else repr(float(q_l_s) / 1000.0)
        rows.append([d, rain, pet, q])
    _write(HERE / "hymod" / "forcing.csv", ["date", "precip_mm", "pet_mm", "qobs_m3s"], rows)




def lamprey_loads() -> None:
    """Observed nitrate load of each sampled day: the sample times that day's mean discharge.

    ``load_kg_per_day = C (mg/L) x Q_daily (ft3/s) x 0.028316846592 (m3/s per ft3/s) x 86.4``.
    The daily mean discharge (not the instantaneous one at sampling) is used so that the
    observed and simulated loads rest on the same flow.  Several samples on a day are averaged.
    """
    folder = HERE / "lamprey"
    with open(folder / "lamprey_daily_discharge.csv", newline="") as fh:
        q = {r["date"]: float(r["discharge_cfs"]) for r in csv.DictReader(fh)}
    per_day: dict[str, list[float]] = {}
    with open(folder / "lamprey_nitrate_samples.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["no3_mg_per_l_as_n"].strip():
                per_day.setdefault(r["datetime"][:10], []).append(float(r["no3_mg_per_l_as_n"]))
    rows = []
    for day in sorted(per_day):
        c = sum(per_day[day]) / len(per_day[day])
        rows.append([day, repr(c), repr(c * q[day] * 0.028316846592 * 86.4)])
    _write(folder / "lamprey_sample_loads.csv", ["date", "no3_mg_per_l_as_n", "load_kg_per_day"], rows)


if __name__ == "__main__":
    leguer()
    hymod()
    lamprey_loads()
