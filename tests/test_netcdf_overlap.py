"""``hydro run`` writes what a watershed run knows before its transport while the transport runs
(:class:`hydro.netcdf_overlap.OverlappedWrite`), and each constituent's transport variables as its lane
ends: the file is the same with the writer thread or without it, and whatever order the groups' variables
come in, in every byte of every variable and attribute and in their order, and holds what
:func:`hydro.netcdf.write_results` writes of the same results but for the variables' order; an error of the
writer or of the run leaves no file, a disk's refusal said in one line."""

from __future__ import annotations

import errno
import threading

import numpy as np
import pytest

from hydro.aux_coordinates import is_aux_coordinate


@pytest.fixture(scope="module")
def basin(tmp_path_factory):
    from hydro.validation.problems import synthetic_watershed

    return synthetic_watershed(tmp_path_factory.mktemp("overlap"), n_subbasin=6, n_reservoir=1, years=2)


def _overlapped(basin, path, threaded: bool, spec):
    """Run ``basin`` and write it through :class:`OverlappedWrite`; the whole results, and whether the
    first part was given to the writer (its thread started, if threaded) before the transport."""
    import hydro.pipeline_steps as steps
    from hydro.basin import Basin
    from hydro.netcdf_overlap import OverlappedWrite
    from hydro.simulation import run

    seen = {}
    transport = steps.transport

    def watched(*args, **kwargs):
        seen["first part given"] = writer._writer is not None and (not threaded or writer._thread is not None)
        return transport(*args, **kwargs)

    def water(early):
        seen["early"], seen["parts"] = set(early.data), {}
        part = writer.water(early)

        def each(rank, results):  # a group's variables, as its lane of the transport ends
            seen["parts"][rank] = set(results.data)
            part(rank, results)
        return each

    steps.transport = watched
    try:
        with OverlappedWrite(path, False, spec, threaded=threaded) as writer:
            results = run(Basin.load(basin), on_water=water)
            writer.finish(results)
    finally:
        steps.transport = transport
    return results, seen


def _described(path) -> dict:
    """Everything a netCDF file holds: dimensions, global attributes and variables, each in its order;
    per variable its dimensions, dtype, chunks, filters, attributes and values (bytes: NaN and sign kept)."""
    import netCDF4

    with netCDF4.Dataset(path) as nc:
        nc.set_auto_mask(False)
        out = {"dims": [(k, len(v)) for k, v in nc.dimensions.items()],
               "attrs": [(k, nc.getncattr(k)) for k in nc.ncattrs() if k not in ("history", "date_created")]}
        for name, var in nc.variables.items():
            values = var[...]
            values = [str(v) for v in values] if var.dtype is str else np.ascontiguousarray(values).tobytes()
            out[f"var {name}"] = (var.dimensions, str(var.dtype), var.chunking(), var.filters(),
                                  [(k, str(var.getncattr(k))) for k in var.ncattrs()], values)
    return out


def _unordered(described: dict) -> dict:
    return {k: sorted(v) if k in ("dims", "attrs") else v for k, v in described.items()}


@pytest.mark.parametrize("options", [{}, {"aggregate": "monthly", "locations": ("r1", "r3", "res0")},
                                     {"variables": ("tn_load", "discharge", "subbasin_runoff"), "float32": True}])
def test_the_file_is_the_same_with_the_writer_thread_or_without(basin, tmp_path, options):
    from hydro.netcdf import write_results
    from hydro.outputspec import OutputSpec

    spec = OutputSpec(**options)
    results, seen = _overlapped(basin, tmp_path / "threaded.nc", True, spec)
    assert seen["first part given"] and "discharge" in seen["early"] and "tn_load" not in seen["early"]
    _, seen_inline = _overlapped(basin, tmp_path / "inline.nc", False, spec)
    assert seen_inline == seen
    write_results(results, tmp_path / "one.nc", spec=spec)
    threaded, inline, one = (_described(tmp_path / n) for n in ("threaded.nc", "inline.nc", "one.nc"))
    assert list(threaded) == list(inline) and threaded == inline  # every byte, and the order
    assert _unordered(threaded) == _unordered(one) and set(threaded) == set(one)
    dims = dict(threaded["dims"])
    written = [k[4:] for k in threaded if k.startswith("var ") and k[4:] not in dims and k != "var time_bnds"
               and not is_aux_coordinate(k[4:], threaded[k][0])]  # (coordinates: with their dimension's)
    parts = [seen["early"]] + [seen["parts"][rank] for rank in sorted(seen["parts"])]
    assert seen["parts"] and all(parts)  # the transport's groups given as they were named
    rest = set(written).difference(*parts)
    assert written == [n for names in parts + [rest] for n in sorted(set(written) & names)]
    assert not list(tmp_path.glob(".*.part"))


def _hydro_run(basin, out):
    from click.testing import CliRunner

    from hydro.cli import main

    return CliRunner().invoke(main, ["run", str(basin), "-o", str(out), "-q"])


