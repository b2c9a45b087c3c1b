"""What a run on generated weather past its inputs' ends keeps without a word in its own results: the transfers
whose series end before it does (:mod:`hydro.transfer_end`) and the sources' inventory held past its tables
(:mod:`hydro.sources.held`).  One place for the pair, as global attributes and stderr notes, for every command
that runs on generated weather: ``hydro run --synthetic-weather`` (in one block or in time blocks), ``hydro run
--members`` and ``hydro scenarios`` (long-horizon review and its diff review, 2026-12-06)."""

from __future__ import annotations

from datetime import date


def caveats(basin, attrs: dict, first: date, last: date, generated: bool,
            who: str = "the run goes on") -> tuple[dict[str, str], list[str]]:
    """``(global attributes, stderr notes)`` of a run of ``basin`` from ``first`` to ``last`` whose results'
    attributes are ``attrs`` (their ``transfers`` and ``weather_generated_from``; :func:`basin_attributes`
    where no result is at hand), on generated weather where ``generated``; ``who`` ends the transfer note
    (a scenarios run: "every scenario runs")."""
    from hydro import transfer_end
    from hydro.sources import held

    out = {**transfer_end.attribute(attrs, last), **held.held_attribute(basin, last, generated)}
    notes = [transfer_end.note(attrs, (first, last), who=who), held.held_note(basin, last, generated)]
    return out, [n for n in notes if n]


def basin_attributes(basin, first: date, last: date) -> dict[str, str]:
    """The ``transfers`` and ``weather_generated_from`` attributes an ensemble member's results of ``basin``
    from ``first`` to ``last`` have (:meth:`hydro.transfers.Transfers.attributes`,
    :func:`hydro.spin_up.generated_from`), without running one."""
    from hydro.series import daily_dates
    from hydro.spin_up import generated_from
    from hydro.transfers import read_transfers

    spans = read_transfers(basin, daily_dates(first, last)).attributes().get("transfers", "")
    return {"transfers": spans, "weather_generated_from": generated_from(basin, first, last).isoformat()}


def scenarios_caveats(run) -> tuple[dict[str, str], list[str]]:
    """:func:`caveats` of a scenarios run (:class:`hydro.scenarios.run.ScenarioRun`) on generated weather: its
    baseline's inventory and the transfers of its first scenario's results, which every scenario shares."""
    res = run.results[0]
    return caveats(run.info.model().basin, res.attrs, res.dates[0], res.dates[-1], run.weather_seed is not None,
                   who="every scenario runs")
