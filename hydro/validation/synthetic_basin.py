"""The synthetic benchmark watershed: a random tree of reaches, one subbasin each, SYNTHETIC weather.

:func:`synthetic_watershed` writes the basin that ``benchmarks/model.py``, ``benchmarks/scaling.py``
(issue 16's speed targets) and many tests run.  Its reaches' hydraulics follow one of two laws
(:data:`HYDRAULICS`):

``"downstream"`` (the default since 2 Dec 2026)
    Every reach's velocity ``v = velocity_coeff * Q**0.33`` keeps the at-a-station exponent 0.33
    for the day-to-day changes of its discharge, but its coefficient is chosen so that the velocity
    at the reach's own mean discharge ``Qm`` follows a downstream hydraulic geometry,
    ``v(Qm) ~ Qm**0.1``, anchored at :data:`REFERENCE_DISCHARGE_M3_S` (10 m3/s): a reach whose
    estimated ``Qm`` is at most 10 m3/s keeps the coefficient drawn for it, one above it gets
    ``velocity_coeff * (Qm / 10)**(0.1 - 0.33)``, the same velocity as before at 10 m3/s.  Likewise
    its width ``w = width_coeff * Q**0.45`` keeps the at-a-station exponent and follows
    ``w(Qm) ~ Qm**0.5`` downstream (``width_coeff * (Qm / 10)**(0.5 - 0.45)``), so that the depth
    at mean flow ``Qm / (v w)`` grows as ``Qm**0.4``.
``"at_a_station"`` (issue 16's basins, the only law before 2 Dec 2026)
    The drawn coefficients everywhere: the at-a-station exponents used as if they were the
    downstream ones, so the velocity at mean flow grows as ``Qm**0.33`` down the network.  At
    10,000 reaches (an outlet of about 23,000 m3/s mean flow) that gave velocities up to 13 m/s
    and a mean velocity above 3 m/s on 4,362 reaches; no river flows like that, and the transport's
    Courant limit made every day take 194 sub-steps on average (43 with the downstream law).

The exponents are Leopold & Maddock's (1953, The hydraulic geometry of stream channels and some
physiographic implications, USGS Professional Paper 252): at a station, width, depth and velocity
grow about as ``Q**0.26``, ``Q**0.40``, ``Q**0.34``; downstream, at discharges of equal frequency
(the mean annual discharge), as ``Q**0.5``, ``Q**0.4``, ``Q**0.1``.  These are the averages as
quoted by Pelletier (2021, Earth Surface Dynamics 9, 379-391, eq. 1: ``b ~ 0.5, k ~ 0.4, m ~ 0.1``,
citing Leopold & Maddock 1953) and by the OCNet package's ``rivergeometry_OCN`` (defaults 0.5, 0.4,
0.1 "proposed by Leopold and Maddock [1953]"); the page and table of Professional Paper 252 that
hold them were not confirmed for this module.  The generator's at-a-station width exponent (0.45)
is its own, kept as it was.

The mean discharge of each reach is estimated when the file is written, without running the
model: its upstream area (the subbasins' areas as written, summed down the tree) times the
specific discharge of a nominal subbasin (:func:`nominal_specific_discharge`: GR4J with the
file's ``[runoff]`` parameters on the generated weather, at the middle of the subbasins' drawn
elevation and precipitation-factor ranges; a few milliseconds).  Against runs of 2001: the
estimate 7.70e-3 m3/s per km2, the runs' mean discharge over upstream area 7.60e-3 at 1,000
reaches and 7.31e-3 at 10,000 (medians over reaches; the 10,000-reach chain3 tree's longest river,
82,000 km, is not crossed within the year at about 1 m/s), 1-5 % high, which moves a changed velocity by
about 1 % (``1.05**0.23``).  ``tests/test_synthetic_hydraulics.py`` checks it against a run.

The tree has one of two shapes (:data:`SHAPES`):

``"chain3"`` (the default; issue 16's basins)
    Each reach drains into one of the next three, drawn: nearly a chain.  Its longest river runs
    through 46 of 100 reaches (760 km), 490 of 1,000 (8,000 km) and 4,975 of 10,000 (82,000 km,
    for 3 million km2: the Mississippi's is about 6,000 km), and its Strahler streams number 3,004,
    233 and 1 at 10,000 reaches (bifurcation ratios 13 and 233).
``"hack"`` (since 3 Dec 2026)
    Shreve's random topology model (Shreve 1966, Statistical law of stream numbers, Journal of
    Geology 74, 17-37; 1967, Infinite topologically random channel networks, Journal of Geology 75,
    178-186): the network is drawn uniformly among the topologically distinct binary networks of
    its size (:func:`random_topology`), every junction of two.  Its Strahler streams' bifurcation
    ratio tends to 4 (Horton 1945, Erosional development of streams and their drainage basins,
    GSA Bulletin 56, 275-370, found 3-5 in real networks; Kirchner 1993, Geology 21, 591-594, on
    why random networks follow Horton's laws): 3.9-4.2 measured at 1,000-20,000 reaches.  Its
    longest river grows about as the square root of the area (Shreve's model in expectation), at
    the low end of Hack's law ``L = 1.4 A**0.6`` (L in miles, A in square miles; Hack 1957, Studies
    of longitudinal stream profiles in Virginia and Maryland, USGS Professional Paper 294-B; the
    exponent falls towards 0.5 in basins above about 20,000 km2: Mueller 1972, GSA Bulletin 83,
    3471-3473, as quoted, not confirmed here; Dodds & Rothman 2000, Physical Review E 63, 016115,
    on the fluctuations of continent-scale networks; optimal channel networks give 0.57,
    Rodriguez-Iturbe & Rinaldo 1997, Fractal River Basins, Cambridge University Press): a fitted exponent
    of 0.54 over 100-20,000 reaches, and with the reaches' lengths and areas as drawn for chain3 a
    longest river of 508, 1,417, 4,666 and 6,622 km at 100, 1,000, 10,000 and 20,000 reaches (31,
    90, 276 and 402 reaches; 0.85, 0.57, 0.48 and 0.45 of Hack's line: the largest rivers, 3-7
    million km2, lie at 0.4-0.65 of it, an estimate from their commonly quoted lengths and areas).
    The tree comes from a stream of its own (``seed`` and 1), so every other value of the file is
    drawn as for chain3 and only the downstream links and the downstream law's coefficients differ.
    Not modelled: the reaches' lengths and areas do not depend on their place in the tree, and no
    plan geometry is drawn (an optimal channel network would give one, by annealing: not O(n)).
"""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError

