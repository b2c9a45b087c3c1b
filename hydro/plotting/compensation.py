"""``compensation``: payments by year, payee and component as grouped, stacked bars.

One group of bars per year, one bar per payee (told apart by hatching and named
under the bar), stacked by component (colour).  Amounts are signed as in
:class:`hydro.compensation.Payment`: positive from payer to payee, negative back;
negative parts stack below zero.  Undetermined (NaN) amounts are left out and
counted in a note, with their years.  Advances (paid ahead of a settlement) and funding
flows are not in the bars — ``hydro compensate`` does not net them either
(:data:`hydro.compensation.payments.NOT_NETTED`): stacked on the settlement they counted the
same money twice — and are listed in the note.
"""

from __future__ import annotations

import math

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.plotting import style

#: Component order (the rule types of an agreement, then fixed payments).
COMPONENTS: tuple[str, ...] = ("quantity", "quality_class", "tn_reduction", "target", "fixed")
_HATCHES = ("", "///", "...", "xx", "\\\\\\", "++")


def _scale(max_abs: float) -> tuple[float, str]:
    if max_abs >= 1e8:
        return 1e8, "100 million yuan"
    if max_abs >= 1e6:
        return 1e6, "million yuan"
    if max_abs >= 1e4:
        return 1e4, "10 thousand yuan"
    return 1.0, "yuan"


def _notes(undetermined, aside, factor: float, unit: str) -> list[str]:
    """The figure's note: what the bars leave out (undetermined amounts, advances and funding)."""
    notes = ["Numbers: net amount per bar. Negative: deductions paid back by the payee."]
    if undetermined:
        years = ", ".join(str(y) for y in sorted({p.year for p in undetermined}))
        notes.append(f"{len(undetermined)} undetermined amount(s) not shown ({years}: those bars are incomplete; "
                     "see hydro compensate).")
    for comp in dict.fromkeys(p.component for p in aside):
        items = [f"{p.year} {p.amount_yuan / factor:,.2f} {p.payer} → {p.payee}" if math.isfinite(p.amount_yuan)
                 else f"{p.year} {p.payer} → {p.payee} (amount not published)" for p in aside if p.component == comp]
        what = "paid ahead of the settlement" if comp == "advance" else "funding flows"
        notes.append(f"Not in the bars ({what}, not netted): {style.pretty(comp).lower()} "
                     f"{'; '.join(items[:4])}{'; …' if len(items) > 4 else ''}"
                     + (f" ({unit})." if any(math.isfinite(p.amount_yuan) for p in aside if p.component == comp)
                        else "."))
    return notes


def plot_compensation(payments, *, payees=None, title: str | None = None, ax=None):
    """Payments per year, payee and component.

    Size: one figure drawn top to bottom on matplotlib's axes (bars, labels, legend); helpers would pass the
    axes and its styling around.

    Parameters
    ----------
    payments : list of hydro.compensation.Payment
        E.g. from :func:`hydro.compensation.evaluate`.
    payees : list of str, optional
        Payees to show, in this order (default: all, as they first appear).
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    HydroError
        With no payments, or none with a determined amount.
    """
    payments = list(payments or [])
    if not payments:
        raise HydroError("plot 'compensation' needs payments; evaluate an agreement first "
                         "(e.g. --agreement AGREEMENT.toml)")
    from hydro.compensation.payments import NOT_NETTED

    aside = [p for p in payments if p.component in NOT_NETTED]
    settled = [p for p in payments if p.component not in NOT_NETTED]
    determined = [p for p in settled if math.isfinite(p.amount_yuan)]
    undetermined = [p for p in settled if not math.isfinite(p.amount_yuan)]
    if not determined:
        raise HydroError("plot 'compensation': no payment has a determined amount (all are NaN; "
                         "months were missing in the series)")
    years = sorted({p.year for p in determined})
    all_payees = list(dict.fromkeys(p.payee for p in determined))
    payees = all_payees if payees is None else [str(p) for p in payees]
    for p in payees:
        if p not in all_payees:
            raise HydroError(f"unknown payee '{p}'" + suggest(p, all_payees)
                             + f"; payees here: {', '.join(all_payees)}")
    components = [c for c in COMPONENTS if any(p.component == c for p in determined)]
    components += sorted({p.component for p in determined} - set(components))
    amounts = np.zeros((len(years), len(payees), len(components)))
    for p in determined:
        if p.payee in payees:
            amounts[years.index(p.year), payees.index(p.payee), components.index(p.component)] += p.amount_yuan
    factor, unit = _scale(float(np.abs(amounts).max()))
    amounts /= factor

    with style.figure_context():
        fig, ax = style.figure_and_axes(ax)
        n = len(payees)
        width = 0.8 / n
        x = np.arange(len(years))
        tops, bottoms = [], []
        for j, payee in enumerate(payees):
            pos = x + (j - (n - 1) / 2) * width
            up = np.zeros(len(years))
            down = np.zeros(len(years))
            for k, comp in enumerate(components):
                vals = amounts[:, j, k]
                base = np.where(vals >= 0, up, down)
                ax.bar(pos, vals, width * 0.92, bottom=base, color=style.colour(k),
                       hatch=_HATCHES[j % len(_HATCHES)], edgecolor="white", lw=0.5, zorder=2,
                       label=style.pretty(comp) if j == 0 else None)
                up = np.where(vals >= 0, up + vals, up)
                down = np.where(vals < 0, down + vals, down)
            net = amounts[:, j, :].sum(axis=1)
            any_paid = np.any(amounts[:, j, :] != 0, axis=1)
            tops.append(up.max())
            bottoms.append(down.min())
            for xi, top, v, paid in zip(pos, up, net, any_paid):
                if not paid:
                    continue
                v = round(v, 2) + 0.0  # a net of round-off (a floor year): 0.00, not -0.00
                ax.annotate(f"{v:,.2f}", xy=(xi, top), xytext=(0, 2), textcoords="offset points",
                            ha="center", va="bottom", fontsize=7, color="#333333")
        ax.axhline(0, color="#333333", lw=0.8, zorder=3)
        style.year_ticks(ax, x, [str(y) for y in years])
        ax.set_xlabel("Year")
        ax.set_ylabel(f"Payment ({unit})")
        ax.grid(axis="x", visible=False)
        top, bottom = max(tops), min(bottoms)
        span = (top - bottom) or 1.0
        ax.set_ylim(bottom - 0.08 * span if bottom < 0 else 0.0, top + 0.12 * span)
        extra = []
        if n > 1:
            from matplotlib.patches import Patch

            extra = [Patch(facecolor="white", edgecolor="#555555", hatch=_HATCHES[j % len(_HATCHES)] * 2,
                           label=f"to {payee}") for j, payee in enumerate(payees)]
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles + extra, labels + [h.get_label() for h in extra], loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, title="Component / payee")
        payers = sorted({p.payer for p in determined if p.payee in payees})
        ax.set_title(title or f"Compensation payments by year and component (payer: {', '.join(payers)})")
        import textwrap

        notes = _notes(undetermined, aside, factor, unit)
        note = "\n".join(textwrap.fill(n, 110, subsequent_indent="  ") for n in notes)
        ax.text(0.0, -0.16, note, transform=ax.transAxes,
                fontsize=7, color=style.MUTED, va="top", ha="left")
    return fig
