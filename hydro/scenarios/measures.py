"""Compiling a scenario: measures -> basin overrides (yearly tables) and yearly costs.

A measure changes source parameters of the subbasins it names, from its first
year, ramping linearly to its target (:meth:`Measure.ramp`).  Compiling reads the
basin file's own values (numbers or tables of years), applies the measures of a
scenario in file order to one yearly array per parameter, and writes each changed
parameter back as a ``--set``-style override with **one value per year**
(``subbasins.w1.sources.rural_domestic.connected_share={2015=0.1,2016=0.22,...}``),
so the source model's year interpolation reproduces the composed values exactly.  Where a
subbasin blends its yearly rates across 1 January, the values the measures changed are also
written as they were without them (``timing.before_measures``,
:meth:`~hydro.scenarios.basin_tables.YearlyParameters.before_measures`): the baseline's blend is
kept and the measures act as steps from 1 January of their first year, never before it.

Each kind is a class in :mod:`hydro.scenarios.kinds` (its parameters, what it
changes, its costs); this module selects the subbasins of each measure and
composes the measures.  What each kind changes (f = the ramp share of the year;
"base" = the value before the measure, which may itself change from year to
year) is listed in :data:`EFFECTS` and in ``docs/scenarios.md``.  A measure never makes a parameter
worse than its base value (blended removals and losses: never more N than before).

Costs: each measure has a quantity ``Q(y)`` in its kind's unit (persons
connected, households, m3/d, ha, head, m3) per subbasin and year.  Capital is
``capital_yuan_per_unit x max(Q(y) - Q(y-1), 0)`` spent in year y, counted either
in that year (``cost_method = "spent"``) or as an annuity
``capital x r / (1 - (1 + r)^-L)`` over the L years of its life from that year
(``"annualised"``); operating cost is ``operating_yuan_per_unit_yr x Q(y)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.scenarios.basin_tables import BasinInfo, YearlyParameters
from hydro.scenarios.fields import county_parts, in_counties
from hydro.scenarios.kinds import KINDS
from hydro.scenarios.kinds.base import Compilation, annualise
from hydro.scenarios.prices import price_notes
from hydro.scenarios.spec import ScenarioFile, Where
from hydro.sources.timing import days_in_years

#: What each built-in kind changes, in one line (from :data:`hydro.scenarios.kinds.KINDS` at import; the code
#: reads a kind's own ``effect`` and ``composition``, so a kind registered later is served alike).
EFFECTS = {name: kind.effect for name, kind in KINDS.items()}

#: How a second measure of each kind composes with an earlier one on the same subbasins, and what it pays
#: (:attr:`~hydro.scenarios.kinds.base.MeasureKind.composition`; the note of :func:`_same_kind_again`).
COMPOSITION = {name: kind.composition for name, kind in KINDS.items()}
_OVERLAP = {  # one per hydro.scenarios.kinds.base.COMPOSITIONS
    "share": ("the larger target holds: the second starts from the share the first reached and pays only what it "
              "adds beyond the first's share (a county top-up to 0.5 after a province-wide 0.6 adds nothing and "
              "costs nothing)"),
    "target": ("the lower effluent TN holds: the second starts from the first's and pays for a plant's capacity "
               "again only in the years the plant is still above its own target (a deeper upgrade)"),
    "multiplies": ("the model combines their effects, while each one's cost counts its own units in full, as if "
                   "the two did not overlap (two programmes reaching 60 % of the households each pay for 120 %); "
                   "give one measure per subbasin, or split their 'where'"),
    "adds": ("their conversions add (each converts its own share, up to what is left of the from_class) and "
             "each pays for the hectares it converts"),
}


def select_subbasins(info: BasinInfo, where: Where, file: Path, key: str, empty_ok: bool = False) -> list[int]:
    """Indices of the subbasins matching ``where``; unknown names are errors naming ``key``, as is
    a ``where`` no subbasin matches unless ``empty_ok`` (a party that bears no measure)."""
    n = len(info.subbasins)
    keep = np.ones(n, dtype=bool)
    if where.everywhere:
        return list(range(n))
    for crit, attr in (("subbasins", "id"), ("counties", "county"), ("provinces", "province")):
        names = getattr(where, crit)
        if names is None:
            continue
        known = info.attr(attr)
        # a subbasin across a county border ("Zhuolu, Huailai") is in each county it names; a name is
        # taken whole or without its bracket ("Yunzhou (Datong county)": Yunzhou), and listed without it
        parts = {p for k in known for p in county_parts(k)} if crit == "counties" else {k for k in known if k}
        have = sorted(parts)
        for name in names:
            if name not in parts and name not in known:
                raise HydroError(f"{file}: key '{key}.{crit}': unknown {attr} '{name}' in basin "
                                 f"{info.path}" + suggest(name, have) + f"; the basin has: {'; '.join(have)}")
        keep &= np.array([in_counties(k, names) if crit == "counties" else k in names for k in known])
    if where.reservoir is not None:
        if where.reservoir not in info.reservoir_ids:
            raise HydroError(f"{file}: key '{key}.reservoir': unknown reservoir '{where.reservoir}'"
                             + suggest(where.reservoir, info.reservoir_ids)
                             + f"; the basin has: {', '.join(info.reservoir_ids) or 'none'}")
        keep &= np.array([s.get("reservoir") == where.reservoir for s in info.subbasins])
    if not keep.any() and not empty_ok:
        raise HydroError(f"{file}: key '{key}': no subbasin of {info.path} matches all of these criteria")
    return [int(i) for i in np.nonzero(keep)[0]]


@dataclass
class Compiled:
    """A compiled scenario.

    Attributes
    ----------
    scenario : str
    overrides : list of str
        ``key.path=value`` assignments for :meth:`hydro.basin.Basin.load`.
    years : ndarray of int
        The years of ``capital`` and ``operating`` (the run's years).
    capital, operating : dict
        ``(measure id, subbasin index) -> yuan per year`` over ``years``.
    quantity : dict
        ``(measure id, subbasin index) -> Q(y)`` in the kind's unit.
    buffer_removed_mg_per_l : ndarray [year, subbasin]
        Σ_c share_c · (EMC without buffers − EMC with buffers): multiplied by the
        quick-flow volume it gives the N that buffers and wetlands keep out (kg).
    notes : list of str
    """

    scenario: str
    overrides: list
    years: np.ndarray
    capital: dict
    operating: dict
    quantity: dict
    buffer_removed_mg_per_l: np.ndarray
    notes: list

    def cost(self, measure: str | None = None) -> np.ndarray:
        """Total yuan per year (of one measure, or of all)."""
        out = np.zeros(len(self.years))
        for (m, _), v in self.capital.items():
            if measure in (None, m):
                out += v
        for (m, _), v in self.operating.items():
            if measure in (None, m):
                out += v
        return out


def compile_scenario(info: BasinInfo, sfile: ScenarioFile, scenario_id: str, years,
                     written_start: int | None = None) -> Compiled:
    """Compile one scenario of ``sfile`` against the basin for the run's ``years`` (from the basin's start where
    the run is spun up from there); ``written_start``, the first year the run writes, is the start its notes
    speak of (a measure complete before it acts on every written day: a policy review of 2026-12-06 found the
    shipped 2014-2016 packages run on 2022-2027 without a word, the notes comparing with the spin-up's 2000).

    Raises
    ------
    HydroError
        For a file written for another basin (:func:`check_basin`), a measure naming a
        subbasin, county, province, reservoir, land-use class, livestock type or plant the
        basin lacks (naming the file and key).
    """
    check_basin(info, sfile)
    years = np.asarray(sorted(int(y) for y in years), dtype=np.int64)
    scen = sfile.scenario(scenario_id)
    measures = [sfile.measures[m] for m in scen.measures]
    first = min([int(years[0])] + [m.years[0] for m in measures]) - 1
    ext = np.arange(first, int(years[-1]) + 1)
    comp = Compilation(info, YearlyParameters(info, ext), sfile.path)
    applied: dict[tuple[str, int], Any] = {}
    selected: dict[str, list[int]] = {}  # the subbasins of each measure so far
    for m in measures:
        f = np.array([m.ramp(y) for y in ext])
        subs = selected[m.id] = select_subbasins(info, m.where, sfile.path, f"{m.key}.where")
        comp.notes.extend(_across_borders(info, m, subs))
        comp.notes.extend(_same_kind_again(info, m, measures, selected))
        applied.update({(m.id, i): q for i, q in KINDS[m.kind].apply(m, f, subs, comp).items()})
    # a quantity may be a callable: read after every measure (hectares still farmed)
    quantity = {k: np.asarray(q() if callable(q) else q, dtype=float) * np.ones(len(ext))
                for k, q in applied.items()}
    in_run = ext >= years[0]
    capital, operating = {}, {}
    for (mid, i), qv in quantity.items():
        m = sfile.measures[mid]
        cap, op = KINDS[m.kind].costs(m, qv, sfile.cost_method, sfile.discount_rate, years=ext)
        capital[(mid, i)], operating[(mid, i)], quantity[(mid, i)] = cap[in_run], op[in_run], qv[in_run]
    removed = _buffer_removal(comp)
    comp.notes.extend(_timing_and_cost_notes(measures, int(years[0]) if written_start is None else written_start,
                                             int(years[-1]), sfile.cost_method))
    comp.notes.extend(price_notes(measures, sfile.price_year, sfile.price_index))
    return Compiled(scenario_id, comp.state.overrides() + comp.state.before_measures() + comp.overrides, years,
                    capital, operating,
                    quantity, removed[in_run], comp.notes)


def _across_borders(info: BasinInfo, m, subs: list[int]) -> list[str]:
    """A note for each subbasin a measure selects by county that lies in part in other counties: the
    measure acts on all of it (a subbasin is not split), which the file's counties do not say."""
    names = m.where.counties
    if not names:
        return []
    out = []
    labels = info.attr("county")
    for i in subs:
        label = labels[i]
        outside = [p for p in county_parts(label) if p not in names]
        if label not in names and outside:
            out.append(f"{m.id}: subbasin '{info.subbasins[i]['id']}' spans {label}; the measure acts on all of "
                       f"it, though its part in {', '.join(outside)} lies outside counties = {list(names)}")
    return out


def _same_kind_again(info: BasinInfo, m, measures, selected: dict[str, list[int]]) -> list[str]:
    """A note where ``m`` acts on subbasins an earlier measure of its kind in the scenario acts on
    (``selected``: each measure's subbasins so far, ``m``'s included), saying how the two compose and what
    the second pays (each kind's ``composition``, :data:`COMPOSITION`): two toilet programmes at 60 % each
    pay for 120 % of the households, while a sewage connection to 0.5 after one to 0.6 pays nothing (until the review of
    2026-12-05 every kind's note said the former)."""
    def disjoint(a, b) -> bool:  # different classes, livestock types or plants: no overlap
        return any(a.lists.get(k) and b.lists.get(k) and not set(a.lists[k]) & set(b.lists[k]) for k in a.lists)

    earlier = [e for e in measures[:measures.index(m)] if e.kind == m.kind and not disjoint(e, m)]
    out = []
    for e in earlier:
        both = sorted(set(selected[m.id]) & set(selected[e.id]))
        if both:
            ids = ", ".join(info.subbasins[i]["id"] for i in both[:5]) + (" ..." if len(both) > 5 else "")
            out.append(f"{m.id}: acts, as {e.id} does, as a {m.kind} on {ids}: "
                       + _OVERLAP[KINDS[m.kind].composition])
    return out


def _timing_and_cost_notes(measures, start: int, last: int, cost_method: str) -> list[str]:
    """What a measure of a run of the years ``start``..``last`` does not do there: act at all (its first
    year after ``last``), reach its target (its full year after ``last``), count a cost (no unit cost
    stated: the scenario's cost takes it as free, its cost per kg is not given), or count the capital of an
    effect the run has in full (its first year before ``start``: re-running an old plan on a later
    period, or [2004, 2006] typed for [2014, 2016]; review of 2026-12-05)."""
    notes = []
    for m in measures:
        first, full = m.years
        if first < start:
            capital = "" if m.costs.capital_yuan_per_unit == 0 else (
                f", while its capital spent before {start} counts " + (
                    "only through its annuities that fall in the run's years" if cost_method == "annualised"
                    else "not at all (cost_method = \"spent\": spent before the run), so the cost per kg kept "
                         "out sets that effect against its operating costs alone"))
            notes.append(f"{m.id}: acts from {first} (years = [{first}, {full}]), before the run's first year "
                         f"{start}: it acts on every day of the run, its effect counted from the run's first day"
                         + capital)
        if first > last:
            notes.append(f"{m.id}: acts from {first} (years = [{first}, {full}]), after the run's last year "
                         f"{last}: it changes nothing in this run and no cost of it counts")
        elif full > last:
            notes.append(f"{m.id}: reaches {100 * m.ramp(last):.0f} % of its target by the run's last year {last} "
                         f"(years = [{first}, {full}]): the rest of its effect and of its costs lie after the run")
        ends = max(first, start) + max(1, round(m.costs.lifetime_years)) - 1  # its first units' last year of life
        if m.costs.capital_yuan_per_unit > 0 and first <= last and ends < last:
            notes.append(f"{m.id}: its units of {max(first, start)} reach the end of their life "
                         f"({m.costs.lifetime_years:g} years) in {ends}, before the run's last year {last}: those "
                         "still in use are bought again the year after, at the same capital per unit (no "
                         "change of price or technology)")
        if m.costs.capital_yuan_per_unit == 0 and m.costs.operating_yuan_per_unit_yr == 0:
            notes.append(f"{m.id}: states no cost ([measures.costs] absent or zero): the scenario's cost counts it "
                         "as free, which is no price of it, and its cost per kg kept out is not given (n/a)")
    return notes


def check_parties(info: BasinInfo, sfile: ScenarioFile) -> None:
    """Raise a :class:`~hydro.errors.HydroError` for a ``[parties.<name>]`` naming a subbasin, county,
    province or reservoir the basin lacks (its measures' costs would silently go to ``unassigned``);
    a party that no subbasin matches is allowed (a payer bearing no measure)."""
    for name, where in sfile.parties.items():
        select_subbasins(info, where, sfile.path, f"parties.{name}", empty_ok=True)


def _buffer_removal(comp: Compilation) -> np.ndarray:
    """N kept out by buffers per unit quick flow, mg/L [year, subbasin]: Σ_c share_c emc_c (1/b_c - 1)."""
    info, state = comp.info, comp.state
    removed = np.zeros((len(state.years), len(info.subbasins)))
    for (i, cls), b in comp.buffer_factor.items():
        src = info.sources(i).get("land_use", {}).get(cls, {})
        share = state.get(i, ("land_use", cls, "share"), src.get("share"))
        emc = state.get(i, ("land_use", cls, "emc_mg_per_l"), src.get("emc_mg_per_l"))
        removed[:, i] += share * emc * (1.0 / b - 1.0)
    return removed


__all__ = ["COMPOSITION", "EFFECTS", "BasinInfo", "Compiled", "annualise", "check_parties", "compile_scenario",
           "days_in_years", "select_subbasins"]


def check_basin(info, sfile: ScenarioFile) -> None:
    """Raise a :class:`~hydro.errors.HydroError` where ``sfile``'s ``[scenario_set] basin`` names another
    basin than ``info``'s ``[basin] name`` (:func:`check_basin_name`; ``info``: a :class:`BasinInfo` or a
    :class:`~hydro.basin.Basin`, each with ``name`` and ``path``).  Its measures, targets and parties
    name that basin's subbasins, sections and provinces: without targets or parties a Guanting file ran
    on Miyun without a word (its measure names Hebei, which both have), with them the error blamed an
    unknown location."""
    given = str(info.name)
    check_basin_name(sfile, given, f"the basin given ({info.path})", _remedy(sfile, given, info.path))


def _remedy(sfile: ScenarioFile, given: str, path) -> str:
    """What to do of a scenario file for another basin: first what a file written for this basin says (its
    ``[basin] name``, not its folder's); the command on the basin the file names only where that is another
    basin hydro finds (a folder named as the file's ``basin`` is the one given: the command just run, new-basin
    review, 2026-12-06)."""
    from pathlib import Path

    from hydro.basin import resolve_basin

    said = (f"A file you wrote for this basin should say basin = \"{given}\" in [scenario_set] (basin is the "
            "basin's [basin] name, not its folder's, docs/scenarios.md)")
    try:
        other = resolve_basin(sfile.basin.strip()).resolve()
    except (HydroError, OSError):
        other = None
    if other is not None and other != Path(path).resolve():
        said += f"; run it on basin '{sfile.basin}' with hydro scenarios {sfile.basin} {sfile.path}"
    return said + f"; or give a scenario file written for {given} (configs/scenarios/ holds the shipped ones)"


def check_basin_name(sfile: ScenarioFile, given: str, what: str, remedy: str) -> None:
    """Raise a :class:`~hydro.errors.HydroError` where ``sfile``'s ``[scenario_set] basin`` is not ``given``
    (compared without case; a file that names no basin fits any), ``what`` saying whose name ``given``
    is and ``remedy`` what to do."""
    named = sfile.basin.strip()
    if not named or named.casefold() == given.strip().casefold():
        return
    raise HydroError(f"{sfile.path}: [scenario_set] basin = \"{named}\": this scenario file is written for basin "
                     f"'{named}', and {what} is basin '{given}', whose subbasins, sections and provinces its "
                     f"measures, targets and parties do not describe. {remedy}")
