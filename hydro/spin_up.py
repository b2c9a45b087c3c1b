"""How a watershed run reaches the state it starts from: the spin-up plan (:func:`spin_up_plan`).

The basin file gives the initial state (reservoir storages, ``[initial]`` concentrations) for its
``[run] start``.  A run that starts later is spun up: the whole model runs from the basin's start
to the day before the run's (:func:`hydro.blocked.run_blocks`), on the run's own weather where it
covers those days (the station record), on the station record where the run's weather is
generated and starts later (an ensemble member, ``--synthetic-weather``, a payment draw:
:func:`hydro.blocked.record_spin_up`, computed once per process and configuration), continued
on the run's own generated weather from the record's end where the run starts later still.  This module
says which (:class:`SpinUp`) and what the run was given for its own start (:func:`given_for_start`);
:mod:`hydro.blocked` runs it.  (It was part of :mod:`hydro.blocked`, which re-exports its names.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hydro.basin import Basin
from hydro.errors import HydroError


def unblockable(basin: Basin) -> str | None:
    """Why ``basin`` must run in one block (None: it can run in blocks)."""
    ws = basin.watershed
    if ws is None:
        return "not a watershed basin"
    reasons = []
    if basin.settings.flow_driven:
        reasons.append("flow-driven (runoff matched to the gauges over the run)")
    if ws.runoff_model != "gr4j_cemaneige":
        reasons.append(f"runoff model {ws.runoff_model}")
    return "; ".join(reasons) or None


@dataclass(frozen=True)
class SpinUp:
    """How a watershed run reaches the state it starts from (:func:`spin_up_plan`).

    Attributes
    ----------
    basin_start : date
        The basin's ``[run] start``: the day its file gives the initial state for.
    first, last : date or None
        The spin-up days, the basin's start to the day before the run's (None: no spin-up;
        the run starts from the basin file's initial state).
    storages : tuple of int
        Reservoirs (indices) whose initial storage the run was given for its own start.
    concentrations : bool
        Whether the run was given its ``[initial]`` concentrations for its own start.
    given : tuple of str
        What the run was given for its start, as keys of the basin file.
    why_not : str
        Why a run that starts after the basin's start is not spun up ('' where it is).
    on_record : bool
        The run is on generated weather and is spun up on the basin's station record
        (:func:`hydro.blocked.record_spin_up`; False: on the run's own weather).
    record_end : date or None
        Where the station record ends before ``last`` (an ``on_record`` run that starts more
        than a day after the record's end): the spin-up runs on the record to this day and
        continues on the run's own generated weather from the day after (None: all of it on
        the record, or on the run's own weather).
    generated_from : date or None
        Where a run on generated weather that starts on the station record and ends after it takes
        the record's observed weather for its own days to the record's end: the first day of its
        generated weather (:func:`generated_from`; None: all its days are generated, or given).
    """

    basin_start: date
    first: date | None = None
    last: date | None = None
    storages: tuple[int, ...] = ()
    concentrations: bool = False
    given: tuple[str, ...] = ()
    why_not: str = ""
    on_record: bool = False
    record_end: date | None = None
    generated_from: date | None = None

    def describe(self, start: date) -> str:
        """The results' ``initial_state`` of a run from ``start``."""
        from hydro.runoff_warm_up import given_start

        if self.first is None or self.last is None:
            return given_start(self.basin_start, start, self.why_not)
        past = self.record_end
        text = (f"spun up: the whole model run from the basin's [run] start {self.basin_start.isoformat()} "
                f"over {self.first.isoformat()}..{self.last.isoformat()}"
                + (" on the basin's station record" if self.on_record else "")
                + (f" to its end, {past.isoformat()}, then on the run's own generated weather from "
                   f"{(past + timedelta(days=1)).isoformat()}" if past is not None else "")
                + _run_weather(self, start))
        return text + (f"; given for {start.isoformat()}: {', '.join(self.given)}" if self.given else "")


def spin_up_plan(basin: Basin, start: date, weather=None, *, generated: bool | None = None) -> SpinUp:
    """How a watershed run from ``start`` on ``weather`` (None: the basin's station record)
    reaches its start state.

    The basin file gives the initial state (reservoir storages, ``[initial]`` concentrations)
    for its ``[run] start``.  A run that starts later is spun up: the whole model runs from the
    basin's start to the day before the run's (runoff stores, groundwater N and wash-off stores,
    routing, reservoirs with their operations, every concentration) and the run continues from
    that state, so that its days are those of the run from the basin's start.  A run on
    generated weather (``synthetic`` in its metadata and read from no file, or ``generated``: an
    ensemble member, ``--synthetic-weather``, a payment draw) is spun up on the station record
    (``on_record``, :func:`hydro.blocked.record_spin_up`): the spin-up an observed run from
    ``start`` makes; where the record ends before the day before ``start``, to the record's end
    (``record_end``), the spin-up continuing from the day after on the run's own generated
    weather (which :func:`hydro.ensemble.member_weather` generates from that day on at the
    latest).  A file of synthetic weather (the example basin's station file) is weather
    given, spun up on itself where it covers the spin-up.
    What the run is given for its own start wins (:func:`given_for_start`).  No spin-up, the
    basin file's state taken for the run's start (``why_not`` says why): a run on or before the
    basin's start; a basin that cannot carry its state between blocks (:func:`unblockable`);
    weather that starts after the basin's start; generated weather where the station record
    starts after the basin's start, or that itself starts after the day after the record's end
    where the spin-up needs it.
    """
    basin_start = basin.settings.start
    if start <= basin_start or not basin.is_watershed:
        return SpinUp(basin_start)
    if generated is None:  # generated in this process (a file of synthetic weather is weather given)
        generated = bool(weather is not None and weather.metadata.get("synthetic") and weather.path is None)
    why, record_end = unblockable(basin), None
    if why is None:
        from hydro.watershed import Watershed
        from hydro.weather import station_record

        record = station_record(Watershed.from_basin(basin).weather.csv)
        forcing = weather if weather is not None and not generated else record
        first = forcing.dates[0].astype("datetime64[D]").item()
        if generated:
            why, record_end = _record_gap(record, basin_start, start, weather)
        elif first > basin_start:
            why = f"the weather starts on {first.isoformat()}, after the basin's start"
    if why:
        return SpinUp(basin_start, why_not=why)
    storages, concentrations, given = given_for_start(basin)
    own = None if not generated or weather is None else weather.metadata.get(GENERATED_FROM)
    return SpinUp(basin_start, basin_start, start - timedelta(days=1), storages, concentrations, given,
                  on_record=generated, record_end=record_end,
                  generated_from=date.fromisoformat(own) if own and date.fromisoformat(own) > start else None)


#: The generated weather's metadata key, and the results' global attribute
#: (:func:`hydro.assembly.watershed_provenance`), of the first day a run on generated weather
#: (:func:`hydro.ensemble.member_weather`) writes on it: the run's first day, or, for a run that
#: starts on the station record and ends after it, the day after the record's end
#: (:func:`generated_from`).  The run's days before it are the record's observed weather.
GENERATED_FROM = "weather_generated_from"


def generated_from(basin: Basin, start: date, end: date) -> date:
    """The first day a run from ``start`` to ``end`` on a member's generated weather
    (:func:`hydro.ensemble.member_weather`) runs on generated weather: the day after the basin's
    station record ends where the record holds ``start`` and ends before ``end`` (the run's days on the
    record take its observed weather, :func:`hydro.ensemble.observed_first`), else ``start`` (a
    run wholly on the record, whose members are generated weather, or wholly after it)."""
    span = record_span(basin)
    if span is None:
        return start
    _, first, last = span
    return last + timedelta(days=1) if first <= start <= last < end else start


def record_span(basin: Basin):
    """A watershed ``basin``'s station record (its weather file, read once per process): ``(file,
    first day, last day)``; None for a catchment."""
    from hydro.watershed import Watershed
    from hydro.weather import station_record

    if not basin.is_watershed:
        return None
    csv = Watershed.from_basin(basin).weather.csv
    record = station_record(csv)
    first, last = (record.dates[k].astype("datetime64[D]").item() for k in (0, -1))
    return csv, first, last


def generated_weather_words(since: date | str | None, start: date | None) -> str:
    """What a run from ``start`` on generated weather from ``since`` (:func:`generated_from`, the
    results' :data:`GENERATED_FROM`; None: all of it) runs on, in words for notes: ``"generated
    weather"``, or, where ``since`` is after ``start``, ``"the station record's observed weather to
    <the day before> and generated weather from <since>"``."""
    day = date.fromisoformat(since) if isinstance(since, str) and since else since or None
    if not isinstance(day, date) or start is None or day <= start:
        return "generated weather"
    return f"the station record's observed weather to {(day - timedelta(days=1)).isoformat()} and generated " \
        f"weather from {day.isoformat()}"


def _run_weather(plan: SpinUp, start: date) -> str:
    """What :meth:`SpinUp.describe` says of the weather of the run's own days from ``start`` (on generated
    weather), in the words of the notes (:func:`generated_weather_words`)."""
    if not plan.on_record:
        return ""
    return f"; the run itself on {generated_weather_words(plan.generated_from, start)}"


def _record_gap(record, basin_start: date, start: date, weather) -> tuple[str, date | None]:
    """Why generated ``weather`` (None: a member's, :func:`hydro.ensemble.member_weather`) from
    ``start`` cannot be spun up on the station ``record`` ('' where it can), and the record's last
    day where the spin-up continues on the generated weather after it (None: the record covers
    the basin's start to the day before ``start``)."""
    first, last = (record.dates[k].astype("datetime64[D]").item() for k in (0, -1))
    if first > basin_start:
        return f"the station record starts on {first.isoformat()}, after the basin's start", None
    if last >= start - timedelta(days=1):
        return "", None
    after = last + timedelta(days=1)
    own = None if weather is None else weather.dates[0].astype("datetime64[D]").item()
    if own is not None and own > after:
        return (f"generated weather from {own.isoformat()}, after {after.isoformat()}: the station record, "
                f"which a spin-up runs on, ends on {last.isoformat()} and the spin-up continues on the generated "
                "weather from the day after, where a member's weather (hydro.ensemble.member_weather) begins "
                "at the latest"), None
    return "", last


def given_for_start(basin: Basin) -> tuple[tuple[int, ...], bool, tuple[str, ...]]:
    """What ``basin`` gives for a run's own start: the initial values it holds that its file does
    not, or that were given explicitly (a ``--set``, a ``--params`` file's or a calibration's ``overrides``, a
    :class:`hydro.Model`'s parameters: :attr:`hydro.basin.Basin.given`, so an observed storage equal to the
    file's value for its own start is still the state of the run's; operational review F1, 2026-12-06).
    Returns the reservoirs (indices) whose
    ``initial_storage_mcm`` differs, whether the ``[initial]`` concentrations differ (all start from
    them then: a tracer's concentration is not spun up in part), and their keys.  A basin whose
    file does not load (one made in memory) gives nothing."""
    try:
        filed = Basin.load(basin.path)
    except (HydroError, OSError):
        return (), False, ()
    stored = {r.id: r.initial_storage_m3 for r in filed.network.reservoirs}
    named = basin.given  # given explicitly: the state of the start even where it equals the file's value
    storages = tuple(k for k, r in enumerate(basin.network.reservoirs) if stored.get(r.id) != r.initial_storage_m3
                     or f"reservoirs.{r.id}.initial_storage_mcm" in named)
    concentrations = basin.initial != filed.initial or any(k == "initial" or k.startswith("initial.") for k in named)
    given = tuple(f"reservoirs.{basin.network.reservoirs[k].id}.initial_storage_mcm" for k in storages)
    return storages, concentrations, given + (("[initial] concentrations",) if concentrations else ())
