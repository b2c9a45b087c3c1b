"""Figures of hydro results for researchers and decision makers.

One function per kind, each returning a :class:`matplotlib.figure.Figure` (drawn on
the Agg canvas, never through pyplot) and accepting ``ax=`` to draw into existing
axes:

========================  ==================================================================
``plot_trajectory``       concentration over time at sections / reservoirs, GB 3838 bands,
                          targets, observations, ensemble bands
``plot_sources``          load at a section apportioned by source (stacked areas)
``plot_reservoir``        storage, level and concentration of a reservoir (stacked panels)
``plot_scenarios``        annual means per scenario against targets (grouped bars)
``plot_network``          schematic of the network coloured by mean concentration
``plot_compensation``     payments by year, payee and component (grouped, stacked bars)
``plot_classes``          GB 3838 class by section/reservoir and month, a panel per parameter
========================  ==================================================================

:func:`plot` dispatches by kind name and writes the file (``hydro plot``).  House
style (palette, fonts, sizes) lives in :mod:`hydro.plotting.style`.  matplotlib is
imported only when a figure is drawn; ``import hydro`` never imports it.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from hydro.errors import HydroError, suggest
from hydro.plotting.classes import plot_classes
from hydro.plotting.compensation import plot_compensation
from hydro.plotting.network import plot_network
from hydro.plotting.reservoir import plot_reservoir
from hydro.plotting.scenarios import plot_scenarios
from hydro.plotting.sources import plot_sources
from hydro.plotting.trajectory import plot_trajectory

#: Kind name -> plot function.
KINDS = {
    "trajectory": plot_trajectory,
    "sources": plot_sources,
    "reservoir": plot_reservoir,
    "scenarios": plot_scenarios,
    "network": plot_network,
    "compensation": plot_compensation,
    "classes": plot_classes,
}


def plot_function(kind: str):
    """The plot function of ``kind``; unknown kinds are a :class:`HydroError` with a suggestion."""
    key = str(kind).strip().lower()
    if key not in KINDS:
        raise HydroError(f"unknown plot kind '{kind}'" + suggest(key, KINDS)
                         + f"; kinds: {', '.join(KINDS)}")
    return KINDS[key]


def _dataset_as_results(results):
    """Model.run's dataset as Results (:func:`hydro.results_xarray.as_results`); anything else as it is."""
    from hydro.results_xarray import as_results

    return as_results(results, strict=False)


def _payments(results, results_path, options):
    """Payments for the ``compensation`` kind: given, or evaluated from ``agreement=``."""
    payments = options.pop("payments", None)
    agreement = options.pop("agreement", None)
    skip = bool(options.pop("skip_unavailable", False))  # rules on parameters the series lacks (TP on TN)
    if payments is not None:
        return payments
    if agreement is None:
        raise HydroError("plot 'compensation' needs an agreement (--agreement AGREEMENT.toml) "
                         "or a list of payments")
    from hydro.compensation import Agreement, evaluate
    from hydro.monitoring import read_series, refuse_aggregated

    if results_path is None:
        raise HydroError("plot 'compensation' with an agreement needs the results file path, "
                         "not a Results object; or pass payments=evaluate(...)")
    if not isinstance(agreement, Agreement):
        agreement = Agreement.from_toml(agreement)
    refuse_aggregated(results_path, results.attrs.get("time_aggregation", "daily"))
    names = list(results.coords.get("scenario", []))
    if len(names) > 1 and options.get("scenario") is None:  # payments of no scenario by default
        raise HydroError(f"{results_path}: the file holds {len(names)} scenarios ({', '.join(map(str, names))}); "
                         "plot 'compensation' draws one scenario's payments: choose it with --scenario NAME "
                         "(scenario= in Python)")
    return evaluate(agreement, read_series(results_path, scenario=options.pop("scenario", None)),
                    skip_unavailable=skip)


