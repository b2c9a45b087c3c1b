"""hydro's readers open a results file from its bytes, so a handle the user holds on the same file
(``xarray.open_dataset``, lazy) survives them.  With netCDF4 1.7.5 (netCDF-C/HDF5 share one file
object per path), ``xr.open_dataset(f)`` then ``hydro.plotting.plot(f, "classes", ...)``, which
opens the file three times, killed the interpreter (SIGSEGV) at the next read or open: found in
review, 2026-12-04.  The check runs in a child process, so that a crash fails the test, not the run."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import hydro


def test_a_results_file_held_open_in_xarray_survives_hydros_readers(tmp_path):
    path = tmp_path / "r.nc"
    hydro.Model.from_basin("watershed").run_results("2004-01-01", "2004-02-29").to_netcdf(path)
    script = textwrap.dedent(f"""
        import xarray as xr, hydro
        from hydro.plotting import plot
        ds = xr.open_dataset({str(path)!r})
        for k in range(3):
            plot({str(path)!r}, "classes", {str(tmp_path / "c.png")!r}, overwrite=True)
            hydro.open_results({str(path)!r})
            float(ds["section_tn_concentration"].mean()), list(ds["reservoir"].values)
        print("survived")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "survived" in done.stdout, (done.returncode, done.stderr[-2000:])
