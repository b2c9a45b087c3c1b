"""What a watershed run's results say of the station weather it read: the file, the adjustments its
header records, and the days of the run that fall in a period the header marks as an ESTIMATE.

A station file's header says where each period of it comes from (``# station: A 2000-01-01..2013-02-28,
then B 2013-03-01..2017-02-28, then C (…, ESTIMATE: absent PRCP = 0 mm) 2017-03-01..2020-12-31; …``,
written by ``basins/make_daily_weather.py``); a run on the estimated period said so nowhere (the
researcher's review of 2026-12-04), nor which file it read: the ``weather`` attribute names the file's
origin (``source_file``), not the file, whose header also records its adjustments (a precipitation
rescaled to published basin totals in Miyun's).
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hydro.forcing_fill import FILL_ATTRIBUTES

#: The attributes :func:`weather_attributes` writes of a basin's station file (a run on other weather drops them).
WEATHER_FILE_ATTRIBUTES = ("weather_file", "weather_adjustments", "weather_time_zone", "weather_estimated",
                           *FILL_ATTRIBUTES)

_PERIOD = re.compile(r"^(?P<label>.*\S)\s+(?P<first>\d{4}-\d\d-\d\d)\.\.(?P<last>\d{4}-\d\d-\d\d)$")


def estimated_periods(station: str) -> list[tuple[date, date, str]]:
    """The periods of a header's ``station`` value marked ESTIMATE: ``(first, last, label)`` each.

    The value lists its sources as ``LABEL FIRST..LAST`` joined by ``, then `` and ends at the first
    ``;``; a source whose label says ESTIMATE is estimated.  A value of another form gives none.
    """
    out = []
    for part in str(station).split(";")[0].split(", then "):
        found = _PERIOD.match(part.strip())
        if found and "ESTIMATE" in found["label"]:
            out.append((date.fromisoformat(found["first"]), date.fromisoformat(found["last"]), found["label"]))
    return out


#: A window of a header's ``basin_scaled_windows`` (``2012-06-01..2012-08-06 x 0.6588 (published ...)``).
_SCALED = re.compile(r"(?P<first>\d{4}-\d{2}-\d{2})\.\.(?P<last>\d{4}-\d{2}-\d{2}) x (?P<k>[0-9.]+)")


def scaled_periods(windows: str) -> list[tuple[date, date, str]]:
    """The windows of a header's ``basin_scaled_windows`` value, whose precipitation is the station's times a
    ratio to a published basin-average total (an ESTIMATE): ``(first, last, label)`` each."""
    return [(date.fromisoformat(m["first"]), date.fromisoformat(m["last"]),
             f"precipitation x {m['k']} (ESTIMATE: scaled to a published basin-average total)")
            for m in _SCALED.finditer(str(windows or ""))]


def estimated_days(metadata: dict[str, Any], start: date, end: date) -> str:
    """The days of ``start..end`` in the estimated periods of the header ``metadata``, with what each
    period is (``2017-03-01..2019-12-31: Beijing 54511 (GHCN-D, ESTIMATE: absent PRCP = 0 mm)``,
    ``; ``-joined), in the order of their first days: the ``station`` line's estimated sources and the
    ``basin_scaled_windows`` (Miyun's rescaled rain, listed since 2026-12-06); empty where none."""
    periods = estimated_periods(metadata.get("station", "")) + scaled_periods(metadata.get("basin_scaled_windows", ""))
    return _within(sorted(periods, key=lambda p: p[0]), start, end)


def _within(periods, start: date, end: date) -> str:
    """The parts of ``periods`` (``(first, last, label)``) inside ``start..end``, written as
    :func:`estimated_days` writes them."""
    spans = []
    for first, last, label in periods:
        a, b = max(first, start), min(last, end)
        if a <= b:
            spans.append(f"{a.isoformat()}..{b.isoformat()}: {label}")
    return "; ".join(spans)


def adjustments(metadata: dict[str, Any]) -> str:
    """A weather series' ``*_adjustment`` and ``basin_scaled*`` header entries (``key: value``, `` | ``-joined;
    empty where it has none): how it was changed from what was measured."""
    return " | ".join(f"{k}: {v}" for k, v in metadata.items()
                      if k.endswith("_adjustment") or k.startswith("basin_scaled"))


def fill_attributes(metadata: dict[str, Any]) -> dict[str, str]:
    """The days of a weather file its ``# fill_missing:`` header filled, as the reader counted them in its
    ``metadata`` (``filled_precip_days``, ``filled_tmin_days``, ``filled_tmax_days``, ``filled_dates``: the first
    and last filled day): :data:`FILL_ATTRIBUTES`, over the whole file (as ``weather_estimated``), where a day was
    filled; none else (docs/basin-file.md: "each fill counted and reported", reviewer's new basin, 2026-12-06)."""
    if not metadata.get("filled_dates"):
        return {}
    attrs = {f"weather_{key}": str(int(metadata[key]))
             for key in ("filled_precip_days", "filled_tmin_days", "filled_tmax_days") if int(metadata.get(key, 0))}
    attrs["weather_filled_dates"] = str(metadata["filled_dates"])
    return attrs


def fill_line(attrs: dict[str, Any]) -> str:
    """The run summary's line on the weather file's filled days (:func:`fill_attributes`); "" where none was."""
    counts = [f"{attrs[f'weather_filled_{v}_days']} {what}" for v, what in
              (("precip", "precipitation (0 mm)"), ("tmin", "tmin"), ("tmax", "tmax"))
              if attrs.get(f"weather_filled_{v}_days")]
    if not attrs.get("weather_filled_dates"):
        return ""
    return (f"weather file days filled by its '# fill_missing:' header, between {attrs['weather_filled_dates']}: "
            + ", ".join(counts) + " (the whole file's; the results' weather_filled_* attributes)")


def weather_attributes(csv: Path, folder: Path, metadata: dict[str, Any]) -> dict[str, str]:
    """The results' attributes of a run on the station file ``csv`` (its header ``metadata``):
    ``weather_file`` (the file read, relative to the basin's ``folder``), ``weather_adjustments`` (the
    header's ``*_adjustment`` and ``basin_scaled*`` lines, `` | ``-joined, where there are any: Miyun's
    rescaled windows and their source with the method), ``weather_time_zone`` (the header's ``time_zone``:
    which clock each period's days are on) and ``weather_estimated``
    (the file's periods marked ESTIMATE, as :func:`estimated_days` gives them over its whole span,
    where it has any: the same for every block, member or scenario of a file; a run's own days in
    them are said on stderr, :func:`hydro.clitools.note_estimated_weather`)."""
    attrs = {"weather_file": os.path.relpath(csv, folder)}
    if adjustments(metadata):
        attrs["weather_adjustments"] = adjustments(metadata)
    if metadata.get("time_zone"):  # the days' clock (the netCDF time axis names no zone: its comment says so)
        attrs["weather_time_zone"] = str(metadata["time_zone"])
    estimated = estimated_days(metadata, date.min, date.max)
    if estimated:
        attrs["weather_estimated"] = estimated
    attrs.update(fill_attributes(metadata))
    return attrs


def record_estimates(csv: Path) -> str:
    """The periods the station file ``csv``'s header marks ESTIMATE (the ``weather_estimated`` attribute), for a run
    that goes on from the record to generated weather: its days on the record keep their caveat (a planner's
    review, 2026-12-06: every plan-period run crosses 2017-2020's estimate and said nothing of it)."""
    from hydro.forcing_header import read_header

    return estimated_days(read_header(csv), date.min, date.max)


def record_follows(csv: Path, generated_from: str) -> bool:
    """Whether generated weather from ``generated_from`` (ISO) follows the station file ``csv``'s record on its
    last day (a run that starts on the record and goes on past it), rather than replacing it (a run wholly on
    generated weather, whose days take nothing of the record)."""
    from hydro.weather import station_record

    last = station_record(csv).dates[-1].astype("datetime64[D]").item()
    return date.fromisoformat(str(generated_from)) == last + timedelta(days=1)


def last_record_day(basin, start: date, end: date) -> date:
    """The last day of a run ``start..end`` on generated weather that takes the basin's station record (the day
    before :func:`hydro.spin_up.generated_from`; before ``start`` where none does)."""
    from hydro.spin_up import generated_from

    return min(end, generated_from(basin, start, end) - timedelta(days=1))


def estimated_in_results(attrs: dict[str, Any], first: date, last: date) -> str:
    """:func:`estimated_days` of results from their ``weather_estimated`` attribute (the file's periods,
    ``FIRST..LAST: label`` joined by ``; ``), over the results' days ``first..last``; on generated weather only
    over the days before ``weather_generated_from`` (none without it); "" where none falls in them."""
    if str(attrs.get("weather_synthetic", "false")) == "true":
        start = attrs.get("weather_generated_from")
        if not start:
            return ""
        last = min(last, date.fromisoformat(str(start)) - timedelta(days=1))
        if last < first:
            return ""
    found = (re.match(r"(\d{4}-\d\d-\d\d)\.\.(\d{4}-\d\d-\d\d): (.*)$", part)
             for part in str(attrs.get("weather_estimated", "")).split("; "))
    return _within([(date.fromisoformat(f[1]), date.fromisoformat(f[2]), f[3]) for f in found if f], first, last)


def estimated_by_year(attrs: dict[str, Any], first: date, last: date) -> dict[int, str]:
    """:func:`estimated_in_results` year by year over the results' days ``first..last`` (years without any left
    out): what a table of yearly values (``hydro gep``) says of each year's weather."""
    out = {}
    for year in range(first.year, last.year + 1):
        said = estimated_in_results(attrs, max(first, date(year, 1, 1)), min(last, date(year, 12, 31)))
        if said:
            out[year] = said
    return out
