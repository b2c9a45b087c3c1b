import os
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

# tests import their plain-Python references (naive_transport) as modules
sys.path.insert(0, str(Path(__file__).parent))

# CI (CI=true) explores the same examples on every run, so that a submission's
# result does not depend on which random cases a run happened to draw; locally
# every run draws new ones (and replays past failures from .hypothesis/).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def counted(monkeypatch):
    """Every spin-up on the station record computed (an empty cache first), as a list of starts
    (hydro.blocked.record_spin_up; the member and past-the-record spin-up reviews)."""
    import hydro.blocked

    calls: list[date] = []
    real = hydro.blocked._spin_up_on_record

    def spin(basin, plan, start, *rest):
        calls.append(start)
        return real(basin, plan, start, *rest)

    monkeypatch.setattr(hydro.blocked, "_SPUN", {})
    monkeypatch.setattr(hydro.blocked, "_spin_up_on_record", spin)
    return calls


class KernelCalled(Exception):
    """Raised by :func:`kernel_arguments`' stand-in for the transport kernel."""


@pytest.fixture
def kernel_arguments(monkeypatch):
    """``kernel_arguments(run)``: call ``run()`` with ``hydro._transport_kernels.simulate_kernel``
    replaced by a recorder that stops the run at its first call, and return that call's arguments
    (what the transport would have computed from: tests of the kernel's inputs)."""
    from hydro import _transport_kernels

    def arguments(run):
        captured = []

        def record(*args):
            captured.append(args)
            raise KernelCalled

        with monkeypatch.context() as patch:
            patch.setattr(_transport_kernels, "simulate_kernel", record)
            with pytest.raises(KernelCalled):
                run()
        return captured[0]

    return arguments
