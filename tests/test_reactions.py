"""Reactions between species (organic N -> NH3-N -> nitrate, particulate -> dissolved P):
the compiled kernel against the plain-Python reference, budgets, the species summing to
their constituent, the analytical cases, and the basin-file format."""

from __future__ import annotations

import tomllib

import naive_transport
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_transport import assert_matches_reference, random_case

from hydro.errors import HydroError
from hydro.tomlio import Table
from hydro.transport import Constituent, Reaction, TransportInputs, simulate, tracer_layout
from hydro.validation import reactions as cases


def species_case(seed: int, n_reach: int, reservoir: bool = True, dispersion: bool = True,
                 withdrawals: bool = False, n_tag: int = 2):
    """A random network carrying TN as three species and CODMn, each from ``n_tag`` sources."""
    tn = Constituent("tn", "total nitrogen", species=(
        Constituent("orgn", "organic N", river_removal_per_day=0.05, settling_velocity_m_per_day=0.2,
                    reservoir_removal_per_day=0.01),
        Constituent("nh3n", "ammonia N", river_theta=1.02),
        Constituent("no3n", "nitrate N", river_removal_per_day=0.1, reservoir_removal_per_day=0.03)),
        reactions=(Reaction("orgn", "nh3n", 0.3, 1.04, 0.05, 1.03),
                   Reaction("nh3n", "no3n", 0.8, 1.08, 0.2, 1.06),
                   Reaction("orgn", None, 0.02, 1.0, 0.0, 1.0)))
    codmn = Constituent("codmn", "CODMn", river_removal_per_day=0.15, reservoir_removal_per_day=0.02)
    lay = tracer_layout([tn, codmn], [f"s{j}" for j in range(n_tag)])
    net, _, kw = random_case(seed, n_reach, n_tracer=len(lay.tracers), reservoir=reservoir,
                             dispersion=dispersion, withdrawals=withdrawals)
    return net, lay, kw


def run(net, lay, kw):
    return simulate(net, lay.tracers, TransportInputs(**kw), groups=lay.groups,
                    group_species=lay.group_species, reactions=lay.reactions)


def test_layout_orders_tracers_species_then_source():
    _, lay, _ = species_case(0, 3)
    assert [t.name for t in lay.tracers[:6]] == ["orgn_s0", "orgn_s1", "nh3n_s0", "nh3n_s1", "no3n_s0", "no3n_s1"]
    assert lay.groups == [6, 2] and lay.group_species == [3, 1]
    assert [(g, a, b) for g, a, b, _ in lay.reactions] == [(0, 0, 1), (0, 1, 2), (0, 0, -1)]
    assert lay.names == ["orgn", "nh3n", "no3n", "codmn"]


@pytest.mark.parametrize("seed", range(4))
def test_kernel_matches_plain_python_reference(seed):
    net, lay, kw = species_case(seed, 5, withdrawals=seed % 2 == 1)
    fast = run(net, lay, kw)
    slow = naive_transport.run(net, lay.tracers, TransportInputs(**kw), groups=lay.groups,
                               group_species=lay.group_species, reactions=lay.reactions)
    # the reference takes scipy's expm, the kernel its own series: still 1e-10
    assert_matches_reference(fast, slow)


cases_st = st.tuples(st.integers(0, 10_000), st.integers(1, 7), st.booleans(), st.booleans(), st.booleans())


@settings(max_examples=15, deadline=None)
@given(cases_st)
@example((60, 2, False, True, True))  # a reach's outlet load below zero, physically (below)
def test_budgets_close_with_reactions(case):
    # every species' removal is net of what it gains from the species before it, so each
    # tracer's budget closes; 1e-12 relative: round-off of a few hundred sub-steps.  Concentrations
    # stay >= 0; a reach's outlet load need not: it holds the dispersive flux, which carries mass
    # upstream out of a much richer reach below (the pinned example: -97 kg/d net against +381 kg/d
    # advected in one tracer; found by the kernel mutation audit of 2026-12-05, on the unmutated code)
    seed, n, reservoir, dispersion, withdrawals = case
    net, lay, kw = species_case(seed, n, reservoir=reservoir, dispersion=dispersion, withdrawals=withdrawals)
    res = run(net, lay, kw)
    assert res.closure("network") <= 1e-12
    assert res.closure("reach") <= 1e-12
    assert res.closure("reservoir") <= 1e-12
    for a in (res.final_concentration, res.reach_concentration, res.reservoir_concentration):
        assert a.size == 0 or a.min() >= -1e-12 * max(a.max(), 1.0)


