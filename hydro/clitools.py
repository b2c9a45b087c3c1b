"""Small helpers shared by the command modules (``hydro.cli`` and the feature commands)."""

from __future__ import annotations

import click

from hydro.errors import HydroError


def command_history() -> str:
    """The command as typed (for the ``history`` attribute), rebuilt from click's context."""
    import shlex

    ctx = click.get_current_context()
    parts = ["hydro", ctx.info_name]
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        # by identity: 0 (--compress 0, --block-years 0) is a value typed, not an absence
        if value is None or value == () or param.name == "quiet":
            continue
        if value is False and not getattr(param, "secondary_opts", None):
            continue  # a plain flag not given
        if not isinstance(param, click.Argument) and value == param.default \
                and type(value) is type(param.default):
            continue  # a default the user did not type
        if isinstance(param, click.Argument):
            parts.append(str(value))
        elif isinstance(value, bool):  # --float32/--float64: the form given
            parts.append(param.opts[-1] if value else param.secondary_opts[-1])
        else:
            for v in (value if isinstance(value, tuple) else (value,)):
                parts += [param.opts[-1], str(v)]
    return " ".join(shlex.quote(p) for p in parts)


class EnsembleSize(click.ParamType):
    """``--members N`` of ``hydro run`` and ``hydro scenarios``: a whole number of at least 1.

    0 is refused alike by both (``hydro scenarios --members 0`` ran without an ensemble, exit 0,
    where ``hydro run`` refused it): the way to run without members is to leave the option out."""

    name = "integer"

    def convert(self, value, param, ctx):
        n = click.INT.convert(value, param, ctx)
        if n < 1:
            self.fail(f"{n}: an ensemble needs at least 1 member; leave --members out for one run on the "
                      "basin's recorded weather", param, ctx)
        return n


#: The type of every ``--members N`` (:class:`EnsembleSize`).
MEMBERS = EnsembleSize()


def shipped_or_given(ctx, param, value):
    """click callback of a path argument: a relative ``configs/...``, ``basins/...`` or
    ``validation/...`` that is not found from here reads hydro's shipped copy
    (:func:`hydro.resources.shipped_copy`), saying so on stderr; anything else as given."""
    from hydro.resources import shipped_copy

    found = None if value is None else shipped_copy(value)
    if found is None:
        return value
    click.echo(f"note: {value} is not in this folder; reading hydro's shipped {value} ({found})", err=True)
    return str(found)


def files_read(*paths) -> list:
    """The files a command reads, for ``check_output(inputs=...)``: each path given (None left out), a
    basin (its folder or file) expanded to the files it names (:func:`hydro.basin_tables.basin_files`)."""
    from pathlib import Path

    from hydro.basin_tables import basin_files

    found: list = []
    for p in paths:
        if p is None:
            continue
        path = Path(p)
        if path.is_dir() and (path / "basin.toml").is_file():
            path = path / "basin.toml"
        found += basin_files(path) if path.suffix.lower() == ".toml" and path.is_file() else [path]
    return found


def refuse_empty_output(value: str | None, option: str, expected: str, otherwise: str) -> None:
    """Refuse an output option given an empty name (``-o "$OUT"`` with OUT unset), which the commands
    took for the option left out: ``hydro run``, ``hydro scenarios`` and ``hydro report`` wrote their
    default file, ``hydro gep`` printed only, ``hydro compensate --csv`` wrote nothing, without a word.

    Parameters
    ----------
    value : str or None
        The option's value (None: not given, which is fine).
    option : str
        The option as typed, e.g. ``-o``.
    expected : str
        What to give it, e.g. ``a name ending in .nc``.
    otherwise : str
        What leaving it out does, e.g. ``for the default, BASIN.nc in the current folder``.
    """
    if value is not None and not str(value).strip():
        raise HydroError(f"{option} {value!r}: an empty file name; give {option} {expected}, or leave {option} "
                         f"out {otherwise}")


