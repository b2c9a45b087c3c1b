"""A watershed run's transport variables named output by output, each as soon as its lane is done.

The transport runs its groups (a constituent with its species and source tags each, and the transferred
water's tracer) in lanes, one a thread (:func:`hydro.transport.simulate`), and the lanes do not end
together: on Miyun TP's, CODMn's and the water's lane mostly ends 0.1-0.25 s before TN's.
:class:`LaneNaming` is the transport's ``on_lane``: on the thread of the lane that ran a group, while the
other lane may still run, it names that group's tracers output by output (each species, then the
constituent: :func:`hydro.tracers.named_one_by_one`, the sums of species and tags in NumPy, which
releases Python's lock in them) into a :class:`hydro.results.Results` of that output's variables alone,
and hands each on as it is made (``on_part``: :meth:`hydro.netcdf_overlap.OverlappedWrite.part` writes it
while the next is named and the other lane runs).  :meth:`LaneNaming.finish` names what no lane ran (a
group whose sources are all dead) and adds every output's variables to the run's results, group by group,
then the transport's own (``section_discharge``, ``transport_substeps``).

Every value is the one naming all the tracers at once gave (:func:`hydro.tracers.split_results`, the
results step before 2 December 2026): each output's sums read its own tracers only, in the same order.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from hydro.assembly import add_named_results, add_source_results, add_transfer_tracer, add_transport_own
from hydro.tracers import named_one_by_one, select

if TYPE_CHECKING:
    from hydro.results import Results
    from hydro.transport import Constituent, TransportResult


class LaneNaming:
    """Name a run's transport results output by output (``carried``: the constituents, group ``k`` the
    ``k``-th; a last group, the transferred water's tracer, where ``water``).

    ``res``: the results known before the transport (:func:`hydro.pipeline_steps.water_results`), which
    :meth:`finish` completes; ``groups``: the tracers of each group; ``n_tag``: source tags a part;
    ``n_res``: reservoirs; ``transfers``: whether the run writes the transferred water's variables (its
    tracer is the group after the constituents, where ``water``); ``on_part(rank, part)``: called with
    each output's variables, on the thread that named them, and their place in the order they are to be
    written in (:attr:`rank`).
    """

    def __init__(self, res: Results, carried: list[Constituent], groups: list[int], n_tag: int, n_res: int,
                 water: bool, transfers: bool, on_part=None):
        self.res, self.carried, self.n_tag, self.n_res = res, carried, n_tag, n_res
        self.water, self.transfers, self.on_part = water, transfers, on_part
        self.start = np.concatenate([[0], np.cumsum(groups)]).astype(int).tolist()
        self.parts: dict[tuple[int, int], Results] = {}  # (group, output) -> its variables
        #: the order the outputs' variables are written in (``on_part``'s first argument): the smallest
        #: group's first, as the lane it ends up in is the likelier to end first
        #: (:func:`hydro.transport_args.lanes` puts the largest group on a lane first: on Miyun TP's, CODMn's
        #: and the water's lane mostly ends before TN's); within a group, its outputs in the order named
        outputs = [len(c.species) + 1 for c in carried] + [int(water and transfers)] * (len(groups) - len(carried))
        order = sorted(range(len(groups)), key=lambda g: (groups[g], g))
        self.rank = {(g, i): k for k, (g, i) in enumerate((g, i) for g in order for i in range(outputs[g]))}

    def __call__(self, groups: list[int], block) -> None:
        """The transport's ``on_lane``: name ``groups`` (done; ``block(g)``: group ``g``'s tracers alone, in
        users' units) and hand them on, in the order they are written in."""
        for g in sorted(groups, key=lambda g: self.rank[g, 0]):
            self._name(g, block(g))

    def finish(self, tr: TransportResult) -> Results:
        """The run's results: every output's variables (those no lane gave named now), group by group, then
        the transport's own."""
        for g in range(len(self.carried) + (self.water and self.transfers)):
            if (g, 0) not in self.parts:
                self._name(g, select(tr, slice(self.start[g], self.start[g + 1])))
        for key in sorted(self.parts):
            self.res.data.update(self.parts[key].data)
        add_transport_own(self.res, tr)
        return self.res

    def _name(self, g: int, block: TransportResult) -> None:
        """Name group ``g`` (``block``: its tracers alone) output by output, each into a results of its
        variables alone, handed on as it is made."""
        if g < len(self.carried):
            for i, named in enumerate(named_one_by_one(block, self.carried[g], self.n_tag)):
                part = self._part()
                add_named_results(part, named.total, named.names, bool(self.n_res))
                add_source_results(part, named, self.n_res)
                self._hand_on((g, i), part)
        elif self.water and self.transfers:  # the transferred water's tracer
            part = self._part()
            add_transfer_tracer(part, block, self.n_res)
            self._hand_on((g, 0), part)

    def _part(self) -> Results:
        """An empty results with the run's coordinates and attributes."""
        res = self.res
        return replace(res, coords=dict(res.coords), data={}, attrs=dict(res.attrs))

    def _hand_on(self, key: tuple[int, int], part: Results) -> None:
        """Keep output ``key``'s variables ``part``; give them to ``on_part``."""
        self.parts[key] = part
        if self.on_part is not None:
            self.on_part(self.rank[key], part)
