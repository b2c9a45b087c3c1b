"""``[[transfers]]`` tables parsed when the basin loads (:mod:`hydro.transfers` reads their series).

Each table becomes a frozen :class:`TransferSpec`: its id, kind, where the water enters
or leaves, its series file (checked at load: it exists, and its header has ``date``,
exactly one of :data:`VALUE_COLUMNS` and, for inflows only, known ``<x>_mg_per_l``
columns), the concentrations given as keys, ``max_share`` and its reference.  Every
error in the table itself is raised by :meth:`hydro.basin.Basin.load`; the series'
rows (dates, values, concentrations that do not add up) are read and checked on the
days of a run (:func:`hydro.transfers.read_transfer_series`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hydro.basin_tables import csv_header
from hydro.errors import HydroError, suggest
from hydro.tomlio import Table
from hydro.units import water_max_mg_l
from hydro.weather_csv import separator_hint, unit_hint

KINDS = ("inflow", "release", "ecological", "abstraction")
VALUE_COLUMNS = ("flow_m3_s", "volume_mcm")
#: Names ``x`` a transferred water's ``<x>_mg_per_l`` may give: TN, organic N, NH3-N, NO3-N,
#: TP, dissolved P, particulate P, CODMn (the constituent and species names of issue 14).
SPECIES = ("tn", "orgn", "nh3n", "no3n", "dp", "pp", "tp", "codmn")
#: Totals and their parts: given together, the parts add up to the total.
PARTS = {"tn": ("orgn", "nh3n", "no3n"), "tp": ("dp", "pp")}
#: How far given parts may be from their total, mg L-1 (values are given to 3 decimals).
PARTS_TOLERANCE_MG_PER_L = 0.001
CONCENTRATION_SUFFIX = "_mg_per_l"


@dataclass(frozen=True)
class TransferSpec:
    """One ``[[transfers]]`` table, parsed (see :mod:`hydro.transfers` for the keys).

    Attributes
    ----------
    id, name, kind : str
    reservoir, reach : int or None
        Index of the reservoir or reach the water enters or leaves (exactly one set).
    place : str
        The id of that reservoir or reach.
    csv : Path
        The series file (resolved from the basin folder); ``csv_name`` as written.
    columns : tuple of str
        The file's header.
    constants : dict of str to float
        Concentrations given as keys (inflows), mg L-1, by species name.
    keys : tuple of str
        The ``<x>_mg_per_l`` keys of the table (for messages).
    max_share : float
        Largest share of a reach's water an abstraction takes.
    origin, reference : str
    table : Table
        The table as written (for located errors found while reading the series).
    """

    id: str
    name: str
    kind: str
    reservoir: int | None
    reach: int | None
    place: str
    csv: Path
    csv_name: str
    columns: tuple[str, ...]
    max_share: float
    origin: str = ""
    reference: str = ""
    constants: dict = field(default_factory=dict)
    keys: tuple[str, ...] = ()
    table: Table | None = None

    @property
    def file_species(self) -> tuple[str, ...]:
        """Species the series file gives as ``<x>_mg_per_l`` columns."""
        return tuple(h[:-len(CONCENTRATION_SUFFIX)] for h in self.columns if h.endswith(CONCENTRATION_SUFFIX))


def check_series_header(path: Path, header: list[str], line: int, *, allow_tn: bool) -> None:
    """A transfer series' header: ``date``, one value column, known concentration columns."""
    if "date" not in header:
        raise HydroError(f"{path}, line {line}: expected a header line with a 'date' column and one of "
                         f"{' or '.join(VALUE_COLUMNS)} (e.g. 'date,flow_m3_s,tn_mg_per_l'), got "
                         f"'{','.join(header)}'{separator_hint(header)}")
    known = ("date", *VALUE_COLUMNS, *(x + CONCENTRATION_SUFFIX for x in SPECIES))
    for h in header:
        if h.endswith(CONCENTRATION_SUFFIX) and h not in known:
            raise HydroError(f"{path}, line {line}: column '{h}': unknown species "
                             f"'{h[:-len(CONCENTRATION_SUFFIX)]}'" + suggest(h, known)
                             + f"; concentration columns are <x>_mg_per_l with x one of {', '.join(SPECIES)}")
        if h not in known:
            hint = (separator_hint(header) or unit_hint(h, {"flow_m3_s": "m3/s", "volume_mcm": "10^6 m3"})
                    or suggest(h, known))
            raise HydroError(f"{path}, line {line}: unknown column '{h}'" + hint
                             + f"; the columns are date, one of {', '.join(VALUE_COLUMNS)}"
                             + (", and optionally <x>_mg_per_l concentrations (x one of "
                                + ", ".join(SPECIES) + ")" if allow_tn else ""))
    if len(set(header)) != len(header):
        raise HydroError(f"{path}, line {line}: a column is named twice: {', '.join(header)}")
    values = [c for c in VALUE_COLUMNS if c in header]
    if len(values) != 1:
        raise HydroError(f"{path}, line {line}: give exactly one of the columns "
                         f"{' or '.join(VALUE_COLUMNS)} (mean flow or volume over the row's day "
                         f"or month); the header has {', '.join(header)}")
    conc_cols = [h for h in header if h.endswith(CONCENTRATION_SUFFIX)]
    if conc_cols and not allow_tn:
        raise HydroError(f"{path}, line {line}: column '{conc_cols[0]}' is only for inflows "
                         "(water leaving takes the concentration it has); remove the column")