def refuse_past_record(basin, end, generated: bool = False, start=None) -> None:
    """Refuse, before the spin-up, a run on the station record (no ``--synthetic-weather`` nor
    ``--members``) of a watershed ``basin`` whose period ends after its record (``end``, else the
    basin's ``[run]`` end): it failed only after spinning up, asking to extend the weather file
    (a 2023-2027 plan period on Guanting: 23 years of spin-up first).  A flow-driven basin: a
    period (``start``, else the ``[run]`` start, to the end) its ``[forcing]`` CSV series do not cover."""
    from hydro.spin_up import record_span

    if not basin.is_watershed and basin.forcing is not None:
        from hydro.forcing_tables import check_covered

        check_covered(basin.forcing, basin.folder, start or basin.settings.start, end or basin.settings.end)
    span = record_span(basin)
    if span is not None and generated and basin.settings.end > span[2]:  # the [run] period sets the numerics
        raise HydroError(f"{basin.path}: [run] end ({basin.settings.end}) is after the station record's last day "
                         f"({span[2]}, {span[0]}): the basin's [run] period must lie on the record (its numerics and "
                         "the stores' mean flows come from it, docs/basin-file.md); keep [run] end and give the "
                         "later days with --end on generated weather")
    if span is None or generated:
        return
    csv, _, last = span
    if (end or basin.settings.end) > last:
        raise HydroError(f"{csv}: the station record ends on {last}, before the run's last day, "
                         f"{end or basin.settings.end}: there is no observed weather after it. Run the period on "
                         "generated weather (the days on the record take its observed weather): --synthetic-weather "
                         f"SEED for one run, or --members N for an ensemble; or end the run by {last} (--end)")


def refuse_seed_without_members(members) -> None:
    """``--seed`` typed without ``--members`` (``hydro run``, ``hydro scenarios``): it seeds the
    ensemble's weather, and without one it was silently ignored."""
    from click.core import ParameterSource

    if not members and click.get_current_context().get_parameter_source("seed") is ParameterSource.COMMANDLINE:
        raise HydroError("--seed seeds the weather of an ensemble's members, and there is none: add --members N, "
                         "or leave --seed out (one run on synthetic weather: hydro run --synthetic-weather SEED)")


def refuse_seed_without_uncertainty(members) -> None:
    """``--seed`` typed without ``--uncertainty`` (``compensate``, ``plot compensation``, ``report --agreement``):
    it seeds the draws of the payment members, and without them it was silently ignored."""
    from click.core import ParameterSource

    if members is None and click.get_current_context().get_parameter_source("seed") is ParameterSource.COMMANDLINE:
        raise HydroError("--seed seeds the draws of --uncertainty's members, and there are none: add --uncertainty N, "
                         "or leave --seed out")


# --- first-run compile notice -------------------------------------------------------------

#: The modules of compiled kernels (each is compiled, and cached, as a whole when its source changes).
KERNEL_MODULES = ("_transport_kernels", "_routing_kernels", "_hydraulics_kernels", "_runoff_kernels",
                  "_sources_kernels")

#: What the first run says on stderr while Numba compiles (about 20-35 s on a laptop).
COMPILE_NOTICE = "compiling kernels (first run only, ~20-40 s; later runs reuse the cache)…"

#: The kernel modules a flow-driven basin uses (a watershed uses every one of :data:`KERNEL_MODULES`).
FLOW_DRIVEN_MODULES = ("_transport_kernels", "_hydraulics_kernels")


def kernels_cold(modules=KERNEL_MODULES, every: bool = False) -> bool:
    """Whether a run will compile kernels: some (with ``every``: each) of ``modules`` has no
    usable entry in Numba's on-disk cache (the index files
    ``hydro/__pycache__/<module>.<kernel>-<line>.py311.nbi``, or under ``NUMBA_CACHE_DIR``;
    an index written for an older source counts as missing).

    A module counts as cached when any of its kernels has a cached compilation: Numba keys
    its cache on the module file, so editing one kernel recompiles the whole module, and
    kernels only called from other kernels have no entry of their own.  Never raises: when
    the cache cannot be inspected (another Numba, ``NUMBA_DISABLE_JIT=1``) it says False.
    """
    import importlib
    import os

    if os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"):
        return False
    try:
        from numba.core.registry import CPUDispatcher

        cold = []
        for name in modules:
            module = importlib.import_module(f"hydro.{name}")
            kernels = [v for v in vars(module).values()
                       if isinstance(v, CPUDispatcher) and v.__module__ == module.__name__]
            cold.append(bool(kernels) and not any(k._cache._cache_file._load_index()  # type: ignore[attr-defined]
                                                  for k in kernels))
    except Exception:  # a notice must never break a command
        return False
    return bool(cold) and (all(cold) if every else any(cold))


def compile_notice(quiet: bool = False, modules=KERNEL_MODULES, every: bool = False) -> bool:
    """Print :data:`COMPILE_NOTICE` on stderr when :func:`kernels_cold` (not with ``quiet``);
    returns whether it did."""
    if quiet or not kernels_cold(modules, every):
        return False
    click.echo(COMPILE_NOTICE, err=True)
    return True


# --- basins, --set and --params -------------------------------------------------------------

def basin_top_level_tables(raw: dict | None = None) -> list[str]:
    """The top-level tables and keys a basin file may hold: those of ``raw`` and of every
    shipped basin and example (the reader rejects any other)."""
    from hydro.basin import shipped_basins
    from hydro.tomlio import load_toml

    names = set(raw or ()) | {"output", "gauges"}  # [output] and [[gauges]] are in no shipped basin
    for folder in shipped_basins().values():
        try:
            names |= set(load_toml(folder / "basin.toml"))
        except HydroError:
            continue
    return sorted(names)


