"""``hydro run`` of a long watershed run: blocks written to the file as they finish (issue 16).

:func:`write_blocked` runs :func:`hydro.blocked.run_blocks` and writes each
block into one netCDF file defined up front with the whole time axis
(:class:`hydro.netcdf.BlockWriter`, atomic like every hydro output), keeping
only the few sums the run summary needs (:class:`BlockSummary`), so nothing of
the run is held longer than its block.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from hydro.basin import Basin
from hydro.results import Results

#: Global attributes of each block's results that :func:`write_blocked` replaces by their
#: largest value over the blocks (relative closures).
WORST_ATTRS = ("water_balance_closure", "groundwater_n_balance_closure")


def blocks_for(basin: Basin, start: date, end: date, block_years: int | None) -> int | None:
    """Years per block for ``hydro run`` (``--block-years``), or None for one block.

    Default (None): blocks of :data:`hydro.blocked.DEFAULT_BLOCK_YEARS` where the basin
    can run in blocks and the run covers more calendar years than that and more reach-days
    than :data:`hydro.blocked.ONE_BLOCK_REACH_DAYS`; ``N``: blocks of N years where the run
    covers more than N; ``0``: one block.  A number given for a basin that cannot run in
    blocks is refused with the reason.
    """
    from hydro.blocked import DEFAULT_BLOCK_YEARS, ONE_BLOCK_REACH_DAYS, unblockable
    from hydro.errors import HydroError

    if block_years is not None and block_years < 0:
        raise HydroError(f"--block-years: expected 0 (one block) or a number of years >= 1, got {block_years}")
    if block_years == 0 or not basin.is_watershed:
        return None
    years = block_years or DEFAULT_BLOCK_YEARS
    if end.year - start.year + 1 <= years:
        return None
    if block_years is None and len(basin.network.reaches) * ((end - start).days + 1) <= ONE_BLOCK_REACH_DAYS:
        return None
    why = unblockable(basin)
    if why is None:
        return years
    if block_years is not None:
        raise HydroError(f"{basin.path}: --block-years: this basin cannot run in time blocks ({why}); "
                         "leave the option out or give --block-years 0")
    return None


class BlockSummary:
    """What :func:`hydro.summary.run_summary` prints, gathered block by block."""

    def __init__(self) -> None:
        self.first: date | None = None
        self.last: date | None = None
        self.days = 0
        self.blocks = 0
        self.substeps_total = 0
        self.steps = [np.inf, -np.inf]
        self.closure: dict[str, float] = {}
        self.worst: dict[str, float] = {}
        self.attrs: dict[str, str] = {}
        self.constituents: list[str] = []
        self.sections: list = []
        self.q_sum: np.ndarray | None = None
        self.q_count: np.ndarray | None = None
        self.loads: dict[str, np.ndarray] = {}
        self.transferred: dict[str, float] = {}  # volume of each transfer over the run, m3

    def add(self, res: Results) -> None:
        """Take in one block's results."""
        from hydro.summary import budget_closure

        self.first = self.first or res.dates[0]
        self.last, self.days, self.blocks = res.dates[-1], self.days + len(res.dates), self.blocks + 1
        self.attrs = dict(res.attrs)
        self.constituents = list(res.constituents)
        if "transport_substeps" in res.data:
            steps = res["transport_substeps"]
            self.steps = [min(self.steps[0], int(steps.min())), max(self.steps[1], int(steps.max()))]
            self.substeps_total += int(steps.sum())
        for short in self.constituents:
            self.closure[short] = max(self.closure.get(short, 0.0), budget_closure(res, short))
        for key in WORST_ATTRS:
            if key in res.attrs:
                self.worst[key] = max(self.worst.get(key, 0.0), float(res.attrs[key]))
        for item in filter(None, res.attrs.get("transfer_volume_m3", "").split(";")):
            name, volume = item.rsplit("=", 1)
            self.transferred[name] = self.transferred.get(name, 0.0) + float(volume)
        self.sections = list(res.coords.get("section", []))
        if self.sections:
            q = res["section_discharge"]
            self.q_sum = np.nansum(q, axis=0) + (0.0 if self.q_sum is None else self.q_sum)
            self.q_count = np.sum(~np.isnan(q), axis=0) + (0 if self.q_count is None else self.q_count)
            for short in self.constituents:
                load = np.nansum(res[f"section_{short}_load"], axis=0)
                self.loads[short] = load + self.loads.get(short, 0.0)

    def final_attrs(self) -> dict[str, str]:
        """The attributes that differ from the first block's: the worst closures, and the volume
        of each transfer over the run (the sum of the blocks', as one block writes it)."""
        out = {key: f"{value:.3e}" for key, value in self.worst.items()}
        if self.transferred:
            out["transfer_volume_m3"] = ";".join(f"{k}={v:.6e}" for k, v in self.transferred.items())
        return out

    def text(self) -> str:
        """The run summary, as :func:`hydro.summary.run_summary` words it for a one-block run."""
        lines = [f"basin {self.attrs.get('basin')}  scenario {self.attrs.get('scenario')}  "
                 f"{self.first} to {self.last} ({self.days} days)"]
        if self.steps[0] <= self.steps[1]:
            lines.append(f"transport sub-steps per day: {self.steps[0]}-{self.steps[1]}")
        for short in self.constituents:
            lines.append(f"{short} mass balance closes to {self.closure[short]:.1e} (relative)")
        for key, what in (("water_balance_closure", "water balance (runoff, routing, reservoirs)"),
                          ("groundwater_n_balance_closure", "groundwater nitrogen store")):
            if key in self.worst:
                lines.append(f"{what} closes to {self.worst[key]:.1e} (relative)")
        if self.sections and self.q_sum is not None and self.q_count is not None:
            lines.append("section means over the run (Q: time mean; "
                         + ", ".join(self.constituents) + ": flow-weighted, Σ load / Σ Q):")
            for k, sid in enumerate(self.sections):
                mean_q = self.q_sum[k] / self.q_count[k] if self.q_count[k] else np.nan
                parts = [f"  {sid:20s} Q {mean_q:8.3f} m3/s"]
                for short in self.constituents:
                    mean_c = self.loads[short][k] / (self.q_sum[k] * 86.4)
                    parts.append(f"{short} {mean_c:7.3f} mg/L")
                lines.append("  ".join(parts))
        return "\n".join(lines)


