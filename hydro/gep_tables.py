"""GEP rows as tables: by county, totals per scenario and year, CSV and the terminal.

The rows are those of :func:`hydro.gep.gep` (columns :data:`COLUMNS`): one per subbasin and
pollutant; the water columns are on one row per subbasin, so sums over rows count them once.
``n_*`` columns are TN's; ``removed_*_kg``, ``purified_kg`` the row's pollutant's; ``equivalents``
and yuan add up over pollutants (kg of different pollutants do not).
"""

from __future__ import annotations

from pathlib import Path

from hydro.csv_cells import SpreadsheetWriter
from hydro.gep_columns import _MM, _SUMMED, COLUMNS
from hydro.gep_inputs import ALL_ABSTRACTED

#: The note on a spin-up year's rows (:func:`mark_spin_up`).
SPIN_UP = "spin-up year: the runoff stores start from their initial fillings (runoff_warm_up)"
#: The note on a county row whose subbasins lie across a county border (:func:`by_county`).
ACROSS_BORDER = "subbasins across a county border, not split between the counties (no area by county)"


def mark_spin_up(rows: list[dict], warm_up: str, first_year: int) -> None:
    """Note the rows of the run's first calendar year as a spin-up year where the run had no runoff
    warm-up (``warm_up``: the results' ``runoff_warm_up``): its slow runoff is the stores draining
    from their initial fillings, not the ecosystems' (docs/gep.md: Miyun's 2000, 1.35e9 yuan of
    conservation against 0.28e9 in 2001 on the same rain as 2002's)."""
    if not warm_up.startswith("none"):
        return
    for r in rows:
        if r["year"] == first_year:
            r["note"] = "; ".join(x for x in (r["note"], SPIN_UP) if x)


def by_county(rows: list[dict]) -> list[dict]:
    """Sum GEP rows per scenario, year, county, province and pollutant (``subbasin`` lists the members,
    ``basin`` the basins they are of).

    Volumes, masses and yuan are summed; mm are area-weighted means; prices are the year's.  A
    subbasin labelled with several counties (``"Zhuolu, Huailai"``: across a border) is summed under
    that label, with :data:`ACROSS_BORDER` in its note: the basin gives no area by county to split it.
    """
    from hydro.counties import county_parts

    groups: dict[tuple, dict] = {}
    for r in rows:
        key = (r["scenario"], r["year"], r["county"], r["province"], r["pollutant"])
        g = groups.setdefault(key, {**dict.fromkeys(_SUMMED + _MM, 0.0), "scenario": r["scenario"],
                                    "year": r["year"], "days": r["days"], "partial": r["partial"],
                                    "county": r["county"], "province": r["province"], "subbasin": "", "basin": "",
                                    "pollutant": r["pollutant"], "kg_per_equivalent": r["kg_per_equivalent"],
                                    "conservation_yuan_per_m3": r["conservation_yuan_per_m3"],
                                    "purification_yuan_per_t": r["purification_yuan_per_t"], "note": ""})
        for c in _SUMMED:
            g[c] += r[c]
        for c in _MM:
            g[c] += r[c] * r["area_km2"]
        g["subbasin"] = " ".join(x for x in (g["subbasin"], r["subbasin"]) if x)
        basin = r.get("basin", "")  # (rows built by hand, as before 2026-12-06, have none)
        if basin and basin not in g["basin"].split(", "):  # a county in several basins: each
            g["basin"] = ", ".join(x for x in (g["basin"], basin) if x)
        for n in (r["note"] or "").split("; "):
            if n and n not in g["note"].split("; "):
                g["note"] = "; ".join(x for x in (g["note"], n) if x)
    for g in groups.values():
        for c in _MM:
            g[c] = g[c] / g["area_km2"] if g["area_km2"] > 0 else 0.0
        if len(county_parts(g["county"])) > 1:
            g["note"] = "; ".join(x for x in (g["note"], ACROSS_BORDER) if x)
    return [groups[k] for k in groups]


def write_csv(rows: list[dict], out, overwrite: bool = False, same: dict[str, str] | None = None) -> Path | None:
    """Write GEP rows as CSV (columns :data:`COLUMNS`, then ``same``'s keys, a value the same on every row:
    what the rows were computed from, :func:`hydro.provenance.gep_provenance`) to a path or an open text
    stream.

    A path is written atomically and an existing file is replaced only with
    ``overwrite`` (:mod:`hydro.outputs`).
    """
    if isinstance(out, (str, Path)):
        from hydro.outputs import atomic_open

        with atomic_open(out, overwrite) as fh:
            write_csv(rows, fh, same=same)
        return Path(out)
    same = same or {}
    w = SpreadsheetWriter(out)
    w.writerow([*COLUMNS, *same])
    for r in rows:
        w.writerow([(repr(float(r[c])) if isinstance(r[c], float) else str(r[c]).lower() if isinstance(r[c], bool)
                     else r[c]) for c in COLUMNS] + list(same.values()))
    return None


