"""Results of a run assembled from its hydraulics and transport: names, coordinates, provenance.

:func:`assemble_results` is shared by flow-driven runs (:func:`hydro.simulation.run`)
and watershed runs (:func:`hydro.pipeline.run_watershed`): it wraps the daily
hydraulics and each named tracer of a transport result as the variables of
``docs/results.md``, with the BRIEF's global attributes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from hydro import __version__
from hydro.basin import Basin
from hydro.code_revision import revision_attributes
from hydro.ecological_minimum import (
    DEAD_ATTRIBUTE,
    ECO_ATTRIBUTE,
    below_dead_storage_days,
    ecological_shortfall_days,
    shortfall_days,
)
from hydro.hydraulics import Hydraulics
from hydro.reservoir_location import location_attributes
from hydro.results import Results
from hydro.routing import CAPPED_ATTRIBUTE, capped_days
from hydro.transport import TransportResult
from hydro.variables import BUDGET_TERMS


def assemble_results(basin: Basin, dates: list[date], years: list[int], hyd: Hydraulics,
                     tr: TransportResult, scenario: str, history: str,
                     outputs: list[tuple[str, str]] | None = None) -> Results:
    """Wrap hydraulics and transport arrays as :class:`Results` with BRIEF metadata.

    ``outputs`` names the tracers of ``tr`` (short and long name of each); by
    default they are the basin's constituents.  :func:`water_results`, then
    :func:`add_transport_results`.
    """
    names = outputs if outputs is not None else [(c.name, c.long_name) for c in basin.constituents]
    res = hydraulic_results(basin, dates, years, hyd, scenario, history, names)
    add_transport_results(res, tr, names, bool(basin.network.reservoirs))
    return res


def hydraulic_results(basin: Basin, dates: list[date], years: list[int], hyd: Hydraulics, scenario: str,
                      history: str, names: list[tuple[str, str]]) -> Results:
    """The results known before the transport: coordinates, the BRIEF's global attributes and the
    hydraulics (flows, reservoirs); ``names``: the outputs' short and long names, as
    :func:`assemble_results` takes them.  A watershed run writes these while its transport runs
    (:mod:`hydro.netcdf_overlap`; :func:`hydro.pipeline_steps.water_results`)."""
    net = basin.network
    res = Results(
        coords={"time": dates, "reach": net.reach_ids, "section": [s.id for s in net.sections],
                "reservoir": net.reservoir_ids, "budget_year": years, "budget_term": list(BUDGET_TERMS)},
        attrs={"basin": basin.name, "basin_file": str(Path(basin.path).resolve()), "scenario": scenario,
               "config_sha256": basin.sha256,
               "history": history or f"hydro run {basin.path}",
               "source": f"hydro {__version__}", **revision_attributes(),
               "constituents": ";".join(f"{short}={long}" for short, long in names),
               **network_attributes(net)},
        constituents=dict(names),
    )
    # [run] dispersion_every: the K the transport used (a number, or what "auto" chose for the network's size),
    # only above 1: a run that disperses on every sub-step has the attributes of before
    if basin.settings.dispersion_every > 1:
        res.attrs["dispersion_every"] = str(basin.settings.dispersion_every)
    res.add("discharge", hyd.q_out)
    res.add("reach_inflow", hyd.q_in)
    if net.reservoirs:
        res.add("reservoir_storage", hyd.res_volume[1:])
        res.add("reservoir_level", hyd.res_level)
        res.add("reservoir_area", hyd.res_area)
        res.add("reservoir_inflow", hyd.res_inflow)
        res.add("reservoir_release", hyd.res_release)
        res.add("reservoir_spill", hyd.res_spill)
        res.add("reservoir_evaporation", hyd.res_evaporated)
        unmet = ecological_shortfall_days(net, hyd.res_release + hyd.res_spill, [d.year for d in dates])
        if unmet:
            res.attrs[ECO_ATTRIBUTE] = unmet
        low = below_dead_storage_days(net, hyd.res_volume[1:])
        if low:
            res.attrs[DEAD_ATTRIBUTE] = low
    substeps = getattr(hyd, "substeps", None)  # routed flows (Muskingum-Cunge); given flows have none
    capped = "" if substeps is None else capped_days(net.reach_ids, substeps)
    if capped:
        res.attrs[CAPPED_ATTRIBUTE] = capped
    return res


def add_transport_results(res: Results, tr: TransportResult, names: list[tuple[str, str]], reservoirs: bool) -> None:
    """Add to ``res`` (:func:`hydraulic_results`) the transport's variables: each named tracer of ``tr``
    (``names``, short and long) at reaches, sections and (``reservoirs``) reservoirs, and its budgets."""
    add_transport_own(res, tr)
    add_named_results(res, tr, names, reservoirs)


def add_transport_own(res: Results, tr: TransportResult) -> None:
    """Add to ``res`` what is the transport's own, not a tracer's: the sections' discharge, the sub-steps a day
    and, only where it took local time steps (``[run] local_steps`` true, or chosen by ``"auto"``), the
    ``local_steps = "true"`` attribute (a run on the global step has the attributes of before)."""
    res.add("section_discharge", tr.section_discharge)
    res.add("transport_substeps", tr.substeps)
    if tr.local_steps:
        res.attrs["local_steps"] = "true"


def add_named_results(res: Results, tr: TransportResult, names: list[tuple[str, str]], reservoirs: bool) -> None:
    """The variables of :func:`add_transport_results` that are each named tracer's own (``tr``'s tracers:
    ``names``, in order): concentrations, loads and budgets at reaches, sections and reservoirs."""
    for k, c in enumerate(short for short, _ in names):
        res.add(f"{c}_concentration", tr.reach_concentration[:, :, k])
        res.add(f"{c}_load", tr.reach_load[:, :, k])
        res.add(f"section_{c}_concentration", tr.section_concentration[:, :, k])
        res.add(f"section_{c}_load", tr.section_load[:, :, k])
        res.add(f"{c}_budget_reach",
                np.concatenate([tr.budget_reach[:, :, :, k], tr.storage_reach[:-1, :, None, k],
                                tr.storage_reach[1:, :, None, k]], axis=2))
        if reservoirs:
            res.add(f"reservoir_{c}_concentration", tr.reservoir_concentration[:, :, k])
            res.add(f"reservoir_{c}_outflow_load", tr.reservoir_outflow_load[:, :, k])
            res.add(f"{c}_budget_reservoir",
                    np.concatenate([tr.budget_reservoir[:, :, :, k], tr.storage_reservoir[:-1, :, None, k],
                                    tr.storage_reservoir[1:, :, None, k]], axis=2))


def section_face(net, section) -> float:
    """Where ``section``'s values are taken: its cell face's distance from its reach's inlet as a fraction
    of the reach's length (its ``position`` where that is a face)."""
    lay, r = net.layout, net.reach_index(section.reach)
    start, end = int(lay.reach_cell_start[r]), int(lay.reach_cell_start[r + 1])
    return (lay.cell_at(r, section.position) - start + 1) / (end - start)


