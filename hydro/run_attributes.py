"""How the global attributes of several runs combine in one results file: the one place that says it.

A results file can hold several runs: the time blocks of one long run (``hydro run
--block-years``, :class:`hydro.netcdf.BlockWriter`), the members of a weather ensemble and the
scenarios of ``hydro scenarios`` (:class:`hydro.netcdf.StackedWriter`,
:func:`hydro.ensemble.run_ensemble`).  Each run writes global attributes, some computed from its
own data (closures, volumes, counts of days).  :data:`RULES` says, for every attribute a run
writes, how the values of the runs become the file's; :class:`Combiner` applies it.  A file never
keeps the first run's value of an attribute as if it were every run's, and an attribute that has no
rule here is refused when two runs differ in it (``tests/test_run_attributes_review.py`` checks
that every attribute the shipped runs write has one).

Rules (:class:`CombineRule`), one for blocks of a run and one for runs side by side:

``same``
    Every run must give the same value (the basin, its network, the weather file, the
    constituents ...): runs that differ do not belong in one file, and are refused.
``max``
    The largest: a relative closure (``water_balance_closure``) is the worst of the runs'.
``sum``
    Added up: the days below an ecological minimum of each reservoir, the volume of each
    transfer over consecutive blocks.
``listed``
    The common value when every run gives the same; else each run's, ``label=value;...``
    (``label:id=value;...`` for a value that is itself ``id=value;...``), e.g. the water a
    flow-driven run added on each member's weather.  The file's writer may set its own
    (``history``, ``scenario``, ``weather_seed = <seed>+member``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from hydro.ecological_minimum import DEAD_ATTRIBUTE, ECO_ATTRIBUTE
from hydro.errors import HydroError
from hydro.forcing_fill import FILL_ATTRIBUTES

SAME, MAX, SUM, LISTED = "same", "max", "sum", "listed"


@dataclass(frozen=True)
class CombineRule:
    """How one attribute combines: ``blocks`` over the time blocks of a run, ``runs`` over the
    members or scenarios of a file (each one of ``same``, ``max``, ``sum``, ``listed``).
    ``by_id``: the value is ``id=number;...`` and combines id by id; ``fmt``: the format of a
    summed number (a single run's value is kept as it was written)."""

    blocks: str
    runs: str
    by_id: bool = False
    fmt: str = ""


#: The global attribute that says which days the run simulated, ``first..last`` (:func:`run_days`): a copy
#: cut along ``time`` after writing (with xarray) keeps it, so its readers can tell (:mod:`hydro.gep_checks`).
RUN_DAYS = "run_days"

#: Attributes every file writer adds itself (:func:`hydro.netcdf_define.layout`, ``Results.to_xarray``):
#: results read from a file hold them and a run's do not, so combining the two left them out of the
#: check that every run has the same attributes, and of the combination (the writer adds them again).
WRITER_ATTRIBUTES = ("Conventions", "title", "summary", "keywords", "product_version", "results_format",
                     "processing_level",
                     "standard_name_vocabulary", "time_coverage_start", "time_coverage_end", "time_coverage_resolution",
                     RUN_DAYS)

_SAME = CombineRule(SAME, SAME)
_LISTED = CombineRule(SAME, LISTED)

#: Every global attribute a run writes, and how runs combine it.
RULES: dict[str, CombineRule] = {
    # what the basin, its network and the output are: one file holds runs of one of each
    # (the writer's, hydro.discovery: left out of the combination, WRITER_ATTRIBUTES, and written afresh)
    **dict.fromkeys(("summary", "keywords", "product_version", "results_format", "processing_level",
                     "standard_name_vocabulary",
                     "time_coverage_start", "time_coverage_end", "time_coverage_resolution"), _SAME),
    **dict.fromkeys(("Conventions", "source", "title", "basin", "constituents", "species", "network_downstream",
                     "section_reach", "section_position", "reach_names", "section_names", "reservoir_names",
                     "subbasin_names", "subbasin_county", "subbasin_province", "subbasin_area_km2",
                     "reservoir_county", "reservoir_province", "reservoir_county_water_share",
                     "subbasin_drains_to", "weather", "weather_file", "weather_adjustments", "weather_time_zone",
                     "weather_estimated", "store_climate", *FILL_ATTRIBUTES,
                     "weather_synthetic", "weather_generated_from", "weather_libraries", "flow_driven",
                     "transfers", "transfer_origins", "transfer_estimated", "time_aggregation", "locations_selected",
                     "model", "catchment_file", "basin_file", "params_file", "params_file_sha256", "params_overrides",
                     "area_km2", "gr4j_parameters", "overrides",
                     "runoff_warm_up", "initial_state", "local_steps", "dispersion_every", RUN_DAYS,
                     # caveats of a run on generated weather (hydro.generated_caveats): of its basin and period
                     "transfer_series_end_before_period_end", "source_inventory_held_after"), _SAME),
    # what tells one run from another (the writers of stacked files set their own)
    # (parameters_changed: a sweep of Model.with_parameters stacked along 'scenario')
    # (source_revision: files written by different commits, read back and stacked)
    **dict.fromkeys(("history", "scenario", "config_sha256", "weather_seed", "parameters_changed", "source_revision"),
                    _LISTED),
    # relative closures: the worst
    "water_balance_closure": CombineRule(MAX, MAX),
    "groundwater_n_balance_closure": CombineRule(MAX, MAX),
    "washoff_n_balance_closure": CombineRule(MAX, MAX),
    "land_inventory_closure": CombineRule(MAX, MAX),
    # days a reservoir let out less than its ecological minimum: days of blocks and member-days add up
    ECO_ATTRIBUTE: CombineRule(SUM, SUM, by_id=True, fmt="d"),
    # days a reservoir ended below its dead storage: as the ecological minimum's
    DEAD_ATTRIBUTE: CombineRule(SUM, SUM, by_id=True, fmt="d"),
    # days a reach was routed at its sub-step cap (hydro.routing.CAPPED_ATTRIBUTE): as the ecological minimum's
    "routing_substep_cap_days": CombineRule(SUM, SUM, by_id=True, fmt="d"),
    # a transfer's volume over the run's days: the blocks' days add up; runs of a file share their days
    # (the same in every run that reads the same series; listed per run if a run changed it)
    "transfer_volume_m3": CombineRule(SUM, LISTED, by_id=True, fmt=".6e"),
    # the run's days a transfer's file gives a value for: as the volumes
    "transfer_days": CombineRule(SUM, LISTED, by_id=True, fmt="d"),
    # what reservoirs let out of their release, ecological and abstraction series (and a reach abstraction
    # took, alone on its reach): as the volumes
    "transfer_delivered_m3": CombineRule(SUM, LISTED, by_id=True, fmt=".6e"),
    # water a flow-driven run added to match its gauges (m3): one run's, on its weather
    "flow_driven_added_water_m3": CombineRule(SUM, LISTED, fmt=".6e"),
}


@dataclass
class Combiner:
    """The combined attributes of the runs of one file (``how``: ``"blocks"`` or ``"runs"``).

    :meth:`add` each run's attributes as it arrives (``k``: its place, ``label``: its label in
    ``listed`` values); :meth:`attrs` gives the file's value of every attribute, combined in the
    order of ``k`` whatever the order the runs arrived in.  ``where`` names the file in errors.
    """

    how: str
    where: str = ""
    _same: dict[str, tuple[str, str]] = field(default_factory=dict)
    _runs: dict[int, tuple[str, dict[str, str]]] = field(default_factory=dict)
    _first: str = ""

    def __len__(self) -> int:
        """The runs taken in."""
        return len(self._runs)

    def rule(self, name: str) -> str:
        """This combiner's rule for attribute ``name`` (``same`` for one without a rule)."""
        rule = RULES.get(name)
        return SAME if rule is None else (rule.blocks if self.how == "blocks" else rule.runs)

    def add(self, k: int, attrs: dict, label: object = None) -> None:
        """Take in run (or block) ``k``'s attributes; raise :class:`HydroError` if a ``same``
        attribute differs from an earlier run's."""
        label = str(k if label is None else label)
        attrs = {name: value for name, value in attrs.items() if name not in WRITER_ATTRIBUTES}
        same = {name for name in attrs if self.rule(name) == SAME}
        if self._runs and same != set(self._same):
            name = sorted(same ^ set(self._same))[0]
            has, lacks = (label, self._first) if name in same else (self._first, label)
            raise HydroError(f"{self.where}: {self._what(has)} has the global attribute '{name}' and "
                             f"{self._what(lacks)} has not; every run of one file must have it or none: "
                             "write these runs to separate files")
        self._first = self._first or label
        kept: dict[str, str] = {}
        for name, value in attrs.items():
            value = str(value)
            if self.rule(name) != SAME:
                kept[name] = value
                continue
            first = self._same.setdefault(name, (label, value))
            if first[1] != value:
                why = ("it has no combination rule in hydro.run_attributes (a bug: please report it)"
                       if name not in RULES else "it must be the same in every run of one file")
                raise HydroError(
                    f"{self.where}: global attribute '{name}' of {self._what(label)} differs from "
                    f"{self._what(first[0])}'s ('{_short(value)}' against '{_short(first[1])}'); {why}: "
                    "write these runs to separate files")
        self._runs[k] = (label, kept)

    def _what(self, label: str) -> str:
        return f"block {label}" if self.how == "blocks" else f"run {label}"

    def attrs(self) -> dict[str, str]:
        """The file's attributes: each ``same`` one as every run gave it, the others combined."""
        out = {name: value for name, (_, value) in self._same.items()}
        runs = [self._runs[k] for k in sorted(self._runs)]
        names = list(dict.fromkeys(name for _, kept in runs for name in kept))
        for name in names:
            given = [(label, kept.get(name, "")) for label, kept in runs]  # "": a run without it
            if self.rule(name) != LISTED:
                given = [(label, value) for label, value in given if value]
            value = combine(name, self.rule(name), given)
            if value:
                out[name] = value
        return out


def run_days(results) -> dict[str, str]:
    """``{RUN_DAYS: "first..last"}``: the first and last day ``results`` simulate (ISO dates; of their
    averaging periods' bounds when averaged), or ``{}`` without days.  The writers put it under the
    run's own attributes, so a file read and written again keeps its run's days."""
    dates = list(results.coords.get("time", []))
    if not dates:
        return {}
    first, last = dates[0], dates[-1]
    if results.time_bounds is not None:
        first, last = results.time_bounds[0][0], results.time_bounds[1][-1] - timedelta(days=1)
    return {RUN_DAYS: f"{first.isoformat()}..{last.isoformat()}"}


def run_day_span(attrs: dict) -> tuple[date, date] | None:
    """The run's first and last day from a file's :data:`RUN_DAYS` attribute; None where it has none (a file
    written before 2026-12-06) or it does not read as ``first..last``."""
    first, sep, last = str(attrs.get(RUN_DAYS, "")).partition("..")
    try:
        return (date.fromisoformat(first), date.fromisoformat(last)) if sep else None
    except ValueError:
        return None


def failure_reasons(failed: dict) -> str:
    """The global attribute ``<dim>s_failed_reasons`` beside ``<dim>s_failed``: why each run failed.

    One line ``label: reason`` per failed run, in the order of ``failed`` (label -> error text, each
    on one line): a file whose batch lost its stderr (a scheduler's log rotated, ``2>/dev/null``) still
    says why a member is NaN or a scenario missing (review of 2026-12-05, F6).

    Parameters
    ----------
    failed : dict
        The failed runs' labels (members, scenario ids) and their errors.

    Returns
    -------
    str
    """
    return "\n".join(f"{label}: {' '.join(str(reason).split())}" for label, reason in failed.items())


def id_values(value: str) -> dict[str, str]:
    """An ``"id=value;..."`` attribute (``"a=1;b=2"``) as {id: value} (``{"a": "1", "b": "2"}``), ids
    in their order; an id holds no ``=``, a value may.  The one reader of such attributes (here,
    below the writers and the readers that use it)."""
    out: dict[str, str] = {}
    for item in str(value or "").split(";"):
        if "=" in item:
            name, v = item.split("=", 1)
            out[name] = v
    return out



def transfer_spans(value: str) -> dict[str, tuple[str, str, str, str, str]]:
    """The results' ``transfers`` attribute (``id=kind:element:file:first..last;...``, written by
    :meth:`hydro.transfers.Transfers.attributes`) as {id: (kind, element, file, first, last)}, ids in
    their order; missing parts read ``""``."""
    out = {}
    for tid, spec in id_values(value).items():
        kind, element, file, span = (spec.split(":") + ["", "", "", ""])[:4]
        first, _, last = span.partition("..")
        out[tid] = (kind, element, file, first, last)
    return out

def upstream_elements(network_downstream: str) -> dict[str, set]:
    """Element id -> ids of every element upstream of it, from ``id=downstream;...`` (the
    results' ``network_downstream``)."""
    down = {k: v for k, v in id_values(network_downstream).items() if v}
    up: dict[str, set] = {}
    for e in down:
        seen, d = set(), down.get(e)
        while d and d not in seen:
            seen.add(d)
            up.setdefault(d, set()).add(e)
            d = down.get(d)
    return up


def combine(name: str, how: str, given: list[tuple[str, str]]) -> str:
    """The combined value of attribute ``name`` under rule ``how`` from (label, value) pairs."""
    rule = RULES.get(name, CombineRule(SAME, SAME))
    values = [v for _, v in given]
    if how == LISTED:
        if len(set(values)) <= 1:
            return values[0] if values else ""
        if rule.by_id:
            return ";".join(f"{label}:{i}={v}" for label, value in given for i, v in id_values(value).items())
        return ";".join(f"{label}={v}" for label, v in given)
    if len(values) == 1:
        return values[0]  # one run's value as it wrote it
    if rule.by_id:
        parts: dict[str, list[str]] = {}
        for value in values:
            for i, v in id_values(value).items():
                parts.setdefault(i, []).append(v)
        return ";".join(f"{i}={_number(how, vs, rule.fmt)}" for i, vs in parts.items())
    return _number(how, values, rule.fmt)


def _number(how: str, values: list[str], fmt: str) -> str:
    if how == MAX:  # the worst run's value as it wrote it; a NaN closure is the worst of all
        return max(values, key=lambda v: (math.isnan(float(v)), float(v)))
    if fmt == "d":
        return str(sum(int(v) for v in values))
    return format(sum(float(v) for v in values), fmt)


def _short(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[:n] + "..."
