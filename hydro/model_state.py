"""The state files a run continues and saves: ``hydro run --from-state/--save-state`` and :meth:`hydro.Model.run`'s
``from_state=``/``save_state=``, the same files and checks (:mod:`hydro.state_file`, :mod:`hydro.state_fit`), so
that a state saved by either continues in the other."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from hydro.errors import HydroError


def run_with_states(basin, changes: dict[str, Any], start: date, end: date, *, apportion: bool, history: str,
                    states: tuple[str | Path | None, str | Path | None], overwrite: bool, weather=None):
    """Run ``basin`` (a model's, with parameter ``changes``) from ``start`` to ``end`` in one block, continuing the
    state file ``states[0]`` (None: from the basin's start, spun up) and saving its end state to ``states[1]``
    (None: not saved; an existing file only with ``overwrite``, and only a state file), as ``hydro run`` does.

    Returns
    -------
    hydro.results.Results
        The run's results; the state file is written once they are complete.

    Raises
    ------
    HydroError
        A flow-driven basin or one that cannot run in time blocks, ``weather`` given, a state that does not fit
        (another basin file, day, parameters or constituents), or a state file that would replace another file.
    """
    from hydro.blocked import run_blocks
    from hydro.state_fit import parameters_of

    read_from, save_to = states
    if not basin.is_watershed:
        raise HydroError(f"{basin.path}: from_state and save_state continue a watershed basin's run; this basin is "
                         "flow-driven (no [[subbasins]]): leave them out")
    if weather is not None:
        raise HydroError("from_state and save_state continue observed weather (the basin's file): leave out weather=")
    for name, value in (("from_state", read_from), ("save_state", save_to)):
        if value is not None and (not isinstance(value, (str, Path)) or not str(value).strip()):
            raise HydroError(f"{name}: expected a file path (str or pathlib.Path), got {type(value).__name__} "
                             f"{value!r}; leave it out (None) for none")
    if not isinstance(overwrite, (bool, np.bool_)):  # "False" from a config or argparse would replace the file
        raise HydroError(f"overwrite: expected True or False, got {type(overwrite).__name__} {overwrite!r}")
    ended: list = []
    from_state, on_end = state_files(basin, (read_from, save_to, parameters_of(changes)), None, overwrite,
                                     names=("from_state", "save_state", "overwrite=True"))
    blocks = run_blocks(basin, start, end, None, history=history, apportion=apportion, from_state=from_state,
                        on_end=None if on_end is None else lambda *args: ended.append(args))
    results = next(iter(blocks))
    for _ in blocks:  # (one block: the generator ends, calling on_end)
        pass
    if on_end is not None:
        for args in ended:
            on_end(*args)
    return results


def state_files(basin, states: tuple, weather_seed, overwrite: bool,
                names: tuple[str, str, str] = ("--from-state", "--save-state", "--overwrite")):
    """``(from_state, on_end)`` of :func:`hydro.blocked_run.write_blocked` for ``--from-state`` and
    ``--save-state`` (``states``: the two paths and the run's :func:`hydro.state_fit.parameters_of`): the state
    read (refused where it is not a state file or was saved with other parameters) and a writer of the end
    state, its file checked before the run (an existing one only with ``--overwrite``).  ``names``: the two
    options and the overwrite flag as messages name them (``hydro.Model.run``'s arguments)."""
    from hydro.outputs import check_output
    from hydro.provenance import code_record
    from hydro.spin_up import unblockable
    from hydro.state_file import is_state_file, load_state, save_state
    from hydro.state_fit import check_state_parameters

    read_from, save_to, parameters = states
    if (read_from or save_to) and weather_seed is not None:
        raise HydroError("--from-state and --save-state continue observed weather; leave out --synthetic-weather")
    why = unblockable(basin) if read_from or save_to else None
    if why:  # a state is a block's end (hydro.blocked)
        raise HydroError(f"{basin.path}: {names[0]} and {names[1]} continue a run that can be cut in time blocks; "
                         f"this basin's cannot ({why}): leave them out")
    from_state = None
    if read_from:
        state, meta = load_state(read_from, names[0])
        check_state_parameters(read_from, meta, parameters)
        from_state = (state, meta, str(read_from))
    on_end = None
    if save_to:
        check_output(save_to, overwrite, option=names[1], flag=names[2], inputs=(read_from, basin.path))
        if Path(save_to).exists() and not is_state_file(save_to):  # --overwrite replaces only a state file
            raise HydroError(f"{save_to}: exists and is not a hydro state file; {names[1]} replaces only a state "
                             f"file (with {names[2]}): choose another name")

        def on_end(state, meta):
            save_state(save_to, state, {**meta, "parameters": parameters, **code_record()}, overwrite=overwrite)
    return from_state, on_end


def state_day(path: str | Path, option: str = "--from-state") -> date:
    """The day a state file's state is for: the first day of a run continuing it (a run given no start
    starts there); ``option`` names where the file was given, for a message."""
    from hydro.state_file import load_state

    return date.fromisoformat(load_state(path, option)[1]["day"])
