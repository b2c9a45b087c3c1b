"""Counting N kept out and its cost alike: which reservoirs, which days.

A reservoir upstream of another (Yunzhou and Baihebao above Miyun, Cetian above
Guanting) passes what it does not retain on to the one below: N kept out of it
is, for the most part, kept out of the lower one too.  Summing the reduction of
every reservoir's input would count that nitrogen two or three times and shrink
the cost per kg kept out by as much.  The totals therefore count only the
reservoirs at the foot of each cascade (no reservoir downstream:
:attr:`hydro.network.Network.terminal_reservoirs`); the
``n_kept_out`` rows per reservoir still give every reservoir.

The whole-run cost set against it counts, for a year the run covers in part, the
share of that year's operating costs and annuities the run covers, and capital spent whole
(:func:`cost_shares`).

Not all N kept out of a reservoir is N the basin no longer sends it: an upstream
reservoir drawn down by a release (Cetian's ecological release above Guanting) or
filled with cleaner water holds at the run's end a different N mass than in the
baseline.  By the mass budgets of the reaches and reservoirs upstream (closed to
1e-7 kg), the N kept out is (less N delivered by the land) + (more removed or
withdrawn on the way) + (more held in the water upstream at the run's end):
:func:`upstream_storage_change` gives the last term, which may still leave later
(positive) or still be owed to the reservoir (negative: a cleaner upstream reservoir).

With a weather ensemble (``hydro scenarios --members N``) each member returns the two budget
sums N kept out needs (:func:`member_budgets`, a few numbers per scenario and reservoir), and
:func:`spread_rows` gives the median and 5-95 % band over the members of N kept out and of
the cost per kg kept out.
"""

from __future__ import annotations

import numpy as np

#: The results attribute listing the reservoirs the totals count (``"miyun"``; ``";"``-separated).
ATTRIBUTE = "kept_out_reservoirs"


def counted(reservoirs, attribute: str | None) -> np.ndarray:
    """Mask over ``reservoirs`` of those the totals count (all when ``attribute`` is absent:
    files written before it existed)."""
    names = [str(r) for r in reservoirs]
    if not attribute:
        return np.ones(len(names), dtype=bool)
    keep = set(str(attribute).split(";"))
    return np.array([n in keep for n in names], dtype=bool)


def year_fractions(dates, years) -> np.ndarray:
    """The share of each of ``years`` that the daily ``dates`` cover (1 for a whole year).

    A run from March 2013 to February 2017 covers 306/365 of 2013 and 59/365 of 2017:
    the whole-run cost counts that share of those years' costs, so that it matches the
    N kept out over the same days.
    """
    import calendar

    count: dict[int, int] = {}
    for d in dates:
        count[d.year] = count.get(d.year, 0) + 1
    return np.array([count.get(int(y), 0) / (366 if calendar.isleap(int(y)) else 365) for y in years])


def cost_shares(dates, years, cost_method: str) -> tuple[np.ndarray, np.ndarray]:
    """The share of each of ``years``' capital and operating costs that a run over ``dates`` counts.

    Operating costs and annuities (``cost_method = "annualised"``) accrue over the year: the share of
    it the run covers (:func:`year_fractions`).  Capital *spent* (``"spent"``) is a one-off outlay
    in its year: counted whole in any year the run covers a day of (a run ending on 31 March
    counted a quarter of that year's spending, as if three quarters were never paid).

    Returns
    -------
    (capital share, operating share), each ``[year]``
    """
    covered = year_fractions(dates, years)
    return (np.where(covered > 0, 1.0, 0.0) if cost_method == "spent" else covered), covered


def costs_of_days_run(res, cost_method: str) -> np.ndarray:
    """The measures' costs a run counts, yuan ``[..., year, subbasin]`` (``res``: one run, or a scenarios
    file with its leading ``scenario`` axis): of a year run in part, the share of its operating costs and
    annuities, its capital spent whole (:func:`cost_shares`)."""
    cap_share, op_share = cost_shares(res.dates, res.coords["budget_year"], cost_method)
    capital = np.asarray(res["measure_capital_cost"]).sum(axis=-2)  # summed over the measures
    operating = np.asarray(res["measure_operating_cost"]).sum(axis=-2)
    return capital * cap_share[:, None] + operating * op_share[:, None]


