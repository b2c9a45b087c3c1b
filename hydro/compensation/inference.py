"""Unpublished prices inferred from published payments and published conditions.

Size: one method, fitting an unpublished number to published payments and checking the other figures against
it; its model and its report share the figures' bookkeeping.

The agreements' prices are rarely published; what is published is a few amounts paid
and a few conditions of those years (a multi-year outflow volume, "the sections were
Class II or better").  An agreement's ``[inference]`` table names one unpublished
number (an assumption with a ``range``) to be **fitted** to the payment of one year;
every other published amount is a **check** the fitted agreement must pass, so
reproducing a reported amount is a test, not a tautology.

Uncertainty is carried, not hidden: every other assumed number with a ``range`` is
drawn uniformly inside it, a year's share of a multi-year volume is drawn inside its
assumed range, a TN decrease (never published) pays uniformly between the rule's
floor and cap, and a class "II or better" is drawn between I and II.  For each draw
the fitted number is solved exactly; draws that need it outside its range are
counted as inconsistent.  The result is the fitted number's central value, its
5-95 % band and the share of consistent draws, then each check with its band.

The published figures are a CSV (``docs/agreements.md``, "Published figures")::

    first_year,last_year,scope,figure,value,unit,source
    2018,2020,gubeikou+baihe_border+qingshui_outlet,outflow_volume,2.48e9,m3,"..."
    2018,2020,gubeikou+baihe_border+qingshui_outlet,worst_class,II,class,"..."
    2018,2018,beijing->chengde_zhangjiakou,paid,322150000,yuan,"..."

``figure`` is one of :data:`FIGURES`; ``scope`` is ``a+b+c`` (sections) for
conditions, ``payer->payee`` for payments, or a party for ``received_total``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from hydro.compensation.agreement import Agreement
from hydro.compensation.amounts import class_amounts, clip, linear
from hydro.compensation.rules import (
    Inference,
    QualityClassRule,
    QuantityRule,
    Rule,
    TargetRule,
    TnReductionRule,
)
from hydro.dates import PLAUSIBLE_YEARS
from hydro.errors import HydroError, suggest
from hydro.standards import parse_class

#: Columns of a published-figures CSV.
PUBLISHED_COLUMNS: tuple[str, ...] = ("first_year", "last_year", "scope", "figure", "value", "unit", "source")

#: Figures and their units.  Conditions: ``outflow_volume`` (m3, summed over the years),
#: ``worst_class`` (class, the worst at every section of the scope in every year).
#: Amounts (yuan): ``paid`` (a year's settlement), ``advance`` (paid ahead of a
#: settlement), ``transfer``, ``arranged_total`` (a payer's paid and advanced amounts
#: over the years), ``received_total`` (all a party received over the years),
#: ``project_funding`` (money outside the agreement; listed, not used).
FIGURES: dict[str, str] = {
    "outflow_volume": "m3", "worst_class": "class", "paid": "yuan", "advance": "yuan",
    "transfer": "yuan", "arranged_total": "yuan", "received_total": "yuan", "project_funding": "yuan",
}
#: The largest figure of each unit: 1e13 yuan is about a tenth of China's yearly GDP (about 1.3e14 yuan) and
#: 1e13 m3 more than three years of all of China's water resources (about 2.8e12 m3 a year); more is a
#: typing or unit slip (1e300 was taken, and the inference then said no draw "could have paid" it).
_LARGEST = {"yuan": 1.0e13, "m3": 1.0e13}


@dataclass(frozen=True)
class PublishedFigure:
    """One published figure: its years, scope, kind, value, unit, citation and line."""

    first_year: int
    last_year: int
    scope: str
    figure: str
    value: float
    unit: str
    source: str
    line: int
    #: The published-figures CSV the figure was read from (for messages; "" when built in Python).
    file: str = ""

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    @property
    def sections(self) -> frozenset[str]:
        return frozenset(self.scope.split("+"))

    @property
    def pair(self) -> tuple[str, str] | None:
        parts = self.scope.split("->")
        return (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else None


def _rows(path: Path):
    from hydro.textfile import read_text

    reader = csv.reader(io.StringIO(read_text(path, "published-figures CSV")))
    for row in reader:
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        yield reader.line_num, [c.strip() for c in row]


def is_published_figures(path: str | Path) -> bool:
    """Whether ``path`` is a published-figures CSV (its header names :data:`PUBLISHED_COLUMNS`)."""
    path = Path(path)
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    try:
        for _, cells in _rows(path):
            return {c.lower() for c in cells} == set(PUBLISHED_COLUMNS)
    except HydroError:
        return False
    return False


def read_published(path: str | Path) -> list[PublishedFigure]:
    """Read a published-figures CSV; errors name the file, the line and the value."""
    path = Path(path)
    if not path.is_file():
        raise HydroError(f"{path}: file not found; check the path")
    header = None
    out = []
    for line, cells in _rows(path):
        if header is None:
            header = [c.lower() for c in cells]
            if sorted(header) != sorted(PUBLISHED_COLUMNS):
                bad = [c for c in header if c not in PUBLISHED_COLUMNS]
                raise HydroError(f"{path}: line {line}: the header must name each of "
                                 + ", ".join(PUBLISHED_COLUMNS) + " once"
                                 + (f"; unknown column '{bad[0]}'" + suggest(bad[0], PUBLISHED_COLUMNS)
                                    if bad else ""))
            continue
        if len(cells) != len(header):
            raise HydroError(f"{path}: line {line}: expected {len(header)} cells, got {len(cells)}")
        rec = dict(zip(header, cells, strict=True))
        years = []
        for key in ("first_year", "last_year"):
            try:
                years.append(int(rec[key]))
            except ValueError:
                raise HydroError(f"{path}: line {line}: {key} '{rec[key]}' is not a year") from None
        if years[0] > years[1]:
            raise HydroError(f"{path}: line {line}: first_year {years[0]} is after last_year {years[1]}")
        if not all(PLAUSIBLE_YEARS[0] <= y <= PLAUSIBLE_YEARS[1] for y in years):  # 22: "no 'paid' amount for 2018"
            raise HydroError(f"{path}: line {line}: years {years[0]}..{years[1]} outside {PLAUSIBLE_YEARS[0]}.."
                             f"{PLAUSIBLE_YEARS[1]}; write four-digit years (2022, not 22)")
        figure = rec["figure"]
        if figure not in FIGURES:
            raise HydroError(f"{path}: line {line}: unknown figure '{figure}'" + suggest(figure, FIGURES)
                             + "; expected one of " + ", ".join(FIGURES))
        if rec["unit"] != FIGURES[figure]:
            raise HydroError(f"{path}: line {line}: unit '{rec['unit']}' for {figure}; expected "
                             f"'{FIGURES[figure]}'")
        if not rec["source"]:
            raise HydroError(f"{path}: line {line}: empty source; every published figure is cited")
        if not rec["scope"]:
            raise HydroError(f"{path}: line {line}: empty scope")
        if figure == "worst_class":
            try:
                value = float(parse_class(rec["value"]))
            except HydroError as exc:
                raise HydroError(f"{path}: line {line}: {exc}") from None
        else:
            try:
                value = float(rec["value"])
            except ValueError:
                raise HydroError(f"{path}: line {line}: value '{rec['value']}' is not a number") from None
            if not math.isfinite(value) or value < 0:
                raise HydroError(f"{path}: line {line}: value {rec['value']} must be a finite number >= 0")
            if value > _LARGEST[FIGURES[figure]]:
                raise HydroError(f"{path}: line {line}: value {rec['value']} {FIGURES[figure]} of {figure} is above "
                                 f"{_LARGEST[FIGURES[figure]]:.0e}, more than any published figure can be; check "
                                 "the value and its unit")
        if figure in ("paid", "advance", "transfer", "arranged_total", "project_funding") and \
                (len(rec["scope"].split("->")) != 2):
            raise HydroError(f"{path}: line {line}: scope '{rec['scope']}' of a payment must be 'payer->payee'")
        out.append(PublishedFigure(years[0], years[1], rec["scope"], figure, value, rec["unit"],
                                   rec["source"], line, str(path)))
    if not out:
        raise HydroError(f"{path}: no figures; expected a header ({', '.join(PUBLISHED_COLUMNS)}) and rows")
    return out


def rounding(value: float) -> float:
    """Half a unit of the last significant digit of a published amount (322150000 -> 5000)."""
    digits = f"{round(value)}".rstrip("0") or "0"
    unit = 10.0 ** (len(f"{round(value)}") - len(digits))
    return unit / 2


#: Why a published outflow volume or worst class of the rules' sections is not a check: the rules use it.
CONDITION = "a published condition the rules are evaluated on"


def in_band(published: float, p05: float, p95: float) -> bool:
    """Whether a published amount (yuan) lies in a predicted 5-95 % band (yuan) widened by its rounding."""
    return p05 - published <= rounding(published) and published - p95 <= rounding(published)


REACH = 0.9
"""An upper bound whose largest draw stays under this share of it cannot fail inside the assumed ranges."""


def tests_nothing(largest: float, bound: float) -> bool:
    """Whether a published upper bound (yuan) is out of reach of every draw: the largest (yuan) under
    :data:`REACH` of it."""
    return largest < REACH * bound


# ---------------------------------------------------------------------------------
# one draw of the unknowns
# ---------------------------------------------------------------------------------
class _Draw:
    """The unpublished quantities of one draw (or the central case when ``rng`` is None)."""

    def __init__(self, numbers: dict[str, float], shares: dict[tuple, dict[int, float]], seed):
        self.numbers = numbers
        self.shares = shares
        self.seed = seed

    def rng(self):
        return None if self.seed is None else np.random.default_rng(self.seed)


class _Model:
    def __init__(self, agreement: Agreement, figures: list[PublishedFigure]):
        if agreement.inference is None:
            raise HydroError(f"{agreement.path}: no [inference] table to fit")
        self.a = agreement
        self.inf: Inference = agreement.inference
        self.figures = figures
        self.path = agreement.path

    def error(self, message: str) -> HydroError:
        return HydroError(f"{self.path}: key '{self.inf.where}': {message}")

    # -- conditions ------------------------------------------------------------------
    def volume_figure(self, sections: tuple[str, ...], year: int) -> PublishedFigure:
        want = frozenset(sections)
        for f in self.figures:
            if f.figure == "outflow_volume" and f.sections == want and year in f.years:
                return f
        raise self.error(f"no published outflow_volume for {'+'.join(sections)} covers {year}; "
                         "the quantity rule cannot be evaluated on published figures")

    def worst_class(self, section: str, year: int) -> int:
        for f in self.figures:
            if f.figure == "worst_class" and section in f.sections and year in f.years:
                return int(f.value)
        raise self.error(f"no published worst_class covers section '{section}' in {year}")

    # -- rule amounts on published conditions ---------------------------------------
    def rule_amount(self, rule: Rule, year: int, draw: _Draw, rng) -> float:
        if not rule.binding or not rule.applies(year):
            return 0.0
        if isinstance(rule, QuantityRule):
            if rule.basis != "total" or rule.baseline.value is None:
                raise self.error(f"{rule.where}: only basis = \"total\" with a fixed baseline_m3 can be "
                                 "evaluated on a published total volume")
            f = self.volume_figure(rule.sections, year)
            share = 1.0 if f.first_year == f.last_year else draw.shares[(f.scope, f.first_year)][year]
            volume = f.value * share
            return clip(linear(volume - rule.baseline.value, rule.reward_per_m3_above_yuan,
                                 rule.penalty_per_m3_below_yuan), rule)
        if isinstance(rule, QualityClassRule):
            if rule.inflow_section:
                raise self.error(f"{rule.where}: a comparison with an inflow section cannot be made on "
                                 "published classes")
            total = 0.0
            periods = 12 if rule.evaluation == "monthly" else 1
            for s in rule.sections:
                worst = self.worst_class(s, year)
                for _ in rule.groups():  # each parameter, or the section once (judge = "section")
                    cls = (np.full(periods, worst) if rng is None
                           else rng.integers(1, worst + 1, size=periods))
                    total += clip(float(class_amounts(rule, cls, None).sum()), rule)
            return total
        if isinstance(rule, TnReductionRule):
            lo = rule.min_yuan if rule.penalty_per_mg_per_l_yuan > 0 else max(rule.min_yuan, 0.0)
            hi = rule.max_yuan if rule.reward_per_mg_per_l_yuan > 0 else min(rule.max_yuan, 0.0)
            if not (math.isfinite(lo) and math.isfinite(hi)):
                raise self.error(f"{rule.where}: TN is not published; a TN rule without max_yuan and "
                                 "min_yuan cannot be bounded")
            n = len(rule.sections)
            if rng is None:
                return n * (lo + hi) / 2
            return float(np.sum(lo + (hi - lo) * rng.random(n)))
        if isinstance(rule, TargetRule):
            raise self.error(f"{rule.where}: binding targets cannot be evaluated on published figures")
        raise self.error(f"{rule.where}: not supported")

    def settlement(self, year: int, pair: tuple[str, str], draw: _Draw, fit_value: float,
                   floor: bool = True) -> float:
        """The year's settlement; a one-way agreement's floored at 0 (``floor=False``: the rules' sum)."""
        rng = draw.rng()
        total = 0.0
        for rule in self.a.rules:
            rule = self.with_numbers(rule, draw.numbers, fit_value)
            sign = 1.0 if (rule.payer, rule.payee) == pair else -1.0 if (rule.payee, rule.payer) == pair else 0.0
            if sign:
                total += sign * self.rule_amount(rule, year, draw, rng)
        return max(total, 0.0) if floor and self.a.direction == "one_way" else total  # compensation.direction

    def with_numbers(self, rule: Rule, numbers: dict[str, float], fit_value: float) -> Rule:
        values = {**numbers, self.inf.fit: fit_value}
        for key, value in values.items():
            where, _, name = key.partition(".")
            if where != rule.where:
                continue
            if name == "baseline_m3" and isinstance(rule, QuantityRule):
                rule = replace(rule, baseline=replace(rule.baseline, value=value))
            elif hasattr(rule, name) and isinstance(getattr(rule, name), float):
                rule = replace(rule, **{name: float(value)})  # type: ignore[arg-type]
        return rule

    def solve(self, year: int, pair, draw: _Draw, paid: float) -> float:
        """The fitted number that makes the year's settlement equal ``paid`` (it is linear in it)."""
        f0 = self.settlement(year, pair, draw, 0.0, floor=False)  # linear before a one-way floor
        f1 = self.settlement(year, pair, draw, 1.0, floor=False)
        slope = f1 - f0
        if slope == 0:  # the year's figures decide it: name their file and lines first
            of_year = [f for f in self.figures if year in f.years]
            lines = sorted({f.line for f in of_year})
            file = next((f.file for f in of_year if f.file), "")
            raise HydroError(f"{file + ': ' if file else ''}the published figures of {year} "
                             f"(line{'s' * (len(lines) != 1)} {', '.join(map(str, lines))}"
                             f"{'' if file else ' of the published-figures CSV'}) leave its settlement "
                             f"independent of '{self.inf.fit}' (e.g. a worst class at which the rule pays no "
                             f"bonus): check those lines, or fit another number in key '{self.inf.where}' of "
                             f"{self.path}")
        x = (paid - f0) / slope
        if abs(self.settlement(year, pair, draw, x) - paid) > 1e-6 * max(abs(paid), 1.0):
            lo, hi = self.fit_range  # a capped rule: bisection inside the range
            g = lambda v: self.settlement(year, pair, draw, v) - paid  # noqa: E731
            if g(lo) * g(hi) > 0:
                return math.nan
            for _ in range(80):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if g(lo) * g(mid) > 0 else (lo, mid)
            x = (lo + hi) / 2
        return x

    @property
    def fit_range(self) -> tuple[float, float]:
        found = next((p.range for p in self.a.provenance if p.key == self.inf.fit and p.range is not None), None)
        if found is None:
            raise self.error(f"'{self.inf.fit}' needs a range = [lo, hi] to fit within")
        return found


def _shares(model: _Model, rng) -> dict[tuple, dict[int, float]]:
    """A year's share of each multi-year volume: drawn in the assumed range, normalised."""
    out = {}
    share = model.inf.volume_share
    for f in model.figures:
        if f.figure == "outflow_volume" and f.first_year != f.last_year:
            n = len(f.years)
            if share is None:
                values = np.full(n, 1.0 / n)
            else:
                central, lo, hi = share
                values = np.full(n, central) if rng is None else lo + (hi - lo) * rng.random(n)
            values = values / values.sum()
            out[(f.scope, f.first_year)] = dict(zip(f.years, values.tolist(), strict=True))
    return out


def _fit_setup(agreement: Agreement, figures: list[PublishedFigure]):
    """What a fit needs: ``(model, inference, pair, the fitted 'paid' figure, the other ranged numbers)``;
    the errors of :func:`infer` where the agreement or the figures do not allow one."""
    inf = agreement.inference
    if inf is None:
        raise HydroError(f"{agreement.path}: no [inference] table: this agreement names no unpublished "
                         "number to fit to published figures (docs/agreements.md, 'Published figures')")
    model = _Model(agreement, figures)
    pairs = {(r.payer, r.payee) for r in agreement.rules}
    candidates = [f for f in figures if f.figure == "paid" and f.first_year == f.last_year == inf.fit_year
                  and f.pair in pairs]
    if not candidates:
        raise model.error(f"the figures have no 'paid' amount for {inf.fit_year} between the rules' parties "
                          f"({', '.join('->'.join(p) for p in sorted(pairs))})")
    if len(candidates) > 1:  # the same year twice (two sources, or two pairs): which one is fitted?
        lines = ", ".join(str(f.line) for f in candidates)
        raise model.error(f"the figures give {len(candidates)} 'paid' amounts for {inf.fit_year} (lines {lines} "
                          "of the published-figures CSV); the fit needs one: keep the one to fit on, and give "
                          "the others another figure or remove them")
    fit_fig = candidates[0]
    pair = fit_fig.pair
    assert pair is not None  # selected among figures whose pair is one of the rules' parties
    ranged = [p for p in agreement.provenance
              if p.range is not None and p.key != inf.fit and p.key.split(".")[0] in
              {r.where for r in agreement.rules}]
    return model, inf, pair, fit_fig, ranged


def _fit_draws(model: _Model, inf, pair, fit_fig: PublishedFigure, ranged) -> tuple[list, list[float]]:
    """The consistent draws of the fit: each draw of the other ranged numbers (uniform in their ranges, the
    inference's seed) whose solved value of the fitted number lies in its range, and that value."""
    lo_fit, hi_fit = model.fit_range
    rng = np.random.default_rng(inf.seed)
    draws, xs = [], []
    for i in range(inf.samples):
        numbers = {p.key: float(rng.uniform(*(p.range or (p.value, p.value)))) for p in ranged}
        d = _Draw(numbers, _shares(model, rng), [inf.seed, i])
        x = model.solve(inf.fit_year, pair, d, fit_fig.value)
        if math.isfinite(x) and lo_fit <= x <= hi_fit:
            draws.append(d)
            xs.append(x)
    if not xs:
        raise model.error(f"no draw reproduces the {inf.fit_year} payment with '{inf.fit}' inside its range "
                          f"[{lo_fit:g}, {hi_fit:g}]: the agreement as encoded cannot have paid "
                          f"{fit_fig.value:,.0f} yuan")
    return draws, xs


def fitted_draws(agreement: Agreement) -> list[dict[str, float]]:
    """The fit's consistent draws as numbers (key path -> value, the fitted one included) on the
    published figures the agreement's ``[inference]`` names (``figures``); ``[]`` where it names none.

    ``--uncertainty`` draws an agreement's numbers from these (:mod:`hydro.compensation.uncertainty`):
    the fitted number together with the other assumptions it was solved for, so that the draws
    reproduce the published payment they were fitted on, rather than the fitted number spread over
    its whole range (a band of the Miyun phase-1 payments centred 55 % above the file's own figure:
    review of 2026-12-05)."""
    inf = agreement.inference
    if inf is None or inf.figures is None:
        return []
    model, inf, pair, fit_fig, ranged = _fit_setup(agreement, read_published(inf.figures))
    draws, xs = _fit_draws(model, inf, pair, fit_fig, ranged)
    return [{**d.numbers, inf.fit: float(x)} for d, x in zip(draws, xs, strict=True)]


def infer(agreement: Agreement, figures: list[PublishedFigure]) -> dict:
    """Fit the agreement's unpublished number on one year's published payment; check the rest.

    Size: one fit and its checks: the number is fitted on the fit year's payment, then every other published
    figure is tested against the band of the same draws.

    Returns
    -------
    dict
        ``inferred`` (the fitted number: value, band, range, consistent share),
        ``assumed`` (the other ranged numbers drawn), ``checks`` (one per published
        amount: year(s), figure, published, predicted with its 5-95 % band, status
        ``fit`` / ``pass`` / ``fail`` / ``not checkable`` and the reason) and
        ``unused`` figures.

    Raises
    ------
    HydroError
        If the agreement has no ``[inference]`` table, or the figures do not give the
        fit year's payment or the conditions its rules need.
    """
    model, inf, pair, fit_fig, ranged = _fit_setup(agreement, figures)
    central = _Draw({p.key: float(p.value) for p in ranged}, _shares(model, None), None)
    x_central = model.solve(inf.fit_year, pair, central, fit_fig.value)
    draws, xs = _fit_draws(model, inf, pair, fit_fig, ranged)
    lo_fit, hi_fit = model.fit_range
    xs_arr = np.array(xs)
    inferred = {
        "key": inf.fit, "value": x_central, "p05": float(np.percentile(xs_arr, 5)),
        "median": float(np.median(xs_arr)), "p95": float(np.percentile(xs_arr, 95)),
        "range": [lo_fit, hi_fit], "consistent_share": len(xs) / inf.samples, "draws": inf.samples,
        "fitted_on": f"{inf.fit_year} {fit_fig.figure} {fit_fig.value:,.0f} yuan ({fit_fig.scope})",
        "central_in_range": bool(lo_fit <= x_central <= hi_fit),
    }

    def predict(years, with_transfers_to=None):
        """Central value and 5-95 % band of the summed settlements over ``years``."""
        def one(d, x):
            total = sum(model.settlement(y, pair, d, x) for y in years)
            if with_transfers_to:
                total += sum(f.amount_yuan for f in agreement.fixed
                             if f.year in years and f.payee == with_transfers_to and f.payer != pair[0]
                             and f.kind in ("transfer", "settlement", "prepayment"))
            return total
        c = one(central, x_central)
        values = np.array([one(d, x) for d, x in zip(draws, xs, strict=True)])
        largest[tuple(years)] = float(values.max(initial=c))
        return c, float(np.percentile(values, 5)), float(np.percentile(values, 95))

    largest: dict[tuple, float] = {}  # the largest draw of each prediction, for a bound's check

    checks = []
    period = range(agreement.period[0], agreement.period[1] + 1)
    used = {fit_fig.line}
    paid_years = {f.first_year: f for f in figures if f.figure == "paid" and f.pair == pair
                  and f.first_year == f.last_year}

    def check(f, predicted, status, reason):
        c, p05, p95 = predicted if predicted else (None, None, None)
        checks.append({"years": [f.first_year, f.last_year], "figure": f.figure, "scope": f.scope,
                       "published": f.value, "rounding": rounding(f.value), "predicted": c,
                       "p05": p05, "p95": p95, "status": status, "reason": reason, "source": f.source})
        used.add(f.line)

    c, _, _ = predict([inf.fit_year])
    checks.append({"years": [inf.fit_year, inf.fit_year], "figure": "paid", "scope": fit_fig.scope,
                   "published": fit_fig.value, "rounding": rounding(fit_fig.value), "predicted": c,
                   "p05": None, "p95": None,
                   "status": "fit" if abs(c - fit_fig.value) <= 0.01 * fit_fig.value else "fail",
                   "reason": "the fitted number is chosen to reproduce this payment (within 1 %); "
                             "it is the fit, not a check", "source": fit_fig.source})
    for f in figures:
        if f.line in used or f.figure in ("outflow_volume", "worst_class"):
            continue
        years = [y for y in f.years if y in period]
        if f.figure == "paid" and f.pair == pair:
            pred = predict(years)
            ok = in_band(f.value, pred[1], pred[2])
            check(f, pred, "pass" if ok else "fail",
                  "published settlement against the 5-95 % band predicted from that year's published "
                  "conditions, widened by the published rounding")
        elif f.figure == "advance" and f.pair == pair and f.first_year not in paid_years \
                and f.first_year in period and f.first_year != inf.fit_year:
            pred = predict([f.first_year])
            check(f, pred, "not checkable",
                  f"an advance is paid before the year's results and settled the next year; the {f.first_year} "
                  "settlement is not published, so the predicted settlement is shown beside the advance "
                  "and not compared")
        elif f.figure == "arranged_total" and f.pair == pair:
            parts = []
            for y in f.years:
                g = paid_years.get(y) or next((a for a in figures if a.figure == "advance" and a.pair == pair
                                               and a.first_year == a.last_year == y), None)
                parts.append(g)
            known = [g for g in parts if g is not None]
            if len(known) < len(parts):
                check(f, None, "not checkable", "a year of the total has no published payment or advance")
                continue
            total = sum(g.value for g in known)
            ok = abs(total - f.value) <= rounding(f.value) + sum(rounding(g.value) for g in known)
            detail = " + ".join(f"{g.first_year} {g.figure} {g.value:,.0f}" for g in known)
            check(f, (total, total, total), "consistent" if ok else "fail",
                  f"the published parts add up to the published total ({detail}): the figures are read as "
                  f"{len(parts)} years, not one; arithmetic on published figures, not a test of the agreement")
        elif f.figure == "received_total" and f.scope == pair[1]:
            if not years:
                check(f, None, "not checkable", "no year of the total lies in the agreement's period")
                continue
            pred = predict(years, with_transfers_to=pair[1])
            outside = [y for y in f.years if y not in period]
            if outside:
                ok = pred[1] <= f.value + rounding(f.value)
                rest = f.value - pred[0]
                top = largest[tuple(years)]
                # a bound no draw comes near cannot fail inside the assumed ranges: it tests nothing
                status = ("fail" if not ok else "uninformative" if tests_nothing(top, f.value) else "pass")
                check(f, pred, status,
                      f"{outside[0]}-{outside[-1]} lie outside this agreement (later terms, whose prices and "
                      f"yearly volumes are not published): only the necessary condition 'predicted "
                      f"{years[0]}-{years[-1]} <= published total' is tested; the total leaves "
                      f"{rest:,.0f} yuan ({rest / len(outside):,.0f} a year) for {outside[0]}-{outside[-1]}"
                      + (f"; the largest of the draws, {top:,.0f} yuan, is {100 * top / f.value:.0f} % of the "
                         "bound, so inside the assumed ranges the condition cannot fail: it tests nothing"
                         if status == "uninformative" else ""))
            else:
                ok = in_band(f.value, pred[1], pred[2])
                check(f, pred, "pass" if ok else "fail", "published total against the predicted band")
    def why(f):
        if f.figure in ("outflow_volume", "worst_class"):
            if any(f.sections >= frozenset(r.sections) for r in agreement.rules):
                return CONDITION
            return "a condition of another scope or definition than the rules' sections"
        if f.figure == "advance" and f.first_year == inf.fit_year:
            return "paid ahead of the fitted year's settlement, which the rules compute; listed, not compared"
        if f.figure == "transfer":
            return "counted in a received total through the agreement's [[fixed]] line, if it has one"
        if f.figure == "project_funding":
            return "money outside the agreement's settlement"
        return "no rule or check of this agreement concerns it (other parties, years or definition)"

    unused = [{"line": f.line, "figure": f.figure, "scope": f.scope, "years": [f.first_year, f.last_year],
               "why": why(f)} for f in figures if f.line not in used]
    assumed = [{"key": p.key, "value": p.value, "range": list(p.range or ())} for p in ranged]
    if inf.volume_share:
        assumed.append({"key": f"{inf.where}.volume_share", "value": inf.volume_share[0],
                        "range": list(inf.volume_share[1:])})
    return {"agreement": str(agreement.path), "inferred": [inferred], "assumed": assumed,
            "checks": checks, "unused": unused}


def format_inference(result: dict) -> str:
    """The inference as text: the fitted number with its band, the draws, then the checks."""
    out = []
    for i in result["inferred"]:
        out.append(f"inferred (not published): {i['key']} = {i['value']:,.6g}  "
                   f"(5-95 %: {i['p05']:,.6g} to {i['p95']:,.6g}; assumed range {i['range'][0]:,.6g} to "
                   f"{i['range'][1]:,.6g}; {100 * i['consistent_share']:.0f} % of {i['draws']} draws consistent)")
        out.append(f"  fitted on: {i['fitted_on']}")
        read = [f"line {u['line']}: {u['figure']} {u['years'][0]}-{u['years'][1]} taken at {u['scope']}"
                for u in result["unused"] if u["why"] == CONDITION]
        if read:
            out.append(f"  with the published conditions read as ({'; '.join(read)}): the 5-95 % band draws the "
                       "assumed ranges below, not another reading of these figures, which would give another fit")
    if result["assumed"]:
        out.append("drawn inside their assumed ranges:")
        for a in result["assumed"]:
            out.append(f"  {a['key']} = {a['value']:,.6g} (range {a['range'][0]:,.6g} to {a['range'][1]:,.6g})")
    out.append("")
    out.append("checks against published figures (amounts in yuan):")
    for c in result["checks"]:
        years = f"{c['years'][0]}" + (f"-{c['years'][1]}" if c["years"][1] != c["years"][0] else "")
        pred = "-" if c["predicted"] is None else f"{c['predicted']:,.0f}"
        band = "" if c["p05"] is None or c["p05"] == c["p95"] else f" (5-95 %: {c['p05']:,.0f} to {c['p95']:,.0f})"
        out.append(f"  {c['status'].upper():13s} {years:9s} {c['figure']:15s} published {c['published']:,.0f} "
                   f"(rounding +-{c['rounding']:,.0f}); model {pred}{band}")
        out.append(f"                {c['reason']}")
    if result["unused"]:
        out.append("")
        out.append("figures not used as checks:")
        for u in result["unused"]:
            out.append(f"  line {u['line']}: {u['figure']} {u['scope']} {u['years'][0]}-{u['years'][1]}: {u['why']}")
    return "\n".join(out)


def compensate_published(figures_path: str | Path, agreement_path: str | Path,
                         overrides: list[str] | None = None, as_json: bool = False,
                         provenance: dict | None = None) -> str:
    """What ``hydro compensate PUBLISHED.csv AGREEMENT.toml`` prints: the inference and its checks (as JSON
    with ``provenance``, :func:`hydro.provenance.compensation_provenance`, where given)."""
    import json

    agreement = Agreement.from_toml(agreement_path, overrides=overrides)
    result = infer(agreement, read_published(figures_path))
    if as_json:
        return json.dumps({**result, **({"provenance": provenance} if provenance else {})}, indent=1,
                          ensure_ascii=False)
    return format_inference(result)


if __name__ == "__main__":  # python -m hydro.compensation.inference PUBLISHED.csv AGREEMENT.toml [--json]
    import sys

    args = [a for a in sys.argv[1:] if a != "--json"]
    if len(args) != 2:
        print("usage: python -m hydro.compensation.inference PUBLISHED.csv AGREEMENT.toml [--json]",
              file=sys.stderr)
        sys.exit(2)
    try:
        print(compensate_published(args[0], args[1], as_json="--json" in sys.argv))
    except HydroError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
