"""Random valid flow-driven basins for whole-model property checks (whole-model fuzzing review, 2026-12-05).

make_basin(seed, folder, **opts) writes basin.toml + forcing.csv and returns a dict of metadata.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np


def _f(x):
    return repr(float(x))


def make_basin(
    seed,
    folder,
    *,
    uniform_c=None,
    removal=True,
    evap=True,
    n_reach=None,
    n_days=None,
    n_res=None,
    species=False,
    reorder=None,
    cells_mode="random",
    split=None,
    courant=None,
    negative_lateral=True,
    dispersion=True,
    extra_run="",
    mass_only=True,
    pt_on_neg=True,
    reorder_what="all",
):
    """uniform_c: every source, inflow and initial value at this TN; reservoir loads 0; no evaporation/rain.
    reorder: a permutation seed for the order of tables (same basin).
    split: index of a reach to write as two consecutive halves (same total)."""
    rng = np.random.default_rng(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nr = int(n_reach if n_reach is not None else rng.integers(2, 16))
    nd = int(n_days if n_days is not None else rng.integers(30, 401))
    start = dt.date(2020, 1, 1) + dt.timedelta(days=int(rng.integers(0, 300)))
    end = start + dt.timedelta(days=nd - 1)
    dates = [start + dt.timedelta(days=i) for i in range(nd)]
    parent = [-1] + [int(rng.integers(0, i)) for i in range(1, nr)]
    children = {i: [j for j in range(nr) if parent[j] == i] for i in range(nr)}
    nres = int(n_res if n_res is not None else rng.integers(0, 3))
    # reservoirs sit on the edge child->parent of non-outlet reaches (or at the outlet: not here)
    res_on = (
        sorted(rng.choice(np.arange(1, nr), size=min(nres, nr - 1), replace=False).tolist()) if nr > 1 else []
    )
    rid = [f"r{i}" for i in range(nr)]
    sid = {i: f"lake{k}" for k, i in enumerate(res_on)}
    headwater = [i for i in range(nr) if not children[i]]
    cols = {}

    def series(base, kind):
        """random daily flows: lognormal noise, floods, near-zero days."""
        x = base * np.exp(rng.normal(0, 0.6, nd))
        if rng.random() < 0.6:  # floods
            for _ in range(int(rng.integers(1, 4))):
                d = int(rng.integers(0, nd))
                w = int(rng.integers(1, 8))
                x[d : d + w] *= rng.uniform(3, 20)
        if rng.random() < 0.5:  # near-zero / drying spells
            d = int(rng.integers(0, nd))
            w = int(rng.integers(1, 30))
            x[d : d + w] = rng.choice([1e-6, 1e-4, 1e-3])
        return x

    lines = [
        f'[basin]\nname = "fz{seed}"\ndescription = "fuzz basin"\n',
        f"[run]\nstart = {start.isoformat()}\nend = {end.isoformat()}\ncell_length_km = {_f(rng.uniform(0.5, 4))}\n"
        + (f"courant = {_f(courant)}\n" if courant else "")
        + extra_run,
    ]
    C = uniform_c
    kr = 0.0 if (C is not None or not removal) else rng.uniform(0, 0.5)
    ks = 0.0 if (C is not None or not removal) else rng.uniform(0, 0.2)
    kres = 0.0 if (C is not None or not removal) else rng.uniform(0, 0.05)
    lines.append(
        f'[[constituents]]\nname = "tn"\nlong_name = "total nitrogen"\nriver_removal_per_day = {_f(kr)}\n'
        f"river_theta = 1.047\nreservoir_removal_per_day = {_f(kres)}\nsettling_velocity_m_per_day = {_f(ks)}\n"
    )
    tables = []  # (kind, text)
    # reaches
    lengths = rng.uniform(1, 30, nr)
    reach_params = {}
    for i in range(nr):
        down = "" if parent[i] < 0 else (sid[i] if i in sid else rid[parent[i]])
        ve = rng.uniform(0.1, 0.5)
        we = rng.uniform(0.1, min(0.55, 1 - ve))
        p = dict(
            vc=rng.uniform(0.1, 0.6),
            ve=ve,
            wc=rng.uniform(2, 15),
            we=we,
            disp=(rng.uniform(0, 60) if dispersion and rng.random() < 0.7 else 0.0),
            cells=(int(rng.integers(1, 12)) if cells_mode == "random" and rng.random() < 0.6 else None),
        )
        reach_params[i] = p

        def reach_text(id_, L, down_, p=p):
            t = f'[[reaches]]\nid = "{id_}"\nlength_km = {_f(L)}\n'
            if down_:
                t += f'downstream = "{down_}"\n'
            t += (
                f"velocity_coeff = {_f(p['vc'])}\nvelocity_exp = {_f(p['ve'])}\nwidth_coeff = {_f(p['wc'])}\n"
                f"width_exp = {_f(p['we'])}\ndispersion_m2_s = {_f(p['disp'])}\n"
            )
            if p["cells"] and cells_mode == "random":
                t += f"cells = {p['cells']}\n"
            if isinstance(cells_mode, int):
                t += f"cells = {cells_mode}\n"
            return t

        if split == i:
            tables.append(("reach", reach_text(rid[i] + "_a", lengths[i] / 2, rid[i])))
            tables.append(("reach", reach_text(rid[i], lengths[i] / 2, down)))
        else:
            tables.append(("reach", reach_text(rid[i], lengths[i], down)))
    # reservoirs
    res_meta = {}
    for i in res_on:
        levels = np.array([100.0, 105.0, 110.0, 120.0, 130.0])
        a = np.cumsum(rng.uniform(0.05, 3.0, 5))
        s = np.concatenate([[0.0], np.cumsum((a[1:] + a[:-1]) / 2 * np.diff(levels))])
        fsl = rng.uniform(112, 129)
        fs = np.interp(fsl, levels, s)
        dead = rng.uniform(0, 0.2) * fs
        init = rng.uniform(dead, fs) if rng.random() < 0.8 else rng.choice([dead, fs])
        tr = (
            [round(float(rng.uniform(0.05, 5.0)), 4) for _ in range(12)]
            if rng.random() < 0.5
            else round(float(rng.uniform(0.05, 5)), 4)
        )
        eco = float(rng.uniform(0, 0.5)) if rng.random() < 0.5 else 0.0
        down = rid[parent[i]]
        t = (
            f'[[reservoirs]]\nid = "{sid[i]}"\ndownstream = "{down}"\nlevel_m = {json.dumps(levels.tolist())}\n'
            f"area_km2 = {json.dumps(a.tolist())}\nstorage_mcm = {json.dumps(s.tolist())}\n"
            f"full_supply_level_m = {_f(fsl)}\ndead_storage_mcm = {_f(dead)}\ninitial_storage_mcm = {_f(init)}\n"
            f"target_release_m3_s = {json.dumps(tr)}\necological_min_m3_s = {_f(eco)}\n"
        )
        tables.append(("reservoir", t))
        res_meta[sid[i]] = dict(init=init)
    # flows
    lat = {}
    for i in range(nr):
        b = rng.uniform(0.01, 5.0)
        lat[i] = series(b, "lat")
    inflow = {}
    for i in headwater:
        if rng.random() < 0.7:
            inflow[i] = series(rng.uniform(0.05, 10), "in")
    # negative lateral on some reaches: a share of what surely reaches them via reaches only
    surely = {}
    order = _topo(parent, nr)  # upstream first
    for i in order:
        up = sum(surely.get(j, 0) for j in children[i] if j not in sid) + inflow.get(i, 0 * lat[i])
        if negative_lateral and not isinstance(up, int) and np.any(np.asarray(up) > 0) and rng.random() < 0.4:
            frac = rng.uniform(0.05, 0.95)
            neg_days = rng.random(nd) < 0.5
            lat[i] = np.where(neg_days, -frac * np.asarray(up), lat[i])
        surely[i] = np.maximum(np.asarray(up) + lat[i], 0)
    for i in range(nr):
        cols[f"lat_{rid[i]}"] = lat[i]
    for i, q in inflow.items():
        cols[f"in_{rid[i]}"] = q
    # point sources
    points = []
    okr = [i for i in range(nr) if pt_on_neg or not np.any(lat[i] < 0)]
    for k in range(int(rng.integers(0, 4))):
        r = int(rng.integers(0, nr))
        if r not in okr:
            continue
        q = np.minimum(series(rng.uniform(0.01, 1.0), "pt"), 100.0) if rng.random() < 0.5 else None
        points.append((k, r, q))
        if q is not None:
            cols[f"pt{k}"] = q

    # concentrations
    def conc(n):
        return np.full(n, C) if C is not None else rng.uniform(0.0, 15.0, n)

    lat_c = {i: conc(nd) for i in range(nr)}
    for i in range(nr):
        cols[f"load_{rid[i]}"] = 86.4 * np.maximum(lat[i], 0) * lat_c[i]
    in_c = {}
    for i in inflow:
        in_c[i] = conc(nd)
        cols[f"inc_{rid[i]}"] = in_c[i]
    pt_c = {}
    for k, _r, _q in points:
        pt_c[k] = conc(nd)
        cols[f"ptc{k}"] = pt_c[k]
    res_in = {}
    for i in res_on:
        if rng.random() < 0.5:
            res_in[sid[i]] = (series(rng.uniform(0.05, 5), "rin"), conc(nd))
            cols[f"rin_{sid[i]}"] = res_in[sid[i]][0]
            cols[f"rinc_{sid[i]}"] = res_in[sid[i]][1]
    # forcing text
    f = ["[forcing]\n", 'water_temperature_c = { csv = "forcing.csv", column = "wt" }\n']
    cols["wt"] = rng.uniform(0, 30, nd)
    if evap and C is None:
        cols["ev"] = rng.uniform(0, 8, nd)
        cols["pr"] = rng.exponential(2, nd)
        f.append('evaporation_mm_per_day = { csv = "forcing.csv", column = "ev" }\n')
        f.append('precipitation_mm_per_day = { csv = "forcing.csv", column = "pr" }\n')
    f.append("[forcing.lateral_inflow_m3_s]\n")
    for i in range(nr):
        if split == i:
            f.append(f'{rid[i]}_a = {{ csv = "forcing.csv", column = "lat_{rid[i]}", scale = 0.5 }}\n')
            f.append(f'{rid[i]} = {{ csv = "forcing.csv", column = "lat_{rid[i]}", scale = 0.5 }}\n')
        else:
            f.append(f'{rid[i]} = {{ csv = "forcing.csv", column = "lat_{rid[i]}" }}\n')
    f.append("[forcing.lateral_load_kg_per_day.tn]\n")
    for i in range(nr):
        if split == i:
            f.append(f'{rid[i]}_a = {{ csv = "forcing.csv", column = "load_{rid[i]}", scale = 0.5 }}\n')
            f.append(f'{rid[i]} = {{ csv = "forcing.csv", column = "load_{rid[i]}", scale = 0.5 }}\n')
        else:
            f.append(f'{rid[i]} = {{ csv = "forcing.csv", column = "load_{rid[i]}" }}\n')
    if C is None and mass_only and res_on and rng.random() < 0.7:
        f.append("[forcing.reservoir_load_kg_per_day.tn]\n")
        for i in res_on:
            f.append(f"{sid[i]} = {_f(rng.uniform(0, 50))}\n")
    ftabs = []
    for i in inflow:
        at = rid[i] + "_a" if split == i else rid[i]
        cond = "concentration" if rng.random() < 0.4 else "flux"
        ftabs.append(
            f'[[forcing.inflows]]\nat = "{at}"\nflow_m3_s = {{ csv = "forcing.csv", column = "in_{rid[i]}" }}\n'
            f'condition = "{cond}"\ntn_mg_per_l = {{ csv = "forcing.csv", column = "inc_{rid[i]}" }}\n'
        )
    for s_, _ in res_in.items():
        ftabs.append(
            f'[[forcing.inflows]]\nat = "{s_}"\nflow_m3_s = {{ csv = "forcing.csv", column = "rin_{s_}" }}\n'
            f'tn_mg_per_l = {{ csv = "forcing.csv", column = "rinc_{s_}" }}\n'
        )
    for k, r, q in points:
        t = f'[[forcing.point_sources]]\nid = "p{k}"\nreach = "{rid[r]}"\nposition = {_f(rng.uniform(0.05, 1))}\n'
        if q is not None:
            t += (f'flow_m3_s = {{ csv = "forcing.csv", column = "pt{k}" }}\n'
                  f'tn_mg_per_l = {{ csv = "forcing.csv", column = "ptc{k}" }}\n')
        else:
            if C is not None or not mass_only:
                continue  # a load without water cannot keep a uniform field
            t += f"tn_kg_per_day = {_f(rng.uniform(0, 100))}\n"
        ftabs.append(t)
    c0 = C if C is not None else rng.uniform(0, 10)
    init = f"[initial]\ntn_mg_per_l = {_f(c0)}\n"
    cres = {}
    for i in res_on:
        cres[sid[i]] = C if C is not None else rng.uniform(0, 10)
        init += f"[initial.reservoirs.{sid[i]}]\ntn_mg_per_l = {_f(cres[sid[i]])}\n"
    # sections
    secs = []
    for k in range(int(rng.integers(1, 4))):
        r = int(rng.integers(0, nr))
        secs.append(
            (
                "section",
                f'[[sections]]\nid = "s{k}"\nreach = "{rid[r]}"\nposition = {_f(rng.uniform(0.01, 1))}\n',
            )
        )
    if reorder is not None:
        r2 = np.random.default_rng(reorder)
        p1, p2 = r2.permutation(len(tables)), r2.permutation(len(ftabs))
        if reorder_what in ("all", "tables"):
            tables = [tables[j] for j in p1]
        if reorder_what in ("all", "ftabs"):
            ftabs = [ftabs[j] for j in p2]
    text = (
        "\n".join(lines)
        + "\n"
        + "\n".join(t for _, t in tables)
        + "\n"
        + "\n".join(t for _, t in secs)
        + "\n"
        + "".join(f)
        + "\n"
        + "\n".join(ftabs)
        + "\n"
        + init
    )
    (folder / "basin.toml").write_text(text)
    keys = list(cols)
    with open(folder / "forcing.csv", "w") as fh:
        fh.write("date," + ",".join(keys) + "\n")
        for d in range(nd):
            fh.write(dates[d].isoformat() + "," + ",".join(repr(float(cols[k][d])) for k in keys) + "\n")
    inputs_c = [c0, *cres.values()]
    for i in range(nr):
        inputs_c += list(lat_c[i][lat[i] > 0])
    for v in in_c.values():
        inputs_c += list(v)
    for v in pt_c.values():
        inputs_c += list(v)
    for v in res_in.values():
        inputs_c += list(v[1])
    return dict(
        nr=nr,
        nd=nd,
        res=list(sid.values()),
        cmin=float(min(inputs_c)),
        cmax=float(max(inputs_c)),
        outlet=rid[0],
        has_load_only=any(q is None for _, _, q in points),
        start=start,
        end=end,
    )


def _anc(parent, k):
    out = []
    while parent[k] >= 0:
        k = parent[k]
        out.append(k)
    return out


def _topo(parent, nr):
    depth = [len(_anc(parent, k)) for k in range(nr)]
    return sorted(range(nr), key=lambda k: -depth[k])
