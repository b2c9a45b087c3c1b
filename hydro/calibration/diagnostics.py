"""What a calibration run reports about itself beyond its best loss (methodology review s44).

This module owns the checks and records that say how far a run's numbers can be trusted:

* :func:`library_versions`: NumPy, SciPy and SALib of the run (``run.json``, ``summary.json``).
  DE and the GLUE sample draw from ``numpy.random.Generator(seed)`` through SciPy's ``rng=``
  (SciPy >= 1.15), so a seed's result is tied to these versions.
"""

from __future__ import annotations

from importlib import metadata

#: Distributions whose versions a run records (a missing one is recorded as None).
RECORDED_LIBRARIES = ("numpy", "scipy", "SALib")


def library_versions() -> dict[str, str | None]:
    """``{name: version}`` of :data:`RECORDED_LIBRARIES` (None when not installed).

    Returns
    -------
    dict of str -> str or None
        The versions the search ran with: DE's and GLUE's draws for a given ``seed`` depend on
        NumPy's generator and SciPy's algorithms, so the same seed may give another result on
        other versions.
    """
    out: dict[str, str | None] = {}
    for name in RECORDED_LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


__all__ = ["RECORDED_LIBRARIES", "library_versions"]
