"""hydro as an installed package: a wheel carries the shipped data and works anywhere.

The wheel is built from a copy of the source tree (so parallel runs never share a
``build/`` folder), without build isolation (setuptools >= 77 from the ``test``
extra; with an older setuptools pip builds in isolation, which needs the package
index), installed non-editable into a fresh virtual environment that sees this
interpreter's site-packages for numpy, numba and the rest, and exercised from an
unrelated folder: ``hydro info basins``, ``hydro run miyun`` over one quarter and
the validation cases that read shipped data.  Those are marked ``slow`` (about
30 s of CPU, 50-70 s on a busy machine: mostly Numba compiling the kernels afresh
inside the new environment) and ``.ci/run`` runs them once as a separate step;
the checks on the checkout's packaging configuration run with every ``pytest``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from hydro import resources
from hydro.basin import ROOT, shipped_basins

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
SHIPPED = resources.SHIPPED_FOLDERS
#: What the build copies of the source tree (everything a wheel or sdist is made of).
SOURCE = ("hydro", *SHIPPED, "pyproject.toml", "MANIFEST.in", "README.md")
JUNK = shutil.ignore_patterns("__pycache__", "*.py[cod]", "*.nbi", "*.nbc", "*.egg-info", "build")


def _shipped_files() -> list[str]:
    """The shipped data files, relative to the repository (tracked ones when git knows)."""
    try:
        out = subprocess.run(["git", "ls-files", *SHIPPED], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        out = []
    if not out:
        out = [p.relative_to(REPO).as_posix() for folder in SHIPPED
               for p in (REPO / folder).rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    return sorted(out)


# -- fast checks on the checkout ---------------------------------------------

def test_every_package_is_listed():
    """pyproject's explicit package list names every package folder under hydro/ and
    every folder of shipped data (setuptools builds each as a package)."""
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "hydro").rglob("__init__.py")
             if "__pycache__" not in p.parts}
    data = f"hydro.{resources.PACKAGED_DATA}"
    found |= {".".join((data, *Path(f).parent.parts[:n]))
              for f in _shipped_files() for n in range(1, len(Path(f).parent.parts) + 1)}
    missing = sorted(found - listed)
    assert not missing, (f"add {missing} to [tool.setuptools] packages in pyproject.toml, "
                         "or the wheel will not carry them")
    stale = sorted(n for n in listed - found if n.startswith(data))
    assert not stale, f"{stale} in [tool.setuptools] packages: no such folder of shipped data"


def test_shipped_folders_map_into_the_package():
    mapping = PYPROJECT["tool"]["setuptools"]["package-dir"]
    assert mapping == {f"hydro.{resources.PACKAGED_DATA}.{name}": name for name in SHIPPED}
    assert set(mapping) <= set(PYPROJECT["tool"]["setuptools"]["packages"])


def test_checkout_finds_the_shipped_data_beside_the_package():
    assert resources.data_root() == ROOT == REPO
    assert resources.basins_dir() == REPO / "basins"
    assert resources.configs_dir("agreements") == REPO / "configs" / "agreements"
    assert resources.validation_dir("reference").is_dir()
    assert {"miyun", "guanting", "tiny", "watershed"} <= set(shipped_basins())
    with pytest.raises(ValueError, match="basins, configs, validation"):
        resources.shipped("docs")


# -- the installed wheel -----------------------------------------------------

def _build_backend_ok() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    return int(setuptools.__version__.split(".")[0]) >= 77


def _run(cmd, cwd, env=None, timeout=600) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, (f"{' '.join(map(str, cmd))} failed ({done.returncode}):\n"
                                  f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(wheel, sdist, venv python, venv bin folder, environment, an unrelated folder)."""
    tmp = tmp_path_factory.mktemp("install")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCE:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=JUNK)
        else:
            shutil.copy2(REPO / name, src / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    isolation = ["--no-build-isolation"] if _build_backend_ok() else []
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-w", dist, src], tmp, env)
    (wheel,) = dist.glob("hydro_tn-*.whl")
    sdist = None
    if isolation:   # the sdist through the same backend, in-process in a subprocess
        _run([sys.executable, "-c", "import sys; from setuptools import build_meta as b; "
              "print(b.build_sdist(sys.argv[1]))", dist], src, env)
        (sdist,) = dist.glob("hydro_tn-*.tar.gz")

    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", venv], tmp, env)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    # --ignore-installed: a checkout's editable hydro in the system site-packages
    # must neither satisfy the requirement nor be uninstalled.
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", wheel],
         tmp, env)
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return wheel, sdist, python, bindir, env, elsewhere


@pytest.mark.slow
def test_wheel_carries_the_shipped_data(installed):
    wheel = installed[0]
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    expected = {f"hydro/{resources.PACKAGED_DATA}/{f}" for f in _shipped_files()}
    assert expected <= names, sorted(expected - names)[:20]
    assert "hydro/resources.py" in names and "hydro/cli.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.split("/")[0] in SHIPPED], "shipped folders at top level"


@pytest.mark.slow
def test_sdist_carries_the_shipped_data(installed):
    sdist = installed[1]
    if sdist is None:
        pytest.skip("setuptools < 77 here: the sdist is not built without isolation")
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    assert set(_shipped_files()) <= names, sorted(set(_shipped_files()) - names)[:20]
    assert {"pyproject.toml", "MANIFEST.in", "README.md"} <= names


@pytest.mark.slow
def test_installed_package_runs_from_any_folder(installed):
    _, _, python, bindir, env, elsewhere = installed
    hydro = bindir / ("hydro.exe" if os.name == "nt" else "hydro")
    where = _run([python, "-c", "import hydro, hydro.resources as r; "
                  "print(hydro.__file__); print(r.data_root())"], elsewhere, env).stdout.split()
    venv = python.parent.parent
    assert all(Path(p).is_relative_to(venv) for p in where), where
    assert Path(where[1]).name == resources.PACKAGED_DATA

    listing = _run([hydro, "info", "basins"], elsewhere, env).stdout
    for name in ("miyun", "guanting", "tiny", "watershed"):
        assert name in listing
    assert str(REPO) not in listing

    _run([hydro, "run", "miyun", "-o", "m.nc", "--start", "2014-01-01", "--end", "2014-03-31"],
         elsewhere, env)
    assert (elsewhere / "m.nc").stat().st_size > 0
    assert "miyun" in _run([hydro, "info", "m.nc"], elsewhere, env).stdout.lower()

    # the cases that read shipped data: reference sheets (validation/reference), a
    # calibration config (configs/calibration -> validation/calibration) and the
    # example network (configs/examples); `hydro validate --quick` runs them all
    # in CI from the checkout.
    cases = _run([hydro, "validate", "--quick", "--list"], elsewhere, env).stdout
    shipped_cases = ["gr4j_excel", "cemaneige_excel", "calibration_leguer", "example_budget"]
    assert all(name in cases for name in shipped_cases), cases
    report = _run([hydro, "validate", *shipped_cases], elsewhere, env).stdout
    assert " 0 failed" in report and "passed" in report
    assert sorted(p.name for p in elsewhere.iterdir()) == ["m.nc"]
