"""The region's water-quality constituents, written into each basin file by its make_basin.py.

One definition for Miyun and Guanting: TN as organic N, NH3-N and nitrate with ammonification
and nitrification, TP as dissolved and particulate P, and CODMn, with the rates of
basins/region/SOURCES.md R9.  Only the N species' sinks differ between the basins: each takes
its basin's calibrated TN removal, so TN decays exactly as it did before the species.
"""

from __future__ import annotations


def quality_constituents(tn_removal: dict) -> list:
    """[(name, long name, species [(name, long name, keys)], reactions [(from, to, keys)], own keys)]."""
    return [
        ("tn", "total nitrogen",
         [("orgn", "organic nitrogen", tn_removal), ("nh3n", "ammonia nitrogen", tn_removal),
          ("no3n", "nitrate nitrogen", tn_removal)],
         [("orgn", "nh3n", dict(river_rate_per_day=0.21, river_theta=1.047,      # ammonification (R9)
                                reservoir_rate_per_day=0.05, reservoir_theta=1.047)),
          ("nh3n", "no3n", dict(river_rate_per_day=0.55, river_theta=1.083,      # nitrification (R9)
                                reservoir_rate_per_day=0.10, reservoir_theta=1.083))], {}),
        ("tp", "total phosphorus",
         [("dp", "dissolved phosphorus", {}),
          ("pp", "particulate phosphorus", dict(river_removal_per_day=0.1, river_theta=1.024,  # R9: SWAT's top
                                                reservoir_theta=1.024, settling_velocity_m_per_day=0.1))],
         [("dp", "pp", dict(reservoir_rate_per_day=0.02, reservoir_theta=1.047))], {}),  # uptake by algae (R9)
        ("codmn", "permanganate index (CODMn)", [], [],
         dict(river_removal_per_day=0.05, river_theta=1.047, reservoir_removal_per_day=0.002, reservoir_theta=1.047)),
    ]


def write_constituents(w, constituents: list) -> None:
    """Write ``[[constituents]]`` tables with their species and reactions through ``w`` (one line a call)."""
    def keys(table: dict) -> None:
        for k, v in table.items():
            w(f"{k} = {v}")

    for name, long_name, species, reactions, own in constituents:
        w("[[constituents]]   # rates: basins/region/SOURCES.md R9")
        w(f'name = "{name}"')
        w(f'long_name = "{long_name}"')
        keys(own)
        for sp, sp_long, table in species:
            w("[[constituents.species]]")
            w(f'name = "{sp}"')
            w(f'long_name = "{sp_long}"')
            keys(table)
        for src, dst, table in reactions:
            w("[[constituents.reactions]]")
            w(f'from = "{src}"')
            w(f'to = "{dst}"')
            keys(table)
        w("")
