"""Transfers whose series end before a scenarios run's period does (``[[transfers]]``,
:mod:`hydro.transfers`): on the days after its file's last date a transfer does not run, so a plan
period past a series' end (Miyun's South-to-North deliveries end in 2020) has none of that water.
``hydro scenarios`` says so on stderr (:func:`note`) and in its file's global attribute
:data:`ATTRIBUTE`, from the runs' ``transfers`` attribute (``id=kind:element:file:first..last``),
where the runs go on on generated weather (``weather_generated_from``: a period past the station
record's end), whose days no series was written for: on the record a series' end is the transfer's
as recorded, and the run summary's transfer lines already say what part of the run a file covers.
"""

from __future__ import annotations

from datetime import date

#: The scenarios file's global attribute: ``id=last day;...`` of each transfer whose series ends
#: before the period's last day (absent where none does).
ATTRIBUTE = "transfer_series_end_before_period_end"


def ended(attrs: dict, last: date) -> dict[str, tuple[str, str]]:
    """Transfer id -> (file, its last day) of the transfers of a run's ``attrs`` whose series end
    before ``last``, the run's last day, where the run goes on on generated weather (none else)."""
    from hydro.run_attributes import transfer_spans

    if not attrs.get("weather_generated_from"):
        return {}
    return {tid: (file, span_last) for tid, (_, _, file, _, span_last) in
            transfer_spans(attrs.get("transfers", "")).items() if span_last and span_last < last.isoformat()}


def attribute(results) -> dict[str, str]:
    """:data:`ATTRIBUTE` of a scenarios file whose runs are like ``results`` (empty where no series
    ends before the run)."""
    gone = ended(results.attrs, results.dates[-1])
    return {ATTRIBUTE: ";".join(f"{k}={v[1]}" for k, v in gone.items())} if gone else {}


def note(results) -> str:
    """The one-line stderr note on the transfers whose series end before the run of ``results``
    ends, or ``""``."""
    first, last = results.dates[0], results.dates[-1]
    gone = ended(results.attrs, last)
    if not gone:
        return ""
    said = ", ".join(f"{tid} ({file}) on {day}" + (", before the period" if day < first.isoformat() else "")
                     for tid, (file, day) in gone.items())
    return (f"note: transfer series that end before the period ({first} to {last}) does: {said}; no scenario "
            "has such a transfer after its series' last day")
