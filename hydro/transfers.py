"""Transfers and reservoir operations as daily or monthly series (``[[transfers]]``).

A watershed basin's ``[[transfers]]`` tables bring water from outside the basin
into a reservoir or a reach (the South-to-North water pumped into Miyun, Yellow
River water for the upper Yongding), give a reservoir's release as a series
(Miyun's supply by year, a concentrated release from Cetian), add ecological
releases on top of a reservoir's rule, and take abstractions out of a reach or
an outlet reservoir.  Each table names one series file::

    [[transfers]]
    id = "snwd_miyun"
    kind = "inflow"              # inflow | release | ecological | abstraction
    reservoir = "miyun"          # or reach = "..."
    csv = "transfers/snwd_miyun_daily.csv"
    origin = "south-to-north"    # where the water comes from (inflows)
    tn_mg_per_l = 1.34           # TN of the water, when the file has no tn_mg_per_l column
    tp_mg_per_l = 0.020          # any other species or constituent of SPECIES, the same way
    reference = "..."            # where the numbers come from
    note = "..."

The series file (CSV, UTF-8, ``#`` lines are comments) has a ``date`` column and
exactly one of ``flow_m3_s`` (mean flow over the row's day or month) or
``volume_mcm`` (10^6 m3 over the row's day or month), and for inflows optionally
concentrations ``<x>_mg_per_l``.  Dates are either all ``YYYY-MM-DD`` (daily rows) or all
``YYYY-MM`` (monthly rows: the month's volume, or its mean flow, spread evenly
over its days), strictly increasing.  Days of the run that no row covers carry
no transfer; for a ``release`` the reservoir follows its rule
(``target_release_m3_s``) on those days.  Errors name the file, the line and the
column, and say what to write instead.

Water quality of an inflow: ``<x>_mg_per_l`` for every name ``x`` of :data:`SPECIES`
(TN and its species organic N, NH3-N and NO3-N; TP and its dissolved and
particulate parts; the permanganate index CODMn), each given once, as a key of
the table (constant) or as a column of the file (day by day).  TN is required;
a name not given brings none of it (a zero load: give it where the water
carries it).  Where a total and its parts are given (``tn`` = ``orgn`` +
``nh3n`` + ``no3n``; ``tp`` = ``dp`` + ``pp``), the parts may not exceed the
total, and all of them must add up to it, within :data:`PARTS_TOLERANCE_MG_PER_L`
(or 0.1 % of the total).  :meth:`Transfers.species_load` gives each name's load.

What each kind does (all flows m3 s-1):

``inflow``
    water from outside the basin.  Into a reservoir it joins the reservoir's
    inflow (the water balance) and its TN (``flow * tn``) the reservoir's direct
    load; into a reach it joins the reach's lateral inflow and lateral load.
    Its nitrogen is carried as its own source tag (``transfer``), and its water
    as a conservative tracer, so results keep transferred and natural water
    apart at every reservoir and section.
``release``, ``ecological``
    the reservoir's target release on the covered days (replaces the rule), or a release
    added to it; still limited by the water above dead storage.
``abstraction``
    water taken out of the basin: from a reach as a withdrawal (capped by
    ``max_share``, default 0.9, of the reach's water that day, leaving at the
    reach's concentration); from a reservoir only where it has no downstream
    element (what leaves an outlet reservoir leaves the network), as release.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from hydro.ecological_minimum import dated_minimum, ecological_minimum
from hydro.errors import HydroError, suggest
from hydro.transfer_estimates import estimated_parts
from hydro.transfer_series import SeriesFile, read_transfer_series
from hydro.transfer_tables import (  # the tables' keys, parsed at load: hydro.transfer_tables
    CONCENTRATION_SUFFIX,
    KINDS,
    PARTS,
    PARTS_TOLERANCE_MG_PER_L,
    SPECIES,
    VALUE_COLUMNS,
    parts_problem,
)
from hydro.units import SECONDS_PER_DAY

__all__ = ["CONCENTRATION_SUFFIX", "KINDS", "PARTS", "PARTS_TOLERANCE_MG_PER_L", "SPECIES", "VALUE_COLUMNS",
           "SeriesFile", "Transfer", "Transfers", "abstraction_delivered", "read_transfer_series", "read_transfers",
           "series_dates"]

#: g s-1 per (m3 s-1 * mg L-1): mg L-1 = g m-3.
G_PER_S_PER_M3S_MGL = 1.0


@dataclass(frozen=True)
class Transfer:
    """One ``[[transfers]]`` table read onto the run."""

    id: str
    name: str
    kind: str
    reservoir: int | None
    reach: int | None
    origin: str
    series: SeriesFile
    tn: np.ndarray  # (D,) mg L-1 of inflowing water (0 for other kinds)
    max_share: float
    reference: str
    species: dict = field(default_factory=dict)  # name -> (D,) mg L-1 of inflowing water, given names only


@dataclass(frozen=True)
class Transfers:
    """All transfers of a run as arrays (D days, R reaches, S reservoirs).

    Attributes
    ----------
    items : tuple of Transfer
    res_inflow, res_load : (D, S)
        Water from outside into reservoirs (m3 s-1) and its TN (g s-1).
    reach_inflow, reach_load : (D, R)
        Water from outside into reaches, spread along them (m3 s-1), and its TN (g s-1).
    release : (D, S)
        Release series (m3 s-1), NaN where the rule applies.
    extra_release : (D, S)
        Ecological releases and outlet abstractions added to the target, m3 s-1.
    res_abstraction : (D, S)
        Requested abstractions from outlet reservoirs (part of ``extra_release``), m3 s-1.
    reach_abstraction : list of (reach index, flow (D,), max_share)
    species_res_load, species_reach_load : dict of str to (D, S) and (D, R)
        Load of each name of :data:`SPECIES` that an inflow gives, g s-1 (read with
        :meth:`species_load`).
    eco_min : (D, S), optional
        Each reservoir's ecological minimum on each day (m3 s-1; ``ecological_min_m3_s``, a number
        or a table of years, :func:`hydro.ecological_minimum.ecological_minimum`), the least
        target (:meth:`target_release`).
    dated_minimum : bool
        Whether a reservoir's minimum is a table of years: the operations then need the daily
        target (:attr:`sets_target`) even without a transfer.
    eco_least : (S,), optional
        Each reservoir's least minimum (``ecological_min_m3_s``, the least of a table's values):
        the operations the numerics are chosen from (:meth:`reference_target`).
    alone_reaches : frozenset of int
        Reaches where one abstraction is the only request (no other abstraction, no
        ``[[withdrawals]]``): its take is the reach's ``reach_withdrawal``.
    """

    items: tuple
    res_inflow: np.ndarray
    res_load: np.ndarray
    reach_inflow: np.ndarray
    reach_load: np.ndarray
    release: np.ndarray
    extra_release: np.ndarray
    res_abstraction: np.ndarray
    reach_abstraction: list = field(default_factory=list)
    species_res_load: dict = field(default_factory=dict)
    species_reach_load: dict = field(default_factory=dict)
    eco_min: np.ndarray | None = None
    dated_minimum: bool = False
    eco_least: np.ndarray | None = None
    alone_reaches: frozenset = frozenset()

    def species_load(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The load the inflows bring of one species or constituent.

        Parameters
        ----------
        name : str
            One of :data:`SPECIES` (``tn``, ``orgn``, ``nh3n``, ``no3n``, ``dp``, ``pp``,
            ``tp``, ``codmn``).

        Returns
        -------
        res_load : (D, S) ndarray
            Into each reservoir, g s-1 (flow x concentration).
        reach_load : (D, R) ndarray
            Into each reach, g s-1.
            Both are zeros where no inflow gives ``<name>_mg_per_l``; for ``tn`` they are
            :attr:`res_load` and :attr:`reach_load`.

        Raises
        ------
        HydroError
            For a name not in :data:`SPECIES`.
        """
        if name not in SPECIES:
            raise HydroError(f"no transferred species '{name}'" + suggest(name, SPECIES)
                             + f"; transfers carry {', '.join(SPECIES)}")
        if name == "tn":
            return self.res_load, self.reach_load
        res = self.species_res_load.get(name)
        reach = self.species_reach_load.get(name)
        return (res if res is not None else np.zeros_like(self.res_load),
                reach if reach is not None else np.zeros_like(self.reach_load))

    @property
    def any(self) -> bool:
        return bool(self.items)

    @property
    def sets_target(self) -> bool:
        """Whether the reservoirs' daily target (:meth:`target_release`) differs from their rule:
        a release, ecological or abstraction series, or a minimum given as a table of years."""
        return bool(self.items) or self.dated_minimum

    @property
    def carries_water_in(self) -> bool:
        """Whether any water enters from outside the basin."""
        return bool(np.any(self.res_inflow > 0) or np.any(self.reach_inflow > 0))

    def target_release(self, rule: np.ndarray) -> np.ndarray:
        """Each day's target release (D, S): the series where given, else ``rule``, plus extras, at
        least the day's ecological minimum (:attr:`eco_min`) plus the day's outlet abstractions, as
        :func:`hydro._hydraulics_kernels.reservoir_day` lets out (a short release cuts each part
        alike, :func:`abstraction_delivered`, the minimum's too).  The minimum is what the river below
        gets, so water abstracted out of the basin comes on top of it: ``max(series or rule + ecological
        + abstraction, minimum + abstraction)`` (until 2026-12-05 an abstraction counted towards the minimum: 5 m3 s-1
        taken beside a minimum of 10 left 5 to the river; reservoir review F1)."""
        target = np.where(np.isnan(self.release), rule, self.release) + self.extra_release
        if self.eco_min is not None:
            target = np.maximum(target, self.eco_min + self.res_abstraction)
        return np.ascontiguousarray(target)

    def reference_target(self, rule: np.ndarray) -> np.ndarray | None:
        """:meth:`target_release` with each reservoir's least minimum (:attr:`eco_least`) on every
        day, None where the rule alone gives it (no transfer): where a minimum is a table of years,
        the flows the run's numerics are chosen from (:func:`hydro.ecological_minimum.reference_numerics`),
        so a minimum raised from a year does not move the days before it."""
        if not self.items:
            return None
        target = np.where(np.isnan(self.release), rule, self.release) + self.extra_release
        return np.ascontiguousarray(target if self.eco_least is None
                                    else np.maximum(target, self.eco_least + self.res_abstraction))

    def attributes(self) -> dict[str, str]:
        """Provenance of the transfers as global attributes (``transfer_estimated``: the periods, and
        ``days`` for their spread, that each file's header calls an ESTIMATE, :mod:`hydro.transfer_estimates`)."""
        if not self.items:
            return {}
        return {
            "transfers": ";".join(
                f"{t.id}={t.kind}:{'reservoir' if t.reservoir is not None else 'reach'}"
                f":{t.series.path.name}:{t.series.first}..{t.series.last}" for t in self.items),
            "transfer_origins": ";".join(f"{t.id}={t.origin}" for t in self.items if t.origin),
            "transfer_volume_m3": ";".join(f"{t.id}={t.series.volume_m3:.6e}" for t in self.items),
            # a file may leave days out inside its span (no transfer on them): the days it gives
            "transfer_days": ";".join(f"{t.id}={int(np.count_nonzero(t.series.covered))}" for t in self.items),
            # what the files' headers call an estimate (hydro.transfer_estimates): periods, "days" for the spread
            "transfer_estimated": ";".join(f"{t.id}={'|'.join(parts)}" for t in self.items
                                           if (parts := estimated_parts(t.series.path))),
        }


    def delivered_attributes(self, target: np.ndarray, release: np.ndarray,
                             withdrawn: np.ndarray | None = None) -> dict[str, str]:
        """``transfer_delivered_m3``: the volume (m3, ``id=m3;...``) reservoirs let out of each release,
        ecological and abstraction series, its flow times ``min(release / target, 1)`` a day
        (:func:`abstraction_delivered`; ``target`` :meth:`target_release`, ``release`` the run's,
        (D, S) m3 s-1), and the volume a reach abstraction took where it is its reach's only
        request (:attr:`alone_reaches`; ``withdrawn`` the run's ``reach_withdrawal``, (D, R)
        m3 s-1; capped at ``max_share`` of the reach's water).  Inflows always arrive."""
        got = {t.id: abstraction_delivered(t.series.flow, target[:, t.reservoir], release[:, t.reservoir])
               for t in self.items if t.reservoir is not None and t.kind != "inflow"}
        if withdrawn is not None:
            got.update({t.id: withdrawn[:, t.reach] for t in self.items
                        if t.kind == "abstraction" and t.reach in self.alone_reaches})
        return {"transfer_delivered_m3": ";".join(f"{k}={float(np.sum(v)) * SECONDS_PER_DAY:.6e}"
                                                  for k, v in got.items())} if got else {}


