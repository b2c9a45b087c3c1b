"""The "Payments" section of a report (``hydro report --agreement A.toml [--uncertainty N]``).

:func:`prepare` evaluates the agreement on the results once, before anything is drawn,
so a bad agreement or one whose sections the results lack stops the report at once
with the compensation engine's own error.  :func:`section` turns the payments (and,
with ``members``, the bands of :func:`hydro.compensation.uncertainty.payment_uncertainty`:
monitoring error and ranged prices drawn) into tables and the forest-plot figure of
:func:`hydro.compensation.uncertainty.plot_payment_bands`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from hydro.compensation.payments import CAPPED
from hydro.errors import HydroError
from hydro.plotting.style import symbol
from hydro.report import figures, html
from hydro.report.html import esc
from hydro.report.tables import ReportTable


@dataclass
class PaymentsSpec:
    """What the Payments section reports: the agreement, its evaluation on the results,
    and how the bands are drawn (``members`` None: no bands)."""

    agreement: str
    results: str
    payments: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    skip_unavailable: bool = False
    members: int | None = None
    seed: int = 0
    workers: int | None = None
    name: str = ""
    overrides: tuple[str, ...] = ()


def prepare(results_path, agreement, *, scenario=None, skip_unavailable: bool = False,
            members: int | None = None, seed: int = 0, workers: int | None = None,
            has_scenarios: bool = False, overrides=()) -> PaymentsSpec:
    """Read the agreement (with its ``--set`` ``overrides``) and evaluate it on the results (raises
    :class:`HydroError` for a bad agreement, sections or parameters the results lack, or years they do
    not cover)."""
    from hydro.compensation import Agreement, evaluate
    from hydro.compensation.engine import unavailable
    from hydro.monitoring import read_series

    if members is not None and members < 1:
        raise HydroError(f"--uncertainty must be at least 1 member, got {members}")
    if members is not None and has_scenarios:
        raise HydroError("--uncertainty: the bands are drawn on a results file of one run, not on a "
                         "`hydro scenarios` file; report a `hydro run` file, or drop --uncertainty")
    if workers is not None and members is None:
        raise HydroError("--workers goes with --uncertainty")
    rules = Agreement.from_toml(agreement, overrides=list(overrides))
    series = read_series(results_path, scenario)
    payments = evaluate(rules, series, skip_unavailable=skip_unavailable)
    skipped = unavailable(rules, series) if skip_unavailable else []
    return PaymentsSpec(str(agreement), str(results_path), payments, skipped, skip_unavailable, members, seed,
                        workers, str(getattr(rules, "name", "") or Path(agreement).stem), tuple(overrides))


def _money(v):
    """An amount for an ``int`` cell: None stays None (an en dash), |v| < 0.5 is 0 (never "-0")."""
    return None if v is None else (0.0 if abs(v) < 0.5 else float(v))


def _pair(payer: str, payee: str) -> str:
    return f"{payer} → {payee}"


def payments_table(payments) -> ReportTable:
    rows = []
    for p in payments:
        notes = []
        if not math.isfinite(p.amount_yuan):
            notes.append("unpublished" if p.component == "funding" else "undetermined")
        if not p.complete:
            notes.append("incomplete")
        if p.assumed:
            notes.append("assumed")
        if CAPPED in p.note:  # the rule's max_yuan or min_yuan cut it: "capped at ... (the formula gives ...)"
            notes.append(p.note[p.note.index(CAPPED) + 2:])
        rows.append([str(p.year), p.section or "–", p.component, p.parameter or "–", _pair(p.payer, p.payee),
                     _money(p.amount_yuan) if math.isfinite(p.amount_yuan) else math.nan, ", ".join(notes)])
    return ReportTable("payment-lines", "Payment lines (yuan; positive: payer pays payee)",
                       ["year", "section", "component", "parameter", "payer → payee", "amount (yuan)", "note"],
                       rows, ["text", "text", "text", "text", "text", "int", "text"],
                       note="Assumed: the rule rests on a number the agreement file marks as an assumption; "
                            "undetermined: a month the rule needs is missing; capped: the rule's max_yuan or "
                            "min_yuan cut the amount the formula gives.")


def totals_table(payments) -> ReportTable:
    from hydro.compensation.payments import totals

    rows = [[str(t["year"]), _pair(t["payer"], t["payee"]), _money(t["performance_yuan"]), _money(t["fixed_yuan"]),
             _money(t["net_yuan"]),
             "" if t["complete"] else "incomplete"] for t in totals(payments)]
    return ReportTable("payments-net", "Net per year and pair (yuan; advances and funding flows not netted)",
                       ["year", "payer → payee", "rules", "fixed", "net", "note"], rows,
                       ["text", "text", "int", "int", "int", "text"])


def bands_table(result: dict) -> ReportTable:
    from hydro.compensation.uncertainty import members_of

    rows = []
    for r in result["rows"]:
        notes = []
        if r["flag"]:
            notes.append("decided within measurement error")
        if r["undetermined"]:
            notes.append("unpublished" if r["component"] == "funding" else f"{r['undetermined']} undetermined")
        rows.append([str(r["year"]), r["section"] or "–", r["component"], r["parameter"] or "–",
                     _pair(r["payer"], r["payee"]), _money(r["median_yuan"]), _money(r["p05_yuan"]),
                     _money(r["p95_yuan"]), "–" if r["p_pays"] is None else f"{r['p_pays']:.2f}",
                     ", ".join(notes)])
    lo, hi = (round(100 * q) for q in result["band"])
    return ReportTable("payment-bands", f"Payment lines over {members_of(result['succeeded'])} (yuan): median, "
                       f"{lo}–{hi} % band and probability of paying",
                       ["year", "section", "component", "parameter", "payer → payee", "median", f"{lo} %", f"{hi} %",
                        "P(pays)", "note"], rows,
                       ["text", "text", "text", "text", "text", "int", "int", "int", "text", "text"],
                       note=f"Decided within measurement error: the monitoring error alone changes whether (or which "
                            f"way) the line pays in at least {result['flip_flag']:.0%} of the members.")


def net_bands_table(result: dict) -> ReportTable:
    lo, hi = (round(100 * q) for q in result["band"])
    rows = [[str(n["year"]), _pair(n["payer"], n["payee"]), _money(n["median_yuan"]), _money(n["p05_yuan"]),
             _money(n["p95_yuan"])]
            for n in result["net"]]
    return ReportTable("payment-bands-net",
                       f"Net per year and pair over the members (yuan): median and {lo}–{hi} % band",
                       ["year", "payer → payee", "median", f"{lo} %", f"{hi} %"], rows,
                       ["text", "text", "int", "int", "int"])


def _drawn(result: dict) -> str:
    prop = result["propagated"]
    out = []
    if prop.get("monitoring_error"):
        cv = ", ".join(f"{symbol(k) if k != 'flow' else 'flow'} {v:.0%}"
                       for k, v in prop["monitoring_error"]["cv"].items())
        out.append(f"the monitoring error of every monthly value (lognormal, CV per parameter, an "
                   f"estimate: {cv})")
    if prop.get("prices") is not None:
        from hydro.compensation.uncertainty import prices_drawn

        out.append(prices_drawn(prop["prices"]))
    return "; ".join(out) or "nothing"


def uncertainty(spec: PaymentsSpec, quiet: bool = True) -> dict:
    """The bands of ``spec`` (members serial in this process unless ``spec.workers``)."""
    from hydro.compensation.uncertainty import Setup, payment_uncertainty

    setup = Setup(spec.agreement, overrides=spec.overrides, series=spec.results, seed=spec.seed, weather=False,
                  skip_unavailable=spec.skip_unavailable)
    assert spec.members is not None
    return payment_uncertainty(setup, spec.members, workers=spec.workers or 1, quiet=quiet)


def payments_section(spec: PaymentsSpec, names: dict[str, str], quiet: bool = True) -> str:
    """The Payments section as HTML."""
    from hydro.compensation.payments import direction_note
    from hydro.compensation.uncertainty import members_of, plot_payment_bands

    body = [f"<p>Agreement <code>{esc(Path(spec.agreement).name)}</code> evaluated on the results' "
            "monthly section means (concentrations averaged over the days, as monitored, and flow volumes).</p>"]
    if spec.skipped:
        items = ", ".join(f"{symbol(parameter)} at {section}" for _, section, parameter in spec.skipped)
        body.append(f'<div class="callout"><b>Left out</b> (the results have no data for them): '
                    f"{esc(items)}.</div>")
    if spec.payments:
        body.append(html.table(payments_table(spec.payments), names))
        body.append(html.table(totals_table(spec.payments), names))
        note = direction_note(spec.payments)  # which way a negative net went: the text output's line
        if note:
            body.append(f"<p>{esc(note[0].upper() + note[1:])}.</p>")
    else:
        body.append("<p>No payment lines: every rule parameter was left out, or no year of the agreement's "
                    "period is in the results.</p>")
    if spec.members is not None:
        result = uncertainty(spec, quiet=quiet)
        body.append(f"<h3>Payments with uncertainty</h3><p>{members_of(result['succeeded'], result['members'])} "
                    f"(seed {result['seed']}), each drawing {esc(_drawn(result))}. The weather and "
                    "the model parameters are those of this run (not drawn).</p>")
        if result["failed"]:
            first = next(iter(result["failed"].items()))
            body.append(f'<div class="callout"><b>{members_of(len(result["failed"]))} failed</b> and are left out '
                        f"(member {esc(first[0])}: {esc(first[1])}).</div>")
        body.append(html.figure(figures.draw(
            "fig-payment-bands",
            "Payments as distributions: per payment line and year the median (dot), the 5–95 % band (bar) "
            "and the probability of paying; lines decided within the measurement error in the warning "
            "colour; the net per year and pair below the dotted rule.",
            plot_payment_bands, result, title=f"{spec.name}: {members_of(result['succeeded'])}")))
        body.append(html.table(bands_table(result), names))
        body.append(html.table(net_bands_table(result), names))
    return html.section("payments", "Payments",
                        "What the agreement's rules pay in each year the results cover, by section, "
                        "component and parameter (positive: the payer pays the payee)"
                        + (", and how sure each line is under the monitoring error and the agreement's "
                           "unpublished prices." if spec.members is not None else "."), "".join(body))
