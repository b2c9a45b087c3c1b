"""The global attributes every results file is written with: CF-1.8's and ACDD-1.3's discovery metadata.

A data repository (Zenodo, PANGAEA) or a catalogue harvests a file's title, summary, keywords, dates and
versions from these (ACDD-1.3, "highly recommended" and "recommended" attributes); until 2026-12-06 every
file was titled "hydro results" and said nothing of what it held or when it was made (CF/ACDD review).
Both writers (:func:`hydro.netcdf_define.layout`, :meth:`hydro.results.Results.to_xarray`) take every global
attribute from :func:`written_attributes`: these first, then the run's own (but for :data:`COMPUTED_KEYS`).
Left out for want of data: geospatial bounds (the basin files give no coordinates), a licence and a creator
(the user's to give), and ACDD's ``date_created``: two runs of the same inputs write the same bytes (the
tests compare files written at different times, and a user can check a rerun with ``cmp``), so nothing in
a file depends on when it was written; the file's modification time says that.
"""

from __future__ import annotations

from hydro import __version__
from hydro.run_attributes import RUN_DAYS, run_days
from hydro.variables import RESULTS_FORMAT

#: The CF standard-name table the names hydro writes are checked against (tests/test_cf_review.py).
STANDARD_NAME_TABLE = "CF Standard Name Table v93"
#: ACDD's ``time_coverage_resolution`` of each ``--aggregate`` (ISO 8601 durations).
RESOLUTION = {"daily": "P1D", "monthly": "P1M", "yearly": "P1Y"}
#: The attributes :func:`writer_attributes` gives, in their order: a file read back holds them, a run's results
#: do not (:data:`hydro.run_attributes.WRITER_ATTRIBUTES`).
DISCOVERY_KEYS = ("Conventions", "title", "summary", "keywords", "product_version", "results_format",
                  "processing_level", "standard_name_vocabulary", "time_coverage_start", "time_coverage_end",
                  "time_coverage_resolution")


#: What :func:`writer_attributes` computes from the file being written, over any copy the results hold (a file
#: read back holds its own: a daily file written again monthly said P1D beside time_aggregation monthly).
COMPUTED_KEYS = ("Conventions", "product_version", "results_format", "processing_level", "standard_name_vocabulary",
                 "time_coverage_start", "time_coverage_end", "time_coverage_resolution")


def written_attributes(results, aggregate: str = "daily") -> dict[str, str]:
    """Every global attribute a file of ``results`` is written with: :func:`writer_attributes`, then the results'
    own (the run's: a scenario file's title, a read-back file's ``run_days``), but for :data:`COMPUTED_KEYS`."""
    attrs = writer_attributes(results, aggregate)
    attrs.update({k: str(v) for k, v in results.attrs.items() if k not in COMPUTED_KEYS})
    return attrs


def writer_attributes(results, aggregate: str = "daily") -> dict[str, str]:
    """The attributes a file of ``results`` is written with before their own: ``Conventions``, ``source``,
    :data:`DISCOVERY_KEYS` and ``run_days``.  ``aggregate``: the file's time aggregation (its
    ``time_coverage_resolution``)."""
    attrs = results.attrs
    days = run_days(results)
    first, _, last = days.get(RUN_DAYS, "").partition("..")
    basin, scenario = attrs.get("basin", "a basin"), attrs.get("scenario", "")
    span = f", {first} to {last}" if first else ""
    out = {"Conventions": "CF-1.8, ACDD-1.3", "source": f"hydro {__version__}",
           "title": f"hydro simulation of the {basin} basin" + (f", scenario {scenario}" if scenario else "") + span,
           "summary": _summary(results, basin, span),
           "keywords": ", ".join(["water quality", "river network", "reservoir", "nutrient transport",
                                  *_long_names(results), str(basin)]),
           "product_version": __version__,
           "results_format": RESULTS_FORMAT,
           "processing_level": "model simulation (not observations); inputs partly estimated, as the basin's "
                               "SOURCES.md marks them",
           "standard_name_vocabulary": STANDARD_NAME_TABLE}
    if first:
        out.update(time_coverage_start=first, time_coverage_end=last,
                   time_coverage_resolution=RESOLUTION.get(aggregate, aggregate))
    return {**out, **days}


def _long_names(results) -> list[str]:
    """The constituents' long names (``total nitrogen``, ...), as the results name them."""
    return [str(v) for v in getattr(results, "constituents", {}).values()]


def _summary(results, basin: str, span: str) -> str:
    """A sentence or two of what the file holds, for a catalogue's abstract."""
    carried = ", ".join(_long_names(results)) or "water"
    weather = ("generated (synthetic) weather" if results.attrs.get("weather_synthetic") == "true"
               else "station weather" if results.attrs.get("weather") else "the basin's forcing")
    return (f"Simulated water and {carried} in the rivers, reservoirs and monitoring sections of the {basin} basin"
            f"{span}, on {weather}, by hydro {__version__}: runoff generation, nitrogen and other sources, and "
            "transport along the river network with reservoirs. Model output, not observations; the variables' "
            "long_name and units say what each holds, and the basin's SOURCES.md where each input comes from.")
