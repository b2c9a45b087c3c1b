"""What the GEP accounts read from a results file: subbasins, yearly sums, mean concentrations.

Used by :func:`hydro.gep.gep`: the subbasins and where each drains
(:func:`subbasin_metadata`), variables with a leading scenario axis summed over
each year's days, mean concentrations of reaches and reservoirs, the elements upstream of
each element, and the share of a removal counted up to capacity.
"""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError
from hydro.reservoir_location import location_attributes
from hydro.run_attributes import id_values
from hydro.units import SECONDS_PER_DAY

#: How the rows' note begins when the withdrawal requests could not be read (:func:`used_withdrawal`):
#: the terminal table repeats it as a warning (:func:`hydro.gep_tables.format_table`).
ALL_ABSTRACTED = "every river withdrawal counted as abstracted"


def subbasin_metadata(results, basin=None) -> dict:
    """Subbasin ids, areas, counties, provinces and where each drains, and the reservoirs' counties
    (``reservoir_location``: :func:`reservoir_locations`), from the results.

    Taken from the global attributes ``subbasin_area_km2``, ``subbasin_county``,
    ``subbasin_province`` and ``subbasin_drains_to`` (``id=value;...``) and
    :data:`hydro.reservoir_location.ATTRIBUTES` when present, otherwise from ``basin`` (a
    :class:`~hydro.basin.Basin` or a spec), otherwise from the shipped basin named in the ``basin``
    attribute.
    """
    ids = list(results.coords.get("subbasin", []))  # gep.check_results refused results without any
    attrs = results.attrs
    if all(k in attrs for k in ("subbasin_area_km2", "subbasin_drains_to")):
        area = id_values(attrs["subbasin_area_km2"])
        drains = id_values(attrs["subbasin_drains_to"])
        county = id_values(attrs.get("subbasin_county", ""))
        prov = id_values(attrs.get("subbasin_province", ""))
        location = reservoir_locations(attrs)
        if not location and "reservoir_county" not in attrs and len(results.coords.get("reservoir", [])):
            location = _basin_locations(results, basin)  # a file of before 2026-12-05 does not say
        return {"ids": ids, "area_km2": np.array([float(area[i]) for i in ids]),
                "county": [county.get(i, "") for i in ids], "province": [prov.get(i, "") for i in ids],
                "drains_to": [drains[i] for i in ids], "reservoir_location": location}
    from hydro.basin import Basin
    from hydro.scenarios.measures import BasinInfo

    spec = basin.path if hasattr(basin, "path") else basin
    if spec is None:
        spec = named_basin(results)
    try:
        info = BasinInfo.load(spec)
        # the reservoirs' counties of the basin given (with its --set changes), else of the file read
        network = basin.network if isinstance(basin, Basin) else Basin.load(info.path).network
    except HydroError as exc:
        raise HydroError(f"GEP needs the subbasin areas: these results lack the attributes "
                         f"subbasin_area_km2/subbasin_drains_to and the basin could not be read ({exc}); "
                         "give the basin (--basin)") from None
    by_id = {s["id"]: s for s in info.subbasins}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise HydroError(f"{info.path}: has no subbasin {missing}; is it the basin these results came from?")
    return {"ids": ids, "area_km2": np.array([float(by_id[i]["area_km2"]) for i in ids]),
            "county": [str(by_id[i].get("county", "")) for i in ids],
            "province": [str(by_id[i].get("province", "")) for i in ids],
            "drains_to": [by_id[i].get("reach") or by_id[i].get("reservoir") for i in ids],
            "reservoir_location": reservoir_locations(location_attributes(network.reservoirs))}


def _basin_locations(results, basin) -> dict[str, list[tuple[str, str, float]]]:
    """The reservoirs' counties of ``basin`` (a :class:`~hydro.basin.Basin` or a spec; None: the basin the
    results name) for results written before their global attributes held them (2026-12-05), whose lakes
    were otherwise credited by area to the subbasins draining into them (a backward-compatibility review,
    2026-12-06); none where the basin cannot be read (that older rule, as before)."""
    from hydro.basin import Basin

    spec = getattr(basin, "path", basin) if basin is not None else named_basin(results)
    if spec is None:
        return {}
    try:
        network = basin.network if isinstance(basin, Basin) else Basin.load(spec).network
    except HydroError:
        return {}
    return reservoir_locations(location_attributes(network.reservoirs))


