"""Basin-file tables parsed when the basin loads: series, initial state, withdrawals, gauges.

:meth:`hydro.basin.Basin.from_data` turns each table into a frozen value here, so that a
typo in any of them is an error at load, naming the file, the key and what was expected;
a run only reads series onto its days.

A *series* (:class:`SeriesSpec`) is a number (constant over the run) or
``{csv = "file.csv", column = "name", scale = 1}``: at load the number is range-checked,
and the CSV's existence, its ``date`` column and the named column are checked from its
header; the values are read onto the run's days by :meth:`SeriesSpec.read` (with
:class:`hydro.series.SeriesReader`, which checks the dates and values).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.frozen import frozen
from hydro.textfile import read_text
from hydro.tomlio import Table, load_toml, toml_kind
from hydro.units import MAX_FLOW_M3_S, water_max_mg_l


def load_basin_file(path: Path) -> dict[str, Any]:
    """The parsed basin file ``path``, or an error saying that it is not one: a file that is
    not TOML (a results file or a CSV given as BASIN), or TOML with none of a basin's tables."""
    what = ("BASIN is a folder holding basin.toml, a basin file or a shipped basin's name "
            "(`hydro info basins` lists them; docs/basin-file.md)")
    raw = load_toml(path, expect="basin file", hint=what)  # refuses files of other kinds and not TOML
    if toml_kind(raw) != "basin file":  # TOML of no known kind
        tables = f" (its tables: {', '.join(raw)})" if raw else " (the file is empty)"
        raise HydroError(f"{path}: not a basin file: it has no 'basin' table and no [[reaches]]{tables}; {what}")
    return raw


