"""The models a calibration can drive, behind one small interface.

Each model is built once from a :class:`~hydro.calibration.config.CalibrationConfig`
and then run many times with different parameter assignments
(``{"key.path": value}``).  :meth:`check` applies a set of assignments and
loads the model without running it, so that a path the model lacks, a missing
section or forcing that does not cover the periods is reported before any
evaluation; :meth:`simulate` runs the model and returns, for every
observation, the simulated daily series on :attr:`days`.

``catchment``
    A lumped GR4J (+ CemaNeige) catchment of :mod:`hydro.catchment`.  Paths:
    :data:`hydro.catchment.CATCHMENT_PATHS`.
``basin``
    A basin held as a :class:`hydro.Model` (read once per process), each
    evaluation a :meth:`~hydro.Model.with_parameters` variant; paths are those
    of ``--set`` (``subbasins.w1.sources.groundwater.leaching_fraction``).
``flow_sources``
    The source model of :mod:`hydro.sources` driven by observed discharge
    (:mod:`hydro.calibration.flowsources`); paths are overrides of its TOML.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from hydro.calibration.config import QUALITY_VARIABLE, RESERVOIR_VARIABLES, CalibrationConfig, Observation
from hydro.errors import HydroError, suggest
from hydro.units import MM_KM2_PER_DAY_PER_M3_S

def format_assignment(path: str, value: float) -> str:
    """``path=value`` with the value at full precision (a TOML float)."""
    return f"{path}={float(value)!r}"


def _parse_fixed(overrides: tuple[str, ...]) -> dict[str, float]:
    out = {}
    for text in overrides:
        key, _, value = text.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise HydroError(f"[model] overrides: '{text}': a catchment model takes numbers only") from None
    return out


class CatchmentModel:
    """The runoff model (GR4J + CemaNeige) on one lumped catchment.

    The catchment file and its forcing are read once; PET and the snow bands'
    forcing are computed on the first run (:class:`~hydro.calibration.lumped.PreparedCatchment`)
    and every run after that calls the compiled kernels only.
    """

    def __init__(self, config: CalibrationConfig):
        from hydro.catchment import Catchment

        self.config = config
        self.catchment = Catchment.from_toml(config.model)
        self.forcing = self.catchment.read_forcing()
        self.fixed = _parse_fixed(config.overrides)
        p = config.periods
        first, last = self.forcing.dates[0], self.forcing.dates[-1]
        if np.datetime64(p.warmup_start, "D") < first or np.datetime64(p.end, "D") > last:
            raise HydroError(f"{self.forcing.path}: the forcing covers {first} to {last}, the "
                             f"calibration runs from {p.warmup_start} to {p.end}; fix [periods] in "
                             f"{config.path}")
        self.record = self.forcing  # the whole file: the snow of full cover (Catchment.snow_threshold)
        self.forcing = self.forcing.between(p.warmup_start, p.end)
        self.days = self.forcing.dates
        self._prepared: Any = None  # PET, snow-band forcing: built on the first run (see simulate)
        for o in config.observations:
            if o.at is not None:
                raise HydroError(f"{config.path}: observation '{o.name}': a catchment has one outlet; "
                                 "remove 'at'")

    def _apply(self, assignments: dict[str, float]):
        try:
            return self.catchment.with_parameters({**self.fixed, **assignments})
        except HydroError as exc:
            raise HydroError(f"{self.config.path}: {exc}") from None

    def check(self, assignments: dict[str, float]) -> None:
        """Apply the assignments (unknown paths are errors) and prepare the forcing (a gap,
        a missing column: reported before any evaluation)."""
        from hydro.calibration.lumped import PreparedCatchment

        self._apply(assignments)
        self._prepared = PreparedCatchment(self.catchment, self.forcing, self.record)

    def input_files(self) -> list:
        """The files whose content the evaluations depend on: the catchment file and its forcing."""
        return [self.config.model, self.forcing.path]

    def check_values(self, assignments: dict[str, float]) -> None:
        """Raise the model's own error (:class:`HydroError`, without the configuration's name)
        when it refuses these values: GR4J's and CemaNeige's valid ranges, store fractions in 0..1."""
        c = self.catchment.with_parameters({**self.fixed, **assignments})
        c.model().initial_state(c.runoff.values(), production_fraction=c.production_fraction,
                                routing_fraction=c.routing_fraction, snow_pack_mm=c.snow_pack_mm,
                                thermal_state_c=c.thermal_state_c)

    def stores_start(self) -> date | None:
        """First day whose forcing the runoff stores see: the run's first day (``warmup_start``)."""
        return self.config.periods.warmup_start

    def observed_from_forcing(self, obs: Observation) -> tuple[np.ndarray, np.ndarray]:
        """Observed flow of the forcing CSV in the observation's variable units."""
        if self.forcing.qobs_mm is None:
            raise HydroError(f"{self.forcing.path}: no 'qobs_mm' or 'qobs_m3s' column, but observation "
                             f"'{obs.name}' has from_forcing = true")
        q = self.forcing.qobs_mm
        if obs.variable == "discharge":
            q = q * self.catchment.area_km2 / MM_KM2_PER_DAY_PER_M3_S
        return self.forcing.dates, q * obs.scale

    def simulate(self, assignments: dict[str, float]) -> dict[str, np.ndarray]:
        """Run GR4J and return each observation's variable, daily."""
        from hydro.catchment import MM_PER_DAY_KM2_TO_M3S

        catchment = self._apply(assignments)
        if self._prepared is None:  # the inputs that do not depend on the parameters, once
            from hydro.calibration.lumped import PreparedCatchment

            self._prepared = PreparedCatchment(self.catchment, self.forcing, self.record)
        q_mm = self._prepared.q_mm(catchment)
        q_m3s = None
        out = {}
        for o in self.config.observations:
            if o.variable == "discharge_mm":
                out[o.name] = q_mm
            else:
                if q_m3s is None:
                    q_m3s = q_mm * catchment.area_km2 * MM_PER_DAY_KM2_TO_M3S
                out[o.name] = q_m3s
        return out