def load_basin(spec, overrides=(), params=None, n_params=0):
    """:meth:`hydro.basin.Basin.load` whose errors blame a ``--set`` assignment, not the
    basin file, when the assignment is what is wrong (an unknown table or key on its path);
    the first ``n_params`` assignments came from the ``--params`` file ``params`` and are
    named as its ``overrides``."""
    from hydro.basin import Basin

    overrides = list(overrides)
    try:
        return Basin.load(spec, overrides=overrides)
    except HydroError:
        if not overrides:
            raise
        Basin.load(spec)  # a mistake in the file itself is reported as it is
        for k, text in enumerate(overrides):
            try:
                Basin.load(spec, overrides=[text])
            except HydroError as exc:
                label = f"--set {text}" if k >= n_params else f"{params} (--params): key 'overrides', '{text}'"
                raise set_error(spec, text, exc, label) from None
        raise


def set_error(spec, text: str, exc: HydroError, label: str | None = None) -> HydroError:
    """The message for a ``--set`` assignment the basin rejects (see :func:`load_basin`), naming
    it as ``label`` (default ``--set TEXT``; an assignment of a ``--params`` file names the file)."""
    from hydro.basin import resolve_basin
    from hydro.errors import suggest
    from hydro.tomlio import load_toml

    path = resolve_basin(spec)
    raw = load_toml(path)
    label = label or f"--set {text}"
    key = text.split("=", 1)[0].strip()
    head = key.split(".")[0]
    message = str(exc)
    if head not in raw and f"key '{head}': unknown key" in message:  # not a table hydro reads ([output] is)
        valid = basin_top_level_tables(raw)
        return HydroError(f"{label}: a basin file has no top-level table '{head}' ({path.name} has none, "
                          "and hydro reads none)" + suggest(head, valid)
                          + f"; the top-level tables are: {', '.join(valid)} (docs/basin-file.md)")
    own = f"--set {text}: "  # hydro.overrides.apply_overrides names the assignment so
    if message.startswith(own):
        return HydroError(f"{label}: {message.removeprefix(own)}")
    import re

    hint = r"( \((?:did you mean|known keys:) [^()]+\))?"  # hydro.tomlio.Table.finish: the near key, else all
    unknown = re.match(r"^.*?: key '(.+?)'(?: \[file key .+?\])?: unknown key" + hint, message)
    if unknown:
        return HydroError(f"{label}: no key '{unknown.group(1)}'{unknown.group(2) or ''} ({path.name} has none, "
                          "and hydro reads none there); check the spelling of the path (docs/basin-file.md)")
    return HydroError(f"{label}: {message}")


def is_catchment_file(path) -> bool:
    """Whether ``path`` is a lumped-catchment TOML (``area_km2`` and a ``[gr4j]`` table;
    ``docs/catchment-csv.md``), as opposed to a basin file."""
    from pathlib import Path

    from hydro.tomlio import load_toml

    p = Path(path)
    if p.suffix != ".toml" or not p.is_file() or p.name == "basin.toml":
        return False
    data = load_toml(p)
    return isinstance(data.get("gr4j"), dict) and "area_km2" in data


def check_params_fit(params_path, target, catchment: bool) -> None:
    """Refuse parameters calibrated for the other kind of model (the model kind and target a
    ``best_params.toml`` records, "" when absent), with the command that fits; say when they come
    from a search that was interrupted."""
    from hydro.tomlio import load_toml

    data = load_toml(params_path)
    kind, calibrated = str(data.get("model", "")), str(data.get("target", ""))
    if kind == "flow_sources":
        raise HydroError(f"{params_path}: these are parameters of a flow_sources model ({calibrated}), which "
                         "hydro run does not run (it runs basins and catchments); their scores are in the "
                         "scores.csv beside this file, and hydro calibrate evaluates the model")
    stopped = data.get("interrupted")
    if isinstance(stopped, str) and stopped:
        click.echo(f"note: {params_path} is the best of a search that was interrupted ({stopped}); "
                   "a finished search may find better values", err=True)
    if kind == "catchment" and not catchment:
        raise HydroError(f"{params_path}: these are parameters of a catchment model (GR4J on "
                         f"{calibrated or 'a catchment file'}), not of a basin; {target} is a basin. "
                         f"Run the catchment: hydro run {calibrated or 'CATCHMENT.toml'} --params {params_path}")
    if catchment and kind and kind != "catchment":
        raise HydroError(f"{params_path}: these are parameters of a {kind} model ({calibrated}), not of "
                         f"the catchment {target}; run: hydro run {calibrated or 'BASIN'} --params {params_path}")
    if calibrated and not _same_model(calibrated, target):  # keys present in both apply silently otherwise
        click.echo(f"note: {params_path} was calibrated on {calibrated}, not {target}; its values are applied "
                   "as given", err=True)