#: The networks' shapes :func:`synthetic_watershed` draws (module docstring).
SHAPES = ("chain3", "hack")
#: The reaches' hydraulic laws :func:`synthetic_watershed` writes (module docstring).
HYDRAULICS = ("downstream", "at_a_station")
#: At-a-station exponents the generator writes (velocity; width), kept by both laws.
AT_A_STATION_VELOCITY_EXP = 0.33
AT_A_STATION_WIDTH_EXP = 0.45
#: Downstream exponents of velocity and width at mean discharge (Leopold & Maddock 1953, as quoted
#: in the module docstring; depth's is then 1 - 0.1 - 0.5 = 0.4).
DOWNSTREAM_VELOCITY_EXP = 0.1
DOWNSTREAM_WIDTH_EXP = 0.5
#: Mean discharge (m3/s) at and below which a reach keeps its drawn coefficients: the velocity
#: there, 0.43-0.68 m/s for the drawn 0.2-0.32, and width, 14-28 m for the drawn 5-10, are those
#: of a small river; the downstream law takes over above it.
REFERENCE_DISCHARGE_M3_S = 10.0
#: The ``[runoff]`` parameters the generator writes, used by the discharge estimate too.
RUNOFF = {"x1_mm": 450.0, "x2_mm_per_day": -0.3, "x3_mm": 80.0, "x4_days": 1.8}
#: The weather station the file names (its ``[weather]`` writes no lapse rate: the watershed's default).
STATION_ELEVATION_M = 75.0
STATION_LATITUDE_DEG = 40.4
#: Ranges the subbasins' elevation (m) and precipitation factor are drawn from.
ELEVATION_RANGE_M = (200.0, 1400.0)
PRECIP_FACTOR_RANGE = (0.85, 1.1)