def csv_header(path: Path, what: str) -> tuple[list[str], int]:
    """The header of a CSV file (the first line that is neither blank nor a ``#`` comment).

    Returns the column names (stripped) and the header's 1-based line number.  ``what``
    says which key named the file, for the error when it does not exist.
    """
    if not Path(path).is_file():
        found = "is a folder, not a CSV file" if Path(path).is_dir() else "file not found"
        raise HydroError(f"{path}: {found}; check {what} (relative to the basin folder)")
    for n, line in enumerate(read_text(path, "CSV").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            return [h.strip() for h in next(csv.reader([line]))], n
    raise HydroError(f"{path}: no header line; expected a header line with a 'date' column")


@dataclass(frozen=True)
class SeriesSpec:
    """A daily input series as given in a basin file: a constant or a CSV column.

    Attributes
    ----------
    key : str
        The key holding it (for messages).
    value : object
        The value as written: a number, or the ``{csv, column, scale}`` table.
    file : Path
        The basin file.
    where : str
        The path of the table holding ``key`` inside the file.
    csv : Path or None
        The CSV file (resolved from the basin folder), None for a constant.
    minimum, maximum : float or None
        Smallest and largest value allowed (a constant is checked at load, a CSV column when read).
    """

    key: str
    value: Any
    file: Path
    where: str
    csv: Path | None = None
    minimum: float | None = None
    maximum: float | None = None

    @property
    def constant(self) -> float | None:
        """The value when it is a number, else None."""
        return None if self.csv is not None else float(self.value)

    def read(self, reader) -> np.ndarray:
        """The series on the reader's days (:class:`hydro.series.SeriesReader`)."""
        return reader.read(Table({self.key: self.value}, self.file, self.where), self.key,
                           minimum=self.minimum, maximum=self.maximum)


def series_spec(t: Table, key: str, folder: Path, *, minimum: float | None = None,
                default: float | None = None, maximum: float | None = None, why: str = "",
                constant_maximum: float | None = None) -> SeriesSpec:
    """Parse ``t[key]`` as a series; absent is ``default`` (absent without default: an error); a constant
    is bounded by ``constant_maximum`` where given (it holds on every day), else by ``maximum``; ``why``:
    what a constant above its bound most likely is."""
    if default is not None and not t.has(key):
        return SeriesSpec(key, float(default), t.file, t.where)
    value = t.raw(key)
    if not isinstance(value, dict):
        most = maximum if constant_maximum is None else constant_maximum
        t.float(key, minimum=minimum, maximum=most, why=why)
        return SeriesSpec(key, value, t.file, t.where, minimum=minimum, maximum=most)
    sub = t.table(key)
    path = folder / sub.str("csv")
    column = sub.str("column")
    sub.float("scale", default=1.0)
    sub.finish()
    header, _ = csv_header(path, f"the 'csv' path of key '{sub.where}'")
    if "date" not in header:
        from hydro.weather_csv import separator_hint

        raise HydroError(f"{path}: expected a header line with a 'date' column (lower case), got "
                         f"'{','.join(header)}'" + (separator_hint(header) or "; name the column of the days "
                                                    f"'date' (key '{sub.where}' of {t.file})"))
    columns = [h for h in header if h != "date"]
    if column not in columns:
        raise HydroError(f"{path}: no column '{column}'" + suggest(column, columns)
                         + f"; columns are: {', '.join(columns)} (key '{sub.where}' of {t.file})")
    return SeriesSpec(key, value, t.file, t.where, path, minimum, maximum)


@dataclass(frozen=True)
class InitialState:
    """Initial concentrations (``[initial]``), mg L-1, of every transported part.

    Attributes
    ----------
    river : dict of str to float
        ``<name>_mg_per_l`` in every reach (0 where not given), by part name.
    reservoirs : dict of str to dict of str to float
        ``[initial.reservoirs.<id>]``: reservoir id -> part name -> value (only the
        reservoirs given; the others take ``river``).
    """

    river: Mapping = field(default_factory=dict)
    reservoirs: Mapping = field(default_factory=dict)

    def __post_init__(self):
        # read-only, as the frozen model is: an assignment to a plain dict changed every later run
        # while its provenance still named the file's values (researcher's review, 2026-12-05)
        object.__setattr__(self, "river", frozen(dict(self.river)))
        object.__setattr__(self, "reservoirs", frozen({k: dict(v) for k, v in self.reservoirs.items()}))

    def values(self, names: list[str], reservoir_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Rivers (P,) and reservoirs (S, P) for the parts ``names``, in mg L-1."""
        river = np.array([self.river.get(n, 0.0) for n in names], dtype=float)
        res = np.tile(river, (len(reservoir_ids), 1))
        for i, rid in enumerate(reservoir_ids):
            given = self.reservoirs.get(rid, {})
            res[i] = [given.get(n, river[k]) for k, n in enumerate(names)]
        return river, res


#: What an ``[initial]`` concentration above its bound (:func:`hydro.units.water_max_mg_l`: what a river's or
#: lake's water holds) most likely is.  There was no upper bound: ug/L given as mg/L (1,200) started a lake at
#: 1,200 mg/L, its first year's mean 248 mg/L, exit 0.
INITIAL_WHY = "more than any river or lake holds; ug/L given as mg/L?"


def initial_state(init: Table, names: list[str], network) -> InitialState:
    """Parse ``[initial]`` for the parts ``names`` (unknown keys and reservoirs are errors)."""
    river = {n: init.float(f"{n}_mg_per_l", 0.0, minimum=0.0, maximum=water_max_mg_l(n), why=INITIAL_WHY)
             for n in names}
    per_res = init.table("reservoirs", None)
    reservoirs = {}
    for rid in list(per_res.data):
        t = per_res.table(rid)
        network.reservoir_index(rid, f"{init.file}: {per_res.path(rid)}")
        reservoirs[rid] = {n: t.float(f"{n}_mg_per_l", river[n], minimum=0.0, maximum=water_max_mg_l(n),
                                      why=INITIAL_WHY) for n in names}
        t.finish()
    per_res.finish()
    init.finish()
    return InitialState(river=river, reservoirs=reservoirs)


@dataclass(frozen=True)
class Withdrawal:
    """One ``[[withdrawals]]`` table (see :func:`hydro.withdrawal_requests.withdrawal_requests`).

    Attributes
    ----------
    id, reach : str
    reach_index : int
    loss_share : float or None
        Share of the reach's water lost every day (transmission losses), or None.
    monthly : tuple of 12 float or None
        A requested flow by calendar month, m3 s-1.
    flow : SeriesSpec or None
        A requested flow as a constant or CSV column, m3 s-1.
    max_share : float
        Most of the reach's water a requested flow may take.
    """

    id: str
    reach: str
    reach_index: int
    loss_share: float | None
    monthly: tuple[float, ...] | None
    flow: SeriesSpec | None
    max_share: float


#: The keys of a ``[[withdrawals]]`` table (docs/basin-file.md).
WITHDRAWAL_KEYS = ("id", "reach", "flow_m3_s", "loss_share", "max_share", "reference", "note")


def parse_withdrawals(tables: list[Table], network, folder: Path) -> tuple[Withdrawal, ...]:
    """Parse the ``[[withdrawals]]`` tables; each needs its own id (``--set withdrawals.<id>...``)."""
    out: list[Withdrawal] = []
    for t in tables:
        w = withdrawal(t, network, folder)
        if any(o.id == w.id for o in out):
            raise t.error("id", f"withdrawal '{w.id}' is listed twice; give each [[withdrawals]] table its own id")
        out.append(w)
    return tuple(out)


def withdrawal(t: Table, network, folder: Path) -> Withdrawal:
    """Parse one ``[[withdrawals]]`` table."""
    # unknown keys first: 'flow_m3s = 0.1' is flow_m3_s misspelt (did you mean ...?), not a table that gives
    # neither flow_m3_s nor loss_share (watershed fuzzing review, 2026-12-05)
    t.mark(WITHDRAWAL_KEYS)
    t.finish()
    wid = t.str("id")
    reach = t.str("reach")
    r = network.reach_index(reach, f"{t.file}: {t.path('reach')}")
    if t.has("loss_share") == t.has("flow_m3_s"):
        raise t.error("flow_m3_s", "give either flow_m3_s (a requested flow, m3/s) or loss_share "
                      "(a share of the reach's water lost every day, 0-1), not both or neither")
    loss = monthly = flow = None
    share = 1.0
    if t.has("loss_share"):
        if t.has("max_share"):
            raise t.error("max_share", "max_share caps a requested flow_m3_s; with loss_share, remove it")
        loss = t.float("loss_share", minimum=0.0, maximum=1.0)
        if loss == 1.0:  # every day's water: the reach would run dry, which the transport cannot carry
            raise t.error("loss_share", "1 would take all the water reaching and forming in the reach every "
                                        "day and leave it dry; give the share it loses (below 1, e.g. 0.3)")
        share = loss
    else:
        if isinstance(t.raw("flow_m3_s"), list):
            monthly = tuple(t.floats("flow_m3_s", length=12, minimum=0.0, maximum=MAX_FLOW_M3_S))
        else:
            flow = series_spec(t, "flow_m3_s", folder, minimum=0.0, maximum=MAX_FLOW_M3_S)
        share = t.float("max_share", 0.9, minimum=0.0, maximum=1.0)
    t.str("reference", "")
    t.str("note", "")
    t.finish()
    return Withdrawal(id=wid, reach=reach, reach_index=r, loss_share=loss, monthly=monthly, flow=flow,
                      max_share=share)


def gauge_series(network, path: Path, folder: Path) -> tuple[SeriesSpec | None, ...]:
    """Each gauge's ``observed_discharge_m3_s`` (None where the gauge has no record)."""
    out: list[SeriesSpec | None] = []
    for k, g in enumerate(network.gauges):
        if g.observed is None:
            out.append(None)
            continue
        table = Table({"observed_discharge_m3_s": g.observed}, path, f"gauges[{k}]")
        out.append(series_spec(table, "observed_discharge_m3_s", folder, minimum=0.0))
    return tuple(out)


def basin_files(path: str | Path) -> list[Path]:
    """The basin file ``path`` and every existing file a value in it names (series CSVs,
    transfer tables, gridded forcing, ...), relative to its folder: the files a command that
    reads the basin reads, which none of its outputs may replace (:func:`hydro.outputs.check_output`).
    A file that cannot be read as a basin file gives itself only."""
    from hydro.config_hash import referenced_files

    path = Path(path)
    try:
        data: Any = load_basin_file(path)
    except HydroError:
        return [path]
    return [path, *referenced_files(data, path.parent)]
