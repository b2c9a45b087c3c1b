"""The calibration configuration file (``configs/calibration/*.toml``), read and checked.

Size: one reader for the calibration file (model, periods, parameters, observations, method); its dataclasses
and readers share the file's located errors, and splitting the format would scatter its keys.

This module owns the format described in ``docs/calibration.md``: the model to
calibrate (``[model]``), the periods (``[periods]``), the free parameters
(``[[parameters]]``), the observations (``[[observations]]``: a CSV series, the
forcing's observed flow, or a few published ``points`` such as reservoir storage
on given dates and yearly inflow totals), the objectives
(``[[objectives]]``) and the method (``[method]``).  Everything that can be
checked without running the model is checked here (bounds, transforms, metric
names, period order, references between tables); what needs the model (paths
the model lacks, observation sites, forcing coverage) is checked by
:class:`hydro.calibration.problem.Problem` before any evaluation.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hydro.dates import iso_day
from hydro.errors import HydroError, repeated, suggest
from hydro.metrics import METRICS, metric
from hydro.tomlio import Table, load_toml

#: Model kinds a configuration can calibrate.
MODEL_KINDS = ("catchment", "basin", "flow_sources")
#: Parameter transforms: the space in which the search samples a parameter.
TRANSFORMS = ("linear", "log")
#: Time aggregations of observations.
AGGREGATES = ("daily", "monthly", "annual")
#: What the simulation is turned into over a published point's span (``points`` only):
#: the time mean, or the total per year (fluxes only; the span whole calendar years).
STATISTICS = ("mean", "annual_total")
#: Calibration methods.
METHODS = ("de", "glue", "sobol", "morris")
#: The ``[method]`` keys each method reads; another method's key is refused, not ignored.
METHOD_KEYS = {"de": ("seed", "max_evaluations", "popsize", "tol", "mutation", "recombination"),
               "glue": ("seed", "max_evaluations", "threshold", "quantiles"),
               "sobol": ("seed", "samples"), "morris": ("seed", "samples", "levels")}
#: Variables an observation can compare, per model kind.
VARIABLES = {
    "catchment": ("discharge", "discharge_mm"),
    "basin": ("discharge", "tn_concentration", "tn_load", "reservoir_storage", "reservoir_inflow",
              "reservoir_natural_inflow", "reservoir_release"),
    "flow_sources": ("discharge", "tn_concentration", "tn_load"),
}
#: A basin's observation may also be any constituent's or species' concentration (mg L-1) or load
#: (kg d-1) at a section, ``<name>_concentration`` / ``<name>_load`` (``nh3n_concentration``,
#: ``tp_load``): the name is checked against the basin's constituents when the calibration starts.
QUALITY_VARIABLE = re.compile(r"^([a-z][a-z0-9_]*)_(concentration|load)$")
#: Units of each variable (observations must be given in these units, after ``scale``).
UNITS = {"discharge": "m3 s-1", "discharge_mm": "mm d-1", "tn_concentration": "mg L-1",
         "tn_load": "kg d-1", "reservoir_storage": "m3", "reservoir_inflow": "m3 s-1",
         "reservoir_natural_inflow": "m3 s-1", "reservoir_release": "m3 s-1"}
#: Variables held at a reservoir (``at`` names a reservoir id), not at a section.
RESERVOIR_VARIABLES = ("reservoir_storage", "reservoir_inflow", "reservoir_natural_inflow",
                       "reservoir_release")
#: Total of one day of a flux variable, per unit of its daily value (``annual_total``):
#: m3 s-1 -> m3, mm d-1 -> mm, kg d-1 -> kg.  States and concentrations have none.
DAY_TOTAL = {"discharge": 86400.0, "discharge_mm": 1.0, "tn_load": 1.0,
             "reservoir_inflow": 86400.0, "reservoir_natural_inflow": 86400.0,
             "reservoir_release": 86400.0}


def day_total(variable: str) -> float | None:
    """:data:`DAY_TOTAL` of ``variable``, a constituent's load (kg d-1) included; None for none."""
    found = QUALITY_VARIABLE.match(variable)
    return DAY_TOTAL.get(variable, 1.0 if found and found.group(2) == "load" else None)


@dataclass(frozen=True)
class Point:
    """A published figure over the days ``first`` to ``last`` (inclusive; one day when equal)."""

    first: date
    last: date
    value: float


