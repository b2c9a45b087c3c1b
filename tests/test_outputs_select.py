"""Outputs the user asks for: variables, locations, monthly/yearly means, float32, chunked
zlib compression, a basin file's [output] table, and memory bounded by a block.

Tolerances: a monthly mean written in 64 bits equals the sum of the days over their count
to round-off of a sum of ~31 terms (1e-12 relative); in 32 bits to the float32 rounding of
the stored value (2^-23 ≈ 1.2e-7, so 5e-7 relative); budgets stay 64-bit and close in the
file as in memory (1e-12 relative).
"""

from __future__ import annotations

import shutil
import tracemalloc
from datetime import date, timedelta

import numpy as np
import pytest
from cli_invoke import invoke

from hydro.basin import ROOT, Basin
from hydro.errors import HydroError
from hydro.outputspec import OutputSpec, reduce
from hydro.results import Results, load_results
from hydro.run_summary import budget_closure
from hydro.simulation import run

TINY = ROOT / "configs" / "examples" / "tiny"
START, END = date(2020, 1, 15), date(2021, 3, 10)  # partial first and last months


@pytest.fixture(scope="module")
def tiny():
    return run(Basin.load("tiny"), START, END)


def month_sums(res, name):
    """(first day, days, sum over the days) of each calendar month of the run."""
    out = {}
    for k, d in enumerate(res.dates):
        key = (d.year, d.month)
        first, n, total = out.get(key, (d, 0, 0.0))
        out[key] = (first, n + 1, total + res[name][k])
    return list(out.values())


@pytest.mark.parametrize("float32, rtol", [(False, 1e-12), (True, 5e-7)])
def test_monthly_mean_of_a_load_is_its_sum_over_the_days(tiny, tmp_path, float32, rtol):
    xr = pytest.importorskip("xarray")
    out = tiny.to_netcdf(tmp_path / "m.nc", spec=OutputSpec(aggregate="monthly", float32=float32))
    with xr.open_dataset(out) as ds:
        months = month_sums(tiny, "section_tn_load")
        assert ds.sizes["time"] == len(months) == 15
        assert ds["section_tn_load"].dtype == (np.float32 if float32 else np.float64)
        for k, (first, days, total) in enumerate(months):
            np.testing.assert_allclose(ds["section_tn_load"].values[k], total / days, rtol=rtol)
            assert ds["time"].values[k] == np.datetime64(first, "ns")
            lo, hi = ds["time_bnds"].values[k]
            assert (hi - lo) / np.timedelta64(1, "D") == days  # bounds: the simulated days
        # the mass of the run: mean x days, summed over the months
        days = (ds["time_bnds"][:, 1] - ds["time_bnds"][:, 0]) / np.timedelta64(1, "D")
        np.testing.assert_allclose((ds["section_tn_load"] * days).sum("time").values,
                                   tiny["section_tn_load"].sum(axis=0), rtol=rtol)
        # CF-1.8: bounds on time, cell_methods on every averaged variable, not on budgets
        assert ds["time"].attrs["bounds"] == "time_bnds"
        assert ds["section_tn_concentration"].attrs["cell_methods"] == "time: mean"
        assert "cell_methods" not in ds["tn_budget_reach"].attrs
        assert ds.attrs["time_aggregation"] == "monthly" and ds.attrs["Conventions"] == "CF-1.8, ACDD-1.3"
        # the same as xarray's own monthly means of the daily results
        daily = tiny.to_xarray()["section_tn_load"].resample(time="MS").mean()
        np.testing.assert_allclose(ds["section_tn_load"].values, daily.values, rtol=rtol)