def _first_weather_day(basin) -> date:
    """The first day of a watershed basin's station weather file (what its runoff stores can warm up on)."""
    from hydro.watershed import Watershed
    from hydro.weather import read_forcing_csv

    return read_forcing_csv(Watershed.from_basin(basin).weather.csv).dates[0].astype("datetime64[D]").item()


class BasinModel:
    """A basin held as a :class:`hydro.Model`, run with the parameters set in memory.

    The basin file is read and validated once per process
    (:meth:`hydro.Model.from_basin`, then the fixed ``[model] overrides``);
    each evaluation derives a variant with :meth:`hydro.Model.with_parameters`
    (no file is read, no text parsed) and runs it.  For a watershed basin the
    station weather, which does not depend on the parameters, is read once and
    handed to every run.
    """

    VARIABLE = {"discharge": "section_discharge", "tn_concentration": "section_tn_concentration",
                "tn_load": "section_tn_load", "reservoir_storage": "reservoir_storage",
                "reservoir_inflow": "reservoir_inflow",
                "reservoir_natural_inflow": "reservoir_natural_inflow",
                "reservoir_release": "reservoir_release"}

    def __init__(self, config: CalibrationConfig):
        from hydro.basin import resolve_basin

        self.config = config
        self.path = resolve_basin(config.model)
        p = config.periods
        self.start, self.end = p.warmup_start, p.end
        self.days = np.arange(np.datetime64(self.start, "D"), np.datetime64(self.end, "D") + 1)
        self._base: Any = None      # the Model with the fixed overrides (built on first use)
        self._weather: Any = None   # station weather of a watershed, read once
        self._columns: dict[str, int] | None = None  # section (reservoir) index of each observation
        self._needed: tuple[str, ...] | None = None  # the constituents the observations need run

    def _model(self):
        if self._base is None:
            from hydro.model import Model

            try:
                base = Model.from_basin(self.path)
                if self.config.overrides:
                    base = base.with_parameters(parse_overrides(self.config.overrides, self.config.path))
            except HydroError as exc:
                raise HydroError(f"{self.config.path}: [model] overrides on {self.path}: {exc}") from None
            self._base = base
        return self._base

    def _variant(self, assignments: dict[str, float]):
        try:
            return self._model().with_parameters(assignments)
        except HydroError as exc:
            raise HydroError(f"{self.config.path}: applying the calibration parameters to "
                             f"{self.path}: {exc}") from None

    def check(self, assignments: dict[str, float]) -> None:
        """Build the model with the assignments and check sections and weather coverage."""
        basin = self._variant(assignments).basin
        sections = [s.id for s in basin.network.sections]
        reservoirs = list(basin.network.reservoir_ids)
        for o in self.config.observations:
            kind, ids = (("reservoir", reservoirs) if o.variable in RESERVOIR_VARIABLES
                         else ("section", sections))
            if o.at not in ids:
                raise HydroError(f"{self.config.path}: observation '{o.name}': the basin has no "
                                 f"{kind} '{o.at}'" + suggest(o.at, ids)
                                 + f"; {kind}s: {', '.join(ids) or 'none'}")
            if o.variable == "reservoir_natural_inflow" and not basin.is_watershed:
                raise HydroError(f"{self.config.path}: observation '{o.name}': only a watershed "
                                 "basin keeps natural and transferred inflow apart; use "
                                 "'reservoir_inflow'")
        if basin.is_watershed:
            from hydro.series import daily_dates
            from hydro.watershed import Watershed, subbasin_weather

            from hydro.weather import read_forcing_csv

            ws = Watershed.from_basin(basin)  # checks every subbasin key, new ones included
            weather = read_forcing_csv(ws.weather.csv)
            first, last = weather.dates[0], weather.dates[-1]
            if np.datetime64(self.start, "D") < first or np.datetime64(self.end, "D") > last:
                # said as for a catchment's forcing: hydro run's advice (--start/--end) does not apply
                raise HydroError(f"{ws.weather.csv}: the weather covers {first} to {last}, the calibration "
                                 f"runs from {self.start} to {self.end}; fix [periods] in {self.config.path}")
            subbasin_weather(ws, daily_dates(self.start, self.end), forcing=weather)
        self._constituents(basin)  # every observed constituent or species is one of the basin's

    def _constituents(self, basin) -> tuple[str, ...]:
        """The constituents the observations need run (``nh3n_concentration``: the one holding the
        species ``nh3n``), in the basin's order; an observation of one the basin lacks is an error.
        Found once: parameter values change no constituent's name."""
        if self._needed is None:
            self._needed = self._observed_constituents(basin)
        return self._needed

    def _observed_constituents(self, basin) -> tuple[str, ...]:
        """:meth:`_constituents`, worked out."""
        holder = {p.name: c.name for c in basin.constituents for p in c.parts}
        holder.update({c.name: c.name for c in basin.constituents})
        needed = set()
        for o in self.config.observations:
            found = QUALITY_VARIABLE.match(o.variable)
            if found is None:
                continue
            if found.group(1) not in holder:
                raise HydroError(f"{self.config.path}: observation '{o.name}': {basin.path} carries no "
                                 f"'{found.group(1)}'" + suggest(found.group(1), list(holder))
                                 + f"; it carries {', '.join(holder)}")
            needed.add(holder[found.group(1)])
        return tuple(c.name for c in basin.constituents if c.name in needed)

    def input_files(self) -> list:
        """The basin file and every file it names (weather, series, transfer tables:
        :func:`hydro.basin_tables.basin_files`), whose content the evaluations depend on: a
        ``--resume`` after one of them changed is refused (review of 2026-12-04)."""
        from hydro.basin_tables import basin_files

        return basin_files(self.path)  # (a file named twice is hashed once: input_hashes keys by path)

    def check_values(self, assignments: dict[str, float]) -> None:
        """Raise the basin's own error (:class:`HydroError`) when it refuses these values
        (the checks of reading the basin file: ``x4_days >= 0.5``, fractions <= 1 ...)."""
        self._model().with_parameters(assignments)

    def stores_start(self) -> date | None:
        """First day whose weather the runoff stores see: the run's start, or the basin's ``[run] start``
        when the run starts after it (spun up from there), less up to ``runoff_warm_up_years`` of the
        watershed's weather before it (:mod:`hydro.runoff_warm_up`; none before the weather's first day).
        None for a basin of given flows (no subbasins, flows in ``[forcing]``): it runs no GR4J, so it
        has no runoff stores to warm up."""
        from hydro.runoff_warm_up import years_before

        basin = self._model().basin
        if not basin.is_watershed:
            return None
        start = min(self.start, basin.settings.start)
        if basin.settings.runoff_warm_up_years <= 0:
            return start
        first = _first_weather_day(basin)
        return max(min(first, start), years_before(start, basin.settings.runoff_warm_up_years))

    def spin_up_cycles(self) -> int:
        """Cycles of the cyclic spin-up the runoff stores start from (``[run] runoff_spin_up_cycles``,
        where the weather holds less than a year before the stores' start, :func:`hydro.runoff_warm_up.warm_up`);
        0: none."""
        from hydro.runoff_warm_up import too_little_before

        basin = self._model().basin
        cycles = basin.settings.runoff_spin_up_cycles if basin.is_watershed else 0
        if cycles <= 0:
            return 0
        return cycles if too_little_before(_first_weather_day(basin), min(self.start, basin.settings.start)) else 0

    def _run(self, basin):
        if not basin.is_watershed:
            from hydro.simulation import run

            return run(basin, self.start, self.end)
        from hydro.pipeline import run_watershed

        if self._weather is None:
            from hydro.watershed import Watershed
            from hydro.weather import read_forcing_csv

            self._weather = read_forcing_csv(Watershed.from_basin(basin).weather.csv)
        # calibration scores totals, never the sources: one tag, ~2.5x faster on Miyun; and
        # only the constituents observed (TN, or the one holding an observed species), none
        # when it scores water
        return run_watershed(basin, self.start, self.end, weather=self._weather, apportion=False,
                             constituents=self._constituents(basin))

    def simulate(self, assignments: dict[str, float]) -> dict[str, np.ndarray]:
        """Run the basin and return each observation's section series, daily."""
        res = self._run(self._variant(assignments).basin)
        columns = self._columns
        if columns is None:
            sections = list(res.coords["section"])
            reservoirs = list(res.coords["reservoir"])
            columns = self._columns = {
                o.name: (reservoirs if o.variable in RESERVOIR_VARIABLES else sections).index(o.at)
                for o in self.config.observations}
        return {o.name: np.asarray(res[self.VARIABLE.get(o.variable, f"section_{o.variable}")][:, columns[o.name]],
                                   dtype=float)
                for o in self.config.observations}


