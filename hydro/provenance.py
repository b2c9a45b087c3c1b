"""What a derived figure was computed from: its input files (path and SHA-256), the ``--set``
overrides, and the code (hydro's version and :func:`hydro.code_revision.code_revision`).

A results file records its own provenance in global attributes (:mod:`hydro.assembly`,
``config_sha256``, ``source_revision``); the payments ``hydro compensate`` derives from one (or from a
monitoring CSV) are written to CSV, JSON and text, which carry :func:`compensation_provenance`
instead (docs/commands/compensate.md).
"""

from __future__ import annotations

from pathlib import Path

#: The input's own provenance, copied where the input is a hydro results file (netCDF global
#: attributes): the run's configuration hash and code, and its weather's draw.
RUN_ATTRIBUTES = ("config_sha256", "source_revision", "source", "weather_synthetic", "weather_seed", "basin_file",
                  "time_coverage_start", "time_coverage_end")


def code_record() -> dict[str, str]:
    """``{"hydro_version": "0.1.0", "source_revision": "git <commit>..."}`` (the revision ``""`` where
    hydro does not run from a git checkout: :func:`hydro.code_revision.code_revision`)."""
    from hydro import __version__
    from hydro.code_revision import code_revision

    return {"hydro_version": __version__, "source_revision": code_revision()}


def package_versions(names) -> dict[str, str | None]:
    """``{name: version}`` of the installed distributions ``names`` (None for one not installed): those
    a result depends on beyond hydro's code (:func:`hydro.calibration.diagnostics.library_versions`; a run
    on generated weather, :data:`WEATHER_LIBRARIES`)."""
    from importlib import metadata

    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


#: The libraries the generated weather's draws depend on: NumPy's ``Generator`` streams are bit-stable only
#: within a version (NEP 19), and SciPy's ``gammaincinv``/``ndtr`` turn them into precipitation.
WEATHER_LIBRARIES = ("numpy", "scipy")


def weather_library_versions() -> str:
    """``"numpy 2.1.3; scipy 1.15.2"``: the results' ``weather_libraries`` of a run on generated weather."""
    return "; ".join(f"{name} {version or 'not installed'}" for name, version in
                     package_versions(WEATHER_LIBRARIES).items())


def code_text(record: dict | None = None) -> str:
    """``hydro 0.1.0, git <commit>`` of :func:`code_record` (or of a record holding its keys)."""
    code = record if record is not None else code_record()
    return f"hydro {code['hydro_version']}" + (f", {code['source_revision']}" if code["source_revision"] else "")


def file_record(path: str | Path) -> dict[str, str]:
    """``{"path": <absolute path>, "sha256": <hex of its bytes>}`` of an input file."""
    from hydro.weather_csv import file_sha256

    return {"path": str(Path(path).resolve()), "sha256": file_sha256(Path(path))}


def run_record(path: str | Path) -> dict[str, str]:
    """:data:`RUN_ATTRIBUTES` the results file ``path`` has; for a basin file (``--uncertainty`` on a basin)
    its ``config_sha256``, which covers the files it names (weather, transfers: review of the session's
    diff 2026-12-05, F3); ``{}`` for a CSV or another file."""
    if str(path).endswith(".toml"):
        from hydro.basin import Basin
        from hydro.errors import HydroError

        try:
            return {"config_sha256": Basin.load(path).sha256}
        except HydroError:  # not a basin file: its own hash is the record
            return {}
    if not str(path).endswith(".nc"):
        return {}
    from hydro.netcdf_read import open_dataset

    try:
        with open_dataset(path) as nc:
            return {k: str(nc.getncattr(k)) for k in RUN_ATTRIBUTES if k in nc.ncattrs()}
    except OSError:
        return {}


def compensation_provenance(series_path: str | Path, agreement: str | Path,
                            overrides: list[str] | tuple[str, ...] = ()) -> dict:
    """What ``hydro compensate`` computed its payments from.

    Parameters
    ----------
    series_path : str or Path
        The results file or monitoring CSV evaluated (a basin file, for ``--uncertainty`` on a basin).
    agreement : str or Path
        The agreement file applied.
    overrides : sequence of str
        The ``--set`` assignments applied to the agreement, as given.

    Returns
    -------
    dict
        ``{"input": {"path", "sha256", and the run's RUN_ATTRIBUTES where it is a results file},
        "agreement": {"path", "sha256"}, "overrides": [...], "hydro_version", "source_revision"}``, and
        ``"inference_figures": {"path", "sha256"}`` where the agreement's ``[inference]`` names a
        published-figures CSV (``--uncertainty`` draws its prices from the fit on it: audit review,
        2026-12-06, its 2018 figure edited moved the 2018 median net by 63 M yuan, the record unchanged).
    """
    record = {"input": {**file_record(series_path), **run_record(series_path)},
              "agreement": file_record(agreement), "overrides": list(overrides), **code_record()}
    figures = _inference_figures(agreement, overrides)
    if figures is not None:
        record["inference_figures"] = file_record(figures)
    return record