def reservoir_locations(attrs) -> dict[str, list[tuple[str, str, float]]]:
    """``{reservoir id: [(county, province, share of its water surface), ...]}`` from a results file's
    global attributes (empty where they give none; written by
    :func:`hydro.reservoir_location.location_attributes`)."""
    county = id_values(attrs.get("reservoir_county", ""))
    province = id_values(attrs.get("reservoir_province", ""))
    share = id_values(attrs.get("reservoir_county_water_share", ""))
    out = {}
    for rid, names in county.items():
        parts = names.split("|")
        provs = province.get(rid, "").split("|")
        shares = [float(s) for s in share.get(rid, "").split("|") if s] or [1.0 / len(parts)] * len(parts)
        out[rid] = [(c, provs[i] if i < len(provs) else "", shares[i]) for i, c in enumerate(parts)]
    return out


def per_scenario(results, name: str, n_dims: int) -> np.ndarray:
    """``results[name]`` with a leading scenario axis (added when absent)."""
    arr = np.asarray(results[name], dtype=float)
    return arr[None] if arr.ndim == n_dims else arr


def year_sums(values: np.ndarray, years_of_day: np.ndarray, years: list[int]) -> np.ndarray:
    """Sum a [scen, day, ...] array over the days of each year -> [scen, year, ...]."""
    return np.stack([values[:, years_of_day == y].sum(axis=1) for y in years], axis=1)


def mean_concentration(results, kind: str, years_of_day, years, pollutant: str = "tn") -> np.ndarray | None:
    """Mean concentration of ``pollutant`` (``tn``, ``nh3n``, ``tp``, ``codmn``) per scenario, year and
    element (mg/L), or None when the results lack it.

    Reaches: flow-weighted at the outlet, Σ load / Σ (Q · 86400) (kg/m3 · 1000 = mg/L).
    Reservoirs: volume-weighted, Σ (storage · C) / Σ storage.
    """
    if kind == "reach":
        if f"{pollutant}_load" not in results.data or "discharge" not in results.data:
            return None
        load = year_sums(per_scenario(results, f"{pollutant}_load", 2), years_of_day, years)
        vol = year_sums(per_scenario(results, "discharge", 2) * SECONDS_PER_DAY, years_of_day, years)
    else:
        conc = f"reservoir_{pollutant}_concentration"
        if conc not in results.data or "reservoir_storage" not in results.data:
            return None
        s = per_scenario(results, "reservoir_storage", 2)
        load = year_sums(s * per_scenario(results, conc, 2), years_of_day, years) / 1000.0
        vol = year_sums(s, years_of_day, years)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(vol > 0, 1000.0 * load / np.where(vol > 0, vol, 1.0), 0.0)


def check_concentrations_kept(results, pollutants, where: str = "these results") -> None:
    """Refuse a results file of a hydro run (it has ``config_sha256``) that keeps a pollutant's
    budgets but not the series :func:`mean_concentration` needs (written with ``--variables``):
    without them every removal would count as purified, with no capacity limit (Guanting,
    April-May 2005: 877.7 t of N purified instead of 167.1).  Results built in memory without
    concentrations are valued so on purpose (capacity share 1)."""
    if not results.attrs.get("config_sha256"):
        return
    need = {"reach": lambda p: (f"{p}_load", "discharge"),
            "reservoir": lambda p: (f"reservoir_{p}_concentration", "reservoir_storage")}
    lacking = sorted({v for p in pollutants for kind, names in need.items() if f"{p}_budget_{kind}" in results.data
                      for v in names(p) if v not in results.data})
    if lacking:
        raise HydroError(f"{where}: GEP counts a removal as purification up to each water body's capacity at its "
                         f"target concentration, and these results lack {', '.join(lacking)} (written with "
                         "--variables?): run it again with them in --variables, or without --variables")


def used_withdrawal(results, basin=None) -> tuple[np.ndarray, str]:
    """Water abstracted from each reach for use, m3 s-1 [scenario, day, reach], and a note.

    ``reach_withdrawal`` holds every request of the basin's ``[[withdrawals]]``: diversions and
    supply intakes (``flow_m3_s``; and ``[[transfers]]`` abstractions from reaches), and channel
    transmission losses (``loss_share``: water a losing channel gives to its bed, which nobody
    uses; 25 of Guanting's 27).  Only the first are abstraction.  On a reach with a channel loss
    the part abstracted is ``min(Σ flows requested, withdrawal)`` each day: exact when the
    requests are taken before the loss (as in the shipped basins), otherwise at most the loss
    too much.  The requests are read from ``basin`` (default: the basin named in the results) with
    the run's overrides (:func:`run_basin`, which refuses a basin file changed since the run);
    when it cannot be found, or has other reaches than these results, every withdrawal counts as
    abstracted and the note says so.
    """
    taken = per_scenario(results, "reach_withdrawal", 2)
    if not np.any(taken):
        return taken, ""
    requests, why = _withdrawal_requests(results, basin)
    if requests is None:
        return taken, (f"{ALL_ABSTRACTED} ({why}): channel losses, if any, "
                       "not told apart; give the basin (--basin)")
    used = taken.copy()
    for j in range(taken.shape[2]):
        flows = requests.flow[requests.reach == j]
        loss = np.isinf(flows).all(axis=1)
        if loss.any():
            asked = flows[~loss].sum(axis=0)
            used[:, :, j] = np.minimum(asked[None, :], taken[:, :, j])
    return used, ""


