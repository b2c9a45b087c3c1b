"""The ids of a results file's monitoring points (sections, reservoirs), and what to say of a
first argument that is no series (a basin, a catchment file), for :mod:`hydro.monitoring`."""

from __future__ import annotations

from pathlib import Path

from hydro.errors import HydroError


def read_sections(path, ds) -> list[str]:
    """The section ids of results file ``path`` (open as ``ds``); a catchment run's results,
    which have none, are said to be what they are."""
    if "section" not in ds.variables and "catchment_file" in ds.ncattrs():
        raise HydroError(
            f"{path}: these are the results of a catchment run ({ds.getncattr('catchment_file')}): a catchment "
            "model simulates the flow at its gauge, without monitoring sections, reservoirs or nitrogen, so an "
            "agreement has nothing to evaluate there; give the results of a basin run with [[sections]] (e.g. "
            "`hydro run miyun -o miyun.nc`), or a monitoring CSV of the sections (docs/agreements.md)")
    if "section" not in ds.variables:
        raise HydroError(f"{path}: coordinate variable 'section' (string ids) is missing; give the results as "
                         "`hydro run` writes them (a run of a basin with [[sections]], keeping their variables)")
    return read_ids(path, ds, "section")


def read_ids(path, ds, dim: str) -> list[str]:
    """The string ids of coordinate ``dim`` (sections, reservoirs)."""
    from hydro.netcdf_read import text_values

    ids = text_values(ds.variables[dim])
    if len(set(ids)) != len(ids):
        raise HydroError(f"{path}: coordinate '{dim}' repeats an id: {ids}")
    return ids


def not_a_series(path: Path) -> HydroError:
    """The error for ``path`` of a suffix that is neither ``.csv`` nor netCDF: a basin (folder, file
    or shipped name) or a catchment file is named as such, with the command that makes a series."""
    from hydro.basin import shipped_basins

    kind = None
    if path.is_dir():
        kind = "a basin folder" if (path / "basin.toml").is_file() else None
    elif path.suffix.lower() == ".toml" and path.is_file():
        from hydro.tomlio import load_toml, toml_kind

        try:
            found = toml_kind(load_toml(path)) or ""
        except HydroError:
            found = ""
        kind = {"basin file": "a basin file", "catchment file": "a catchment file"}.get(found)
        if found == "agreement":  # the arguments swapped: AGREEMENT first
            return HydroError(f"{path}: is an agreement, given where the series goes; the series (a monitoring "
                              "CSV or a hydro results file) comes first: hydro compensate SERIES AGREEMENT.toml")
    elif not path.exists() and str(path) in shipped_basins():
        kind = "a shipped basin's name"
    expected = "expected a monitoring CSV (.csv) or a hydro results file (.nc)"
    if kind is None:
        return HydroError(f"{path}: unknown kind of file '{path.suffix.lower()}'; {expected}")
    if kind == "a catchment file":
        what = ("a catchment model simulates the flow at its gauge, without monitoring sections, reservoirs or "
                "nitrogen, so an agreement has nothing to evaluate there: give the results of a basin run with "
                "[[sections]] or a monitoring CSV of the sections")
    else:
        what = (f"run the basin first (`hydro run {path} -o OUT.nc`) and give OUT.nc, or add --uncertainty N "
                "to simulate it in the command (a watershed basin)")
    return HydroError(f"{path}: {kind}, not a series ({expected}); {what}")
