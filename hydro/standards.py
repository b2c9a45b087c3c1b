"""GB 3838-2002 surface-water quality classes for the parameters hydro handles.

This module owns the class limits of the Chinese *Environmental Quality Standards for
Surface Water* (GB 3838-2002, Table 1) for total nitrogen (TN), total phosphorus (TP),
ammonia nitrogen (NH3-N), the permanganate index (CODMn) and dissolved oxygen (DO),
and the function that puts a concentration into a class.

Classes are numbered 1 (Class I) to 5 (Class V); 6 means *worse than Class V*
(劣V类).  A value exactly at a limit belongs to the better class (``value <= limit``
for upper bounds).  DO is a lower bound ("at least"): a value exactly at a limit
belongs to the better class too (``value >= limit``).

Waterbody matters for two parameters:

* **TP** has one set of limits for rivers and a stricter one for lakes and reservoirs.
* **TN** is classed only for lakes and reservoirs.  GB 3838-2002 applies its TN limits
  to lakes and reservoirs (湖、库) and does not class rivers on TN; asking for the class
  of TN in a river is an error.  Reports that quote a "TN class" for a river apply the
  lake limits as a reference; do the same explicitly with ``waterbody="lake"``.

Parameter ids are lower case: ``tn``, ``tp``, ``nh3n``, ``codmn``, ``do``.
"""

from __future__ import annotations

import math

import numpy as np

from hydro.errors import HydroError, suggest

#: Parameter ids with GB 3838-2002 class limits.
PARAMETERS: tuple[str, ...] = ("tn", "tp", "nh3n", "codmn", "do")

#: Waterbody kinds: ``river``, or ``lake`` (lakes and reservoirs).
WATERBODIES: tuple[str, ...] = ("river", "lake")

#: Display names of classes 1..6.
CLASS_NAMES: tuple[str, ...] = ("I", "II", "III", "IV", "V", "worse than V")

#: Long names and units, for messages and tables.
PARAMETER_NAMES: dict[str, str] = {
    "tn": "total nitrogen (mg/L)",
    "tp": "total phosphorus (mg/L)",
    "nh3n": "ammonia nitrogen NH3-N (mg/L)",
    "codmn": "permanganate index CODMn (mg/L)",
    "do": "dissolved oxygen (mg/L, a lower bound)",
}

#: Short labels for tables and figures.
PARAMETER_LABELS: dict[str, str] = {"tn": "TN", "tp": "TP", "nh3n": "NH3-N", "codmn": "CODMn", "do": "DO"}

# Limits of Classes I..V in mg/L (GB 3838-2002 Table 1; shared/design/DOMAIN.md).
# The key's waterbody is None where rivers and lakes share one set of limits.
_LIMITS: dict[tuple[str, str | None], tuple[float, ...]] = {
    ("tn", "lake"): (0.2, 0.5, 1.0, 1.5, 2.0),
    ("tp", "river"): (0.02, 0.1, 0.2, 0.3, 0.4),
    ("tp", "lake"): (0.01, 0.025, 0.05, 0.1, 0.2),
    ("nh3n", None): (0.15, 0.5, 1.0, 1.5, 2.0),
    ("codmn", None): (2.0, 4.0, 6.0, 10.0, 15.0),
    ("do", None): (7.5, 6.0, 5.0, 3.0, 2.0),
}

#: Parameters whose limits are lower bounds (the value must be at least the limit).
LOWER_BOUND: frozenset[str] = frozenset({"do"})

_WATERBODY_ALIASES = {"river": "river", "lake": "lake", "reservoir": "lake"}


def normalise_waterbody(waterbody: str) -> str:
    """Return ``"river"`` or ``"lake"`` (``"reservoir"`` is taken as ``"lake"``).

    Raises
    ------
    HydroError
        For any other name.
    """
    key = str(waterbody).strip().lower()
    if key not in _WATERBODY_ALIASES:
        raise HydroError(
            f"unknown waterbody '{waterbody}'" + suggest(key, _WATERBODY_ALIASES)
            + "; expected 'river', or 'lake' (lakes and reservoirs)"
        )
    return _WATERBODY_ALIASES[key]


def class_limits(parameter: str, waterbody: str = "river") -> tuple[float, ...]:
    """The limits of Classes I..V for one parameter, in mg/L.

    Parameters
    ----------
    parameter : str
        ``tn``, ``tp``, ``nh3n``, ``codmn`` or ``do``.
    waterbody : str
        ``"river"`` or ``"lake"`` (lakes and reservoirs; ``"reservoir"`` is accepted).

    Returns
    -------
    tuple of 5 float
        Upper bounds (mg/L) of Classes I..V, or for DO the lower bounds.

    Raises
    ------
    HydroError
        For an unknown parameter or waterbody, and for TN in a river, which
        GB 3838-2002 does not class.
    """
    if parameter not in PARAMETERS:
        raise HydroError(
            f"no GB 3838-2002 class limits for parameter '{parameter}'" + suggest(parameter, PARAMETERS)
            + "; known parameters: " + ", ".join(PARAMETERS)
        )
    body = normalise_waterbody(waterbody)
    if (parameter, None) in _LIMITS:
        return _LIMITS[(parameter, None)]
    if (parameter, body) not in _LIMITS:
        raise HydroError(
            "GB 3838-2002 classes TN only in lakes and reservoirs, not in rivers; "
            "to compare a river's TN with the lake limits as a reference, use waterbody 'lake'"
        )
    return _LIMITS[(parameter, body)]