def _withdrawal_requests(results, basin):
    """The requests of the basin the results came from (:mod:`hydro.withdrawal_requests`), or
    ``(None, why)``."""
    from hydro.basin import Basin, resolve_basin
    from hydro.transfers import read_transfers
    from hydro.withdrawal_requests import withdrawal_requests

    spec = named_basin(results) if basin is None else basin
    if spec is None:
        return None, "these results name no basin"
    try:
        if not isinstance(spec, Basin):
            resolve_basin(getattr(spec, "path", spec))  # a basin that cannot be found: the note
    except (HydroError, TypeError, OSError) as exc:
        return None, f"the basin could not be read: {str(exc).splitlines()[0] if str(exc) else exc!r}"
    b = run_basin(results, spec)
    if list(b.network.reach_ids) != [str(r) for r in results.coords["reach"]]:
        return None, f"basin '{b.name}' has other reaches than these results"
    dates = list(results.dates)
    months = np.array([d.month for d in dates])
    return withdrawal_requests(b, dates, months, read_transfers(b, dates).reach_abstraction), ""


def named_basin(results):
    """The basin the results name (global attribute ``basin``, a basin's name): the shipped basin
    of that name, else the name itself (a folder of that name where the command runs); None when
    they name none.  A shipped name is never taken for a folder that merely shares it (an output
    folder ``guanting/``), which is not the basin the run used."""
    from hydro.basin import shipped_basins

    name = results.attrs.get("basin")
    if not name:
        return None
    shipped = shipped_basins().get(str(name))
    return shipped / "basin.toml" if shipped is not None else str(name)


def check_withdrawals_kept(results, basin=None, where: str = "these results") -> None:
    """Refuse results without ``reach_withdrawal`` of a basin whose runs write it (``[[withdrawals]]``
    or ``[[transfers]]`` abstractions from reaches, :func:`hydro.pipeline.run_watershed`): written
    with ``--variables`` that left it out, they would count no water abstracted, and the water
    conservation would be the slow runoff whole (Guanting, April-May 2005: 2.56e7 m3 instead of
    1.25e7).  Results whose basin cannot be read pass (nothing tells)."""
    if "reach_withdrawal" in results.data:
        return
    from hydro.basin import Basin
    from hydro.transfers import read_transfers

    spec = named_basin(results) if basin is None else basin
    try:
        b = spec if isinstance(spec, Basin) else Basin.load(getattr(spec, "path", spec))
        takes = bool(b.withdrawal_tables) or bool(read_transfers(b, list(results.dates)).reach_abstraction)
    except (HydroError, TypeError, OSError, KeyError):
        return
    if takes:
        raise HydroError(f"{where}: basin '{b.name}' takes water from its rivers ([[withdrawals]] or [[transfers]] "
                         "abstractions), and these results lack reach_withdrawal (written with --variables?); GEP's "
                         "water conservation subtracts the water abstracted: run it again with reach_withdrawal in "
                         "--variables, or without --variables")


def parameters_changed(attrs, where: str = "these results") -> dict:
    """The run's ``parameters_changed`` (JSON, path -> value) as a dict.

    Raises
    ------
    HydroError
        When the results stack runs that changed different parameters (the attribute lists each run's,
        ``label={...};...``, :func:`hydro.results.stack`): no one basin is theirs.
    """
    import json

    text = str(attrs.get("parameters_changed", ""))
    try:
        changes = json.loads(text)
    except json.JSONDecodeError:
        changes = None
    if not isinstance(changes, dict):
        raise HydroError(f"{where}: the runs stacked in these results changed different parameters "
                         f"(parameters_changed = {text[:120]}{'...' if len(text) > 120 else ''}); GEP reads the "
                         "basin of one run: value each run's results on their own, as they were before stacking")
    return changes


