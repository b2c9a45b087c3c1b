"""Where a reservoir lies: the county (or counties) of its water surface, for accounts by place.

GEP is accounted where the ecosystem that produces it lies (the production locality of
《生态产品总值核算规范(试行)》, 2022): a reservoir's water purification belongs to the county its
water surface lies in, not to the subbasins that drain into it (Miyun reservoir's to Miyun district,
not in part to Xinglong county upstream).  A ``[[reservoirs]]`` table may say so::

    county = "Miyun"                          # one county (its province from [[counties]] or `province`)
    province = "Beijing"

    county = ["Huailai", "Yanqing"]           # a lake across a border: each county's share
    province = ["Hebei", "Beijing"]           #   of the water surface (summing to 1)
    county_water_share = [0.8, 0.2]

A reservoir without ``county`` keeps the older rule: its purification is shared by area among the
subbasins draining straight into it (:func:`hydro.gep._removal`).  Results carry the locations as the
global attributes :data:`ATTRIBUTES` (``id=part|part;...``, only where some reservoir has one),
read back by :func:`hydro.gep_inputs.reservoir_locations`.
"""

from __future__ import annotations

from hydro.errors import suggest
from hydro.tomlio import Table

#: The global attributes that carry the reservoirs' locations (``miyun=Miyun;guanting=Huailai|Yanqing``).
ATTRIBUTES = ("reservoir_county", "reservoir_province", "reservoir_county_water_share")

#: How far the shares of a reservoir's water surface may sum from 1 (they are read as written, to a few
#: decimals: 1/3 written 0.333 three times sums to 0.999).
SHARE_SUM_TOLERANCE = 1e-3

#: Characters a reservoir's county or province may not hold: the attributes' separators.
_SEPARATORS = "|;="
#: Characters that join several names in one (a full-width comma, the enumeration comma 、 and a semicolon).
_SEVERAL = "，、；"


def read_location(t: Table, counties: dict, where: str = "[[counties]]") -> dict:
    """A ``[[reservoirs]]`` table's ``county``, ``province`` and ``county_water_share`` (each a tuple,
    empty when the reservoir gives no county), checked against one another and against the counties the
    basin knows (``counties``: county -> (name, province), :func:`known_counties`; empty: none), whose
    provinces fill those not given; ``where`` says where those come from, for the messages."""
    county = _names(t, "county")
    province = _registered(t, county, _names(t, "province"), counties, where)
    if not county:
        if province:
            raise t.error("province", "a province without a county: give `county` (the county or counties the "
                                      "reservoir's water surface lies in) too, or remove `province`")
        if t.has("county_water_share"):
            raise t.error("county_water_share", "shares without counties: give `county` as a list too")
        return {"county": (), "province": (), "county_water_share": ()}
    if len(set(county)) < len(county):
        raise t.error("county", f"a county named twice ({', '.join(county)}); give each county once")
    if province and len(province) != len(county):
        raise t.error("province", f"{len(province)} provinces for {len(county)} counties; give one per county, "
                                  "in the same order")
    if len(county) == 1:
        if t.has("county_water_share"):
            raise t.error("county_water_share", "one county holds the whole water surface; remove the share "
                                                "(or give several counties)")
        return {"county": county, "province": province, "county_water_share": (1.0,)}
    shares = t.floats("county_water_share", None, length=len(county), minimum=0.0, maximum=1.0,
                      why="a share of the water surface (1 = all of it), not a percentage")
    if shares is None:
        raise t.error("county_water_share", f"missing; the water surface lies in {len(county)} counties, so give "
                                            "each one's share of it (summing to 1), in the order of `county`")
    if any(s <= 0.0 for s in shares) or abs(sum(shares) - 1.0) > SHARE_SUM_TOLERANCE:
        raise t.error("county_water_share", f"{shares} sum to {sum(shares):g}; expected shares above 0 that "
                                            "sum to 1 (each county's part of the water surface)")
    return {"county": county, "province": province, "county_water_share": tuple(shares)}


def _names(t: Table, key: str) -> tuple[str, ...]:
    """``key`` as a tuple of names: a string is one, a list of strings several."""
    value = t.raw(key, None)
    if value is None:
        return ()
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise t.error(key, f"expected a name or a list of names, got {value!r}")
    for n in names:
        if not n.strip() or not n.isprintable() or any(c in n for c in _SEPARATORS):
            raise t.error(key, f"{n!r}: expected a name: not empty, printable, and without any of {_SEPARATORS!r}")
        if any(c in n for c in _SEVERAL):
            raise t.error(key, f"{n!r} looks like several names in one; give a list, {key} = [\"A\", \"B\"] "
                               "(with county_water_share for a lake across a border)")
    return tuple(n.strip() for n in names)


def _registered(t: Table, county: tuple, province: tuple, counties: dict, where: str) -> tuple:
    """``province`` checked against the known ``counties`` and filled from them (unchanged without any)."""
    if not counties or not county:
        return province
    if province and len(province) != len(county):
        return province  # read_location says so
    out = list(province) or [""] * len(county)
    for i, c in enumerate(county):
        if c not in counties:
            raise t.error("county", f"unknown county '{c}'{suggest(c, counties)}; the counties of {where} are "
                                    f"{', '.join(counties)} (add it there if the lake lies in another)")
        registered = counties[c][1]
        if out[i] and registered and out[i] != registered:
            raise t.error("province", f"'{out[i]}' but county '{c}' is in {registered} ({where})")
        out[i] = out[i] or registered
    return tuple(out)


def known_counties(registry: dict, subbasin_tables) -> tuple[dict, str]:
    """The counties a reservoir's ``county`` may name, and where they come from: the ``[[counties]]``
    registry where the basin has one, else every county the subbasins' ``county`` labels name (a label
    across a border, ``"Zhuolu, Huailai"``, names both), each with the province its subbasins give."""
    if registry:
        return registry, "[[counties]]"
    from hydro.counties import county_parts

    known: dict[str, tuple[str, str]] = {}
    for t in subbasin_tables:
        label, province = str(t.data.get("county", "")), str(t.data.get("province", ""))
        for name in dict.fromkeys([label, *county_parts(label)]):
            if name:
                known.setdefault(name, (name, province))
    return known, "the subbasins' `county`"


def location_attributes(reservoirs) -> dict[str, str]:
    """The global attributes :data:`ATTRIBUTES` of the reservoirs that give a county (none when none does)."""
    located = [r for r in reservoirs if r.county]
    if not located:
        return {}
    return {"reservoir_county": ";".join(f"{r.id}={'|'.join(r.county)}" for r in located),
            "reservoir_province": ";".join(f"{r.id}={'|'.join(r.province)}" for r in located),
            "reservoir_county_water_share": ";".join(f"{r.id}={'|'.join(repr(s) for s in r.county_water_share)}"
                                                     for r in located)}
