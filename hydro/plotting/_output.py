"""Writing figures: the formats, the resolution and the save itself (atomic, reproducible)."""

from __future__ import annotations

from pathlib import Path

from hydro.errors import HydroError, suggest

#: Default resolution (dots per inch) and the output formats :func:`save` writes.
DPI = 150
FORMATS: tuple[str, ...] = ("png", "pdf", "svg")


def check_path(path: str | Path, overwrite: bool = True) -> Path:
    """Check a figure path before drawing: a known suffix, and the output policy of
    :func:`hydro.outputs.check_output` (folder exists and is writable; an existing
    file only with ``overwrite``)."""
    from hydro.outputs import check_output

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise HydroError(f"{path}: cannot write a figure as '{path.suffix or '(no suffix)'}'"
                         + suggest(fmt, FORMATS) + f"; use one of: {', '.join('.' + f for f in FORMATS)}")
    return check_output(path, overwrite)


def save(fig, path: str | Path, dpi: int = DPI, overwrite: bool = True) -> Path:
    """Write ``fig`` to ``path`` (format from the suffix: png, pdf or svg), atomically, at ``dpi``
    (:func:`check_dpi`); an existing file is replaced unless ``overwrite`` is false (``hydro plot``
    passes its ``--overwrite``). PDF and SVG carry no save date, so the same figure is the same bytes.

    Raises
    ------
    HydroError
        For an unknown suffix, a missing or unwritable folder, an existing file without
        ``overwrite``, or a resolution out of bounds.
    """
    dpi = check_dpi(dpi)
    path = check_path(path, overwrite)
    fmt = path.suffix.lower().lstrip(".")
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _write(fig, path, overwrite, dpi, fmt)
    glyphs = [w for w in caught if "missing from font" in str(w.message)]
    for w in caught:
        if w not in glyphs:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if glyphs:
        _note_glyphs(path, [str(w.message) for w in glyphs])
    return path


#: Metadata without the save time (matplotlib stamps PDF and SVG with it), and the dpi :func:`save` takes.
METADATA, DPI_RANGE = {"pdf": {"CreationDate": None}, "svg": {"Date": None}}, (50, 1200)


def check_dpi(dpi) -> int:
    """``dpi`` as an int within :data:`DPI_RANGE`, else a :class:`HydroError`."""
    from numbers import Integral

    value = int(dpi) if isinstance(dpi, Integral) and not isinstance(dpi, bool) else None
    if value is None or not DPI_RANGE[0] <= value <= DPI_RANGE[1]:
        raise HydroError(f"dpi {dpi!r}: give a whole number of dots per inch from {DPI_RANGE[0]} to "
                         f"{DPI_RANGE[1]} (e.g. 300 for a journal's figures, 600 for line art)")
    return value


def _write(fig, path: Path, overwrite: bool, dpi: int, fmt: str) -> None:
    """The save of :func:`save`: laid out once and written without the save time, the same bytes each time."""
    import matplotlib

    from hydro.outputs import atomic_open

    if type(fig.get_layout_engine()).__name__ == "ConstrainedLayoutEngine":
        # laid out once, then kept: each draw of a constrained layout moves the axes a little (the legend
        # beside them), so a figure saved twice differed; drawn once it is the same bytes every time
        fig.canvas.draw()
        fig.set_layout_engine("none")
    # SVG ids salted alike each time (matplotlib draws a random salt)
    with atomic_open(path, overwrite, mode="wb") as fh, matplotlib.rc_context({"svg.hashsalt": "hydro"}):
        fig.savefig(fh, dpi=dpi, format=fmt, metadata=METADATA.get(fmt))


def _note_glyphs(path: Path, messages: list[str]) -> None:
    """One note on stderr for the characters no installed font draws (a Chinese ``--title`` without a
    CJK font), in place of matplotlib's warning per character."""
    import re
    import sys

    chars = "".join(dict.fromkeys(chr(int(m)) for text in messages for m in re.findall(r"Glyph (\d+)", text)))
    print(f"note: {path}: no installed font draws '{chars}' (in a title or label), drawn as empty boxes; install "
          "a CJK font (e.g. apt install fonts-noto-cjk) to draw Chinese text", file=sys.stderr)
