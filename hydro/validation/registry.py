"""The registry of verification cases and the record of one checked metric."""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

#: Modules whose import registers cases, in the order ``hydro validate`` lists them.
#: Add a module here when it defines cases with :func:`case`.
CASE_MODULES: list[str] = [
    "hydro.validation.analytical",
    "hydro.validation.flux_inlet",
    "hydro.validation.consistency",
    "hydro.validation.reactions",
    "hydro.validation.peer",
    "hydro.validation.reference",
    "hydro.validation.metrics_cases",
    "hydro.validation.basins",
    "hydro.validation.calibration_cases",
    "hydro.validation.flownorm_cases",
]


@dataclass(frozen=True)
class Check:
    """One verified metric.

    Attributes
    ----------
    case : str
        Name of the case that produced it.
    metric : str
        What is measured, e.g. ``"max_abs_error_over_c0"``.
    value : float
        The measured value.
    tolerance : float
        The bound it is held to.
    passed : bool
        Whether ``value`` is within ``tolerance`` (in the sense of ``kind``).
    kind : str
        ``"max"`` (value <= tolerance), ``"min"`` (value >= tolerance) or
        ``"abs"`` (abs(value) <= tolerance); only for display.
    independent : bool
        False where the figure checked was fitted, an input of the model was set from it, or it follows
        from fitted figures (``not_independent`` of an observations file's target, with the reason).
    """

    case: str
    metric: str
    value: float
    tolerance: float
    passed: bool
    kind: str = "max"
    #: False for a published figure the model was fitted to or an input was set from (a basin's initial
    #: storage): its pass is reported, and counted apart, as not independent.
    independent: bool = True

    @classmethod
    def at_most(cls, case: str, metric: str, value: float, tolerance: float) -> "Check":
        """A check that passes when ``value <= tolerance`` (NaN fails)."""
        return cls(case, metric, float(value), float(tolerance), bool(value <= tolerance), "max")

    @classmethod
    def at_least(cls, case: str, metric: str, value: float, tolerance: float) -> "Check":
        """A check that passes when ``value >= tolerance`` (NaN fails)."""
        return cls(case, metric, float(value), float(tolerance), bool(value >= tolerance), "min")

    @classmethod
    def within(cls, case: str, metric: str, value: float, tolerance: float) -> "Check":
        """A check that passes when ``abs(value) <= tolerance`` (NaN fails)."""
        return cls(case, metric, float(value), float(tolerance), bool(abs(value) <= tolerance), "abs")

    def as_json(self) -> dict:
        """The BRIEF's ``--json`` record: case, metric, value, tolerance, passed."""
        value = self.value if math.isfinite(self.value) else None
        return {"case": self.case, "metric": self.metric, "value": value,
                "tolerance": self.tolerance, "passed": self.passed}


@dataclass(frozen=True)
class Case:
    """A registered verification case.

    Attributes
    ----------
    name : str
        Case name used on the command line.
    layer : str
        ``"analytical"``, ``"conservation"``, ``"reference"``, ``"peer"`` or ``"data"``.
    quick : bool
        Whether it belongs to ``hydro validate --quick`` (fast enough for CI).
    func : callable
        ``func() -> list[Check]``.
    description : str
        One line for listings.
    precheck : callable or None
        ``precheck()`` checks the case's input in seconds (raising
        :class:`~hydro.errors.HydroError`); :func:`run_cases` runs those of all its cases first.
    """

    name: str
    layer: str
    quick: bool
    func: Callable[[], list[Check]]
    description: str
    precheck: Callable[[], None] | None = None


_CASES: dict[str, Case] = {}


def case(name: str, *, layer: str, quick: bool = True, precheck: Callable[[], None] | None = None):
    """Register the decorated function as the verification case ``name``."""

    def decorate(func):
        if name in _CASES:
            raise RuntimeError(f"validation case {name!r} registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        _CASES[name] = Case(name, layer, quick, func, doc[0] if doc else "", precheck)
        return func

    return decorate


#: Functions that make a case of a name no module registered, or return None (``hydro.validation.basins``:
#: a basin folder with ``observations.toml``); the case is not registered (not listed, nor run by default).
CASE_FINDERS: list[Callable[[str], "Case | None"]] = []


def all_cases() -> dict[str, Case]:
    """Every registered case by name (imports :data:`CASE_MODULES` on first use)."""
    for module in CASE_MODULES:
        importlib.import_module(module)
    return dict(_CASES)


def select_cases(names: Iterable[str] | None = None, quick: bool = False) -> list[Case]:
    """The named cases, each once (all, or only the quick ones, without names): what :func:`run_cases`
    runs and ``hydro validate --list`` lists.  A long case named with ``quick`` is refused."""
    from hydro.errors import HydroError, suggest

    cases = all_cases()
    if not names:
        return [c for c in cases.values() if c.quick or not quick]
    for name in names:
        found = [c for c in (find(name) for find in CASE_FINDERS) if c is not None] if name not in cases else []
        if found:  # (a basin folder of one's own)
            cases[name] = found[0]
        if name not in cases:
            raise HydroError(f"unknown validation case '{name}'" + suggest(name, cases)
                             + "; `hydro validate --list` shows them, and a basin folder of your own with an "
                             "observations.toml (docs/commands/validate.md) is one too")
    long = [name for name in dict.fromkeys(names) if quick and not cases[name].quick]
    if long:  # --quick was ignored: `hydro validate miyun --quick` ran the long case, minutes
        raise HydroError(f"--quick runs only the fast cases, and {', '.join(long)} "
                         + ("is a long case" if len(long) == 1 else "are long cases")
                         + ": name it without --quick to run it, or leave the names out for every fast case")
    return [cases[name] for name in dict.fromkeys(names)]


def run_cases(names: Iterable[str] | None = None, quick: bool = False,
              progress: Callable[[Case], None] | None = None) -> list[Check]:
    """Run the named cases (all, or only the quick ones) and return every check."""
    checks: list[Check] = []
    selected = select_cases(names, quick)
    for c in selected:  # inputs first: a mistake in the last case's file stops before the first case's run
        if c.precheck is not None:
            c.precheck()
    for c in selected:
        if progress is not None:
            progress(c)
        checks.extend(c.func())
    return checks
