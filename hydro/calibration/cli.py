"""``hydro calibrate``: the click command (add it to the group with ``main.add_command``).

Thin: parse the options, call :func:`hydro.calibration.calibrate`, print where
the results are.  Heavy modules are imported inside the function so that
``hydro --help`` stays fast.
"""

from __future__ import annotations

import sys

import click

from hydro.clitools import shipped_or_given


@click.command("calibrate")
@click.argument("config", metavar="CONFIG.toml", type=click.Path(dir_okay=False),
                callback=shipped_or_given)
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Local worker processes (default: chosen by the job's size, in this process "
                   "when it is short, else one per core; 1 runs in this process).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786.")
@click.option("--dask-workers", type=click.IntRange(min=1), default=None,
              help="Start a local Dask cluster with N single-thread worker processes.")
@click.option("--resume", is_flag=True,
              help="Continue the run stored in the output folder (stored evaluations are not re-run).")
@click.option("--overwrite", is_flag=True,
              help="Replace the run stored in the output folder (its files only, once the new run has "
                   "completed) instead of refusing.")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), default=None,
              help="Output folder (default: calibration-<config name> here).")
@click.option("-q", "--quiet", is_flag=True,
              help="No progress, summary or 'written:' line; errors and the notes after a run still go to stderr.")
def calibrate_command(config, workers, scheduler, dask_workers, resume, overwrite, outdir, quiet):
    """Calibrate a model: search parameters, store every evaluation, write the best.

    CONFIG.toml names the model, the parameters (override paths with bounds),
    the observations, objectives and periods, and the method (docs/calibration.md).
    The output folder gets evaluations.jsonl (appended as evaluations finish),
    evaluations.csv, best_params.toml (for `hydro run --params`), scores.csv and
    summary.json.  Ctrl-C stops the run without losing finished evaluations;
    --resume continues it.
    """
    from pathlib import Path

    from hydro.calibration.config import CalibrationConfig
    from hydro.calibration.folder import staged_run
    from hydro.calibration.runner import PARAMS_FILE, RUN_FILE, calibrate

    cfg = CalibrationConfig.from_toml(config)
    folder = Path(outdir) if outdir else Path(f"calibration-{Path(config).stem}")
    if overwrite and resume:  # before the note below, which would announce a run that does not start
        raise click.UsageError("--overwrite and --resume: choose one (--resume continues the run stored in the "
                               "folder, --overwrite replaces it)")
    # a mistyped folder would silently start over
    if resume and not (folder / RUN_FILE).exists() and staged_run(folder) is None:
        click.echo(f"note: --resume: {folder} holds no run to continue (no {RUN_FILE}); starting a new run there",
                   err=True)
    try:
        result = calibrate(cfg, folder, workers=workers, scheduler=scheduler, dask_workers=dask_workers,
                           resume=resume, quiet=quiet, overwrite=overwrite)
    except KeyboardInterrupt:
        import shlex

        staged = staged_run(folder)
        kept = (f"; the previous run's results in {folder} are unchanged (an overwrite replaces them when it "
                "completes)" if staged else "")
        click.echo(f"\ninterrupted: the evaluations so far are in {(staged or folder) / 'evaluations.jsonl'}{kept}; "
                   f"continue with: hydro calibrate {shlex.quote(str(config))} -o {shlex.quote(str(folder))} --resume",
                   err=True)
        sys.exit(130)
    s = result.summary
    if not quiet:
        click.echo(f"{s['evaluations']} evaluations ({s['evaluated_now']} now, {s['resumed']} resumed, "
                   f"{s['failed']} failed) in {s['seconds']:.1f} s on {s['executor']} "
                   f"({s['workers']} workers)")
        if result.best is not None:
            click.echo(f"best loss {result.best['loss']:.6g}: " + ", ".join(
                f"{k} = {v:.6g}" for k, v in result.best["params"].items()))
            for period, scores in result.best["scores"].items():
                click.echo(f"  {period}: " + ", ".join(
                    f"{k} -" if v is None else f"{k} {v:.0f}" if k.endswith(":n_pairs") else f"{k} {v:.4f}"
                    for k, v in scores.items()))
    if s.get("de_converged") is False:  # said where the user looks, not only in summary.json
        # [method] has no maxiter (max_evaluations sets the generations), and a changed
        # configuration cannot be resumed (its SHA-256 is checked): the advice says so
        tol = s.get("de_tol") or 0.0  # (a summary written before 2026-12-05 has none: tol was 0 or unsaid)
        stop = (f"raise tol (now {tol:g}) to stop sooner once the population agrees" if tol > 0 else
                "set tol > 0 to stop once the population agrees")
        click.echo(f"note: differential evolution {_de_verdict(s)}; for a longer search raise [method] "
                   f"max_evaluations (or {stop}) and run it in a new output folder (-o): a changed "
                   "configuration cannot be resumed", err=True)
    for line in s.get("notes", []):  # what summary.json says of the best set's footing (coverage ...)
        click.echo(f"note: {line}", err=True)
    if s.get("glue_note"):  # no behavioural set: no bands were written, say so here too
        click.echo(f"note: GLUE: {s['glue_note']}", err=True)
    if result.best is not None:
        if not quiet:  # -q: nothing on stdout, as every command's -q
            click.echo(f"written: {folder / PARAMS_FILE}")
    else:
        staged = staged_run(folder)  # an overwrite with no result is not swapped in
        kept = (f"; the previous run's results in {folder} are unchanged (the new run stays in {staged} for "
                "inspection; --overwrite discards it)" if staged else "")
        click.echo(f"every evaluation failed; see {(staged or folder) / 'evaluations.csv'}{kept}", err=True)
        sys.exit(1)


def _de_verdict(s: dict) -> str:
    """What DE did, for the note on a search that did not converge: with a budget of one
    population there is no generation, hence no convergence test to fail."""
    if s.get("de_generations") == 0:
        pop = s.get("de_population")
        size = f" of {pop}" if pop else ""
        return (f"ran the initial population only (max_evaluations is one population{size}): no "
                "generation, so no convergence test")
    n = s.get("de_generations")
    verdict = f"did not converge in {n} generation{'' if n == 1 else 's'} ({s.get('de_message')})"
    if s.get("de_tol") == 0.0:  # SciPy's test std <= tol * |mean| then asks for identical losses
        spread = s.get("de_loss_spread")
        spans = s.get("de_parameter_spread") or {}
        verdict += (", which says nothing of the fit: no tolerance was set (tol = 0), so the whole budget is "
                    "used; the final population's losses spread "
                    + ("(a member failed)" if spread is None else f"{spread:.2g} (std / |mean|; SciPy's default tol "
                       "is 0.01)")
                    + ("" if not spans else ", its parameters span " + ", ".join(
                        f"{k} {v:.0%}" for k, v in spans.items()) + " of their search ranges"))
    return verdict
