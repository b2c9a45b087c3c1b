"""A watershed run's transport variables named constituent by constituent, each as soon as its lane is done.

The transport runs its groups (a constituent with its species and source tags each, and the transferred
water's tracer) in lanes, one a thread (:func:`hydro.transport.simulate`), and the lanes do not end
together: on Miyun TN's lane ends 0.15-0.2 s before the other's (TP, CODMn and the water).
:class:`LaneNaming` is the transport's ``on_lane``: on the thread of the lane that ran a group, while the
other lane still runs, it names that group's tracers (:func:`hydro.tracers.split_results`, the sums of
species and tags: NumPy, which releases Python's lock in them) into a :class:`hydro.results.Results` of
that group's variables alone, and hands it on (``on_part``: :meth:`hydro.netcdf_overlap.OverlappedWrite.part`
writes it meanwhile).  :meth:`LaneNaming.finish` names what no lane ran (a group whose sources are all
dead) and adds every group's variables to the run's results, group by group, then the transport's own
(``section_discharge``, ``transport_substeps``).

Every value is the one naming all the tracers at once gave (:func:`hydro.pipeline_steps.results` before
2 December 2026): each constituent's sums read its own tracers only, in the same order.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from hydro.assembly import add_named_results, add_source_results, add_transfer_tracer
from hydro.tracers import select, split_results

if TYPE_CHECKING:
    from hydro.results import Results
    from hydro.transport import Constituent, TransportResult


class LaneNaming:
    """Name a run's transport results group by group (``carried``: the constituents, group ``k`` the
    ``k``-th; a last group, the transferred water's tracer, where ``water``).

    ``res``: the results known before the transport (:func:`hydro.pipeline_steps.water_results`), which
    :meth:`finish` completes; ``groups``: the tracers of each group; ``n_tag``: source tags a part;
    ``n_res``: reservoirs; ``transfers``: whether the run writes the transferred water's variables (its
    tracer is the group after the constituents, where ``water``);
    ``on_part(rank, part)``: called with each group's variables, on the thread that named them, and the
    group's place in the order they are to be written in (:attr:`rank`).
    """

    def __init__(self, res: Results, carried: list[Constituent], groups: list[int], n_tag: int, n_res: int,
                 water: bool, transfers: bool, on_part=None):
        self.res, self.carried, self.n_tag, self.n_res = res, carried, n_tag, n_res
        self.water, self.transfers, self.on_part = water, transfers, on_part
        self.start = np.concatenate([[0], np.cumsum(groups)]).astype(int).tolist()
        self.parts: dict[int, Results] = {}
        #: the order the groups' variables are written in (``on_part``'s first argument): the smallest group
        #: first, as the lane it ends up in is the likelier to end first (:func:`hydro.transport_args.lanes`
        #: puts the largest group on a lane first): on Miyun TP's, CODMn's and the water's lane ends before TN's
        self.rank = {g: k for k, g in enumerate(sorted(range(len(groups)), key=lambda g: (groups[g], g)))}

    def __call__(self, groups: list[int], tr: TransportResult) -> None:
        """The transport's ``on_lane``: name ``groups`` of ``tr`` (done, in users' units) and hand them on."""
        for g in sorted(groups, key=self.rank.__getitem__):  # in the order they are written in
            self._part(g, tr)

    def finish(self, tr: TransportResult) -> Results:
        """The run's results: every group's variables (those no lane gave named now), group by group, then
        the transport's own."""
        for g in range(len(self.carried) + (self.water and self.transfers)):
            if g not in self.parts:
                self._part(g, tr)
        for g in sorted(self.parts):
            self.res.data.update(self.parts[g].data)
        self.res.add("section_discharge", tr.section_discharge)
        self.res.add("transport_substeps", tr.substeps)
        return self.res

    def _part(self, g: int, tr: TransportResult) -> None:
        """Name group ``g`` of ``tr`` into a results of its variables alone; hand it on."""
        res = self.res
        part = replace(res, coords=dict(res.coords), data={}, attrs=dict(res.attrs))
        if g < len(self.carried):
            c = self.carried[g]
            named = split_results(select(tr, slice(self.start[g], self.start[g + 1])), [c], self.n_tag)
            add_named_results(part, named.total, named.names, bool(self.n_res))
            add_source_results(part, named, self.n_res)
        elif self.water and self.transfers:  # the transferred water's tracer
            add_transfer_tracer(part, select(tr, self.start[g]), self.n_res)
        else:  # a run without that tracer (or whose transfers are not written): nothing of it
            return
        self.parts[g] = part
        if self.on_part is not None:
            self.on_part(self.rank[g], part)