def parts_problem(conc: dict[str, float]) -> str:
    """What is wrong with given totals and parts ("" when nothing): parts above their total,
    or all parts given and not adding up to it (see :mod:`hydro.transfers`)."""
    for total, parts in PARTS.items():
        given = [x for x in parts if x in conc]
        if total not in conc or not given:
            continue
        added = sum(conc[x] for x in given)
        tol = max(PARTS_TOLERANCE_MG_PER_L, 1e-3 * conc[total])
        names = " + ".join(f"{x}_mg_per_l" for x in given)
        if added > conc[total] + tol:
            return (f"{names} = {added:g} mg/L exceeds {total}_mg_per_l = {conc[total]:g}; the parts of "
                    f"{total.upper()} cannot exceed it")
        if len(given) == len(parts) and abs(added - conc[total]) > tol:
            return (f"{names} = {added:g} mg/L does not add up to {total}_mg_per_l = {conc[total]:g}; "
                    f"give parts that sum to the total (or leave one part out)")
    return ""


def _place(t: Table, kind: str, network) -> tuple[int | None, int | None, str]:
    """Reservoir index, reach index and id of where a transfer's water enters or leaves."""
    reach_id, res_id = t.str("reach", None), t.str("reservoir", None)
    if (reach_id is None) == (res_id is None):
        raise t.error("reservoir", "give exactly one of 'reservoir' or 'reach' (where the water "
                                   "enters or leaves)")
    if reach_id is not None:
        r = network.reach_index(reach_id, f"{t.file}: {t.path('reach')}")
        if kind in ("release", "ecological"):
            raise t.error("kind", f"a '{kind}' is a reservoir's; for reach '{reach_id}' use "
                                  "'inflow' or 'abstraction'")
        return None, r, reach_id
    s = network.reservoir_index(res_id, f"{t.file}: {t.path('reservoir')}")
    if kind == "abstraction" and network.layout.res_down_kind[s] != 0:
        raise t.error("kind", f"reservoir '{res_id}' flows on into "
                              f"'{network.reservoirs[s].downstream}', and water abstracted from it "
                              "would still be carried downstream by the transport; give the "
                              "abstraction on that reach (reach = ...), or as a 'release' "
                              "series if it goes downstream")
    return s, None, str(res_id)


def _concentrations(t: Table, kind: str, csv_name: str, in_file: tuple[str, ...]) -> dict[str, float]:
    """The ``<x>_mg_per_l`` keys of a transfer (inflows only), checked against its file's columns."""
    keys = [k for k in t.data if isinstance(k, str) and k.endswith(CONCENTRATION_SUFFIX)]
    for k in keys:
        if k[:-len(CONCENTRATION_SUFFIX)] not in SPECIES:
            raise t.error(k, f"unknown species '{k[:-len(CONCENTRATION_SUFFIX)]}'"
                          + suggest(k, [x + CONCENTRATION_SUFFIX for x in SPECIES])
                          + f"; give <x>_mg_per_l with x one of {', '.join(SPECIES)}")
    if kind != "inflow":
        if keys:
            raise t.error(keys[0], f"a '{kind}' takes water at the concentration it has; "
                                   f"remove {', '.join(keys)}")
        return {}
    constants: dict[str, float] = {}
    for k in keys:
        x = k[:-len(CONCENTRATION_SUFFIX)]
        if x in in_file:
            raise t.error(k, f"{csv_name} has a {k} column; give the {x.upper()} in "
                             "one place only (remove the key or the column)")
        constants[x] = t.float(k, minimum=0.0, maximum=water_max_mg_l(x),
                               why="more than a river's water holds; ug/L given as mg/L?")
    problem = parts_problem(constants)
    if problem:
        raise t.error(keys[0], problem)
    if "tn" not in constants and "tn" not in in_file:
        raise t.error("tn_mg_per_l", "an inflow brings nitrogen with its water: give "
                                     "tn_mg_per_l (mg/L, cited or marked ESTIMATE) here or "
                                     "as a column of the file")
    return constants


