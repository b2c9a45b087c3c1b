"""A basin: its network, constituents, run settings and forcing, read from ``basin.toml``.

``BASIN`` on the command line is a folder holding ``basin.toml`` (or the file itself), or the name of a
shipped basin (``miyun``, ``guanting``) or example (``tiny``).  Reading parses and validates every table into
frozen values (:class:`Basin`; the tables' parsers are :mod:`hydro.basin_tables`, :mod:`hydro.watershed_tables`,
:mod:`hydro.transfer_tables` and :mod:`hydro.forcing_tables`), so every mistake in the file is an error here,
naming the file and the key; a run only reads CSV series onto its days (files and columns checked here).
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from hydro import resources
from hydro.basin_tables import InitialState, SeriesSpec, Withdrawal, gauge_series, initial_state
from hydro.config_hash import config_sha256
from hydro.constituents import CONSTITUENTS_NEEDED, name_clash
from hydro.drainage_checks import check_drainage
from hydro.errors import HydroError, suggest
from hydro.flood_season import check_start_storage
from hydro.forcing_tables import FlowForcing, flow_forcing
from hydro.frozen import frozen
from hydro.network import Network
from hydro.overrides import apply_overrides, in_user_paths
from hydro.run_settings import RunSettings, read_run_settings
from hydro.tomlio import Table
from hydro.transfer_tables import TransferSpec, check_parts_given, transfer_specs
from hydro.transport import Constituent
from hydro.watershed_tables import Watershed, check_parts, parse_watershed

if TYPE_CHECKING:
    from hydro.sources.quality_table import QualityTable

#: Folder holding the shipped ``basins/``, ``configs/`` and ``validation/``
#: (:func:`hydro.resources.data_root`): the repository root in a checkout or
#: editable install, ``hydro/_data`` in an installed wheel.  Kept for existing
#: callers; new code asks :mod:`hydro.resources`.
ROOT = resources.data_root()


def shipped_basins() -> dict[str, Path]:
    """Names of the shipped basins and examples, with their folders."""
    found: dict[str, Path] = {}
    for parent in (resources.basins_dir(), resources.examples_dir()):
        if parent.is_dir():
            for folder in sorted(parent.iterdir()):
                if (folder / "basin.toml").is_file():
                    found.setdefault(folder.name, folder)
    return found


def resolve_basin(spec: str | Path) -> Path:
    """The ``basin.toml`` path for a folder, a file or a shipped basin name."""
    path = Path(spec)
    if path.is_dir():
        path = path / "basin.toml"
        if not path.is_file():
            raise HydroError(f"{path.parent}: no basin.toml in this folder")
        return path
    if path.is_file():
        return path
    shipped = shipped_basins()
    if str(spec) in shipped:
        return shipped[str(spec)] / "basin.toml"
    raise HydroError(f"basin '{spec}' is neither a folder, a file nor a shipped basin"
                     + suggest(str(spec), shipped) + f"; shipped: {', '.join(shipped) or 'none'}")


@dataclass(frozen=True)
class Basin:
    """A basin file, read and validated.

    Attributes
    ----------
    name : str
        Basin name (``[basin] name``).
    path : Path
        The basin.toml file.
    network : Network
    constituents : tuple of Constituent
    settings : RunSettings
    forcing : FlowForcing or None
        The ``[forcing]`` of a flow-driven basin, parsed (:mod:`hydro.forcing_tables`);
        None for a watershed basin.
    initial : InitialState
        The ``[initial]`` concentrations of every transported part, parsed.
    subbasin_tables : list of Table
        The ``[[subbasins]]`` tables of a watershed basin (empty for a flow-driven one),
        as written; :attr:`watershed` holds them parsed.
    counties : mapping
        The optional ``[[counties]]`` registry: county id -> (name, province, area km2 or None).  When
        present, every subbasin's ``county`` must be one of them.
    withdrawal_tables : list of Table
        The ``[[withdrawals]]`` of a watershed basin (water taken out of reaches), as
        written; :attr:`withdrawals` holds them parsed.
    transfer_tables : list of Table
        The ``[[transfers]]`` of a watershed basin: inflows from outside, release,
        ecological and abstraction series (:mod:`hydro.transfers`).
    weather, runoff : Table
        The ``[weather]`` and ``[runoff]`` tables of a watershed basin.
    sha256 : str
        Hash of the file's bytes.
    output : mapping
        The optional ``[output]`` table: what ``hydro run`` writes (variables,
        locations, aggregation, precision; :class:`hydro.outputspec.OutputSpec`).
    quality : mapping
        The optional ``[quality]`` table: ``table``, the regional water-quality
        coefficient table (a Path, resolved from the basin file's folder), and
        ``point_grades``, plant name -> treatment grade (empty when not given).
        Empty when the basin has no ``[quality]`` table.
    watershed : Watershed or None
        Subbasins, weather station, runoff settings and sources of a watershed basin,
        parsed (:mod:`hydro.watershed_tables`); None for a flow-driven basin.
    withdrawals : tuple of Withdrawal
        The ``[[withdrawals]]``, parsed (:mod:`hydro.basin_tables`).
    gauge_series : tuple of SeriesSpec or None
        Each gauge's observed discharge series (None: no record).
    transfers : tuple of TransferSpec
        The ``[[transfers]]``, parsed, their files' headers checked (:mod:`hydro.transfer_tables`).
    quality_table : QualityTable or None
        The regional water-quality table ``[quality]`` names, read and checked at load
        (:func:`hydro.sources.quality.quality_table_of`); None without ``[quality]``.

    Every table is parsed and checked when the basin loads: errors name the file and
    the key; a run only reads series (CSV columns) onto its days.
    """

    name: str
    path: Path
    network: Network
    constituents: tuple[Constituent, ...]
    settings: RunSettings
    forcing: FlowForcing | None
    initial: InitialState
    subbasin_tables: Sequence
    counties: Mapping
    withdrawal_tables: Sequence
    weather: Table
    runoff: Table
    sha256: str
    transfer_tables: Sequence = field(default_factory=list)
    output: Mapping = field(default_factory=dict)
    quality: Mapping = field(default_factory=dict)
    watershed: Watershed | None = None
    withdrawals: tuple[Withdrawal, ...] = ()
    gauge_series: tuple[SeriesSpec | None, ...] = ()
    transfers: tuple[TransferSpec, ...] = ()
    quality_table: QualityTable | None = None
    #: The keys given over the file's (``--set``, ``--params``, ``Model.with_parameters``; set as it is made): a value
    #: given is the state of a later run's start even where it equals the file's (hydro.spin_up.given_for_start)
    given: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # read-only to the bottom, as the dataclass is (hydro.frozen): an edit in place changed every
        # later run of the model while its provenance named the file's values
        for name in ("subbasin_tables", "counties", "withdrawal_tables", "transfer_tables", "output", "quality",
                     "weather", "runoff"):
            object.__setattr__(self, name, frozen(getattr(self, name)))

    def __repr__(self) -> str:
        """A summary (the dataclass's repr listed every table: 120 kB for Miyun)."""
        net = self.network
        kind = f"{len(self.watershed.subbasins)} subbasins" if self.watershed else "flow-driven"
        counts = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in (
            (len(net.reaches), "reach", "reaches"), (len(net.reservoirs), "reservoir", "reservoirs"),
            (len(net.sections), "section", "sections")))
        period = f"{self.settings.start}..{self.settings.end}"
        return f"<hydro.Basin {self.name!r} ({self.path}): {counts}, {kind}; {period}>"

    @property
    def is_watershed(self) -> bool:
        """Whether the basin has subbasins (weather-driven) rather than given flows."""
        return bool(self.subbasin_tables)

    @property
    def folder(self) -> Path:
        """The folder holding the basin file (relative paths start here)."""
        return self.path.parent

    @classmethod
    def load(cls, spec: str | Path, overrides: list[str] | None = None) -> "Basin":
        """Read a basin from a folder, a file or a shipped name.

        Parameters
        ----------
        spec : str or Path
            Folder, basin.toml file or shipped basin name.
        overrides : list of str, optional
            ``key.path=value`` assignments applied before validation (``--set``).
        """
        from hydro.basin_tables import load_basin_file

        path = resolve_basin(spec)
        with _collector_paused():
            raw = apply_overrides(load_basin_file(path), list(overrides or []), path)
            try:
                basin = cls.from_data(raw, path, config_sha256(path.read_bytes(), raw, path.parent, overrides or []))
                object.__setattr__(basin, "given", frozenset(str(o).split("=", 1)[0].strip() for o in overrides or []))
                return basin
            except HydroError as exc:  # keys named by position: name them as --set does
                if not overrides:
                    raise
                raise in_user_paths(exc, raw) from None

    @classmethod
    def from_data(cls, raw: dict, path: Path, sha256: str) -> "Basin":
        """Validate parsed TOML (``raw``, as read from ``path``) into a basin.

        ``sha256`` identifies the configuration in the results' provenance.
        :class:`hydro.Model` uses this to change parameters in memory, without
        reading or writing any file.
        """
        root = Table(raw, path)
        info = root.table("basin")
        name = info.str("name")
        info.str("description", default="")
        info.finish()
        settings = read_run_settings(root.table("run"))
        counties = _counties(root)
        network = Network.from_tables(root, default_cell_length_m=1000.0 * settings.cell_length_km, counties=counties)
        settings = settings.for_network(len(network.reaches))  # [run] local_steps, dispersion_every "auto": by size
        constituents = tuple(Constituent.from_table(t) for t in root.tables("constituents", default=[]))
        if not constituents:  # what to write, not "add it to this table" (new-basin review, 2026-12-06)
            raise root.error("constituents", CONSTITUENTS_NEEDED)
        if clash := name_clash(constituents):
            raise root.error("constituents", clash)
        forcing = root.table("forcing", default=None)
        initial = root.table("initial", default=None)
        subbasins = root.tables("subbasins", default=[])
        withdrawals = root.tables("withdrawals", default=[])
        transfers = root.tables("transfers", default=[])
        if transfers and not subbasins:
            raise transfers[0].error("id", "[[transfers]] belong to watershed basins (with "
                                           "[[subbasins]]); in a flow-driven basin give the inflow "
                                           "in [[forcing.inflows]]")
        weather = root.table("weather", default=None)
        runoff = root.table("runoff", default=None)
        if subbasins and not weather.data:
            raise root.error("weather", "a basin with [[subbasins]] needs a [weather] table "
                                        "(csv, elevation_m, latitude_deg)")
        for unused in (t for t in (weather, runoff) if t.data and not subbasins):  # read by nothing
            raise unused.error(next(iter(unused.data)), "a flow-driven basin (no [[subbasins]]) takes its flows "
                               "from [forcing] and generates no runoff, so this key would change nothing; "
                               "remove it (or the --set / parameter path that made it)")
        output = root.table("output", default=None)
        if output.data:
            from hydro.outputspec import OutputSpec

            OutputSpec.from_table(dict(output.data), f"{path}: [output]")  # checked here, applied when writing
        quality = _quality(root, path)
        parts = [p.name for c in constituents for p in c.parts]
        if subbasins and forcing.data:
            raise forcing.error(next(iter(forcing.data)), "a watershed basin takes its flows and loads "
                                "from its subbasins; remove the [forcing] table")
        state = initial_state(initial, parts, network)
        parsed_forcing = None if subbasins else flow_forcing(forcing, parts, network, path.parent)
        watershed = (parse_watershed(path, network, subbasins, weather, runoff, counties)
                     if subbasins else None)
        from hydro.basin_tables import parse_withdrawals

        parsed_withdrawals = parse_withdrawals(withdrawals, network, path.parent)
        gauges = gauge_series(network, path, path.parent)
        parsed_transfers = transfer_specs(transfers, network, path.parent)
        check_parts_given(parsed_transfers, constituents)
        check_start_storage(path, settings.start, network.reservoirs)
        if watershed is not None:
            _check_routing(path, settings, network)
            check_drainage(path, network, watershed, parsed_withdrawals, parsed_transfers)
        root.finish()
        basin = cls(name=name, path=path, network=network, constituents=constituents,
                   settings=settings, forcing=parsed_forcing, initial=state, subbasin_tables=subbasins,
                   counties=counties, withdrawal_tables=withdrawals, weather=weather, runoff=runoff,
                   sha256=sha256, transfer_tables=transfers, output=dict(output.data), quality=quality,
                   watershed=watershed, withdrawals=parsed_withdrawals, gauge_series=gauges,
                   transfers=parsed_transfers)
        if watershed is not None:
            basin = replace(basin, quality_table=check_parts(basin))
        return basin


def _counties(root: Table) -> dict[str, tuple[str, str, float | None]]:
    """The optional ``[[counties]]`` registry: county id -> (name, province, area km2 or None)."""
    counties: dict[str, tuple[str, str, float | None]] = {}
    for t in root.tables("counties", default=[]):
        cid = t.str("id")
        if cid in counties:
            raise t.error("id", f"county '{cid}' is listed twice")
        counties[cid] = (t.str("name", cid), t.str("province"), t.float("area_km2", None, positive=True))
        t.str("source", "")
        t.finish()
    return counties


def _check_routing(path: Path, settings: RunSettings, network: Network) -> None:
    """``[run] routing`` of a watershed basin against what it needs: accumulation in
    flow-driven runs, a slope on every reach for Muskingum-Cunge."""
    if settings.routing != "muskingum-cunge":
        return
    if settings.flow_driven:
        raise HydroError(f"{path}: flow_driven runs route by accumulation (so gauge flows "
                         "match their records exactly); set [run] routing = \"accumulate\" or \"auto\"")
    missing = [r.id for r in network.reaches if r.slope_m_per_m is None]
    if missing:
        raise HydroError(f"{path}: Muskingum-Cunge routing needs 'slope_m_per_m' on every "
                         f"reach; missing on {', '.join(missing)}")


def _quality(root: Table, path: Path) -> dict:
    """The optional ``[quality]`` table: the regional coefficient table's path and the point grades.

    ``table`` is a path relative to the basin file's folder (``"../region/quality.toml"``)
    and must name an existing file; its contents are read by
    :func:`hydro.sources.quality.read_quality_table` when a run needs them.
    ``[quality.point_grades]`` maps plant names to treatment grades of that table.
    """
    if not root.has("quality"):
        return {}
    value = root.raw("quality")
    if not isinstance(value, dict):
        raise root.error("quality", f"expected a table [quality] with table = \"../region/quality.toml\", "
                                    f"got {value!r}")
    quality = root.table("quality")
    rel = quality.raw("table")
    if not isinstance(rel, str) or not rel.strip():
        raise quality.error("table", "expected the path of the regional water-quality table, relative to "
                                     f"this file's folder, e.g. \"../region/quality.toml\"; got {rel!r}")
    target = (path.parent / rel).resolve()
    if not target.is_file():
        raise quality.error("table", f"{'a folder' if target.is_dir() else 'no such file'}: {target} (relative to "
                                     f"{path.parent}); give the regional table's path, e.g. \"../region/quality.toml\"")
    grades: dict[str, str | dict[int, str]] = {}
    if quality.has("point_grades"):
        raw = quality.raw("point_grades")
        if not isinstance(raw, dict):
            raise quality.error("point_grades", "expected a table of plant name = \"grade\" (a grade of the "
                                                f"regional table, e.g. \"db11_890_b\"), got {raw!r}")
        grades = {plant: _grade_or_years(v, quality, f'point_grades."{plant}"') for plant, v in raw.items()}
    quality.finish()
    return {"table": target, "point_grades": grades}


def _grade_or_years(value: object, quality: Table, key: str) -> str | dict[int, str]:
    """A plant's grade of ``[quality.point_grades]``: a name, or {year: name} (each grade from its
    year on, the first also before it), its years checked as a table of years is
    (:func:`hydro.sources.yearly.as_series`: integers within the plausible years) and sorted."""
    from hydro.dates import PLAUSIBLE_YEARS

    if isinstance(value, str) and value:
        return value
    if not isinstance(value, dict) or not value:
        raise quality.error(key, "expected a grade of the regional table (\"db11_890_b\"), or a table of years "
                                 "{ 2000 = \"gb18918_1b\", 2013 = \"db11_890_b\" } (each from its year on), "
                                 f"got {value!r}")
    table = {}
    for year, grade in value.items():
        text = str(year).strip()
        if not (text.isdigit() and PLAUSIBLE_YEARS[0] <= int(text) <= PLAUSIBLE_YEARS[1]):
            raise quality.error(f"{key}.{year}", f"'{year}' is not a year within {PLAUSIBLE_YEARS[0]}.."
                                                 f"{PLAUSIBLE_YEARS[1]}; write four-digit years (2013, not 13)")
        if not isinstance(grade, str) or not grade:
            raise quality.error(f"{key}.{year}", f"expected a grade name such as \"gb18918_1b\", got {grade!r}")
        table[int(text)] = grade
    return dict(sorted(table.items()))


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while a basin is read, as it was after.

    Reading builds some 40 objects per reach that all stay alive (a 10,000-reach basin:
    4e5); the collector, run every 700 new objects, scanned them again and again (0.8 of
    2.1 s there) and found nothing to free.  Cycles made meanwhile are freed at its next run.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def parse_date(text: str, option: str) -> date:
    """A command-line date, with an error naming the option: ``YYYY-MM-DD`` only, as every date
    key of a TOML file (``Table.date``) takes it (``date.fromisoformat`` alone also took
    ``20150101`` and the ISO week ``2015-W01-4``)."""
    from hydro.dates import day_problem, iso_day

    try:
        return iso_day(text)
    except ValueError:
        wrong = day_problem(text) or f"expected a date YYYY-MM-DD, got '{text}'"
        raise HydroError(f"{option}: {wrong}") from None
