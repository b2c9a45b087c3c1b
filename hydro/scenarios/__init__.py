"""Scenarios of measures: reading, compiling to basin overrides, running, summarising.

A scenario file (``configs/scenarios/*.toml``, language in ``docs/scenarios.md``)
defines measures (where, from which year, over what ramp, with what parameters
and unit costs, each number cited or marked as an assumption), named scenarios
that combine them, water-quality targets and the parties that bear the costs.

Modules: :mod:`~hydro.scenarios.spec` (reading the file),
:mod:`~hydro.scenarios.measures` (compiling a scenario to yearly overrides of the
basin's source parameters, and its yearly costs), :mod:`~hydro.scenarios.run`
(running every scenario, the weather ensemble, the stacked netCDF),
:mod:`~hydro.scenarios.summary` (the summary table and target checks),
:mod:`~hydro.scenarios.incentives` (payments against measure costs per party),
:mod:`~hydro.scenarios.cli` (click commands to wire into ``hydro``).
"""

from hydro.scenarios.measures import BasinInfo, Compiled, annualise, compile_scenario
from hydro.scenarios.run import ScenarioRun, run_scenario_ensemble, run_scenarios, write_scenarios
from hydro.scenarios.spec import KINDS, Measure, Scenario, ScenarioFile, Target

__all__ = ["KINDS", "BasinInfo", "Compiled", "Measure", "Scenario", "ScenarioFile", "ScenarioRun",
           "Target", "annualise", "compile_scenario", "run_scenario_ensemble", "run_scenarios", "write_scenarios"]
