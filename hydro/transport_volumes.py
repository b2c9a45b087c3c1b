"""Cell volumes of a transport run: levels set by the hydraulic geometry, changes by the water balance.

:func:`cell_volumes` gives every cell's volume at the start of a run and its
share of its reach; :func:`through_shares` the share of a reach's water above
each cell's outflow face.  Their reasoning is in docs/solver.md
("consistency with continuity").  A run in time blocks (:mod:`hydro.blocked`)
sets the level on its first block only (:func:`cell_water`) and carries the
volumes to the next block by the water balance (:func:`end_volumes`,
:func:`carried_water`).  The flows the level is set on are those of the basin's ``[run]`` period
(:func:`hydro.store_climate.period_numerics`), which a run of another period is given as its
start water: a run of that period takes its own (the same numbers).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from hydro.local_steps_auto import StepEstimate, estimate
from hydro.network import Network
from hydro.units import SECONDS_PER_DAY

#: Days sampled (evenly over the run) for the statistics that set volume levels.
MAX_SAMPLE_DAYS = 1000

#: Days whose cells' geometric volumes are computed at once (:func:`geometric_sums`) where the sampled days'
#: cells number more than :data:`GEOMETRIC_AT_ONCE` values: numpy's temporaries of (days, cells) then stay a
#: few MB at 10,000 reaches rather than about 100 MB each for a year (260 MB for the 1,000 sampled days of a
#: longer run), whose fresh pages cost more than the arithmetic on a machine where touching new memory is slow
#: (3 December 2026, AMD EPYC guest: 1.4 s of page clearing in a 10,000-reach year's transport).
GEOMETRIC_CHUNK_DAYS = 64
GEOMETRIC_AT_ONCE = 1 << 21  # (16 MB of float64: the shipped basins' 1,000 days by a few hundred cells)


def days_at_once(width: int) -> int:
    """How many days of a (days, ``width``) array to take at once where the result does not depend on how the
    days are cut (:func:`running_volume_blocks`): :data:`GEOMETRIC_AT_ONCE` values, at least one day."""
    return max(1, GEOMETRIC_AT_ONCE // max(1, int(width)))


#: A cell's volume is never allowed below this share of its median geometric
#: volume: where the water balance would take it lower (withdrawals or routing
#: deficits larger than the reach holds), the reach's whole volume series is
#: raised by a constant, which keeps every day's balance exact.
MIN_VOLUME_SHARE = 0.1


def cell_volumes(network: Network, q_in: np.ndarray, q_out: np.ndarray,
                 lateral: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """Cell volumes at the start of a run (m3), each cell's share, and the raised reaches.

    The solver changes a reach's volume only by its water balance, each cell by
    ``(q_in - q_out + lateral) / n`` per second (as water-quality models driven
    by a hydraulic model do: WASP, CE-QUAL-W2), so only the *level* of the
    volume series is free.  It is set so that the series matches the channel's
    hydraulic geometry as closely as the balance allows: the reach starts at the
    median over the run (on at most :data:`MAX_SAMPLE_DAYS` evenly spaced days)
    of (geometric volume at the day's flow) minus (storage the balance has
    gained by mid-day).  Geometric volumes are ``dx * A(Q)``
    with ``A`` from :meth:`hydro.network.Reach.cross_section_m2` at each cell's
    mean discharge.  With steady hydraulics (no storage change) this is the
    median geometric volume; with Muskingum-Cunge routing the volume rises and
    falls with the routing's storage around the geometry.  Each cell takes a
    fixed share of its reach's volume, lateral water, loads, withdrawals and
    storage change: its share of the reach's geometric volume over the run (so
    the small cells at the top of a river that starts dry are not drained by an
    even split).  Where the balance would take the reach below
    :data:`MIN_VOLUME_SHARE` of its median geometric volume, its level is raised
    by the shortfall (a constant, so every day's balance stays exact) and the
    reach is reported.

    Parameters
    ----------
    network : Network
    q_in, q_out, lateral : (D, R) float
        Inlet and outlet discharge and net lateral water, m3 s-1.

    Returns
    -------
    volume : (N,) float
        Cell volumes at the start of the first day, m3.
    share : (N,) float
        Each cell's share of its reach (they add up to 1 over a reach).
    raised : tuple of int
        Indices of the reaches whose level was raised.
    """
    w = cell_water(network, q_in, q_out, lateral)
    return w.volume, w.share, w.raised


@dataclass(frozen=True)
class CellWater:
    """The water of a transport run's cells at its start.

    Attributes
    ----------
    volume : (N,) float
        Cell volumes at the start of the first day, m3.
    share : (N,) float
        Each cell's share of its reach.
    floor : (R,) float
        Lowest volume a reach may reach, m3 (:data:`MIN_VOLUME_SHARE` of its
        median geometric volume over the days the level was set on).
    raised : tuple of int
        Reaches whose level was raised to stay above ``floor``.
    """

    volume: np.ndarray
    share: np.ndarray
    floor: np.ndarray
    raised: tuple[int, ...] = ()
    #: (R,) geometric volume of every reach on the first day the level was set on, m3 (None:
    #: not kept); a run on other weather starts from the same relation to it (:func:`on_own_first_day`)
    first_geometric: np.ndarray | None = None
    #: local time steps' estimated gain on the days the level was set on (:func:`hydro.local_steps_auto.estimate`;
    #: None: not estimated), by which ``[run] local_steps = "auto"`` chooses; a later block carries its first's
    step_estimate: StepEstimate | None = None


def cell_water(network: Network, q_in: np.ndarray, q_out: np.ndarray, lateral: np.ndarray,
               courant: float | None = None) -> CellWater:
    """:func:`cell_volumes` with the floor it kept each reach above (for later blocks of a run) and, given the
    run's ``courant``, the local steps' estimated gain (:attr:`CellWater.step_estimate`)."""
    sample = FlowSample(network, q_in.shape[0], courant)
    sample.add(q_in, q_out, lateral)
    return sample.water()


def _sample_days(n_day: int) -> np.ndarray:
    """The days the level and shares are set on: at most :data:`MAX_SAMPLE_DAYS`, evenly spaced."""
    return np.unique(np.linspace(0, n_day - 1, min(n_day, MAX_SAMPLE_DAYS)).astype(np.int64))


class FlowSample:
    """What :func:`cell_water` reads of a run's flows, taken in block by block (a run in time
    blocks sets its first block's water as a one-block run would, to the last bit).

    Parameters
    ----------
    network : Network
    n_day : int
        Days of the whole run; :meth:`add` takes them in order, in any number of blocks.
    courant : float, optional
        The run's Courant number: given, :meth:`water` estimates the local steps' gain on the same days.
    """

    def __init__(self, network: Network, n_day: int, courant: float | None = None):
        n_reach = len(network.reaches)
        self.network, self.days, self.seen, self.courant = network, _sample_days(n_day), 0, courant
        self.gained = np.zeros(n_reach)  # the balance's running sum, m3
        self.lowest = np.zeros(n_reach)
        self.rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # q_in, q_out, mid-day gain

    def add(self, q_in: np.ndarray, q_out: np.ndarray, lateral: np.ndarray) -> None:
        """The next block's inlet and outlet discharge and net lateral water, (D, R) m3 s-1."""
        # a sequential running sum, carried over: the same sums as one cumsum over the run
        rate = (q_in - q_out + lateral) * SECONDS_PER_DAY
        gained = np.cumsum(np.concatenate([self.gained[None, :], rate]), axis=0)[1:]  # end of each day
        mid_day = gained - 0.5 * (q_in - q_out + lateral) * SECONDS_PER_DAY
        here = self.days[(self.days >= self.seen) & (self.days < self.seen + len(q_in))] - self.seen
        self.rows.append((q_in[here], q_out[here], mid_day[here]))
        self.lowest = np.minimum(self.lowest, gained.min(axis=0))
        self.gained = gained[-1].copy()
        self.seen += len(q_in)

    def water(self) -> CellWater:
        """The cells' water at the start of the run (see :func:`cell_volumes`)."""
        network = self.network
        r_of = network.layout.cell_reach
        q_in, q_out, mid_day = (np.concatenate([r[k] for r in self.rows]) for k in range(3))
        cell_sum, reach_geometric = geometric_sums(network, q_in, q_out)
        level = np.median(reach_geometric - mid_day, axis=0)
        share = cell_sum / reach_geometric.sum(axis=0)[r_of]
        floor = MIN_VOLUME_SHARE * np.median(reach_geometric, axis=0)
        need = floor - (level + self.lowest)
        raised = np.flatnonzero(need > 0.0)
        level = level + np.maximum(need, 0.0)
        steps = None
        if self.courant is not None:  # at the reaches' mid-day volumes on the sampled days
            steps = estimate(network, q_in, q_out, level + mid_day, share,
                             through_shares(network.layout.reach_cell_start, share), self.courant)
        return CellWater(share * level[r_of], share, floor, tuple(int(r) for r in raised),
                         reach_geometric[0].copy() if self.days[0] == 0 else None, steps)


#: Exponents for which numpy's ``array ** scalar`` is not ``power`` (sqrt, square, reciprocal, ...).
FAST_POWERS = (-1.0, -0.5, 0.0, 0.5, 1.0, 2.0)


def geometric_volumes(network: Network, q_in: np.ndarray, q_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Geometric volume ``dx * A(Q)`` of every cell and reach at the days' flows, m3: (D, N) and (D, R)
    (``q_in``, ``q_out``: (D, R) inlet and outlet discharge, m3 s-1, linear along each reach)."""
    lay = network.layout
    start = lay.reach_cell_start[:-1]
    n_cells = np.diff(lay.reach_cell_start)
    along = (np.arange(lay.n_cells) - np.repeat(start, n_cells) + 0.5) / np.repeat(n_cells, n_cells)
    r_of = lay.cell_reach
    q_cell = np.maximum(q_in[:, r_of] + (q_out - q_in)[:, r_of] * along, 0.0)  # (days, N)
    geometric = np.empty_like(q_cell)
    # power-law reaches all at once (a reach at a time cost 8 us, 5 % of a 2,500-cell tree's
    # transport): Reach.cross_section_m2's operations, element for element (numpy's power is one
    # loop for a scalar and an array exponent, but `array ** scalar` takes sqrt, square or the
    # reciprocal for the exponents of FAST_POWERS: those reaches, and channels, go one by one)
    lone = [r for r, reach in enumerate(network.reaches)
            if reach.channel is not None or reach.velocity_exp in FAST_POWERS]
    coeff = np.array([reach.velocity_coeff for reach in network.reaches], dtype=float)[r_of]
    expo = np.array([reach.velocity_exp for reach in network.reaches], dtype=float)[r_of]
    with np.errstate(divide="ignore", invalid="ignore"):
        area = q_cell / (coeff * q_cell ** expo)
    np.copyto(geometric, np.where(q_cell == 0, 0.0, area))
    for r in lone:
        a, b = lay.reach_cell_start[r], lay.reach_cell_start[r + 1]
        geometric[:, a:b] = network.reaches[r].cross_section_m2(q_cell[:, a:b])
    geometric *= lay.cell_dx
    return geometric, np.add.reduceat(geometric, start, axis=1)


def geometric_sums(network: Network, q_in: np.ndarray, q_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's geometric volume summed over the days (N,) and each reach's on every day (D, R), m3, of
    :func:`geometric_volumes`: at once (numpy's ``sum(axis=0)``) up to :data:`GEOMETRIC_AT_ONCE` values, else
    :data:`GEOMETRIC_CHUNK_DAYS` days at a time, the cells' sums added day after day in order (numpy's own
    order for a (days, cells) array as wide as a large network's, which it may sum otherwise for a narrow
    one: the two agree to round-off; each run takes one of them by its size, so its bits do not change)."""
    if len(q_in) * network.layout.n_cells <= GEOMETRIC_AT_ONCE:
        geometric, per_reach = geometric_volumes(network, q_in, q_out)
        return geometric.sum(axis=0), per_reach
    reaches = []
    cell_sum = np.empty(0)
    for lo in range(0, len(q_in), GEOMETRIC_CHUNK_DAYS):
        cells, per_reach = geometric_volumes(network, q_in[lo:lo + GEOMETRIC_CHUNK_DAYS],
                                             q_out[lo:lo + GEOMETRIC_CHUNK_DAYS])
        reaches.append(per_reach)
        if lo == 0:  # (the first day's volumes themselves, as numpy's sum starts)
            cell_sum = cells[0].copy()
        for row in cells[1 if lo == 0 else 0:]:
            cell_sum += row
    return cell_sum, np.concatenate(reaches)


def on_own_first_day(network: Network, water: CellWater, q_in: np.ndarray, q_out: np.ndarray) -> CellWater:
    """``water``, set on other flows (the basin's period on its station record), for a run that
    starts on the same day on its own flows (generated weather, a member): each reach shifted by its
    geometric volume on the run's first day less that on the day the level was set on, so that it
    starts in the same relation to its channel's geometry.  Without it, a member whose first-day
    flows were far below the record's (warmed up on its own generated years, against the record's
    drain from the runoff stores' fillings) kept the record's first-day water all run: Miyun's
    members carried 1.8 times less TN than the record's run (2026-12-01).  A run on the record
    itself shifts by exactly 0.  Reaches the shift takes below their floor are raised by the
    transport (:func:`carried_water`).  ``q_in``, ``q_out``: (1, R) the run's first day, m3 s-1.
    """
    if water.first_geometric is None:
        return water
    shift = geometric_volumes(network, q_in, q_out)[1][0] - water.first_geometric
    if not shift.any():
        return water
    return replace(water, volume=water.volume + shift[network.layout.cell_reach] * water.share)


def end_volumes(network: Network, volume: np.ndarray, share: np.ndarray, q_in: np.ndarray,
                q_out: np.ndarray, lateral: np.ndarray) -> np.ndarray:
    """Cell volumes at the end of the last day (m3): the last row of :func:`running_volumes`, so
    they are the solver's own to the last bit."""
    *_, last = running_volume_blocks(network.layout.cell_reach, volume, share, q_in, q_out, lateral)
    return last[-1].copy()


def running_volumes(cell_reach: np.ndarray, volume: np.ndarray, share: np.ndarray, q_in: np.ndarray,
                    q_out: np.ndarray, lateral: np.ndarray) -> np.ndarray:
    """Cell volumes at the start of every day and the end of the last, (D + 1, N), m3: ``volume``
    (N,) changed day by day by each cell's ``share`` of its reach's balance
    ``(q_in - q_out + lateral) * 86400`` ((D, R), m3 s-1; ``cell_reach`` (N,) each cell's reach),
    in the order the solver adds them (:func:`running_volume_blocks`, put together)."""
    return np.concatenate(list(running_volume_blocks(cell_reach, volume, share, q_in, q_out, lateral)))


def running_volume_blocks(cell_reach: np.ndarray, volume: np.ndarray, share: np.ndarray, q_in: np.ndarray,
                          q_out: np.ndarray, lateral: np.ndarray) -> Iterator[np.ndarray]:
    """:func:`running_volumes`' rows in order, in blocks of at most :data:`GEOMETRIC_AT_ONCE` values (the first
    block the start, ``volume``), so that a caller that needs one row, or a test of every row, never holds
    (D + 1, N) values: at 10,000 reaches a year's were five arrays of about 100 MB each, 370 MB of fresh pages
    (95,000 page faults, 3 December 2026), for a check that every volume stays positive; a run of at most
    :data:`GEOMETRIC_AT_ONCE` values is one block.  Each row is the one before plus the day's change, day
    after day (``add.accumulate`` is sequential), so the rows are the same to the bit however the days are cut."""
    net = q_in - q_out + lateral
    row = np.asarray(volume, dtype=float)[None, :]
    yield row
    days = days_at_once(len(share))
    for lo in range(0, len(net), days):
        change = SECONDS_PER_DAY * (net[lo:lo + days][:, cell_reach] * share)
        block = np.add.accumulate(np.concatenate([row, change]), axis=0)[1:]
        yield block
        row = block[-1:]


def carried_water(network: Network, start: CellWater, q_in: np.ndarray, q_out: np.ndarray,
                  lateral: np.ndarray) -> CellWater:
    """The cells' water at the start of a following block: ``start`` (the end of the block
    before), with any reach whose balance would take it below its floor in this block
    raised by the shortfall (a constant over the block, so every day's balance stays
    exact; the mass it holds is carried, so its concentration drops at the block's
    start) and reported in ``raised``."""
    lay = network.layout
    starts = lay.reach_cell_start[:-1]
    gained = np.cumsum((q_in - q_out + lateral) * SECONDS_PER_DAY, axis=0)
    level = np.add.reduceat(start.volume, starts)
    need = start.floor - (level + np.minimum(0.0, gained.min(axis=0)))
    raised = np.flatnonzero(need > 0.0)
    if not raised.size:
        return CellWater(start.volume, start.share, start.floor, (), step_estimate=start.step_estimate)
    volume = start.volume + np.maximum(need, 0.0)[lay.cell_reach] * start.share
    return CellWater(volume, start.share, start.floor, tuple(int(r) for r in raised), step_estimate=start.step_estimate)


def through_shares(reach_cell_start: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Cumulative share of its reach down to each cell's outflow face (exactly 1 at the last cell).

    Each reach's running sum of its cells' shares, in order (``np.cumsum`` of the reach's cells, to the
    bit), taken cell position by cell position over every reach at once: a loop over the reaches cost
    about 0.1 s at 10,000 reaches, twice a run (the local steps' estimate and the transport).
    """
    starts = np.asarray(reach_cell_start[:-1], dtype=np.int64)
    n_cells = np.diff(reach_cell_start)
    through = np.empty_like(share)
    through[starts] = share[starts]
    for i in range(1, int(n_cells.max(initial=0))):
        at = starts[n_cells > i] + i  # the i-th cell of every reach that has one
        through[at] = through[at - 1] + share[at]
    through[np.asarray(reach_cell_start[1:], dtype=np.int64)[n_cells > 0] - 1] = 1.0
    return through