def write_blocked(basin: Basin, start: date, end: date, path: Path, *, block_years: int, spec=None,
                  overwrite: bool = False, history: str = "", weather=None,
                  attrs: dict[str, str] | None = None) -> BlockSummary:
    """Run ``basin`` from ``start`` to ``end`` in blocks of ``block_years`` and write its
    results to ``path`` (netCDF, atomically) as each block finishes.

    ``attrs`` are global attributes added to the file (e.g. ``weather_seed``).  Returns
    the run's :class:`BlockSummary` (``.text()`` is the run summary).
    """
    from hydro.blocked import block_periods, run_blocks
    from hydro.netcdf import BlockWriter
    from hydro.series import daily_dates

    dates = daily_dates(start, end)
    years = sorted({d.year for d in dates})
    summary = BlockSummary()
    n_block = len(block_periods(start, end, block_years))
    with BlockWriter(path, dates, years, overwrite=overwrite, spec=spec) as out:
        for res in run_blocks(basin, start, end, block_years, history=history, weather=weather):
            summary.add(res)
            out.write(res)
            del res  # one block in memory at a time: not this one while the next runs
        out.set_attrs({**summary.final_attrs(), **(attrs or {}),
                       "time_blocks": f"{n_block} blocks of at most {block_years} calendar years"})
    return summary


def blocked_command(basin: Basin, start: date, end: date, out: Path, *, spec, overwrite: bool,
                    block_years: int | None, history: str, weather_seed: int | None, quiet: bool) -> bool:
    """``hydro run``'s blocked path: run and write ``basin`` in blocks and print the summary
    if :func:`blocks_for` says it runs in blocks; False (nothing done) if it runs in one."""
    import click

    n_years = blocks_for(basin, start, end, block_years)
    if not n_years:
        return False
    weather, attrs = None, {}
    if weather_seed is not None:
        from hydro.ensemble import member_weather

        weather, attrs = member_weather(basin, start, end, weather_seed), {"weather_seed": str(weather_seed)}
    summary = write_blocked(basin, start, end, out, block_years=n_years, spec=spec, overwrite=overwrite,
                            history=history, weather=weather, attrs=attrs)
    if not quiet:
        click.echo(summary.text())
        click.echo(f"written: {out}")
    return True