def _inference_figures(agreement: str | Path, overrides) -> Path | None:
    """The published-figures CSV the agreement's ``[inference]`` names (its ``figures``, relative to the agreement
    file), with the ``--set`` ``overrides`` that reach it applied (``inference.figures=...``, ``inference={...}``),
    or None: read as the agreement's reader reads the file (:func:`hydro.tomlio.load_toml`, a byte-order mark
    too; :mod:`hydro.compensation.agreement` imports this module, so it is not asked)."""
    from hydro.errors import HydroError
    from hydro.overrides import apply_overrides
    from hydro.tomlio import load_toml

    reaching = [str(o) for o in overrides if str(o).split("=", 1)[0].strip().split(".")[0] == "inference"]
    try:
        inference = apply_overrides(load_toml(agreement), reaching, agreement).get("inference")
    except HydroError:  # the reader has refused it (or will, saying why)
        return None
    named = inference.get("figures") if isinstance(inference, dict) else None
    path = Path(agreement).parent / named if isinstance(named, str) else None
    return path if path is not None and path.is_file() else None


def overridden_by(rule: str, overrides: list[str] | tuple[str, ...]) -> list[str]:
    """The ``overrides`` that can change a payment line of the agreement rule at key path ``rule``
    (``quality_class[0]``): an assignment inside that rule (``quality_class[0].bonus_yuan=...``), or to a
    key of no one rule (``period=[2013,2017]``, which every rule reads).  An assignment inside another
    rule (or another indexed table) is not this line's."""
    out = []
    for text in overrides:
        key = text.split("=", 1)[0].strip()
        if "[" not in key.split(".", 1)[0] or (rule and (key == rule or key.startswith((rule + ".", rule + "[")))):
            out.append(text)
    return out


def provenance_lines(record: dict, flagged: bool = False) -> list[str]:
    """The short header of the text output: what the figures below were computed from (``flagged``: the
    table below flags ``set`` the lines an override can change)."""
    inp, agr = record["input"], record["agreement"]
    run = "".join(f", {k} {inp[k]}" for k in ("config_sha256", "source_revision") if k in inp)
    lines = [f"computed from: {inp['path']} (sha256 {inp['sha256']}{run})",
             f"agreement: {agr['path']} (sha256 {agr['sha256']})"]
    if "inference_figures" in record:
        fig = record["inference_figures"]
        lines.append(f"published figures of its [inference]: {fig['path']} (sha256 {fig['sha256']})")
    if record["overrides"]:
        lines.append("overrides (--set): " + "; ".join(record["overrides"])
                     + ("  (the lines they can change: flagged 'set')" if flagged else ""))
    lines.append(f"by {code_text(record)}")
    return lines


#: How :func:`hydro.runoff_warm_up.given_start` begins the ``initial_state`` of a run from the basin
#: file's state: :func:`params_attributes` rewords it where the ``--params`` file gave that state.
FILE_STATE = "the basin file's initial state, given for its [run] start"


def sets_initial_state(assignment: str) -> bool:
    """Whether the ``key.path=value`` ``assignment`` sets the run's start or an initial state
    (``run.start``, ``reservoirs.miyun.initial_storage_mcm``, ``initial.tn_mg_l``)."""
    key = assignment.split("=", 1)[0].strip()
    return key == "run.start" or "initial" in key


def params_attributes(params: str | Path, assignments: list[str] | tuple[str, ...],
                      initial_state: str | None = None) -> dict[str, str]:
    """The global attributes of a run with ``--params FILE``: ``params_file`` (absolute path),
    ``params_file_sha256`` and ``params_overrides`` (JSON list of the file's ``assignments`` as applied,
    before any ``--set``), so the run can be rebuilt once the file is moved or overwritten; and, where
    the run's ``initial_state`` (given) says it started from the basin file's state while the file set
    the start or an initial state, that attribute reworded to name the file and those assignments.
    (Not ``parameters_changed``: ``hydro gep`` rebuilds a run that has it through
    :meth:`hydro.Model.with_parameters` and would then refuse a plain run's file.)"""
    import json

    record = file_record(params)
    out = {"params_file": record["path"], "params_file_sha256": record["sha256"],
           "params_overrides": json.dumps(list(assignments))}
    given = [a for a in assignments if sets_initial_state(a)]
    if initial_state and given and initial_state.startswith(FILE_STATE):
        out["initial_state"] = (f"the basin file's initial state with the --params file's "
                                f"{'; '.join(given)}, given for that [run] start" + initial_state[len(FILE_STATE):])
    return out


