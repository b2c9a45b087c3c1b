"""A user of an installed wheel, outside the repository (packaging review, 2026-12-05).

F1/F2: the docs, `hydro --help` and the shipped files' own comments name shipped files as
`configs/...` (`hydro run configs/examples/tiny`), which exist beside the current folder only in
a checkout: such a path not found from here reads hydro's shipped copy, saying so
(hydro.resources.shipped_copy).  F5: a Sobol calibration without SALib wrote its output folder
before it failed, and the retry after installing SALib was refused.  The tests run from an empty
folder, as an installed user does."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

from cli_invoke import invoke

from hydro import resources
from hydro.clitools import shipped_or_given

AGREEMENT = "configs/agreements/miyun_chaobai_phase2_2022.toml"


def test_the_help_examples_run_from_any_folder(tmp_path, monkeypatch):
    """`hydro run configs/examples/tiny` (the help's first example) resolves outside the checkout."""
    basins = re.findall(r"^\s*hydro run (\S+)", invoke("--help").output, flags=re.M)
    assert basins == ["configs/examples/tiny"]
    monkeypatch.chdir(tmp_path)
    assert shipped_or_given(None, None, basins[0]) == str(resources.examples_dir() / "tiny")


def test_a_shipped_agreement_named_as_the_docs_name_it_is_read_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("info", AGREEMENT)
    assert result.exit_code == 0, result.output
    assert f"note: {AGREEMENT} is not in this folder; reading hydro's shipped {AGREEMENT}" in result.output
    assert "Miyun - Chaobai River" in result.output


def test_a_file_of_ones_own_wins_over_the_shipped_copy(tmp_path, monkeypatch):
    """The user's own configs/... (here: a copy with another name) is the one read, without a note."""
    own = tmp_path / AGREEMENT
    own.parent.mkdir(parents=True)
    own.write_text((resources.data_root() / AGREEMENT).read_text().replace(
        'name = "Miyun - Chaobai', 'name = "My copy of Miyun - Chaobai', 1))
    monkeypatch.chdir(tmp_path)
    result = invoke("info", AGREEMENT)
    assert result.exit_code == 0, result.output
    assert "shipped" not in result.output and "My copy of" in result.output


def test_paths_outside_the_shipped_folders_are_left_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for given in ("miyun", "basins", "configs", "mine/agreement.toml", str(tmp_path / "configs" / "x.toml"),
                  "configs/none.toml"):
        assert shipped_or_given(None, None, given) == given


HIDE_SALIB = textwrap.dedent("""
    import sys
    sys.modules['SALib'] = None  # import SALib -> ImportError, as without the extra
    from hydro.cli import main
    sys.argv = ['hydro', *sys.argv[1:]]
    main()
""")


def test_a_sensitivity_run_without_salib_leaves_no_output_folder(tmp_path):
    text = (resources.configs_dir("calibration") / "leguer.toml").read_text()
    catchment = resources.validation_dir("calibration") / "leguer" / "catchment.toml"
    text = text.replace('"../../validation/calibration/leguer/catchment.toml"', f'"{catchment}"')
    config = tmp_path / "leguer_sobol.toml"
    config.write_text(text.split("[method]")[0] + '[method]\nname = "sobol"\nseed = 1\nsamples = 8\n')
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", HIDE_SALIB, "calibrate", str(config), "-o", str(out)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 2, done.stderr
    assert "hydro-tn[calibration]" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not out.exists() or not any(out.iterdir()), sorted(p.name for p in out.iterdir())
