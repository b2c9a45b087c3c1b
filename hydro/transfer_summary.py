"""What the terminal says about transfers (``[[transfers]]``, :mod:`hydro.transfers`): a basin's
series over its period (``hydro info BASIN``) and a run's volumes and what was delivered of them
(the run summary and ``hydro info RESULTS.nc``, from the results' attributes, so a ``--quiet`` run
keeps it in its file).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from hydro.errors import HydroError
from hydro.run_attributes import id_values, transfer_spans
from hydro.units import SECONDS_PER_DAY

#: Relative shortfall below which a delivered volume counts as the whole series (the attributes
#: hold 7 significant digits, ``%.6e``).
SHORT = 1e-6

RUN_HEAD = ("transfers over the run (no transfer on a day outside its file's dates; a release "
            "series leaves the reservoir's rule there):")


def basin_transfer_lines(basin) -> list[str]:
    """``hydro info BASIN``: each transfer's kind, where its water enters or leaves, its file and
    the dates the file covers, and over the basin's ``[run]`` period the days the file gives a value
    for, the volume (m3) and, for an inflow, the TN it brings (t) and its mean concentration (mg/L).
    Lines are not wrapped (the caller wraps them); none when the basin has no transfers."""
    if not basin.transfers:
        return []
    from hydro.transfers import read_transfers, series_dates

    start, end = basin.settings.start, basin.settings.end
    head = f"transfers ({len(basin.transfers)}; totals over the basin's period {start} to {end}):"
    try:
        items = read_transfers(basin, series_dates(start, end)).items
    except HydroError as exc:  # a series that cannot be read is said, the rest of the basin still shown
        return [head, f"  cannot be read: {exc}"]
    lines = [head]
    after = max(t.series.last for t in items)  # rows after the period (plan-period rows past the record)
    later = read_transfers(basin, series_dates(end + timedelta(days=1), after)).items if after > end else items
    for spec, t, t_later in zip(basin.transfers, items, later, strict=True):
        s = t.series
        where = f"{'into' if t.kind == 'inflow' else 'from'} {'reservoir' if spec.reservoir is not None else 'reach'}"
        origin = f", from {t.origin}" if t.origin else ""
        what = _totals(t)
        if s.last > end:
            what += f"; after the period, to {s.last}: {_totals(t_later)}"
        lines.append(f"  {t.id}: {t.kind} {where} {spec.place}{origin}; {spec.csv_name} "
                     f"({'monthly' if s.monthly else 'daily'}, {s.first} to {s.last}); {what}")
    return lines


def _totals(t) -> str:
    """A read transfer's days with a value and volume (m3) and, for an inflow, the TN it brings (t, mg/L)."""
    s = t.series
    what = f"{int(np.count_nonzero(s.covered)):,} days with a value, {s.volume_m3:.3e} m3"
    if t.kind == "inflow":
        tn_t = float(np.sum(s.flow * t.tn)) * SECONDS_PER_DAY / 1e6  # g s-1 x s -> g -> t
        mean = tn_t * 1e6 / s.volume_m3 if s.volume_m3 > 0 else float("nan")  # g / m3 = mg/L
        what += f", TN {tn_t:,.1f} t" + (f" ({mean:.2f} mg/L)" if s.volume_m3 > 0 else "")
    return what


def _delivered_ids(value: str) -> dict[str, tuple[str, float]]:
    """``transfer_delivered_m3`` as {key: (transfer id, m3)}; the key is ``label:id`` in a file of
    several runs that delivered differently (:mod:`hydro.run_attributes`), else the id."""
    return {k: (k.rsplit(":", 1)[-1], float(v)) for k, v in id_values(value).items()}


def run_transfer_lines(attrs: dict[str, str], first: date | None, last: date | None) -> list[str]:
    """Each transfer's volume over the run (``transfer_volume_m3``) and the part of the run its file's
    dates span (``transfers``: ``id=kind:element:file:first..last``; ``transfer_days``), and where a
    reservoir let out less of a release, ecological or abstraction series than asked, or a reach
    abstraction took less (``transfer_delivered_m3``), what was delivered and its share."""
    items = transfer_spans(attrs.get("transfers", ""))
    if not items or first is None or last is None:
        return []
    volumes = {k: float(v) for k, v in id_values(attrs.get("transfer_volume_m3", "")).items()}
    delivered = _delivered_ids(attrs.get("transfer_delivered_m3", ""))
    days = {k: int(v) for k, v in id_values(attrs.get("transfer_days", "")).items()}
    lines = [RUN_HEAD]

    def run(label: str) -> str:  # an ensemble's runs are labelled by number: 'member 3', not '3'
        return f"member {label}" if attrs.get("ensemble_members") else label

    for tid, (kind, element, file, span_first, span_last) in items.items():
        lo, hi = max(span_first, str(first)), min(span_last, str(last))
        within = f"file covers {lo}..{hi} of the run" if lo <= hi else "file covers none of the run"
        given = days.get(tid)
        n_span = (date.fromisoformat(hi) - date.fromisoformat(lo)).days + 1 if lo <= hi else 0
        if given is not None and given < n_span:  # a file with gaps: no transfer on the days left out
            within += f", {given:,} of those {n_span:,} days"
        per_run = {k.rsplit(":", 1)[0]: v for k, v in volumes.items() if k.rsplit(":", 1)[-1] == tid and ":" in k}
        volume = volumes.get(tid, max(per_run.values(), default=float("nan")))  # runs that differ: 'label:id'
        how = ("let out", "the reservoir ran short") if element == "reservoir" else (
            "took", "at most max_share of the reach's water")
        short = ""
        for key, (which, got) in delivered.items():  # a reservoir short of water lets out less than asked
            asked = volumes.get(key, volume)
            if which == tid and got < asked * (1 - SHORT):
                label = f" in {run(key.rsplit(':', 1)[0])}" if ":" in key else ""
                short += f"; {how[0]}{label} {got:.3e} m3 ({got / asked:.0%}): {how[1]}"
        most = ", ".join(f"{run(k)} {v:.3e}" for k, v in per_run.items())
        runs = f" (the most of the runs: {most})" if per_run else ""
        lines.append(f"  {tid:20s} {kind} ({element}) {volume:10.3e} m3{runs}  {file}: {within}{short}"
                     + (f"; after {span_last}: {after_series(kind)}" if span_last and span_last < str(last) else ""))
    return lines


def after_series(kind: str) -> str:
    """What a transfer of ``kind`` does on the days after its file's last date (long-horizon review,
    2026-12-06: Miyun's supply series ends in 2027, after which its rule lets out 9.94 m3/s, not the
    series' 3.2, and a projection to 2050 drained the lake with no word of it)."""
    return {"release": "the reservoir's own release rule again (its target_release_m3_s), not the series",
            "inflow": "none of this water comes in",
            "ecological": "no ecological release beyond the reservoir's own minimum",
            "abstraction": "nothing of this abstraction is taken"}.get(kind, "none")