def gep_totals(rows: list[dict]) -> dict[tuple, dict]:
    """Totals per (scenario, year) over all rows and pollutants: m3, kg, equivalents and yuan, with
    ``days``/``partial`` (``purified_kg`` adds different pollutants; ``n_purified_kg`` is TN's)."""
    tot: dict[tuple, dict] = {}
    for r in rows:
        t = tot.setdefault((r["scenario"], r["year"]), {"days": r["days"], "partial": r["partial"],
                                                         **dict.fromkeys(_SUMMED, 0.0)})
        for c in _SUMMED:
            t[c] += r[c]
    return tot


def format_table(rows: list[dict]) -> str:
    """Totals per scenario and year (all subbasins), for the terminal, with warnings."""
    lines = [f"{'scenario':24s} {'year':>4s} {'days':>4s} {'conservation m3':>16s} {'N purified t':>12s} "
             f"{'equivalents':>12s} {'conservation yuan':>18s} {'purification yuan':>18s} {'GEP yuan':>16s}"]
    partial, negative = [], []
    spun = {(r["scenario"], r["year"], bool(r["partial"])) for r in rows if SPIN_UP in (r["note"] or "")}
    fallback = sorted({n for r in rows for n in (r["note"] or "").split("; ") if n.startswith(ALL_ABSTRACTED)})
    for (s, y), t in gep_totals(rows).items():
        mark = "*" if t["partial"] else "~" if (s, y, False) in spun else " "
        lines.append(f"{s:24s} {y:4d} {t['days']:4d}{mark}{t['water_conservation_m3']:16.4g} "
                     f"{t['n_purified_kg'] / 1000:12.4g} {t['equivalents']:12.4g} {t['water_conservation_yuan']:18.4g} "
                     f"{t['water_purification_yuan']:18.4g} {t['gep_yuan']:16.4g}")
        if t["partial"]:
            partial.append(str(y))
        if t["gep_yuan"] < 0 or t["water_conservation_m3"] < 0:
            negative.append(f"{s} {y}")
    if partial:
        lines.append(f"* partial year ({', '.join(sorted(set(partial)))}): only the simulated days are "
                     "counted; not an annual figure, not comparable with full years")
    if spun:
        years = ", ".join(f"{y}{', also partial (*)' if part else ''}" for y, part in sorted({x[1:] for x in spun}))
        lines.append(f"~ spin-up year ({years}): the runoff stores start from their initial fillings "
                     "(runoff_warm_up: the station record has no weather before the run to spin them up on), so "
                     "its slow runoff is not the ecosystems'; leave the year out of an account")
    if any(r["pollutant"] == "tn" and r["n_purified_kg"] and not r["purification_yuan_per_t"] for r in rows):
        lines.append("N purified t: total nitrogen removed, for reference, valued at 0: the purification yuan "
                     "count NH3-N (with TP and CODMn) by pollution equivalents, nitrogen not counted twice")
    estimated = sorted({str(r["year"]) for r in rows if "weather an ESTIMATE on" in (r["note"] or "")})
    if estimated:  # the rows' notes say which days (hydro.gep_cli._estimated_weather_rows)
        lines.append(f"note: the weather of {', '.join(estimated)} is in part an estimate (its station file says so; "
                     "the rows' notes give the days): water conservation follows the rain")
    across = sorted({r["county"] for r in rows if ACROSS_BORDER in (r["note"] or "")})
    if across:
        lines.append(f"note: {ACROSS_BORDER}: {'; '.join(across)}")
    if negative:
        lines.append(f"warning: negative water conservation or GEP in {', '.join(negative)}: more water "
                     "abstracted (balance form: evaporated and run off) than the ecosystem kept; see the rows' notes")
    made = sorted({(r["scenario"], r["year"], r["pollutant"]) for r in rows
                   if r["purified_kg"] < 0 and r["purification_yuan_per_t"] > 0})
    if made:
        where = ", ".join(f"{s} {y} {p}" for s, y, p in made)
        lines.append(f"warning: negative purification in some subbasins' rows ({where}): the rivers and "
                     "reservoirs made more of the pollutant than they removed there (NH3-N: mineralised organic "
                     "N); valued as it is, see the rows' notes")
    lines += [f"warning: {n}" for n in fallback]
    return "\n".join(lines)
