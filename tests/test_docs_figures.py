"""The model figures the docs quote are the model's current results (a tripwire, as
``tests/test_validation_review_notes.py`` is for the observation notes).

The docs quote simulated figures: payments per year (docs/agreements.md), scenario effects
(docs/scenarios.md), GEP values (docs/gep.md).  Nothing held them, and a model change left them
stale (review of 2026-12-02).  Each entry of ``FIGURES`` is a sentence of a page as it stands,
with ``{}`` where it quotes a model figure, and a function that recomputes those figures, with
the documented commands (in this process, through the CLI), formatted as the page rounds them.
The test reads the numbers the page states and compares them, as text, with the recomputed
ones; on a difference it names the page, the sentence as written and the sentence as the model
now has it.  Comparing the rounded text is the tolerance: round-off of a kernel cannot move a
figure unless it sits on a rounding boundary, while any real change of a result does.

Each distinct run happens once per session (session-scoped fixtures).  The Miyun run, the
commands on it and the inference on published figures take 16 s wall, 9 s CPU (load 6,
2026-12-02; the validation notes' runs take about as long) and run by default; the two plan
ensembles of docs/scenarios.md (2 members x 2 scenarios x 5 generated years on each basin), the
shipped Guanting scenario file (5 scenarios, 2000-2017) and the Miyun run of 2009-2016 take
108 s wall, 65 s CPU at load 3.5-5, are marked ``slow`` and run in CI by their own line of
``.ci/run``.  README.md quotes no model output (only timings, which
vary by machine and are not held).  Figures labelled in the pages with an older commit ("at 30d2f11 ... were")
are history and are not held.

When a model change moves a result: update the sentence the failure names (and the date or
commit it carries), then this table if the wording changed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from docs_figures_values import (
    HELD,
    KEPT,
    NET,
    NUMBER,
    PER_KG,
    below_dead_storage,
    conservation_figures,
    eco_min_days,
    flownorm_table,
    gep_figures,
    guanting_plan,
    inferred,
    inferred_as_printed,
    kept_out,
    kg,
    miyun_plan,
    miyun_storage,
    own_mean,
    payment,
    phase2_net,
    plan_on_land,
    plan_payments,
    purification_by_place,
    section_means,
    signed,
    span,
    spun_up_members,
    station_volumes,
    three_rivers,
    tn_rules,
    within_capacity,
    yanqing_factor,
    yanqing_figures,
)

from hydro.cli import main

ROOT = Path(__file__).resolve().parents[1]
AGREEMENTS = ROOT / "configs" / "agreements"
PLANS = {"miyun": ROOT / "configs" / "scenarios" / "miyun_plan_2023_2027.toml",
         "guanting": ROOT / "configs" / "scenarios" / "guanting_plan_2023_2027.toml"}
PLAN_AGREEMENTS = {"miyun": (AGREEMENTS / "miyun_chaobai_phase2_2022.toml", "period=[2023,2027]"),
                   "guanting": (AGREEMENTS / "guanting_yongding_2023.toml", "period=[2023,2027]")}
def hydro(*args: str) -> str:
    """stdout of a hydro command run in this process; fails with its output if it fails."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, f"hydro {' '.join(map(str, args))}: {result.output}\n{result.exception!r}"
    return result.stdout


@dataclass(frozen=True)
class Figure:
    page: str
    sentence: str                   # the page's text, '{}' for each quoted model figure
    data: str                       # the session fixture the figures come from
    compute: Callable[..., tuple]   # that fixture's value -> the figures, as the page writes them
    how: str                        # the command that gives them


def page_text(page: str) -> str:
    return re.sub(r"\s+", " ", (ROOT / page).read_text(encoding="utf-8"))


def quoted(fig: Figure) -> tuple[str, ...]:
    """The numbers the page states where the sentence has '{}'."""
    parts = [re.escape(p) for p in re.sub(r"\s+", " ", fig.sentence).split("{}")]
    found = re.findall(NUMBER.join(parts), page_text(fig.page))
    assert len(found) == 1, (
        f"{fig.page}: {len(found)} sentences match '{fig.sentence}' (expected one): the page's wording "
        f"changed; update FIGURES in tests/test_docs_figures.py to the page's new sentence")
    return found[0] if isinstance(found[0], tuple) else (found[0],)