def _concentrations(spec, series: SeriesFile, dates: list[date]) -> dict[str, np.ndarray]:
    """Each species an inflow gives, mg L-1 on the run's days: file columns, else the table's keys."""
    n_day = len(dates)
    conc: dict[str, np.ndarray] = {}
    for x in SPECIES:
        if x in series.species:
            conc[x] = np.where(series.covered, series.species[x], 0.0)
        elif x in spec.constants:
            conc[x] = np.full(n_day, spec.constants[x])
    if series.species and spec.constants:  # a total in one place, its parts in the other
        for d in np.flatnonzero(series.covered):
            problem = parts_problem({x: float(c[d]) for x, c in conc.items()})
            if problem:
                raise spec.table.error(spec.keys[0], f"with {spec.csv_name} on {dates[d]}: {problem}")
    return conc


def read_transfers(basin, dates: list[date]) -> Transfers:
    """Read a basin's ``[[transfers]]`` series onto ``dates`` (see the module docstring).

    The tables were parsed and checked when the basin loaded
    (:attr:`hydro.basin.Basin.transfers`, :mod:`hydro.transfer_tables`); this reads
    each series file on the run's days and adds the transfers up by reservoir and reach.
    """
    net = basin.network
    n_day, n_reach, n_res = len(dates), len(net.reaches), len(net.reservoirs)
    res_inflow = np.zeros((n_day, n_res))
    res_load = np.zeros((n_day, n_res))
    reach_inflow = np.zeros((n_day, n_reach))
    reach_load = np.zeros((n_day, n_reach))
    release = np.full((n_day, n_res), np.nan)
    extra = np.zeros((n_day, n_res))
    res_abstraction = np.zeros((n_day, n_res))
    reach_abs = []
    species_res: dict[str, np.ndarray] = {}
    species_reach: dict[str, np.ndarray] = {}
    items = []
    for spec in basin.transfers:
        kind, r, s = spec.kind, spec.reach, spec.reservoir
        series = read_transfer_series(spec.csv, dates, allow_tn=kind == "inflow")
        conc = _concentrations(spec, series, dates) if kind == "inflow" else {}
        tn = conc.get("tn", np.zeros(n_day))
        q = series.flow
        if kind == "inflow":
            for x, c in conc.items():
                load = q * c * G_PER_S_PER_M3S_MGL
                if x == "tn" and s is not None:
                    res_load[:, s] += load
                elif x == "tn":
                    reach_load[:, r] += load
                elif s is not None:
                    species_res.setdefault(x, np.zeros((n_day, n_res)))[:, s] += load
                else:
                    species_reach.setdefault(x, np.zeros((n_day, n_reach)))[:, r] += load
            if s is not None:
                res_inflow[:, s] += q
            else:
                reach_inflow[:, r] += q
        elif kind == "release":
            both = series.covered & ~np.isnan(release[:, s])
            if both.any():
                day = dates[int(np.argmax(both))]
                raise spec.table.error("csv", f"reservoir '{spec.place}' already has a release series on "
                                              f"{day}; one release series per reservoir and day (add "
                                              "ecological releases with kind = \"ecological\")")
            release[:, s] = np.where(series.covered, q, release[:, s])
        elif kind == "ecological":
            extra[:, s] += q
        elif s is not None:  # abstraction from an outlet reservoir
            extra[:, s] += q
            res_abstraction[:, s] += q
        else:
            reach_abs.append((r, q.copy(), spec.max_share))
        items.append(Transfer(id=spec.id, name=spec.name, kind=kind, reservoir=s, reach=r, origin=spec.origin,
                              series=series, tn=tn, max_share=spec.max_share, reference=spec.reference,
                              species=conc))
    return Transfers(items=tuple(items), res_inflow=res_inflow, res_load=res_load,
                     reach_inflow=reach_inflow, reach_load=reach_load, release=release,
                     extra_release=extra, res_abstraction=res_abstraction, reach_abstraction=reach_abs,
                     species_res_load=species_res, species_reach_load=species_reach,
                     eco_min=ecological_minimum(net, [d.year for d in dates]), dated_minimum=dated_minimum(net),
                     eco_least=np.array([r.ecological_min_m3_s for r in net.reservoirs], dtype=float),
                     alone_reaches=_alone([r for r, _, _ in reach_abs], [w.reach_index for w in basin.withdrawals]))


def _alone(abstracted: list[int], withdrawn: list[int]) -> frozenset:
    """Reaches where one abstraction is the only request (``abstracted``, ``withdrawn``: reach indices)."""
    return frozenset(r for r in abstracted if abstracted.count(r) == 1 and r not in withdrawn)


def abstraction_delivered(requested: np.ndarray, target: np.ndarray, release: np.ndarray) -> np.ndarray:
    """The abstraction actually taken from an outlet reservoir (m3 s-1).

    Where the release falls short of its target (too little water above dead
    storage), every part of the target is cut in the same proportion.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(target > 0, np.minimum(release / target, 1.0), 0.0)
    return requested * ratio


def series_dates(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last``."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