#: The terms of a reservoir's budget that bring N into it.
ENTERING = ("inflow", "lateral_load", "point_load")


def _entering_by_year(res) -> np.ndarray:
    """N entering each reservoir in each year (kg), ``[..., year, reservoir]``: the :data:`ENTERING`
    terms of ``tn_budget_reservoir``, which ``res`` must have."""
    terms = list(res.coords["budget_term"])
    b = np.asarray(res["tn_budget_reservoir"])
    return np.sum([b[..., terms.index(t)] for t in ENTERING], axis=0)


def reservoir_input(res) -> np.ndarray:
    """N entering each reservoir over the run (kg): inflow + lateral_load + point_load of its
    ``tn_budget_reservoir`` summed over the years (empty when the results have no budgets)."""
    if "tn_budget_reservoir" not in res.data:
        return np.zeros(0)
    return _entering_by_year(res).sum(axis=-2)


#: What a weather member of a scenario ensemble returns for its N kept out, [reservoir] kg each.
MEMBER_BUDGETS = ("reservoir_n_input", "upstream_n_storage_change", "land_n_storage_end")


def member_budgets(res) -> dict[str, np.ndarray]:
    """:data:`MEMBER_BUDGETS` of one run: :func:`reservoir_input`, :func:`upstream_storage_change`
    and :func:`land_storage_end` (kg, ``[reservoir]``)."""
    return {"reservoir_n_input": np.asarray(reservoir_input(res), dtype=float),
            "upstream_n_storage_change": np.asarray(upstream_storage_change(res), dtype=float),
            "land_n_storage_end": np.asarray(land_storage_end(res), dtype=float)}


def member_on_land(ens: dict) -> np.ndarray | None:
    """N kept off the rivers still on the land at the end of the run (``n_kept_out_on_land``) of every
    member, ``[scenario, member, reservoir]`` kg, as :func:`member_kept_out`; None where ``ens`` lacks it."""
    land = ens.get("land_n_storage_end")
    return None if land is None or not np.size(land) else land[:1] - land


def member_kept_out(ens: dict) -> tuple[np.ndarray, np.ndarray]:
    """(N kept out, its part held upstream) of every member, ``[scenario, member, reservoir]`` kg.

    ``ens`` is a scenario ensemble (:attr:`hydro.scenarios.run.ScenarioRun.ensemble`, scenario 0 the
    baseline): each scenario against the baseline on the same member's weather.
    """
    r_in, held = ens["reservoir_n_input"], ens["upstream_n_storage_change"]
    return r_in[:1] - r_in, held - held[:1]


#: The statistics over the members of :func:`spread_rows` (suffix of the quantity, percentile).
SPREAD = (("median", 50.0), ("p05", 5.0), ("p95", 95.0))


#: What :func:`members_counted` adds where one member ran: its median, 5th and 95th percentiles
#: are all that member's value, and its probabilities 0 or 1.
ONE_DRAW = " (one draw of the weather: no spread, median = p05 = p95, probabilities 0 or 1)"


def members_counted(ens: dict) -> str:
    """``"19 of 20 members"``: over how many members of ensemble ``ens`` its statistics are
    (those that ran, of all asked for); :data:`ONE_DRAW` added where one ran (``--members 1``, or
    all but one failed), whose band is no spread of the weather."""
    from hydro.plotting.weather import members_of

    ran = len(ens["members"])
    return members_of(ran, ran + len(ens.get("failed") or {})) + (ONE_DRAW if ran == 1 else "")


