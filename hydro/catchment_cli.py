"""The command-line side of catchment mode: ``hydro run CATCHMENT.toml`` (GR4J, CemaNeige where
configured, on one lumped catchment; :mod:`hydro.catchment` owns the file and the model run).

Its ``--set`` overrides (and those of ``--params``) are checked one by one before any output check or
work (:func:`catchment_with_overrides`), the run is wrapped as :class:`~hydro.results.Results`
(:func:`run_catchment_file`) and summarised (:func:`catchment_summary`).
"""

from __future__ import annotations

import math

from hydro.errors import HydroError
from hydro.units import MM_KM2_PER_DAY_PER_M3_S


def catchment_with_overrides(path, overrides=(), params=None, n_params: int = 0):
    """The catchment TOML at ``path`` with ``key.path=value`` overrides applied, each checked as
    it comes (a number, finite, a parameter the catchment has, in the model's range) and refused
    naming it: ``hydro run CATCHMENT.toml --set gr4j.x1_mm=nan`` was refused only when the run
    started, in words that did not name ``--set``.  The first ``n_params`` overrides come from the
    ``--params`` file ``params`` (their messages name it, as a basin's do)."""
    from hydro.catchment import Catchment

    c = Catchment.from_toml(path)
    for i, text in enumerate(overrides):
        given = f"{params} (--params): key 'overrides', '{text}'" if i < n_params else f"--set {text}"
        if "=" not in text:
            raise HydroError(f"{given}: expected key.path=value")
        key, value_text = (s.strip() for s in text.split("=", 1))
        try:
            value = float(value_text)
        except ValueError:
            raise HydroError(f"{given}: expected a number after '=', got {value_text!r}") from None
        try:
            if not math.isfinite(value):
                raise HydroError(f"key '{key}': expected a finite number, got {value_text}")
            c = c.with_parameters({key: value})
            c.model().initial_state(c.runoff.values(), production_fraction=c.production_fraction,
                                    routing_fraction=c.routing_fraction)  # the model's ranges, as a run checks
        except HydroError as exc:
            raise HydroError(f"{given}: {path}: {exc}") from None
    return c


def run_catchment_file(path, overrides=(), start=None, end=None, history: str = ""):
    """Run a catchment TOML (GR4J, CemaNeige where configured) with ``key.path=value``
    overrides (those of ``best_params.toml``, then ``--set``) and return
    :class:`~hydro.results.Results`: one subbasin (runoff, precipitation, actual ET, mm/d)
    and one gauge at the outlet (simulated and observed discharge, m3/s)."""
    from datetime import date
    from pathlib import Path

    import numpy as np

    from hydro.catchment import run_catchment
    from hydro.code_revision import revision_attributes
    from hydro.results import Results

    path = Path(path)
    c = catchment_with_overrides(path, overrides)
    gr4j = {k: getattr(c.runoff, k) for k in ("x1_mm", "x2_mm_per_day", "x3_mm", "x4_days")}
    forcing = c.read_forcing()
    first, last = forcing.dates[0], forcing.dates[-1]
    s = np.datetime64(start or first, "D")
    e = np.datetime64(end or last, "D")
    if s < first or e > last or s > e:
        raise HydroError(f"{forcing.path}: the forcing covers {first} to {last}; --start/--end ask for "
                         f"{s} to {e}")
    r = run_catchment(c, forcing, start=s, end=e)
    days = [date.fromisoformat(str(d)) for d in r.dates]
    res = Results(coords={"time": days, "subbasin": [c.name], "gauge": [c.name]},
                  attrs={"basin": c.name, "scenario": "baseline", "model": "catchment (GR4J"
                         + (" + CemaNeige)" if c.snow is not None else ")"),
                         "catchment_file": str(path), "area_km2": f"{c.area_km2:g}",
                         "gr4j_parameters": ", ".join(f"{k}={v:.6g}" for k, v in gr4j.items()),
                         "overrides": "; ".join(overrides), "history": history,
                         "config_sha256": catchment_sha256(path, forcing.path, overrides), **revision_attributes()})
    sel = (forcing.dates >= s) & (forcing.dates <= e)
    res.add("subbasin_runoff", r.q_mm[:, None])
    res.add("subbasin_precipitation", forcing.precip_mm[sel][:, None])
    res.add("subbasin_aet", r.runoff.aet_mm[0][:, None])
    res.add("gauge_discharge", r.q_m3s[:, None])
    if r.qobs_mm is not None:
        observed = r.qobs_mm * (c.area_km2 / MM_KM2_PER_DAY_PER_M3_S)  # mm/d -> m3/s
        res.add("gauge_observed_discharge", observed[:, None])
    return res


def catchment_sha256(path, forcing_path, overrides=()) -> str:
    """The run's ``config_sha256`` (:func:`hydro.config_hash.config_sha256`, as a basin's): the catchment
    file's bytes, the files it names (its forcing CSV, which is also counted where the file leaves it to
    the default name) by path relative to its folder and SHA-256, and the overrides."""
    import os
    from pathlib import Path

    from hydro.config_hash import config_sha256
    from hydro.tomlio import load_toml

    path = Path(path)
    named = [load_toml(path), os.path.relpath(forcing_path, path.parent)]
    return config_sha256(path.read_bytes(), named, path.parent, list(overrides))


def catchment_summary(res) -> str:
    """What ``hydro run CATCHMENT.toml`` prints: period, parameters, mean flows and the NSE."""
    import numpy as np

    d = res.dates
    q = res["gauge_discharge"][:, 0]
    lines = [f"catchment {res.attrs['basin']}  {res.attrs['model']}  {d[0]} to {d[-1]} ({len(d)} days)",
             f"parameters: {res.attrs['gr4j_parameters']}",
             f"discharge at the outlet, time mean over the run: simulated {np.mean(q):.3f} m3/s"]
    if "gauge_observed_discharge" in res.data:
        obs = res["gauge_observed_discharge"][:, 0]
        ok = np.isfinite(obs)
        if ok.sum() > 1:
            from hydro.metrics import nse

            lines[-1] += f", observed {np.mean(obs[ok]):.3f} m3/s (on the {int(ok.sum())} days observed)"
            lines.append(f"NSE of the daily discharge over every observed day (warm-up included): "
                         f"{nse(q[ok], obs[ok]):.3f}")
    return "\n".join(lines)
