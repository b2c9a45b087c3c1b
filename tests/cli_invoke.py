"""The command line as the tests call it, in one place.

``invoke(*args)`` runs ``hydro`` in-process (click's ``CliRunner``, every argument as a string);
``user_error(result, *fragments)`` checks that a user's mistake was answered as one: exit status 2,
no traceback, no exception but click's exit, and every fragment in the message.
"""

from __future__ import annotations

from click.testing import CliRunner, Result

from hydro.cli import main


def invoke(*args) -> Result:
    """``hydro ARGS...`` in-process; the result's ``output`` holds what it printed."""
    return CliRunner().invoke(main, [str(a) for a in args])


def user_error(result: Result, *fragments: str) -> None:
    """Exit 2, no traceback, no exception but the exit, and every fragment in the message."""
    out = result.output
    assert result.exit_code == 2, f"exit {result.exit_code}: {out}\n{result.exception!r}"
    assert "Traceback" not in out, out
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for fragment in fragments:
        assert fragment in out, f"{fragment!r} not in: {out}"