def gep_provenance(results: str | Path | list, prices: str | Path | None, price_year: int | None) -> dict[str, str]:
    """The columns a ``hydro gep`` CSV adds after its own, the same on every row: the results file (path,
    SHA-256, its run's ``config_sha256``, the seed of its generated weather: empty for a run on the record;
    the long-horizon review, 2026-12-06, found a 2040 row read as a forecast), the prices file (path and
    SHA-256; empty: hydro's cited defaults, :class:`hydro.gep_prices.GepPrices`), ``--price-year`` (empty:
    each year at its own prices), hydro's version and revision (the reproducibility review's F5, 2026-12-05)."""
    given = file_record(prices) if prices else {"path": "", "sha256": ""}
    each = [results_provenance(r) for r in (results if isinstance(results, list) else [results])]
    inputs = {k: "; ".join(e[k] for e in each) if any(e[k] for e in each) else ""  # several: each, in order
              for k in each[0]}
    return {**inputs, "prices": given["path"], "prices_sha256": given["sha256"],
            "price_year": "" if price_year is None else str(price_year), **code_record()}


def results_provenance(results: str | Path) -> dict[str, str]:
    """The columns naming the results file a CSV's rows were computed from (``hydro gep``, ``hydro target``):
    ``input`` (its absolute path), ``input_sha256``, ``input_config_sha256`` (its run's configuration hash) and
    ``input_weather_seed`` (the seed of its generated weather; empty for a run on the station record)."""
    inp = {**file_record(results), **run_record(results)}
    seed = inp.get("weather_seed", "") if inp.get("weather_synthetic") == "true" else ""  # generated weather's
    return {"input": inp["path"], "input_sha256": inp["sha256"], "input_config_sha256": inp.get("config_sha256", ""),
            "input_weather_seed": seed}


def scenarios_provenance(basin_file: str | Path, scenario_file: str | Path) -> dict[str, str]:
    """The columns a ``hydro scenarios`` summary CSV adds after its own, the same on every row: the basin
    file (path, SHA-256, its ``config_sha256``, which covers the files it names), the scenario file (path,
    SHA-256), hydro's version and revision (the reproducibility review's F5, 2026-12-05)."""
    basin = {**file_record(basin_file), **run_record(basin_file)}
    scenarios = file_record(scenario_file)
    return {"basin": basin["path"], "basin_sha256": basin["sha256"],
            "basin_config_sha256": basin.get("config_sha256", ""), "scenario_file": scenarios["path"],
            "scenario_file_sha256": scenarios["sha256"], **code_record()}


#: The columns a payment CSV adds with its provenance (``hydro compensate --csv``, with ``--uncertainty``
#: too): the ``--set`` assignments that can change the row, the input (path, SHA-256, a results file's
#: config_sha256, generated weather's seed, its basin file, its days ``first..last`` and the code that ran it: the
#: audit review's F3, 2026-12-06, the CSV alone could not name the run), the agreement (path, SHA-256), the
#: published-figures CSV of its ``[inference]`` (path, SHA-256; empty where it names none), every ``--set``
#: assignment, and the code.
PROVENANCE_COLUMNS: tuple[str, ...] = ("overridden", "input", "input_sha256", "input_config_sha256",
                                       "input_weather_seed", "input_basin_file", "input_period",
                                       "input_source_revision", "agreement", "agreement_sha256", "inference_figures",
                                       "inference_figures_sha256", "overrides", "hydro_version", "source_revision")


def provenance_cells(rule: str, record: dict) -> list[str]:
    """The :data:`PROVENANCE_COLUMNS` of a row of the agreement rule at key path ``rule`` (``""``: a fixed
    or net line) under :func:`compensation_provenance` ``record`` (assignments joined by ``"; "``)."""
    inp, agr = record["input"], record["agreement"]
    seed = inp.get("weather_seed", "") if inp.get("weather_synthetic") == "true" else ""
    fig = record.get("inference_figures", {})
    period = (f"{inp['time_coverage_start']}..{inp['time_coverage_end']}"
              if inp.get("time_coverage_start") and inp.get("time_coverage_end") else "")
    return ["; ".join(overridden_by(rule, record["overrides"])), inp["path"], inp["sha256"],
            inp.get("config_sha256", ""), seed, inp.get("basin_file", ""), period, inp.get("source_revision", ""),
            agr["path"], agr["sha256"], fig.get("path", ""), fig.get("sha256", ""), "; ".join(record["overrides"]),
            record["hydro_version"], record["source_revision"]]