def spread_rows(run, rows: list[dict]) -> list[dict]:
    """Summary rows of the spread over the weather members of N kept out and its cost per kg.

    For every scenario of ``run`` (a :class:`~hydro.scenarios.run.ScenarioRun` with an ensemble)
    and each of ``n_kept_out``, ``n_kept_out_in_storage`` and ``n_kept_out_on_land`` (per reservoir, and with an empty
    ``location`` the total over the reservoirs the cost per kg counts): ``<quantity>_median``,
    ``_p05`` and ``_p95``, the 50th, 5th and 95th percentiles over the members that ran
    (``numpy.percentile``, linear).  ``cost_per_kg_kept_out`` and
    ``cost_per_kg_kept_out_net_of_storage`` get the same three: the whole-run cost (the same on
    every member's weather, from the ``cost`` row of ``rows``) over the median, the 95th and the
    5th percentile of the total N kept out (net of storage: less ``n_kept_out_in_storage``) --
    a member's cost per kg falls as its N kept out rises, so these are its median (exactly for
    an odd number of members) and 5-95 % band; NaN where that N is not positive (the band's
    upper end: in at least 5 % of the weather nothing is kept out).  The ``source`` column says
    over how many members: ``"19 of 20 members"`` when one failed.  No rows without members'
    budgets.
    """
    ens = run.ensemble
    if not ens or "reservoir_n_input" not in ens or not np.size(ens["reservoir_n_input"]):
        return []
    kept, held, land = *member_kept_out(ens), member_on_land(ens)
    reservoirs = [str(r) for r in run.results[0].coords.get("reservoir", [])]
    mask = counted(reservoirs, ";".join(run.kept_out))
    over = members_counted(ens)
    cost = {r["scenario"]: r["value"] for r in rows if r["quantity"] == "cost" and r["year"] == "all"}
    out: list[dict] = []

    def add(sid, quantity, values, unit, location=""):
        for stat, _ in SPREAD:
            out.append({"scenario": sid, "quantity": f"{quantity}_{stat}", "location": location, "source": over,
                        "year": "all", "value": float(values[stat]), "unit": unit})

    def stats(values):
        return dict(zip((k for k, _ in SPREAD), np.percentile(values, [q for _, q in SPREAD]), strict=True))

    def per_kg(c, n):  # the cost over N kept out: the percentiles swap ends
        inverse = {"median": "median", "p05": "p95", "p95": "p05"}
        return {k: (c / n[inverse[k]] if n[inverse[k]] > 0 else np.nan) for k in n}

    for s, sid in enumerate(run.names):
        for k, rid in enumerate(reservoirs):
            add(sid, "n_kept_out", stats(kept[s, :, k]), "kg", rid)
            add(sid, "n_kept_out_in_storage", stats(held[s, :, k]), "kg", rid)
        total, total_held = kept[s][:, mask].sum(axis=-1), held[s][:, mask].sum(axis=-1)
        add(sid, "n_kept_out", stats(total), "kg")
        add(sid, "n_kept_out_in_storage", stats(total_held), "kg")
        if land is not None:
            for k, rid in enumerate(reservoirs):
                add(sid, "n_kept_out_on_land", stats(land[s, :, k]), "kg", rid)
            add(sid, "n_kept_out_on_land", stats(land[s][:, mask].sum(axis=-1)), "kg")
        c = cost.get(sid, np.nan)
        if any(r["scenario"] == sid and r["quantity"] == "unpriced_measure" for r in rows):
            c = np.nan  # a measure states no cost: no price per kg (the one weather's rows say which)
        unit = next((r["unit"] for r in rows if r["scenario"] == sid and r["quantity"] == "cost_per_kg_kept_out"),
                    "yuan kg-1")  # the one weather's: with cost_method spent, saying what it is not
        add(sid, "cost_per_kg_kept_out", per_kg(c, stats(total)), unit)
        add(sid, "cost_per_kg_kept_out_net_of_storage", per_kg(c, stats(total - total_held)), unit)
    return out


#: The unit of a cost per kg kept out with ``cost_method = "spent"`` (:func:`per_kg_unit`).
SPENT_PER_KG_UNIT = ("yuan kg-1 (cost_method spent: capital counted whole against the N kept out within the run "
                     "only; use annualised for cost-effectiveness)")