def network_attributes(net) -> dict[str, str]:
    """Topology and display names as ``id=value;...`` global attributes (for plots).

    ``network_downstream`` maps every reach and reservoir to what it flows into
    (empty at the outlet); ``section_reach`` and ``section_position`` place the
    sections, the position that of the cell face whose values a section takes (the basin file's
    position moved down to the next face, :meth:`hydro.network_layout.Layout.cell_at`: the tiny example's
    0.5 of a reach of 5 cells is 0.6; written as given until 2026-12-05, a convergence review);
    ``*_names`` give display names.
    """
    def pairs(items):
        return ";".join(f"{k}={v}" for k, v in items)

    elements = (*net.reaches, *net.reservoirs)
    return {
        "network_downstream": pairs((e.id, e.downstream or "") for e in elements),
        "section_reach": pairs((s.id, s.reach) for s in net.sections),
        "section_position": pairs((s.id, f"{section_face(net, s):g}") for s in net.sections),
        "reach_names": pairs((r.id, r.name) for r in net.reaches),
        "section_names": pairs((s.id, s.name) for s in net.sections),
        "reservoir_names": pairs((r.id, r.name) for r in net.reservoirs),
        **location_attributes(net.reservoirs),
    }


def add_source_results(res: Results, named, n_res: int) -> None:
    """Every constituent and species by source (``named``: :func:`hydro.tracers.split_results`): through
    sections and reaches, and in reservoirs.

    TN keeps its historical names (``tn_source_load``, ``reach_tn_source_load``,
    ``reservoir_tn_source_concentration``); the others follow them (``tp_source_load``, ...).
    """
    for name, _ in named.names:
        tr = named.by_source[name]
        res.add(f"{name}_source_load", tr.section_load)
        res.add(f"reach_{name}_source_load", tr.reach_load)
        if n_res:
            res.add(f"reservoir_{name}_source_concentration", tr.reservoir_concentration)


