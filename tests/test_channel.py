"""Surveyed channel geometry (:mod:`hydro.channel`) and channel reaches in basins and routing.

Layers: closed forms of Manning's equation (wide rectangle, a textbook example, a
hand-computed rectangle), the solved depth put back into Manning's equation,
vectorisation and edge cases, monotonicity, the celerity as dQ/dA, the scalar
kernel twin used by the routing, :class:`Reach` dispatch, the basin file (errors
and ``--set``) and ``hydro run`` end to end on basins with channel reaches.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from click.testing import CliRunner

from hydro import _routing_kernels as _rk
from hydro.basin import ROOT, Basin
from hydro.channel import TOLERANCE, Channel, normal_depth
from hydro.cli import main
from hydro.errors import HydroError
from hydro.hydraulics import SECONDS_PER_DAY
from hydro.network import Network, Reach
from hydro.routing import route

TINY = ROOT / "configs" / "examples" / "tiny"
WATERSHED = ROOT / "configs" / "examples" / "watershed"

# The solver stops at a step in ln(y) below 1e-13; Q ~ y**(5/3..10/3), and
# evaluating Manning's equation costs a few ulps, so Q(y) matches the target to
# ~1e-12.  The brief's bound is 1e-10.
MANNING_RTOL = 1e-10

RECT = Channel("rectangle", bottom_width_m=5.0, side_slope=0.0, manning_n=0.02, slope_m_per_m=0.001)
TRAP = Channel("trapezoid", bottom_width_m=12.0, side_slope=2.0, manning_n=0.035, slope_m_per_m=0.001)
TRIANGLE = Channel("trapezoid", bottom_width_m=0.0, side_slope=1.5, manning_n=0.03, slope_m_per_m=0.01)
CHANNELS = [RECT, TRAP, TRIANGLE]


def manning_q(ch: Channel, y):
    """Manning's equation written out independently of the module."""
    y = np.asarray(y, dtype=float)
    area = (ch.bottom_width_m + ch.side_slope * y) * y
    perimeter = ch.bottom_width_m + 2.0 * y * np.sqrt(1.0 + ch.side_slope ** 2)
    return area * (area / perimeter) ** (2.0 / 3.0) * np.sqrt(ch.slope_m_per_m) / ch.manning_n


# ----------------------------------------------------------------------------- closed forms
def test_wide_rectangle_tends_to_the_closed_form():
    """``b >> y``: y -> (nQ / (b sqrt S))^(3/5); exactly, y = y_wide (1 + 2y/b)^(2/5)."""
    n, s, b = 0.03, 5e-4, 1.0e4
    ch = Channel("rectangle", b, 0.0, n, s)
    q = np.array([1.0, 50.0, 500.0, 5000.0])
    y = ch.depth(q)
    y_wide = (n * q / (b * np.sqrt(s))) ** 0.6
    # R = b y / (b + 2y) gives y^(5/3) = y_wide^(5/3) (1 + 2y/b)^(2/3) exactly
    np.testing.assert_allclose(y, y_wide * (1.0 + 2.0 * y / b) ** 0.4, rtol=1e-12)
    # and the wide-channel formula itself to within the side-wall correction 0.8 y / b
    np.testing.assert_allclose(y / y_wide - 1.0, 0.8 * y / b, rtol=1e-3, atol=1e-15)
    assert np.all(y / y_wide - 1.0 < 1e-3)


def test_textbook_trapezoid_chow_1959_example_6_2():
    """Chow, Open-Channel Hydraulics (1959), Example 6.2: b = 20 ft, z = 2, S = 0.0016,
    n = 0.025, Q = 400 cfs gives a normal depth of 3.36 ft (Chow uses 1.49 for the
    unit factor 1/0.3048^(1/3) = 1.4859; both round to 3.36)."""
    ft = 0.3048
    ch = Channel("trapezoid", 20 * ft, 2.0, 0.025, 0.0016)
    assert ch.depth(400 * ft ** 3) / ft == pytest.approx(3.36, abs=0.005)