def nominal_specific_discharge(weather) -> float:
    """Mean discharge per unit area of a nominal subbasin (m3 s-1 km-2) over the weather's days.

    GR4J (:func:`hydro.runoff.gr4j`, the generator's :data:`RUNOFF` parameters, the watershed's
    default initial stores) on the station's precipitation times the middle of
    :data:`PRECIP_FACTOR_RANGE`, with Oudin's PET at the middle of :data:`ELEVATION_RANGE_M`
    (the station's temperature carried there by the watershed's default lapse rate,
    :attr:`hydro.watershed_tables.WeatherSettings.lapse_c_per_km`), as a watershed run
    carries the weather to a subbasin.  Left out: the snow (CemaNeige delays winter
    precipitation, a few per cent of the year's at this station, by weeks), the spread of the
    subbasins around the middle of the ranges (GR4J is not linear), and the reservoirs'
    evaporation and storage.  ``weather`` is a 1-D :class:`~hydro.daily_forcing.DailyForcing`.
    """
    from hydro.pet import day_of_year, oudin_pet
    from hydro.runoff import GR4JParameters, gr4j
    from hydro.units import MM_KM2_PER_DAY_TO_M3_S
    from hydro.watershed_tables import WeatherSettings

    elevation = 0.5 * sum(ELEVATION_RANGE_M)
    factor = 0.5 * sum(PRECIP_FACTOR_RANGE)
    lapse = WeatherSettings.lapse_c_per_km  # the default the file's [weather] leaves in place (deg C per km)
    temp = np.asarray(weather.tmean_c) - lapse / 1000.0 * (elevation - STATION_ELEVATION_M)
    pet = oudin_pet(temp, STATION_LATITUDE_DEG, day_of_year(weather.dates))
    flow = gr4j(np.asarray(weather.precip_mm) * factor, pet, GR4JParameters(**RUNOFF))
    return float(np.mean(flow.q_mm)) * MM_KM2_PER_DAY_TO_M3_S


def upstream_area_km2(local_km2: np.ndarray, down: np.ndarray) -> np.ndarray:
    """Area draining to each reach's outlet (km2): its own subbasins' and every reach above it.

    ``down[i]`` is the reach below reach ``i`` (through a reservoir where one sits between
    them), -1 at the outlet; every reach drains to a later one, as the generator numbers them.
    """
    total = np.asarray(local_km2, dtype=float).copy()
    for i, j in enumerate(down):
        if j >= 0:
            if j <= i:
                raise HydroError(f"upstream_area_km2: reach {i} drains to reach {j}; expected a later reach")
            total[j] += total[i]
    return total


def downstream_coeff(coeff: float, mean_q: float, at_station_exp: float, downstream_exp: float) -> float:
    """The coefficient of ``coeff * Q**at_station_exp`` that follows ``Qm**downstream_exp`` down the
    network: ``coeff`` itself at a mean discharge ``mean_q`` (m3/s) up to
    :data:`REFERENCE_DISCHARGE_M3_S`, above it ``coeff * (mean_q / Q_ref)**(downstream_exp -
    at_station_exp)``, so that the law's value at ``mean_q`` is ``coeff * Q_ref**at_station_exp *
    (mean_q / Q_ref)**downstream_exp``."""
    if mean_q <= REFERENCE_DISCHARGE_M3_S:
        return coeff
    return coeff * (mean_q / REFERENCE_DISCHARGE_M3_S) ** (downstream_exp - at_station_exp)


