"""The tracers of a watershed run: every constituent's species, by source, in and out of transport.

A watershed basin carries one or more constituents (``tn``, ``tp``, ``codmn``),
each transported as itself or as its species (``orgn``, ``nh3n``, ``no3n`` for
TN; ``dp``, ``pp`` for TP; :class:`hydro.transport.Constituent`).  Each part
(species, or constituent without species) gets its loads by source from
:mod:`hydro.sources` (TN) or :mod:`hydro.sources.quality` (the others), its
share of transferred water's load from :mod:`hydro.transfers`, and its initial
concentration from ``[initial]``; :func:`tracer_inputs` lays them out as the
tracers of :func:`hydro.transport.tracer_layout` (constituent, then species,
then source tag), and :func:`split_results` turns the transport result back into
named outputs: each constituent's total, each species, and both by source.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from hydro.errors import HydroError
from hydro.tag_sums import block_sums
from hydro.transport import Constituent, TracerLayout, TransportResult, tracer_layout
from hydro.units import G_PER_S_PER_KG_PER_DAY

#: Fields of a transport result that do not have a tracer axis.
_SHARED = ("section_discharge", "substeps", "raised_reaches", "start_water", "local_steps")


@dataclass(frozen=True)
class PartLoads:
    """What one transported part (a species, or a constituent without species) receives.

    Attributes
    ----------
    name : str
        The part's short name (``tn``, ``nh3n``, ``pp``, ...).
    diffuse : (D, n_sub, n_source) float
        Loads delivered by each subbasin, by source (:data:`hydro.sources.SOURCE_NAMES`), kg d-1.
    point : (D, n_point) float
        Loads of each point source, kg d-1.
    transfer_reservoir, transfer_reach : (D, S), (D, R) float
        Loads of water transferred from outside the basin, g s-1.
    init_river : float
        Initial concentration in every reach, mg L-1.
    init_reservoir : (S,) float
        Initial concentration in each reservoir, mg L-1.
    """

    name: str
    diffuse: np.ndarray
    point: np.ndarray
    transfer_reservoir: np.ndarray
    transfer_reach: np.ndarray
    init_river: float
    init_reservoir: np.ndarray


def initial_values(basin, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Initial concentrations (mg L-1) of ``names`` in rivers (P,) and reservoirs (S, P).

    From the basin's ``[initial]``, parsed and checked at load
    (:class:`hydro.basin_tables.InitialState`): ``<name>_mg_per_l`` applies everywhere and
    ``[initial.reservoirs.<id>] <name>_mg_per_l`` overrides it in a reservoir; absent means 0.
    """
    return basin.initial.values(names, [r.id for r in basin.network.reservoirs])


def part_loads(basin, constituents: list[Constituent], tn_loads: np.ndarray, point_tn: np.ndarray,
               quality, transfers) -> list[PartLoads]:
    """Loads, transfers and initial state of every part of ``constituents``, in transport order.

    Parameters
    ----------
    basin : Basin
        The basin (for ``[initial]`` and error messages).
    constituents : list of Constituent
        The basin's constituents.
    tn_loads : (D, n_sub, n_source) float
        TN loads of :func:`hydro.sources.daily_loads`, kg d-1.
    point_tn : (D, n_point) float
        TN loads of the point sources, kg d-1.
    quality : QualityLoads or None
        Loads of the other species (:func:`hydro.sources.quality.quality_loads`).
    transfers : Transfers
        The basin's transfers (:func:`hydro.transfers.read_transfers`).
    """
    parts = [p for c in constituents for p in c.parts]
    names = [p.name for p in parts]
    river, res = initial_values(basin, names)
    out = []
    for k, name in enumerate(names):
        if name == "tn":
            diffuse, point = tn_loads, point_tn
            t_res, t_reach = transfers.res_load, transfers.reach_load
        else:
            diffuse, point = _quality_part(basin, quality, name)
            t_res, t_reach = transfers.species_load(name)
        out.append(PartLoads(name=name, diffuse=diffuse, point=point, transfer_reservoir=t_res,
                             transfer_reach=t_reach, init_river=float(river[k]), init_reservoir=res[:, k]))
    return out