def add_source_inputs(res: Results, names: list[tuple[str, str]], inputs_by_tag: dict[str, np.ndarray],
                      constituents) -> None:
    """What the subbasins deliver of every constituent and species (``names``, short and long) by source
    (``subbasin_tn_source_input``, ...; known before the transport): a constituent with species, the sum of
    its species' where the run has no input of its own."""
    for name, _ in names:
        if name in inputs_by_tag:
            res.add(f"subbasin_{name}_source_input", inputs_by_tag[name])
    for c in constituents:
        if c.species and c.name not in inputs_by_tag:
            res.add(f"subbasin_{c.name}_source_input", np.sum([inputs_by_tag[p.name] for p in c.species], axis=0))


def add_transfer_results(res: Results, transfers, hyd, target, n_res: int, reach_inflow: bool | None = None) -> None:
    """Transferred water and its TN kept apart from the natural inflow (``hydro.transfers``).

    ``reservoir_transfer_inflow`` and ``reservoir_natural_inflow`` split each
    reservoir's inflow: water pumped or diverted straight into it from outside
    the basin, and everything else (its rivers and local catchment; rivers carry
    transferred water only where a transfer enters a reach above, which
    ``section_transfer_discharge`` measures with a conservative tracer).
    ``reach_inflow`` says whether water is transferred into reaches (the reach
    variables are written); default: on any day of ``transfers``.
    """
    from hydro.transfers import abstraction_delivered

    per_day = 86400.0 / 1000.0  # g/s -> kg/d
    res.attrs.update(transfers.attributes())
    if n_res:
        res.add("reservoir_transfer_inflow", transfers.res_inflow)
        res.add("reservoir_transfer_tn_load", transfers.res_load * per_day)
        res.add("reservoir_natural_inflow", hyd.res_inflow - transfers.res_inflow)
        taken = abstraction_delivered(transfers.res_abstraction, target, hyd.res_release)
        res.add("reservoir_abstraction", taken)
        if transfers.eco_min is not None and np.any(taken > 0):  # the minimum is the river's: abstractions not
            _river_shortfall(res, hyd.res_release + hyd.res_spill - taken, transfers.eco_min)
        res.attrs.update(transfers.delivered_attributes(target, hyd.res_release, res.data.get("reach_withdrawal")))
    if np.any(transfers.reach_inflow > 0) if reach_inflow is None else reach_inflow:
        res.add("reach_transfer_inflow", transfers.reach_inflow)
        res.add("reach_transfer_tn_load", transfers.reach_load * per_day)


def _river_shortfall(res: Results, to_river: np.ndarray, minimum: np.ndarray) -> None:
    """Count the days short of the ecological minimum on the water let out to the river (release and
    spill less the outlet abstractions, m3 s-1), in place of :func:`hydraulic_results`' count on all of it."""
    unmet = shortfall_days([str(r) for r in res.coords["reservoir"]], to_river, minimum)
    res.attrs.pop(ECO_ATTRIBUTE, None)
    if unmet:
        res.attrs[ECO_ATTRIBUTE] = unmet


