"""The one compile policy for every Numba kernel in hydro.

Kernels are decorated with :func:`kernel`, never with ``numba.njit`` directly, so
that caching, fastmath and parallelism are decided here.  Mass-balance code
never uses fastmath (reassociation would break the round-off budget closure),
so fastmath is off for every kernel.  ``NUMBA_DISABLE_JIT=1`` turns every
kernel into plain Python, which is how coverage of kernel code is measured.
"""

from __future__ import annotations

import numba

#: Options shared by every kernel: on-disk cache so a warm ``hydro run`` does not
#: recompile; no fastmath (budgets must close to round-off); no implicit
#: parallelism (batches are parallel across processes instead, see calibration).
KERNEL_OPTIONS = {"cache": True, "fastmath": False, "parallel": False, "nogil": True}


def kernel(func):
    """Compile ``func`` with the project's policy (see :data:`KERNEL_OPTIONS`)."""
    return numba.njit(**KERNEL_OPTIONS)(func)
