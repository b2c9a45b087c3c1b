"""Adversarial sweep of hydro.transport: source tags, species and positivity on swinging flows.

Usage: python3 benchmarks/adversarial_transport.py S0 S1 [--jobs N]   (seeds S0..S1-1)
       python3 benchmarks/adversarial_transport.py --one SEED PATH    (one seed and path, verbose)

Per seed: a random tree (2-6 reaches, a reservoir on about half, swinging daily flows with near-zero
headwater inflows on some days), flux inlets (non-dispersive inlets on dispersive reaches) whose
composition by species and source switches day to day, two constituents: a reacting one of 1-4
species (reactions up to ~3000 d-1, random removal) and a plain one (1 species, removal only), each
split over 1-6 source tags.  Six paths: K in (1, 7, 31) x local_steps (off, forced on).  Three variants
per path: tagged (n_src tags), summed (one tag, loads summed), regrouped (tags merged in pairs).

Metrics (per seed and path, worst over the three variants / arrays; scale: the constituent's largest
species value in that array): spc_pos, tag_pos = min of species sums / of single tags over
section_, reach_ and final_concentration; plain_pos = tag_pos of 1-species unreacting constituents;
add_tag / add_reg = max |species summed over tags - the summed run's species| (tagged / regrouped) on
the three concentration arrays; add_load the same on reach_load and section_load (tagged and
regrouped); closure = max of res.closure(network/reach/reservoir) over the variants.
Ablation switches (env): SWEEP_NO_TINY, SWEEP_NO_WITHDRAW, SWEEP_NO_SWITCH, SWEEP_BIG_LAKE.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import traceback

import numpy as np

PATHS = [(k, ls) for ls in (False, True) for k in (1, 7, 31)]
PATH_NAMES = [f"K{k}{'-LS' if ls else ''}" for k, ls in PATHS]
ARRAYS = ("section_concentration", "reach_concentration", "final_concentration")
DAY = 86400.0


def build_case(seed):
    from hydro.network import Network, Reach, Reservoir, Section
    from hydro.transport import Constituent, Reaction
    from hydro.validation.problems import empty_inputs

    rng = np.random.default_rng(1000 + seed)
    n_reach = int(rng.integers(2, 7))
    n_day = int(rng.integers(20, 61))
    reservoir = rng.random() < 0.5
    ids = [f"r{i}" for i in range(n_reach)]
    res_at = int(rng.integers(0, n_reach - 1)) if reservoir else -1
    reaches = []
    for i in range(n_reach):
        # (the draws in this order: a seed's case is the same as in the sweeps docs/solver.md reports)
        if i == n_reach - 1:
            down = None
        elif i == res_at:
            down = "lake"
        else:
            down = ids[int(rng.integers(i + 1, min(n_reach, i + 3)))]
        reaches.append(Reach(id=ids[i], name=ids[i], length_m=float(rng.uniform(2e3, 9e3)), downstream=down,
                             velocity_coeff=float(rng.uniform(0.15, 0.5)), velocity_exp=float(rng.uniform(0, 0.4)),
                             width_coeff=float(rng.uniform(3, 16)), width_exp=float(rng.uniform(0.1, 0.4)),
                             dispersion_m2_s=float(10 ** rng.uniform(-1.5, 1.6)) if rng.random() < 0.85 else 0.0,
                             n_cells=int(rng.integers(1, 7))))
    res = []
    if res_at >= 0:
        below = ids[int(rng.integers(res_at + 1, n_reach))]
        res.append(Reservoir(id="lake", name="lake", downstream=below, level_m=(0.0, 50.0), area_m2=(1e5, 2e6),
                             storage_m3=(0.0, 5e7), full_supply_level_m=45.0, dead_storage_m3=0.0,
                             initial_storage_m3=2e6, target_release_m3_s=(1.0,) * 12, ecological_min_m3_s=0.0))
    sections = tuple(Section(id=f"s{k}", name=f"s{k}", reach=ids[int(rng.integers(0, n_reach))],
                             position=float(rng.choice([0.0, 0.02, rng.uniform(0.05, 1.0), 1.0])))
                     for k in range(4))
    net = Network(tuple(reaches), tuple(res), sections)
    lay = net.layout
    n_res = len(res)

    # swinging flows: log-uniform headwater inflows over 5 decades, some days near zero
    bnd = np.where(lay.headwater, 10 ** rng.uniform(-1.0, 1.3, (n_day, n_reach)), 0.0)
    tiny = rng.random((n_day, n_reach)) < 0.2
    if os.environ.get("SWEEP_NO_TINY"):
        tiny[:] = False
    bnd = np.where(lay.headwater & tiny, 10 ** rng.uniform(-5, -2.5, (n_day, n_reach)), bnd)
    lateral = 10 ** rng.uniform(-3, 0.5, (n_day, n_reach))
    withdraw = rng.random(n_reach) < 0.3
    release = 10 ** rng.uniform(-1.5, 1.5, (n_day, n_res))
    q_in = np.zeros((n_day, n_reach))
    q_out = np.zeros((n_day, n_reach))
    lat = np.zeros((n_day, n_reach))
    for d in range(n_day):
        into = bnd[d].copy()
        for kind, j in lay.order:
            if kind == 1:
                q_in[d, j] = into[j]
                lat[d, j] = lateral[d, j]
                if withdraw[j] and not os.environ.get("SWEEP_NO_WITHDRAW"):
                    lat[d, j] = -rng.uniform(0.0, 0.7) * into[j]
                q_out[d, j] = into[j] + lat[d, j]
                if lay.reach_down_kind[j] == 1:
                    into[lay.reach_down_index[j]] += q_out[d, j]
            else:
                into[lay.res_down_index[j]] += release[d, j]
    n_sp = int(rng.integers(1, 5))
    n_src = int(rng.integers(1, 7))
    names = [f"x{i}" for i in range(n_sp)]
    species = tuple(Constituent(x, x, river_removal_per_day=float(rng.uniform(0, 0.5)) * (rng.random() < 0.7),
                                river_theta=1.05, reservoir_removal_per_day=float(rng.uniform(0, 0.3)),
                                settling_velocity_m_per_day=float(rng.uniform(0, 0.3)) * (rng.random() < 0.5))
                    for x in names)
    rx = []
    for a in range(n_sp):
        for b in range(a + 1, n_sp):
            if rng.random() < 0.6:
                rx.append(Reaction(names[a], names[b], float(10 ** rng.uniform(-2, 3.5)), 1.05,
                                   float(10 ** rng.uniform(-2, 3.5)), 1.05))
        if rng.random() < 0.2:
            rx.append(Reaction(names[a], None, float(10 ** rng.uniform(-1, 2)), 1.05, 0.1, 1.05))
    reacting = Constituent("t", "t", species=species, reactions=tuple(rx)) if n_sp > 1 or rx else species[0]
    plain = Constituent("p", "p", river_removal_per_day=float(rng.uniform(0, 0.5)), river_theta=1.05,
                        reservoir_removal_per_day=0.02, settling_velocity_m_per_day=0.05)
    consts = [reacting, plain]
    n_spc = [n_sp, 1]  # species per constituent
    n_s = n_sp + 1  # species in all

    # loads per species (last species: the plain constituent) and source: (D, R, S, J) etc.
    def switching(shape_dr):
        base = 10 ** rng.uniform(-1, 1, shape_dr + (n_s, n_src))
        on = rng.random(shape_dr + (n_s, n_src)) < 0.55  # composition switches day to day
        if os.environ.get("SWEEP_NO_SWITCH"):
            on = np.broadcast_to(on[:1, :1] if on.ndim == 4 else on[:1], on.shape)
            base = np.broadcast_to(base[:1, :1] if base.ndim == 4 else base[:1], base.shape)
        return base * on

    hw = lay.headwater[None, :, None, None]
    bflux = switching((n_day, n_reach)) * bnd[:, :, None, None] * hw  # g/s = conc * Q
    dispersive_inlet = lay.headwater & (rng.random(n_reach) < 0.3)
    lat_load = switching((n_day, n_reach)) * np.maximum(lateral, 0)[:, :, None, None]
    lat_load = lat_load * (rng.random((1, n_reach, 1, 1)) < 0.6)
    n_pt = 2
    point_cell = rng.integers(0, lay.n_cells, n_pt)
    point_load = switching((n_day, n_pt)) * (rng.random((1, n_pt, 1, 1)) < 0.5)
    res_load = switching((n_day, n_res)) * (rng.random() < 0.6)
    init_conc = 10 ** rng.uniform(-1, 0.5, (lay.n_cells, n_s, n_src)) * (rng.random((lay.n_cells, n_s, n_src)) < 0.5)
    init_res = 10 ** rng.uniform(-1, 0.5, (n_res, n_s, n_src)) * (rng.random((n_res, n_s, n_src)) < 0.5)

    kw = empty_inputs(net, n_day, 1, q_in, q_out, n_point=n_pt)
    kw["lateral"] = lat
    if n_res:
        vol = np.empty((n_day + 1, 1))
        vol[:, 0] = 10 ** rng.uniform(1, 6.7, n_day + 1)
        vol[0, 0] = 2e6
        if os.environ.get("SWEEP_BIG_LAKE"):
            vol[:, 0] = 2e7
        kw["res_volume"] = vol
        kw["res_outflow"] = release
        kw["res_area"] = 10 ** rng.uniform(4, 6.3, (n_day, 1))
    kw["reach_temp"] = rng.uniform(0, 28, (n_day, n_reach))
    kw["res_temp"] = rng.uniform(2, 28, (n_day, n_res))
    kw["period_of_day"] = (np.arange(n_day) * 3 // n_day).astype(np.int64)
    kw["dispersive_inlet"] = dispersive_inlet
    kw["point_cell"] = point_cell
    loads = dict(boundary_flux=bflux, lateral_load=lat_load, point_load=point_load, res_load=res_load,
                 init_conc=init_conc, init_res_conc=init_res)
    desc = dict(n_reach=n_reach, n_day=n_day, res=bool(n_res), n_sp=n_sp, n_rx=len(rx), n_src=n_src,
                max_rate=max([r.river_rate_per_day for r in rx], default=0.0))
    return net, consts, n_spc, kw, loads, bnd, desc


def regroup(n_src):
    """Tag index map of the regrouped variant: tags merged in pairs (0,1)->0, (2,3)->1, ..."""
    return np.arange(n_src) // 2


def variant_inputs(kw, loads, bnd, groups_of_src, n_new):
    """Inputs (T = species-major: constituent blocks, species blocks, tags) for ``n_new`` tags,
    source j going to tag groups_of_src[j]."""
    out = dict(kw)
    for key, arr in loads.items():
        lead = arr.shape[:-1]
        new = np.zeros(lead + (n_new,))
        for j, g in enumerate(groups_of_src):
            new[..., g] += arr[..., j]
        out[key] = new.reshape(lead[:-1] + (lead[-1] * n_new,))  # (..., S*n_new): species s, tag k at s*n_new+k
    q = np.maximum(bnd, 1e-300)[:, :, None]
    out["boundary_conc"] = np.where(bnd[:, :, None] > 0, out["boundary_flux"] / q, 0.0)
    return out


def run_variant(net, consts, kw, n_tags, every, local):
    from hydro.transport import TransportInputs, simulate, tracer_layout
    from hydro.transport_args import LocalSteps

    lay = tracer_layout(consts, [f"j{k}" for k in range(n_tags)])
    return simulate(net, lay.tracers, TransportInputs(**kw), groups=lay.groups, group_species=lay.group_species,
                    reactions=lay.reactions, dispersion_every=every,
                    local_steps=LocalSteps(min_gain=1e-9) if local else None)


def species_sum(a, n_s, n_tags):
    return a.reshape(a.shape[:-1] + (n_s, n_tags)).sum(axis=-1)


def one_seed(seed, paths=None):
    net, consts, n_spc, kw, loads, bnd, desc = build_case(seed)
    n_s, n_src = sum(n_spc), desc["n_src"]
    rg = regroup(n_src)
    n_rg = int(rg.max()) + 1
    variants = {"tag": (variant_inputs(kw, loads, bnd, np.arange(n_src), n_src), n_src),
                "sum": (variant_inputs(kw, loads, bnd, np.zeros(n_src, dtype=int), 1), 1),
                "reg": (variant_inputs(kw, loads, bnd, rg, n_rg), n_rg)}
    rows = {}
    for pi, (every, local) in enumerate(PATHS):
        name = PATH_NAMES[pi]
        if paths is not None and name not in paths:
            continue
        try:
            runs = {v: run_variant(net, consts, kv, nt, every, local) for v, (kv, nt) in variants.items()}
        except Exception as exc:
            rows[name] = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
            continue
        m = {"tag_pos": 0.0, "spc_pos": 0.0, "plain_pos": 0.0, "add_tag": 0.0, "add_reg": 0.0, "add_load": 0.0,
             "closure": 0.0}
        where = {}
        for v, res in runs.items():
            for lvl in ("network", "reach", "reservoir"):
                c = res.closure(lvl)
                if not np.isfinite(c) or c > m["closure"]:
                    m["closure"] = float(c)
                    where["closure"] = f"{v}:{lvl}"
        for arrn in ARRAYS:
            a_t = getattr(runs["tag"], arrn)
            if a_t.size == 0:
                continue
            ref = species_sum(getattr(runs["sum"], arrn), n_s, 1)  # (..., n_s)
            for v, key in (("tag", "add_tag"), ("reg", "add_reg")):
                a = getattr(runs[v], arrn)
                s = species_sum(a, n_s, variants[v][1])
                # per constituent: relative to the constituent's largest species value
                err = 0.0
                off = 0
                for ns in n_spc:
                    sc = max(np.abs(ref[..., off:off + ns]).max(), 1e-300)
                    err = max(err, np.abs(s[..., off:off + ns] - ref[..., off:off + ns]).max() / sc)
                    off += ns
                if err > m[key]:
                    m[key] = float(err)
                    where[key] = arrn
            # positivity: of tags and species sums (each variant), relative to the constituent's largest
            for v, res in runs.items():
                a = getattr(res, arrn)
                ntv = variants[v][1]
                a4 = a.reshape(a.shape[:-1] + (n_s, ntv))
                s = a4.sum(axis=-1)
                off = 0
                for ci, ns in enumerate(n_spc):
                    blk = a4[..., off:off + ns, :]
                    sc = max(np.abs(s[..., off:off + ns]).max(), 1e-300)
                    tmin = float(blk.min() / sc)
                    smin = float(s[..., off:off + ns].min() / sc)
                    if tmin < m["tag_pos"]:
                        m["tag_pos"], where["tag_pos"] = tmin, f"{v}:{arrn}:c{ci}"
                    if smin < m["spc_pos"]:
                        m["spc_pos"], where["spc_pos"] = smin, f"{v}:{arrn}:c{ci}"
                    plain = ci == len(n_spc) - 1 or (ns == 1 and not desc["n_rx"])
                    if plain and tmin < m["plain_pos"]:
                        m["plain_pos"], where["plain_pos"] = tmin, f"{v}:{arrn}:c{ci}"
                    off += ns
        for arrn in ("reach_load", "section_load"):  # tags adding up on loads (no division by a flow)
            ref = species_sum(getattr(runs["sum"], arrn), n_s, 1)
            if ref.size == 0:
                continue
            for v in ("tag", "reg"):
                s = species_sum(getattr(runs[v], arrn), n_s, variants[v][1])
                off = 0
                for ns in n_spc:
                    sc = max(np.abs(ref[..., off:off + ns]).max(), 1e-300)
                    err = float(np.abs(s[..., off:off + ns] - ref[..., off:off + ns]).max() / sc)
                    if err > m["add_load"]:
                        m["add_load"], where["add_load"] = err, f"{v}:{arrn}"
                    off += ns
        m["where"] = where
        m["substeps"] = int(runs["tag"].substeps.sum())
        rows[name] = m
    return desc, rows


def worker(seeds):
    for seed in seeds:
        t0 = time.time()
        try:
            desc, rows = one_seed(seed)
            out = {"seed": seed, "desc": desc, "rows": rows}
        except Exception as exc:
            out = {"seed": seed, "error": f"{type(exc).__name__}: {exc}", "tb": traceback.format_exc()[-800:]}
        out["secs"] = round(time.time() - t0, 1)
        print(json.dumps(out), flush=True)


def warm():
    """Compile (or load) the kernels once before the workers start (a cold cache would compile twice)."""
    net, consts, _, kw, loads, bnd, desc = build_case(0)
    kv = variant_inputs(kw, loads, bnd, np.zeros(desc["n_src"], dtype=int), 1)
    for every, local in PATHS:
        with contextlib.suppress(Exception):  # (a path the API refuses is reported by the sweep itself)
            run_variant(net, consts, kv, 1, every, local)


def fmt(x):
    return f"{x:+.1e}" if isinstance(x, float) else str(x)


def main(argv):
    import hydro

    if argv and argv[0] == "--one":
        seed = int(argv[1])
        paths = argv[2:] or None
        desc, rows = one_seed(seed, paths)
        print("hydro:", hydro.__file__, "seed", seed, desc)
        for k, v in rows.items():
            print(k, json.dumps(v))
        return
    jobs = 2
    if "--jobs" in argv:
        i = argv.index("--jobs")
        jobs = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    s0, s1 = int(argv[0]), int(argv[1])
    print(f"# hydro: {hydro.__file__}  seeds {s0}..{s1 - 1}  paths {' '.join(PATH_NAMES)}", flush=True)
    t0 = time.time()
    warm()
    print(f"# warm-up {time.time() - t0:.0f} s", flush=True)
    todo = list(range(s0, s1))
    results = {}
    while todo:
        chunks = [todo[i::jobs] for i in range(jobs)]
        procs = [subprocess.Popen([sys.executable, __file__, "--worker", *map(str, c)], stdout=subprocess.PIPE,
                                  text=True, env=os.environ.copy()) for c in chunks if c]
        for p in procs:
            for line in p.stdout:
                if line.startswith("{"):
                    r = json.loads(line)
                    results[r["seed"]] = r
            p.wait()
        missing = [s for s in todo if s not in results]
        if missing == todo:  # a worker died on its first seed: record and move on
            results[missing[0]] = {"seed": missing[0], "error": "worker crashed"}
            missing = missing[1:]
        todo = missing
    keys = ("spc_pos", "tag_pos", "plain_pos", "add_tag", "add_reg", "add_load", "closure")
    print("\n# per seed and path: " + " ".join(keys) + "  (where)")
    worst = {p: dict.fromkeys(keys, (0.0, None)) for p in PATH_NAMES}
    errors = dict.fromkeys(PATH_NAMES, 0)
    for seed in sorted(results):
        r = results[seed]
        if "error" in r:
            print(f"seed {seed}: ERROR {r['error']} {r.get('tb', '')}")
            continue
        print(f"seed {seed} {json.dumps(r['desc'])} {r['secs']} s")
        for p in PATH_NAMES:
            m = r["rows"].get(p)
            if m is None:
                continue
            if "error" in m:
                errors[p] += 1
                print(f"  {p:7s} ERROR {m['error']}")
                continue
            print(f"  {p:7s} " + " ".join(f"{fmt(m[k]):>9s}" for k in keys) + f"  {json.dumps(m['where'])}")
            for k in keys:
                lo = k in ("spc_pos", "tag_pos", "plain_pos")
                v = m[k]
                cur = worst[p][k][0]
                if (lo and v < cur) or (not lo and (v > cur or not np.isfinite(v))):
                    worst[p][k] = (v, seed)
    print("\n# SUMMARY: worst per path over seeds (value @ seed)")
    print(f"{'path':8s}" + "".join(f"{k:>17s}" for k in keys) + "  errors")
    for p in PATH_NAMES:
        print(f"{p:8s}" + "".join(f"{fmt(worst[p][k][0]) + ' @' + str(worst[p][k][1]):>17s}" for k in keys)
              + f"  {errors[p]}")
    print(f"# total {time.time() - t0:.0f} s")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker([int(s) for s in sys.argv[2:]])
    else:
        main(sys.argv[1:])
