"""The files of a calibration output folder, and how ``--overwrite`` replaces a stored run.

``--overwrite`` of a folder that holds a run never destroys that run before a new, complete one
exists (review of 2026-12-05, F1: an overwrite stopped by Ctrl-C, ``kill -9`` or a full disk left
no result, or an "interrupted" ``best_params.toml`` of a few evaluations in place of a complete
one).  The new run is *staged*: it runs and writes every output in the hidden folder
:data:`STAGING` inside the output folder (the same file system, held by the same lock,
:func:`~hydro.calibration.store.lock_folder`), and only once it has ended normally are its files
moved into place (:func:`swap_in`), with Ctrl-C and SIGTERM held back; files of the old run that
the new one does not write are removed last.

An overwrite that is interrupted, stopped by an error, or whose every evaluation failed (it has no
best parameters to replace the old ones with; review bd, D1) leaves the old run as it was, beside
the staged one, which is kept for inspection (its ``evaluations.csv`` says why each failed):
``--resume`` continues the staged run (it is the latest started there) and swaps it in when it
completes; ``--overwrite`` discards it and starts again. A process killed in the middle of the swap
(a window of a few renames) leaves a note, :data:`SWAP_NOTE`, from which the next ``hydro
calibrate`` on the folder finishes the swap before anything else (:func:`finish_cut_swap`, before
its checks; :func:`finish_swap`).  The swap removes the old ``run.json`` first and moves the new
one last, so that a folder swapped half way holds no run's record: nothing that reads ``run.json``
(``hydro compensate --parameters-from``) takes the old run's configuration with the new run's log.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from hydro.errors import HydroError

PARAMS_FILE = "best_params.toml"
RUN_FILE = "run.json"
#: The configuration file's bytes as the run started from it (since 2026-12-05; run.json's
#: ``config_sha256`` is its SHA-256): its seed, bounds and objectives stay with the evaluations.
CONFIG_COPY = "run_config.toml"
#: ``run.json``'s ``loss_scale``: every loss term a fraction (|PBIAS|, MARE, max ARE / 100, review s44
#: F1). A run without it stored percent-scale losses, which ``--resume`` must not mix with new ones.
LOSS_SCALE = "fraction"
#: Every file a run writes in its folder, in the order a swap moves them (``run.json`` last).
RUN_OUTPUTS = ("evaluations.jsonl", "evaluations.csv", PARAMS_FILE, "scores.csv", "summary.json",
               "glue_bands.csv", "sensitivity.csv", CONFIG_COPY, RUN_FILE)
#: The hidden folder, inside the output folder, where ``--overwrite`` runs until it is complete.
STAGING = ".overwrite"
#: In :data:`STAGING` while its files are moved into place: the names the new run wrote (JSON).
SWAP_NOTE = "swap.json"


def staged_run(folder: Path) -> Path | None:
    """The staging folder of ``folder`` when it holds a run an overwrite started (else None)."""
    staged = Path(folder) / STAGING
    return staged if (staged / RUN_FILE).exists() else None


def working_folder(folder: Path, resume: bool, overwrite: bool) -> Path:
    """Where a run on ``folder`` evaluates and writes: the staging folder for ``--resume`` of a
    staged run and for ``--overwrite`` of a folder that holds a run's files; ``folder`` otherwise."""
    folder = Path(folder)
    if resume and staged_run(folder) is not None:
        return folder / STAGING
    if overwrite and any((folder / name).exists() for name in RUN_OUTPUTS):
        return folder / STAGING
    return folder


def prepare_staging(folder: Path, work: Path, overwrite: bool) -> None:
    """With ``folder`` held: finish a swap a killed process started, discard a staged run that
    ``overwrite`` replaces, and create the staging folder ``work`` when the run goes there."""
    finish_swap(folder)
    staged = folder / STAGING
    if overwrite and staged.exists():
        _remove_staging(staged)
    if work != folder:
        work.mkdir(exist_ok=True)


