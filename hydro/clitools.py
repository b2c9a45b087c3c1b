"""Small helpers shared by the command modules (``hydro.cli`` and the feature commands)."""

from __future__ import annotations

import click


def command_history() -> str:
    """The command as typed (for the ``history`` attribute), rebuilt from click's context."""
    import shlex

    ctx = click.get_current_context()
    parts = ["hydro", ctx.info_name]
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if value in (None, False, ()) or param.name == "quiet":
            continue
        if not isinstance(param, click.Argument) and value == param.default:
            continue  # a default the user did not type
        if isinstance(param, click.Argument):
            parts.append(str(value))
        elif isinstance(value, bool):
            parts.append(param.opts[-1])
        else:
            for v in (value if isinstance(value, tuple) else (value,)):
                parts += [param.opts[-1], str(v)]
    return " ".join(shlex.quote(p) for p in parts)
