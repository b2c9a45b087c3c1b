"""Compiling a scenario: measures -> basin overrides (yearly tables) and yearly costs.

A measure changes source parameters of the subbasins it names, from its first
year, ramping linearly to its target (:meth:`Measure.ramp`).  Compiling reads the
basin file's own values (numbers or tables of years), applies the measures of a
scenario in file order to one yearly array per parameter, and writes each changed
parameter back as a ``--set``-style override with **one value per year**
(``subbasins.w1.sources.rural_domestic.connected_share={2015=0.1,2016=0.22,...}``),
so the source model's year interpolation reproduces the composed values exactly.

What each kind changes (f = the ramp share of the year; "base" = the value before
the measure, which may itself change from year to year) is listed in
:data:`EFFECTS` and in ``docs/scenarios.md``.  A measure never makes a parameter
worse than its base value.

Costs: each measure has a quantity ``Q(y)`` in its kind's unit (persons
connected, households, m3/d, ha, head, m3) per subbasin and year.  Capital is
``capital_yuan_per_unit x max(Q(y) - Q(y-1), 0)`` spent in year y, counted either
in that year (``cost_method = "spent"``) or as an annuity
``capital x r / (1 - (1 + r)^-L)`` over the L years of its life from that year
(``"annualised"``); operating cost is ``operating_yuan_per_unit_yr x Q(y)``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.scenarios.spec import Measure, ScenarioFile, Where
from hydro.sources.yearly import Origin, as_series

#: Defaults of the source parameters a measure may read when the basin omits them.
_DEFAULTS = {"connected_share": 0.0, "treatment_removal": 0.0, "managed_share": 0.0,
             "managed_loss_fraction": 0.0, "fertiliser_kg_per_ha_yr": 0.0}

EFFECTS = {
    "sewage_connection": "rural_domestic.connected_share -> base + f*max(target - base, 0); "
                         "treatment_removal likewise when given",
    "toilet_upgrade": "rural_domestic.delivery_fraction -> base * (1 - delivery_reduction * coverage * f)",
    "wwtp_upgrade": "point[plant].tn_mg_per_l -> base - f*max(base - target, 0)",
    "fertiliser_reduction": "land_use.<class>.fertiliser_kg_per_ha_yr -> base * (1 - reduction * f); "
                            "emc_mg_per_l -> base * (1 - emc_reduction * f) when given",
    "manure_management": "livestock.<type>.managed_share -> base + f*max(target - base, 0); the newly "
                         "managed excreta lose min(managed_loss_fraction, loss_fraction) (default: the "
                         "base managed loss)",
    "riparian_buffer": "land_use.<class>.emc_mg_per_l -> base * (1 - removal_efficiency * treated_share * f)",
    "constructed_wetland": "as riparian_buffer",
    "afforestation": "land_use shares: from_class -> base - d, to_class -> base + d, "
                     "d = f * converted_share (or f * fraction_of_class * from share in the first year)",
    "protection_zone": "as afforestation, on the subbasins draining into a reservoir",
    "ecological_release": "reservoirs.<id>.ecological_min_m3_s -> value (not yearly: the whole run)",
}


@dataclass
class BasinInfo:
    """What compiling needs from a basin file, read from its parsed TOML.

    Attributes
    ----------
    path : Path
    raw : dict
        The parsed file (not modified).
    subbasins : list of dict
        The ``[[subbasins]]`` tables.
    """

    path: Path
    raw: dict
    subbasins: list = field(default_factory=list)

    @classmethod
    def load(cls, spec) -> "BasinInfo":
        from hydro.basin import resolve_basin
        from hydro.tomlio import load_toml

        path = resolve_basin(spec)
        raw = load_toml(path)
        subs = raw.get("subbasins", [])
        if not subs:
            raise HydroError(f"{path}: scenarios need a watershed basin ([[subbasins]] with sources)")
        return cls(path, raw, subs)

    @property
    def ids(self) -> list[str]:
        return [s["id"] for s in self.subbasins]

    def attr(self, key: str) -> list[str]:
        return [str(s.get(key, "")) for s in self.subbasins]

    @property
    def area_km2(self) -> np.ndarray:
        return np.array([float(s["area_km2"]) for s in self.subbasins])

    @property
    def reservoir_ids(self) -> list[str]:
        return [r["id"] for r in self.raw.get("reservoirs", [])]

    def sources(self, i: int) -> dict:
        return self.subbasins[i].get("sources", {})


def select(info: BasinInfo, where: Where, file: Path, key: str) -> list[int]:
    """Indices of the subbasins matching ``where``; unknown names are errors naming ``key``."""
    n = len(info.subbasins)
    keep = np.ones(n, dtype=bool)
    if where.everywhere:
        return list(range(n))
    for crit, attr in (("subbasins", "id"), ("counties", "county"), ("provinces", "province")):
        names = getattr(where, crit)
        if names is None:
            continue
        known = info.attr(attr)
        for name in names:
            if name not in known:
                have = sorted({k for k in known if k})
                raise HydroError(f"{file}: key '{key}.{crit}': unknown {attr} '{name}' in basin "
                                 f"{info.path}" + suggest(name, have) + f"; the basin has: {', '.join(have)}")
        keep &= np.array([k in names for k in known])
    if where.reservoir is not None:
        if where.reservoir not in info.reservoir_ids:
            raise HydroError(f"{file}: key '{key}.reservoir': unknown reservoir '{where.reservoir}'"
                             + suggest(where.reservoir, info.reservoir_ids)
                             + f"; the basin has: {', '.join(info.reservoir_ids) or 'none'}")
        keep &= np.array([s.get("reservoir") == where.reservoir for s in info.subbasins])
    if not keep.any():
        raise HydroError(f"{file}: key '{key}': no subbasin of {info.path} matches all of these criteria")
    return [int(i) for i in np.nonzero(keep)[0]]


@dataclass
class Compiled:
    """A compiled scenario.

    Attributes
    ----------
    scenario : str
    overrides : list of str
        ``key.path=value`` assignments for :meth:`hydro.basin.Basin.load`.
    years : ndarray of int
        The years of ``capital`` and ``operating`` (the run's years).
    capital, operating : dict
        ``(measure id, subbasin index) -> yuan per year`` over ``years``.
    quantity : dict
        ``(measure id, subbasin index) -> Q(y)`` in the kind's unit.
    buffer_removed_mg_per_l : ndarray [year, subbasin]
        Σ_c share_c · (EMC without buffers − EMC with buffers): multiplied by the
        quick-flow volume it gives the N that buffers and wetlands keep out (kg).
    notes : list of str
    """

    scenario: str
    overrides: list
    years: np.ndarray
    capital: dict
    operating: dict
    quantity: dict
    buffer_removed_mg_per_l: np.ndarray
    notes: list

    def cost(self, measure: str | None = None) -> np.ndarray:
        """Total yuan per year (of one measure, or of all)."""
        out = np.zeros(len(self.years))
        for (m, _), v in self.capital.items():
            if measure in (None, m):
                out += v
        for (m, _), v in self.operating.items():
            if measure in (None, m):
                out += v
        return out


class _State:
    """Yearly arrays of the parameters being changed, keyed by override path."""

    def __init__(self, info: BasinInfo, years: np.ndarray):
        self.info = info
        self.years = years
        self.values: dict[tuple, np.ndarray] = {}
        self.read: dict[tuple, np.ndarray] = {}
        self.new_classes: dict[tuple[int, str], float] = {}

    def get(self, i: int, path: tuple, raw_value, default=None) -> np.ndarray:
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
        self.values[(i,) + path] = np.asarray(value, dtype=float)

    def overrides(self) -> list[str]:
        out = []
        yrs = [int(y) for y in self.years]

        def table(arr):
            return "{" + ",".join(f"{y}={float(v)!r}" for y, v in zip(yrs, arr)) + "}"

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


def compile_scenario(info: BasinInfo, sfile: ScenarioFile, scenario_id: str, years) -> Compiled:
    """Compile one scenario of ``sfile`` against the basin for the run's ``years``.

    Raises
    ------
    HydroError
        For a measure naming a subbasin, county, province, reservoir, land-use
        class, livestock type or plant the basin lacks (naming the file and key).
    """
    years = np.asarray(sorted(int(y) for y in years), dtype=np.int64)
    scen = sfile.scenario(scenario_id)
    measures = [sfile.measures[m] for m in scen.measures]
    first = min([int(years[0])] + [m.years[0] for m in measures]) - 1
    ext = np.arange(first, int(years[-1]) + 1)
    state = _State(info, ext)
    n_sub = len(info.subbasins)
    buffer_factor: dict[tuple[int, str], np.ndarray] = {}
    quantity: dict[tuple[str, int], np.ndarray] = {}
    notes: list[str] = []
    overrides_extra: list[str] = []
    for m in measures:
        f = np.array([m.ramp(y) for y in ext])
        subs = select(info, m.where, sfile.path, f"{m.key}.where")
        q = _apply(m, f, subs, state, info, sfile, buffer_factor, notes, overrides_extra)
        for i, arr in q.items():
            quantity[(m.id, i)] = arr
    # buffers: N kept out per unit quick flow = Σ_c share_c emc_c (1/b_c - 1)
    removed = np.zeros((len(ext), n_sub))
    for (i, cls), b in buffer_factor.items():
        src = info.sources(i).get("land_use", {}).get(cls, {})
        share = state.get(i, ("land_use", cls, "share"), src.get("share"))
        emc = state.get(i, ("land_use", cls, "emc_mg_per_l"), src.get("emc_mg_per_l"))
        removed[:, i] += share * emc * (1.0 / b - 1.0)
    capital, operating = {}, {}
    in_run = ext >= years[0]
    for (mid, i), qv in quantity.items():
        m = sfile.measures[mid]
        added = np.maximum(np.diff(qv, prepend=0.0), 0.0) * m.costs.capital_yuan_per_unit
        if sfile.cost_method == "annualised":
            added = annualise(added, m.costs.lifetime_years, sfile.discount_rate)
        capital[(mid, i)] = added[in_run]
        operating[(mid, i)] = (qv * m.costs.operating_yuan_per_unit_yr)[in_run]
        quantity[(mid, i)] = qv[in_run]
    return Compiled(scenario_id, state.overrides() + overrides_extra, years, capital, operating,
                    quantity, removed[in_run], notes)


def annualise(spent: np.ndarray, lifetime_years: float, rate: float) -> np.ndarray:
    """Spread capital spent in each year as equal annuities over its life from that year.

    The annuity is ``C r / (1 - (1 + r)^-L)`` (``C / L`` when r = 0), L = lifetime
    rounded to whole years (at least 1); annuities past the last year are dropped.
    """
    life = max(1, int(round(lifetime_years)))
    crf = 1.0 / life if rate == 0 else rate / (1.0 - (1.0 + rate) ** -life)
    out = np.zeros_like(spent, dtype=float)
    for t, c in enumerate(spent):
        if c:
            out[t:t + life] += c * crf
    return out


def _fail(sfile, m: Measure, key: str, what: str, name: str, known) -> HydroError:
    known = sorted(set(known))
    return HydroError(f"{sfile.path}: key '{m.key}.{key}': unknown {what} '{name}'" + suggest(name, known)
                      + f" in the selected subbasins; they have: {', '.join(known) or 'none'}")


def _apply(m: Measure, f, subs, state: _State, info: BasinInfo, sfile, buffer_factor, notes,
           overrides_extra) -> dict[int, np.ndarray]:
    """Apply one measure to the state; return its quantity per subbasin (over the state's years)."""
    k, num = m.kind, m.numbers
    out: dict[int, np.ndarray] = {}
    area = info.area_km2
    if k in ("sewage_connection", "toilet_upgrade"):
        for i in subs:
            rd = info.sources(i).get("rural_domestic")
            if rd is None:
                notes.append(f"{m.id}: subbasin {info.ids[i]} has no rural_domestic source; skipped")
                continue
            pop = state.get(i, ("rural_domestic", "population"), rd.get("population"))
            if k == "sewage_connection":
                c0 = state.get(i, ("rural_domestic", "connected_share"), rd.get("connected_share"), 0.0)
                c1 = c0 + f * np.maximum(num["connected_share"] - c0, 0.0)
                state.set(i, ("rural_domestic", "connected_share"), c1)
                if "treatment_removal" in num:
                    r0 = state.get(i, ("rural_domestic", "treatment_removal"), rd.get("treatment_removal"), 0.0)
                    state.set(i, ("rural_domestic", "treatment_removal"),
                              r0 + f * np.maximum(num["treatment_removal"] - r0, 0.0))
                out[i] = pop * (c1 - c0)
            else:
                d0 = state.get(i, ("rural_domestic", "delivery_fraction"), rd.get("delivery_fraction"))
                share = num["coverage"] * f
                state.set(i, ("rural_domestic", "delivery_fraction"), d0 * (1.0 - num["delivery_reduction"] * share))
                out[i] = pop * share / num["persons_per_household"]
    elif k == "wwtp_upgrade":
        wanted = m.lists.get("plants")
        seen = set()
        for i in subs:
            for p in info.sources(i).get("point", []):
                if wanted is not None and p["name"] not in wanted:
                    continue
                seen.add(p["name"])
                path = ("point", p["name"], "tn_mg_per_l")
                c0 = state.get(i, path, p.get("tn_mg_per_l"))
                state.set(i, path, c0 - f * np.maximum(c0 - num["tn_mg_per_l"], 0.0))
                q = state.get(i, ("point", p["name"], "discharge_m3_per_day"), p.get("discharge_m3_per_day"))
                out[i] = out.get(i, 0.0) + q * f * (c0 > num["tn_mg_per_l"])
        for name in wanted or ():
            if name not in seen:
                raise _fail(sfile, m, "plants", "plant", name,
                            [p["name"] for i in subs for p in info.sources(i).get("point", [])])
        if not seen:
            notes.append(f"{m.id}: no point source in the selected subbasins; nothing upgraded")
    elif k in ("fertiliser_reduction", "riparian_buffer", "constructed_wetland"):
        wanted = m.lists.get("classes") or (("cropland",) if k == "fertiliser_reduction" else None)
        present = {c for i in subs for c in info.sources(i).get("land_use", {})}
        for name in wanted or ():
            if name not in present:
                raise _fail(sfile, m, "classes", "land-use class", name, present)
        for i in subs:
            lu = info.sources(i).get("land_use", {})
            classes = [c for c in lu if (c in wanted if wanted else c != "water")]
            if k == "fertiliser_reduction":
                ha = np.zeros(len(f))
                for c in classes:
                    fe = state.get(i, ("land_use", c, "fertiliser_kg_per_ha_yr"),
                                   lu[c].get("fertiliser_kg_per_ha_yr"), 0.0)
                    state.set(i, ("land_use", c, "fertiliser_kg_per_ha_yr"), fe * (1.0 - num["reduction"] * f))
                    if "emc_reduction" in num:
                        emc = state.get(i, ("land_use", c, "emc_mg_per_l"), lu[c].get("emc_mg_per_l"))
                        state.set(i, ("land_use", c, "emc_mg_per_l"), emc * (1.0 - num["emc_reduction"] * f))
                    share = state.get(i, ("land_use", c, "share"), lu[c].get("share"))
                    ha = ha + share * area[i] * 100.0 * f
                if classes:
                    out[i] = ha
            else:
                factor = 1.0 - num["removal_efficiency"] * num["treated_share"] * f
                for c in classes:
                    emc = state.get(i, ("land_use", c, "emc_mg_per_l"), lu[c].get("emc_mg_per_l"))
                    state.set(i, ("land_use", c, "emc_mg_per_l"), emc * factor)
                    buffer_factor[(i, c)] = buffer_factor.get((i, c), 1.0) * factor
                if classes:
                    out[i] = num["area_ha_per_km2"] * area[i] * f
    elif k == "manure_management":
        wanted = m.lists.get("types")
        present = {t for i in subs for t in info.sources(i).get("livestock", {})}
        for name in wanted or ():
            if name not in present:
                raise _fail(sfile, m, "types", "livestock type", name, present)
        for i in subs:
            ls = info.sources(i).get("livestock", {})
            for t in ls:
                if wanted and t not in wanted:
                    continue
                base = ("livestock", t)
                m0 = state.get(i, base + ("managed_share",), ls[t].get("managed_share"), 0.0)
                l0 = state.get(i, base + ("managed_loss_fraction",), ls[t].get("managed_loss_fraction"), 0.0)
                m1 = m0 + f * np.maximum(num["managed_share"] - m0, 0.0)
                l_new = num.get("managed_loss_fraction")
                if l_new is not None:
                    # never worse than leaving the excreta unmanaged
                    lf = state.get(i, base + ("loss_fraction",), ls[t].get("loss_fraction"))
                    l_new = np.minimum(l_new, lf)
                    with np.errstate(invalid="ignore", divide="ignore"):
                        l1 = np.where(m1 > 0, (m0 * l0 + (m1 - m0) * l_new) / m1, l0)
                    state.set(i, base + ("managed_loss_fraction",), l1)
                state.set(i, base + ("managed_share",), m1)
                head = state.get(i, base + ("head",), ls[t].get("head"))
                out[i] = out.get(i, 0.0) + head * (m1 - m0)
    elif k in ("afforestation", "protection_zone"):
        src, dst = m.strings["from_class"], m.strings["to_class"]
        present = {c for i in subs for c in info.sources(i).get("land_use", {})}
        if src not in present:
            raise _fail(sfile, m, "from_class", "land-use class", src, present)
        for i in subs:
            lu = info.sources(i).get("land_use", {})
            if src not in lu:
                continue
            s0 = state.get(i, ("land_use", src, "share"), lu[src].get("share"))
            if "converted_share" in num:
                d = np.minimum(f * num["converted_share"], s0)
            else:
                start = int(np.searchsorted(state.years, m.years[0]))
                start = min(start, len(s0) - 1)
                d = np.minimum(f * num["fraction_of_class"] * s0[start], s0)
            state.set(i, ("land_use", src, "share"), s0 - d)
            if dst in lu or (i, dst) in state.new_classes:
                t0 = state.get(i, ("land_use", dst, "share"), lu.get(dst, {}).get("share"))
            else:
                if "to_emc_mg_per_l" not in num:
                    raise HydroError(f"{sfile.path}: key '{m.key}.to_emc_mg_per_l': subbasin "
                                     f"'{info.ids[i]}' has no land-use class '{dst}'; give "
                                     "to_emc_mg_per_l (the EMC of the new class) so it can be added")
                state.new_classes[(i, dst)] = num["to_emc_mg_per_l"]
                t0 = np.zeros(len(f))
            state.set(i, ("land_use", dst, "share"), t0 + d)
            out[i] = d * area[i] * 100.0
    elif k == "ecological_release":
        rid = m.strings["reservoir"]
        res = [r for r in info.raw.get("reservoirs", []) if r["id"] == rid]
        if not res:
            raise HydroError(f"{sfile.path}: key '{m.key}.reservoir': unknown reservoir '{rid}'"
                             + suggest(rid, info.reservoir_ids)
                             + f"; the basin has: {', '.join(info.reservoir_ids) or 'none'}")
        old = float(res[0].get("ecological_min_m3_s", 0.0))
        new = max(old, m.numbers["ecological_min_m3_s"])
        overrides_extra.append(f"reservoirs.{rid}.ecological_min_m3_s={new!r}")
        notes.append(f"{m.id}: the ecological minimum release of '{rid}' is not a yearly value; "
                     f"{new:g} m3/s applies over the whole run (costs counted every year)")
        days = np.array([366.0 if calendar.isleap(int(y)) else 365.0 for y in state.years])
        total = (new - old) * 86400.0 * days
        a = area[subs]
        for j, i in enumerate(subs):
            out[i] = total * a[j] / a.sum()
    else:  # pragma: no cover - the reader rejects unknown kinds
        raise HydroError(f"unknown measure kind {k}")
    return {i: np.asarray(v, dtype=float) * np.ones(len(f)) for i, v in out.items()}


def days_in_years(years) -> np.ndarray:
    """Length of each calendar year, days."""
    return np.array([366.0 if calendar.isleap(int(y)) else 365.0 for y in years])


__all__ = ["EFFECTS", "BasinInfo", "Compiled", "annualise", "compile_scenario", "days_in_years",
           "select"]