def add_transfer_tracer(res: Results, water_tracer, n_res: int) -> None:
    """The transferred water's share (``water_tracer``, a conservative tracer of 1 g m-3 carried by the
    transport; None: no water enters from outside) through sections and in reservoirs.

    ``section_transfer_discharge`` (m3 s-1) is the tracer's *net* flux, advective and dispersive (its
    ``section_load``, as ``section_<c>_load`` is), so that over a month or a run it sums to the transferred
    volume that passed the section, which ``water = "natural"`` quantity rules subtract
    (:func:`hydro.monitoring.read_results`).  On a day it is not exactly a part of the discharge: where
    dispersion carries transferred water across the section it can be a little below 0 or above
    ``section_discharge``, and its share of the discharge differs from the advective share that
    ``section_<c>_concentration`` sees by the dispersive flux.  The advective part alone (concentration
    times discharge) would keep each day's share in [0, 1] but lose the volume: at a section below a
    transfer it passed 0.23 % less than was let in over a year, and at a tributary's mouth it counted
    water that dispersion had carried up from the junction (watershed fuzzing review, 2026-12-05).
    """
    if water_tracer is not None:
        # tracer at 1 g/m3: kg/d of tracer = 1000 m3/d of transferred water
        res.add("section_transfer_discharge", water_tracer.section_load[:, :, 0] * 1000.0 / 86400.0)
        if n_res:
            res.add("reservoir_transfer_share", water_tracer.reservoir_concentration[:, :, 0])


def watershed_provenance(ws, station, folder) -> dict[str, str]:
    """Weather and subbasin attributes of the results of a run of the basin in ``folder``: on its
    station file, that file's (:func:`hydro.weather_provenance.weather_attributes`); on generated weather from
    the day after the record's end (a run that starts on the record and goes on past it), the file's
    estimated periods too (the run's days before are the record's)."""
    from hydro.weather_provenance import fill_attributes, record_estimates, record_follows, weather_attributes

    attrs = {"weather": str(station.metadata.get("source_file", ws.weather.csv.name)),
             "weather_synthetic": str(station.synthetic).lower()}
    if not station.synthetic:
        attrs.update(weather_attributes(ws.weather.csv, folder, station.metadata))
    else:  # the draws depend on NumPy's and SciPy's versions, those of the draws' (weathergen's metadata)
        attrs["weather_seed"] = str(station.metadata.get("seed", ""))
        if station.metadata.get("libraries"):
            attrs["weather_libraries"] = str(station.metadata["libraries"])
        if "weather_generated_from" in station.metadata:  # the days before: the station record's (hydro.spin_up)
            attrs["weather_generated_from"] = str(station.metadata["weather_generated_from"])
            after_record = record_follows(ws.weather.csv, attrs["weather_generated_from"])  # a run from the record on
            estimated = record_estimates(ws.weather.csv) if after_record else ""  # its record days keep their caveat
            if estimated:
                attrs["weather_estimated"] = estimated
        attrs.update(fill_attributes(station.metadata))  # a file marked synthetic: true may have its gaps filled
    subs = ws.subbasins
    attrs["subbasin_names"] = ";".join(f"{s.id}={s.name}" for s in subs)
    attrs["subbasin_county"] = ";".join(f"{s.id}={s.county}" for s in subs)
    attrs["subbasin_province"] = ";".join(f"{s.id}={s.province}" for s in subs)
    # full precision (6 digits, as :g wrote them until 2026-12-05, are off by up to 1.5e-6: runoff volumes
    # rebuilt from a results file (mm d-1 x area) and what GEP weighs by area)
    attrs["subbasin_area_km2"] = ";".join(f"{s.id}={float(s.area_km2)!r}" for s in subs)
    attrs["subbasin_drains_to"] = ";".join(f"{s.id}={s.reach or s.reservoir}" for s in subs)
    return attrs
