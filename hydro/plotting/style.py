"""House style of hydro figures: palette, class-band colours, fonts, figure creation and saving.

Every plot function draws inside :func:`figure_context`, which applies the same rc
settings (sizes, grid, colour cycle, fonts) without touching matplotlib's global
state, and creates figures with :func:`new_figure` through the object-oriented API
(``matplotlib.figure.Figure`` with the Agg canvas), so no pyplot window or backend
switch ever happens.  matplotlib is imported inside functions only.

Colours follow Okabe & Ito (2008), a palette that stays distinct for the common
forms of colour-blindness; GB 3838 class bands use light tints of Paul Tol's
blue-to-red diverging scheme.  Chinese names are drawn with a CJK font when one is
installed (e.g. Debian's ``fonts-noto-cjk``); otherwise the romanised id is used,
so no label ever renders as empty boxes.
"""

from __future__ import annotations

import contextlib
from functools import lru_cache

from hydro.errors import HydroError
from hydro.plotting._output import DPI, FORMATS, check_dpi, check_path, save  # noqa: F401 (style's names)
from hydro.standards import PARAMETER_LABELS

#: Okabe-Ito colours, in the order lines take them.
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7",
                            "#56B4E9", "#F0E442", "#000000")

#: Fill colours of GB 3838 Classes I..V and "worse than V" (Tol BuRd tints).
CLASS_COLOURS: tuple[str, ...] = ("#92C5DE", "#D1E5F0", "#F7F7F7", "#FDDBC7", "#F4A582", "#D6604D")

#: Neutral greys for targets, annotations and outlines.
TARGET_COLOUR = "#333333"
MUTED = "#777777"

#: Default figure size (inches).
FIGSIZE: tuple[float, float] = (8.0, 4.5)

#: Font families searched, in order, for Chinese text.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans SC", "Source Han Sans SC",
    "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei",
    "PingFang SC", "Heiti SC", "AR PL UMing CN", "Droid Sans Fallback",
)


def colour(i: int) -> str:
    """The ``i``-th palette colour (cycling)."""
    return PALETTE[i % len(PALETTE)]


