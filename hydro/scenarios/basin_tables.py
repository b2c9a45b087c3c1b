"""A basin file's source parameters as yearly arrays, while a scenario is compiled.

This module owns what compiling reads from a basin file (:class:`BasinInfo`) and
the yearly arrays of the parameters that measures change
(:class:`YearlyParameters`), written back as ``--set``-style overrides with one
value per year (``subbasins.w1.sources.rural_domestic.connected_share={2015=0.1,...}``)
so that the source model's year interpolation reproduces them exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hydro.errors import HydroError
from hydro.sources.yearly import Origin, as_series


@dataclass
class BasinInfo:
    """What compiling needs from a basin file, read from its parsed TOML.

    Attributes
    ----------
    path : Path
    raw : dict
        The parsed file with ``overrides`` applied (not modified further).
    subbasins : list of dict
        The ``[[subbasins]]`` tables.
    overrides : tuple of str
        ``key.path=value`` assignments applied to the file before the measures (``--set``, a
        :class:`hydro.Model`'s changes): the measures' base values are those of the changed basin,
        and every run of the scenarios applies them first (:meth:`model`).
    """

    path: Path
    raw: dict
    subbasins: list = field(default_factory=list)
    overrides: tuple = ()

    @classmethod
    def load(cls, spec, overrides=()) -> BasinInfo:
        """Read the basin ``spec`` (a shipped name or a path) with ``overrides`` (``key.path=value``
        texts) applied; it must be a watershed basin."""
        import copy

        from hydro.basin import resolve_basin
        from hydro.basin_tables import load_basin_file
        from hydro.overrides import apply_overrides

        path = resolve_basin(spec)
        raw = load_basin_file(path)
        if overrides:
            raw = apply_overrides(copy.deepcopy(raw), list(overrides), path)
        subs = raw.get("subbasins", [])
        if not subs:
            raise HydroError(f"{path}: scenarios need a watershed basin ([[subbasins]] with sources)")
        return cls(path, raw, subs, tuple(overrides))

    def model(self, extra=()):
        """The :class:`hydro.Model` the scenarios change: the file with :attr:`overrides`, then ``extra``
        (a scenario's compiled measures; :func:`hydro.model.model_variant`)."""
        from hydro.model import model_variant

        return model_variant(self.path, list(self.overrides) + list(extra))

    @property
    def name(self) -> str:
        """The basin's ``[basin] name`` ("" where absent), as :attr:`hydro.basin.Basin.name`."""
        table = self.raw.get("basin")
        return str(table.get("name", "")) if isinstance(table, dict) else ""

    @property
    def ids(self) -> list[str]:
        """Subbasin ids, in file order."""
        return [s["id"] for s in self.subbasins]

    def attr(self, key: str) -> list[str]:
        """One attribute (``county``, ``province``, ...) of every subbasin ("" where absent)."""
        return [str(s.get(key, "")) for s in self.subbasins]

    @property
    def area_km2(self) -> np.ndarray:
        """Subbasin areas, km2."""
        return np.array([float(s["area_km2"]) for s in self.subbasins])

    @property
    def reservoir_ids(self) -> list[str]:
        """Reservoir ids, in file order."""
        return [r["id"] for r in self.raw.get("reservoirs", [])]

    def sources(self, i: int) -> dict:
        """The ``sources`` table of subbasin ``i`` (empty when it has none)."""
        return self.subbasins[i].get("sources", {})


class YearlyParameters:
    """Yearly arrays of the source parameters being changed, keyed by subbasin and path.

    Parameters
    ----------
    info : BasinInfo
    years : ndarray of int
        The years of every array.
    """

    def __init__(self, info: BasinInfo, years: np.ndarray):
        self.info = info
        self.years = years
        self.values: dict[tuple, np.ndarray] = {}
        self.read: dict[tuple, np.ndarray] = {}
        self.new_classes: dict[tuple[int, str], float] = {}

    def get(self, i: int, path: tuple, raw_value, default=None) -> np.ndarray:
        """The yearly values of ``sources.<path>`` of subbasin ``i``.

        The first call reads ``raw_value`` (the basin file's number or table of
        years; ``default`` when it is None); later calls return what measures set.
        """
        key = (i,) + path
        if key not in self.values:
            if raw_value is None:
                if default is None:
                    raise KeyError(path)
                raw_value = default
            origin = Origin(str(self.info.path), self.info.ids[i], ".".join(("sources",) + path))
            self.values[key] = as_series(raw_value, origin, path[-1]).at(self.years)
            self.read[key] = self.values[key]
        return self.values[key]

    def set(self, i: int, path: tuple, value: np.ndarray) -> None:
        """Replace the yearly values of ``sources.<path>`` of subbasin ``i``."""
        self.values[(i,) + path] = np.asarray(value, dtype=float)

    def table(self, arr) -> str:
        """One value per year as a TOML inline table of years (exact: ``repr`` of each float)."""
        return "{" + ",".join(f"{int(y)}={float(v)!r}" for y, v in zip(self.years, arr, strict=True)) + "}"

    def changed(self) -> dict[tuple, np.ndarray]:
        """Every parameter the measures changed, ``(subbasin index, *path)`` -> its yearly values
        without them (0 for the share of a land-use class a measure adds)."""
        out = {}
        for key, arr in self.values.items():
            before = self.read.get(key)
            if before is None and key[1] == "land_use" and (key[0], key[2]) in self.new_classes:
                before = np.zeros(len(self.years))
            if before is not None and not np.array_equal(before, arr):
                out[key] = before
        return out

    def before_measures(self) -> list[str]:
        """``subbasins.<id>.sources.timing.before_measures={...}`` for each subbasin whose yearly
        rates are blended and whose parameters the measures changed: the values without the
        measures, so that the source model blends the inventory as the baseline does and applies
        the measures as steps on 1 January (``docs/scenarios.md``, "When a measure acts")."""
        per_sub: dict[int, list[str]] = {}
        for (i, *path), before in self.changed().items():
            timing = self.info.sources(i).get("timing")
            if isinstance(timing, dict) and timing.get("years", "blended") == "blended":
                per_sub.setdefault(i, []).append(f"{json.dumps('.'.join(path))}={self.table(before)}")
        return [f"subbasins.{self.info.ids[i]}.sources.timing.before_measures={{{','.join(items)}}}"
                for i, items in per_sub.items()]

    def overrides(self) -> list[str]:
        """``key.path={year=value,...}`` assignments for every parameter changed (new classes first)."""
        out = []
        table = self.table

        for (i, cls), emc in self.new_classes.items():
            share = self.values[(i, "land_use", cls, "share")]
            sid = self.info.ids[i]
            out.append(f"subbasins.{sid}.sources.land_use.{cls}={{share={table(share)},"
                       f"emc_mg_per_l={float(emc)!r}}}")
        for key, arr in self.values.items():
            i, path = key[0], key[1:]
            if path[0] == "land_use" and (i, path[1]) in self.new_classes and path[2] == "share":
                continue
            if key in self.read and np.array_equal(self.read[key], arr):
                continue  # read but unchanged
            out.append(f"subbasins.{self.info.ids[i]}.sources.{'.'.join(path)}={table(arr)}")
        return out


__all__ = ["BasinInfo", "YearlyParameters"]