def test_hand_computed_rectangle():
    """b = 5 m, n = 0.02, S = 0.001, y = 1 m: A = 5 m2, P = 7 m, R = 5/7 m,
    R^(2/3) = 0.79906353, Q = 50 * 5 * 0.79906353 * 0.03162278 = 6.3171519 m3/s."""
    q = 6.317151875395355
    assert RECT.depth(q) == pytest.approx(1.0, rel=1e-12)
    assert RECT.area(q) == pytest.approx(5.0, rel=1e-12)
    assert RECT.top_width(q) == 5.0
    assert RECT.velocity(q) == pytest.approx(q / 5.0, rel=1e-12)
    assert RECT.hydraulic_depth(q) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("ch", CHANNELS, ids=["rectangle", "trapezoid", "triangle"])
def test_solved_depth_satisfies_manning(ch):
    q = np.logspace(-8, 8, 4001)
    y = ch.depth(q)
    np.testing.assert_allclose(manning_q(ch, y), q, rtol=MANNING_RTOL)
    np.testing.assert_allclose(ch.discharge_at(y), q, rtol=MANNING_RTOL)


def test_random_channels_satisfy_manning():
    rng = np.random.default_rng(7)
    m = 20_000
    b = rng.uniform(0.0, 300.0, m)
    z = np.where(rng.random(m) < 0.3, 0.0, rng.uniform(0.0, 5.0, m))
    b = np.where(z == 0.0, np.maximum(b, 0.1), b)
    n = rng.uniform(0.01, 0.15, m)
    s = 10 ** rng.uniform(-6, -1, m)
    q = 10 ** rng.uniform(-6, 6, m)
    y = normal_depth(q, b, z, n, s)
    area = (b + z * y) * y
    perim = b + 2 * y * np.sqrt(1 + z * z)
    np.testing.assert_allclose(area * (area / perim) ** (2 / 3) * np.sqrt(s) / n, q, rtol=MANNING_RTOL)


# ----------------------------------------------------------------------------- arrays and edges
def test_vectorised_over_any_shape_and_equal_to_scalar_calls():
    q = np.array([[0.0, 0.5, 3.0], [40.0, 700.0, 1e5]])
    for f in (TRAP.depth, TRAP.area, TRAP.top_width, TRAP.velocity, TRAP.celerity):
        out = f(q)
        assert out.shape == q.shape
        np.testing.assert_array_equal(out.ravel(), [float(f(v)) for v in q.ravel()])
    assert np.ndim(TRAP.depth(3.0)) == 0
    # parameters broadcast against the discharges
    y = normal_depth(10.0, [5.0, 10.0, 20.0], 1.0, 0.03, 0.001)
    assert y.shape == (3,) and np.all(np.diff(y) < 0)


def test_zero_negative_infinite_and_extreme_discharges():
    assert TRAP.depth(0.0) == 0.0 and TRAP.area(0.0) == 0.0
    assert TRAP.velocity(0.0) == 0.0 and TRAP.celerity(0.0) == 0.0
    assert TRAP.top_width(0.0) == TRAP.bottom_width_m
    assert np.isnan(TRAP.depth(-1.0)) and np.isnan(TRAP.depth(np.nan))
    assert TRAP.depth(np.inf) == np.inf
    q = np.array([1e-300, 1e-30, 1e30, 1e300])
    for ch in CHANNELS:
        y = ch.depth(q)
        assert np.all(np.isfinite(y)) and np.all(np.diff(y) > 0)
        np.testing.assert_allclose(np.log(ch.discharge_at(y[1:3])), np.log(q[1:3]), rtol=1e-12)


@pytest.mark.parametrize("ch", CHANNELS, ids=["rectangle", "trapezoid", "triangle"])
def test_geometry_increases_with_discharge(ch):
    q = np.logspace(-4, 5, 2000)
    for f in (ch.depth, ch.area, ch.velocity, ch.celerity):
        assert np.all(np.diff(f(q)) > 0), f.__name__
    assert np.all(np.diff(ch.top_width(q)) >= 0)
    # celerity between V (deep rectangle) and 5/3 V (wide rectangle)
    ratio = ch.celerity(q) / ch.velocity(q)
    assert np.all(ratio >= 1.0 - 1e-12) and np.all(ratio <= 5 / 3 + 1e-12)


@pytest.mark.parametrize("ch", CHANNELS, ids=["rectangle", "trapezoid", "triangle"])
def test_celerity_is_dq_da(ch):
    y = np.array([0.05, 0.4, 1.0, 3.0, 10.0])
    h = 1e-6 * y
    dq = manning_q(ch, y + h) - manning_q(ch, y - h)
    da = ch.area_at(y + h) - ch.area_at(y - h)
    np.testing.assert_allclose(ch.celerity(manning_q(ch, y)), dq / da, rtol=1e-7)


