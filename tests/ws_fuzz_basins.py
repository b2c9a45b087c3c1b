"""Random valid *watershed* basins (runoff-generated flows) with [[withdrawals]] and [[transfers]]
for whole-model property checks (watershed fuzzing review, 2026-12-05).

make_ws_basin(seed, folder, **opts) writes basin.toml, weather.csv and the series files and returns
a dict of metadata (what was written, for the checks).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np


def _f(x):
    return repr(float(x))


def _topo_up_first(parent):
    def depth(k):
        d = 0
        while parent[k] >= 0:
            k = parent[k]
            d += 1
        return d
    return sorted(range(len(parent)), key=lambda k: -depth(k))


def weather_csv(path, start, end, rng, warm_days=0, dry=False):
    """date, precip_mm, tmean_c, tmin_c, tmax_c from start - warm_days to end."""
    d0 = start - dt.timedelta(days=warm_days)
    n = (end - d0).days + 1
    days = [d0 + dt.timedelta(days=i) for i in range(n)]
    doy = np.array([d.timetuple().tm_yday for d in days])
    t = 12 - 14 * np.cos(2 * np.pi * (doy - 15) / 365.25) + rng.normal(0, 2.5, n)
    wet = rng.random(n) < (0.15 if dry else 0.35)
    p = np.where(wet, rng.gamma(0.7, 12.0, n), 0.0)
    if not dry and rng.random() < 0.5:  # a storm
        k = int(rng.integers(0, n))
        p[k:k + 3] += rng.uniform(40, 150)
    rows = ["# hydro daily forcing", "# synthetic: true", "# seed: 1", "date,precip_mm,tmean_c,tmin_c,tmax_c"]
    for i, d in enumerate(days):
        rows.append(f"{d.isoformat()},{p[i]:.3f},{t[i]:.3f},{t[i] - 5:.3f},{t[i] + 5:.3f}")
    path.write_text("\n".join(rows) + "\n")
    return days


def make_ws_basin(
    seed,
    folder,
    *,
    n_reach=None,
    n_days=None,
    start=None,
    removal=True,
    routing=None,
    sources="diffuse",          # "none", "diffuse" (land use + groundwater), "all" (+ point, rural, livestock,
                                # deposition)
    withdrawals=True,
    transfers=True,
    n_res=None,
    shore=True,                 # subbasins draining straight into reservoirs
    outlet_res=None,            # a reservoir at the outlet (no downstream), with an abstraction series
    initial_c=None,             # None: random; a number: rivers and reservoirs at it
    transfer_c=None,            # None: random per series; a number: every inflow at it
    reorder=None,               # permutation seed for the order of [[reaches]], [[withdrawals]], [[transfers]]
    rename=None,                # a suffix added to every id
    split=None,                 # index of a reach written as two halves (subbasins on the lower half, half the
                                # area each)
    warm_up=0,                  # runoff_warm_up_years; the weather starts that many years earlier
    dry=False,
    big_withdrawal=False,       # flow_m3_s far above the flow (cut to max_share)
    cells=None,
):
    rng = np.random.default_rng(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sfx = rename or ""
    nr = int(n_reach if n_reach is not None else rng.integers(2, 8))
    nd = int(n_days if n_days is not None else rng.integers(60, 400))
    start = start or (dt.date(2003, 1, 1) + dt.timedelta(days=int(rng.integers(0, 700))))
    end = start + dt.timedelta(days=nd - 1)
    routing = routing or ["accumulate", "muskingum-cunge", "auto"][int(rng.integers(0, 3))]
    parent = [-1] + [int(rng.integers(0, i)) for i in range(1, nr)]
    children = {i: [j for j in range(nr) if parent[j] == i] for i in range(nr)}
    nres = int(n_res if n_res is not None else rng.integers(0, 3))
    res_on = sorted(rng.choice(np.arange(1, nr), size=min(nres, nr - 1), replace=False).tolist()) if nr > 1 else []
    outlet_res = bool(rng.random() < 0.3) if outlet_res is None else outlet_res
    rid = [f"r{i}{sfx}" for i in range(nr)]
    sid = {i: f"lake{k}{sfx}" for k, i in enumerate(res_on)}
    olake = f"olake{sfx}"
    weather_csv(folder / "weather.csv", start, end, rng, warm_days=366 * warm_up, dry=dry)
    kr = rng.uniform(0, 0.5) if removal else 0.0
    ks = rng.uniform(0, 0.2) if removal else 0.0
    kres = rng.uniform(0, 0.05) if removal else 0.0
    head = [
        f'[basin]\nname = "ws{seed}"\ndescription = "fuzz watershed"\n',
        f"[run]\nstart = {start.isoformat()}\nend = {end.isoformat()}\ncell_length_km = {_f(rng.uniform(1, 4))}\n"
        f'routing = "{routing}"\nrunoff_warm_up_years = {warm_up}\n',
        '[weather]\ncsv = "weather.csv"\nelevation_m = 300.0\nlatitude_deg = 40.4\n',
        f"[runoff]\nx1_mm = {_f(rng.uniform(100, 600))}\nx2_mm_per_day = {_f(rng.uniform(-1, 0.5))}\n"
        f"x3_mm = {_f(rng.uniform(20, 150))}\nx4_days = {_f(rng.uniform(1.1, 3))}\n"
        f"snow = {str(bool(rng.random() < 0.5)).lower()}\n"
        "ctg = 0.25\nkf_mm_per_c_per_day = 3.0\n",
        f'[[constituents]]\nname = "tn"\nlong_name = "total nitrogen"\nriver_removal_per_day = {_f(kr)}\n'
        f"river_theta = 1.047\nreservoir_removal_per_day = {_f(kres)}\nsettling_velocity_m_per_day = {_f(ks)}\n",
    ]
    reaches = []
    lengths = rng.uniform(2, 30, nr)
    for i in range(nr):
        if i == 0:
            down = olake if outlet_res else ""
        else:
            down = sid[i] if i in sid else rid[parent[i]]
        ve = rng.uniform(0.1, 0.5)
        p = dict(vc=rng.uniform(0.1, 0.6), ve=ve, wc=rng.uniform(2, 15), we=rng.uniform(0.1, min(0.55, 1 - ve)),
                 slope=rng.uniform(2e-4, 5e-3), disp=rng.uniform(0, 40) if rng.random() < 0.6 else 0.0)

        def text(id_, L, dn, p=p):
            t = f'[[reaches]]\nid = "{id_}"\nlength_km = {_f(L)}\n'
            if dn:
                t += f'downstream = "{dn}"\n'
            t += (f"slope_m_per_m = {_f(p['slope'])}\nvelocity_coeff = {_f(p['vc'])}\nvelocity_exp = {_f(p['ve'])}\n"
                  f"width_coeff = {_f(p['wc'])}\nwidth_exp = {_f(p['we'])}\ndispersion_m2_s = {_f(p['disp'])}\n")
            if cells:
                t += f"cells = {cells}\n"
            return t

        if split == i:
            reaches.append(text(rid[i] + "_up", lengths[i] / 2, rid[i]))
            reaches.append(text(rid[i], lengths[i] / 2, down))
        else:
            reaches.append(text(rid[i], lengths[i], down))
    reservoirs = []

    def res_text(name, dn, rr):
        levels = np.array([100.0, 105.0, 110.0, 120.0, 130.0])
        a = np.cumsum(rr.uniform(0.3, 4.0, 5))
        s = np.concatenate([[0.0], np.cumsum((a[1:] + a[:-1]) / 2 * np.diff(levels))])
        fsl = rr.uniform(112, 129)
        fs = np.interp(fsl, levels, s)
        dead = rr.uniform(0.02, 0.2) * fs
        init = rr.uniform(dead, fs) if rr.random() < 0.8 else float(rr.choice([dead, fs]))
        tr = ([round(float(rr.uniform(0.05, 3.0)), 4) for _ in range(12)] if rr.random() < 0.5
              else round(float(rr.uniform(0.05, 3.0)), 4))
        eco = float(rr.uniform(0, 0.3)) if rr.random() < 0.5 else 0.0
        t = (f'[[reservoirs]]\nid = "{name}"\n' + (f'downstream = "{dn}"\n' if dn else "")
             + f"level_m = {json.dumps(levels.tolist())}\narea_km2 = {json.dumps(a.tolist())}\n"
             f"storage_mcm = {json.dumps(s.tolist())}\nfull_supply_level_m = {_f(fsl)}\ndead_storage_mcm = {_f(dead)}\n"
             f"initial_storage_mcm = {_f(init)}\ntarget_release_m3_s = {json.dumps(tr)}\n"
             f"ecological_min_m3_s = {_f(eco)}\n")
        return t, dict(dead=dead, init=init, full=fs)

    res_meta = {}
    for i in res_on:
        t, m = res_text(sid[i], rid[parent[i]], rng)
        reservoirs.append(t)
        res_meta[sid[i]] = m
    if outlet_res:
        t, m = res_text(olake, "", rng)
        reservoirs.append(t)
        res_meta[olake] = m
    all_res = list(res_meta)
    # subbasins
    subs = []
    areas = {}
    sub_areas = {}
    emc_max = 0.0
    for i in range(nr):
        for k in range(1 if rng.random() < 0.7 else 2):
            a = float(rng.uniform(20, 400))
            areas[(i, k)] = a
            sub_id = f"s{i}_{k}{sfx}"
            sub_areas[sub_id] = a
            t = (f'[[subbasins]]\nid = "{sub_id}"\narea_km2 = {_f(a)}\nreach = "{rid[i]}"\n'
                 f'elevation_m = {_f(rng.uniform(200, 1200))}\n'
                 f"precip_factor = {_f(rng.uniform(0.8, 1.2))}\n")
            t += _sources(rng, sources, rid[i], emc_cb := [])
            emc_max = max([emc_max, *emc_cb])
            if split == i:  # half of the land on each half of the reach (same rng draws)
                half = t.replace(f"area_km2 = {_f(a)}", f"area_km2 = {_f(a / 2)}")
                subs.append(half)
                subs.append(half.replace(f'id = "{sub_id}"', f'id = "{sub_id}_up"').replace(
                    f'reach = "{rid[i]}"', f'reach = "{rid[i]}_up"'))
                continue
            subs.append(t)
    if shore:
        for name in all_res:
            if rng.random() < 0.6:
                a = float(rng.uniform(20, 200))
                sub_areas[f"sh_{name}"] = a
                t = (f'[[subbasins]]\nid = "sh_{name}"\narea_km2 = {_f(a)}\nreservoir = "{name}"\n'
                     'elevation_m = 150.0\n')
                t += _sources(rng, "none" if sources == "none" else "diffuse", None, emc_cb := [], water=True)
                emc_max = max([emc_max, *emc_cb])
                subs.append(t)
    # the water each reach surely gets (for requests that fit the load checks): area drained
    drained = {}
    for i in _topo_up_first(parent):
        drained[i] = sum(a for (j, _), a in areas.items() if j == i) + sum(
            drained[c] for c in children[i] if c not in sid)
    wds = []
    wmeta = []
    if withdrawals:
        for k in range(int(rng.integers(1, 5))):
            i = int(rng.integers(0, nr))
            cap = drained[i] * 1e6 * 0.15 / (365.25 * 86400)  # 150 mm a year over the land draining to it
            kind = rng.choice(["const", "monthly", "csv", "loss"], p=[0.3, 0.2, 0.3, 0.2])
            t = f'[[withdrawals]]\nid = "w{k}{sfx}"\nreach = "{rid[i]}"\n'
            if big_withdrawal:
                kind = "const"
            if kind == "const":
                q = cap * (rng.uniform(5, 20) if big_withdrawal else rng.uniform(0.05, 2))
                t += f"flow_m3_s = {_f(q)}\n"
            elif kind == "monthly":
                t += f"flow_m3_s = {json.dumps([round(float(cap * rng.uniform(0, 2)), 5) for _ in range(12)])}\n"
            elif kind == "csv":
                name = f"wd{k}.csv"
                days = [start + dt.timedelta(days=j) for j in range(nd)]
                q = cap * rng.uniform(0, 2, nd)
                rows = "".join(f"{d.isoformat()},{v:.6f}\n" for d, v in zip(days, q, strict=True))
                (folder / name).write_text("date,q\n" + rows)
                t += f'flow_m3_s = {{ csv = "{name}", column = "q" }}\n'
            else:
                t += f"loss_share = {_f(rng.uniform(0.01, 0.8))}\n"
            if kind != "loss" and rng.random() < 0.6:
                t += f"max_share = {_f(rng.uniform(0.1, 1.0))}\n"
            wds.append(t)
            wmeta.append((f"w{k}{sfx}", rid[i], kind))
    trs = []
    tmeta = []
    if transfers:
        targets = [("reach", r) for r in rid] + [("reservoir", s) for s in all_res]
        for k in range(int(rng.integers(1, 4))):
            where, el = targets[int(rng.integers(0, len(targets)))]
            kind = "inflow" if rng.random() < 0.6 else "abstraction"
            if kind == "abstraction" and where == "reservoir" and el != olake:
                kind = "inflow"
            name = f"t{k}.csv"
            c = transfer_c if transfer_c is not None else float(rng.uniform(0.2, 6))
            lines = ["# fuzz series"]
            monthly = rng.random() < 0.3
            if monthly:
                lines.append("date,volume_mcm")
                m0 = dt.date(start.year, start.month, 1)
                y, m = m0.year, m0.month
                while dt.date(y, m, 1) <= end:
                    if rng.random() < 0.85:
                        lines.append(f"{y:04d}-{m:02d},{rng.uniform(0, 3):.4f}")
                    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            else:
                lines.append("date,flow_m3_s")
                d = start - dt.timedelta(days=int(rng.integers(0, 10)))
                while d <= end + dt.timedelta(days=5):
                    if rng.random() < 0.8:  # gaps: days that no row covers carry nothing
                        lines.append(f"{d.isoformat()},{rng.uniform(0, 2):.4f}")
                    d += dt.timedelta(days=1)
            (folder / name).write_text("\n".join(lines) + "\n")
            t = f'[[transfers]]\nid = "t{k}{sfx}"\nkind = "{kind}"\n{where} = "{el}"\ncsv = "{name}"\n'
            if kind == "inflow":
                t += f'tn_mg_per_l = {_f(c)}\norigin = "outside"\n'
            elif where == "reach" and rng.random() < 0.5:
                t += f"max_share = {_f(rng.uniform(0.1, 0.9))}\n"
            trs.append(t)
            tmeta.append((f"t{k}{sfx}", kind, where, el, c if kind == "inflow" else None))
    c0 = initial_c if initial_c is not None else float(rng.uniform(0, 5))
    init = f"[initial]\ntn_mg_per_l = {_f(c0)}\n"
    cres = {}
    for name in all_res:
        cres[name] = initial_c if initial_c is not None else float(rng.uniform(0, 5))
        init += f"[initial.reservoirs.{name}]\ntn_mg_per_l = {_f(cres[name])}\n"
    secs = [f'[[sections]]\nid = "out{sfx}"\nreach = "{rid[0]}"\n']
    for k in range(int(rng.integers(0, 3))):
        secs.append(f'[[sections]]\nid = "sec{k}{sfx}"\nreach = "{rid[int(rng.integers(0, nr))]}"\n'
                    f'position = {_f(rng.uniform(0.05, 1))}\n')
    if reorder is not None:
        r2 = np.random.default_rng(reorder)
        reaches = [reaches[j] for j in r2.permutation(len(reaches))]
        wds = [wds[j] for j in r2.permutation(len(wds))] if False else wds  # order matters on one reach: see below
        # withdrawals on different reaches may be reordered; the relative order of those on one reach is kept
        wds = _reorder_keeping_reach_order(wds, wmeta, r2)
        trs = [trs[j] for j in r2.permutation(len(trs))]
        subs = [subs[j] for j in r2.permutation(len(subs))]
        reservoirs = [reservoirs[j] for j in r2.permutation(len(reservoirs))]
    text = "\n".join(head + reaches + reservoirs + secs + subs + wds + trs) + "\n" + init
    (folder / "basin.toml").write_text(text)
    return dict(nr=nr, nd=nd, start=start, end=end, routing=routing, res=all_res, outlet_res=outlet_res,
                reaches=rid, withdrawals=wmeta, transfers=tmeta, c0=c0, cres=cres, emc_max=emc_max,
                res_meta=res_meta, sub_areas=sub_areas, outlet=(olake if outlet_res else rid[0]))


def _reorder_keeping_reach_order(wds, wmeta, r2):
    by_reach = {}
    for t, m in zip(wds, wmeta, strict=True):
        by_reach.setdefault(m[1], []).append(t)
    seq = []
    for k in r2.permutation(len(wds)):
        seq.append(wmeta[k][1])
    out = []
    for r in seq:
        out.append(by_reach[r].pop(0))
    return out


def _sources(rng, kind, reach, emc_out, water=False):
    if kind == "none":
        return ""
    t = ""
    f = rng.uniform(0.2, 0.8)
    e1, e2 = rng.uniform(0.3, 2), rng.uniform(1, 8)
    emc_out += [e1, e2]
    if water:
        t += f"[subbasins.sources.land_use.forest]\nshare = {_f(0.9 * f)}\nemc_mg_per_l = {_f(e1)}\n"
        t += f"[subbasins.sources.land_use.cropland]\nshare = {_f(0.9 * (1 - f))}\nemc_mg_per_l = {_f(e2)}\n"
        t += "[subbasins.sources.land_use.water]\nshare = 0.1\nemc_mg_per_l = 0.0\n"
        return t
    t += f"[subbasins.sources.land_use.forest]\nshare = {_f(f)}\nemc_mg_per_l = {_f(e1)}\n"
    t += (f"[subbasins.sources.land_use.cropland]\nshare = {_f(1 - f)}\nemc_mg_per_l = {_f(e2)}\n"
          f"fertiliser_kg_per_ha_yr = {_f(rng.uniform(50, 250))}\nuptake_kg_per_ha_yr = {_f(rng.uniform(40, 150))}\n")
    t += (f"[subbasins.sources.groundwater]\nleaching_fraction = {_f(rng.uniform(0.01, 0.1))}\n"
          f"residence_years = {_f(rng.uniform(1, 10))}\n")
    if kind == "all":
        t += ("[subbasins.sources.rural_domestic]\npopulation = 20000\nper_capita_n_g_per_day = 8.0\n"
              "delivery_fraction = 0.3\n"
              "[subbasins.sources.livestock.pig]\nhead = 5000\nexcretion_kg_per_head_yr = 6.1\nloss_fraction = 0.08\n"
              "[subbasins.sources.deposition]\nrate_kg_per_ha_yr = 30.0\nwater_area_km2 = 0.5\n")
        if reach and rng.random() < 0.5:
            t += (f'[[subbasins.sources.point]]\nname = "wwtp"\nreach = "{reach}"\n'
                  f'discharge_m3_per_day = {_f(rng.uniform(500, 5000))}\n'
                  "tn_mg_per_l = 15.0\n")
    return t


def dried_by_withdrawal_basin(folder):
    """Seed 4 of :func:`make_ws_basin` with every withdrawal at ``max_share = 1``: reach 'r2' asks
    54 m3/s, more than it carries, so its own withdrawal dries it (F1 of the watershed fuzzing review, 2026-12-05).

    Returns
    -------
    (Path, str)
        The basin's folder and the id of the reach its withdrawal dries.
    """
    folder = Path(folder)
    make_ws_basin(4, folder, big_withdrawal=True, routing="accumulate")
    p = folder / "basin.toml"
    parts = p.read_text().split("[[withdrawals]]\n")
    fixed = [parts[0]]
    for x in parts[1:]:
        head, sep, rest = x.partition("[[transfers]]")
        fixed.append("max_share = 1.0\n" + re.sub(r"max_share = [0-9.e-]+\n", "", head) + sep + rest)
    p.write_text("[[withdrawals]]\n".join(fixed))
    return folder, "r2"