def random_topology(rng, n: int) -> np.ndarray:
    """The reach below each of ``n`` reaches (-1 at the outlet) in a random binary network.

    Shreve's random topology model (module docstring): a network of ``m`` links (``n``, or ``n -
    1`` where ``n`` is even) drawn uniformly among the topologically distinct binary networks of
    that size by Remy's algorithm (Remy 1985, RAIRO Informatique theorique 19, 179-195; Knuth, The
    Art of Computer Programming 4A, 7.2.1.6, Algorithm R): from one link, each step picks one of the
    links so far uniformly, puts a new link in its place and hangs the picked link and a new source
    link above it.  Where ``n`` is even one more link carries the network's outlet below.  The
    reaches are numbered by a depth-first walk from the outlet that takes the larger branch (more
    reaches; the first drawn where equal) first, numbers reversed: every reach drains to a later
    one, the outlet is ``n - 1`` and the main stem, followed up the larger branch, is ``n - 1, n -
    2, ...``.  ``O(n)``: 20,000 reaches in a few hundredths of a second.
    """
    m = n if n % 2 else n - 1
    parent = [-1] * n
    root = 0
    for k, x in enumerate(rng.integers(0, np.arange(1, m, 2)).tolist()):
        y = 2 * k + 1  # the new link takes the place of x; x and the new source z drain to it
        parent[y], parent[x], parent[y + 1] = parent[x], y, y
        if parent[y] < 0:
            root = y
    if m < n:
        parent[root], root = m, m
    children: list[list[int]] = [[] for _ in range(n)]
    for v, p in enumerate(parent):
        if p >= 0:
            children[p].append(v)
    order, stack = [], [root]
    while stack:  # any walk from the outlet first, for the branches' sizes
        v = stack.pop()
        order.append(v)
        stack.extend(children[v])
    size = [1] * n
    for v in reversed(order):
        if parent[v] >= 0:
            size[parent[v]] += size[v]
    number, stack = [0] * n, [root]
    for k in range(n - 1, -1, -1):  # the larger branch popped first
        v = stack.pop()
        number[v] = k
        stack.extend(sorted(children[v], key=lambda c: size[c]))
    down = np.full(n, -1)
    for v, p in enumerate(parent):
        if p >= 0:
            down[number[v]] = number[p]
    return down


def _draw_reaches(rng, n: int, res_below: dict[int, str], tree: np.ndarray | None = None) -> list[dict]:
    """Each reach's drawn values, drawn in the order the generator always drew them; with ``tree``
    (the reach below each, :func:`random_topology`) the reaches drain as it says, the draw of
    ``"chain3"``'s downstream reach made all the same and left unused.  ``below``: the index of the
    reach below (through the reservoir where one sits between them), -1 at the outlet."""
    reaches = []
    for i in range(n):
        below = -1 if i == n - 1 else i + 1
        if i == n - 1:
            down = None
        elif i in res_below:
            down = res_below[i]
        else:
            below = int(rng.integers(i + 1, min(n, i + 4)))
            down = f"r{below}"
        if tree is not None and i < n - 1:
            below = int(tree[i])
            down = res_below.get(i, f"r{below}")
        reaches.append({"down": down, "below": below, "length": float(rng.uniform(8.0, 25.0)),
                        "slope": float(rng.uniform(0.0008, 0.006)), "velocity": float(rng.uniform(0.2, 0.32)),
                        "width": float(rng.uniform(5, 10)), "dispersion": float(rng.uniform(5, 30))})
    return reaches