def run_overrides(attrs, where: str = "these results") -> list[str]:
    """The ``key.path=value`` assignments the run applied to its basin file, from its attributes.

    ``parameters_changed`` (a :class:`hydro.model.Model` run), else the ``history`` of
    ``hydro run``: the ``overrides`` of its ``--params`` file, then its ``--set`` values, in
    the order the run applied them: the file's as the run recorded them (``params_overrides``), or
    for a run written before it did, the file looked for as given (from the folder the command runs
    in; one that cannot be read is an error naming it).
    """
    import json
    import shlex

    if attrs.get("parameters_changed"):
        changes = parameters_changed(attrs, where)
        return [f"{k}={json.dumps(v) if isinstance(v, str) else v}" for k, v in changes.items()]
    try:
        words = shlex.split(str(attrs.get("history", "")))
    except ValueError:
        return []
    if words[:2] != ["hydro", "run"]:
        return []
    sets = [words[i + 1] for i in range(len(words) - 1) if words[i] == "--set"]
    params = [words[i + 1] for i in range(len(words) - 1) if words[i] == "--params"]
    if not params:
        return sets
    if attrs.get("params_overrides"):  # recorded by the run (since 2026-12-05): the file is not needed
        return list(json.loads(str(attrs["params_overrides"]))) + sets
    from hydro.calibration import read_params

    try:
        return read_params(params[-1]) + sets
    except HydroError as exc:
        raise HydroError(f"{where}: the run took parameters from --params {params[-1]}, which cannot be read "
                         f"here ({str(exc).splitlines()[0]}); GEP reads the basin the run used: run hydro gep "
                         "from the folder the run was made in") from None


def run_basin(results, basin=None, where: str = "these results"):
    """The basin the results were run with: ``basin`` (a :class:`~hydro.basin.Basin`, name or
    path; default the one the results name) with the overrides the run applied
    (:func:`run_overrides`: ``hydro run --set``, ``--params``).

    Raises
    ------
    HydroError
        When the results record a configuration hash (``config_sha256``; a scenarios file:
        its baseline's) that this basin does not give: the basin file changed since the run,
        or the run's overrides cannot be told from its attributes.
    """
    from hydro.basin import Basin

    attrs = results.attrs
    spec = named_basin(results) if basin is None else basin
    if isinstance(spec, Basin):
        b = spec
    elif attrs.get("parameters_changed"):  # the hash of Model.with_parameters, not of --set
        from hydro.model import Model

        b = Model.from_basin(getattr(spec, "path", spec)).with_parameters(parameters_changed(attrs, where)).basin
    else:
        sets = run_overrides(attrs, where)
        try:
            b = Basin.load(getattr(spec, "path", spec), sets)
        except HydroError as exc:
            if not sets:
                raise
            raise HydroError(f"{where}: the run's overrides ({'; '.join(sets)}) do not apply to the basin as it is "
                             f"now ({str(exc).splitlines()[0]}): its file changed since the run; run the basin "
                             "again and value that file, or give --basin the basin folder the run used") from None
    recorded = str(attrs.get("config_sha256", ""))
    if "=" in recorded:  # a scenarios file: name=sha;...
        recorded = id_values(recorded).get("baseline", "")
    if recorded and b.sha256 != recorded and recorded not in _older_sha256(b, attrs, where):
        sets = run_overrides(attrs, where) if not isinstance(spec, Basin) else []
        raise HydroError(f"{where}: the run's configuration (config_sha256 {recorded[:12]}…) is not that of "
                         f"{b.path}" + (f" with the run's overrides ({'; '.join(sets)})" if sets else "")
                         + ": the basin file changed since the run, or the run was made with overrides its "
                         "attributes do not record; GEP reads the withdrawal requests from the basin the run "
                         "used. Run the basin again and value that file, or give --basin the basin folder "
                         "the run used")
    return b


def capacity_share(mean_mg_per_l, target_mg_per_l: float) -> np.ndarray:
    """Share of a first-order removal counted as purification: ``min(1, C*/C̄)``."""
    c = np.asarray(mean_mg_per_l, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(c > target_mg_per_l, target_mg_per_l / np.where(c > 0, c, 1.0), 1.0)


def _older_sha256(basin, attrs, where: str) -> set[str]:
    """The ``config_sha256`` values a run of ``basin`` with the results' overrides wrote before: until
    2026-12-04 of the basin file and the overrides only (:func:`hydro.config_hash.config_sha256` without
    the files it names: their data files are not checked, as they were not then), and until 2026-12-05
    with each override's text as typed (not :func:`~hydro.config_hash.canonical_change`), so that results
    written then are still valued."""
    from hydro.basin_tables import load_basin_file
    from hydro.config_hash import change_lines, config_sha256
    from hydro.overrides import apply_overrides

    changed = bool(attrs.get("parameters_changed"))
    lines = change_lines(parameters_changed(attrs, where)) if changed else run_overrides(attrs, where)
    raw = basin.path.read_bytes()
    data = load_basin_file(basin.path)
    if not changed:  # (parameters_changed are numbers: they name no file)
        data = apply_overrides(data, list(lines), basin.path)
    return {config_sha256(raw, None, basin.folder, lines, files=False, canonical=False),
            config_sha256(raw, data, basin.folder, lines, canonical=False)}