def test_a_disk_that_refuses_the_first_part_is_said_in_one_line_and_leaves_no_file(basin, tmp_path, monkeypatch):
    import hydro.netcdf_overlap as overlap

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(overlap, "put", full)
    done = _hydro_run(basin, tmp_path / "out.nc")
    assert done.exit_code != 0
    assert "writing failed (No space left on device" in done.output and "Traceback" not in done.output
    assert not (tmp_path / "out.nc").exists() and not list(tmp_path.glob(".*.part"))
    assert not [t for t in threading.enumerate() if t.name == "hydro-netcdf-writer"]


def test_a_run_that_fails_during_its_transport_stops_the_writer_and_leaves_no_file(basin, tmp_path, monkeypatch):
    import hydro.pipeline_steps as steps
    from hydro.errors import HydroError

    def failing(*args, **kwargs):
        raise HydroError("the transport failed here")

    monkeypatch.setattr(steps, "transport", failing)
    done = _hydro_run(basin, tmp_path / "new.nc")
    assert done.exit_code != 0 and "the transport failed here" in done.output and "Traceback" not in done.output
    assert not (tmp_path / "new.nc").exists() and not list(tmp_path.glob(".*.part"))
    assert not [t for t in threading.enumerate() if t.name == "hydro-netcdf-writer"]


def test_a_file_written_meanwhile_is_not_replaced_without_overwrite(basin, tmp_path, monkeypatch):
    """The name is checked before the run, when the writer opens its temporary file and at the rename,
    as write_results does (which of the last two sees it depends on the writer thread's pace: either
    says that the file exists and how to replace it)."""
    import hydro.pipeline_steps as steps

    transport = steps.transport

    def meanwhile(*args, **kwargs):
        (tmp_path / "out.nc").write_bytes(b"someone else's")
        return transport(*args, **kwargs)

    monkeypatch.setattr(steps, "transport", meanwhile)
    done = _hydro_run(basin, tmp_path / "out.nc")
    assert done.exit_code != 0 and "exists" in done.output and "pass --overwrite" in done.output
    assert "Traceback" not in done.output
    assert (tmp_path / "out.nc").read_bytes() == b"someone else's" and not list(tmp_path.glob(".*.part"))


def test_ctrl_c_during_the_transport_stops_the_writer_and_leaves_no_file(basin, tmp_path, monkeypatch):
    import hydro.pipeline_steps as steps
    from hydro.basin import Basin
    from hydro.netcdf_overlap import OverlappedWrite
    from hydro.outputspec import OutputSpec
    from hydro.simulation import run

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(steps, "transport", interrupted)
    with pytest.raises(KeyboardInterrupt), OverlappedWrite(tmp_path / "out.nc", False, OutputSpec(),
                                                           threaded=True) as writer:
        writer.finish(run(Basin.load(basin), on_water=writer.water))
    assert writer._thread is not None and not writer._thread.is_alive()
    assert not list(tmp_path.iterdir())  # neither the file nor its temporary


def test_the_groups_are_written_in_their_order_whichever_lane_ends_first(tmp_path):
    """Miyun's first two years (three constituents, two lanes): the outputs' variables given in the order
    the run gave them, and given in the opposite order from another thread, make the same file, every
    byte and the variables' order: the first part, then each output's (by rank), then the rest."""
    from dataclasses import replace
    from datetime import date

    from hydro.basin import Basin
    from hydro.netcdf_overlap import OverlappedWrite
    from hydro.outputspec import OutputSpec
    from hydro.pipeline import run_watershed
    from hydro.resources import basins_dir

    kept = {}

    def water(early):  # what the writer's water() keeps of it (the run goes on adding to it)
        kept["early"] = replace(early, coords=dict(early.coords), data=dict(early.data), attrs=dict(early.attrs))
        kept["parts"] = {}
        return kept["parts"].__setitem__  # (rank, results): kept, not written

    b = Basin.load(basins_dir() / "miyun" / "basin.toml")
    results = run_watershed(b, b.settings.start, date(2001, 12, 31), on_water=water)
    ranks = sorted(kept["parts"])
    assert ranks == list(range(8))  # CODMn; TP's species and TP; TN's species and TN

    def written(path, order, threaded):
        with OverlappedWrite(path, False, OutputSpec(), threaded=threaded) as writer:
            part = writer.water(kept["early"])
            giver = threading.Thread(target=lambda: [part(r, kept["parts"][r]) for r in order])
            giver.start()
            giver.join()
            writer.finish(results)
        return _described(path)

    first = written(tmp_path / "a.nc", ranks, True)
    assert written(tmp_path / "b.nc", ranks[::-1], True) == first
    assert list(written(tmp_path / "c.nc", ranks[::-1], False)) == list(first)
    names = [k[4:] for k in first if k.startswith("var ") and k[4:] not in dict(first["dims"])
             and not is_aux_coordinate(k[4:], first[k][0])]
    groups = [set(kept["early"].data)] + [set(kept["parts"][r].data) for r in ranks]
    rest = set(names).difference(*groups)
    assert rest == {"section_discharge", "transport_substeps"}
    assert names == [n for g in groups + [rest] for n in sorted(set(names) & g)]
    assert "codmn_load" in kept["parts"][0].data and "tn_load" in kept["parts"][7].data
