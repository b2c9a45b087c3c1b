"""Incentives: what each party receives under an agreement, against what its measures cost.

For every scenario in a scenarios file (``hydro scenarios`` output), the agreement
is evaluated on that scenario's section series (:func:`hydro.compensation.evaluate`
on :func:`hydro.monitoring.read_series` with the scenario chosen), and netted per
year and party (:func:`hydro.compensation.totals`).  Measure costs are borne by
the party whose ``[parties.<name>]`` criteria (subbasins, counties, provinces,
reservoir) match the subbasin where the measure is; costs no party matches go to
``"unassigned"``.

One row per scenario, year and party:

``received_yuan``
    net amount the party receives under the agreement (negative: it pays);
``received_change_yuan``
    the same, minus what it receives in the baseline;
``measure_cost_yuan``
    the cost of the scenario's measures located in the party's area; of a year the run
    covers in part, the share of that year's cost its days cover, capital spent counted whole
    (:func:`hydro.scenarios.kept_out.costs_of_days_run`), as the summary's whole-run cost counts
    it, so that the row sets the cost of the same days against their payments and N kept out
    (the rows of a scenario sum to the summary's ``cost``);
``net_gain_yuan``
    ``received_change_yuan - measure_cost_yuan``: the incentive to carry out the
    scenario (positive: the agreement more than pays for the measures);
``n_kept_out_kg``
    N kept out of the basin's reservoirs against the baseline (inflow + lateral +
    point terms of their budgets; the same on every row of a scenario and year),
    counting only the reservoirs at the foot of each cascade
    (:mod:`hydro.scenarios.kept_out`: N kept out of Yunzhou is not counted again at Miyun);
``paid_per_kg_kept_out_yuan``
    for a party that pays (``received_yuan < 0``): its *whole* payment in the scenario
    divided by the kg kept out (an average that includes what it would pay anyway);
``paid_change_per_kg_kept_out_yuan``
    for a party that pays in the scenario or the baseline: the *change* in what it
    pays against the baseline per kg kept out, ``-received_change_yuan / n_kept_out_kg``
    (the marginal price of the N kept out; negative: it pays less).
``n_kept_out_in_storage_kg``
    the part of ``n_kept_out_kg`` that is N held in the water upstream of those
    reservoirs, the change over the year against the baseline's
    (:func:`hydro.scenarios.kept_out.upstream_storage_change`): positive, N held back that
    may leave later rather than N removed; summed over the years it is the summary's
    ``n_kept_out_in_storage``.
``n_kept_out_on_land_kg`` (added 2026-12-01, before ``complete``)
    N the measures kept off the rivers over the year that is still on the land upstream of those
    reservoirs, in the wash-off and groundwater stores: the baseline's change in those stores over
    the year minus the scenario's (:func:`hydro.scenarios.kept_out.land_storage_end`; both start
    alike); not part of ``n_kept_out_kg``; summed over the years it is the summary's
    ``n_kept_out_on_land``; empty for a file without the stores' daily values.
``floor_yuan`` (added 2026-12-06, before ``in_force``)
    what a one-way agreement's floor added to the party's net that year (the payee's > 0, the payer's < 0; 0
    where it took nothing): there ``received_change_yuan`` hides the change the rules gave (a planner's review:
    Hebei's manure plan earned 362,016 and 656,844 yuan in the quality rules that the floor absorbed);
``in_force`` (added 2026-12-05, before ``complete``)
    False for a year outside the agreement's ``period`` (as ``--set period=`` gives it): the
    agreement pays nothing then (``received_yuan`` 0), while the measures' cost still counts; the
    text table prints "not in force" there rather than a payment of 0.
``complete``
    False when an amount the row's received or baseline figure sums was undetermined
    or incomplete (:func:`hydro.compensation.totals`: e.g. a first year's rule against
    the year before, which the run does not have): the figure counts it as 0, and the
    text table marks the row.

Rows also carry ``year_part`` (not a CSV column): "" for a calendar year the run covers
whole, else the part it covers ("Jan-Feb only"); the text table marks those years.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hydro.csv_cells import SpreadsheetWriter
from hydro.errors import HydroError
from hydro.run_attributes import id_values
from hydro.scenarios.fields import in_counties
from hydro.scenarios.kept_out import costs_of_days_run, counted_by_year, counted_land_by_year

COLUMNS = ("scenario", "year", "party", "received_yuan", "received_change_yuan", "measure_cost_yuan",
           "net_gain_yuan", "n_kept_out_kg", "paid_per_kg_kept_out_yuan", "paid_change_per_kg_kept_out_yuan",
           "n_kept_out_in_storage_kg", "n_kept_out_on_land_kg", "floor_yuan", "in_force", "complete")


def party_of_subbasins(parties: dict, ids, county, province, drains_to) -> list[str]:
    """The party bearing the costs of each subbasin (first match in file order, else ``unassigned``)."""
    out = []
    for j, sid in enumerate(ids):
        owner = "unassigned"
        for name, w in parties.items():
            if w.everywhere or (
                    (w.subbasins is None or sid in w.subbasins)
                    and (w.counties is None or in_counties(county[j], w.counties))
                    and (w.provinces is None or province[j] in w.provinces)
                    and (w.reservoir is None or drains_to[j] == w.reservoir)):
                owner = name
                break
        out.append(owner)
    return out


def incentives(scenario_results_path, agreement, scenario_file=None, skip_unavailable: bool = False) -> list[dict]:
    """The incentives table of one basin's scenarios under one agreement (module docstring).

    Parameters
    ----------
    scenario_results_path : str or Path
        A file written by ``hydro scenarios`` (with a ``scenario`` dimension).
    agreement : Agreement or str or Path
    scenario_file : ScenarioFile or str or Path, optional
        For the parties; default the file named in the results' ``scenario_file``
        attribute.
    skip_unavailable : bool
        Leave out the rule parameters the simulation has no data for (TP, NH3-N, CODMn
        on a TN-only run), as ``hydro compensate --skip-unavailable`` does.

    Returns
    -------
    list of dict with keys :data:`COLUMNS`
    """
    from hydro.compensation import Agreement
    from hydro.results import load_results
    from hydro.scenarios.spec import ScenarioFile

    path = Path(scenario_results_path)
    res = load_results(path)
    names = [str(s) for s in res.coords.get("scenario", [])]
    if not names or "measure_capital_cost" not in res.data:
        raise HydroError(f"{path}: not a scenarios file (no 'scenario' dimension or measure costs); "
                         "make one with `hydro scenarios BASIN SCENARIOS.toml -o OUT.nc`")
    if not isinstance(agreement, Agreement):
        agreement = Agreement.from_toml(agreement)
    if scenario_file is None:
        scenario_file = res.attrs.get("scenario_file")
        if not scenario_file or not Path(scenario_file).is_file():
            raise HydroError(f"{path}: the scenario file it was made from ({scenario_file!r}) cannot be "
                             "found; give it (--scenario-file)")
    sfile = scenario_file if isinstance(scenario_file, ScenarioFile) else ScenarioFile.from_toml(scenario_file)
    from hydro.scenarios.measures import check_basin_name

    check_basin_name(sfile, str(res.attrs.get("basin", sfile.basin)), f"{path}, the scenarios' results,",
                     "Give the scenario file the results were made from (--scenario-file), or leave "
                     "--scenario-file out for the one they name")  # its parties would pick another basin's subbasins
    ids = list(res.coords["subbasin"])
    owner = _owners(res, sfile.parties, ids)
    years = [int(y) for y in res.coords["budget_year"]]
    cost = costs_of_days_run(res, str(res.attrs.get("cost_method", sfile.cost_method)))  # [scenario, year, subbasin]
    inflow, held = counted_by_year(res)
    land = np.diff(counted_land_by_year(res), axis=1, prepend=0.0)  # [scenario, year]; both start alike
    if "baseline" not in names:
        raise HydroError(f"{path}: no 'baseline' scenario; incentives are counted against it")
    b0 = names.index("baseline")
    received, payers, incomplete, floors = _received(path, names, agreement, skip_unavailable)
    parties = set(owner) | set(sfile.parties) | payers
    from hydro.dates import partial_years

    partial = partial_years(res.dates)
    rows = []
    for s, sid in enumerate(names):
        for k, y in enumerate(years):
            kept = float(inflow[b0, k] - inflow[s, k])
            for p in sorted(parties):
                got = received.get((sid, y, p), 0.0)
                base = received.get(("baseline", y, p), 0.0)
                c = float(sum(cost[s, k, j] for j in range(len(ids)) if owner[j] == p))
                if not got and not c and (sid, y, p) not in received:
                    if p not in owner and p not in sfile.parties:
                        continue
                rows.append({"scenario": sid, "year": y, "party": p, "received_yuan": got,
                             "received_change_yuan": got - base, "measure_cost_yuan": c,
                             "net_gain_yuan": got - base - c, "n_kept_out_kg": kept,
                             "n_kept_out_in_storage_kg": float(held[s, k] - held[b0, k]),
                             "n_kept_out_on_land_kg": float(land[b0, k] - land[s, k]),
                             "floor_yuan": floors.get((sid, y, p), 0.0),
                             "paid_per_kg_kept_out_yuan": (-got / kept) if (got < 0 and kept > 0) else float("nan"),
                             "paid_change_per_kg_kept_out_yuan":
                                 ((base - got) / kept) if (min(got, base) < 0 and kept > 0) else float("nan"),
                             "complete": not ({(sid, y, p), ("baseline", y, p)} & incomplete),
                             "in_force": agreement.period[0] <= y <= agreement.period[1],
                             "year_part": partial.get(y, "")})
    return rows


def _owners(res, parties: dict, ids: list) -> list[str]:
    """The party of each subbasin of a scenarios file (:func:`party_of_subbasins` on its attributes)."""
    county, province, drains = (id_values(res.attrs.get(k, "")) for k in
                                ("subbasin_county", "subbasin_province", "subbasin_drains_to"))
    return party_of_subbasins(parties, ids, [county.get(i, "") for i in ids],
                              [province.get(i, "") for i in ids], [drains.get(i, "") for i in ids])


def _received(path: Path, names: list[str], agreement, skip_unavailable: bool):
    """Net yuan each party receives (negative: pays) under ``agreement``, per scenario and year.

    Returns
    -------
    received : dict
        ``(scenario, year, party) -> yuan``.
    parties : set of str
        Every payer and payee named by the payments.
    incomplete : set of tuple
        ``(scenario, year, party)`` of which some amount was undetermined or incomplete.
    floors : dict
        ``(scenario, year, party) -> yuan`` a one-way agreement's floor added to the party's net (``floor``
        lines: the payee's > 0, the payer's < 0).
    """
    from hydro.compensation import evaluate, totals
    from hydro.monitoring import read_series

    received: dict[tuple[str, int, str], float] = {}
    floors: dict[tuple[str, int, str], float] = {}
    parties: set[str] = set()
    incomplete: set[tuple[str, int, str]] = set()
    for sid in names:
        series = read_series(path, scenario=sid)
        payments = evaluate(agreement, series, skip_unavailable=skip_unavailable)
        for f in payments:
            if f.component == "floor" and np.isfinite(f.amount_yuan) and f.amount_yuan:
                floors[(sid, f.year, f.payee)] = floors.get((sid, f.year, f.payee), 0.0) + f.amount_yuan
                floors[(sid, f.year, f.payer)] = floors.get((sid, f.year, f.payer), 0.0) - f.amount_yuan
        for t in totals(payments):
            received[(sid, t["year"], t["payee"])] = received.get((sid, t["year"], t["payee"]), 0.0) + t["net_yuan"]
            received[(sid, t["year"], t["payer"])] = received.get((sid, t["year"], t["payer"]), 0.0) - t["net_yuan"]
            parties |= {t["payer"], t["payee"]}
            if not t["complete"]:
                incomplete |= {(sid, t["year"], t["payer"]), (sid, t["year"], t["payee"])}
    return received, parties, incomplete, floors


def write_incentives_csv(rows: list[dict], out, overwrite: bool = False, provenance: dict | None = None) -> None:
    """Write incentive rows (columns :data:`COLUMNS`) to a path (atomically, an existing
    file only with ``overwrite``; :mod:`hydro.outputs`) or text stream; with ``provenance``
    (:func:`hydro.provenance.compensation_provenance`) the columns of
    :data:`hydro.provenance.PROVENANCE_COLUMNS` but ``overridden`` (a row is no one rule's) follow."""
    if isinstance(out, (str, Path)):
        from hydro.outputs import atomic_open

        with atomic_open(out, overwrite, option="--csv") as fh:
            write_incentives_csv(rows, fh, provenance=provenance)
        return
    from hydro.provenance import PROVENANCE_COLUMNS, provenance_cells

    w = SpreadsheetWriter(out)
    w.writerow(COLUMNS + (PROVENANCE_COLUMNS[1:] if provenance else ()))
    tail = provenance_cells("", provenance)[1:] if provenance else []
    for r in rows:
        w.writerow([(repr(float(r[c])) if isinstance(r[c], float) and np.isfinite(r[c]) else  # yuan to the last digit
                     ("" if isinstance(r[c], float) else str(r[c]).lower() if isinstance(r[c], bool) else r[c]))
                    for c in COLUMNS] + tail)


def format_incentives(rows: list[dict]) -> str:
    """Plain-text table of the incentive rows (yuan)."""
    head = f"{'scenario':20s} {'year':>4s} {'party':22s} {'received yuan':>14s} {'vs baseline':>14s} " \
           f"{'measure cost':>14s} {'net gain yuan':>14s} {'N kept out kg':>14s}"
    lines = [head]
    partial = {r["year"]: r.get("year_part") for r in rows if r.get("year_part")}
    for r in rows:
        year = f"{r['year']}*" if r["year"] in partial else f"{r['year']} "
        paid = (f"{r['received_yuan']:14,.0f} {r['received_change_yuan']:14,.0f}" if r.get("in_force", True)
                else f"{'not in force':>14s} {'-':>14s}")
        lines.append(f"{r['scenario']:20s} {year:5s}{r['party']:22s} {paid} {r['measure_cost_yuan']:14,.0f} "
                     f"{r['net_gain_yuan']:14,.0f} {r['n_kept_out_kg']:14,.0f}"
                     + ("" if r.get("complete", True) else " !"))
    if partial:
        lines.append("* years the run covers only in part: "
                     + ", ".join(f"{y} ({p})" for y, p in sorted(partial.items())))
    if len({r["party"] for r in rows}) > 1:
        lines.append("N kept out kg: the scenario's that year, the same on each party's row (not to be added up "
                     "over parties)")
    if not all(r.get("in_force", True) for r in rows):
        lines.append("not in force: a year outside the agreement's period; it pays nothing then, and the net gain is "
                     "minus the measures' cost")
    floored = sum(1 for r in rows if r.get("floor_yuan"))
    if floored:
        lines.append(f"floor: on {floored} row(s) the one-way floor brought a year's net back to 0 (floor_yuan, the "
                     "payee's > 0, the payer's < 0): there "
                     "'vs baseline' hides the change the rules gave (the quality part below, or `hydro compensate` "
                     "on the scenario, shows it)")
    if not all(r.get("complete", True) for r in rows):
        lines.append("! an amount of the row (scenario or baseline) was undetermined and counts as 0 (e.g. a rule "
                     "against the year before the run); `hydro compensate` on the scenario lists it")
    return "\n".join(lines)
