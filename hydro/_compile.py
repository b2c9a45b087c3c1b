"""The one compile policy for every Numba kernel in hydro.

Kernels are decorated with :func:`kernel`, never with ``numba.njit`` directly, so
that caching, fastmath and parallelism are decided here.  Mass-balance code
never uses fastmath (reassociation would break the round-off budget closure),
so fastmath is off for every kernel.  ``NUMBA_DISABLE_JIT=1`` turns every
kernel into plain Python, which is how coverage of kernel code is measured.

Start-up (issue 16) is also decided here, for every kernel alike; none of it
changes what a kernel computes:

* kernels that only other kernels call are marked ``@kernel(helper=True)``: they
  get no CPython wrapper either (:class:`_HelperDispatcher`); the wrapper of every
  other kernel is built and compiled on every cold start, bigger the more
  arguments the kernel takes;
* no C-callable (``cfunc``) wrapper is generated: kernels are called from Python
  or from other kernels, never as first-class function values, and the wrapper
  is lowered and compiled for every kernel and helper on a cold cache;
* Numba's error-message highlighting is off (``NUMBA_DISABLE_ERROR_MESSAGE_HIGHLIGHTING``,
  unless already set): with colorama installed, Numba re-initialises colorama for
  every message it formats while trying overloads, thousands of times per cold run,
  about 3 % of compile time, for a ``no_color`` scheme that prints no colour;
* Numba's BLAS probe is skipped (:func:`_skip_blas_probe`, before a kernel
  compiles): importing ``numba.np.arraymath``, which Numba's registries do,
  imports ``scipy.linalg`` (about 0.1 s) only to learn whether BLAS exists.  The
  kernels use no BLAS; ``np.dot`` and ``np.linalg`` in a kernel still import it
  when they are compiled;
* a kernel loaded from the disk cache does not first load Numba's typing and
  lowering registries (:class:`_WarmCache`): Numba's cache refreshes its contexts
  before every load, and the first refresh of a process installs every registry
  Numba has (0.1-0.15 s of CPU on a warm ``hydro run``, issue 14), which only
  compiling uses.  Compiling still loads them (Numba's compiler refreshes both
  contexts before it types anything), and a loaded kernel is the same machine
  code either way.  So a warm process imports ``numba.np.arraymath`` not at all
  (it did at hydro's import, to skip the probe: 0.03 s).
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("NUMBA_DISABLE_ERROR_MESSAGE_HIGHLIGHTING", "1")  # before Numba reads it

import numba
from numba.core.caching import FunctionCache
from numba.core.registry import CPUDispatcher
from numba.core.runtime import nrt

#: Options shared by every kernel: on-disk cache so a warm ``hydro run`` does not
#: recompile; no fastmath (budgets must close to round-off); no implicit
#: parallelism (batches are parallel across processes instead, see calibration);
#: no C-callable wrapper (never used, compiled for every kernel otherwise).
KERNEL_OPTIONS = {"cache": True, "fastmath": False, "parallel": False, "nogil": True,
                  "no_cfunc_wrapper": True}


def _skip_blas_probe() -> None:
    """Import ``numba.np.arraymath`` without its import-time BLAS probe.

    The probe (``_HAVE_BLAS = _check_blas()``) imports ``scipy.linalg.cython_blas``;
    without it ``_HAVE_BLAS`` is False, which only makes ``np.correlate`` and
    ``np.convolve`` inside a kernel use a plain loop rather than BLAS (hydro's
    kernels use neither).  Does nothing when the module is already imported or
    Numba's layout differs (then the probe simply runs).
    """
    import sys

    if "numba.np.arraymath" in sys.modules:
        return
    try:
        from numba.np import linalg
    except ImportError:  # pragma: no cover - another Numba
        return
    real = getattr(linalg, "ensure_blas", None)
    if real is None:  # pragma: no cover - another Numba
        return

    def _not_probed():
        raise ImportError("BLAS probe skipped by hydro._compile")

    linalg.ensure_blas = _not_probed
    try:
        from numba.np import arraymath
    finally:
        linalg.ensure_blas = real
    if getattr(arraymath, "ensure_blas", None) is _not_probed:
        arraymath.ensure_blas = real


class _WarmCache(FunctionCache):
    """Numba's disk cache of a kernel, but a load initializes only Numba's runtime (NRT), not its registries.

    ``FunctionCache.load_overload`` calls ``target_context.refresh()`` before it reads an entry: the NRT's
    initialization (what loaded machine code calls: allocation, reference counts) and the installation of
    every typing and lowering registry, which the process's first refresh imports and builds (thousands of
    templates).  Rebuilding a cached compilation uses neither registry: it unpickles the function's
    descriptor and environment and hands its object code to LLVM's JIT.  Where there is no entry, the
    dispatcher compiles, and Numba's compiler refreshes both contexts itself first.
    """

    def load_overload(self, sig, target_context):
        nrt.rtsys.initialize(target_context)  # what the first refresh does first; idempotent
        loaded = None
        with self._guard_against_spurious_io_errors():
            loaded = self._load_overload(sig, target_context)
        if loaded is None:  # the dispatcher compiles next: its registries without the BLAS probe
            _skip_blas_probe()
        return loaded


#: What stderr says, once per process, where no folder can hold the compiled kernels (:func:`_warm_caching`).
NO_CACHE_NOTE = ("note: no writable folder for the compiled kernels' cache (the package's folder, $HOME and "
                 "NUMBA_CACHE_DIR are not writable): every run compiles them again (a minute or more); set "
                 "NUMBA_CACHE_DIR to a writable folder to keep them")
_noted_no_cache = False


def _warm_caching(disp):
    """``disp`` (a dispatcher made without Numba's cache) with the disk cache of :class:`_WarmCache`: the same
    files and index as ``cache=True`` (``Dispatcher.enable_caching``), so either finds the other's entries.

    Where Numba finds no writable folder for it (an installation read-only for all users, with ``$HOME``
    and ``NUMBA_CACHE_DIR`` not writable: a shared server's service account), the kernel compiles in
    every process instead, and stderr says so once (:data:`NO_CACHE_NOTE`); it used to stop every
    command with Numba's traceback (concurrency review, 2026-12-06)."""
    global _noted_no_cache
    try:
        disp._cache = _WarmCache(disp.py_func)
    except RuntimeError as exc:
        if "no locator available" not in str(exc):
            raise
        if not _noted_no_cache:
            _noted_no_cache = True
            print(NO_CACHE_NOTE, file=sys.stderr)
    return disp


class _HelperDispatcher(CPUDispatcher):
    """A kernel compiled without a CPython wrapper, for calls from other kernels.

    Numba compiles, for every kernel, a wrapper that unboxes its arguments from
    Python objects; a kernel that only kernels call never uses it, yet the wrapper
    is built and compiled on every cold start (the more arguments, the bigger).
    Calling such a compilation from Python would crash the interpreter, so a call
    from Python (a test, an interactive session) goes to a twin compiled with the
    wrapper and without the disk cache (the cache is keyed on the source, not on
    the wrapper, so the twin must never load the helper's entries).
    """

    def __call__(self, *args, **kwargs):
        twin = self.__dict__.get("_python_twin")
        if twin is None:
            _skip_blas_probe()  # it compiles
            twin = numba.njit(**dict(KERNEL_OPTIONS, cache=False))(self.py_func)
            self._python_twin = twin
        return twin(*args, **kwargs)


def _refuse_nan_defaults(func) -> None:
    """Refuse a kernel whose parameter defaults to NaN.

    Numba types an omitted argument by its default's value, and its disk cache
    finds a compiled version by comparing those types: NaN never equals itself, so
    a call that omits such an argument never finds its cache entry and compiles
    again, on every run, adding one more entry to the cache each time (this is how
    ``runoff_observed._filter_pass`` cost every warm ``hydro run`` 0.4 s).
    """
    for default in func.__defaults__ or ():
        if isinstance(default, float) and default != default:
            raise TypeError(f"kernel {func.__qualname__}: a parameter defaults to NaN, which defeats Numba's "
                            "disk cache (NaN != NaN); make it a required argument")


def kernel(func=None, *, helper=False):
    """Compile ``func`` with the project's policy (see :data:`KERNEL_OPTIONS`).

    ``@kernel(helper=True)``: a kernel called from other kernels (see
    :class:`_HelperDispatcher`; calls from Python still work, compiled apart).
    """
    if func is None:
        return lambda f: kernel(f, helper=helper)
    _refuse_nan_defaults(func)
    options = dict(KERNEL_OPTIONS)
    cache = options.pop("cache")
    if numba.config.DISABLE_JIT:
        return numba.njit(**KERNEL_OPTIONS)(func)
    if not helper:
        disp = numba.njit(**options)(func)
    else:
        disp = _HelperDispatcher(py_func=func, locals={},
                                 targetoptions=dict(options, nopython=True, no_cpython_wrapper=True))
    return _warm_caching(disp) if cache else disp