def _check_selection(results, results_path, func, options: dict) -> None:
    """Refuse a ``scenario`` the results lack a dimension for (a kind would ignore it),
    ``percentiles`` without members (ignored alike), a ``constituent`` they do not carry (a kind
    would list every variable the file has), and a catchment run (discharge at one gauge: no kind
    draws it)."""
    if str(results.attrs.get("model", "")).startswith("catchment"):
        raise HydroError(f"{results_path or 'these results'}: a catchment run (GR4J on one catchment, discharge "
                         "only); hydro plot draws a basin's run (sections, reservoirs, network, payments); read "
                         "gauge_discharge with xarray for the hydrograph")
    if options.get("scenario") is not None and "scenario" not in results.coords:
        from hydro.monitoring import no_scenario_dimension

        raise no_scenario_dimension(options["scenario"], results_path)
    if options.get("percentiles") is not None and "member" not in results.coords:  # no band to draw: ignored
        raise HydroError(f"{results_path or 'these results'}: --percentiles sets the band over an ensemble's members, "
                         "and these results have none (no 'member' dimension: a run without --members); leave "
                         "--percentiles out")
    known = list(getattr(results, "constituents", ()))
    name = options.get("constituent")
    if name is not None and func is not plot_classes and known and name not in known:
        raise HydroError(f"--constituent {name}: the results {results_path or ''} carry no constituent '{name}'"
                         + suggest(str(name), known) + f"; they carry: {', '.join(known)}")


def plot(results, kind: str, output_path: str | Path | None = None, *, overwrite: bool = True, dpi: int | None = None,
         **options):
    """Draw a figure of ``kind`` and write it to ``output_path`` (png, pdf or svg).

    Parameters
    ----------
    results : Results, str or Path
        Results in memory or a results file. Ignored by ``compensation`` when
        ``payments=`` is given.
    kind : str
        One of :data:`KINDS`.
    output_path : str or Path, optional
        Where to write the figure (atomically); None: only return it.  The path is
        checked before anything is drawn.
    overwrite : bool
        Replace an existing file (default; ``hydro plot`` passes its ``--overwrite``).
    dpi : int, optional
        Resolution of a PNG, 50 to 1200 dots per inch (default 150; ``hydro plot --dpi``); PDF and SVG
        are vector figures (their size is the same, only a raster part would change).
    **options
        Keyword arguments of the kind's function (see ``docs/plots.md``);
        ``compensation`` also takes ``agreement=`` (a path or
        :class:`~hydro.compensation.Agreement`) or ``payments=``; ``network`` takes
        ``basin=`` (a basin name or path, for its topology); ``observations=`` may be
        the path of a monitoring CSV.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    HydroError
        For an unknown kind or option, a missing variable, a bad value, dpi or output path, or a
        ``trajectory``, ``sources`` or ``reservoir`` figure whose every value is missing (nothing would be
        drawn; the figure is not written).
    """
    from hydro.plotting.style import DPI, check_dpi, check_path, save

    func = plot_function(kind)
    dpi = check_dpi(DPI if dpi is None else dpi)
    if output_path is not None:
        check_path(output_path, overwrite)
    options = {k: v for k, v in options.items() if v is not None}
    results, results_path = _read(results)
    _check_selection(results, results_path, func, options)
    if isinstance(options.get("observations"), (str, Path)):
        from hydro.monitoring import read_monitoring_csv

        options["observations"] = read_monitoring_csv(options["observations"])
    if "basin" in options:
        if func is not plot_network:
            raise HydroError(f"option 'basin' is for plot 'network' only, not '{kind}'")
        from hydro.basin import Basin

        options["network"] = Basin.load(options.pop("basin")).network
    named = options.get("scenario") if func is plot_compensation and "title" not in options else None
    if func is plot_compensation:
        first = _payments(results, results_path, options)
    elif func is plot_classes:
        first = _class_table(results, results_path, options)
    else:
        first = results
    _check_options(func, options)
    fig = _draw(func, first, options, results_path)
    if named is not None:  # the scenario in the title, as the other kinds name theirs
        ax = options.get("ax") or fig.axes[0]
        ax.title.set_text(f"{ax.get_title()}\nscenario {named}")  # its font kept
    from hydro.plotting.weather import add_note, weather_note

    add_note(fig, weather_note(results, func.__name__[5:], options.get("constituent")), options.get("ax"))
    if output_path is not None:
        _refuse_empty(fig, func, results_path, output_path)
        save(fig, output_path, dpi=dpi, overwrite=overwrite)
    return fig



def _read(results):
    """(Results, path or None) of a results file or of results in memory (Model.run's dataset too)."""
    if not isinstance(results, (str, Path)):
        return _dataset_as_results(results), None
    from hydro.netcdf import check_hydro_results
    from hydro.results import load_results

    path = Path(results)
    return check_hydro_results(load_results(path), path, "plot", sections=False), path


def _check_options(func, options: dict) -> None:
    """Refuse an option the kind's function does not take, naming those it does."""
    params = inspect.signature(func).parameters
    accepted = [p for p in params if params[p].kind is not inspect.Parameter.VAR_KEYWORD][1:]
    for key in options:
        if key not in accepted:
            raise HydroError(f"plot '{func.__name__[5:]}' has no option '{key}'" + suggest(key, accepted)
                             + f"; its options: {', '.join(a for a in accepted if a != 'ax')}")