def _reach_text(i: int, r: dict, mean_q: float | None) -> str:
    """One ``[[reaches]]`` table; with ``mean_q`` (m3/s) the downstream law's coefficients where they
    differ from the drawn ones (printed to five decimals), else the drawn ones as always printed."""
    velocity, width = f"{r['velocity']:.3f}", f"{r['width']:.2f}"
    if mean_q is not None and mean_q > REFERENCE_DISCHARGE_M3_S:
        v = downstream_coeff(float(velocity), mean_q, AT_A_STATION_VELOCITY_EXP, DOWNSTREAM_VELOCITY_EXP)
        w = downstream_coeff(float(width), mean_q, AT_A_STATION_WIDTH_EXP, DOWNSTREAM_WIDTH_EXP)
        velocity, width = f"{v:.5f}", f"{w:.3f}"
    return (f'[[reaches]]\nid = "r{i}"\nlength_km = {r["length"]:.2f}\n'
            + (f'downstream = "{r["down"]}"\n' if r["down"] else "")
            + f"slope_m_per_m = {r['slope']:.5f}\n"
            f"velocity_coeff = {velocity}\nvelocity_exp = {AT_A_STATION_VELOCITY_EXP}\n"
            f"width_coeff = {width}\nwidth_exp = {AT_A_STATION_WIDTH_EXP}\n"
            f"dispersion_m2_s = {r['dispersion']:.1f}\n")


def _subbasin_text(rng, i: int) -> tuple[str, float]:
    """One ``[[subbasins]]`` table (its values drawn in the generator's order) and its area (km2)."""
    crop = float(rng.uniform(0.1, 0.5))
    area = f"{float(rng.uniform(100, 500)):.1f}"
    return (f'[[subbasins]]\nid = "b{i}"\narea_km2 = {area}\nreach = "r{i}"\n'
            f"elevation_m = {float(rng.uniform(*ELEVATION_RANGE_M)):.0f}\n"
            f"precip_factor = {float(rng.uniform(*PRECIP_FACTOR_RANGE)):.3f}\n"
            f"[subbasins.sources.land_use.forest]\nshare = {1 - crop:.4f}\nemc_mg_per_l = 0.8\n"
            f"[subbasins.sources.land_use.cropland]\nshare = {crop:.4f}\nemc_mg_per_l = 4.0\n"
            "fertiliser_kg_per_ha_yr = 220.0\nuptake_kg_per_ha_yr = 120.0\n"
            "[subbasins.sources.groundwater]\nleaching_fraction = 0.2\nresidence_years = 8.0\n"
            f"[subbasins.sources.rural_domestic]\npopulation = {int(rng.integers(5000, 60000))}\n"
            "per_capita_n_g_per_day = 8.0\ndelivery_fraction = 0.3\n"
            "[subbasins.sources.deposition]\nrate_kg_per_ha_yr = 40.0\nwater_area_km2 = 0.5\n", float(area))


def mean_discharges(reaches: list[dict], areas: list[float], weather) -> np.ndarray:
    """Estimated mean discharge of every reach (m3/s): upstream area times
    :func:`nominal_specific_discharge` (module docstring)."""
    down = np.array([r["below"] for r in reaches])
    return upstream_area_km2(np.array(areas), down) * nominal_specific_discharge(weather)