def test_triangle_and_wide_rectangle_celerity_limits():
    assert TRIANGLE.celerity(5.0) / TRIANGLE.velocity(5.0) == pytest.approx(4 / 3, rel=1e-12)
    wide = Channel("rectangle", 1e6, 0.0, 0.03, 1e-3)
    assert wide.celerity(10.0) / wide.velocity(10.0) == pytest.approx(5 / 3, rel=1e-6)


def test_equivalent_power_law_is_tangent_at_its_reference():
    q_ref = 25.0
    a_v, b_v, a_w, b_w = TRAP.power_law(q_ref)
    assert a_v * q_ref ** b_v == pytest.approx(TRAP.velocity(q_ref), rel=1e-12)
    assert a_w * q_ref ** b_w == pytest.approx(TRAP.top_width(q_ref), rel=1e-12)
    e = 1e-5
    slope_v = (np.log(TRAP.velocity(q_ref * (1 + e))) - np.log(TRAP.velocity(q_ref * (1 - e)))) \
        / (np.log1p(e) - np.log1p(-e))
    assert b_v == pytest.approx(slope_v, rel=1e-6)
    # the celerity of the fitted law equals the exact one at q_ref: v / (1 - b) = dQ/dA
    assert a_v * q_ref ** b_v / (1 - b_v) == pytest.approx(TRAP.celerity(q_ref), rel=1e-10)
    # default reference: 1 m normal depth
    a_v, b_v, _, _ = RECT.power_law()
    assert a_v * 6.317151875395355 ** b_v == pytest.approx(6.317151875395355 / 5.0, rel=1e-12)
    assert 0 <= b_v < 1


def test_channel_rejects_impossible_geometry():
    with pytest.raises(ValueError, match="shape"):
        Channel("circle", 5.0, 0.0, 0.03, 0.001)
    with pytest.raises(ValueError, match="rectangular"):
        Channel("rectangle", 5.0, 1.0, 0.03, 0.001)
    with pytest.raises(ValueError, match="trapezoidal"):
        Channel("trapezoid", 0.0, 0.0, 0.03, 0.001)
    with pytest.raises(ValueError, match="manning_n"):
        Channel("trapezoid", 5.0, 1.0, 0.0, 0.001)


# ----------------------------------------------------------------------------- routing kernel twin
def test_kernel_normal_depth_matches_the_vectorised_solver():
    rng = np.random.default_rng(3)
    for _ in range(300):
        b = float(rng.choice([0.0, rng.uniform(0.5, 100)]))
        z = float(rng.uniform(0.1, 4)) if b == 0.0 else float(rng.choice([0.0, rng.uniform(0, 4)]))
        n, s, q = float(rng.uniform(0.015, 0.1)), float(10 ** rng.uniform(-5, -1)), float(10 ** rng.uniform(-9, 5))
        ch = Channel("rectangle" if z == 0 else "trapezoid", b, z, n, s)
        assert _rk.normal_depth(q, b, z, n, s) == pytest.approx(float(ch.depth(q)), rel=10 * TOLERANCE)
        q_f, c, w = _rk.channel_geometry(q, b, z, n, s)
        assert c == pytest.approx(float(ch.celerity(q_f)), rel=1e-12)
        assert w == pytest.approx(float(ch.top_width(q_f)), rel=1e-12)
    assert _rk.normal_depth(0.0, 5.0, 1.0, 0.03, 0.001) == 0.0


def test_routing_uses_the_exact_manning_celerity():
    """K = dx / c with the channel's celerity at the reference discharge (when not limited)."""
    ch = TRAP
    out = np.full(3, 40.0)
    store = out * 30_000.0
    dx = 20_000.0
    q_out, n_t, k, x, _ = _rk.route_reach_day(40.0, 0.0, out, store, dx, 0.0, 0.0, 0.0, 0.0, 0.001, 96,
                                           ch.bottom_width_m, ch.side_slope, ch.manning_n,
                                           ch.slope_m_per_m)
    c, w = float(ch.celerity(40.0)), float(ch.top_width(40.0))
    assert k == pytest.approx(dx / c, rel=1e-12)
    # Cunge's X with the channel's top width, limited as the kernel documents
    cr = SECONDS_PER_DAY / n_t / k
    x_cunge = 0.5 - 40.0 / (2 * w * 0.001 * c * dx)
    assert x == pytest.approx(max(0.0, min(x_cunge, 0.5 * cr, 1 - 0.5 * cr)), rel=1e-12)


