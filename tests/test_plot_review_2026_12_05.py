"""Review of ``hydro plot`` for paper figures (2026-12-05): ``--dpi``, reproducible PDF/SVG, one note for
glyphs no font draws. In-memory results (tests/plot_synthetic.py), no model run."""

import warnings

import pytest
from plot_synthetic import results

from hydro.errors import HydroError
from hydro.plotting import plot, plot_trajectory, style

# 4. resolution


def test_dpi_sets_the_pngs_size_and_is_bounded(tmp_path):
    from PIL import Image

    plot(results(days=60), "trajectory", tmp_path / "f.png", locations=["s_a"], dpi=300)
    assert Image.open(tmp_path / "f.png").size[0] == 8 * 300
    for bad in (10, 5000, 300.5, "300"):
        with pytest.raises(HydroError, match="dots per inch from 50 to 1200"):
            plot(results(days=60), "trajectory", tmp_path / "g.png", locations=["s_a"], dpi=bad)
    assert not (tmp_path / "g.png").exists()


def test_hydro_plot_dpi_is_checked_before_anything_is_read(tmp_path):
    from cli_invoke import invoke, user_error

    r = invoke("plot", tmp_path / "absent.nc", "trajectory", "-o", tmp_path / "f.png", "--dpi", 20)
    user_error(r, "dpi 20", "from 50 to 1200")
    assert "absent.nc" not in r.output


# 5. PDF and SVG: the same figure is the same bytes


@pytest.mark.parametrize("suffix", ["svg", "pdf", "png"])
def test_figures_are_the_same_bytes_every_time(tmp_path, monkeypatch, suffix):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    fig = plot_trajectory(results(days=60), ["s_a"])
    style.save(fig, tmp_path / f"a.{suffix}")
    style.save(fig, tmp_path / f"b.{suffix}")  # the same figure again
    style.save(plot_trajectory(results(days=60), ["s_a"]), tmp_path / f"c.{suffix}")  # drawn anew
    a = (tmp_path / f"a.{suffix}").read_bytes()
    assert a == (tmp_path / f"b.{suffix}").read_bytes() == (tmp_path / f"c.{suffix}").read_bytes()


# glyphs no installed font draws


def test_a_chinese_title_without_a_cjk_font_is_one_note(tmp_path, capsys):
    if style.cjk_font():
        pytest.skip("a CJK font is installed: the title is drawn")
    fig = plot_trajectory(results(days=60), ["s_a"], title="密云水库 TN", targets={"三类": 1.0})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        style.save(fig, tmp_path / "t.png")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    err = capsys.readouterr().err
    assert err.count("note:") == 1 and "密云水库三类" in err and "fonts-noto-cjk" in err