def synthetic_watershed(folder, n_subbasin: int = 50, n_reservoir: int = 2, years: int = 20,
                        seed: int = 7, start_year: int = 2001, cell_length_km: float = 5.0,
                        hydraulics: str = "downstream", shape: str = "chain3"):
    """Write an illustrative watershed basin (one subbasin per reach) into ``folder``.

    The network is a random tree of ``n_subbasin`` reaches with ``n_reservoir``
    reservoirs on its main stem; the weather is SYNTHETIC (the generator fitted to
    the Huairou record); sources and parameters are drawn from plausible ranges.
    Reaches are 8-25 km long, cut into cells of about ``cell_length_km`` (5 km:
    two to five cells a reach, enough for daily loads at sections).  ``hydraulics``
    (:data:`HYDRAULICS`) chooses the reaches' velocity and width laws (module docstring):
    ``"downstream"`` physical ones, ``"at_a_station"`` issue 16's basin, byte for byte the
    file written before 2 Dec 2026; every other line, and the weather, is the same in both
    (every value drawn in the same order).  ``shape`` (:data:`SHAPES`) chooses the tree (module
    docstring): ``"chain3"`` issue 16's, each reach draining into one of the next three, ``"hack"``
    a random binary network (:func:`random_topology`, drawn from its own stream of ``seed``) whose
    main stem follows Hack's law; every other value is the same in both.  Used by the model
    benchmark and the watershed tests.  Returns the basin.toml path.
    """
    from pathlib import Path

    from hydro.basin import ROOT
    from hydro.weather import read_forcing_csv, write_forcing_csv
    from hydro.weathergen import fit, generate

    if hydraulics not in HYDRAULICS:
        raise HydroError(f"synthetic_watershed: hydraulics={hydraulics!r}; expected one of {', '.join(HYDRAULICS)}")
    if shape not in SHAPES:
        raise HydroError(f"synthetic_watershed: shape={shape!r}; expected one of {', '.join(SHAPES)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    station = read_forcing_csv(ROOT / "basins" / "miyun" / "forcing" / "huairou_daily_2013_2017.csv")
    weather = generate(fit(station), f"{start_year}-01-01", f"{start_year + years - 1}-12-31", seed=seed)
    write_forcing_csv(weather, folder / "weather.csv",
                      metadata={"description": "SYNTHETIC weather of a benchmark watershed"})
    n = n_subbasin
    # main stem: reaches n-1, n-2, ...; reservoirs sit below main-stem reaches (under 4 reaches, a first
    # reservoir at -1 drains into r0 with no reach above it, as it always did)
    res_below = {n - 1 - 3 * (k + 1): f"res{k}" for k in range(n_reservoir)}
    lines = [
        '[basin]\nname = "synthetic"\ndescription = "SYNTHETIC benchmark watershed (illustrative values)"\n',
        f"[run]\nstart = {start_year}-01-01\nend = {start_year + years - 1}-12-31\n"
        f"cell_length_km = {cell_length_km}\n",
        f'[weather]\ncsv = "weather.csv"\nelevation_m = {STATION_ELEVATION_M}\nlatitude_deg = {STATION_LATITUDE_DEG}\n',
        "[runoff]\n" + "".join(f"{k} = {v}\n" for k, v in RUNOFF.items()) + "snow = true\n",
        '[[constituents]]\nname = "tn"\nriver_removal_per_day = 0.05\nsettling_velocity_m_per_day = 0.03\n',
    ]
    tree = random_topology(np.random.default_rng([seed, 1]), n) if shape == "hack" else None
    reaches = _draw_reaches(rng, n, res_below, tree)
    reservoirs = [
        f'[[reservoirs]]\nid = "{rid}"\ndownstream = "r{reaches[i]["below"] if 0 <= i < n else i + 1}"\n'
        "level_m = [100.0, 110.0, 120.0, 130.0]\narea_km2 = [0.5, 6.0, 14.0, 22.0]\n"
        "storage_mcm = [0.0, 30.0, 130.0, 310.0]\nfull_supply_level_m = 126.0\n"
        "dead_storage_mcm = 8.0\ninitial_storage_mcm = 120.0\ntarget_release_m3_s = 3.0\n"
        "ecological_min_m3_s = 1.0\n" for i, rid in res_below.items()]
    sections = [f'[[sections]]\nid = "s{k}"\nreach = "r{i}"\n' for k, i in enumerate(range(0, n, max(1, n // 5)))]
    drawn = [_subbasin_text(rng, i) for i in range(n)]
    mean_q = (mean_discharges(reaches, [a for _, a in drawn], weather) if hydraulics == "downstream"
              else [None] * n)
    lines += [_reach_text(i, r, mean_q[i]) for i, r in enumerate(reaches)]
    lines += reservoirs + sections + [text for text, _ in drawn]
    path = folder / "basin.toml"
    path.write_text("\n".join(lines))
    return path
