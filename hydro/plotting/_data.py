"""Reading what the plots need from a :class:`~hydro.results.Results`: dims, selections, periods.

Kept free of matplotlib.  Variables may carry leading ``scenario`` and ``member``
dimensions beyond their declaration; :func:`dims_of` finds them from the array's
shape, so the plots work on single runs, scenario sets and ensembles alike.
"""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.plotting._missing import how_to_write, variables_like
from hydro.plotting._periods import (  # noqa: F401 (the plots' names for them)
    AGGREGATIONS,
    aggregate_time,
    check_aggregation,
    days_covered,
    effective_aggregation,
    missing_note,
    partial_note,
    partial_periods,
    partly_missing,
    step_days,
)

#: Dimensions of variables the plots read that :mod:`hydro.variables` may not declare yet.
FALLBACK_DIMS: dict[str, tuple[str, ...]] = {
    "tn_source_load": ("time", "section", "source"),
}
FALLBACK_UNITS: dict[str, str] = {"tn_source_load": "kg d-1"}

#: Dimensions that may come on top of a variable's declared ones, in file order.
EXTRA_DIMS: tuple[str, ...] = ("scenario", "member")

#: Location kinds, in the order an id is looked up, with their concentration variable template.
LOCATION_KINDS: dict[str, str] = {
    "section": "section_{c}_concentration",
    "reservoir": "reservoir_{c}_concentration",
    "reach": "{c}_concentration",
}


def _template_match(name: str):
    """The declaration whose ``{c}`` template matches ``name`` for some constituent, or None."""
    import re

    from hydro.variables import declared

    for v in declared():
        if "{c}" in v.name:
            pattern = "^" + re.escape(v.name).replace(re.escape("{c}"), "([a-z0-9]+)") + "$"
            if re.match(pattern, name):
                return v
    return None


def declared_dims(results, name: str) -> tuple[str, ...]:
    """Declared dims of ``name``; per-constituent templates match even when the results
    do not list their constituents."""
    try:
        return tuple(results.declaration(name).dims)
    except HydroError:
        if name in FALLBACK_DIMS:
            return FALLBACK_DIMS[name]
        v = _template_match(name)
        if v is not None:
            return tuple(v.dims)
        raise


def units(results, name: str) -> str:
    """The declared units of ``name`` ("" when unknown)."""
    try:
        return results.declaration(name).units
    except HydroError:
        return FALLBACK_UNITS.get(name, "")


def dims_of(results, name: str) -> tuple[str, ...]:
    """The dimensions of variable ``name`` as stored, with any ``scenario``/``member`` dims.

    The declared dims are taken from :mod:`hydro.variables`; when the array has more
    axes, the extra ones are the ``scenario`` and ``member`` coordinates the results
    hold, in that order, before (or else after) the declared ones, matched by size.
    """
    arr = np.asarray(results[name])
    dims = declared_dims(results, name)
    extra = arr.ndim - len(dims)
    if extra == 0:
        return dims
    candidates = [d for d in EXTRA_DIMS if d in results.coords and d not in dims]
    if extra > 0 and extra <= len(candidates):
        from itertools import combinations

        for chosen in combinations(candidates, extra):
            for full in (tuple(chosen) + dims, dims + tuple(chosen)):
                if arr.shape == tuple(len(results.coords[d]) for d in full):
                    return full
    raise HydroError(f"variable '{name}' has shape {arr.shape}, which does not match its dims "
                     f"{dims} with the coordinates of these results")


def with_members(results, name: str) -> str:
    """``ensemble_<name>`` when the results hold it (``hydro scenarios --members``: every weather member
    of a variable whose ``<name>`` is the run on the recorded weather), else ``name``: where a file has
    an ensemble the plots show its spread."""
    return f"ensemble_{name}" if f"ensemble_{name}" in results.data else name


