"""County labels: a subbasin's ``county`` may name several counties (a subbasin across a border) and
qualify one in brackets; scenarios, GEP and reservoir locations read the counties a label names here."""

from __future__ import annotations

import re


def county_parts(label: str) -> list[str]:
    """The counties a subbasin's ``county`` label names, each by its name without the bracket that
    qualifies it: ``"Zhuolu, Huailai"`` is two (a subbasin across a border), ``"Datong city (Pingcheng,
    Yungang)"`` one, ``Datong city`` (the commas in brackets name its districts), and ``"Yunzhou (Datong
    county)"`` is ``Yunzhou``, as in ``"Yunzhou, Yanggao"`` (a county named two ways in one basin:
    ``counties = ["Yunzhou"]`` took one of its subbasins, review of 2026-12-04)."""
    parts = (re.sub(r"\s*\([^()]*\)\s*$", "", p).strip() for p in re.split(r",(?![^()]*\))", label))
    return list(dict.fromkeys(p for p in parts if p))


def in_counties(label: str, names) -> bool:
    """Whether a subbasin labelled ``label`` lies in any of the counties ``names`` (its whole label, or
    one of the counties it names: :func:`county_parts`)."""
    return label in names or any(p in names for p in county_parts(label))