@settings(max_examples=15, deadline=None)
@given(st.tuples(st.integers(0, 10_000), st.integers(1, 7), st.booleans()))
def test_species_sum_to_the_constituent_without_reservoirs(case):
    # species sharing one sink that only turn into each other: their sum is the
    # constituent run alone, to round-off (the propagators' columns sum to 1)
    seed, n, dispersion = case
    species = tuple(Constituent(x, x, river_removal_per_day=0.2, river_theta=1.03) for x in ("a", "b", "c"))
    chain = Constituent("t", "t", species=species, reactions=(Reaction("a", "b", 0.7, 1.05), Reaction("b", "c", 2.0)))
    lay = tracer_layout([chain], ["x", "y"])
    net, _, kw = random_case(seed, n, n_tracer=6, reservoir=False, dispersion=dispersion)
    res = run(net, lay, kw)
    alone_kw = dict(kw)
    for key in ("boundary_flux", "boundary_conc", "lateral_load", "point_load", "res_load", "init_conc",
                "init_res_conc"):
        alone_kw[key] = kw[key].sum(axis=-1, keepdims=True)
    alone_kw["boundary_conc"] = kw["boundary_conc"].sum(axis=-1, keepdims=True)
    alone = simulate(net, [species[0]], TransportInputs(**alone_kw))
    for name in ("reach_load", "final_concentration", "section_load"):
        a, b = getattr(res, name).sum(axis=-1), getattr(alone, name)[..., 0]
        if b.size:
            assert np.abs(a - b).max() <= 1e-11 * max(np.abs(b).max(), 1e-30), name


def test_reservoir_species_sum_is_close_to_the_constituent():
    # In a tank a reaction's product enters the next species as a constant source over
    # a piece of a sub-step: exact at steady state, a splitting error of order (k dt)^2 in
    # transients; pieces are cut so that k dt <= 0.02 (docs/solver.md, kernel tank_pieces),
    # so it stays far below 1e-4.
    species = tuple(Constituent(x, x, reservoir_removal_per_day=0.05, settling_velocity_m_per_day=0.1)
                    for x in ("a", "b"))
    chain = Constituent("t", "t", species=species, reactions=(Reaction("a", "b", 0.5, 1.0, 0.5, 1.0),))
    lay = tracer_layout([chain], ["x"])
    net, _, kw = random_case(4, 4, n_tracer=2, reservoir=True)
    res = run(net, lay, kw)
    alone_kw = {**kw, **{k: kw[k].sum(axis=-1, keepdims=True) for k in (
        "boundary_flux", "boundary_conc", "lateral_load", "point_load", "res_load", "init_conc", "init_res_conc")}}
    alone = simulate(net, [species[0]], TransportInputs(**alone_kw))
    a, b = res.reservoir_concentration.sum(axis=-1), alone.reservoir_concentration[..., 0]
    assert np.abs(a - b).max() <= 1e-4 * np.abs(b).max()


def test_analytical_cases_hold():
    errors = cases.bateman_chain_errors()
    assert errors[-1] <= 5e-5 and np.log2(errors[-2] / errors[-1]) >= 0.9
    err, closure = cases.reservoir_chain_errors()
    assert err <= 1e-6 and closure <= 1e-10


def test_wrong_rate_fails_the_bateman_case():
    # the analytical case can fail: a chain with the nitrification rate off by 10 %
    # misses the Bateman solution by far more than its tolerance
    good = cases.nitrogen_chain()
    bad_rx = (good.reactions[0], Reaction("nh3n", "no3n", river_rate_per_day=0.55))
    bad = Constituent("tn", "tn", species=good.species, reactions=bad_rx)
    original = cases.nitrogen_chain
    try:
        cases.nitrogen_chain = lambda: bad  # type: ignore[assignment]
        errors = cases.bateman_chain_errors(cells=(200,))
    finally:
        cases.nitrogen_chain = original  # type: ignore[assignment]
    assert errors[0] > 1e-3