def target_ceiling(parameter: str) -> float:
    """The largest concentration (mg/L) a target or limit of ``parameter`` may take: ten times the largest
    GB 3838-2002 limit of it (Class V's; DO: Class I's lower bound), for lakes or rivers (TN 20, TP 4,
    NH3-N 20, CODMn 150, DO 75 mg/L).  A limit above is a unit slip (4100 for 4.10 mg/L, ug/L for mg/L),
    which an agreement's target paid out on and a scenario's target reported as met."""
    bodies = ("lake",) if parameter == "tn" else ("lake", "river")
    return 10.0 * max(max(class_limits(parameter, b)) for b in bodies)


def reported(values, decimals: int):
    """``values`` (mg/L, a float or an array; NaN stays NaN) as a monitoring report gives them: rounded to
    ``decimals`` places, half to even (GB/T 8170-2008's rule, on the decimal value written, so 0.105 is
    0.10 and 0.115 is 0.12)."""
    from decimal import ROUND_HALF_EVEN, Decimal

    step = Decimal(1).scaleb(-int(decimals))

    def one(v: float) -> float:
        return v if not math.isfinite(v) else float(Decimal(repr(float(v))).quantize(step, ROUND_HALF_EVEN))

    if np.ndim(values) == 0:
        return one(float(values))
    return np.array([one(float(v)) for v in np.ravel(values)]).reshape(np.shape(values))


#: Relative distance from a class limit within which a value is at the limit (:func:`water_class`): round-off of
#: a mean of values at the limit (a few 1e-16), far below any measured or modelled difference.
CLASS_LIMIT_RTOL = 1e-12


def water_class(parameter: str, value, waterbody: str = "river"):
    """The GB 3838-2002 class of a concentration: 1..5 for Classes I..V, 6 for worse than V.

    A value exactly at a limit belongs to the better class: for upper-bound parameters
    the class is the first whose limit satisfies ``value <= limit``; for DO (a lower
    bound) the first with ``value >= limit``.  A value within :data:`CLASS_LIMIT_RTOL` of a
    limit is at it: the mean of 31 days at 0.05 mg/L is 0.05 in decimal but may be a few
    units in the last place above it in binary, and GB 3838's "<=" must not turn on that
    (the limits have at most three significant digits, so nothing measured lies so close).

    Parameters
    ----------
    parameter : str
        ``tn``, ``tp``, ``nh3n``, ``codmn`` or ``do``.
    value : float or array_like
        Concentration(s) in mg/L; finite and not negative.
    waterbody : str
        ``"river"`` or ``"lake"`` (lakes and reservoirs).

    Returns
    -------
    int or numpy.ndarray of int
        The class, with the shape of ``value`` (a Python ``int`` for a scalar).

    Raises
    ------
    HydroError
        For an unknown parameter or waterbody, or TN in a river.
    ValueError
        For NaN, infinite or negative values.

    Examples
    --------
    >>> water_class("tp", 0.1)          # exactly the Class II limit for rivers
    2
    >>> water_class("tp", 0.1, "lake")  # the lake limit of Class IV
    4
    >>> water_class("do", 5.0)          # DO at least 5 mg/L is Class III
    3
    """
    limits = np.asarray(class_limits(parameter, waterbody), dtype=np.float64)
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"water_class('{parameter}'): values must be finite, got {value!r}")
    if np.any(arr < 0):
        raise ValueError(f"water_class('{parameter}'): concentrations cannot be negative, got {value!r}")
    if parameter in LOWER_BOUND:
        # Limits descend; the class is 1 + the number of limits strictly above the value.
        ascending = limits[::-1] * (1.0 - CLASS_LIMIT_RTOL)
        cls = 1 + limits.size - np.searchsorted(ascending, arr, side="right")
    else:
        # Limits ascend; the class is 1 + the number of limits strictly below the value.
        cls = 1 + np.searchsorted(limits * (1.0 + CLASS_LIMIT_RTOL), arr, side="left")
    cls = cls.astype(np.int64)
    return int(cls) if cls.ndim == 0 else cls


def class_name(cls: int) -> str:
    """``"I"`` .. ``"V"`` or ``"worse than V"`` for class 1..6."""
    if not 1 <= int(cls) <= 6:
        raise ValueError(f"class must be 1..6, got {cls}")
    return CLASS_NAMES[int(cls) - 1]


def parse_class(value) -> int:
    """A target class given as 1..5 or as a Roman numeral ``"I"`` .. ``"V"``.

    Raises
    ------
    HydroError
        For anything else (class 6, *worse than V*, is never a target).
    """
    romans = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
    if isinstance(value, str) and value.strip().upper() in romans:
        return romans[value.strip().upper()]
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return value
    raise HydroError(f"expected a class 1..5 or 'I'..'V', got {value!r}")