def linestyle(i: int) -> str:
    """Line style of the ``i``-th series: solid for the first round of :data:`PALETTE`,
    then dashed and dotted, so no two series look alike when colours repeat."""
    return ("-", "--", ":", "-.")[(i // len(PALETTE)) % 4]


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed CJK font, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    for name in sorted(installed):
        if "CJK" in name:
            return name
    return None


def font_families() -> list[str]:
    """The font list figures use: DejaVu Sans, then a CJK font when one is installed."""
    families = ["DejaVu Sans"]
    if cjk_font():
        families.append(cjk_font())
    return families


@lru_cache(maxsize=8)
def _charmap(family: str) -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    return frozenset(FT2Font(path).get_charmap())


def can_render(text: str) -> bool:
    """Whether every character of ``text`` has a glyph in the fonts figures use."""
    needed = {ord(ch) for ch in text if not ch.isascii()}
    if not needed:
        return True
    available: set[int] = set()
    for family in font_families():
        try:
            available |= _charmap(family)
        except (ValueError, RuntimeError, OSError):
            continue
    return needed <= available


def display_name(ident: str, name: str | None = None) -> str:
    """``name`` when it can be drawn without missing glyphs, else the (romanised) ``ident``; an id that cannot
    be drawn either (``古北口`` without a CJK font) is written with ``\\uXXXX`` escapes for what no font
    draws, never as empty boxes (with a note, once, on the font to install)."""
    if name and can_render(name):
        return name
    ident = str(ident)
    if can_render(ident):
        return ident
    _note_missing_font(ident)
    return "".join(ch if can_render(ch) else ch.encode("ascii", "backslashreplace").decode() for ch in ident)


_FONT_NOTED: list[str] = []  # (the note is said once a process)


def _note_missing_font(example: str) -> None:
    """Say once, on stderr, that an id is drawn as escapes for want of a font."""
    import sys

    if _FONT_NOTED:
        return
    _FONT_NOTED.append(example)
    print(f"note: no installed font draws '{example}' (nor the other ids in \\u escapes on the figure); "
          "install a CJK font (e.g. apt install fonts-noto-cjk) to draw them", file=sys.stderr)


def rc_params() -> dict:
    """The rc settings of hydro figures."""
    from cycler import cycler

    return {
        "font.family": "sans-serif",
        "font.sans-serif": font_families(),
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.labelsize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.35,
        "grid.linewidth": 0.6,
        "axes.prop_cycle": cycler(color=list(PALETTE)),
        "legend.fontsize": 9,
        "legend.frameon": False,
        "lines.linewidth": 1.4,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "axes.unicode_minus": True,
        # every text is drawn as typed: a '$' in a --title, a --target label or a section's name
        # ("$5 fine zone") is not the start of a TeX formula, which stopped plot and report
        "text.parse_math": False,
        "savefig.dpi": DPI,
        "figure.dpi": DPI,
    }


@contextlib.contextmanager
def figure_context():
    """Apply the house rc settings for the duration of one plot."""
    import matplotlib

    with matplotlib.rc_context(rc_params()):
        yield


def new_figure(nrows: int = 1, ncols: int = 1, figsize=FIGSIZE, **subplot_kw):
    """A figure with a grid of axes on the Agg canvas (no pyplot), constrained layout.

    Returns
    -------
    (Figure, Axes or array of Axes)
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def figure_and_axes(ax, figsize=FIGSIZE):
    """``(ax.figure, ax)`` when the caller gave axes, else a new single-axes figure."""
    if ax is not None:
        return ax.figure, ax
    return new_figure(figsize=figsize)


#: Characters per line of a legend entry drawn beside the axes (longer ones wrap).
LEGEND_WIDTH = 30


def legend_outside(ax, extra=(), **kwargs):
    """A legend to the right of the axes (nothing when there are no labelled artists).

    ``extra`` handles (e.g. the class-band patch) are appended.
    """
    handles, labels = ax.get_legend_handles_labels()
    for h in extra:
        if h is not None:
            handles.append(h)
            labels.append(h.get_label())
    if not handles:
        return None
    import textwrap

    # long names (a section's "Chao River at Gubeikou (Hebei-Beijing border)") on two lines, so the
    # legend does not take half the figure's width from the axes
    labels = [t if "\n" in t or len(t) <= LEGEND_WIDTH else textwrap.fill(t, LEGEND_WIDTH, break_on_hyphens=False)
              for t in labels]
    kwargs.setdefault("loc", "upper left")
    kwargs.setdefault("bbox_to_anchor", (1.05, 1.0))
    kwargs.setdefault("borderaxespad", 0.0)
    return ax.legend(handles, labels, **kwargs)


#: Characters per line of a title over a single-axes figure with its legend beside it (longer ones wrap).
TITLE_WIDTH = 70


def wrap_title(text: str, width: int = TITLE_WIDTH) -> str:
    """``text`` with each line wrapped at ``width`` characters: a title naming a section, such as
    "TN load by source at Chao River at Gubeikou (Hebei-Beijing border) (ensemble mean)", ran off the
    figure's left edge on one line."""
    import textwrap

    return "\n".join(textwrap.fill(line, width, break_on_hyphens=False) for line in text.split("\n"))


def year_ticks(ax, x, labels) -> None:
    """Year labels under grouped bars at ``x``: every one up to :data:`MAX_YEAR_LABELS`, else every
    second, third, ... one from the first, so they never run together (17 years of a 2000-2016 run
    did); a tick marks every year."""
    step = -(-len(labels) // MAX_YEAR_LABELS)
    ax.set_xticks(x, [t if k % step == 0 else "" for k, t in enumerate(labels)])


#: The most year labels written side by side under a figure 8 in wide (4-digit years at 9 pt).
MAX_YEAR_LABELS = 12


#: Symbols of the constituents GB 3838 does not class (those it does: hydro.standards.PARAMETER_LABELS).
_SYMBOLS = {"orgn": "OrgN", "no3n": "NO3-N", "dp": "DP", "pp": "PP"}


def symbol(short: str) -> str:
    """How a constituent is written in figures and reports: ``NH3-N``, ``CODMn``, ``NO3-N``, ``TN``."""
    return PARAMETER_LABELS.get(short) or _SYMBOLS.get(short, str(short).upper())


def pretty(ident: str) -> str:
    """``"rural_sewage"`` -> ``"Rural sewage"``."""
    words = str(ident).replace("_", " ").strip().split()
    words = [_ACRONYMS.get(w.lower(), w) for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


_ACRONYMS = {**PARAMETER_LABELS, "wwtp": "WWTP"}


def class_limits_for(parameter: str, waterbody: str, classes) -> tuple[tuple[float, ...] | None, str]:
    """GB 3838 limits to draw for ``parameter`` and the legend note, following ``classes``.

    ``classes`` None (automatic): the classes of ``waterbody`` when GB 3838 defines them
    (TN: lakes and reservoirs only).  True: those, or for TN in rivers the lake limits
    as a reference.  False: none.  ``waterbody`` is ``"lake"``, ``"river"`` or
    ``"mixed"``.  The numbers come from :mod:`hydro.standards`.
    """
    from hydro import standards

    if classes is False or parameter not in standards.PARAMETERS:
        return None, ""
    body = "river" if waterbody == "mixed" else waterbody
    try:
        limits = standards.class_limits(parameter, body)
        if waterbody == "mixed" and parameter == "tp":
            return (limits, "GB 3838 river classes") if classes else (None, "")
        return limits, f"GB 3838 {'lake' if body == 'lake' else 'river'} classes"
    except HydroError:
        if not classes:
            return None, ""
        return standards.class_limits(parameter, "lake"), "GB 3838 lake TN classes\n(reference only for rivers)"


def draw_class_bands(ax, limits, note: str = "", label_side: str = "right"):
    """Shade GB 3838 class bands I..V (and worse than V) behind the data and name them.

    Call after the y-limits are final; only bands inside the view are labelled.
    Returns a legend handle labelled ``note``.
    """
    from matplotlib.patches import Patch

    from hydro.standards import CLASS_NAMES

    y0, y1 = ax.get_ylim()
    edges = (0.0,) + tuple(limits) + (max(y1, limits[-1]) * 10 + 1.0,)
    for i in range(len(edges) - 1):
        lo, hi = edges[i], edges[i + 1]
        ax.axhspan(lo, hi, color=CLASS_COLOURS[i], alpha=0.4, lw=0, zorder=0)
        vis_lo, vis_hi = max(lo, y0), min(hi, y1)
        if vis_hi - vis_lo > 0.04 * (y1 - y0):
            name = CLASS_NAMES[i] if i < 5 else ">V"
            ax.text(1.0 if label_side == "right" else 0.0, (vis_lo + vis_hi) / 2, f" {name} ",
                    transform=ax.get_yaxis_transform(), ha="left" if label_side == "right" else "right",
                    va="center", fontsize=8, color=MUTED, zorder=1, clip_on=False)
    for lim in limits:
        if y0 < lim < y1:
            ax.axhline(lim, color="#BBBBBB", lw=0.6, zorder=0.5)
    ax.set_ylim(y0, y1)
    return Patch(facecolor=CLASS_COLOURS[3], edgecolor="#BBBBBB", alpha=0.8, label=note or "GB 3838 classes")


def draw_targets(ax, targets) -> None:
    """Horizontal dashed lines, labelled at their left end, for ``[(label, value), ...]``."""
    for label, value in targets:
        ax.axhline(value, color=TARGET_COLOUR, lw=1.2, ls="--", zorder=3)
        ax.annotate(label, xy=(0.005, value), xycoords=ax.get_yaxis_transform(), xytext=(2, 2),
                    textcoords="offset points", fontsize=8, color=TARGET_COLOUR, va="bottom",
                    ha="left", zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})


def top_limit(values, targets=(), pad: float = 1.12) -> float:
    """An upper y-limit that shows the finite ``values`` and targets, with headroom."""
    import numpy as np

    arr = np.asarray(values, dtype=float)
    finite = arr[np.isfinite(arr)]
    top = float(finite.max()) if finite.size else 1.0
    for _, v in targets:
        top = max(top, v)
    return top * pad if top > 0 else 1.0
