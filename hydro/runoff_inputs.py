"""Checking the inputs of the runoff routines (GR4J, CemaNeige, Oudin PET).

Forcing arrays are 1-D ``[n_day]`` (one catchment) or 2-D ``[n_subbasin, n_day]``;
:func:`forcing_array` checks one and returns it 2-D, contiguous float64, or raises
an error naming the argument and the day; :func:`per_subbasin` does the same for
a parameter given as a number or one value per subbasin (or band);
:func:`shape_out` gives results the shape of the inputs.
"""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError


def _label(index: int, dates) -> str:
    if dates is not None:
        return f"day {index} ({np.datetime_as_string(np.asarray(dates)[index], unit='D')})"
    return f"day {index}"


def forcing_array(name: str, values, dates=None, *, nonnegative: bool = False,
             shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Check one forcing array and return it as contiguous float64, 2-D."""
    try:
        arr = np.ascontiguousarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise HydroError(f"argument '{name}': expected an array of numbers") from None
    if arr.ndim not in (1, 2):
        raise HydroError(f"argument '{name}': expected a 1-D [day] or 2-D [subbasin, day] "
                         f"array, got {arr.ndim} dimensions")
    arr2 = arr.reshape(1, -1) if arr.ndim == 1 else arr
    if shape is not None and arr2.shape != shape:
        raise HydroError(f"argument '{name}': {arr2.shape[0]} subbasin(s) x {arr2.shape[1]} days "
                         f"does not match precip_mm's {shape[0]} x {shape[1]}; "
                         "give every forcing the same subbasins and days")
    if arr2.shape[1] == 0:
        raise HydroError(f"argument '{name}': no days; give at least one day of forcing")
    bad = ~np.isfinite(arr2)
    if bad.any():
        i, t = np.argwhere(bad)[0]
        where = _label(int(t), dates) + (f", subbasin {i}" if arr.ndim == 2 else "")
        raise HydroError(f"argument '{name}': missing or non-finite value ({arr2[i, t]}) on {where}; "
                         "fill the gap before running the model")
    if nonnegative and (arr2 < 0).any():
        i, t = np.argwhere(arr2 < 0)[0]
        where = _label(int(t), dates) + (f", subbasin {i}" if arr.ndim == 2 else "")
        raise HydroError(f"argument '{name}': negative value {arr2[i, t]} on {where}; "
                         "expected a depth >= 0 mm")
    return arr2


def per_subbasin(name: str, value, n_sub: int, *, minimum: float | None = None,
                  strict: bool = False, maximum: float | None = None,
                  max_strict: bool = False, unit: str = "subbasin") -> np.ndarray:
    """A scalar or ``[n_sub]`` parameter as contiguous float64 ``[n_sub]``."""
    arr = np.ascontiguousarray(np.atleast_1d(np.asarray(value, dtype=np.float64)))
    if arr.ndim != 1 or arr.shape[0] not in (1, n_sub):
        raise HydroError(f"parameter '{name}': expected a number or {n_sub} values "
                         f"(one per {unit}), got shape {np.shape(value)}")
    if arr.shape[0] == 1 and n_sub != 1:
        arr = np.full(n_sub, arr[0])
    if not np.isfinite(arr).all():
        raise HydroError(f"parameter '{name}': expected finite numbers, got {arr}")
    if minimum is not None:
        low = arr <= minimum if strict else arr < minimum
        if low.any():
            i = int(np.argmax(low))
            rel = ">" if strict else ">="
            raise HydroError(f"parameter '{name}': expected {rel} {minimum}, got {arr[i]}"
                             + (f" ({unit} {i})" if n_sub > 1 else ""))
    if maximum is not None:
        high = arr >= maximum if max_strict else arr > maximum
        if high.any():
            i = int(np.argmax(high))
            rel = "<" if max_strict else "<="
            raise HydroError(f"parameter '{name}': expected {rel} {maximum}, got {arr[i]}"
                             + (f" ({unit} {i})" if n_sub > 1 else ""))
    return arr


def shape_out(arr2: np.ndarray, one_d: bool) -> np.ndarray:
    """``[n_day]`` for 1-D inputs (``one_d``), else the ``[n_subbasin, n_day]`` array itself."""
    return arr2[0] if one_d else arr2
