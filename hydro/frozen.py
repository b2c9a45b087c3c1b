"""Read-only containers for a loaded basin: what a model was made of cannot be edited in place.

A loaded :class:`hydro.basin.Basin` is frozen, and so is what it holds: an assignment into one of its
dicts changed every later run while the results' provenance still named the file's values (researcher's
review, 2026-12-05).  :class:`FrozenDict` is a ``dict`` (``==``, ``json``, ``dataclasses.asdict``,
``pickle`` and ``copy.deepcopy`` work as for one) that refuses changes, naming the way to make them.
"""

from __future__ import annotations

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

    def __reduce__(self):
        """Rebuilt from a plain dict (pickle and ``copy`` would otherwise set its items one by one)."""
        return (type(self), (dict(self),))


def frozen(value: Any) -> Any:
    """``value`` with every dict in it a :class:`FrozenDict` and every list a tuple, at any depth."""
    if isinstance(value, dict):
        return FrozenDict({k: frozen(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    return value