def route_flood(mid: Channel):
    """A flood through power-law reach 'up', channel reach 'mid' and rectangle 'low'."""
    reaches = (
        Reach(id="up", name="up", length_m=30e3, downstream="mid", velocity_coeff=0.3, velocity_exp=0.3,
              width_coeff=10.0, width_exp=0.4),
        Reach(id="mid", name="mid", length_m=50e3, downstream="low", channel=mid),
        Reach(id="low", name="low", length_m=20e3, downstream=None,
              channel=Channel("rectangle", 30.0, 0.0, 0.03, 5e-4)),
    )
    n_day = 60
    t = np.arange(n_day)
    boundary = np.zeros((n_day, 3))
    boundary[:, 0] = 20.0 + 200.0 * np.exp(-0.5 * ((t - 15) / 3.0) ** 2)
    lateral = np.tile([1.0, 2.0, 0.5], (n_day, 1))
    slope = np.array([2e-3, mid.slope_m_per_m, 5e-4])
    z = np.zeros((n_day, 0))
    h = route(Network(reaches), slope, lateral, boundary, z, z, z, np.ones(n_day, dtype=np.int64))
    return h, boundary, lateral


def centroid(q):
    """Time (days) of the centroid of a flood hydrograph above its final base flow."""
    excess = q - q[-1]
    return float((np.arange(len(q)) * excess).sum() / excess.sum())


def test_route_a_network_with_channel_and_power_law_reaches():
    h, boundary, lateral = route_flood(TRAP)
    assert h.reach_water_balance_error() < 1e-9
    assert np.all(h.q_out >= 0)
    vol_in = (boundary.sum() + lateral.sum()) * SECONDS_PER_DAY
    vol_out = h.q_out[:, 2].sum() * SECONDS_PER_DAY + (h.reach_storage[-1] - h.reach_storage[0]).sum()
    assert vol_out == pytest.approx(vol_in, rel=1e-12)
    # the flood's centroid crosses 'mid' in about L / c at the peak's Manning celerity
    # (the excess flow is weighted towards the peak; daily means blur it by a few %)
    lag = (centroid(h.q_out[:, 1]) - centroid(h.q_in[:, 1])) * SECONDS_PER_DAY
    q_peak = (h.q_in[:, 1] + lateral[:, 1]).max()
    assert lag == pytest.approx(50e3 / float(TRAP.celerity(q_peak)), rel=0.1)
    # twice the roughness slows the flood by the ratio of the Manning celerities
    # (about 2**(3/5) in a wide rectangle, 2**(3/4) in a triangle)
    rougher = Channel("trapezoid", 12.0, 2.0, 0.07, 0.001)
    rough, _, _ = route_flood(rougher)
    lag_rough = (centroid(rough.q_out[:, 1]) - centroid(rough.q_in[:, 1])) * SECONDS_PER_DAY
    ratio = float(TRAP.celerity(q_peak) / rougher.celerity(q_peak))
    assert 2 ** 0.6 < ratio < 2 ** 0.8
    assert lag_rough / lag == pytest.approx(ratio, rel=0.05)


# ----------------------------------------------------------------------------- Reach dispatch
def test_reach_dispatches_to_its_channel():
    r = Reach(id="c", name="c", length_m=1e4, downstream=None, channel=TRAP)
    q = np.array([0.0, 1.0, 30.0, 300.0])
    np.testing.assert_array_equal(r.velocity(q), TRAP.velocity(q))
    np.testing.assert_array_equal(r.width(q), TRAP.top_width(q))
    np.testing.assert_array_equal(r.cross_section_m2(q), TRAP.area(q))
    np.testing.assert_array_equal(r.celerity(q), TRAP.celerity(q))
    np.testing.assert_allclose(r.cross_section_m2(q)[1:] * r.velocity(q)[1:], q[1:], rtol=1e-14)
    np.testing.assert_allclose(r.depth(q)[1:] * r.width(q)[1:], r.cross_section_m2(q)[1:], rtol=1e-14)
    assert r.slope_m_per_m == TRAP.slope_m_per_m
    # the equivalent power law fills the fields older code reads
    assert (r.velocity_coeff, r.velocity_exp, r.width_coeff, r.width_exp) == pytest.approx(TRAP.power_law())
    lay = Network((r,)).layout
    assert lay.vel_coeff[0] == r.velocity_coeff and lay.vel_exp[0] == r.velocity_exp