def require(results, name: str, kind: str, hint: str = "") -> np.ndarray:
    """``results[name]``, or a :class:`HydroError` saying which plot needs it and how to write it."""
    if name not in results.data:
        raise HydroError(f"plot '{kind}' needs the variable '{name}', which these results lack"
                         + suggest(name, results.data) + (f". {hint}" if hint else "") + ". "
                         + how_to_write(results, name) + ". " + variables_like(results, name))
    return np.asarray(results.data[name], dtype=float)


def coord_index(results, dim: str, value, what: str | None = None) -> int:
    """Index of ``value`` on ``dim`` (an id, or an int position), with a helpful error."""
    values = [str(v) for v in results.coords.get(dim, [])]
    if str(value) in values:
        return values.index(str(value))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and 0 <= value < len(values):
        return int(value)
    elsewhere = next((d for d in ("section", "reach", "reservoir", "subbasin", "gauge")
                      if d != dim and str(value) in [str(v) for v in results.coords.get(d, [])]), None)
    if elsewhere:
        raise HydroError(f"'{value}' is a {elsewhere} of these results, not a {what or dim}: this takes "
                         f"{dim}s ({', '.join(values) or 'none'})")
    raise HydroError(f"unknown {what or dim} '{value}'" + suggest(str(value), values)
                     + f"; these results have: {', '.join(values) or 'none'}")


def select(results, name: str, scenario=None, member=None, **sel) -> tuple[np.ndarray, tuple[str, ...]]:
    """Variable ``name`` with dims fixed by index: ``sel`` maps dim -> index.

    The ``scenario`` dim, when present, is fixed to ``scenario`` (an id or position;
    None: the first, usually the baseline).  ``member``, when given, fixes that dim;
    otherwise it is kept for percentiles.

    Returns
    -------
    (array, remaining dims)
    """
    arr = np.asarray(results.data[name], dtype=float)
    dims = list(dims_of(results, name))
    fixed = dict(sel)
    if "scenario" in dims:
        fixed["scenario"] = 0 if scenario is None else coord_index(results, "scenario", scenario)
    if member is not None and "member" in dims:
        fixed["member"] = coord_index(results, "member", member)
    index = []
    for d in dims:
        index.append(fixed[d] if d in fixed else slice(None))
    out = arr[tuple(index)]
    return out, tuple(d for d in dims if d not in fixed)


def move_first(arr: np.ndarray, dims: tuple[str, ...], order: tuple[str, ...]) -> np.ndarray:
    """``arr`` transposed so that the dims in ``order`` (those present) come first, in that order."""
    present = [d for d in order if d in dims]
    rest = [d for d in dims if d not in present]
    return np.transpose(arr, [dims.index(d) for d in present + rest])


def scenario_label(results, scenario=None) -> str | None:
    """The scenario id a selection uses, for titles (None without a scenario dim)."""
    if "scenario" not in results.coords:
        return None
    i = 0 if scenario is None else coord_index(results, "scenario", scenario)
    return str(results.coords["scenario"][i])


def percentile_band(values: np.ndarray, axis: int, percentiles=(5.0, 95.0)):
    """(median, low, high) over ``axis``, ignoring NaN."""
    lo, hi = percentiles
    if not 0 <= lo < hi <= 100:
        raise HydroError(f"percentiles must satisfy 0 <= low < high <= 100, got {percentiles}")
    med = np.nanmedian(values, axis=axis)
    low = np.nanpercentile(values, lo, axis=axis)
    high = np.nanpercentile(values, hi, axis=axis)
    return med, low, high


def band(values: np.ndarray, axis: int, percentiles=(5.0, 95.0), members: int | None = None):
    """(median, low, high, what the band is) over ``axis``, ignoring NaN: the ``percentiles`` where the
    ``members`` (default: those with a value) are enough to tell them (at least 100 / the narrower
    tail: 20 for 5-95, 10 for 10-90, 4 for 25-75), else the members' range, said so ("range of 4
    members": the 5th percentile of 4 values is an interpolation between the lowest two)."""
    values = np.asarray(values, dtype=float)
    med, low, high = percentile_band(values, axis, percentiles)
    if members is None:
        members = int(np.isfinite(np.moveaxis(values, axis, 0)).reshape(values.shape[axis], -1).any(axis=1).sum())
    if members >= 100.0 / max(min(percentiles[0], 100.0 - percentiles[1]), 1e-9):
        return med, low, high, f"{percentiles[0]:g}th-{percentiles[1]:g}th percentile"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN point stays NaN
        low, high = np.nanmin(values, axis=axis), np.nanmax(values, axis=axis)
    return med, low, high, f"range of {members} member" + ("" if members == 1 else "s")


