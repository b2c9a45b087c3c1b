"""Real-data cases: each shipped basin's baseline against the published figures it must reproduce.

``basins/<name>/observations.toml`` lists the targets, each with its source:

.. code-block:: toml

    [[targets]]
    id = "reservoir_tn_mean"
    variable = "reservoir_tn_concentration"  # a results variable
    location = "miyun"                        # id on its second dimension
    statistic = "mean"                        # mean | ratio | share
    denominator = "baihe_border"              # ratio: the location divided by
    source = "deposition"                     # share (and ratio of sources)
    denominator_source = "livestock"          # ratio of two sources
    period = ["2013-03-01", "2017-02-28"]     # optional
    value = 0.98                              # with tolerance_relative, or
    range = [4.0, 12.0]                       # an accepted range
    tolerance_relative = 0.30
    reference = "author, year, title, table"  # where it is published (required)

``mean`` averages the variable at the location over the period; ``ratio`` divides
that mean by the mean at ``denominator`` (or, for ``subbasin_tn_source_input``,
the summed input of ``source`` by that of ``denominator_source``); ``share`` is
the fraction of ``source`` in the summed ``subbasin_tn_source_input`` (delivered
loads by source) or ``subbasin_tn_gross_input`` (the inputs inventory by
category: fertiliser, fixation, deposition, livestock, rural_domestic, point).  A case
``hydro validate <basin>`` runs the basin over its ``[run]`` period and checks
every target.
"""

from __future__ import annotations

from datetime import date
import numpy as np

from hydro.basin import ROOT
from hydro.errors import suggest
from hydro.tomlio import Table, load_toml
from hydro.validation.registry import Check, case

STATISTICS = ("mean", "ratio", "share")


def target_value(results, t: Table) -> float:
    """The simulated value of one target table (see the module docstring)."""
    name = t.str("variable")
    if name not in results.data:
        raise t.error("variable", f"'{name}' is not in the results" + suggest(name, results.data))
    data = np.asarray(results[name], dtype=float)
    dims = results.declaration(name).dims
    dates = np.array(results.dates, dtype="datetime64[D]")
    keep = np.ones(len(dates), bool)
    if t.has("period"):
        first, last = (np.datetime64(date.fromisoformat(str(x)) if not isinstance(x, date) else x, "D")
                       for x in t.raw("period"))
        keep = (dates >= first) & (dates <= last)
        if not keep.any():
            raise t.error("period", "no simulated day falls in this period")
    statistic = t.str("statistic", "mean")
    if statistic not in STATISTICS:
        raise t.error("statistic", f"expected one of {', '.join(STATISTICS)}" + suggest(statistic, STATISTICS))
    if name in ("subbasin_tn_source_input", "subbasin_tn_gross_input"):
        sources = results.coords[dims[-1]]
        if dims[0] == "year":  # yearly inventory: keep the years the period touches
            years = sorted({int(str(d)[:4]) for d in dates[keep]})
            keep = np.isin(results.coords["year"], years)
        total = data[keep].sum(axis=(0, 1))

        def source(key):
            s = t.str(key)
            if s not in sources:
                raise t.error(key, f"unknown source '{s}'" + suggest(s, sources))
            return total[sources.index(s)]

        if statistic == "share":
            return float(source("source") / total.sum())
        if statistic == "ratio":
            return float(source("source") / source("denominator_source"))
        return float(data[keep].sum(axis=1).mean())

    def mean_at(key):
        loc = t.str(key)
        ids = results.coords[dims[1]]
        if loc not in ids:
            raise t.error(key, f"'{loc}' is not a {dims[1]} of the results" + suggest(loc, ids))
        return float(np.nanmean(data[keep, ids.index(loc)]))

    if statistic == "share":
        raise t.error("statistic", "'share' applies to subbasin_tn_source_input")
    value = mean_at("location")
    return value / mean_at("denominator") if statistic == "ratio" else value


def basin_checks(name: str) -> list[Check]:
    """Run the shipped basin ``name`` and check every target of its observations file."""
    from hydro.basin import Basin
    from hydro.simulation import run

    folder = ROOT / "basins" / name
    path = folder / "observations.toml"
    results = run(Basin.load(folder))
    root = Table(load_toml(path), path)
    checks = []
    for t in root.tables("targets"):
        tid = t.str("id")
        value = target_value(results, t)
        if not t.str("reference").strip():  # every published figure says where it is published
            raise t.error("reference", "give the author, year, title and table or page of the figure")
        t.str("note", "")
        t.str("unit", "")
        if t.has("range"):
            lo, hi = t.floats("range", length=2)
            # a range check is reported as the distance outside the range (0 inside)
            outside = max(lo - value, value - hi, 0.0)
            checks.append(Check(name, f"{tid} = {value:.4g} in [{lo:g}, {hi:g}]", outside, 0.0,
                                bool(lo <= value <= hi), "max"))
        else:
            expected = t.float("value")
            tol = t.float("tolerance_relative", 0.3, positive=True)
            rel = value / expected - 1.0
            checks.append(Check.within(name, f"{tid} = {value:.4g} vs {expected:g} (relative)", rel, tol))
        t.finish()
    root.finish()
    return checks


def _register() -> None:
    for folder in sorted((ROOT / "basins").glob("*")):
        if (folder / "basin.toml").is_file() and (folder / "observations.toml").is_file():
            name = folder.name

            def func(name=name):
                return basin_checks(name)

            func.__doc__ = f"The {name} baseline against published figures (basins/{name}/observations.toml)."
            case(name, layer="data", quick=False)(func)


_register()