def swap_in(folder: Path) -> None:
    """Move the complete run staged in ``folder``'s :data:`STAGING` into ``folder``.

    Raises
    ------
    HydroError
        The note of the swap cannot be written (a full disk): nothing is moved, the staged run is kept.
    SwapError
        A file cannot be moved (:func:`finish_swap`).
    """
    from hydro.outputs import write_text
    from hydro.signals import held

    staged = folder / STAGING
    wrote = [name for name in RUN_OUTPUTS if (staged / name).exists()]
    write_text(staged / SWAP_NOTE, json.dumps(wrote) + "\n", overwrite=True)
    with held():  # a few renames: never cut in half by Ctrl-C or SIGTERM
        finish_swap(folder)


def swap_pending(folder: Path) -> bool:
    """Whether ``folder`` is in the middle of a swap (:func:`swap_in`), or of one a killed process began."""
    return (Path(folder) / STAGING / SWAP_NOTE).exists()


def finish_cut_swap(folder: Path) -> None:
    """Before any check of ``folder``: finish the swap a process killed during it left, holding the
    folder meanwhile (:func:`~hydro.calibration.store.lock_folder`; a run still swapping holds it:
    refused), so that the checks see the run that overwrite stored, never half of two (review bd, D2)."""
    from hydro.calibration.store import lock_folder, release_folder

    if not swap_pending(folder):
        return
    lock = lock_folder(Path(folder))
    try:
        finish_swap(Path(folder))
    finally:
        release_folder(lock)


def finish_swap(folder: Path) -> bool:
    """Complete the swap noted in ``folder``'s staging folder, if any (idempotent: a swap cut short
    by ``kill -9`` is completed by running it again).  Returns whether there was one.

    Raises
    ------
    SwapError
        A file of the old run cannot be replaced or removed (held open by another program: a
        spreadsheet on Windows); the note stays, so that the next run finishes the swap.
    """
    from hydro.outputs import _fsync_folder

    folder = Path(folder)
    staged = folder / STAGING
    note = staged / SWAP_NOTE
    if not swap_pending(folder):
        return False
    wrote = json.loads(note.read_text(encoding="utf-8"))
    target, verb = folder / RUN_FILE, "removed"
    try:
        if RUN_FILE in wrote and (staged / RUN_FILE).exists():  # first: a folder half swapped is no run's
            target.unlink(missing_ok=True)  # (readers of run.json never mix two runs' files)
        for name in RUN_OUTPUTS:  # run.json last
            target, verb = folder / name, "replaced by the new run's"
            if name in wrote and (staged / name).exists():
                os.replace(staged / name, target)
        for name in RUN_OUTPUTS:  # the old run's files the new one did not write
            target, verb = folder / name, "removed"
            if name not in wrote:
                target.unlink(missing_ok=True)
        target = note
        _fsync_folder(folder)  # the renames made durable
        note.unlink()  # the swap is complete
    except OSError as exc:
        raise SwapError(f"{target}: cannot be {verb} ({exc.strerror or exc}). The "
                        f"overwrite completed, and its results are being moved into {folder}, which holds part "
                        f"of each run until they are (and no {RUN_FILE}, so that nothing reads it as one run): "
                        f"close {target.name} if another program holds it open, then run the same hydro "
                        "calibrate command with --resume in place of --overwrite, which finishes the move "
                        "first") from None
    shutil.rmtree(staged, ignore_errors=True)  # what is left (a file held open) is no run: --overwrite removes it
    return True


class SwapError(HydroError):
    """A swap that could not be finished (:func:`finish_swap`): its own advice, the run is complete."""


def _remove_staging(staged: Path) -> None:
    """Remove the staging folder ``staged`` (an ``--overwrite`` discarding what is staged there)."""
    try:
        shutil.rmtree(staged)
    except OSError as exc:
        raise HydroError(f"{staged}: cannot remove the staged run there ({exc.strerror or exc}; "
                         f"{exc.filename or staged}): close the program that holds a file in it open, or "
                         "delete the folder yourself, then run the command again") from None
