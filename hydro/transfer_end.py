"""Transfers whose series end before a run on generated weather does (``[[transfers]]``,
:mod:`hydro.transfers`): on the days after its file's last date a transfer does not run (a reservoir whose
release series ends follows its own release rule again), so a period past a series' end (Miyun's
South-to-North deliveries end in 2020, its supply series in 2027) has none of that transfer.  ``hydro run
--synthetic-weather`` and ``hydro scenarios`` say so on stderr (:func:`note`) and in their file's global
attribute :data:`ATTRIBUTE`, from the runs' ``transfers`` attribute (``id=kind:element:file:first..last``),
where the runs go on on generated weather (``weather_generated_from``: a period past the station record's
end), whose days no series was written for: on the record a series' end is the transfer's as recorded, and
the run summary's transfer lines already say what part of the run a file covers and what follows it.
"""

from __future__ import annotations

from datetime import date

#: The global attribute of a file run on generated weather (``hydro run --synthetic-weather/--members``,
#: ``hydro scenarios``): ``id=last day;...`` of each transfer whose series ends before the period's last day
#: (absent where none does).
ATTRIBUTE = "transfer_series_end_before_period_end"


def ended(attrs: dict, last: date) -> dict[str, tuple[str, str]]:
    """Transfer id -> (file, its last day) of the transfers of a run's ``attrs`` whose series end
    before ``last``, the run's last day, where the run goes on on generated weather (none else)."""
    from hydro.run_attributes import transfer_spans

    if not attrs.get("weather_generated_from"):
        return {}
    return {tid: (file, span_last) for tid, (_, _, file, _, span_last) in
            transfer_spans(attrs.get("transfers", "")).items() if span_last and span_last < last.isoformat()}


def attribute(results, last: date | None = None) -> dict[str, str]:
    """:data:`ATTRIBUTE` of a file whose runs are like ``results`` (a run's results, or its attributes with
    the run's ``last`` day), empty where no series ends before the run."""
    attrs, day = (results, last) if isinstance(results, dict) else (results.attrs, results.dates[-1])
    if day is None:
        raise TypeError("attribute(attrs, last): the run's last day goes with its attributes")
    gone = ended(attrs, day)
    return {ATTRIBUTE: ";".join(f"{k}={v[1]}" for k, v in gone.items())} if gone else {}


def note(results, period: tuple[date, date] | None = None, who: str = "every scenario runs") -> str:
    """The one-line stderr note on the transfers whose series end before the run of ``results`` (or of the
    attributes ``results`` over ``period``) ends, or ``""``; ``who``: what the note ends with (a scenarios
    run's words by default)."""
    attrs = results if isinstance(results, dict) else results.attrs
    first, last = period or (results.dates[0], results.dates[-1])
    gone = ended(attrs, last)
    if not gone:
        return ""
    from hydro.run_attributes import transfer_spans
    from hydro.transfer_summary import after_series

    kinds = {tid: span[0] for tid, span in transfer_spans(attrs.get("transfers", "")).items()}
    said = ", ".join(f"{tid} ({file}) on {day}" + (", before the period" if day < first.isoformat() else "")
                     + f" (after it: {after_series(kinds.get(tid, ''))})" for tid, (file, day) in gone.items())
    return f"note: transfer series that end before the period ({first} to {last}) does: {said}; {who} so after a " \
           "series' last day"