def per_kg_unit(cost_method: str) -> str:
    """The unit of a cost per kg kept out: ``yuan kg-1``, with ``cost_method = "spent"`` saying what the figure
    is not.  Spent, it sets capital whole (20-year sewers) against the N kept out within the run only (a
    few years): a cash-flow figure, 4.9 times the annualised one for the same kg on the shipped Miyun
    ``domestic`` run 2012-2016 (review of 2026-12-05), not a cost-effectiveness."""
    return SPENT_PER_KG_UNIT if cost_method == "spent" else "yuan kg-1"


def upstream_storage_change(res, by_year: bool = False) -> np.ndarray:
    """Change of the N held in the water upstream of each reservoir (kg).

    For each reservoir of ``res`` (:class:`~hydro.results.Results` of one run, or of a
    scenarios file with its leading ``scenario`` axis): the N stored at the end of the
    run minus at its start, summed over every reach and reservoir upstream of it
    (``storage_end`` of the last year minus ``storage_start`` of the first of
    ``tn_budget_reach`` and ``tn_budget_reservoir``; the network from the
    ``network_downstream`` attribute).  A scenario's value minus the baseline's is the
    part of its N kept out that is held in storage upstream (positive) rather than
    delivered less, removed or withdrawn.

    Parameters
    ----------
    res : Results
    by_year : bool
        The change over each year instead (``storage_end - storage_start`` of the year).

    Returns
    -------
    numpy.ndarray
        ``[..., reservoir]`` (``[..., year, reservoir]`` with ``by_year``), kg; 0 for a
        reservoir with nothing upstream; NaN for all when the results lack the budgets or
        ``network_downstream``.
    """
    from hydro.run_attributes import upstream_elements

    reservoirs = [str(r) for r in res.coords.get("reservoir", [])]
    network = str(res.attrs.get("network_downstream", ""))
    if "tn_budget_reservoir" not in res.data:
        return np.full(len(reservoirs), np.nan)
    lead = np.shape(res["tn_budget_reservoir"])[:-2]  # [..., year]
    shape = (lead if by_year else lead[:-1]) + (len(reservoirs),)
    if not network or "tn_budget_reach" not in res.data:
        return np.full(shape, np.nan)
    terms = list(res.coords["budget_term"])
    change = {}
    for kind in ("reach", "reservoir"):
        b = np.asarray(res[f"tn_budget_{kind}"])  # [..., year, element, term]
        end, start = b[..., terms.index("storage_end")], b[..., terms.index("storage_start")]
        held = end - start if by_year else end[..., -1, :] - start[..., 0, :]
        change.update({str(e): held[..., j] for j, e in enumerate(res.coords[kind])})
    up = upstream_elements(network)
    out = np.zeros(shape)
    for k, r in enumerate(reservoirs):
        for e in sorted(up.get(r, ())):  # a set: its order follows string hashing, the sum would too
            out[..., k] += change.get(e, 0.0)
    return out


#: The land's N stores in the results, by subbasin at the end of each day (kg): the wash-off store on
#: the surface and the groundwater store (:mod:`hydro.sources.washoff_store`, :mod:`hydro.sources.groundwater`).
LAND_STORES = ("washoff_n_storage", "groundwater_n_storage")


