"""A model you can hold in Python: :class:`Model`.

``Model.from_basin("miyun")`` reads and validates a basin once; ``model.parameters``
lists every number the basin file sets (unit, bounds, the file's comment citing its
source); ``model.with_parameters({...})`` returns a new model with some changed, in
memory (``--set key.path=value`` is the same setter, :func:`hydro.overrides.set_path`,
reached through text); ``model.run(start, end)`` returns an :class:`xarray.Dataset`
with the CF schema of the files ``hydro run`` writes.  A model is immutable, so one
model can seed any number of variants (a sweep, a scenario, an ensemble member).

>>> import hydro
>>> fast = hydro.Model.from_basin("tiny").with_parameters({"constituents.tn.river_removal_per_day": 0.2})
>>> ds = fast.run("2020-01-01", "2020-01-31")   # doctest: +SKIP
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from hydro.basin import Basin, resolve_basin
from hydro.basin_tables import load_basin_file
from hydro.config_hash import changes_sha256, referenced_files
from hydro.errors import HydroError
from hydro.model_values import as_date, basin_spec, check_weather, no_parameter, numeric_leaves, plain
from hydro.overrides import in_user_paths, parse_assignment, set_path
from hydro.results import open_results  # noqa: F401  (hydro.open_results)
from hydro.units import unit_of_key


@dataclass(frozen=True)
class Parameter:
    """One number a basin file sets.

    Attributes
    ----------
    path : str
        Dotted path, as ``--set`` and :meth:`Model.with_parameters` take it
        (``reaches.hei.dispersion_m2_s``).
    value : float or int
        The value the model holds, in ``unit``.
    unit : str
        Its unit (UDUNITS): the runoff model's for runoff parameters, else the one the
        key's name gives (:func:`hydro.units.unit_of_key`; ``""`` where it names none).
    bounds : (float, float) or None
        The range the model accepts, in ``unit`` (runoff parameters: their model's
        bounds, checked at load); None where the model states none.
    source : str
        The basin file's comment on the number (on its line, above it, or on its table's
        header), which cites where it comes from; ``""`` where the file has none (the
        basin's SOURCES.md then gives it).
    """

    path: str
    value: float | int | bool
    unit: str
    bounds: tuple[float, float] | None = None
    source: str = ""


def _describe(path: str, keys: list[str], value: Any, specs: dict[str, Any], notes: dict[str, str]) -> Parameter:
    """The :class:`Parameter` at ``path``: unit, bounds and source.  ``keys`` are the path's
    keys without the ids of tables in arrays; where the last names no unit, the nearest key
    above it that does gives it (``fertiliser_kg_per_ha_yr.2013``: kg ha-1 yr-1)."""
    parts = path.split(".")
    key = parts[-1]
    # a value of a table keyed by year ({ 2013 = 150.0, 2016 = 140.0 }) is cited on its key's line
    source = notes.get(path) or (notes.get(".".join(parts[:-1]), "") if key.isdigit() else "")
    runoff = len(parts) >= 2 and parts[-2] == "runoff" and key in specs
    if runoff:
        spec = specs[key]
        return Parameter(path, value, spec.unit, (spec.lower, spec.upper), source)
    unit = next((u for u in map(unit_of_key, reversed(keys)) if u), "")
    return Parameter(path, value, unit, None, source)


class Model:
    """A validated basin and the parameters it runs with (immutable).

    Build one with :meth:`from_basin`; change parameters with
    :meth:`with_parameters`; simulate with :meth:`run`.

    Parameters
    ----------
    basin : Basin
        The validated basin.
    data : dict
        The parsed basin file with every change applied (kept to derive variants).
    changes : dict
        The parameters changed from the file, path -> value (in :attr:`parameters`' units).
    file_bytes : bytes, optional
        The basin file's bytes (default: read from ``basin.path``), for ``config_sha256``.
    """

    def __init__(self, basin: Basin, data: dict, changes: Mapping[str, Any], file_bytes: bytes = b""):
        self._basin = basin
        self._data = data
        self._changes = dict(changes)
        self._bytes = file_bytes or basin.path.read_bytes()

    @classmethod
    def from_basin(cls, spec: str | Path) -> Model:
        """A model of a shipped basin, a folder holding ``basin.toml`` or the file itself.

        Parameters
        ----------
        spec : str or Path
            A shipped basin's name (``"miyun"``, ``"guanting"``, ``"tiny"``,
            ``"watershed"``), a folder holding ``basin.toml``, or a basin file.

        Returns
        -------
        Model
            The model with the file's parameters (:attr:`changes` empty).

        Raises
        ------
        HydroError
            The basin is not found (with the nearest name), or its file is invalid (naming the key).
        """
        path = resolve_basin(basin_spec(spec, "Model.from_basin"))
        data = load_basin_file(path)
        raw = path.read_bytes()
        basin = Basin.from_data(data, path, changes_sha256(raw, data, path.parent, {}))
        return cls(basin, data, {}, raw)

    def with_parameters(self, values: Mapping[str, Any]) -> Model:
        """A new model with the parameters at ``values``; this one is unchanged.

        Parameters
        ----------
        values : mapping of str to number (Python or numpy), bool or str
            Parameter path (as in :attr:`parameters` and ``--set``) -> new value, in the
            unit :attr:`parameters` gives (``{"constituents.tn.river_removal_per_day": 0.2}``: 0.2 d-1).

        Returns
        -------
        Model
            A new model whose :attr:`changes` add ``values`` to this one's.

        Raises
        ------
        HydroError
            ``values`` is not a mapping, a path names no key, or a value is out of range
            (the new basin is validated as a file would be; the message names the key).
        """
        if not isinstance(values, Mapping):
            raise HydroError("with_parameters takes a mapping of parameter path -> value, e.g. "
                             "{'constituents.tn.river_removal_per_day': 0.2}")
        # numpy scalars as Python numbers; a list copied, so that the caller's reuse of it (the next
        # value of a sweep) changes neither this model's values nor its provenance
        values = {str(k): copy.deepcopy(plain(v)) for k, v in values.items()}
        data = copy.deepcopy(self._data)  # validation only reads it: one copy per variant
        for path, value in values.items():
            set_path(data, path, value, self._basin.path, label=f"parameter {path}")
        changes = {**self._changes, **values}
        try:
            sha256 = changes_sha256(self._bytes, data, self._basin.folder, changes)
            basin = Basin.from_data(data, self._basin.path, sha256)
            object.__setattr__(basin, "given", frozenset(changes))  # (frozen: set as it is made)
        except HydroError as exc:  # the readers name keys by position: name them as given
            raise in_user_paths(exc, data) from None
        return Model(basin, data, changes, self._bytes)

    @property
    def basin(self) -> Basin:
        """The validated basin (network, constituents, settings, sources)."""
        return self._basin

    @property
    def name(self) -> str:
        """The basin's name."""
        return self._basin.name

    @property
    def changes(self) -> dict[str, Any]:
        """The parameters changed from the basin file, path -> value (a copy: editing it changes
        nothing of the model)."""
        return copy.deepcopy(self._changes)

    @property
    def parameters(self) -> list[Parameter]:
        """Every number the basin file sets (its effective value here), with its unit,
        bounds where the model states them, and the file's comment citing its source."""
        from hydro.model_values import runoff_specs
        from hydro.toml_comments import key_comments

        specs = runoff_specs(self._data)
        notes = key_comments(self._bytes.decode("utf-8", errors="replace"))
        return [_describe(path, keys, value, specs, notes) for path, keys, value in numeric_leaves(self._data, "")]

    def parameter(self, path: str) -> Parameter:
        """One parameter by its path.

        Parameters
        ----------
        path : str
            Dotted path, as in :attr:`parameters` (``"subbasins.w1.runoff.x1_mm"``).

        Returns
        -------
        Parameter
            Its value (in ``unit``), unit, bounds and cited source.

        Raises
        ------
        HydroError
            No parameter has that path (naming the nearest one).
        """
        if not isinstance(path, str):
            raise HydroError(f"parameter: expected a dotted path (str, e.g. 'constituents.tn.river_removal_per_day'), "
                             f"got {type(path).__name__} {path!r}")
        for p in self.parameters:
            if p.path == path:
                return p
        raise no_parameter(self._basin, self.parameters, path, self._data)

    def __repr__(self) -> str:
        changed = f", {len(self._changes)} changed" if self._changes else ""
        return f"<hydro.Model {self.name!r} ({len(self.parameters)} parameters{changed})>"

    def run(self, start: str | date | None = None, end: str | date | None = None, weather=None,
            apportion: bool = True, *, from_state: str | Path | None = None, save_state: str | Path | None = None,
            overwrite: bool = False):
        """Simulate from ``start`` to ``end``, both days included, one value a day.

        Parameters
        ----------
        start, end : str, date, datetime, pandas.Timestamp or numpy.datetime64, optional
            First and last simulated day: an ISO string ``"YYYY-MM-DD"``, or a date
            (of a datetime, only its day counts; a value of a results' ``time``,
            ``ds.time[0]``, works); default the basin's ``[run]`` period
            (``model.basin.settings.start``, ``.end``).
        weather : hydro.weather.DailyForcing, optional
            Station weather replacing the basin's weather file (a watershed basin):
            a synthetic series or an ensemble member.
        apportion : bool
            Carry nitrogen by source (default); False carries the totals only,
            faster, for calibration and sweeps that do not need the sources.
        from_state, save_state : str or Path, optional
            A state file to continue (``start`` the day after the run that saved it) and one to save
            the end state to (an existing state file only with ``overwrite``): the files of ``hydro run
            --from-state/--save-state`` (docs/commands/run.md), either continuing the other's; a run
            continuing one starts on its state's day where ``start`` is not given.  A
            watershed basin on its own weather, with the parameters the state was saved with.
        overwrite : bool
            Whether ``save_state`` may replace an existing state file (never another file).

        Returns
        -------
        xarray.Dataset
            The CF schema of the files ``hydro run`` writes (docs/results.md): every
            variable with ``units`` (discharge m3 s-1, concentrations mg L-1, loads
            kg d-1, budgets kg per year) and ``long_name``; ``time`` the start of each
            day; element and source ids as coordinates; global attributes ``basin``,
            ``config_sha256``, ``history`` (this call) and ``parameters_changed``.

        Raises
        ------
        HydroError
            A date that is not one, a period that ends before it starts or that the
            forcing does not cover, or ``weather`` given to a flow-driven basin.
        """
        return self.run_results(start, end, weather=weather, apportion=apportion, from_state=from_state,
                                save_state=save_state, overwrite=overwrite).to_xarray()

    def run_results(self, start: str | date | None = None, end: str | date | None = None, weather=None,
                    apportion: bool = True, *, from_state: str | Path | None = None,
                    save_state: str | Path | None = None, overwrite: bool = False):
        """Like :meth:`run`, as :class:`hydro.results.Results` (to write with ``to_netcdf``).

        Parameters
        ----------
        start, end, weather, apportion, from_state, save_state, overwrite
            As for :meth:`run`.

        Returns
        -------
        hydro.results.Results
            ``.to_netcdf(path)`` writes the file ``hydro run`` would (``spec=``: variables,
            locations, aggregation); ``.to_xarray()`` is what :meth:`run` returns.
        """
        from hydro.simulation import check_dates, run

        s, e = as_date(start, "start"), as_date(end, "end")
        if s is None and from_state is not None and isinstance(from_state, (str, Path)) and str(from_state).strip():
            from hydro.model_state import state_day

            s = state_day(from_state, "from_state")  # a continued run starts on its state's day
        first, last = s or self._basin.settings.start, e or self._basin.settings.end
        check_dates(first, last, fix=f"give run(start, end) with start <= end (the basin's [run] period: "
                                     f"{self._basin.settings.start} to {self._basin.settings.end})")
        check_weather(weather, first, last, self._basin)
        if not isinstance(apportion, (bool, np.bool_)):  # "False" from a config or argparse ran with it
            raise HydroError(f"apportion: expected True or False, got {type(apportion).__name__} {apportion!r}")
        if from_state is not None or save_state is not None:
            from hydro.model_state import run_with_states

            results = run_with_states(self._basin, self._changes, first, last, apportion=apportion, weather=weather,
                                      history="", states=(from_state, save_state), overwrite=overwrite)
        elif self._basin.is_watershed:
            from hydro.pipeline import run_watershed

            results = run_watershed(self._basin, first, last, weather=weather, apportion=apportion)
        elif weather is not None:
            raise HydroError(f"{self._basin.path}: weather= applies to a watershed basin; this one is "
                             "flow-driven (its flows come from [forcing])")
        else:
            results = run(self._basin, s, e)
        results.attrs["history"] = self._history(first, last, weather, apportion, (from_state, save_state))
        if weather is not None:
            from hydro.model_values import mark_given_weather

            mark_given_weather(results.attrs, self._basin, weather)
        if self._changes:
            # in the order given: the configuration hash depends on it
            results.attrs["parameters_changed"] = json.dumps(self._changes, default=str)
        return results

    def _history(self, start: date, end: date, weather, apportion: bool, states=(None, None)) -> str:
        """The call that made a run, for its ``history`` (``hydro run`` would lose :attr:`changes`)."""
        call = f"hydro.Model.from_basin({str(self._basin.path)!r})"
        call += f".with_parameters({self._changes!r})" if self._changes else ""
        extra = (", weather=..." if weather is not None else "") + ("" if apportion else ", apportion=False")
        extra += "".join(f", {name}={str(path)!r}" for name, path in zip(("from_state", "save_state"), states,
                                                                          strict=True) if path)
        return f"{call}.run({start.isoformat()!r}, {end.isoformat()!r}{extra})"


#: This process's parsed basin files for :func:`model_variant`: path -> (the modification times of the
#: file and of the files it names, Model, those files).
_PARSED: dict[str, tuple[tuple[int, ...], Model, tuple[Path, ...]]] = {}
#: Variants already derived in this process: (path, modification times, assignments) -> Model
#: (models are immutable, so members asking for the same variant share it); the oldest go first.
_VARIANTS: dict[tuple[str, tuple[int, ...], tuple[str, ...]], Model] = {}
_MAX_VARIANTS = 16


def _stamp(files) -> tuple[int, ...]:
    """The modification times of ``files`` (ns; -1 for one gone): what :func:`model_variant` keys on."""
    return tuple(f.stat().st_mtime_ns if f.exists() else -1 for f in files)


def model_variant(spec: str | Path, overrides: Sequence[str] = (), where: str = "--set") -> Model:
    """The model of basin ``spec`` with ``key.path=value`` assignments (``--set`` text) applied.

    What batch members (scenarios, ensemble members, payment-uncertainty draws) run: the
    file is read and parsed once per process (again when it changes), and each variant is
    derived in memory with :meth:`Model.with_parameters`, as calibration's evaluations are,
    once per process too (the last :data:`_MAX_VARIANTS` kept: members of an ensemble, or the
    scenarios of each weather member, ask for the same ones).  ``where`` names the
    assignments in errors.
    """
    path = resolve_basin(spec)
    cached = _PARSED.get(str(path))
    stamp = _stamp(cached[2]) if cached is not None else None
    if cached is None or cached[0] != stamp:  # (the file, or a file it names, changed: its config_sha256 too)
        model = Model.from_basin(path)
        files = (path, *referenced_files(model._data, path.parent))
        cached = (_stamp(files), model, files)
        _PARSED[str(path)] = cached
        stamp = cached[0]
    if not overrides:
        return cached[1]
    key = (str(path), stamp, tuple(overrides))
    variant = _VARIANTS.get(key)
    if variant is None:
        variant = cached[1].with_parameters(dict(parse_assignment(text, f"{where} {text}") for text in overrides))
        while len(_VARIANTS) >= _MAX_VARIANTS:
            del _VARIANTS[next(iter(_VARIANTS))]
        _VARIANTS[key] = variant
    return variant


def open_basin(spec: str | Path) -> Basin:
    """Read and validate a basin.

    Parameters
    ----------
    spec : str or Path
        A shipped basin's name (``"miyun"``), a folder holding ``basin.toml``, or the file.

    Returns
    -------
    Basin
        Network, constituents, settings (``.settings.start``, ``.end``: the ``[run]`` period).

    Raises
    ------
    HydroError
        The basin is not found, or its file is invalid (naming the key).
    """
    return Basin.load(basin_spec(spec, "open_basin"))
