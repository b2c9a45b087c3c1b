"""Local time steps skip dead tags as the global path does (issue 16, docs/solver.md "Where the local
steps' time goes").

Each day ``_dead_tags`` marks the tags whose mass, owed inflow and every input are +0.0 (with all the
species of their source); the global path's passes had skipped them since 414243f, the local steps'
did not (``allowed`` was False on their days).  Now ``lts_update``, ``lts_exchange``,
``lts_disperse``, ``lts_react`` and ``lts_accumulate`` skip them too, and a group all dead is not
laid out at all.  The results must be the same bytes as running them: the same case with the
quiet tags' boundary concentrations -0.0 (the same arithmetic to the bit, but never skipped, as in
``tests/test_miyun_kernel_review.py``), on random trees whose reaches take several classes.
``LocalSteps(counts=...)``'s column 10 counts the tags skipped, so that a skip that stops
happening fails here rather than only showing in a benchmark.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from test_reactions import species_case

from hydro.transport import TransportInputs, simulate
from hydro.transport_args import LTS_COUNTS, LocalSteps


def quiet_case(seed: int, whole_group: bool):
    """A random tree carrying TN (three species) and CODMn from three sources, on which source
    ``s1``'s TN species (and, with ``whole_group``, every CODMn tag: a group all dead) have +0.0
    inputs and state until the last day; each reach's own step count multiplied by 1, 2, 4 or 8 so
    that the chains take several classes."""
    net, lay, kw = species_case(seed, 8, n_tag=3)
    n_day = kw["q_in"].shape[0]
    quiet = [k for k, t in enumerate(lay.tracers) if t.name.endswith("s1") and not t.name.startswith("codmn")]
    if whole_group:
        quiet += [k for k, t in enumerate(lay.tracers) if t.name.startswith("codmn")]
    for name in ("boundary_flux", "boundary_conc", "lateral_load", "point_load", "res_load"):
        kw[name] = np.array(kw[name])
        kw[name][:n_day - 1, ..., quiet] = 0.0
    for name in ("init_conc", "init_res_conc"):
        kw[name] = np.array(kw[name])
        kw[name][..., quiet] = 0.0
    refine = np.random.default_rng(seed).choice([1, 2, 4, 8], size=len(net.reaches))
    return net, lay, kw, quiet, refine


def run(net, lay, kw, refine):
    """Local steps on every day (``min_gain`` tiny), one lane (the counts of dead tags are a lane's)."""
    counts = np.zeros((kw["q_in"].shape[0], LTS_COUNTS), dtype=np.int64)
    result = simulate(net, lay.tracers, TransportInputs(**kw), groups=lay.groups, group_species=lay.group_species,
                      reactions=lay.reactions, threads=1,
                      local_steps=LocalSteps(min_gain=1e-9, refine=refine, counts=counts))
    return result, counts


@pytest.mark.parametrize("whole_group", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_local_steps_skip_dead_tags_to_the_bit(seed, whole_group):
    net, lay, kw, quiet, refine = quiet_case(seed, whole_group)
    n_day = kw["q_in"].shape[0]
    skipped, counts = run(net, lay, kw, refine)
    assert (counts[:, 0] > 0).all()  # every day on local steps (else this tests the global path)
    # the quiet tags are skipped while they are quiet, and not on the last day (they get inputs)
    assert (counts[:n_day - 1, 10] == len(quiet)).all() and counts[-1, 10] == 0
    kw["boundary_conc"][..., quiet] = np.where(kw["boundary_conc"][..., quiet] == 0.0, -0.0,
                                               kw["boundary_conc"][..., quiet])
    ran, counts_ran = run(net, lay, kw, refine)
    assert (counts_ran[:, 10] == 0).all()  # -0.0 is not +0.0: nothing skipped
    assert np.array_equal(counts[:, :10], counts_ran[:, :10])
    for field in dataclasses.fields(skipped):
        a, b = getattr(skipped, field.name), getattr(ran, field.name)
        if isinstance(a, np.ndarray):
            assert a.shape == b.shape and a.tobytes() == b.tobytes(), field.name
    # (the quiet tags do carry mass in the end: the skipped days were followed by live ones)
    assert np.abs(skipped.final_concentration[:, quiet]).max() > 0.0

