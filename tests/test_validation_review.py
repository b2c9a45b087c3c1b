"""Adversarial review of ``hydro validate``'s analytical cases (2026-12-01).

Two kinds of test:

* the references themselves, re-evaluated independently (mpmath at 40 digits, closed
  forms written out here rather than imported) at the points the cases use;
* mutation tests: the solver is perturbed the way a real defect would perturb it (a
  dispersion coefficient 2 % off, a decay rate 1 % off, the cells' volumes 0.2 % off,
  i.e. the velocity, ...) by monkeypatching the Python layer that feeds the kernel,
  and the case meant to notice must fail.  A check that passes a wrong solver is a
  defect of the suite; the kernel-level mutants (minmod or no limiter, a dropped half
  step, a mass leak) need a recompiled copy and are recorded in the cases' comments.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import hydro.transport_run as transport_run
from hydro.validation.analytical import DAY, ogata_banks, ogata_banks_cell_average
from hydro.validation.registry import run_cases

mp = pytest.importorskip("mpmath")


def _failed(case: str) -> list[str]:
    return [c.metric for c in run_cases([case]) if not c.passed]


# ----------------------------------------------------------------------------- references
def test_ogata_banks_matches_mpmath_at_the_case_points():
    mp.mp.dps = 40
    u, d, t = 0.5, 10.0, DAY

    def exact(x):
        s = 2 * mp.sqrt(d * t)
        return (mp.erfc((x - u * t) / s) + mp.exp(u * x / d) * mp.erfc((x + u * t) / s)) / 2

    x = np.linspace(50.0, 79_950.0, 161)
    ref = np.array([float(exact(mp.mpf(v))) for v in x])
    # exp(ux/D) reaches e^2160 here: the erfcx form must not overflow or cancel
    np.testing.assert_allclose(ogata_banks(x, t, u, d), ref, rtol=0, atol=1e-14)
    lo = np.array([0.0, 42_900.0, 43_100.0, 50_000.0])
    avg = np.array([float(mp.quad(exact, [a, a + 100.0]) / 100) for a in lo])
    np.testing.assert_allclose(ogata_banks_cell_average(lo, lo + 100.0, t, u, d), avg, rtol=0, atol=1e-13)


def test_bateman_reference_is_the_closed_form_chain():
    from scipy.linalg import expm

    mp.mp.dps = 40
    tt = mp.mpf(40_000) / mp.mpf("0.5") / DAY  # travel time, days
    k1, k2, k3, r12, r23 = (mp.mpf(v) for v in ("0.25", "0.5", "0.1", "0.2", "0.5"))
    c10, c20, c30 = mp.mpf(2), mp.mpf(1), mp.mpf("0.5")

    def e(k):
        return mp.exp(-k * tt)

    c1 = c10 * e(k1)
    c2 = c20 * e(k2) + r12 * c10 * (e(k1) - e(k2)) / (k2 - k1)
    c3 = (c30 * e(k3) + r23 * c20 * (e(k2) - e(k3)) / (k3 - k2)
          + r12 * r23 * c10 * (e(k1) / ((k2 - k1) * (k3 - k1)) + e(k2) / ((k1 - k2) * (k3 - k2))
                               + e(k3) / ((k1 - k3) * (k2 - k3))))
    # the matrix of hydro.validation.reactions.bateman_chain_errors
    k = np.array([[-0.25, 0.0, 0.0], [0.2, -0.5, 0.0], [0.0, 0.5, -0.1]]) / DAY
    got = expm(k * 40_000.0 / 0.5) @ np.array([2.0, 1.0, 0.5])
    np.testing.assert_allclose(got, [float(c1), float(c2), float(c3)], rtol=1e-14)


def test_danckwerts_reference_meets_its_boundary_conditions():
    from hydro.validation.finite_column import danckwerts_steady_cell_average

    mp.mp.dps = 40
    u, d, length, k, c_in = 0.5, 20.0, 40_000.0, 0.5 / DAY, 2.0
    b = mp.sqrt(1 + 4 * k * d / u**2)
    l1, l2 = u * (1 + b) / (2 * d), u * (1 - b) / (2 * d)
    a = mp.matrix([[(u - d * l1) * mp.exp(-l1 * length), u - d * l2], [l1, l2 * mp.exp(l2 * length)]])
    coef = mp.lu_solve(a, mp.matrix([u * c_in, 0]))

    def c(x):
        return coef[0] * mp.exp(l1 * (x - length)) + coef[1] * mp.exp(l2 * x)

    assert abs(u * c(0) - d * mp.diff(c, 0) - u * c_in) < 1e-30  # flux inlet
    assert abs(mp.diff(c, length)) < 1e-30  # zero gradient at the outlet
    lo = np.array([0.0, 50.0, 20_000.0, 39_950.0])
    ref = np.array([float(mp.quad(c, [v, v + 50.0]) / 50) for v in lo])
    np.testing.assert_allclose(danckwerts_steady_cell_average(lo, lo + 50.0, length, u, d, k, c_in), ref,
                               rtol=1e-13)


# ----------------------------------------------------------------------------- mutants
@pytest.fixture
def mutate(monkeypatch):
    """``mutate(rates=..., dispersion=..., volume=...)``: scale what the kernel is given."""

    def apply(rates: dict | None = None, dispersion: float = 1.0, volume: float = 1.0):
        import hydro.transport_args as kernel_args
        from hydro import _transport_kernels as kernels

        rates_at, network_args, cell_water = transport_run.rates_at, kernel_args.network_args, transport_run.cell_water

        def scaled_rates(*a, **kw):
            r = rates_at(*a, **kw)
            return {name: v * (rates or {}).get(name, 1.0) for name, v in r.items()}

        def scaled_network(*a, **kw):
            net, static = network_args(*a, **kw)
            if dispersion == 1.0:
                return net, static
            net = net._replace(reach_dispersion=net.reach_dispersion * dispersion)
            return net, kernels.static_layout(net.reach_cell_start, net.cell_dx, net.reach_down_kind,
                                              net.reach_down_index, net.reach_dispersion, net.dispersive_inlet,
                                              net.section_cell)

        def scaled_water(*a, **kw):
            w = cell_water(*a, **kw)
            return dataclasses.replace(w, volume=w.volume * volume)

        monkeypatch.setattr(transport_run, "rates_at", scaled_rates)
        monkeypatch.setattr(kernel_args, "network_args", scaled_network)
        monkeypatch.setattr(transport_run, "cell_water", scaled_water)

    return apply


def test_the_unmutated_solver_passes_the_cases_the_mutants_use():
    for name in ("ogata_banks", "gaussian_pulse", "danckwerts_steady", "mixed_tank", "reaction_chain_bateman"):
        assert _failed(name) == [], name


def test_a_dispersion_coefficient_two_percent_off_fails_ogata_banks_at_every_courant(mutate):
    # with the old bound (1e-2 C0) only a refinement ratio noticed (errors 2.5e-3 to 3.3e-3)
    mutate(dispersion=1.02)
    failed = _failed("ogata_banks")
    assert {f"max_abs_error_over_c0_courant_{c}" for c in (0.5, 0.7, 0.9)} <= set(failed)


def test_a_velocity_a_fifth_of_a_percent_off_fails_the_gaussian_centroid(mutate):
    # cells 0.2 % too large carry the pulse 86 m (0.43 cells) short in a day: the old
    # bound of half a cell passed it, as it passed a dropped last half step (-0.45 cells)
    mutate(volume=1.002)
    assert "centroid_error_cells" in _failed("gaussian_pulse")


def test_a_decay_rate_one_percent_off_fails_the_steady_danckwerts_profile(mutate):
    mutate(rates={"reach": 1.01})
    assert _failed("danckwerts_steady") == ["max_relative_error"]


@pytest.mark.parametrize("rates", [{"res": 1.01}, {"settling": 1.02}])
def test_reservoir_removal_or_settling_off_fails_the_mixed_tank(mutate, rates):
    mutate(rates=rates)
    assert "steady_state_relative_error" in _failed("mixed_tank")


def test_a_reaction_rate_one_percent_off_fails_the_bateman_chain(mutate):
    mutate(rates={"rx_river": 1.01, "rx_res": 1.01})
    assert "max_relative_error_200_cells" in _failed("reaction_chain_bateman")


def test_a_reservoir_removal_rate_a_millionth_off_fails_the_mixed_tank_step_response(mutate):
    # the tank is integrated exactly: the bound is round-off (1e-12), not the old 1e-6
    mutate(rates={"res": 1.0 + 1e-6})
    assert "step_response_max_relative_error" in _failed("mixed_tank")


def test_without_fipy_the_peer_case_fails_with_its_reason_and_the_batch_goes_on(monkeypatch):
    # it raised, so `hydro validate` (every case) stopped there with exit 2 and printed no check
    import sys

    monkeypatch.setitem(sys.modules, "fipy", None)  # import fipy -> ImportError
    checks = run_cases(["fipy_ogata_banks", "junction_mixing"])
    peer = [c for c in checks if c.case == "fipy_ogata_banks"]
    assert peer[0].passed and not peer[1].passed and "pip install" in peer[1].metric
    assert [c.passed for c in checks if c.case == "junction_mixing"] == [True]


def test_a_sampled_time_mean_says_so_in_its_report():
    # chao_inflow_tn_2006 is the mean of twelve grab samples on the 1st of each month; the
    # report said only "time_mean 2006-01-01..2006-12-31", as if of every day
    from datetime import date

    from hydro.basin import ROOT, Basin
    from hydro.simulation import run
    from hydro.tomlio import Table, load_toml
    from hydro.validation.basins import evaluate_target

    results = run(Basin.load(ROOT / "basins" / "miyun"), date(2006, 1, 1), date(2006, 12, 31))
    path = ROOT / "basins" / "miyun" / "observations.toml"
    target = next(t for t in Table(load_toml(path), path).tables("targets")
                  if t.data["id"] == "chao_inflow_tn_2006")
    out = evaluate_target(results, target)
    assert out.window == "2006-01-01..2006-12-31, 12 samples on day 1 of the month"


def test_reservoir_rates_that_ignore_the_temperature_fail_the_cold_mixed_tank(monkeypatch):
    # every tank case ran at 20 deg C, where theta**(T - 20) = 1 whatever the code does
    rates_at = transport_run.rates_at

    def at_20(tracers, rx, reach_temp, res_temp):
        return rates_at(tracers, rx, reach_temp, np.full_like(res_temp, 20.0))

    monkeypatch.setattr(transport_run, "rates_at", at_20)
    assert _failed("mixed_tank") == ["step_response_max_relative_error_at_8C_theta_1.047"]


def test_reaction_rates_that_ignore_the_temperature_fail_the_cold_bateman_chain(monkeypatch):
    # the chain ran at 20 deg C only, and species_sum is blind to reaction rates
    rates_at = transport_run.rates_at

    def rx_at_20(tracers, rx, reach_temp, res_temp):
        out = rates_at(tracers, rx, reach_temp, res_temp)
        out["rx_river"] = rates_at(tracers, rx, np.full_like(reach_temp, 20.0), res_temp)["rx_river"]
        return out

    monkeypatch.setattr(transport_run, "rates_at", rx_at_20)
    assert _failed("reaction_chain_bateman") == ["max_relative_error_200_cells_at_12C"]


def test_reservoir_rates_that_ignore_the_temperature_fail_the_cold_settling_chain(monkeypatch):
    rates_at = transport_run.rates_at

    def at_20(tracers, rx, reach_temp, res_temp):
        return rates_at(tracers, rx, reach_temp, np.full_like(res_temp, 20.0))

    monkeypatch.setattr(transport_run, "rates_at", at_20)
    assert _failed("reservoir_chain_steady") == ["steady_state_relative_error_at_8C"]


def test_inlet_concentrations_read_a_day_late_fail_the_inlet_pulse(monkeypatch):
    # every other case holds its inlet concentration constant, so such a lag passed them all
    import hydro.validation.flux_inlet as flux_inlet

    simulate = flux_inlet.simulate

    def lagged(network, tracers, inputs, *args, **kwargs):
        inputs = dataclasses.replace(inputs, boundary_conc=np.roll(inputs.boundary_conc, 1, axis=0))
        return simulate(network, tracers, inputs, *args, **kwargs)

    assert _failed("inlet_pulse") == []
    monkeypatch.setattr(flux_inlet, "simulate", lagged)
    assert _failed("inlet_pulse") == ["concentration_inlet_max_abs_error_over_c0"]


def test_a_point_load_one_cell_off_fails_the_point_source(monkeypatch):
    # no case had a point load before; a padded-slot index used as a cell index moves it by one
    import hydro.validation.analytical as analytical

    simulate = analytical.simulate

    def shifted(network, tracers, inputs, *args, **kwargs):
        inputs = dataclasses.replace(inputs, point_cell=inputs.point_cell + 1)
        return simulate(network, tracers, inputs, *args, **kwargs)

    assert _failed("point_source") == []
    monkeypatch.setattr(analytical, "simulate", shifted)
    assert _failed("point_source") == ["max_relative_error_from_the_load_down"]