def parse_mapping(text) -> dict[str, str]:
    """``"a=b;c=d"`` (the form of global attributes such as ``constituents``) -> dict.

    An empty value (``"outlet="``) maps to ``""``.  A dict is returned as a copy.
    """
    if text is None:
        return {}
    if isinstance(text, dict):
        return {str(k): ("" if v is None else str(v)) for k, v in text.items()}
    out = {}
    for item in str(text).split(";"):
        if "=" in item:
            key, value = item.split("=", 1)
            if key.strip():
                out[key.strip()] = value.strip()
    return out


def names(results, dim: str, given: dict | None = None) -> dict[str, str]:
    """Display names of a dim's ids: ``given`` over the ``<dim>_names`` attribute, ids otherwise."""
    from hydro.plotting.style import display_name

    mapping = parse_mapping(results.attrs.get(f"{dim}_names")) if results is not None else {}
    mapping.update(parse_mapping(given))
    ids = [str(v) for v in (results.coords.get(dim, []) if results is not None else [])]
    return {i: display_name(i, mapping.get(i)) for i in ids} | {
        k: display_name(k, v) for k, v in mapping.items() if k not in ids}


def outlet_reservoir(results) -> int:
    """Index of the reservoir a figure shows by default: the first whose water reaches no other
    reservoir (by the results' ``network_downstream``: Miyun, not the small Yunzhou above it); the
    first reservoir where the attribute does not say."""
    from hydro.run_attributes import upstream_elements

    ids = [str(r) for r in results.coords.get("reservoir", [])]
    up = upstream_elements(str(results.attrs.get("network_downstream", "")))
    for k, rid in enumerate(ids):
        if not any(rid in up.get(other, ()) for other in ids if other != rid):  # its water reaches none
            return k
    return 0


def locate(results, ident, constituent: str = "tn") -> tuple[str, int]:
    """Whether ``ident`` is a section, reservoir or reach id (looked up in that order), and its index."""
    ident = str(ident)
    for kind in LOCATION_KINDS:
        values = [str(v) for v in results.coords.get(kind, [])]
        if ident in values:
            return kind, values.index(ident)
    known = [str(v) for k in LOCATION_KINDS for v in results.coords.get(k, [])]
    raise HydroError(f"unknown location '{ident}'" + suggest(ident, known)
                     + f"; sections, reservoirs and reaches here: {', '.join(known) or 'none'}")


def parse_targets(targets) -> list[tuple[str, float]]:
    """Targets as ``[(label, mg/L), ...]`` from a number, a dict, a list of numbers or pairs,
    or strings ``"label=value"`` / ``"value"`` (the command-line form)."""
    if targets is None:
        return []
    if isinstance(targets, (int, float, np.number, str)):
        targets = [targets]
    if isinstance(targets, dict):
        items = list(targets.items())
    else:
        items = []
        for t in targets:
            if isinstance(t, str) and "=" in t:
                label, value = t.rsplit("=", 1)
                items.append((label.strip(), value))
            elif isinstance(t, (tuple, list)) and len(t) == 2:
                items.append((str(t[0]), t[1]))
            else:
                items.append((None, t))
    out = []
    for label, value in items:
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise HydroError(f"target '{value}' is not a number; give targets as VALUE or LABEL=VALUE "
                             "(mg/L), e.g. 1.0 or 'Class III=1.0'") from None
        if not np.isfinite(v) or v < 0:
            raise HydroError(f"target {value} must be a finite number >= 0 (mg/L)")
        out.append((label or f"target {v:g} mg/L", v))
    return out