@dataclass(frozen=True)
class CalibrationParameter:
    """One free parameter.

    Attributes
    ----------
    name : str
        Label (column of the evaluations file).
    paths : tuple of str
        Override paths that all receive the value (a group of subbasins shares
        one value by listing one path per subbasin).
    lower, upper : float
        Bounds in physical units, ``lower < upper`` (> 0 for ``log``).
    transform : {"linear", "log"}
        ``log`` searches ``ln(value)`` uniformly (for scale parameters spanning
        orders of magnitude).
    """

    name: str
    paths: tuple[str, ...]
    lower: float
    upper: float
    transform: str = "linear"

    def to_search(self, value: float) -> float:
        """Physical value -> search-space coordinate."""
        return math.log(value) if self.transform == "log" else float(value)

    def from_search(self, z: float) -> float:
        """Search-space coordinate -> physical value (clipped to the bounds)."""
        v = math.exp(z) if self.transform == "log" else float(z)
        return min(max(v, self.lower), self.upper)

    @property
    def search_bounds(self) -> tuple[float, float]:
        """Bounds in search space."""
        return self.to_search(self.lower), self.to_search(self.upper)


@dataclass(frozen=True)
class Observation:
    """An observed series to compare with a simulated variable.

    Attributes
    ----------
    name : str
        Label referenced by objectives.
    variable : str
        Simulated variable (see :data:`VARIABLES`).
    at : str or None
        Section id (basin models); None for lumped models.
    csv : Path or None
        CSV file of observations; None with ``from_forcing`` (catchment models).
    date_column, column : str
        Columns of the CSV holding the date (``YYYY-MM-DD``, optionally followed
        by a time, ``YYYY-MM`` or ``YYYY``) and the value.
    scale : float
        Factor applied to the CSV values to reach the variable's units.
    aggregate : {"daily", "monthly", "annual"}
        Whether values are daily values (sparse samples allowed) or monthly or
        annual means; the simulation is averaged the same way (rows dated by day under
        "monthly" or "annual": over the days given, :meth:`Alignment.build`).
    from_forcing : bool
        Take the observed flow (mm/d) of the catchment's forcing CSV.
    points : tuple of Point or None
        Published figures given in the configuration itself (instead of a CSV),
        each over its own span of days; spans may not overlap.
    statistic : {"mean", "annual_total"}
        ``points`` only: compare each figure with the simulation's time mean over
        its span, or with its total per year (the span whole calendar years; a
        flux variable; units of the variable times a day: m3 for m3 s-1).
    """

    name: str
    variable: str
    at: str | None = None
    csv: Path | None = None
    date_column: str = "date"
    column: str = "value"
    scale: float = 1.0
    aggregate: str = "daily"
    from_forcing: bool = False
    points: tuple[Point, ...] | None = None
    statistic: str = "mean"


@dataclass(frozen=True)
class Objective:
    """A metric of one observation, with a weight in the combined loss.

    The combined loss minimised is ``sum(w_i * loss_i) / sum(w_i)`` with
    ``loss_i = Metric.loss`` (``1 - NSE``, ``1 - KGE``, ``|PBIAS| / 100``, ``MARE / 100``, ``RSR``:
    each a fraction; ``rmse``, in the variable's unit, only alone: :func:`_check_commensurate`).
    A weight of 0 reports the score in every period without optimising it.
    """

    observation: str
    metric: str
    weight: float = 1.0

    @property
    def label(self) -> str:
        """``observation:metric``, the key of scores."""
        return f"{self.observation}:{self.metric}"


@dataclass(frozen=True)
class Periods:
    """Simulated and scored periods (inclusive days).

    Attributes
    ----------
    warmup_start : date
        First simulated day; days before the first scored period are warm-up.
    calibration : (date, date)
    validation : (date, date) or None
    """

    warmup_start: date
    calibration: tuple[date, date]
    validation: tuple[date, date] | None = None

    @property
    def end(self) -> date:
        """Last simulated day."""
        ends = [self.calibration[1]] + ([self.validation[1]] if self.validation else [])
        return max(ends)

    def named(self) -> dict[str, tuple[date, date]]:
        """``{"calibration": ..., "validation": ...}`` (validation when given)."""
        out = {"calibration": self.calibration}
        if self.validation:
            out["validation"] = self.validation
        return out