def transfer_spec(t: Table, network, folder: Path) -> TransferSpec:
    """Parse one ``[[transfers]]`` table, with its series file's header."""
    tid = t.str("id")
    kind = t.str("kind")
    if kind not in KINDS:
        raise t.error("kind", f"unknown kind '{kind}'" + suggest(kind, KINDS)
                      + f"; expected one of {', '.join(KINDS)}")
    s, r, place = _place(t, kind, network)
    csv_name = t.str("csv")
    path = folder / csv_name
    if not path.exists():
        raise HydroError(f"{path}: file not found; check the 'csv' path of the [[transfers]] table "
                         f"'{tid}' in {t.file} (relative to the basin folder)")
    header, line = csv_header(path, "the 'csv' path of the [[transfers]] table")
    check_series_header(path, header, line, allow_tn=kind == "inflow")
    in_file = tuple(h[:-len(CONCENTRATION_SUFFIX)] for h in header if h.endswith(CONCENTRATION_SUFFIX))
    origin = t.str("origin", "")
    constants = _concentrations(t, kind, csv_name, in_file)
    if t.has("max_share") and not (kind == "abstraction" and r is not None):
        raise t.error("max_share", "max_share caps an abstraction from a reach; remove it")
    share = t.float("max_share", 0.9, minimum=0.0, maximum=1.0)
    spec = TransferSpec(id=tid, name=t.str("name", tid), kind=kind, reservoir=s, reach=r, place=place,
                        csv=path, csv_name=csv_name, columns=tuple(header), max_share=share, origin=origin,
                        reference=t.str("reference", ""), constants=constants,
                        keys=tuple(k for k in t.data if isinstance(k, str) and k.endswith(CONCENTRATION_SUFFIX)),
                        table=t)
    t.str("note", "")
    t.finish()
    return spec


def check_parts_given(specs: tuple[TransferSpec, ...], constituents) -> None:
    """Refuse an inflow that gives a constituent's total where the basin simulates its parts
    (``tp`` where TP is ``dp`` and ``pp``) without giving every part: the transport carries the
    parts only, so a part not given would bring none of its mass, without a word.

    Raises
    ------
    HydroError
        Naming the transfer's key, the parts to give and that they add up to the total.
    """
    for spec in specs:
        if spec.kind != "inflow" or spec.table is None:
            continue
        given = set(spec.constants) | set(spec.file_species)
        for c in constituents:
            parts = [p.name for p in c.parts]
            missing = [p for p in parts if p not in given]
            if c.name in given and parts != [c.name] and missing:
                key = f"{c.name}{CONCENTRATION_SUFFIX}"
                raise spec.table.error(key if c.name in spec.constants else "csv", (
                    f"the basin simulates {c.name.upper()} as {', '.join(parts)}, so the transport carries "
                    f"only those: {', '.join(m + CONCENTRATION_SUFFIX for m in missing)} not given would "
                    f"bring none of this water's {c.name.upper()}; give "
                    + " and ".join(p + CONCENTRATION_SUFFIX for p in parts)
                    + f" (adding up to {key}; mark a split that is not published as an ESTIMATE), as a key or a "
                    "column of the file"))


def transfer_specs(tables: list[Table], network, folder: Path) -> tuple[TransferSpec, ...]:
    """Every ``[[transfers]]`` table, parsed; ids must be unique."""
    out: list[TransferSpec] = []
    for t in tables:
        tid = t.raw("id", None)
        if isinstance(tid, str) and any(x.id == tid for x in out):
            raise t.error("id", f"transfer '{tid}' is listed twice; give each [[transfers]] table "
                                "its own id")
        out.append(transfer_spec(t, network, folder))
    return tuple(out)