def note_late_start(basin, start, generated: bool = False, end=None) -> None:
    """Say on stderr what a run that does not start on its basin's ``[run] start`` starts
    from (:func:`hydro.blocked.spin_up_plan`): the basin file gives its initial state for that
    start; a later start is spun up from it (on the station record where the run's weather is
    ``generated``, ``--synthetic-weather``), or, where it cannot be, says why; an earlier one takes
    it as it is.  ``end``: the run's last day (the generated weather of a run that ends after the
    record starts after the record's end, :func:`hydro.spin_up.generated_weather_words`)."""
    from hydro.blocked import spin_up_plan
    from hydro.spin_up import generated_from, generated_weather_words

    first = basin.settings.start
    if start == first:
        return
    said = (f"note: {basin.path} gives its initial state (reservoir storage, concentrations) for its [run] "
            f"start, {first}; ")
    if not basin.is_watershed:  # flows from [forcing]: nothing to spin up (a review, 2026-12-06: no note)
        return click.echo(said + f"a flow-driven basin is not spun up: this run starts on {start} from that state. "
                          f"Where it matters, give the state of {start} with --set "
                          "(reservoirs.<id>.initial_storage_mcm, initial.*), or start on the basin's start", err=True)
    plan = spin_up_plan(basin, start, generated=generated)
    words = generated_weather_words(generated_from(basin, start, end or start), start)
    if start < first:
        said += f"this run starts before it, on {start}, from that state"
    elif plan.first is not None:
        said += (f"this run is spun up from it: the whole model runs {plan.first}..{plan.last}"
                 + (" on the basin's station record" if plan.on_record else "")
                 + (f" to its end, {plan.record_end}, then on the generated weather" if plan.record_end else "")
                 + f" first (not written), and {start} starts from the state it reaches"
                 + (" with the generated weather" if plan.on_record and words == "generated weather" else
                    f" and runs on {words}" if plan.on_record else "")
                 + ". An initial value given with --set (reservoirs.<id>.initial_storage_mcm, initial.*) is "
                 f"the state on {start} instead" + (f" (given: {', '.join(plan.given)})" if plan.given else "")
                 + " (the results' initial_state says what a run started from)")
    else:
        from hydro.weather import station_record

        before = station_record(basin.watershed.weather.csv).dates[0].astype("datetime64[D]").item() < start
        said += (f"this run starts on {start} from that state (not spun up: {plan.why_not}); "
                 + (f"only the runoff stores warm up on the weather before (runoff_warm_up_years = "
                    f"{basin.settings.runoff_warm_up_years})" if before else
                    f"the runoff stores too start from their initial fillings: the weather has no day before {start}")
                 + f". Where it matters, give the state of {start} with "
                 "--set (e.g. reservoirs.<id>.initial_storage_mcm) or start on the basin's start")
    click.echo(said, err=True)


def note_estimated_weather(basin, start, end, generated: bool = False) -> None:
    """Say on stderr which days of a watershed run on its station file fall in a period the file's
    header marks as an ESTIMATE (:func:`hydro.weather_provenance.estimated_days`; the results'
    ``weather_estimated`` lists the file's periods): a caveat on the results, so with ``quiet`` too.
    On generated weather (``generated``) only its days on the record before it (planner's review, 2026-12-06)."""
    from hydro.forcing_header import read_header
    from hydro.weather_provenance import estimated_days, last_record_day

    if not basin.is_watershed:
        return
    end = last_record_day(basin, start, end) if generated else end  # a plan period past the record: its days on it
    csv = basin.watershed.weather.csv
    days = estimated_days(read_header(csv), start, end)
    if days:
        click.echo(f"note: this run's weather is an estimate on {days} (the header of {csv.name} says so; the "
                   "results' weather_estimated lists the file's estimated periods)", err=True)


def _same_model(calibrated: str, target) -> bool:
    """Whether a ``best_params.toml`` ``target`` names the basin or catchment file run (by path when
    both resolve here, else by the basin's name: a folder's, a file's parent folder's, a shipped name)."""
    from pathlib import Path

    from hydro.basin import resolve_basin

    def name(spec) -> str:
        p = Path(str(spec))
        return p.parent.name if p.suffix == ".toml" and p.name == "basin.toml" else (p.stem if p.suffix else p.name)

    try:
        return resolve_basin(calibrated).resolve() == resolve_basin(target).resolve()
    except (HydroError, OSError):
        return name(calibrated) == name(target)