@dataclass(frozen=True)
class MethodSettings:
    """The search method and its options (``[method]``).

    Attributes
    ----------
    name : {"de", "glue", "sobol", "morris"}
    seed : int
        Seed of every random choice (the run is reproducible).
    max_evaluations : int
        Budget of DE (generations are cut to fit), the LHS size of GLUE.
    popsize : int
        DE population per parameter (scipy's ``popsize``).
    tol : float
        DE relative convergence tolerance (scipy's ``tol``).
    mutation : (float, float)
        DE dithering range.
    recombination : float
        DE crossover probability.
    threshold : float
        GLUE: behavioural when the score ``1 - loss`` is at least this.
    quantiles : tuple of float
        GLUE: quantiles of the uncertainty bands.
    samples : int
        Sobol: base sample size N (``N (D + 2)`` evaluations); Morris: trajectories.
    levels : int
        Morris grid levels.
    """

    name: str = "de"
    seed: int = 1
    max_evaluations: int = 2000
    popsize: int = 10
    tol: float = 0.0
    mutation: tuple[float, float] = (0.5, 1.0)
    recombination: float = 0.7
    threshold: float = 0.5
    quantiles: tuple[float, ...] = (0.05, 0.5, 0.95)
    samples: int = 64
    levels: int = 4


@dataclass(frozen=True)
class CalibrationConfig:
    """A calibration configuration file, read and checked.

    Attributes
    ----------
    path : Path
        The TOML file.
    kind : str
        Model kind (:data:`MODEL_KINDS`).
    model : Path or str
        Model file (catchment TOML, flow-sources TOML) or basin spec.
    overrides : tuple of str
        Fixed ``key.path=value`` assignments applied before the parameters.
    periods : Periods
    parameters : tuple of CalibrationParameter
    observations : tuple of Observation
    objectives : tuple of Objective
    method : MethodSettings
    sha256 : str
        Hash of the configuration file's bytes (a resumed run must match it).
    """

    path: Path
    kind: str
    model: Path | str
    overrides: tuple[str, ...]
    periods: Periods
    parameters: tuple[CalibrationParameter, ...]
    observations: tuple[Observation, ...]
    objectives: tuple[Objective, ...]
    method: MethodSettings = field(default_factory=MethodSettings)
    sha256: str = ""

    @classmethod
    def from_toml(cls, path: str | Path) -> "CalibrationConfig":
        """Read and check a calibration configuration (format in ``docs/calibration.md``)."""
        path = Path(path).resolve()
        top = Table(load_toml(path, expect="calibration config"), path)
        folder = path.parent

        m = top.table("model")
        kind = m.str("kind")
        if kind not in MODEL_KINDS:
            raise m.error("kind", f"unknown model kind '{kind}'" + suggest(kind, MODEL_KINDS)
                          + f"; expected one of {', '.join(MODEL_KINDS)}")
        model = _model_path(m, kind, folder)
        fixed = m.raw("overrides", [])
        if not isinstance(fixed, list) or not all(isinstance(s, str) and "=" in s for s in fixed):
            raise m.error("overrides", "expected a list of strings \"key.path=value\"")
        m.finish()

        periods = _periods(top.table("periods"))

        params = []
        for t in top.tables("parameters"):
            params.append(_parameter(t))
        if not params:
            raise top.error("parameters", "at least one [[parameters]] table is needed")
        _unique(top, "parameters", [q.name for q in params])
        seen: dict[str, str] = {}
        for q in params:
            for ppath in q.paths:
                if ppath in seen:
                    raise top.error("parameters", f"path '{ppath}' is set by both '{seen[ppath]}' "
                                                  f"and '{q.name}'; give each path to one parameter")
                seen[ppath] = q.name
        for given in fixed:  # a fixed value the parameter would replace in every evaluation
            key = given.split("=", 1)[0].strip()
            if key in seen:
                raise top.error("model", f"overrides: '{given}' fixes '{key}', which parameter '{seen[key]}' "
                                         "calibrates (its value would replace the fixed one in every "
                                         "evaluation); drop one of the two")

        obs = [_observation(t, kind, folder) for t in top.tables("observations")]
        if not obs:
            raise top.error("observations", "at least one [[observations]] table is needed")
        _unique(top, "observations", [o.name for o in obs])
        _points_in_periods(top, obs, periods)

        objectives = []
        tables = []
        names = [o.name for o in obs]
        for t in top.tables("objectives"):
            oname = t.str("observation")
            if oname not in names:
                raise t.error("observation", f"no observation named '{oname}'" + suggest(oname, names)
                              + f"; observations: {', '.join(names)}")
            mname = t.str("metric")
            if mname not in METRICS:
                raise t.error("metric", f"unknown metric '{mname}'" + suggest(mname, METRICS)
                              + f"; known: {', '.join(METRICS)}")
            metric(mname)
            objectives.append(Objective(oname, mname, t.float("weight", 1.0, minimum=0.0)))
            tables.append(t)
            t.finish()
        if not objectives:
            raise top.error("objectives", "at least one [[objectives]] table is needed")
        _unique(top, "objectives", [o.label for o in objectives])
        if sum(o.weight for o in objectives) <= 0:
            raise top.error("objectives", "every weight is 0; give at least one objective a positive "
                                          "weight (weight 0 reports a score without optimising it)")

        method = _method(top.table("method", None), len(params))
        _check_commensurate(tables, objectives, method.name)
        top.finish()
        return cls(path, kind, model, tuple(fixed), periods, tuple(params), tuple(obs),
                   tuple(objectives), method, hashlib.sha256(path.read_bytes()).hexdigest())


