"""``hydro scenarios BASIN FILE --start D`` without ``--end`` compiles the measures over the years to
the basin's end (found in review, 2026-12-01: the years probed ran from the start to 2000, none, and
the command stopped with an IndexError traceback)."""

from __future__ import annotations

from datetime import date

import pytest

import hydro.batch
import hydro.scenarios.measures as measures
import hydro.scenarios.run as scenario_run


class _Compiled(Exception):
    pass


def test_a_start_without_an_end_compiles_to_the_basins_end(monkeypatch):
    seen = []
    real = measures.compile_scenario  # the checks before the batch compile every scenario (checked_plan)

    def compile_and_note(info, sfile, sid, years):
        seen.append(list(years))
        return real(info, sfile, sid, years)

    def stop(*args, **kwargs):
        raise _Compiled

    monkeypatch.setattr(measures, "compile_scenario", compile_and_note)
    monkeypatch.setattr(hydro.batch, "run_batch", stop)
    with pytest.raises(_Compiled):
        scenario_run.run_scenarios("miyun", "configs/scenarios/miyun.toml", start=date(2016, 6, 1))
    assert seen and all(years == [2016, 2017] for years in seen)  # the basin's [run] ends 2017-02-28
