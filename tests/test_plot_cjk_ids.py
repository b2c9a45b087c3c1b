"""An id in Chinese characters is never drawn as empty boxes (Excel/Windows inputs review, 2026-12-05).

Basin files accept ids such as ``古北口``; without a CJK font the display name fell back to that id, which
drew as boxes with matplotlib's "Glyph ... missing" warnings, against docs/plots.md.
"""

from __future__ import annotations

import pytest

from hydro.plotting import style


@pytest.fixture
def no_cjk_font(monkeypatch):
    monkeypatch.setattr(style, "can_render", lambda text: all(ch.isascii() for ch in text))
    monkeypatch.setattr(style, "_FONT_NOTED", [])


def test_a_chinese_id_without_a_font_is_written_as_escapes(no_cjk_font, capsys):
    label = style.display_name("古北口", "潮河 古北口（冀京界）")
    assert label == "\\u53e4\\u5317\\u53e3" and label.isascii()
    assert "fonts-noto-cjk" in capsys.readouterr().err
    style.display_name("密云", None)  # (said once a process)
    assert capsys.readouterr().err == ""


def test_a_drawable_name_or_id_is_kept(no_cjk_font):
    assert style.display_name("gubeikou", "古北口") == "gubeikou"
    assert style.display_name("gubeikou", "Gubeikou (border)") == "Gubeikou (border)"
    assert style.display_name("S1-古北口", None) == "S1-\\u53e4\\u5317\\u53e3"
