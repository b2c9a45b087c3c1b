"""The compiled TOML parser reads every shipped file exactly as the standard one.

:func:`hydro.tomlio.load_toml` parses with ``rtoml`` where it is installed (about
6x faster on a 10,000-reach basin) and falls back to :mod:`tomllib` when ``rtoml``
rejects a file, so that a user's syntax error is reported as before.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from hydro import textfile, tomlio
from hydro.errors import HydroError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p for folder in ("basins", "configs", "validation") for p in (ROOT / folder).rglob("*.toml"))


def test_there_are_shipped_files_to_compare():
    assert len(SHIPPED) > 10


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_parser_gives_the_standard_tables(path):
    if tomlio._fast_loads is None:
        pytest.skip("rtoml is not installed: load_toml uses tomllib alone")
    text = textfile.read_text(path, "TOML")
    assert tomlio._fast_loads(text) == tomllib.loads(text)


def test_load_toml_uses_the_fast_parser_when_installed(tmp_path, monkeypatch):
    calls = []

    def spy(text):
        calls.append(text)
        return {"spied": True}

    monkeypatch.setattr(tomlio, "_fast_loads", spy)
    (tmp_path / "a.toml").write_text("x = 1\n")
    assert tomlio.load_toml(tmp_path / "a.toml") == {"spied": True}
    assert calls == ["x = 1\n"]


def test_a_syntax_error_is_reported_by_the_standard_parser(tmp_path):
    (tmp_path / "bad.toml").write_text('name = "ok"\n[broken\n')
    with pytest.raises(HydroError, match=r"bad.toml: malformed TOML: .*line 2.*fix the syntax"):
        tomlio.load_toml(tmp_path / "bad.toml")


def test_a_file_only_the_standard_parser_accepts_still_loads(tmp_path, monkeypatch):
    def refuses(text):
        raise ValueError("not this one")

    monkeypatch.setattr(tomlio, "_fast_loads", refuses)
    (tmp_path / "a.toml").write_text("x = 2013-01-01\n")
    assert str(tomlio.load_toml(tmp_path / "a.toml")["x"]) == "2013-01-01"


@pytest.mark.parametrize("text, fragment", [
    ("start = 2015-01-01T06:00:00", "got the date-time 2015-01-01T06:00:00; write the day alone (2015-01-01)"),
    ('start = "20150101"', "expected a date YYYY-MM-DD, got '20150101'"),
    ('start = "2015-W01-4"', "expected a date YYYY-MM-DD"),
    ('start = "2015-02-30"', "is no day: February 2015 has 28 days"),
])
def test_a_date_key_takes_a_day_and_nothing_else(text, fragment):
    """A TOML date-time was returned as a datetime (a date subclass) and failed later with a
    TypeError when compared with dates; strings Python 3.11 also parses (basic and ISO-week
    forms) were accepted though the documented form is YYYY-MM-DD."""
    table = tomlio.Table(tomllib.loads(text), "b.toml", "run")
    with pytest.raises(HydroError) as err:
        table.date("start")
    assert fragment in str(err.value) and "b.toml" in str(err.value) and "run.start" in str(err.value)


def test_a_date_key_reads_toml_dates_and_strings():
    from datetime import date

    for text in ("start = 2015-01-01", 'start = "2015-01-01"'):
        assert tomlio.Table(tomllib.loads(text), "b.toml").date("start") == date(2015, 1, 1)