def parse_overrides(items, where) -> dict:
    """``["key.path=value", ...]`` as ``{path: value}``, values read as ``--set`` reads them
    (a TOML value, else the bare text)."""
    from hydro.overrides import parse_assignment

    return dict(parse_assignment(text, f"{where}: [model] overrides: '{text}'") for text in items)


class FlowSourcesModel:
    """The source model driven by observed daily discharge (a lumped catchment)."""

    def __init__(self, config: CalibrationConfig):
        from hydro.calibration.flowsources import FlowSources

        self.config = config
        self.model = FlowSources.from_toml(config.model)
        p = config.periods
        self.model.check_period(p.warmup_start, p.end, config.path)
        self.start, self.end = p.warmup_start, p.end
        self.days = np.arange(np.datetime64(self.start, "D"), np.datetime64(self.end, "D") + 1)
        self.fixed = list(config.overrides)

    def stores_start(self) -> date | None:
        """None: the model is driven by observed discharge, it has no runoff stores to warm up."""
        return None

    def _items(self, assignments):
        return self.fixed + [format_assignment(k, v) for k, v in assignments.items()]

    def check(self, assignments: dict[str, float]) -> None:
        """Apply the overrides and read the sources (unknown paths are errors)."""
        self.model.configure(self._items(assignments))

    def input_files(self) -> list:
        """The model file and its discharge CSV."""
        return [self.config.model, self.model.path.parent / self.model.raw["discharge"]["csv"]]

    def check_values(self, assignments: dict[str, float]) -> None:
        """Raise the model file's own error (:class:`HydroError`) when it refuses these values."""
        self.model.configure(self._items(assignments))

    def simulate(self, assignments: dict[str, float]) -> dict[str, np.ndarray]:
        """Daily discharge, concentration and load for each observation."""
        out = self.model.run(self._items(assignments), self.start, self.end)
        return {o.name: out[o.variable] for o in self.config.observations}


def build_model(config: CalibrationConfig):
    """The model object for ``config.kind``."""
    return {"catchment": CatchmentModel, "basin": BasinModel,
            "flow_sources": FlowSourcesModel}[config.kind](config)


def period_days(first: date, last: date) -> np.ndarray:
    """Every day from ``first`` to ``last`` as datetime64[D]."""
    return np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)


__all__ = ["BasinModel", "CatchmentModel", "FlowSourcesModel", "build_model",
           "format_assignment", "parse_overrides"]