def test_power_law_reach_cross_section_is_unchanged_and_zero_at_zero_flow():
    r = Reach(id="p", name="p", length_m=1e4, downstream=None, velocity_coeff=0.3, velocity_exp=0.35,
              width_coeff=8.0, width_exp=0.45)
    q = np.array([0.0, 0.7, 12.0])
    np.testing.assert_array_equal(r.cross_section_m2(q)[1:], q[1:] / (0.3 * q[1:] ** 0.35))
    assert r.cross_section_m2(0.0) == 0.0 and r.depth(0.0) == 0.0
    assert r.channel is None


def test_reach_rejects_both_or_neither_description():
    with pytest.raises(ValueError, match="not both"):
        Reach(id="x", name="x", length_m=1.0, downstream=None, velocity_coeff=0.3, velocity_exp=0.3,
              width_coeff=5.0, width_exp=0.4, channel=TRAP)
    with pytest.raises(ValueError, match="or a channel"):
        Reach(id="x", name="x", length_m=1.0, downstream=None)
    with pytest.raises(ValueError, match="differs"):
        Reach(id="x", name="x", length_m=1.0, downstream=None, slope_m_per_m=0.5, channel=TRAP)


# ----------------------------------------------------------------------------- basin file
CHANNEL_EAST = ('channel = { shape = "trapezoid", bottom_width_m = 6.0, side_slope = 2.0, '
                'manning_n = 0.035 }\nslope_m_per_m = 0.002\ndispersion_m2_s = 15.0')
EAST_LAW = ("velocity_coeff = 0.22\nvelocity_exp = 0.35\nwidth_coeff = 5.0\nwidth_exp = 0.45\n"
            "dispersion_m2_s = 15.0")


@pytest.fixture()
def tiny_channel(tmp_path):
    """The tiny example with reach 'east' described by a trapezoidal channel."""
    dest = tmp_path / "tiny"
    shutil.copytree(TINY, dest)
    text = (dest / "basin.toml").read_text()
    assert EAST_LAW in text
    (dest / "basin.toml").write_text(text.replace(EAST_LAW, CHANNEL_EAST, 1))
    return dest


def east(basin: Basin) -> Reach:
    return basin.network.reaches[basin.network.reach_index("east")]


def test_basin_file_reads_a_channel_reach(tiny_channel):
    r = east(Basin.load(tiny_channel))
    assert r.channel == Channel("trapezoid", 6.0, 2.0, 0.035, 0.002)
    assert r.slope_m_per_m == 0.002
    assert r.cross_section_m2(3.0) == pytest.approx(float(r.channel.area(3.0)))


def test_set_reaches_the_channel_keys(tiny_channel):
    base = east(Basin.load(tiny_channel))
    b = Basin.load(tiny_channel, ["reaches.east.channel.manning_n=0.05",
                                  "reaches.east.channel.bottom_width_m=9",
                                  "reaches.east.slope_m_per_m=0.004"])
    r = east(b)
    assert (r.channel.manning_n, r.channel.bottom_width_m, r.channel.slope_m_per_m) == (0.05, 9.0, 0.004)
    assert r.cross_section_m2(3.0) != base.cross_section_m2(3.0)
    # a rougher channel is deeper and slower at the same flow
    rough = east(Basin.load(tiny_channel, ["reaches.east.channel.manning_n=0.06"]))
    assert rough.velocity(3.0) < base.velocity(3.0) and rough.cross_section_m2(3.0) > base.cross_section_m2(3.0)
    with pytest.raises(HydroError, match=r"reaches\[2\]\.channel\.manning_m.*did you mean 'manning_n'"):
        Basin.load(tiny_channel, ["reaches.east.channel.manning_m=0.05"])


def replace_east(folder, new):
    path = folder / "basin.toml"
    text = path.read_text()
    path.write_text(text.replace(CHANNEL_EAST, new, 1))
    return folder