# ----------------------------------------------------------------------------- basin format
def parse(text: str) -> Constituent:
    return Constituent.from_table(Table(tomllib.loads(text), "basin.toml").tables("constituents")[0])


TN = """
[[constituents]]
name = "tn"
[[constituents.species]]
name = "orgn"
settling_velocity_m_per_day = 0.1
[[constituents.species]]
name = "nh3n"
[[constituents.reactions]]
from = "orgn"
to = "nh3n"
river_rate_per_day = 0.2
"""


def test_species_and_reactions_are_read():
    c = parse(TN)
    assert [s.name for s in c.species] == ["orgn", "nh3n"]
    assert c.reactions == (Reaction("orgn", "nh3n", river_rate_per_day=0.2),)
    assert c.parts == c.species
    assert Constituent("codmn", "c").parts[0].name == "codmn"


@pytest.mark.parametrize("change, message", [
    (('to = "nh3n"', 'to = "no3n"'), "'no3n' is not a species of this constituent"),
    (('from = "orgn"\nto = "nh3n"', 'from = "nh3n"\nto = "orgn"'), "from a species to a later one"),
    (('name = "tn"\n', 'name = "tn"\nriver_removal_per_day = 0.1\n'), "no removal parameters of its own"),
    (('name = "nh3n"', 'name = "orgn"'), "distinct names"),
    (('river_rate_per_day = 0.2', 'river_rate = 0.2'), "unknown key"),
])
def test_bad_species_tables_name_the_key(change, message):
    with pytest.raises(HydroError, match=message) as err:
        parse(TN.replace(*change))
    assert "basin.toml" in str(err.value)


# ----------------------------------------------------------------------------- threads
def test_constituents_on_two_threads_give_identical_results():
    # groups never interact, so running them in two lanes changes nothing, bit for bit
    net, lay, kw = species_case(2, 6)
    one = simulate(net, lay.tracers, TransportInputs(**kw), groups=lay.groups, group_species=lay.group_species,
                   reactions=lay.reactions, threads=1)
    two = simulate(net, lay.tracers, TransportInputs(**kw), groups=lay.groups, group_species=lay.group_species,
                   reactions=lay.reactions, threads=2)
    for name in ("reach_load", "section_load", "final_concentration", "reservoir_concentration", "budget_reach",
                 "budget_reservoir", "storage_reach", "substeps"):
        assert np.array_equal(getattr(one, name), getattr(two, name)), name


def test_lanes_balance_tracers_and_skip_small_ones():
    from hydro.transport_args import lanes

    assert lanes([24, 16, 8, 1], 2) == [[0, 3], [1, 2]]  # 25 and 24 tracers
    assert lanes([8, 1], 2) == [[0, 1]]  # a lane of one tracer in nine is not worth a thread
    assert lanes([6, 6], 1) == [[0, 1]]


# ----------------------------------------------------------------------------- hydro.Model
def test_reaction_rates_are_model_parameters():
    import hydro

    model = hydro.Model.from_basin("miyun")
    path = "constituents.tn.reactions.nh3n_to_no3n.river_rate_per_day"
    assert model.parameter(path).value > 0
    assert model.parameter("constituents.tn.species.nh3n.river_theta").value > 0
    base = model.run("2013-05-01", "2013-06-30")
    slow = model.with_parameters({path: 0.0}).run("2013-05-01", "2013-06-30")
    # no nitrification: ammonia builds up, nitrate falls, TN is the same (every N species
    # shares TN's sink in the shipped basin, so TN does not depend on the split) - to round-off
    # in rivers, and to the reservoirs' splitting error, of order (k dt)^2 <= 4e-4 per piece of a
    # sub-step (k dt <= 0.02), where a product enters the next species' tank as a constant source
    assert float(slow["section_nh3n_concentration"].mean()) > 1.5 * float(base["section_nh3n_concentration"].mean())
    assert float(slow["section_no3n_concentration"].mean()) < float(base["section_no3n_concentration"].mean())
    tn_a, tn_b = base["section_tn_concentration"].values, slow["section_tn_concentration"].values
    assert np.nanmax(np.abs(tn_a - tn_b)) <= 1e-6 * np.nanmax(tn_a)