def test_yearly_and_in_memory_reduction_agree_with_the_file(tiny, tmp_path):
    spec = OutputSpec(aggregate="yearly", variables=("tn_load", "discharge", "tn_budget_reach"))
    small = reduce(tiny, spec)
    assert small.dates == [date(2020, 1, 15), date(2021, 1, 1)]
    assert small.time_bounds[1] == [date(2021, 1, 1), END + timedelta(days=1)]
    back = load_results(tiny.to_netcdf(tmp_path / "y.nc", spec=spec))
    assert sorted(back.data) == ["discharge", "tn_budget_reach", "tn_load"]
    np.testing.assert_allclose(back["tn_load"], small["tn_load"], rtol=1e-12)
    assert back.time_bounds == small.time_bounds
    np.testing.assert_array_equal(back.days_per_step(), [352, 69])
    np.testing.assert_allclose((back["tn_load"] * back.days_per_step()[:, None]).sum(axis=0),
                               tiny["tn_load"].sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(small["tn_load"][0], tiny["tn_load"][:352].mean(axis=0), rtol=1e-12)


def test_float32_keeps_budgets_and_storage_64_bit_and_closing(tiny, tmp_path):
    import netCDF4

    out = tiny.to_netcdf(tmp_path / "f.nc", spec=OutputSpec(float32=True))
    with netCDF4.Dataset(out) as nc:
        for name in ("tn_concentration", "section_tn_load", "discharge", "reservoir_tn_concentration"):
            assert nc[name].dtype == np.float32, name
        for name in ("tn_budget_reach", "tn_budget_reservoir", "reservoir_storage"):
            assert nc[name].dtype == np.float64, name
        assert nc["transport_substeps"].dtype == np.int32
    back = load_results(out)
    assert budget_closure(back, "tn") < 1e-12
    assert budget_closure(back, "tn") == budget_closure(tiny, "tn")
    np.testing.assert_allclose(back["tn_concentration"], tiny["tn_concentration"], rtol=2 ** -23)


def test_chunked_and_compressed_by_default(tiny, tmp_path):
    import netCDF4

    packed = tiny.to_netcdf(tmp_path / "c.nc")
    plain = tiny.to_netcdf(tmp_path / "u.nc", compress=0)
    with netCDF4.Dataset(packed) as nc:
        # zlib is kept only where it pays (hydro.netcdf_chunks.worth_compressing, at most 4/5 of
        # the bytes kept): discharge keeps about 0.22 of them, far from that bound, whereas
        # tiny's concentrations keep 0.75-0.77 and would make this test hang on a borderline
        var = nc["discharge"]
        assert var.filters()["zlib"] and var.filters()["shuffle"]
        chunks = nc["tn_concentration"].chunking()
        assert chunks != "contiguous" and chunks[1] == var.shape[1]  # every reach of a day together
    with netCDF4.Dataset(plain) as nc:
        assert not nc["discharge"].filters()["zlib"]
    assert packed.stat().st_size < plain.stat().st_size  # small file: mostly metadata
    np.testing.assert_array_equal(load_results(packed)["tn_load"], load_results(plain)["tn_load"])


def test_sources_are_chunked_one_at_a_time_with_a_row_of_chunks_within_1_mb():
    """One source per chunk (they compress smaller and faster apart); the days per chunk keep
    a row of chunks (every source) within CHUNK_BYTES, as one chunk of every source did, and
    each chunk within CHUNK_MAX_BYTES (zlib is faster on pieces of 32 KiB: netcdf_chunks)."""
    from hydro.netcdf_chunks import CHUNK_BYTES, CHUNK_MAX_BYTES
    from hydro.netcdf_chunks import chunk_sizes as _chunks

    dims = ("member", "time", "reach", "source")
    chunks = _chunks((4, 6269, 17, 8), dims, 4)
    assert chunks[0] == 1 and chunks[2:] == [17, 1]
    assert chunks[1] * 17 * 8 * 4 <= CHUNK_BYTES
    assert chunks[1] * 17 * 4 <= CHUNK_MAX_BYTES < (chunks[1] + 1) * 17 * 4
    assert _chunks((6269, 17), ("time", "reach"), 8) == [CHUNK_MAX_BYTES // (17 * 8), 17]


def test_large_networks_are_chunked_by_groups_of_elements():
    """An element dimension is cut at ELEMENT_CHUNK, and the days fill a row of chunks of that
    width: one reach's series of a 10,000-reach file reads a few chunks, not the whole variable
    (with every reach in a chunk, 13 days a chunk)."""
    from hydro.netcdf_chunks import CHUNK_MAX_BYTES, ELEMENT_CHUNK
    from hydro.netcdf_chunks import chunk_sizes as _chunks

    time_days, reaches = _chunks((1826, 10_000), ("time", "reach"), 8)
    assert reaches == ELEMENT_CHUNK
    assert time_days * ELEMENT_CHUNK * 8 <= CHUNK_MAX_BYTES < (time_days + 1) * ELEMENT_CHUNK * 8
    # one reach's 5 years decompress the chunks of its group of reaches: a twentieth of the variable
    assert -(-1826 // time_days) * time_days * ELEMENT_CHUNK * 8 <= 1826 * 10_000 * 8 / 19
    assert _chunks((1826, 20_000, 6), ("time", "subbasin", "source"), 4)[1:] == [ELEMENT_CHUNK, 1]
    assert _chunks((1826, ELEMENT_CHUNK), ("time", "reach"), 8)[1] == ELEMENT_CHUNK  # at the cap: whole


@pytest.mark.parametrize("aggregate", ["daily", "monthly", "yearly"])
def test_blocks_are_whole_periods_within_the_budget(tiny, aggregate):
    """Every block of a variable holds whole periods, at most ``max_elements`` values unless
    one period alone exceeds it, and the blocks follow each other."""
    from hydro.outputspec import blocks, periods

    starts = periods(tiny.dates, aggregate)[0]
    per_day = len(tiny.coords["reach"])
    for budget in (1, per_day * 3, per_day * 40, 1 << 20):
        parts = list(blocks(tiny, "tn_load", OutputSpec(aggregate=aggregate), {}, starts, max_elements=budget))
        assert [p.start for p, _ in parts] == [0] + [p.stop for p, _ in parts[:-1]]
        assert parts[-1][0].stop == len(starts)
        ends = list(starts[1:]) + [len(tiny.dates)]
        for out, _ in parts:
            days = ends[out.stop - 1] - starts[out.start]
            assert out.stop - out.start == 1 or days * per_day <= budget
            if out.stop < len(starts):  # one more period would not have fitted
                assert (ends[out.stop] - starts[out.start]) * per_day > budget


def test_zstd_codec_writes_the_same_values_and_xarray_reads_them(tiny, tmp_path):
    """``codec = "zstd"`` changes the filter only: the same values, chunks and dtypes as zlib."""
    import netCDF4

    if not getattr(netCDF4, "__has_zstandard_support__", False):
        pytest.skip("this netCDF library has no Zstandard filter")
    xr = pytest.importorskip("xarray")
    packed = tiny.to_netcdf(tmp_path / "z.nc", spec=OutputSpec(codec="zstd"))
    plain = tiny.to_netcdf(tmp_path / "d.nc")
    with netCDF4.Dataset(packed) as z, netCDF4.Dataset(plain) as d:
        assert z["tn_load"].filters()["zstd"] and not z["tn_load"].filters()["zlib"]
        assert d["tn_load"].filters()["zlib"] and not d["tn_load"].filters()["zstd"]
        assert z["tn_load"].chunking() == d["tn_load"].chunking()
    a, b = load_results(packed), load_results(plain)
    for name in b.data:
        assert a[name].dtype == b[name].dtype
        np.testing.assert_array_equal(a[name], b[name])
    with xr.open_dataset(packed) as ds:
        np.testing.assert_array_equal(ds["tn_load"].values, b["tn_load"])
    r = invoke("run", "tiny", "-o", tmp_path / "c.nc", "-q", "--codec", "zstd")
    assert r.exit_code == 0, r.output
    with netCDF4.Dataset(tmp_path / "c.nc") as nc:
        assert nc["tn_load"].filters()["zstd"]


def test_codec_from_the_output_table_and_bad_values():
    assert OutputSpec.from_table({"codec": "zstd"}).codec == "zstd"
    assert OutputSpec.from_options(codec="zlib", base=OutputSpec(codec="zstd")).codec == "zlib"
    with pytest.raises(HydroError, match="codec: expected one of zlib, zstd, got 'lz4'"):
        OutputSpec.from_table({"codec": "lz4"}, "basin.toml: [output]")


def test_locations_and_variables_cut_the_file(tiny, tmp_path):
    spec = OutputSpec(variables=("section_tn_concentration", "tn_load", "tn_budget_reach"),
                      locations=("border", "east"))
    back = load_results(tiny.to_netcdf(tmp_path / "s.nc", spec=spec))
    assert back.coords["section"] == ["border"]
    assert back.coords["reach"] == ["east"]
    k = tiny.coords["section"].index("border")
    np.testing.assert_array_equal(back["section_tn_concentration"][:, 0], tiny["section_tn_concentration"][:, k])
    assert back["tn_budget_reach"].shape[1] == 1 and budget_closure(back, "tn") < 1e-12
    with pytest.raises(HydroError, match="did you mean 'tn_load'"):
        tiny.to_netcdf(tmp_path / "x.nc", spec=OutputSpec(variables=("tn_laod",)))
    with pytest.raises(HydroError, match="no reach, section"):
        tiny.to_netcdf(tmp_path / "x.nc", spec=OutputSpec(locations=("nowhere",)))
    assert not (tmp_path / "x.nc").exists()


def test_writing_makes_no_full_resolution_copy(tmp_path):
    """A 47 MB variable written as float32 daily, or as monthly means: the writer's peak
    allocation stays a block (~8 MB), far below a full copy."""
    days = [date(2000, 1, 1) + timedelta(days=k) for k in range(3650)]
    res = Results(coords={"time": days, "reach": [f"r{i}" for i in range(200)], "section": ["s"],
                          "source": [f"t{i}" for i in range(8)]},
                  attrs={"source": "hydro test"}, constituents={"tn": "total nitrogen"})
    res.add("reach_tn_source_load", np.random.default_rng(1).random((3650, 200, 8)))
    size = res["reach_tn_source_load"].nbytes
    for spec, share in ((OutputSpec(float32=True), 0.35), (OutputSpec(aggregate="monthly", float32=True), 0.35)):
        tracemalloc.start()
        res.to_netcdf(tmp_path / "big.nc", overwrite=True, spec=spec)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < share * size, (spec.aggregate, peak / size)


def test_cli_options_and_the_basin_files_output_table(tmp_path):
    xr = pytest.importorskip("xarray")
    out = tmp_path / "m.nc"
    r = invoke("run", "tiny", "-o", out, "--aggregate", "monthly", "--locations", "border",
               "--variables", "section_tn_load,section_discharge", "--variables", "section_tn_concentration")
    assert r.exit_code == 0, r.output
    r = invoke("run", "tiny", "-o", tmp_path / "f.nc", "-q", "--float32")
    assert r.exit_code == 0, r.output
    with xr.open_dataset(tmp_path / "f.nc") as ds:
        assert ds["section_tn_load"].dtype == np.float32 and ds["tn_budget_reach"].dtype == np.float64
    assert r.exit_code == 0, r.output
    with xr.open_dataset(out) as ds:
        assert sorted(ds.data_vars) == ["section_discharge", "section_tn_concentration", "section_tn_load",
                                        "time_bnds"]
        assert list(ds["section"].values) == ["border"] and ds.sizes["time"] == 24
        assert ds["section_tn_load"].dtype == np.float64  # hydro run: 64-bit unless asked
    r = invoke("run", "tiny", "-o", tmp_path / "x.nc", "--variables", "tn_lod")
    assert r.exit_code == 2 and "did you mean 'tn_load'" in r.output and not (tmp_path / "x.nc").exists()
    # the [output] table of the basin file, and the command line over it
    basin = tmp_path / "tiny"
    shutil.copytree(TINY, basin)
    text = (basin / "basin.toml").read_text()
    (basin / "basin.toml").write_text(text + '\n[output]\naggregate = "yearly"\nfloat32 = true\n'
                                      'variables = ["section_tn_load", "tn_budget_reach"]\n')
    assert invoke("run", basin, "-o", tmp_path / "y.nc", "-q").exit_code == 0
    with xr.open_dataset(tmp_path / "y.nc") as ds:
        assert ds.sizes["time"] == 2 and ds["section_tn_load"].dtype == np.float32
    assert invoke("run", basin, "-o", tmp_path / "d.nc", "-q", "--aggregate", "daily").exit_code == 0
    with xr.open_dataset(tmp_path / "d.nc") as ds:
        assert ds.sizes["time"] == 731 and "time_bnds" not in ds
    (basin / "basin.toml").write_text(text + '\n[output]\naggregate = "weekly"\n')
    r = invoke("run", basin, "-o", tmp_path / "z.nc")
    assert r.exit_code == 2 and "[output]" in r.output and "weekly" in r.output


def test_the_names_suggested_are_the_names_accepted():
    # check_request listed the names itself ({name.format(c=c)} over every declaration) beside
    # the resolution variable() makes; both now come from hydro.variables
    from hydro.variables import variable, variable_names

    constituents = {"tn": "total nitrogen", "tp": "total phosphorus"}
    names = variable_names(constituents)
    assert "section_tn_concentration" in names and "section_tp_load" in names and "discharge" in names
    assert not [n for n in names if "{c}" in n]
    for name in names:
        variable(name, constituents)  # each suggested name is accepted
    assert "section_tn_concentration" not in variable_names()

def test_unknown_variables_and_locations_stop_before_the_run(tmp_path, monkeypatch):
    # they were refused only once the whole run was done
    import hydro.simulation

    def no_run(*args, **kwargs):
        raise AssertionError("the run started")

    monkeypatch.setattr(hydro.simulation, "run", no_run)
    r = invoke("run", "tiny", "-o", tmp_path / "x.nc", "--variables", "section_tn_concentraton")
    assert r.exit_code == 2, r.output
    assert "no output variable 'section_tn_concentraton' (did you mean 'section_tn_concentration'?)" in r.output
    r = invoke("run", "tiny", "-o", tmp_path / "x.nc", "--locations", "bordr")
    assert r.exit_code == 2 and "'bordr'" in r.output and "did you mean 'border'" in r.output, r.output
    assert not (tmp_path / "x.nc").exists()


def test_species_variables_are_accepted_before_the_run():
    # section_nh3n_concentration is in every Miyun file (TN's species), but --variables refused it
    # ("did you mean 'section_tn_concentration'?"): the check knew the constituents, not their species
    from hydro.outputspec import OutputSpec, check_request

    basin = Basin.load("miyun")
    check_request(basin, OutputSpec(variables=("section_nh3n_concentration", "reservoir_pp_concentration",
                                               "nh3n_source_load")))
    with pytest.raises(HydroError, match="no output variable 'section_nh4n_concentration'"):
        check_request(basin, OutputSpec(variables=("section_nh4n_concentration",)))


def test_info_and_report_read_an_aggregated_file(tmp_path):
    out = tmp_path / "m.nc"
    assert invoke("run", "tiny", "-o", out, "-q", "--aggregate", "monthly").exit_code == 0
    r = invoke("info", out)
    assert r.exit_code == 0 and "time_aggregation: monthly" in r.output, r.output
    r = invoke("report", out, "-o", tmp_path / "r.html")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "r.html").stat().st_size > 1000


def test_default_precision_keeps_totals_64_bit_and_sources_32_bit(tmp_path):
    """By default only the daily apportionment by source is 32-bit: totals and budgets read
    from the file exactly as in memory, and the sources still add up to their total to
    float32 rounding (5e-7 relative, module docstring) of each stored part."""
    res = run(Basin.load("watershed"), date(2001, 1, 1), date(2001, 3, 31))
    out = res.to_netcdf(tmp_path / "d.nc")
    back = load_results(out)
    import netCDF4

    with netCDF4.Dataset(out) as nc:
        assert nc["tn_source_load"].dtype == np.float32
        assert nc["section_tn_load"].dtype == np.float64 and nc["tn_budget_reach"].dtype == np.float64
    np.testing.assert_array_equal(back["section_tn_load"], res["section_tn_load"])
    total = np.asarray(res["section_tn_load"])
    parts = np.asarray(back["tn_source_load"], dtype=float).sum(axis=-1)
    np.testing.assert_allclose(parts, total, rtol=5e-7 * 8, atol=1e-12)  # up to 8 parts rounded
    full = load_results(res.to_netcdf(tmp_path / "f.nc", spec=OutputSpec(float32=False)))
    np.testing.assert_array_equal(full["tn_source_load"], res["tn_source_load"])
