"""Every command shown in README.md (the set-up excepted) and in docs/commands/*.md runs as
written, in the order shown, on what ships (issue 15).

What counts as a command: every line of a fenced block tagged ``bash`` (every ``python`` block
too, as a whole; those of the other pages of docs/ run in tests/test_docs_review.py); usage
synopses are in untagged blocks and are not run, nor are
commands in prose or in ``text`` blocks (illustrations that need something that does not
ship, such as a Dask cluster, are kept there and say so).  A line may end in a comment
``# exit N: why``: the command must then end with status N (``hydro validate miyun`` exits 1
by design); every other command must exit 0.  A ``toml`` or ``csv`` block whose first line is
``# NAME.toml`` (or ``.csv``) is a file the page's commands use: it is written first.

README.md runs first, in a temporary folder that links ``configs``, ``basins`` and
``validation`` from the repository; each page of ``docs/commands/`` then runs in a fresh copy
of that folder, so it may use what the quick start wrote (``miyun.nc``, ``scen.nc``,
``ws.nc`` ...) and nothing another page wrote.  All of it takes about two minutes, so it is
marked ``slow`` (``pytest -m slow tests/test_documented_commands.py``); the fast test below
checks on every run that the pages parse and that each file a command reads ships or is
written before it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The pages, in the order their commands run (later pages use files earlier ones wrote).
PAGES = ("README.md", "docs/commands/run.md", "docs/commands/info.md", "docs/commands/validate.md",
         "docs/commands/scenarios.md", "docs/commands/compensate.md", "docs/commands/gep.md", "docs/commands/target.md",
         "docs/commands/plot.md", "docs/commands/report.md", "docs/commands/calibrate.md")

#: Repository folders the commands name by relative path.
LINKED = ("configs", "basins", "validation")

_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[A-Za-z]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S)
_EXIT = re.compile(r"#\s*exits?(?:\s+with)?(?:\s+status)?\s+(\d+)")


def _without_setup(text: str) -> str:
    """README.md without its "## Set-up" section (it installs the package)."""
    return re.sub(r"^## Set-up\n.*?(?=^## )", "", text, flags=re.M | re.S)


def commands(page: str) -> list[tuple[str, str, int]]:
    """(kind, code, expected exit status) of every command of ``page``, in order; kind is
    "bash" (one command line), "python" (a whole block) or "file" (code is "NAME\\nTEXT": a
    file the page's commands read, listed first)."""
    text = (ROOT / page).read_text(encoding="utf-8")
    if page == "README.md":
        text = _without_setup(text)
    out, files = [], []
    for m in _FENCE.finditer(text):
        body = textwrap.dedent(m.group("body"))
        named = re.match(r"#\s*([\w.-]+\.(?:toml|csv))\s*\n", body)
        if m.group("lang") in ("toml", "csv") and named:
            files.append(("file", f"{named.group(1)}\n{body}", 0))
        if m.group("lang") == "python":  # README.md's and the command pages' (report.md's build_report)
            out.append(("python", body, 0))
        if m.group("lang") != "bash":
            continue
        body = body.replace("\\\n", " ")
        for line in body.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            found = _EXIT.search(line)
            out.append(("bash", line, int(found.group(1)) if found else 0))
    return files + out


ALL = [(page, k, kind, code, status) for page in PAGES for k, (kind, code, status) in enumerate(commands(page))]


def _id(item) -> str:
    page, k, kind, code, _ = item
    return f"{Path(page).stem}-{k}-{code.split()[0] if kind == 'bash' else 'python'}"


_FOLDERS: dict[str, Path] = {}


def folder_for(page: str, tmp_path_factory) -> Path:
    """README.md's folder, or a fresh copy of it (hard links) for a page of docs/commands."""
    if page in _FOLDERS:
        return _FOLDERS[page]
    folder = tmp_path_factory.mktemp(Path(page).stem)
    if page == "README.md":
        for name in LINKED:
            (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    else:
        readme = _FOLDERS.get("README.md")
        if readme is None:
            pytest.skip("README.md's commands have not run (run the whole module)")
        shutil.rmtree(folder)
        shutil.copytree(readme, folder, symlinks=True, copy_function=os.link)
    _FOLDERS[page] = folder
    return folder


def _outputs(args: list[str]) -> set[str]:
    """The files a hydro command line writes (-o, --csv, the default names)."""
    out = {args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-o", "--output", "--csv")}
    if len(args) > 2 and args[1] == "run" and not out:
        out = {f"{Path(args[2]).name}.nc"}
    if len(args) > 1 and args[1] == "scenarios":
        from hydro.output_names import summary_name

        out |= {str(summary_name(o)) for o in out}  # X.summary.csv for X.nc, X.nc4.summary.csv for X.nc4
    if ">" in args:
        out.add(args[args.index(">") + 1])
    return out


def test_every_page_has_commands_and_each_reads_what_exists():
    """Fast: the pages parse, and every file a command names (an argument ending in .nc, .toml,
    .csv) is shipped or written (-o, --csv, default outputs) by a command before it."""
    assert {p for p, *_ in ALL} == set(PAGES), "a page lost its examples"
    readme: set[str] = {"miyun.nc"}  # the set-up writes it
    written: dict[str, set[str]] = {}
    for page, _, kind, code, _ in ALL:
        mine = written.setdefault(page, set(readme))
        if kind == "file":
            mine.add(code.split("\n", 1)[0])
        if kind != "bash":
            continue
        for part in re.split(r"&&|;|\|", code.split(" #")[0]):
            args = shlex.split(part)
            if not args or args[0] != "hydro":
                continue
            outputs = _outputs(args)
            reads = [a for a in args[2:] if a.endswith((".nc", ".toml", ".csv")) and a not in outputs]
            for a in reads:
                if "/" in a and a.split("/")[0] in LINKED:
                    assert (ROOT / a).is_file(), f"{page}: `{code}` reads {a}, which does not ship"
                elif a.split("/")[0] not in {o.split("/")[0] for o in mine}:
                    raise AssertionError(f"{page}: `{code}` reads {a}, which neither the quick start nor a "
                                         "command before it on the page writes")
            mine |= outputs
        if page == "README.md":
            readme = mine


#: What each command printed on stdout, for the figures a page quotes from it (below).
_STDOUT: dict[tuple[str, str], str] = {}


@pytest.mark.slow
@pytest.mark.parametrize("item", ALL, ids=[_id(i) for i in ALL])
def test_documented_command_runs(item, tmp_path_factory):
    page, _, kind, code, status = item
    workspace = folder_for(page, tmp_path_factory)
    env = dict(os.environ, MPLBACKEND="Agg", HYDRO_PY=sys.executable)
    if kind == "file":
        name, text = code.split("\n", 1)
        (workspace / name).write_text(text, encoding="utf-8")
        return
    if kind == "python":
        result = subprocess.run([sys.executable, "-c", code], cwd=workspace, env=env, capture_output=True,
                                text=True, timeout=600)
    else:
        shell = 'hydro() { "$HYDRO_PY" -m hydro "$@"; }; python() { "$HYDRO_PY" "$@"; }; ' + code
        result = subprocess.run(["bash", "-c", shell], cwd=workspace, env=env, capture_output=True, text=True,
                                timeout=600)
    assert result.returncode == status, (f"{page}: `{code}` exited {result.returncode}, the page says "
                                         f"{status}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    _STDOUT[(page, code)] = result.stdout


CALIBRATE = "docs/commands/calibrate.md"
LEGUER_RUN = ("hydro run validation/calibration/leguer/catchment.toml --params cal-leguer/best_params.toml "
              "-o leguer.nc --overwrite")


@pytest.mark.slow
def test_the_calibrate_page_quotes_the_scores_its_commands_give():
    """docs/commands/calibrate.md quotes the NSE its `hydro run` prints (every observed day) and the
    calibration's `q:nse` over 1992 (its scores.csv): both as the page rounds them (3 decimals), so
    a change of the calibration or the run that moves either shows here (after the page's commands,
    in this module's order)."""
    folder = _FOLDERS.get(CALIBRATE)
    if folder is None or (CALIBRATE, LEGUER_RUN) not in _STDOUT:
        pytest.skip("the calibrate page's commands have not run (run the whole module)")
    text = re.sub(r"\s+", " ", (ROOT / CALIBRATE).read_text(encoding="utf-8"))
    quoted = re.search(r"warm-up year included \((\d\.\d{3}) on Le Léguer, [0-9-]+\), while the calibration "
                       r"scores its calibration period only \(`q:nse` (\d\.\d{3}) over 1992\)", text)
    assert quoted, f"{CALIBRATE}: the sentence quoting the two NSE changed; update this test to it"
    printed = re.search(r"warm-up included\): (-?\d+\.\d{3})", _STDOUT[(CALIBRATE, LEGUER_RUN)])
    assert printed, _STDOUT[(CALIBRATE, LEGUER_RUN)]
    scores = pd.read_csv(folder / "cal-leguer" / "scores.csv")
    nse = scores[(scores["period"] == "calibration") & (scores["metric"] == "nse")]["value"]
    assert len(nse) == 1, scores
    assert quoted.groups() == (printed.group(1), f"{float(nse.iloc[0]):.3f}"), (
        f"{CALIBRATE} quotes NSE {quoted.group(1)} (run) and {quoted.group(2)} (calibration); the commands give "
        f"{printed.group(1)} and {float(nse.iloc[0]):.3f}: update the sentence and its date")
