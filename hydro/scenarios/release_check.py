"""Whether an ``ecological_release`` measure's water was let out.

The measure's quantity (and so its cost) is the volume asked for: the raise of the minimum over each
day of the year (:mod:`hydro.scenarios.kinds.ecological_release`).  A reservoir that is empty cannot
let it out (its days short of the minimum are counted in ``ecological_min_unmet_days``), and one whose
operations already release more than the new minimum lets out nothing more: in review (2026-12-04) a
raise at Yunzhou was billed 3.0e7 yuan for 59.9 million m3 of which 5,520 m3 left the reservoir, and
one at Miyun 7.9e7 yuan for a release identical to the baseline's, without a word.  The cost stays that
of the volume asked (what a plan commits to), and each scenario says how much of it was released.
"""

from __future__ import annotations

import numpy as np

from hydro.units import SECONDS_PER_DAY

#: Share of the volume asked below which the note is given (a rounding margin, not a tolerance on water).
RELEASED_SHARE = 0.9


def release_notes(run) -> None:
    """Add to each scenario's ``notes`` (printed by ``hydro scenarios``) every year in which an
    ``ecological_release`` measure's reservoir let out less than :data:`RELEASED_SHARE` of the extra
    volume the measure is billed for, against the baseline's release (m3).  Of a year the run covers
    in part, the volume of the days run (the raise is the same every day of a year, and the cost counts
    that share of the year: :func:`hydro.scenarios.kept_out.year_fractions`)."""
    from hydro.scenarios.kept_out import year_fractions

    base = run.results[0]
    if "reservoir_release" not in base.data:
        return
    days = np.array([d.year for d in base.dates])
    for res, comp in zip(run.results[1:], run.compiled[1:], strict=True):
        covered = year_fractions(base.dates, comp.years)
        for mid in sorted({m for (m, _) in comp.quantity}):
            measure = run.sfile.measures[mid]
            if measure.kind != "ecological_release":
                continue
            rid = measure.strings["reservoir"]
            k = list(base.coords["reservoir"]).index(rid)
            grew = (res.data["reservoir_release"][:, k] - base.data["reservoir_release"][:, k]) * SECONDS_PER_DAY
            asked = sum(q for (m, _), q in comp.quantity.items() if m == mid) * covered
            for j, year in enumerate(comp.years):
                in_year = days == year
                if not in_year.any() or asked[j] <= 0:
                    continue
                out = float(grew[in_year].sum())
                if out < RELEASED_SHARE * asked[j]:
                    part = "" if covered[j] == 1.0 else f" over the {int(in_year.sum())} days of it run"
                    comp.notes.append(
                        f"measure {mid}: {year}: {rid} let out {max(out, 0.0):.3g} m3 more than the baseline of "
                        f"the {asked[j]:.3g} m3 the measure's cost counts{part} ({max(out, 0.0) / asked[j]:.0%}): "
                        "the reservoir ran short of the new minimum (ecological_min_unmet_days) or already "
                        "released more than it")