def _check_commensurate(tables: list[Table], objectives: list[Objective], method: str) -> None:
    """Refuse a loss in the variable's unit (``rmse``) where it would be added to other terms or read
    as an efficiency: the combined loss is ``sum(w * loss) / sum(w)`` of dimensionless terms (``1 - NSE``,
    ``|PBIAS| / 100``), and GLUE's likelihood is ``1 - loss`` (review s44 F1).  A weight of 0 (reported,
    not optimised) is allowed; so is ``rmse`` alone with DE, Sobol or Morris."""
    weighted = [k for k, o in enumerate(objectives) if o.weight > 0]
    for k in weighted:
        o = objectives[k]
        if not metric(o.metric).unit_bearing:
            continue
        unit = f"the unit of observation '{o.observation}'"
        if len(weighted) > 1:
            others = ", ".join(objectives[j].label for j in weighted if j != k)
            raise tables[k].error("metric", f"'{o.metric}' is in {unit}, and the combined loss adds it to "
                                            f"{others}, which are dimensionless: the weights would mean nothing. "
                                            "Use 'rsr' (RMSE / standard deviation of the observations) or 'nse', "
                                            "or give this objective (or the others) weight = 0")
        if method == "glue":
            raise tables[k].error("metric", f"'{o.metric}' is in {unit}, and GLUE's likelihood is 1 - loss, an "
                                            "efficiency only for dimensionless losses; use 'rsr', 'nse' or 'kge_2012' "
                                            "(or [method] name = \"de\")")


def _model_path(m: Table, kind: str, folder: Path) -> Path:
    """``[model] path``, relative to the configuration's folder, resolved once: the same model
    whatever folder the command runs in (``--resume`` from another one).  A basin may be a
    shipped name, unless a basin file or a folder with ``basin.toml`` of that name lies beside
    the configuration; any other folder of that name (an output folder ``-o miyun``) is not a
    basin and does not hide the shipped one."""
    from hydro.basin import shipped_basins

    spec = m.str("path")
    local = folder / spec
    if kind == "basin" and not (local.is_file() or (local / "basin.toml").is_file()):
        shipped = shipped_basins()
        if spec in shipped:
            return (shipped[spec] / "basin.toml").resolve()
        raise m.error("path", f"'{spec}' is neither a basin file nor a folder holding basin.toml (relative to "
                              f"{folder}), nor a shipped basin" + suggest(spec, list(shipped))
                              + f"; shipped: {', '.join(shipped)}")
    if not local.exists():
        raise m.error("path", f"'{local.resolve()}' does not exist; the path is relative to {folder}")
    return local.resolve()


