"""Final review of 2026-12-01: what one area's change left inconsistent in another."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hydro.cli import main


@pytest.mark.parametrize("day", ["20150101", "2015-W01-4", "2015-001"])
@pytest.mark.parametrize("command", ["run", "scenarios"])
def test_start_and_end_take_yyyy_mm_dd_only(tmp_path, command, day):
    """Table.date and the CSV readers refuse the basic and ISO-week forms that Python 3.11's
    date.fromisoformat parses; --start/--end took them (20150101 ran from 2015-01-01), so one
    date had two rules. Refused before the basin is simulated, naming the option."""
    args = [command, "watershed"]
    if command == "scenarios":
        args.append(str(tmp_path / "none.toml"))
    for option in ("--start", "--end"):
        other = "--end" if option == "--start" else "--start"
        result = CliRunner().invoke(main, [*args, option, day, other, "2005-01-01", "-o", str(tmp_path / "x.nc")])
        assert result.exit_code == 2, result.output
        assert f"{option}: expected a date YYYY-MM-DD, got '{day}'" in result.output


def test_api_dates_take_yyyy_mm_dd_only():
    from hydro.errors import HydroError
    from hydro.model import _date

    assert str(_date(" 2015-01-31 ", "start")) == "2015-01-31"
    with pytest.raises(HydroError, match="start: expected a date YYYY-MM-DD"):
        _date("20150131", "start")
