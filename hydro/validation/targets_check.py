"""The check of a basin's observations file before its validation run.

``hydro validate <basin>`` runs the basin for minutes before it evaluates the targets of
``basins/<basin>/observations.toml`` (:mod:`hydro.validation.basins`); a mistake in a target (a
duplicate id, an unknown key, a misspelt variable, place, category or statistic, a bad
tolerance or range) would end that run with an error.  :func:`check_targets` reads every
target first and evaluates it on a run of the basin's first days (seconds), where each of
those mistakes is found as it is in the full evaluation (the same code reads the target),
and reports all of them together, one paragraph each, before anything long runs.

A period with no day in the validation run is not a mistake (the target fails as "not
simulated", as documented); it is named on standard error before the run so that a
mistyped year is seen at once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date

from hydro.errors import HydroError
from hydro.tomlio import Table


def check_targets(root: Table, evaluate: Callable[[Table], tuple[date, date]], start: date, end: date) -> None:
    """Check every target of an observations file; raise one error naming all bad ones.

    Parameters
    ----------
    root : Table
        The observations file (its ``[[targets]]`` are read from fresh tables; ``root`` itself
        is finished, so an unknown top-level key is reported too).
    evaluate : callable
        ``evaluate(t)`` reads and evaluates one target table on a short run and returns its
        period (first and last day), raising :class:`~hydro.errors.HydroError` for a mistake in it.
    start, end : date
        The validation run's first and last day: a target whose period has no day in it is
        named on standard error.

    Raises
    ------
    HydroError
        Listing each bad target (file, id, key, what was expected and what to do).
    """
    errors: list[str] = []
    outside: list[str] = []
    seen: dict[str, str] = {}
    for t in root.tables("targets"):
        tid = t.data.get("id")
        label = f"target '{tid}'" if isinstance(tid, str) else f"target {t.where}"
        try:
            tid = t.str("id")
            if tid in seen:
                raise t.error("id", f"'{tid}' is also the id of {seen[tid]}; ids must be unique: rename one")
            seen[tid] = t.where
            first, last = evaluate(t)
            t.finish()
            if last < start or first > end:
                outside.append(f"{tid} ({first}..{last})")
        except HydroError as e:
            errors.append(_name_target(str(e), root, label))
    try:
        root.finish()
    except HydroError as e:
        errors.append(str(e))
    if outside:
        print(f"note: {root.file}: no day of the validation run {start}..{end} is in the period of "
              f"{', '.join(outside)}: they will fail as not simulated (check the years if that is a typo)",
              file=sys.stderr)
    if errors:
        many = f"{len(errors)} mistakes" if len(errors) > 1 else "a mistake"
        raise HydroError(f"{root.file}: {many} in the targets, found before the validation run (nothing "
                         f"was simulated); fix {'each' if len(errors) > 1 else 'it'} and run again:\n\n"
                         + "\n\n".join(errors))


def _name_target(message: str, root: Table, label: str) -> str:
    """``message`` (``"<file>: key ..."``) with the target named after the file."""
    prefix = f"{root.file}: "
    return f"{prefix}{label}: {message[len(prefix):]}" if message.startswith(prefix) else f"{label}: {message}"

