"""The code revision that ran a simulation, for the provenance of its results.

The ``source`` attribute names hydro's version (``hydro 0.1.0``), which stays the same across the
commits between releases; a researcher rerunning a figure needs the commit.  Where hydro is imported
from a git checkout (the README's editable install), :func:`revision_attributes` gives
``source_revision``: the commit, and whether tracked files were changed since it; elsewhere (an
installed wheel) nothing, as there is no commit to name.  It is an attribute of a run's results
(:func:`hydro.assembly.hydraulic_results`, catchment runs), not of the writer: a file read and written
again (aggregated, cut to some locations) keeps the revision of the code that simulated its numbers,
and one written before hydro recorded it stays without.
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
from pathlib import Path

#: Seconds each git call may take before the revision is left out (a file system that hangs).
GIT_TIMEOUT_S = 5.0


def _git(root: Path, *args: str) -> str | None:
    """``git -C root args`` 's stripped output, or None where git is missing, fails or times out."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _diff_bytes(root: Path) -> bytes | None:
    """The tracked files' diff from ``HEAD`` as bytes (a file in GBK is no UTF-8), in a form the user's git
    settings do not change (prefixes, rename detection, algorithm, text conversion drivers), or None where git
    fails."""
    try:
        done = subprocess.run(["git", "-C", str(root), "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false",
                               "--no-optional-locks", "diff", "HEAD", "--no-ext-diff", "--no-textconv", "--no-color",
                               "--binary", "--no-renames", "--diff-algorithm=myers", "--src-prefix=a/",
                               "--dst-prefix=b/"], capture_output=True, timeout=GIT_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def revision_of(root: Path) -> str:
    """``git <commit>`` of the checkout at ``root``, with ``, with uncommitted changes (diff sha256 <12 hex>)``
    where tracked files differ from it (untracked files do not count: outputs written into the folder; ``, changes
    unknown`` where ``git status`` fails); ``""``
    where ``root`` is not the top of a git checkout or git cannot say."""
    if not (root / ".git").exists():
        return ""
    top = _git(root, "rev-parse", "--show-toplevel")  # (a .git git cannot read: it would find a checkout above)
    if not top or Path(top).resolve() != root.resolve():
        return ""
    commit = _git(root, "rev-parse", "HEAD")
    if not commit:
        return ""
    # (--no-optional-locks: status would refresh the checkout's index, taking index.lock, and a
    # user's own git add or a second run from the same checkout could fail on it)
    changed = _git(root, "--no-optional-locks", "status", "--porcelain", "--untracked-files=no")
    if changed is None:  # git could say the commit but not the changes: not claimed clean
        return f"git {commit}, changes unknown"
    if not changed:
        return f"git {commit}"
    # which changes (audit review, 2026-12-06: two trees edited differently read alike): the first 12 hex of
    # the SHA-256 of the tracked files' diff from the commit, the same for the same edits
    diff = _diff_bytes(root)
    said = f" (diff sha256 {hashlib.sha256(diff).hexdigest()[:12]})" if diff is not None else ""
    return f"git {commit}, with uncommitted changes{said}"


@functools.cache
def code_revision() -> str:
    """:func:`revision_of` the folder above the ``hydro`` package, asked once a process, at its
    first run: the code a process runs is what it imported (a module reloaded afterwards, or a commit
    made during the session, is not seen)."""
    return revision_of(Path(__file__).resolve().parent.parent)


def revision_attributes() -> dict[str, str]:
    """``{"source_revision": ...}`` where :func:`code_revision` names one, else ``{}``."""
    revision = code_revision()
    return {"source_revision": revision} if revision else {}
