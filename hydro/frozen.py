"""Read-only containers for a loaded basin: what a model was made of cannot be edited in place.

A loaded :class:`hydro.basin.Basin` is frozen, and so is what it holds: an assignment into one of its
dicts changed every later run while the results' provenance still named the file's values (researcher's
review, 2026-12-05).  :class:`FrozenDict` is a ``dict`` and :class:`FrozenList` a ``list`` (``==``,
``json``, ``dataclasses.asdict``, ``pickle`` and ``copy.deepcopy`` work as for them) that refuse changes,
naming the way to make them; the basin file's tables (:class:`hydro.tomlio.Table`) hold them.
"""

from __future__ import annotations

import copy
from typing import Any, NoReturn

#: What a change of a loaded basin's value is refused with.
READ_ONLY = ("a loaded basin is read-only: make a changed model with Model.with_parameters({path: value}) "
             "(or copy the value: dict(...))")


class FrozenDict(dict):
    """A ``dict`` that refuses item assignment, deletion and the methods that change it (``TypeError``)."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(READ_ONLY)

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_made", False):  # (``d.__init__(other)`` refilled a made one)
            self._refuse()
        super().__init__(*args, **kwargs)
        self._made = True

    def __reduce__(self):
        """Rebuilt from a plain dict (pickle and ``copy`` would otherwise set its items one by one)."""
        return (type(self), (dict(self),))


class FrozenList(list):
    """A ``list`` that refuses item assignment, deletion and the methods that change it (``TypeError``); a
    list still (a basin file's readers check ``isinstance(value, list)``)."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(READ_ONLY)

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse  # type: ignore[assignment]
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse  # type: ignore[assignment]

    def __init__(self, *args: Any) -> None:
        if getattr(self, "_made", False):  # (``x.__init__(other)`` refilled a made one)
            self._refuse()
        super().__init__(*args)
        self._made = True

    def __reduce__(self):
        """Rebuilt from a plain list (pickle and ``copy`` would otherwise append its items)."""
        return (type(self), (list(self),))


def frozen(value: Any) -> Any:
    """``value`` with every dict in it a :class:`FrozenDict`, every list a :class:`FrozenList` (a tuple stays
    a tuple) and every :class:`hydro.tomlio.Table` over frozen data, at any depth."""
    from hydro.tomlio import Table

    if isinstance(value, dict):
        return FrozenDict({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return FrozenList(frozen(v) for v in value)
    if isinstance(value, tuple):
        return tuple(frozen(v) for v in value)
    if isinstance(value, Table) and not isinstance(value.data, FrozenDict):
        table = copy.copy(value)  # (its record of the keys read is kept: a later finish() sees them)
        table.data = frozen(value.data)
        return table
    return value


def thawed(value: Any) -> Any:
    """A plain, editable deep copy of ``value``: every dict a ``dict``, every list a ``list`` (a deep copy of a
    frozen value is frozen: ``copy.deepcopy`` keeps a loaded basin's read-only containers)."""
    if isinstance(value, dict):
        return {k: thawed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thawed(v) for v in value]
    if isinstance(value, tuple):
        return tuple(thawed(v) for v in value)
    return copy.deepcopy(value)