def _quality_part(basin, quality, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Loads of a part other than TN: a species, or the sum of a constituent's species."""
    from hydro.sources.quality import SPECIES_OF

    if quality is None:
        raise HydroError(f"{basin.path}: constituent '{name}' needs the regional water-quality table; "
                         "add [quality] table = \"../region/quality.toml\" (see basins/region/SOURCES.md)")
    if name in quality.diffuse:
        return quality.diffuse[name], quality.point[name]
    if name in SPECIES_OF:
        sp = SPECIES_OF[name]
        return (sum(quality.diffuse[s] for s in sp), sum(quality.point[s] for s in sp))
    known = sorted(set(quality.diffuse) | set(SPECIES_OF))
    raise HydroError(f"{basin.path}: no sources for constituent or species '{name}'; hydro has sources "
                     f"for {', '.join(known)}")


@dataclass(frozen=True)
class TracerInputs:
    """Transport inputs of every tracer (axis T of :class:`hydro.transport.TransportInputs`).

    ``water``: the arrays hold one more tracer after those of ``layout``, the water transferred
    from outside the basin (:func:`tracer_inputs`).
    """

    layout: TracerLayout
    tags: list[str]
    lateral_load: np.ndarray  # (D, R, T) g s-1
    res_load: np.ndarray  # (D, S, T) g s-1
    point_load: np.ndarray  # (D, P, T) g s-1
    init_conc: np.ndarray  # (N, T) g m-3
    init_res_conc: np.ndarray  # (S, T) g m-3
    inputs_by_tag: dict[str, np.ndarray]  # part -> (D, n_sub, n_tag) kg d-1 delivered by subbasins
    water: bool = False


def tracer_inputs(net, subbasins, constituents: list[Constituent], parts: list[PartLoads], tags: list[str],
                  apportion: bool, n_day: int, n_point: int,
                  water: tuple[np.ndarray, np.ndarray] | None = None) -> TracerInputs:
    """Lay out every part's loads by tag as tracers (constituent, species, tag).

    ``tags`` are the source names, then ``transfer`` (water from outside the
    basin) and ``initial`` (what is there at the start) where present.  Point
    loads go to their reach's cell, not to the subbasin's lateral load.  With
    ``apportion`` false each part is one tracer (``all``), its tags summed.
    ``n_day`` and ``n_point`` size the arrays (days, point sources).  ``water``,
    the water transferred into each reach and reservoir (D, R) and (D, S), m3 s-1,
    is one more tracer, last: a conservative tracer of 1 g m-3, whose load (g s-1)
    is that flow, laid out with the others rather than appended to copies of them.
    """
    from hydro.sources import SOURCE_NAMES

    n_reach, n_res, n_cell = len(net.reaches), len(net.reservoirs), net.layout.n_cells
    n_tag = len(tags)
    i_point = tags.index("point")
    # subbasin -> the one reach or reservoir it drains to (a scatter, linear in the network's size)
    into_reach = [(k, net.reach_index(s.reach)) for k, s in enumerate(subbasins) if s.reach is not None]
    into_res = [(k, net.reservoir_index(s.reservoir)) for k, s in enumerate(subbasins) if s.reach is None]
    out_tags = tags if apportion else ["all"]
    layout = tracer_layout(constituents, out_tags)
    n_out = len(out_tags)
    n_pt = n_point
    n_tr = len(layout.tracers) + (water is not None)
    lateral = np.zeros((n_day, n_reach, n_tr))
    res_load = np.zeros((n_day, n_res, n_tr))
    point = np.zeros((n_day, n_pt, n_tr))
    init = np.zeros((n_cell, n_tr))
    init_res = np.zeros((n_res, n_tr))
    if water is not None:
        lateral[:, :, -1], res_load[:, :, -1] = water
    by_tag = {}
    for k, p in enumerate(parts):
        own = np.asarray(p.diffuse, dtype=np.float64)
        if own.shape == (n_day, len(subbasins), n_tag):  # no tag beyond the sources: the part's own array
            diffuse = own  # (a padded copy was 175 MB of fresh memory at 10,000 subbasins x 1 year)
        else:
            diffuse = np.zeros((n_day, len(subbasins), n_tag))
            diffuse[:, :, :len(SOURCE_NAMES)] = own
        by_tag[p.name] = diffuse if apportion else diffuse.sum(axis=2, keepdims=True)
        cols = slice(k * n_out, (k + 1) * n_out)  # parts are in tracer order, each n_out tags
        # apportioned: laid out in the part's own tracers (views, zero so far); else its own, summed below
        lat, rl, pt = (lateral[:, :, cols], res_load[:, :, cols], point[:, :, cols]) if apportion else (
            np.zeros((n_day, n_reach, n_tag)), np.zeros((n_day, n_res, n_tag)), np.zeros((n_day, n_pt, n_tag)))
        _scatter(diffuse, into_reach, lat)
        _scatter(diffuse, into_res, rl)
        for loads in (lat, rl):
            loads[:, :, i_point] = 0.0  # point sources go to their own cell (below)
            loads *= G_PER_S_PER_KG_PER_DAY
        pt[:, :, i_point] = p.point * G_PER_S_PER_KG_PER_DAY
        ini = np.zeros(n_tag)
        ini_res = np.zeros((n_res, n_tag))
        if "transfer" in tags:
            lat[:, :, tags.index("transfer")] += p.transfer_reach
            rl[:, :, tags.index("transfer")] += p.transfer_reservoir
        if "initial" in tags:
            ini[tags.index("initial")] = p.init_river
            ini_res[:, tags.index("initial")] = p.init_reservoir
        if not apportion:
            lateral[:, :, cols], res_load[:, :, cols] = lat.sum(2, keepdims=True), rl.sum(2, keepdims=True)
            point[:, :, cols] = pt.sum(2, keepdims=True)
            ini, ini_res = ini.sum(keepdims=True), ini_res.sum(1, keepdims=True)
        init[:, cols] = ini
        init_res[:, cols] = ini_res
    return TracerInputs(layout=layout, tags=out_tags, lateral_load=lateral, res_load=res_load, point_load=point,
                        init_conc=init, init_res_conc=init_res, inputs_by_tag=by_tag, water=water is not None)


def _scatter(by_subbasin: np.ndarray, into: list[tuple[int, int]], out: np.ndarray) -> None:
    """Add ``(D, n_sub, T)`` subbasin values to ``out`` ``(D, n, T)`` (zeros: their sums) by the
    ``(subbasin, element)`` pairs ``into`` (each subbasin feeds one element).

    An element's first subbasin is written as ``np.add(0.0, x, out=...)``, the others added to what is
    there: the same sums, with the fresh zeros written before they are read, so a page takes one fault.
    Adding to them read each page first, which mapped the zero page that the write then copied: two
    faults a page (85,500 against 43,000 at 10,000 subbasins x 1 year)."""
    written = set()
    for k, i in into:
        if i in written:
            out[:, i, :] += by_subbasin[:, k, :]
        else:
            np.add(0.0, by_subbasin[:, k, :], out=out[:, i, :])
            written.add(i)


def select(tr: TransportResult, index) -> TransportResult:
    """The transport result of some tracers only (``index``: an int or a slice of axis T)."""
    fields = {}
    for f in dataclasses.fields(tr):
        value = getattr(tr, f.name)
        if f.name in _SHARED:
            fields[f.name] = value
        elif isinstance(index, slice):
            fields[f.name] = value[..., index]
        else:
            fields[f.name] = value[..., index:index + 1]
    return type(tr)(**fields)


def sum_tracers(tr: TransportResult, n: int) -> TransportResult:
    """Tracers summed in consecutive blocks of ``n`` along axis T (``n`` = all of them: one tracer).

    Tracers share the water, so their loads, masses and concentrations add up.
    """
    fields = {}
    for f in dataclasses.fields(tr):
        value = getattr(tr, f.name)
        if f.name in _SHARED:
            fields[f.name] = value
        else:
            fields[f.name] = block_sums(value, n)  # NumPy's sums to the bit, faster
    return type(tr)(**fields)


def concat(results: list[TransportResult]) -> TransportResult:
    """Transport results side by side along axis T."""
    first = results[0]
    fields = {}
    for f in dataclasses.fields(first):
        if f.name in _SHARED:
            fields[f.name] = getattr(first, f.name)
        else:
            fields[f.name] = np.concatenate([getattr(r, f.name) for r in results], axis=-1)
    return type(first)(**fields)


@dataclass(frozen=True)
class NamedResults:
    """A watershed's transport result by name.

    Attributes
    ----------
    total : TransportResult
        One tracer per output name (tags summed).
    names : list of (str, str)
        Short and long name of each output: every constituent, followed by its species.
    by_source : dict of str to TransportResult
        Each output name's result with one tracer per tag.
    """

    total: TransportResult
    names: list[tuple[str, str]]
    by_source: dict[str, TransportResult]


def output_names(constituents: list[Constituent]) -> list[tuple[str, str]]:
    """Short and long name of each output of :func:`split_results`: every constituent, followed by its species."""
    return [(p.name, p.long_name) for c in constituents for p in (c, *c.species)]


def split_results(tr: TransportResult, constituents: list[Constituent], n_tag: int) -> NamedResults:
    """Name the tracers of ``tr`` (laid out by :func:`tracer_inputs`): constituents, species, tags; each
    constituent's outputs as :func:`named_one_by_one` names them."""
    names, one = output_names(constituents), {}
    start = 0
    for c in constituents:
        n = len(c.parts) * n_tag
        for named in named_one_by_one(select(tr, slice(start, start + n)), c, n_tag):
            one[named.names[0][0]] = named
        start += n
    total = concat([one[n].total for n, _ in names]) if names else select(tr, slice(0, 0))
    return NamedResults(total=total, names=names, by_source={n: one[n].by_source[n] for n, _ in names})


def named_one_by_one(block: TransportResult, c: Constituent, n_tag: int) -> Iterator[NamedResults]:
    """The outputs of constituent ``c`` (``block``: its tracers, laid out by :func:`tracer_inputs`) one at a
    time, each a :class:`NamedResults` of one name: its species first (their tracers as they are), then ``c``
    (its species added), with the values :func:`split_results` gives them."""
    for s, sp in enumerate(c.species):
        yield _one_name(sp, select(block, slice(s * n_tag, (s + 1) * n_tag)), n_tag)
    yield _one_name(c, _species_summed(block, len(c.parts), n_tag) if c.species else block, n_tag)


def _one_name(part: Constituent, by_tag: TransportResult, n_tag: int) -> NamedResults:
    """``part``'s output (``by_tag``: one tracer per tag) as a :class:`NamedResults` of its own."""
    return NamedResults(total=sum_tracers(by_tag, n_tag), names=[(part.name, part.long_name)],
                        by_source={part.name: by_tag})


def _species_summed(tr: TransportResult, n_part: int, n_tag: int) -> TransportResult:
    """Axis T from (part, tag) to tag: the parts (species) of each tag added, first to last.

    What :func:`sum_tracers` computed over a copy of every field reordered tag-major, to the
    bit, without that copy (Miyun: about 70 MB for TN's 24 tracers, 50 for TP's 16), as fast.
    Each sum is laid out tag by tag (axis T outermost in memory), as that copy's sums were, so
    that the tags' later sum (the constituent's total) adds them in the same order.
    """
    fields = {}
    for f in dataclasses.fields(tr):
        value = getattr(tr, f.name)
        if f.name in _SHARED:
            fields[f.name] = value
            continue
        parts = value.reshape(value.shape[:-1] + (n_part, n_tag))
        summed = np.moveaxis(np.empty((n_tag,) + value.shape[:-1]), 0, -1)  # (..., tag), tags outermost
        if n_part > 1:
            np.add(parts[..., 0, :], parts[..., 1, :], out=summed)
        else:
            np.copyto(summed, parts[..., 0, :])
        for p in range(2, n_part):
            np.add(summed, parts[..., p, :], out=summed)
        fields[f.name] = summed
    return type(tr)(**fields)