def _parameter(t: Table) -> CalibrationParameter:
    name = t.str("name")
    paths = t.raw("paths")
    if isinstance(paths, str):
        paths = [paths]
    if not isinstance(paths, list) or not paths or not all(isinstance(s, str) and s for s in paths):
        raise t.error("paths", "expected a list of override paths such as "
                               "[\"subbasins.w1.runoff.x1_mm\", \"subbasins.w2.runoff.x1_mm\"]")
    for s in paths:
        if "=" in s or " " in s:
            raise t.error("paths", f"'{s}' is not a key path (no '=' or spaces: the value is calibrated)")
    lower = t.float("lower")
    upper = t.float("upper")
    transform = t.str("transform", "linear")
    if transform not in TRANSFORMS:
        raise t.error("transform", f"unknown transform '{transform}'" + suggest(transform, TRANSFORMS)
                      + "; use 'linear' or 'log'")
    if not lower < upper:
        raise t.error("upper", f"bounds reversed or empty: lower = {lower:g}, upper = {upper:g}; "
                               "give lower < upper")
    if transform == "log" and lower <= 0:
        raise t.error("lower", f"a 'log' parameter needs lower > 0, got {lower:g}; use "
                               "transform = 'linear' or a positive lower bound")
    t.finish()
    return CalibrationParameter(name, tuple(paths), lower, upper, transform)


def _observation(t: Table, kind: str, folder: Path) -> Observation:
    name = t.str("name")
    variable = t.str("variable")
    known = VARIABLES[kind]
    if variable not in known and not (kind == "basin" and QUALITY_VARIABLE.match(variable)):
        raise t.error("variable", f"a '{kind}' model has no variable '{variable}'"
                      + suggest(variable, known) + f"; choose one of {', '.join(known)}"
                      + (", or a constituent's <name>_concentration or <name>_load (nh3n_concentration)"
                         if kind == "basin" else ""))
    at = t.str("at", None)
    if kind == "basin" and at is None:
        where = "reservoir" if variable in RESERVOIR_VARIABLES else "section"
        raise t.error("at", f"missing; name the {where} the observations were taken at")
    from_forcing = t.bool("from_forcing", False)
    csv_name = t.str("csv", None)
    if t.raw("points", None) is not None:
        if from_forcing or csv_name is not None:
            raise t.error("points", "give the observations one way: points, csv or from_forcing")
        return _points_observation(t, name, variable, at)
    if t.raw("statistic", None) is not None:
        raise t.error("statistic", "only observations given as points take a statistic; a CSV "
                                   "series is averaged as 'aggregate' says")
    if from_forcing:
        if kind != "catchment":
            raise t.error("from_forcing", "only a 'catchment' model has a forcing CSV with observed flow")
        if csv_name is not None:
            raise t.error("csv", "give either csv or from_forcing = true, not both")
        if variable not in ("discharge", "discharge_mm"):
            raise t.error("variable", "the forcing CSV holds discharge only")
        csv_path = None
    else:
        if csv_name is None:
            raise t.error("csv", "missing; name the observations CSV (relative to this file)"
                          + (" or set from_forcing = true" if kind == "catchment" else ""))
        csv_path = (folder / csv_name).resolve()
        if not csv_path.is_file():
            raise t.error("csv", f"'{csv_path}' not found; the path is relative to {folder}")
    aggregate = t.str("aggregate", "daily")
    if aggregate not in AGGREGATES:
        raise t.error("aggregate", f"unknown aggregation '{aggregate}'" + suggest(aggregate, AGGREGATES)
                      + f"; use one of {', '.join(AGGREGATES)}")
    obs = Observation(name, variable, at, csv_path, t.str("date_column", "date"),
                      t.str("column", "value"), t.float("scale", 1.0, positive=True), aggregate,
                      from_forcing)
    t.finish()
    return obs