def land_storage_end(res, by_year: bool = False) -> np.ndarray:
    """N in the land's stores (:data:`LAND_STORES`) of the subbasins upstream of each reservoir at the
    end of the run (kg).

    A scenario's stores start as the baseline's (both in balance with the sources without the
    measures, :func:`hydro.sources.washoff.washoff_start`), so the baseline's value minus a scenario's
    is the N its measures kept off the rivers that is still on the land at the end of the run
    (``n_kept_out_on_land``): with a store holding years of build-up most of a late measure's N.

    Parameters
    ----------
    res : Results
        One run, or a scenarios file with its leading ``scenario`` axis.
    by_year : bool
        At the end of each year of ``res.coords["budget_year"]`` (its last day run) instead.

    Returns
    -------
    numpy.ndarray
        ``[..., reservoir]`` (``[..., year, reservoir]`` with ``by_year``) kg, summed over the
        subbasins draining to the reservoir or to any element upstream of it; NaN for all when the
        results lack a store, the ``subbasin_drains_to`` or ``network_downstream`` attributes, daily
        values (an aggregated file's last value is a mean) or some subbasins (a file cut by ``locations``).
    """
    from hydro.run_attributes import id_values, upstream_elements

    reservoirs = [str(r) for r in res.coords.get("reservoir", [])]
    years = [int(y) for y in res.coords.get("budget_year", [])] if by_year else [None]
    drains = id_values(str(res.attrs.get("subbasin_drains_to", "")))
    network = str(res.attrs.get("network_downstream", ""))
    daily = str(res.attrs.get("time_aggregation", "daily")) == "daily"
    whole = set(drains) <= {str(s) for s in res.coords.get("subbasin", [])}  # not a file cut to some subbasins
    if not (daily and drains and network and whole and all(v in res.data for v in LAND_STORES)):
        return np.full(((len(years),) if by_year else ()) + (len(reservoirs),), np.nan)
    day_year = np.array([d.year for d in res.dates])
    days = [int(np.flatnonzero(day_year == y)[-1]) for y in years] if by_year else [-1]
    end = np.sum([np.asarray(res[v])[..., days, :] for v in LAND_STORES], axis=0)  # [..., day, subbasin]
    subs = [str(s) for s in res.coords["subbasin"]]
    up = upstream_elements(network)
    out = np.zeros(end.shape[:-1] + (len(reservoirs),))
    for k, r in enumerate(reservoirs):
        into = up.get(r, set()) | {r}
        cols = [j for j, sub in enumerate(subs) if drains.get(sub) in into]
        out[..., k] = end[..., cols].sum(axis=-1)
    return out if by_year else out[..., 0, :]


def counted_land_by_year(res) -> np.ndarray:
    """:func:`land_storage_end` by year over the reservoirs the totals count, ``[scenario, year]`` kg
    (a scenarios file's :class:`~hydro.results.Results`; NaN where it lacks the stores)."""
    mask = counted(res.coords.get("reservoir", []), res.attrs.get(ATTRIBUTE))
    shape = (len(res.coords.get("scenario", [])) or 1, len(res.coords["budget_year"]))
    return np.broadcast_to(land_storage_end(res, by_year=True)[..., mask].sum(axis=-1), shape).copy()


def counted_by_year(res) -> tuple[np.ndarray, np.ndarray]:
    """(N entering, change of the N held upstream) of the reservoirs the totals count, per year (kg).

    ``res`` is a scenarios file's :class:`~hydro.results.Results` (leading ``scenario`` axis);
    both arrays are ``[scenario, year]``: the inflow + lateral + point terms of the counted
    reservoirs' budgets, and :func:`upstream_storage_change` by year over them.  Zeros and
    NaN where the file has no TN budgets.
    """
    years = len(res.coords["budget_year"])
    scenarios = len(res.coords.get("scenario", [])) or 1
    if "tn_budget_reservoir" not in res.data:
        return np.zeros((scenarios, years)), np.full((scenarios, years), np.nan)
    mask = counted(res.coords.get("reservoir", []), res.attrs.get(ATTRIBUTE))
    held = upstream_storage_change(res, by_year=True)
    return _entering_by_year(res)[..., mask].sum(axis=-1), held[..., mask].sum(axis=-1)


__all__ = [
    "ATTRIBUTE",
    "LAND_STORES",
    "MEMBER_BUDGETS",
    "ONE_DRAW",
    "SPREAD",
    "cost_shares",
    "costs_of_days_run",
    "counted",
    "counted_by_year",
    "counted_land_by_year",
    "land_storage_end",
    "member_budgets",
    "member_kept_out",
    "member_on_land",
    "members_counted",
    "reservoir_input",
    "spread_rows",
    "upstream_storage_change",
    "year_fractions",
]