# --- the runs, once per session -------------------------------------------------------------

@pytest.fixture(scope="session")
def miyun_nc(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("docs_figures") / "miyun.nc"
    hydro("run", "miyun", "-o", path, "--quiet")
    return path


def _payments(nc: Path, agreement: str, *sets: str) -> list[dict]:
    args = ["compensate", nc, AGREEMENTS / agreement, "--json", "--skip-unavailable"]
    for s in sets:
        args += ["--set", s]
    return json.loads(hydro(*args))


@pytest.fixture(scope="session")
def phase2_two_way(miyun_nc) -> list[dict]:
    return _payments(miyun_nc, "miyun_chaobai_phase2_2022.toml", "period=[2000,2016]", "direction=two_way")


@pytest.fixture(scope="session")
def phase1_own_mean(miyun_nc) -> list[dict]:
    return _payments(miyun_nc, "miyun_chaobai_phase1_2018.toml", "period=[2000,2020]",
                     "quantity[0].baseline_mean_of_years=[2000,2016]")


@pytest.fixture(scope="session")
def miyun_gep(miyun_nc) -> pd.DataFrame:
    out = miyun_nc.with_name("gep.csv")
    hydro("gep", miyun_nc, "-o", out, "--overwrite")
    return pd.read_csv(out)


@pytest.fixture(scope="module")
def yanqing_gep(miyun_gep, miyun_nc) -> pd.DataFrame:
    """Both basins' GEP rows over 2000-2017 (Guanting's run is the slow part: a SLOW_FIGURES entry)."""
    nc, out = miyun_nc.with_name("guanting.nc"), miyun_nc.with_name("gep_guanting.csv")
    hydro("run", "guanting", "-o", nc, "--quiet")
    hydro("gep", nc, "-o", out, "--overwrite")
    return pd.concat([miyun_gep, pd.read_csv(out)])


def scenarios(basin: str, toml: Path, nc: Path, *options: str) -> None:
    """`hydro scenarios` in a process of its own, one worker: in this process the plan runs took 3-5
    times the CPU (143 s against 40 s wall at load 4-7, 2026-12-02)."""
    done = subprocess.run([sys.executable, "-m", "hydro", "scenarios", basin, str(toml), *options, "--workers", "1",
                           "-o", str(nc)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"hydro scenarios {basin}: {done.stderr[-2000:]}"


@pytest.fixture(scope="session")
def guanting_scenarios(tmp_path_factory) -> dict:
    """The shipped Guanting scenario file over the basin's run: its summary CSV."""
    nc = tmp_path_factory.mktemp("docs_figures_scenarios") / "guanting.nc"
    scenarios("guanting", ROOT / "configs" / "scenarios" / "guanting.toml", nc)
    return {"summary": pd.read_csv(nc.with_suffix(".summary.csv"))}


@pytest.fixture(scope="session")
def plans(tmp_path_factory) -> dict:
    """Each basin's plan file, 2023-2027, 2 members, seed 1: summary CSV and incentives JSON."""
    out = {}
    for basin, toml in PLANS.items():
        nc = tmp_path_factory.mktemp("docs_figures_plan") / f"{basin}.nc"
        scenarios(basin, toml, nc, "--start", "2023-01-01", "--end", "2027-12-31", "--members", "2", "--seed", "1")
        agreement, period = PLAN_AGREEMENTS[basin]
        comp = json.loads(hydro("compensate", "--scenarios", nc, agreement, "--set", period, "--json",
                                "--quality", "--skip-unavailable"))
        out[basin] = {"summary": pd.read_csv(nc.with_suffix(".summary.csv")), **comp}
    return out


_TN_RULE = """
[[tn_reduction]]
section = "gubeikou"
baseline = "previous_year"
reward_per_mg_per_l_yuan = 1e7
penalty_per_mg_per_l_yuan = 1e7
"""
TN_RULES = ('name = "docs/agreements.md, flow-normalised example"\nsource = "docs/agreements.md"\n'
            'period = [2010, 2016]\npayer = "beijing"\npayee = "hebei"\n'
            + _TN_RULE + _TN_RULE + 'statistic = "flow_normalised"\n')


@pytest.fixture(scope="session")
def gubeikou_tn_rules(tmp_path_factory) -> list[dict]:
    """The annual-mean and flow-normalised rule at Gubeikou on the Miyun run of 2009-2016."""
    folder = tmp_path_factory.mktemp("docs_figures_tn")
    (folder / "rules.toml").write_text(TN_RULES, encoding="utf-8")
    hydro("run", "miyun", "--start", "2009-01-01", "--end", "2016-12-31", "-o", folder / "m.nc", "--quiet")
    return json.loads(hydro("compensate", folder / "m.nc", folder / "rules.toml", "--json"))


@pytest.fixture(scope="session")
def tiny_summary(tmp_path_factory) -> str:
    """The summary `hydro run tiny` prints (docs/commands/run.md shows it), whitespace collapsed."""
    return re.sub(r"\s+", " ", hydro("run", "tiny", "-o", tmp_path_factory.mktemp("docs_figures_tiny") / "tiny.nc"))


@pytest.fixture(scope="session")
def spin_up_example(tmp_path_factory, miyun_nc) -> tuple[Path, Path]:
    """docs/basin-file.md's two-member run of 2014 (spun up from 2000), beside the full Miyun run."""
    path = tmp_path_factory.mktemp("docs_figures_spin_up") / "m.nc"
    hydro("run", "miyun", "--start", "2014-01-01", "--end", "2014-12-31", "--members", "2", "--workers", "1",
          "-o", path, "--quiet")
    return path, miyun_nc


@pytest.fixture(scope="session")
def flownorm_gubeikou(tmp_path_factory) -> str:
    """docs/flow-normalisation.md's example: Miyun 2013-03..2017-02, Gubeikou's TN flow-normalised."""
    path = tmp_path_factory.mktemp("docs_figures_flownorm") / "miyun.nc"
    hydro("run", "miyun", "--start", "2013-03-01", "--end", "2017-02-28", "-o", path, "--quiet")
    done = subprocess.run([sys.executable, "-m", "hydro.flownorm", "--results", str(path), "--section", "gubeikou",
                           "--start-month", "1"], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture(scope="session")
def inference() -> dict:
    return json.loads(hydro("compensate", AGREEMENTS / "miyun_chaobai_published.csv",
                            AGREEMENTS / "miyun_chaobai_phase1_2018.toml", "--json"))


# --- what the figures are, from those runs ---------------------------------------------------

RUN = "hydro run miyun -o miyun.nc"
GUANTING_SCENARIOS = "hydro scenarios guanting configs/scenarios/guanting.toml: the summary CSV"
FIGURES = [
    Figure("docs/agreements.md",
           "two-way, the rules net {} M yuan in 2010 ({} to {} M in {} of the 17 years, 2000's incomplete; "
           "2009 {} M, 2012 {} M, 2016 {} M;", "phase2_two_way", phase2_net,
           f"{RUN}; hydro compensate miyun.nc miyun_chaobai_phase2_2022.toml --set period=[2000,2016] "
           "--set direction=two_way: net per year"),
    Figure("docs/agreements.md",
           "(the simulated mean of 2000–2016 is {}e8 m³, measured 2026-12-06 (1.088e8 and 2.858e8 on 2026-12-04, "
           "after Miyun's GR4J was recalibrated): 2011, {}e8 m³, then earns "
           "({}e8 − {}e8) × 0.2 = {} M yuan;", "phase1_own_mean", own_mean,
           f"{RUN}; hydro compensate miyun.nc miyun_chaobai_phase1_2018.toml --set period=[2000,2020] "
           "--set quantity[0].baseline_mean_of_years=[2000,2016]: the quantity lines"),
    Figure("docs/agreements.md", "border volumes {}–{}e8 m³ a year in 2000–2016, mean {}e8)",
           "phase1_own_mean", three_rivers, f"{RUN}; the phase-1 quantity notes' volumes, 2000-2016"),
    Figure("docs/agreements.md", "{}–{}e8 (mean {}e8) in 2000–2016 on the station weather (five rivers: {}–{}e8)",
           "both_phases", station_volumes, f"{RUN}; the phase-1 and phase-2 quantity notes' volumes"),
    Figure("docs/gep.md",
           "the same commands give purification of {} and {} M yuan in 2014 and 2015, both runs alike, {} M in "
           "2016 (NH3-N purified {} / {} / {} t against 430 / 1,059 / 804 t; COD {}–{} % of the value), {} M "
           "in 2000 and {}–{} M in 2001–2003", "miyun_gep", gep_figures,
           f"{RUN}; hydro gep miyun.nc -o gep.csv: water_purification_yuan and NH3-N purified_kg per year"),
    Figure("docs/gep.md", "2000–2017 Miyun run, Miyun district holds {} M of 2015's {} M yuan of purification ({} M of "
           "{} M in 2016) and Xinglong {} M (6.4", "miyun_gep", purification_by_place,
           f"{RUN}; hydro gep miyun.nc -o gep.csv: water_purification_yuan by county, 2015 and 2016"),
    Figure("docs/commands/gep.md", "(Miyun's 2000: {}e9 yuan of conservation against {}e9 in 2001)", "miyun_gep",
           lambda gep: tuple(f"{gep[gep.year == y].water_conservation_yuan.sum() / 1e9:.2f}" for y in (2000, 2001)),
           f"{RUN}; hydro gep miyun.nc -o gep.csv: water_conservation_yuan in 2000 and 2001"),
    Figure("docs/gep.md", "recalibration, {}, {} and {} G yuan in 2014–2016 (0.98, 3.94 and 4.38 G yuan before it",
           "miyun_gep", conservation_figures,
           f"{RUN}; hydro gep miyun.nc -o gep.csv: water_conservation_yuan per year"),
    Figure("docs/gep.md", "(TN purified is {}–{} % of TN removed in 2001–2016), while NH3-N, TP and CODMn are mostly "
           "within theirs ({}–{} %, {}–{} % and {}–{} %).", "miyun_gep", within_capacity,
           f"{RUN}; hydro gep miyun.nc -o gep.csv: purified_kg / removed_*_kg per pollutant and year"),
    Figure("docs/agreements.md", "**inferred** from the 2018 payment: {} M (5–95 % {}–{} M; range 0–6 M)",
           "inference", lambda r: inferred(r)[:3],
           "hydro compensate configs/agreements/miyun_chaobai_published.csv miyun_chaobai_phase1_2018.toml --json"),
    Figure("docs/agreements.md", "2018–2020 predicted {} bn (5–95 % {}–{} bn) ≤ 3.3945 bn\n(uninformative; it leaves "
           "about {} bn a year for 2021–2023", "inference", lambda r: inferred(r)[3:],
           "as above: the received_total check"),
    Figure("docs/commands/compensate.md", "quality_class[0].bonus_yuan = {}e+06 (5-95 %: {} to {}e+06; ...)",
           "inference", lambda r: inferred_as_printed(r)[:3], "as above: the inferred number"),
    Figure("docs/commands/compensate.md", "published 3,394,500,000 ...; model {} (5-95 %: ...)", "inference",
           lambda r: inferred_as_printed(r)[3:], "as above: the received_total check"),
    Figure("docs/basin-file.md", "the run from that day holds {} mcm on 2013-01-01", "miyun_nc",
           lambda nc: miyun_storage(nc, "2013-01-01"), f"{RUN}: reservoir_storage of miyun"),
    Figure("docs/commands/run.md", "(`hydro run miyun`: Yunzhou on {} and Baihebao on {} of {} days", "miyun_nc",
           eco_min_days, f"{RUN}: the ecological_min_unmet_days attribute"),
    Figure("docs/commands/run.md", "(`hydro run miyun`: Miyun on {} of {} days, lowest {} mcm on {}-{}-{}, in the",
           "miyun_nc", below_dead_storage, f"{RUN}: the below_dead_storage_days attribute, reservoir_storage"),
    Figure("docs/basin-file.md", "{} on the first day (the spin-up leaves {}, the run from 2000-01-01's storage "
           "on 2013-12-31) and at most {} and {} over 2014 (at least {} and {}); its TN on the first day {} mg/L "
           "in both members (0.98 before the spin-up), at most {} and {} mg/L over 2014", "spin_up_example",
           spun_up_members, "hydro run miyun --start 2014-01-01 --end 2014-12-31 --members 2 --workers 1; "
           f"{RUN}: reservoir_storage and reservoir_tn_concentration of miyun"),
    Figure("docs/flow-normalisation.md", "2014 {} {} {} {} {} 2015 {} {} {} {} {} 2016 {} {} {} {} {} ``` The "
           "simulated concentration falls by {} % from dry 2014 to wet 2016; the flow-normalised concentration by {} %",
           "flownorm_gubeikou", flownorm_table, "hydro run miyun --start 2013-03-01 --end 2017-02-28 -o miyun.nc; "
           "python -m hydro.flownorm --results miyun.nc --section gubeikou --start-month 1"),
    *(Figure("docs/commands/run.md", f"{section} Q {{}} m3/s tn {{}} mg/L tp {{}} mg/L", "tiny_summary",
             lambda out, s=section: section_means(out, s), "hydro run tiny -o tiny.nc: its summary")
      for section in ("border", "east_mouth", "lake_inlet", "tailwater_mid")),
]
SLOW_FIGURES = [
    Figure("docs/gep.md", "2,600 km², wider than the district) give {} mm released ({} M yuan/km²,\n{} % of the "
           "published) or {} mm by the balance form ({} M yuan/km², {} %)", "yanqing_gep", yanqing_figures,
           f"{RUN}; hydro run guanting; hydro gep on each: the Yanqing subbasins' 2016 rows"),
    Figure("docs/gep.md", "The model is lower by a\nfactor of {}–{}. Likely reasons", "yanqing_gep", yanqing_factor,
           "as above: 0.91 M yuan/km2 published over the two forms' values"),
    Figure("docs/agreements.md", "the annual-mean rule swings between {}e6 (charging in {}, {} and {}) and {}e7 yuan "
           "({}) from year to year; the flow-normalised one pays {}e6–{}e6 yuan every year (a simulated decline of "
           "{}–{} mg/L a year", "gubeikou_tn_rules", tn_rules,
           "hydro run miyun --start 2009-01-01 --end 2016-12-31; hydro compensate on the page's tn_reduction rule "
           "at gubeikou, 2010-2016, penalty as reward, annual mean and flow-normalised"),
    Figure("docs/scenarios.md",
           "N kept out of Miyun {} kg over the five years (median {} kg over the 2 members), the load delivered "
           "to the rivers {} kg less; run-mean TN {} to {} mg/L at the agreement's five sections, NH3-N {} to {} "
           "(", "plans", lambda p: miyun_plan(p)[:7], "hydro scenarios miyun miyun_plan_2023_2027.toml --start "
           "2023-01-01 --end 2027-12-31 --members 2 --seed 1; hydro compensate --scenarios ... --json --quality"),
    Figure("docs/scenarios.md", "R15, 2026-12-02, which lowered the sections' run-mean NH3-N from 0.62–0.86 to "
           "0.15–0.48 mg/L), TP {} to {}, CODMn {} to {} mg/L.", "plans", lambda p: miyun_plan(p)[7:],
           "as above: the effects table of hydro compensate --scenarios --quality"),
    Figure("docs/scenarios.md", "**Guanting**: {} kg kept out of Guanting (median {}), {} kg less delivered; "
           "Bahaoqiao TN {} mg/L (its 2025 annual mean {} mg/L", "plans", guanting_plan,
           "hydro scenarios guanting guanting_plan_2023_2027.toml (same options): summary CSV"),
    Figure("docs/scenarios.md", "Chengde-Zhangjiakou {} yuan more in 2026 ({} less in CODMn and {} less in TP class\n"
           "deductions, {} more from the year-on-year TN rule), and\nthe 2025 quality gain ({} M yuan; none in 2024)",
           "plans",
           lambda p: plan_payments(p)[:5],
           "hydro compensate --scenarios miyun.nc miyun_chaobai_phase2_2022.toml --set period=[2023,2027] "
           "--json --quality: the quality_payment changes"),
    Figure("docs/scenarios.md", "monthly means ({} against {} yuan)", "plans", lambda p: plan_payments(p)[5:],
           "as above: the TN lines of 2026, plan and baseline"),
    Figure("docs/scenarios.md",
           "2026: 459,516 yuan before, 300,000 of it CODMn; the baseline's NH3-N deductions are {}–{} M. With months",
           "plans",
           lambda p: span([-payment(p["miyun"], "nh3n", y, "baseline")["value"] for y in range(2023, 2028)], 1, 1e6),
           "as above: the baseline's NH3-N quality_payment lines, 2023-2027"),
    Figure("docs/scenarios.md", "the other figures unchanged): {} kg on Miyun and {} kg on Guanting,", "plans",
           plan_on_land, "the plans' summary CSVs: n_kept_out_on_land"),
    Figure("docs/scenarios.md", "the file gives {} kg and {} yuan/kg (`land_and_water`, cost {}e9 yuan, unchanged) "
           "and {} kg and {} yuan/kg (`all_measures`, cost {}e9 yuan)", "guanting_scenarios",
           lambda r: kept_out(r, "land_and_water", KEPT, PER_KG, "cost")
           + kept_out(r, "all_measures", KEPT, PER_KG, "cost"), GUANTING_SCENARIOS),
    Figure("docs/scenarios.md", "`domestic` {} kg ({} → {} yuan/kg net of it), `agriculture` {} kg, "
           "`all_measures` {} kg ({} → {} yuan/kg); on Miyun", "guanting_scenarios",
           lambda r: kept_out(r, "domestic", HELD, PER_KG, NET) + kept_out(r, "agriculture", HELD)
           + kept_out(r, "all_measures", HELD, PER_KG, NET), GUANTING_SCENARIOS),
    Figure("docs/scenarios.md", "`all_measures` keeps {} kg out ({} yuan/kg, {} net of {} kg held upstream) "
           "and `agriculture` {} kg at {} yuan/kg ({} net).", "guanting_scenarios",
           lambda r: kept_out(r, "all_measures", KEPT, PER_KG, NET, HELD)
           + kept_out(r, "agriculture", KEPT, PER_KG, NET), GUANTING_SCENARIOS),
    Figure("docs/scenarios.md", "total to today's {} kg, {} kg held, {} yuan/kg net of it", "guanting_scenarios",
           lambda r: kept_out(r, "land_and_water", KEPT, HELD, NET), GUANTING_SCENARIOS),
]


@pytest.fixture(scope="session")
def both_phases(phase1_own_mean, phase2_two_way):
    return phase1_own_mean, phase2_two_way


def _check(fig: Figure, request) -> None:
    stated = quoted(fig)
    current = tuple(fig.compute(request.getfixturevalue(fig.data)))
    assert len(current) == len(stated), f"FIGURES entry for {fig.page}: {len(current)} figures for {len(stated)} {{}}"
    if stated != current:
        as_written, as_now = (fig.sentence.replace("{}", "{}").format(*v) for v in (stated, current))
        pytest.fail(f"{fig.page} quotes a model figure the model no longer gives:\n  page:  '{as_written}'\n"
                    f"  model: '{as_now}'\n  (recomputed by: {fig.how}).\nUpdate the sentence on the page "
                    "(and the run date it names), or the model change is not what you meant.", pytrace=False)


@pytest.mark.parametrize("fig", FIGURES, ids=[f"{f.page}:{f.sentence[:40]}" for f in FIGURES])
def test_docs_figure(fig, request):
    _check(fig, request)


@pytest.mark.slow
@pytest.mark.parametrize("fig", SLOW_FIGURES, ids=[f"{f.page}:{f.sentence[:40]}" for f in SLOW_FIGURES])
def test_docs_plan_figure(fig, request):
    _check(fig, request)


def test_sentence_matching():
    """The number pattern reads what the pages write: U+2212, thousands commas, decimals, a sign."""
    fig = Figure("docs/agreements.md", "x", "", lambda _: (), "")
    assert re.fullmatch(NUMBER, "−57.6") and re.fullmatch(NUMBER, "504,158") and re.fullmatch(NUMBER, "+7.7")
    assert signed(-57.64, 1) == "−57.6" and signed(7.71, 1, plus=True) == "+7.7" and signed(-0.04, 1) == "0.0"
    assert span([-3.4e6, -93.9e6, -10e6], 1, 1e6) == ("−3.4", "−93.9") and span([0.28, 3.0, 1.0], 1) == ("0.3", "3.0")
    assert kg(23497.8) == "23,498" and fig.page.endswith(".md")