def _points_observation(t: Table, name: str, variable: str, at: str | None) -> Observation:
    """An observation given as ``points = [{date = ..., value = ...}, ...]`` in the file."""
    if t.raw("aggregate", None) is not None:
        raise t.error("aggregate", "points carry their own spans (date, or first and last); "
                                   "remove 'aggregate'")
    statistic = t.str("statistic", "mean")
    if statistic not in STATISTICS:
        raise t.error("statistic", f"unknown statistic '{statistic}'" + suggest(statistic, STATISTICS)
                      + f"; use one of {', '.join(STATISTICS)}")
    if statistic == "annual_total" and day_total(variable) is None:
        raise t.error("statistic", f"'{variable}' is not a flux, it has no total; use "
                                   "statistic = 'mean' (a storage or a concentration on its days)")
    scale = t.float("scale", 1.0, positive=True)
    raw = t.raw("points")
    hint = ('expected a list of points such as [{date = 2013-08-06, value = 1.2e9}, '
            '{first = 2015-01-01, last = 2015-12-31, value = 3.4e8}]')
    if not isinstance(raw, list) or not raw:
        raise t.error("points", hint)
    points = []
    for k, item in enumerate(raw, start=1):
        where = f"point {k}"
        if not isinstance(item, dict):
            raise t.error("points", f"{where}: {hint}")
        unknown = sorted(set(item) - {"date", "first", "last", "value"})
        if unknown:
            raise t.error("points", f"{where}: unknown key(s) {', '.join(unknown)}; a point has "
                                    "date (or first and last) and value")
        if "date" in item and ("first" in item or "last" in item):
            raise t.error("points", f"{where}: give either date or first and last, not both")
        if "date" in item:
            first = last = _point_day(t, item["date"], where, "date")
        elif "first" in item and "last" in item:
            first = _point_day(t, item["first"], where, "first")
            last = _point_day(t, item["last"], where, "last")
            if last < first:
                raise t.error("points", f"{where}: last ({last}) is before first ({first}); swap them")
        else:
            raise t.error("points", f"{where}: no date; give date = YYYY-MM-DD, or first and last "
                                    "for a figure over several days")
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise t.error("points", f"{where}: value must be a finite number, got {value!r}")
        if value < 0:  # a published storage, flow, volume or concentration: -5 was fitted to
            raise t.error("points", f"{where}: value must be >= 0 (a published storage, flow, volume or "
                                    f"concentration), got {value!r}")
        if statistic == "annual_total" and not (
                (first.month, first.day) == (1, 1) and (last.month, last.day) == (12, 31)):
            raise t.error("points", f"{where}: an annual_total needs whole calendar years, "
                                    f"{first} to {last} is not (first = YYYY-01-01, last = YYYY-12-31)")
        points.append(Point(first, last, float(value) * scale))
    points.sort(key=lambda q: q.first)
    for a, b in itertools.pairwise(points):
        if b.first <= a.last:
            raise t.error("points", f"the points over {a.first}..{a.last} and {b.first}..{b.last} "
                                    "overlap; each day may belong to one point only")
    obs = Observation(name, variable, at, None, scale=scale, aggregate="daily",
                      points=tuple(points), statistic=statistic)
    t.finish()
    return obs


def _points_in_periods(top: Table, obs, periods) -> None:
    """Refuse a published point in none of the periods: it was dropped without a word (a typing slip in
    its date, 1813 for 2013, counted nowhere; :meth:`hydro.calibration.observations.Alignment.from_points`)."""
    named = periods.named()
    for k, o in enumerate(obs):
        for q in o.points or ():
            if not any(a <= q.first and q.last <= b for a, b in named.values()):
                span = f"{q.first}" + ("" if q.last == q.first else f"..{q.last}")
                said = ", ".join(f"{label} {a} to {b}" for label, (a, b) in named.items())
                raise HydroError(f"{top.file}: key 'observations[{k}].points': the point of {span} lies in none "
                                 f"of the periods ({said}), so it would count nowhere; fix its date, or widen "
                                 "[periods] to hold it")


def _point_day(t: Table, value, where: str, key: str) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return iso_day(value.strip())  # not 20150101 or 2015-W01-4
        except ValueError:
            pass
    raise t.error("points", f"{where}: {key} = {value!r} is not a date; write YYYY-MM-DD")


