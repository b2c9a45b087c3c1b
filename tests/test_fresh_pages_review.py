"""Fresh pages of a big basin's run (issue 16): arrays the runoff step no longer copies or holds whole.

At 10,000 subbasins x 1 year a [subbasin, day] array is 29 MB, and on a virtual machine a page
touched for the first time costs more than the arithmetic on it (docs/solver.md, *Where a
10,000-reach year's fresh pages go*).  The snow bands' forcing is now carried in blocks of bands
(:data:`hydro.snow.BAND_BLOCK_VALUES`), the runoff step's forcing views the weather's arrays
instead of copying them, and the loads by tag kept for the output are the part's own array where no
tag pads them; these tests check that each gives what it gave before, to the bit, and that the
view cannot be written through.
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro import snow
from hydro.daily_forcing import DailyForcing
from hydro.snow import SnowBands, _band_inputs


def _bands(rng, n_sub):
    methods = ("hydrotel", "usace")
    return [SnowBands(station_elevation_m=float(rng.uniform(200, 1500)),
                      band_elevations_m=tuple(rng.uniform(200, 2500, int(rng.integers(1, 6)))),
                      solid_fraction=methods[int(rng.integers(0, 2))]) for _ in range(n_sub)]


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 18])
def test_band_inputs_in_blocks_are_those_of_all_bands_at_once(monkeypatch, block):
    # the reference: every band at once, the code before the blocks (written out here)
    rng = np.random.default_rng(3)
    n_sub, n_day = 23, 9
    bands = _bands(rng, n_sub)
    p = rng.uniform(0, 30, (n_sub, n_day))
    t = rng.uniform(-15, 15, (n_sub, n_day))
    tmin, tmax = t - rng.uniform(0, 8, t.shape), t + rng.uniform(0, 8, t.shape)
    counts = [b.elevations.size for b in bands]
    owner = np.repeat(np.arange(n_sub), counts)
    pf = np.concatenate([b.precip_factors() for b in bands])
    dt = np.concatenate([b.temp_offsets() for b in bands])
    hot = np.repeat([b.method() == "hydrotel" for b in bands], counts)
    tb = t[owner] + dt[:, None]
    sf = np.where(hot[:, None],
                  snow.solid_fraction_hydrotel(tmin[owner] + dt[:, None], tmax[owner] + dt[:, None]),
                  snow.solid_fraction_usace(tb))
    # blocks of `block` band-days: one band per block when block <= n_day
    monkeypatch.setattr(snow, "BAND_BLOCK_VALUES", block)
    got_owner, weight, pb, got_tb, got_sf = _band_inputs(bands, p, t, tmin, tmax)
    np.testing.assert_array_equal(got_owner, owner)
    assert weight.sum() == pytest.approx(n_sub)  # each subbasin's shares sum to 1
    for got, want in ((pb, p[owner] * pf[:, None]), (got_tb, tb), (got_sf, sf)):
        assert got.tobytes() == want.tobytes()  # the same operations on each value: the same bits
    assert np.unique(hot).size == 2  # both methods met, in one block and apart


def test_daily_forcing_without_copy_views_the_callers_arrays_read_only():
    rng = np.random.default_rng(0)
    dates = np.arange("2015-01-01", "2015-01-11", dtype="datetime64[D]")
    series = [rng.uniform(0, 10, (4, 10)) for _ in range(4)]
    viewed = DailyForcing(dates, *series, copy=False)
    copied = DailyForcing(dates, *series)
    for name, arr in zip(("precip_mm", "tmean_c", "tmin_c", "tmax_c"), series, strict=True):
        assert np.shares_memory(getattr(viewed, name), arr)
        assert not np.shares_memory(getattr(copied, name), arr)
        assert not getattr(viewed, name).flags.writeable  # the forcing cannot write through its view
        assert arr.flags.writeable  # and the caller's array is left as it was
        with pytest.raises(ValueError):
            getattr(viewed, name)[0, 0] = 1.0
    # a series that is not float64 is converted, so copied whatever `copy` says
    ints = DailyForcing(dates, np.ones((4, 10), dtype=np.int64), *series[1:], copy=False)
    assert ints.precip_mm.dtype == np.float64
    # the checks are the same with or without the copy
    with pytest.raises(ValueError, match="last axis"):
        DailyForcing(dates, series[0][:, :5], *series[1:], copy=False)
    # and a forcing cut from a viewing one (a new DailyForcing, copy by default) owns its arrays
    cut = viewed.period(dates[2], dates[5])
    assert not np.shares_memory(cut.precip_mm, series[0])


@pytest.mark.parametrize("extra", [[], ["initial"], ["transfer", "initial"]])
def test_loads_by_tag_are_the_parts_own_array_unless_a_tag_pads_them(extra):
    # the loads by tag kept for subbasin_<part>_source_input: a padded copy only where the run has
    # tags beyond the sources (their columns +0.0), else the part's array itself
    from types import SimpleNamespace

    from hydro.constituents import Constituent
    from hydro.sources import SOURCE_NAMES
    from hydro.tracers import PartLoads, tracer_inputs

    n_day, n_reach, n_src = 5, 4, len(SOURCE_NAMES)
    net = SimpleNamespace(reaches=[None] * n_reach, reservoirs=[], layout=SimpleNamespace(n_cells=n_reach),
                          reach_index=lambda r: r, reservoir_index=lambda s: s)
    subbasins = [SimpleNamespace(reach=r, reservoir=None) for r in (0, 2, 2)]
    rng = np.random.default_rng(4)
    part = PartLoads(name="tn", diffuse=rng.uniform(0, 9, (n_day, 3, n_src)), point=rng.uniform(0, 9, (n_day, 1)),
                     transfer_reservoir=np.zeros((n_day, 0)), transfer_reach=np.zeros((n_day, n_reach)),
                     init_river=0.0, init_reservoir=np.zeros(0))
    tags = [*SOURCE_NAMES, *extra]
    tin = tracer_inputs(net, subbasins, [Constituent("tn", "total nitrogen")], [part], tags, True, n_day, 1)
    by_tag = tin.inputs_by_tag["tn"]
    assert by_tag.shape == (n_day, 3, len(tags))
    assert np.array_equal(by_tag[:, :, :n_src], part.diffuse)
    assert not by_tag[:, :, n_src:].any()
    assert np.shares_memory(by_tag, part.diffuse) == (not extra)
    # the lateral loads are the same either way: each reach's subbasins' loads, but the point sources', in g/s
    want = np.zeros((n_day, n_reach, n_src))
    want[:, 0] += part.diffuse[:, 0]
    want[:, 2] += part.diffuse[:, 1]
    want[:, 2] += part.diffuse[:, 2]
    want[:, :, SOURCE_NAMES.index("point")] = 0.0
    assert np.array_equal(tin.lateral_load[:, :, :n_src], want * (1000.0 / 86400.0))


def _scatter_before(by_subbasin, into, out):
    """``tracers._scatter`` as it was: every subbasin added to what the element holds."""
    for k, i in into:
        out[:, i, :] += by_subbasin[:, k, :]


def test_scatter_gives_the_sums_it_gave_and_writes_fresh_zeros_before_reading_them():
    import resource

    from hydro.cli import _small_pages
    from hydro.tracers import _scatter

    rng = np.random.default_rng(9)
    n_day, n_sub, n_el, n_t = 40, 30, 12, 3
    values = rng.uniform(0, 5, (n_day, n_sub, n_t))
    values[rng.random(values.shape) < 0.2] = -0.0  # a zero's sign: +0.0 + -0.0 is +0.0, as before
    into = [(k, int(i)) for k, i in enumerate(rng.integers(0, n_el - 2, n_sub))]  # several per element, two none
    want, got = np.zeros((n_day, n_el, n_t)), np.zeros((n_day, n_el, n_t))
    _scatter_before(values, into, want)
    _scatter(values, into, got)
    assert got.tobytes() == want.tobytes()
    assert not np.signbit(got).any()

    def faults(scatter):  # page faults of one scatter into fresh zeros of 4 kB pages, one subbasin an element
        big = rng.uniform(0, 5, (100, 2000, 25))
        with _small_pages():
            out = np.zeros((100, 2000, 25))  # 40 MB: above glibc's largest mmap threshold, so fresh pages always
            f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            scatter(big, [(k, k) for k in range(2000)], out)
            return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0

    # before: a read of each fresh page mapped the zero page and the write then copied it (two faults a page)
    before, now = faults(_scatter_before), faults(_scatter)
    assert now < 0.75 * before, (now, before)


def test_cemaneige_outputs_are_the_band_sums_they_were_and_are_written_before_read():
    import resource

    from hydro import _runoff_kernels as K
    from hydro.cli import _small_pages

    rng = np.random.default_rng(12)
    n_day, owner = 400, np.array([2, 0, 0, 1, 2, 2, 0])  # several bands a subbasin, not in order
    n_band, n_sub = owner.size, 3
    weight = rng.uniform(0.1, 1.0, n_band)
    forcing = (rng.uniform(0, 20, (n_band, n_day)), rng.uniform(-15, 15, (n_band, n_day)),
               rng.uniform(0, 1, (n_band, n_day)))
    params = (rng.uniform(0, 0.9, n_band), rng.uniform(1, 5, n_band), rng.uniform(50, 200, n_band))

    def run(own, w, n):
        out = [np.zeros((n, n_day)) for _ in range(5)]
        pack, state = np.full(n_band, 10.0), np.full(n_band, -1.0)
        K.cemaneige_run(*forcing, *params, own, w, pack, state, *out)
        return out

    # each band alone (its own subbasin, weight 1: its value exactly), then summed in band order from +0.0
    alone = run(np.arange(n_band), np.ones(n_band), n_band)
    got = run(owner, weight, n_sub)
    for a, g in zip(alone, got, strict=True):
        want = np.zeros((n_sub, n_day))
        for b in range(n_band):
            want[owner[b]] += weight[b] * a[b]
        assert g.tobytes() == want.tobytes()

    # one band a subbasin, outputs of 34 MB each (above glibc's largest mmap threshold: fresh pages): one
    # page fault a page of the five outputs and little else (adding to the zeros took two)
    n, days = 1000, 4200
    big = [np.full((n, days), 5.0), np.full((n, days), 1.0), np.full((n, days), 0.5)]
    with _small_pages():
        out = [np.zeros((n, days)) for _ in range(5)]
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        K.cemaneige_run(*big, np.zeros(n), np.full(n, 3.0), np.full(n, 100.0), np.arange(n), np.ones(n),
                        np.zeros(n), np.zeros(n), *out)
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
    pages = 5 * out[0].nbytes // 4096
    assert faults < 1.3 * pages, (faults, pages)