@pytest.mark.parametrize(("new", "fragments"), [
    (CHANNEL_EAST + "\nvelocity_coeff = 0.22",
     ["basin.toml", "reaches[2].velocity_coeff", "reach 'east' has a channel", "remove velocity_coeff"]),
    (CHANNEL_EAST.replace("slope_m_per_m = 0.002\n", ""),
     ["reaches[2].slope_m_per_m", "missing", "reach 'east' has a channel", "add slope_m_per_m"]),
    (CHANNEL_EAST.replace(", manning_n = 0.035", ""), ["reaches[2].channel.manning_n", "missing"]),
    (CHANNEL_EAST.replace('"trapezoid"', '"trapezoidal"'),
     ["reaches[2].channel.shape", "reach 'east'", "did you mean 'trapezoid'"]),
    (CHANNEL_EAST.replace('"trapezoid"', '"rectangle"'),
     ["reaches[2].channel.side_slope", "vertical banks", 'shape = "trapezoid"']),
    (CHANNEL_EAST.replace("bottom_width_m = 6.0", "bottom_width_m = 0.0").replace("side_slope = 2.0", "side_slope = 0"),
     ["reaches[2].channel.side_slope", "triangle"]),
    (CHANNEL_EAST.replace("manning_n = 0.035", "manning_n = -0.03"),
     ["reaches[2].channel.manning_n", "positive"]),
    (CHANNEL_EAST.replace("side_slope = 2.0", "side_slope = 2.0, roughness = 1"),
     ["reaches[2].channel.roughness", "unknown key"]),
    (CHANNEL_EAST.replace('channel = { shape = "trapezoid", bottom_width_m = 6.0, side_slope = 2.0, '
                          'manning_n = 0.035 }', "channel = 3"), ["reaches[2].channel", "expected a table"]),
    ("velocity_coeff = 0.22\nwidth_coeff = 5.0\ndispersion_m2_s = 15.0",
     ["reaches[2].velocity_exp", "missing", "reach 'east' gives velocity_coeff, width_coeff",
      "needs all of velocity_coeff, velocity_exp, width_coeff, width_exp"]),
    ("dispersion_m2_s = 15.0",
     ["reaches[2].channel", "missing", "reach 'east' needs its hydraulic geometry", 'shape = "trapezoid"',
      "velocity_coeff, velocity_exp, width_coeff, width_exp"]),
])
def test_channel_mistakes_in_the_basin_file_are_clear(tiny_channel, new, fragments):
    folder = replace_east(tiny_channel, new)
    with pytest.raises(HydroError) as err:
        Basin.load(folder)
    for f in fragments:
        assert f in str(err.value), f"{f!r} not in {err.value}"
    # and on the command line: exit status 2 without a traceback
    result = CliRunner().invoke(main, ["run", str(folder), "-o", str(folder / "x.nc")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert fragments[0] in result.output


def test_hydro_run_end_to_end_with_a_channel_reach(tiny_channel):
    out = tiny_channel / "ch.nc"
    result = CliRunner().invoke(main, ["run", str(tiny_channel), "-o", str(out), "--end", "2020-03-31"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    rougher = tiny_channel / "rough.nc"
    result = CliRunner().invoke(main, ["run", str(tiny_channel), "-o", str(rougher), "--end", "2020-03-31",
                                       "--set", "reaches.east.channel.manning_n=0.06"])
    assert result.exit_code == 0, result.output


WS_LAW = ("slope_m_per_m = 0.002\nvelocity_coeff = 0.28\nvelocity_exp = 0.33\nwidth_coeff = 8.0\n"
          "width_exp = 0.45")
WS_CHANNEL = ('slope_m_per_m = 0.002\nchannel = { shape = "trapezoid", bottom_width_m = 10.0, '
              'side_slope = 1.5, manning_n = 0.04 }')


def test_watershed_routes_a_channel_reach_end_to_end(tmp_path):
    """Muskingum-Cunge routing through a channel reach inside ``hydro run`` (one year)."""
    dest = tmp_path / "ws"
    shutil.copytree(WATERSHED, dest)
    text = (dest / "basin.toml").read_text()
    assert WS_LAW in text
    (dest / "basin.toml").write_text(text.replace(WS_LAW, WS_CHANNEL, 1))
    assert east_channel(dest) is not None
    out = tmp_path / "ws.nc"
    result = CliRunner().invoke(main, ["run", str(dest), "-o", str(out), "--end", "2001-12-31"])
    assert result.exit_code == 0, result.output


def east_channel(folder):
    return Basin.load(folder).network.reaches[1].channel
