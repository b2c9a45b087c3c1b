"""hydro installed read-only for all users, with no writable folder for Numba's cache, still runs
(concurrency review, 2026-12-06: every command stopped with ``RuntimeError: cannot cache function ...: no
locator available``); stderr says once what to set."""

from __future__ import annotations

import pytest
from numba.core import caching

import hydro._compile as compile_module


def _plain(x):
    return x + 1


def test_no_writable_cache_folder_compiles_uncached_and_says_so_once(monkeypatch, capsys):
    impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl
    monkeypatch.setattr(impl, "_locator_classes", [])  # nowhere writable
    monkeypatch.setattr(compile_module, "_noted_no_cache", False)
    from numba import njit

    first = compile_module._warm_caching(njit(_plain))
    second = compile_module._warm_caching(njit(lambda x: x * 2))
    assert first(1) == 2 and second(3) == 6  # compiled, without a disk cache
    err = capsys.readouterr().err
    assert err.count(compile_module.NO_CACHE_NOTE) == 1


def test_other_cache_errors_are_not_hidden(monkeypatch):
    def broken(py_func):
        raise RuntimeError("something else")

    monkeypatch.setattr(compile_module, "_WarmCache", broken)
    from numba import njit

    with pytest.raises(RuntimeError, match="something else"):
        compile_module._warm_caching(njit(_plain))