def _method(t: Table, n_parameters: int) -> MethodSettings:
    d = MethodSettings()
    name = t.str("name", d.name)
    if name not in METHODS:
        raise t.error("name", f"unknown method '{name}'" + suggest(name, METHODS)
                      + f"; use one of {', '.join(METHODS)}")
    for key in t.data:  # GLUE given samples ran its default 2000 evaluations (review of 2026-12-04)
        owners = [m for m, keys in METHOD_KEYS.items() if key in keys]
        if owners and name not in owners:
            size = {"glue": "; GLUE's sample size is max_evaluations",
                    "de": "; DE's budget is max_evaluations"}.get(name, "")
            raise t.error(key, f"not used by method '{name}' (it is a key of {', '.join(owners)}){size}; "
                               f"method '{name}' reads {', '.join(METHOD_KEYS[name])}")
    mutation = t.floats("mutation", list(d.mutation), length=2, minimum=0.0)
    if not (mutation[0] <= mutation[1] <= 2.0):
        raise t.error("mutation", f"expected [low, high] with low <= high <= 2, got {mutation}")
    quantiles = t.floats("quantiles", list(d.quantiles), minimum=0.0)
    if any(q > 1 for q in quantiles) or sorted(quantiles) != quantiles:
        raise t.error("quantiles", f"expected increasing values in [0, 1], got {quantiles}")
    out = MethodSettings(
        name=name, seed=t.int("seed", d.seed, minimum=0),
        max_evaluations=t.int("max_evaluations", d.max_evaluations, minimum=1),
        popsize=t.int("popsize", d.popsize, minimum=2), tol=t.float("tol", d.tol, minimum=0.0),
        mutation=(mutation[0], mutation[1]),
        recombination=t.float("recombination", d.recombination, minimum=0.0, maximum=1.0),
        # (a GLUE score is 1 - loss, at most 1: a higher threshold ran the batch for no set)
        threshold=t.float("threshold", d.threshold, maximum=1.0), quantiles=tuple(quantiles),
        samples=t.int("samples", d.samples, minimum=2), levels=t.int("levels", d.levels, minimum=2))
    if out.name == "sobol" and out.samples & (out.samples - 1):  # SALib warns, in a traceback-like line
        low = 1 << (out.samples.bit_length() - 1)
        raise t.error("samples", f"{out.samples} is not a power of 2, which Sobol' points need for their "
                                 f"balance properties; use {low} or {2 * low}")
    if out.name == "morris" and out.levels % 2:  # SALib warns that the sample may be biased
        raise t.error("levels", f"{out.levels} is odd; Morris' grid needs an even number of levels "
                                f"(its steps are half the grid), use {out.levels - 1} or {out.levels + 1}")
    pop = out.popsize * n_parameters
    if out.name == "de" and out.max_evaluations < pop:  # the first population alone would exceed it
        raise t.error("max_evaluations", f"{out.max_evaluations} is less than one DE population "
                                         f"(popsize {out.popsize} x {n_parameters} parameters = {pop}); "
                                         f"give max_evaluations >= {pop} or a smaller popsize")
    t.finish()
    return out


def _periods(p: Table) -> Periods:
    """The ``[periods]`` table: scored periods after the warm-up start, validation apart from calibration."""
    warm = _day(p, "warmup_start")
    cal = _span(p, "calibration")
    val = _span(p, "validation", required=False)
    p.finish()
    for label, span in (("calibration", cal), ("validation", val)):
        if span is not None and span[0] < warm:
            raise p.error(label, f"starts {span[0]}, before warmup_start {warm}; the model "
                                 "must be running before a period is scored")
    if val is not None and cal is not None and val[0] <= cal[1] and cal[0] <= val[1]:
        raise p.error("validation", f"{val[0]}..{val[1]} overlaps the calibration period {cal[0]}..{cal[1]}; "
                                    "a validation score must come from days the calibration never saw (the "
                                    "split-sample test, Klemes 1986): give periods that do not overlap")
    return Periods(warm, cal, val)


def _day(t: Table, key: str, value=None) -> date:
    """A day of ``[periods]``: a TOML date or ``YYYY-MM-DD`` (:meth:`Table.date` refuses a date
    with a time: a period is whole days)."""
    return t.date(key) if value is None else t.date(key, value=value)


def _span(t: Table, key: str, required: bool = True) -> tuple[date, date] | None:
    value = t.raw(key, None)
    if value is None:
        if required:
            raise t.error(key, "missing; give [first_day, last_day], e.g. [1992-01-01, 1992-12-31]")
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise t.error(key, f"expected [first_day, last_day], got {value!r}")
    first, last = _day(t, key, value[0]), _day(t, key, value[1])
    if last < first:
        raise t.error(key, f"ends ({last}) before it starts ({first}); swap the dates")
    return first, last


def _unique(t: Table, key: str, names: list[str]) -> None:
    dup = repeated(names)
    if dup:
        raise t.error(key, f"names must be unique, {dup} given twice")
