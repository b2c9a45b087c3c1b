"""Twin experiments: observations made by the model itself from known parameters, plus noise.

:func:`make_twin` runs a basin with "true" parameter values, samples the
simulated series like a monitoring network would (daily discharge, weekly TN
grab samples), multiplies them by log-normal noise, writes the observation
CSVs and a calibration configuration into a folder, and returns the
configuration path and the true values.  A calibration of that configuration
should recover the true values within the tolerances that the noise and the
identifiability of each parameter allow (see the ``calibration_twin`` case).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from hydro.basin import resolve_basin

#: Sections observed in the twin experiment of the example watershed (both upstream of
#: the reservoir, so that each branch's response is seen directly).
TWIN_SECTIONS = ("border", "east_mouth")
#: Subbasins draining to those sections or the lake (groundwater leaching group).
TWIN_GROUNDWATER_GROUP = ("w1", "w2", "e1", "e2", "m1")


#: Miyun: the Chao River at the border and the Bai River at its gauge, and the Chao
#: subbasins above Gubeikou (groundwater leaching group).
MIYUN_SECTIONS = ("gubeikou", "zhangjiafen")
MIYUN_GROUNDWATER_GROUP = ("chao_huangqi", "chao_zhangbaiwan", "chao_dage", "chao_nanguan",
                           "chao_hatangchuan", "chao_luanping", "chao_gubeikou")


@dataclass(frozen=True)
class TwinParameter:
    """A parameter of the twin experiment: name, paths, bounds, transform and true value."""

    name: str
    paths: tuple[str, ...]
    lower: float
    upper: float
    transform: str
    true: float


def example_parameters() -> list[TwinParameter]:
    """Three parameters of the example watershed, each acting on a different output.

    GR4J's x1 (shared by every subbasin through ``[runoff]``) sets the flow volume and
    its seasonality; the groundwater leaching fraction (one value for a group of five
    subbasins) sets the base-flow nitrogen; the river removal rate sets the in-stream
    loss of TN between the subbasins and the sections.
    """
    return [
        TwinParameter("x1", ("runoff.x1_mm",), 150.0, 1500.0, "log", 600.0),
        TwinParameter("leaching", tuple(f"subbasins.{s}.sources.groundwater.leaching_fraction"
                                         for s in TWIN_GROUNDWATER_GROUP), 0.01, 0.4, "log", 0.12),
        TwinParameter("removal", ("constituents.tn.river_removal_per_day",), 0.0, 0.5, "linear", 0.2),
    ]


def miyun_parameters() -> list[TwinParameter]:
    """The three twin parameters on the Miyun basin, true values inside their documented ranges.

    GR4J's x1 of every subbasin (through ``[runoff]``), the groundwater leaching
    fraction shared by the Chao subbasins above Gubeikou, and the river removal rate
    (TN is organic, ammonia and nitrate N: the rate is set on the three species together,
    as the basin gives them one calibrated TN removal).
    """
    return [
        TwinParameter("x1", ("runoff.x1_mm",), 300.0, 1500.0, "log", 900.0),
        TwinParameter("leaching", tuple(f"subbasins.{s}.sources.groundwater.leaching_fraction"
                                         for s in MIYUN_GROUNDWATER_GROUP), 0.005, 0.3, "log", 0.03),
        TwinParameter("removal", tuple(f"constituents.tn.species.{sp}.river_removal_per_day"
                                       for sp in ("orgn", "nh3n", "no3n")), 0.0, 0.5, "linear", 0.15),
    ]


def make_twin(folder: Path, basin: str | Path = "watershed", *, start: date = date(2001, 1, 1),
              calibration: tuple[date, date] = (date(2002, 1, 1), date(2005, 12, 31)),
              noise: float = 0.05, seed: int = 7, max_evaluations: int = 600,
              parameters: list[TwinParameter] | None = None,
              sections: tuple[str, ...] = TWIN_SECTIONS) -> tuple[Path, dict[str, float]]:
    """Write twin observations and a DE configuration for ``basin`` into ``folder``.

    Parameters
    ----------
    folder : Path
        Where the CSVs and ``twin.toml`` go (created).
    basin : str or Path
        Basin spec (default the shipped example ``watershed``).
    start, calibration : date
        Warm-up start and calibration period.
    noise : float
        Standard deviation of the log-normal multiplicative noise (0.05 = about 5 %).
    seed : int
        Seed of the noise and of DE.
    max_evaluations : int
        DE budget.
    parameters : list of TwinParameter, optional
        Default :func:`example_parameters`.
    sections : tuple of str
        Sections observed (default the example's :data:`TWIN_SECTIONS`).

    Returns
    -------
    (Path, dict)
        The configuration file and the true value of each parameter.
    """
    from hydro.basin import Basin
    from hydro.calibration.models import format_assignment
    from hydro.simulation import run

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    params = parameters or example_parameters()
    path = resolve_basin(basin)
    true = [format_assignment(p, q.true) for q in params for p in q.paths]
    res = run(Basin.load(path, overrides=true), start, calibration[1])
    days = [d.isoformat() for d in res.dates]
    names = list(res.coords["section"])
    rng = np.random.default_rng(seed)
    obs_tables = []
    for sec in sections:
        j = names.index(sec)
        q = np.asarray(res["section_discharge"][:, j]) * rng.lognormal(0.0, noise, len(days))
        c = np.asarray(res["section_tn_concentration"][:, j]) * rng.lognormal(0.0, noise, len(days))
        with open(folder / f"q_{sec}.csv", "w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["date", "q_m3s"])
            w.writerows([d, repr(float(v))] for d, v in zip(days, q))
        with open(folder / f"tn_{sec}.csv", "w", newline="") as fh:  # weekly grab samples
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["date", "tn_mg_per_l"])
            w.writerows([days[k], repr(float(c[k]))] for k in range(3, len(days), 7))
        obs_tables += [
            f'[[observations]]\nname = "q_{sec}"\nvariable = "discharge"\nat = "{sec}"\n'
            f'csv = "q_{sec}.csv"\ncolumn = "q_m3s"\n',
            f'[[observations]]\nname = "tn_{sec}"\nvariable = "tn_concentration"\nat = "{sec}"\n'
            f'csv = "tn_{sec}.csv"\ncolumn = "tn_mg_per_l"\n',
            f'[[objectives]]\nobservation = "q_{sec}"\nmetric = "nse"\n',
            f'[[objectives]]\nobservation = "tn_{sec}"\nmetric = "nse"\n',
        ]
    par_tables = [
        f'[[parameters]]\nname = "{q.name}"\npaths = [{", ".join(chr(34) + p + chr(34) for p in q.paths)}]\n'
        f'lower = {q.lower!r}\nupper = {q.upper!r}\ntransform = "{q.transform}"\n' for q in params]
    text = (f"# twin experiment on {path} (generated by hydro.calibration.twin)\n"
            f'[model]\nkind = "basin"\npath = "{path}"\n\n'
            f"[periods]\nwarmup_start = {start.isoformat()}\n"
            f"calibration = [{calibration[0].isoformat()}, {calibration[1].isoformat()}]\n\n"
            + "\n".join(par_tables) + "\n" + "\n".join(obs_tables)
            + f'\n[method]\nname = "de"\nseed = {seed}\nmax_evaluations = {max_evaluations}\npopsize = 10\n')
    config = folder / "twin.toml"
    config.write_text(text, encoding="utf-8")
    return config, {q.name: q.true for q in params}


#: True GR4J + CemaNeige parameters of the lumped twin (:func:`make_lumped_twin`).
LUMPED_TRUE = {"x1": 420.0, "x2": -0.6, "x3": 85.0, "x4": 1.9, "ctg": 0.35, "kf": 3.2}


def make_lumped_twin(folder: Path, *, years: int = 35, seed: int = 5, noise: float = 0.05,
                     max_evaluations: int = 2000) -> tuple[Path, dict[str, float]]:
    """A lumped GR4J + CemaNeige twin: synthetic weather, flow from :data:`LUMPED_TRUE`.

    Writes ``catchment.toml`` (five snow bands, ``hydrotel`` solid fraction, no
    ``pet_mm`` column so PET is Oudin's), ``forcing.csv`` (``years`` years of
    daily precipitation, minimum and maximum temperature from 1980, and
    ``qobs_mm``: the model's own flow times log-normal noise) and ``lumped.toml``
    (six parameters, NSE and KGE on the first two thirds, validation on the rest;
    one warm-up year) into ``folder``.  Used by ``benchmarks/calibration.py``
    (a 35-year record) and the tests (a short one).

    Returns
    -------
    (Path, dict)
        The configuration file and the true value of each parameter.
    """
    from hydro.catchment import Catchment, run_catchment

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    dates = np.arange(np.datetime64("1980-01-01"), np.datetime64(f"{1980 + years}-01-01"))
    doy = (dates - dates.astype("datetime64[Y]")).astype(int)
    season = np.cos(2.0 * np.pi * (doy - 200) / 365.25)
    tmean = 6.0 + 11.0 * season + rng.normal(0.0, 3.0, dates.size)
    span = rng.uniform(4.0, 14.0, dates.size)
    wet = rng.random(dates.size) < 0.35 + 0.1 * season
    precip = np.where(wet, rng.gamma(0.8, 9.0, dates.size), 0.0)
    t = LUMPED_TRUE
    (folder / "catchment.toml").write_text(
        'name = "lumped_twin"\narea_km2 = 350.0\nlatitude_deg = 45.0\nforcing = "forcing.csv"\n\n'
        f'[gr4j]\nx1_mm = {t["x1"]}\nx2_mm_per_day = {t["x2"]}\nx3_mm = {t["x3"]}\nx4_days = {t["x4"]}\n\n'
        '[snow]\nstation_elevation_m = 600.0\nband_elevations_m = [450.0, 700.0, 950.0, 1200.0, 1500.0]\n'
        f'ctg = {t["ctg"]}\nkf_mm_per_c_per_day = {t["kf"]}\nsolid_fraction = "hydrotel"\n', encoding="utf-8")

    def write(q=None):
        rows = ["date,precip_mm,tmin_c,tmax_c" + (",qobs_mm" if q is not None else "")]
        for k in range(dates.size):
            row = f"{dates[k]},{precip[k]:.3f},{tmean[k] - span[k] / 2:.3f},{tmean[k] + span[k] / 2:.3f}"
            rows.append(row + (f",{q[k]:.5f}" if q is not None else ""))
        (folder / "forcing.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")

    write()
    run = run_catchment(Catchment.from_toml(folder / "catchment.toml"))  # the true values, as written
    write(run.q_mm * rng.lognormal(0.0, noise, dates.size))
    first, last = 1981, 1980 + years - 1
    split = first + (last - first + 1) * 2 // 3
    params = [("x1", "gr4j.x1_mm", 50.0, 2000.0, "log"), ("x2", "gr4j.x2_mm_per_day", -5.0, 3.0, "linear"),
              ("x3", "gr4j.x3_mm", 10.0, 500.0, "log"), ("x4", "gr4j.x4_days", 0.5, 5.0, "linear"),
              ("ctg", "snow.ctg", 0.0, 0.99, "linear"), ("kf", "snow.kf_mm_per_c_per_day", 0.5, 8.0, "linear")]
    text = ("# lumped twin experiment (generated by hydro.calibration.twin.make_lumped_twin)\n"
            '[model]\nkind = "catchment"\npath = "catchment.toml"\n\n'
            f"[periods]\nwarmup_start = 1980-01-01\ncalibration = [{first}-01-01, {split - 1}-12-31]\n"
            + (f"validation = [{split}-01-01, {last}-12-31]\n" if split <= last else "") + "\n"
            + "".join(f'[[parameters]]\nname = "{n}"\npaths = ["{p}"]\nlower = {lo}\nupper = {hi}\n'
                      f'transform = "{tr}"\n\n' for n, p, lo, hi, tr in params)
            + '[[observations]]\nname = "q"\nvariable = "discharge"\nfrom_forcing = true\n\n'
            '[[objectives]]\nobservation = "q"\nmetric = "nse"\n\n'
            '[[objectives]]\nobservation = "q"\nmetric = "kge_2012"\nweight = 0.0\n\n'
            '[[objectives]]\nobservation = "q"\nmetric = "pbias"\nweight = 0.0\n\n'
            f'[method]\nname = "de"\nseed = {seed}\nmax_evaluations = {max_evaluations}\npopsize = 10\n')
    config = folder / "lumped.toml"
    config.write_text(text, encoding="utf-8")
    return config, dict(t)
