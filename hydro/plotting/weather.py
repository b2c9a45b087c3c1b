"""What weather a figure's numbers stand on, from its results file's metadata.

A run on generated weather (``hydro run --synthetic-weather S``, a period past the station record,
every member of ``--members N``) gives one draw of the weather's years, neither their observed nor
their expected weather: ``hydro gep`` and ``hydro compensate`` say so on stderr, and every figure of
``hydro plot`` says so under its title (:func:`weather_note`, added by :func:`add_note`).  A band
over one member (``--members 1``, or all but one failed) is that member's line: the note says so
rather than drawing a band that reads as a spread of nil.

Kept free of matplotlib until a note is drawn.
"""

from __future__ import annotations

from datetime import date

#: The key under which :func:`file_attributes` gives a file's first day (ISO), for a run that starts on
#: the station record and goes on on generated weather (its observed days are named).
FIRST_DAY = "_first_day"

#: Kinds drawing a ``hydro scenarios --members`` file's ``ensemble_*`` members as bands (the
#: other kinds draw its one run per scenario; :func:`hydro.plotting._data.with_members`).
ENSEMBLE_KINDS = ("trajectory", "scenarios")


def _synthetic(attrs) -> bool:
    return str(attrs.get("weather_synthetic", "")).strip().lower() == "true"


def members_ran(attrs, members: int) -> int:
    """Of ``members`` members, those that ran (less the ``members_failed`` attribute's)."""
    failed = [m for m in str(attrs.get("members_failed", "")).split(",") if m.strip()]
    return max(members - len(failed), 0)


def members_of(count: int, total: int | None = None) -> str:
    """``"19 of 20 members"``, ``"1 of 1 member"``, ``"3 members"``: a count of members (of ``total``),
    the noun's number that of the total (of the count without one)."""
    n = count if total is None else total
    return (f"{count} of {total} " if total is not None else f"{count} ") + ("member" if n == 1 else "members")


def one_member(count: int) -> str:
    """``"1 member: no spread (...)"`` for a band over ``count`` members that is over one, else ``""``."""
    return "1 member: no spread (median and band are that one member's value)" if count == 1 else ""


def weather_note(results, kind: str, constituent: str | None = None) -> str:
    """The line a figure of ``kind`` of ``results`` carries about its weather, or ``""``.

    ``"generated weather (seed 4): one draw of these years, not their observed or expected weather"``
    for a run on generated weather (global attribute ``weather_synthetic = true``), with the
    members' count for an ensemble (``member`` dimension); for a ``hydro scenarios --members`` file
    on the recorded weather, the bands of the kinds of :data:`ENSEMBLE_KINDS` (TN only) are its
    members' generated weather (``ensemble_seed``); and :func:`one_member` where a band is over
    one member.
    """
    attrs = results.attrs
    members = len(results.coords.get("member", []) or [])
    separate = any(str(n).startswith("ensemble_") for n in results.data)  # hydro scenarios --members
    banded = members and (not separate or (kind in ENSEMBLE_KINDS and (constituent or "tn") == "tn"))
    parts = []
    if _synthetic(attrs):
        from hydro.spin_up import GENERATED_FROM, generated_weather_words

        seed, since = attrs.get("weather_seed", "?"), attrs.get(GENERATED_FROM)
        dates = getattr(results, "dates", None)  # a run that starts on the record: its observed days named
        first = dates[0] if dates is not None and len(dates) else attrs.get(FIRST_DAY)
        words = generated_weather_words(since, date.fromisoformat(first) if isinstance(first, str) else first)
        those = "these years" if words == "generated weather" else f"the days from {since} on"
        if banded:  # the figure draws the members (hydro run --members; a scenarios file's past the record)
            seed = attrs.get("ensemble_seed", seed) if separate else seed
            parts.append(f"{members_of(members)} on {words} (seed {seed}): each one "
                         f"draw of {those}, not their observed or expected weather")
        else:
            parts.append(f"{words} (seed {seed}): one draw of {those}, not their observed or expected weather")
    elif banded and separate:  # a scenarios file on the record: its runs observed, its members generated
        seed = attrs.get("ensemble_seed", "?")
        parts.append(f"bands: {members_of(members)} on generated weather (seed {seed})")
    if banded and one_member(members_ran(attrs, members)):
        parts.append(one_member(1))
    return "; ".join(parts)


def file_attributes(path) -> dict:
    """The global attributes of the netCDF file ``path`` that :func:`weather_note` reads (``{}`` for a
    monitoring CSV or a path that is no readable netCDF file: observed, or said elsewhere)."""
    if not str(path).endswith(".nc"):
        return {}
    import netCDF4

    from hydro.netcdf_read import open_dataset
    from hydro.spin_up import GENERATED_FROM

    keys = ("weather_synthetic", "weather_seed", "ensemble_seed", "members_failed", GENERATED_FROM,
            "price_year",  # (hydro.compensation.notes.price_year_text)
            "basin", "basin_file", "transfer_series_end_before_period_end")  # (simulated_text, transfer_end_text)
    try:
        with open_dataset(path) as nc:
            attrs = {k: str(nc.getncattr(k)) for k in keys if k in nc.ncattrs()}
            if GENERATED_FROM in attrs and "time" in nc.variables:
                t = nc.variables["time"]
                first = netCDF4.num2date(t[0], t.units, getattr(t, "calendar", "standard"))
                attrs[FIRST_DAY] = str(first)[:10]  # "2009-01-01 00:00:00"
            return attrs
    except OSError:
        return {}


def add_note(fig, note: str, ax=None) -> None:
    """Put ``note`` on a line of its own under the figure's title: the figure's suptitle where it
    has one (``classes``), else the title of ``ax`` (default its first axes); font kept."""
    if not note:
        return
    from hydro.plotting.style import wrap_title

    sup = getattr(fig, "_suptitle", None)
    target = sup if sup is not None and sup.get_text() else (ax or fig.axes[0]).title
    text = target.get_text()
    target.set_text(f"{text}\n{wrap_title(note)}" if text else wrap_title(note))
    if target is not sup:  # centred over axes that a legend beside them narrows: rewrap to fit the figure
        fig.canvas.draw()
        box, room = target.get_window_extent(), fig.canvas.get_width_height()[0]
        if box.x0 < 0 or box.x1 > room:
            centre = (box.x0 + box.x1) / 2
            longest = max(len(line) for line in target.get_text().split("\n"))
            width = max(20, int(longest * 2 * min(centre, room - centre) / box.width) - 1)
            lines = target.get_text().count("\n")
            target.set_text(f"{text}\n{wrap_title(note, width)}" if text else wrap_title(note, width))
            if ax is None:  # our figure: taller by the lines added, so the axes and a legend beside them keep room
                w, h = fig.get_size_inches()
                fig.set_size_inches(w, h + (target.get_text().count("\n") - lines) * target.get_fontsize() * 1.2 / 72)


__all__ = ["ENSEMBLE_KINDS", "FIRST_DAY", "add_note", "file_attributes", "members_of", "members_ran", "one_member",
           "weather_note"]
