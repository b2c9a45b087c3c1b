"""Aggregate the hourly station records in ``basins/_stations/`` to the shipped daily forcing.

Re-runnable: ``python basins/make_daily_weather.py`` (from anywhere) rewrites

* ``basins/miyun/forcing/huairou_daily_2013_2017.csv`` (Huairou, for Miyun) and
* ``basins/guanting/forcing/dingling_daily_2013_2017.csv`` (Dingling, for Guanting)

from the unchanged copies of the shared hourly files (provenance in
``basins/_stations/README.md``), checking their SHA-256 first, and prints annual
totals and the missing-data record.  The missing-data rule is
:data:`hydro.weather.MAX_MISSING_HOURS`, described in :mod:`hydro.weather`.
"""

from __future__ import annotations

import calendar
import hashlib
import sys
from pathlib import Path

from hydro.weather import annual_totals, read_hourly_station, write_forcing_csv

HERE = Path(__file__).resolve().parent
STATIONS = HERE / "_stations"

SOURCE = (
    "Beijing Multi-Site Air-Quality data set, UCI Machine Learning Repository; "
    "Zhang, S. et al. (2017) Proc. R. Soc. A 473: 20170457; CC BY 4.0; weather columns only"
)

#: (hourly file, station, output, sha256 of the hourly file as copied from shared/data/weather/)
JOBS = [
    (
        "beijing_huairou_hourly_2013_2017.csv",
        "Huairou",
        HERE / "miyun" / "forcing" / "huairou_daily_2013_2017.csv",
        "434b12d83ee94b9d4b07dd1a62110f1e5691ddc7f061893fca9eda75a3d6b9ef",
    ),
    (
        "beijing_dingling_hourly_2013_2017.csv",
        "Dingling",
        HERE / "guanting" / "forcing" / "dingling_daily_2013_2017.csv",
        "c7261e0bc1c82ceffa4fa68477b7c24110dbeffce99d685775f0414cd6246ca5",
    ),
]


def main() -> int:
    for name, station, out, expected in JOBS:
        src = STATIONS / name
        if not src.exists():
            print(f"{src}: missing; copy it unchanged from shared/data/weather/ (see _stations/README.md)",
                  file=sys.stderr)
            return 2
        digest = hashlib.sha256(src.read_bytes()).hexdigest()
        if digest != expected:
            print(f"{src}: SHA-256 {digest} differs from the recorded {expected}; the copy was changed. "
                  "Restore it from shared/data/weather/ or update README.md and this script.", file=sys.stderr)
            return 2
        daily = read_hourly_station(src, station=station)
        write_forcing_csv(
            daily.forcing,
            out,
            metadata={
                "source": SOURCE,
                "source_file": f"basins/_stations/{name}",
                "produced_by": "basins/make_daily_weather.py",
            },
        )
        print(f"{out.relative_to(HERE.parent)}: {daily.missing_report()}")
        for year, (total, n_days, n_missing) in annual_totals(daily.forcing).items():
            whole = 366 if calendar.isleap(year) else 365  # (a leap year missing a day is partial too)
            note = "" if n_days >= whole else f" (partial year: {n_days} days)"
            print(f"  {year}: {total:7.1f} mm, {n_missing} missing days{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