def _refuse_empty(fig, func, results_path, output_path) -> None:
    """Refuse to write a figure of values over time whose every value is missing (:func:`nothing_drawn`), as
    the other figures without data are refused (exit 2 from ``hydro plot``), rather than write it empty."""
    if func in (plot_trajectory, plot_sources, plot_reservoir) and nothing_drawn(fig):
        raise HydroError(f"{results_path or 'these results'}: every value plot '{func.__name__[5:]}' would draw is "
                         f"missing (NaN): the figure would have no data, and {output_path} is not written. "
                         f"`hydro info {results_path or 'RESULTS.nc'}` lists what the file holds; draw "
                         "another place (--location) or variable (--constituent)")


def _require_sections(results, results_path: Path) -> None:
    """What the class table of a file reads, named in plotting's words (the reader's errors speak of
    compensation): the sections' flow (the results-file reader reads it beside them; the classes need the
    concentrations alone) and concentrations."""
    from hydro.plotting._data import how_to_write

    concentrations = [f"section_{p}_concentration" for p in ("tn", "nh3n", "tp", "codmn")]
    lacking = [n for n in ("section_discharge",) if n not in results.data]
    if not any(n in results.data for n in concentrations):
        lacking.append(concentrations[0])
    if lacking:
        raise HydroError(f"{results_path}: plot 'classes' needs {' and '.join(repr(n) for n in lacking)} (monthly "
                         "means at sections, as the compensation rules judge them, beside those of "
                         "the reservoirs), which these results lack. " + how_to_write(results, ",".join(lacking)))


def _class_table(results, results_path: Path | None, options: dict):
    """The class table of ``classes``, from the monthly means the compensation engine judges: of one
    scenario (``options["scenario"]``, default the first, named in the title as the other kinds do) and
    of one run (an ensemble's members each have their own classes, which no single heat map shows)."""
    from hydro.classes import class_table_of
    from hydro.monitoring import refuse_aggregated

    where = results_path or "these results"
    if results_path is not None:  # the file is read: its attribute is at hand
        refuse_aggregated(results_path, results.attrs.get("time_aggregation", "daily"))
        _require_sections(results, results_path)
    # a `hydro scenarios --members` file keeps its members apart (ensemble_*): its one run is drawn
    if "member" in results.coords and not any(n.startswith("ensemble_") for n in results.data):
        raise HydroError(f"{where}: plot 'classes' shows the GB 3838 classes of one run's monthly means, and "
                         "these results are a weather ensemble (written with --members: a 'member' dimension); "
                         "plot a run without --members, or the ensemble's spread with the 'trajectory' kind "
                         "(median and percentile band)")
    scenario = options.get("scenario")
    if "scenario" in results.coords:
        from hydro.plotting._data import scenario_label

        try:
            options["scenario"] = scenario = scenario_label(results, scenario)
        except HydroError as exc:
            raise HydroError(f"{where}: {exc}") from None
    return class_table_of(results_path or results, scenario=scenario)


def nothing_drawn(fig) -> bool:
    """Whether a figure's data are all missing values (a variable NaN over the whole period): lines
    without a finite point and areas (bands, stacks) without a vertex. It would be written empty, a
    legend on a 1970 axis (reviews of 2026-12-04 and -05)."""
    import numpy as np

    axes = getattr(fig, "axes", ())
    lines = [line for ax in axes for line in ax.get_lines()]
    areas = [c for ax in axes for c in ax.collections]
    bars = [p for ax in axes for bar in ax.containers for p in bar if np.isfinite(p.get_height()) and p.get_height()]
    if not lines and not areas and not any(ax.containers for ax in axes):
        return False
    finite = any(np.isfinite(np.asarray(line.get_ydata(), dtype=float)).any() for line in lines)
    filled = any(len(path.vertices) for c in areas for path in c.get_paths())
    return not (finite or filled or bars)


def _draw(func, first, options: dict, results_path: Path | None):
    """``func(first, **options)``, an error naming the results file it is about."""
    try:
        return func(first, **options)
    except HydroError as exc:
        if results_path is None or str(results_path) in str(exc):
            raise
        raise HydroError(f"{results_path}: {exc}") from None

__all__ = ["KINDS", "plot", "plot_classes", "plot_compensation", "plot_function", "plot_network", "plot_reservoir",
           "plot_scenarios", "plot_sources", "plot_trajectory"]
