"""Days a reservoir lets out less than its ecological minimum: counted per run, summed over blocks,
members and scenarios (:mod:`hydro.run_attributes`), written as the global attribute
:data:`ECO_ATTRIBUTE` and said in the run summary (:class:`hydro.summary.RunSummary`).

A reservoir releases ``max(target, ecological_min_m3_s)`` while it has water above dead storage;
below that nothing can leave, and the shortfall is the user's to know (Miyun's Yunzhou: 1,357 of
6,269 days in ``hydro run miyun``).
"""

from __future__ import annotations

import numpy as np

#: Global attribute: days each reservoir let out less than its ecological minimum ("id=days;...",
#: reservoirs with none left out), its storage at dead storage on those days.
ECO_ATTRIBUTE = "ecological_min_unmet_days"


def ecological_shortfall_days(net, outflow) -> str:
    """:data:`ECO_ATTRIBUTE`'s value: per reservoir of ``net``, the days whose release and spill
    (m3 s-1, [day, reservoir]) fall short of ``ecological_min_m3_s`` (by more than round-off,
    1e-9 relative)."""
    parts = []
    for j, r in enumerate(net.reservoirs):
        short = int(np.count_nonzero(outflow[:, j] < r.ecological_min_m3_s * (1.0 - 1e-9)))
        if short:
            parts.append(f"{r.id}={short}")
    return ";".join(parts)
