"""The one output policy of every hydro command that writes a file.

Every writer (``hydro run``, ``scenarios`` and its summary CSV, ``report``, ``plot -o``, ``gep -o``,
``compensate --csv``, the files of ``calibrate``) goes through this module:

* :func:`check_output` runs *before* anything is computed: it refuses an existing file unless
  ``--overwrite`` is given, and a folder that is missing, not a folder or not writable, each with
  exit status 2 and a message that names the file and what to do.  It also removes the temporary
  files that an earlier, killed write of the same target left behind
  (``.NAME.<pid>@<host>.<random>.part`` whose process is gone).
* :func:`atomic_path` / :func:`atomic_open` / :func:`write_text` write under a temporary name in
  the target's folder, flush it to disk (``fsync``), give it the permissions the user's umask allows
  (``0666 & ~umask``: a colleague can read a result on a shared server when the umask says so) and
  rename it into place.  Without ``overwrite`` the rename never replaces a file that appeared
  meanwhile (another writer on the same path): it links the temporary file to the name, which fails
  if the name exists.  The temporary file is removed on any exit that Python sees (an error,
  Ctrl-C, SIGTERM through :func:`hydro.signals.handle_signals`).

Tests only: ``HYDRO_TEST_WRITE_DELAY=SECONDS`` makes every atomic write sleep that long after writing
its temporary file and before renaming it (a window in which to kill the process).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from hydro.errors import HydroError
from hydro.folder_locks import folders_locked
from hydro.output_names import check_writable_name, temp_stem
from hydro.signals import held, raise_if_signalled
from hydro.workers import pid_alive
from hydro.workers import worker_init as worker_init
from hydro.write_failures import disk_errors
from hydro.write_failures import write_failure as write_failure

#: Environment variable of the test-only delay before the rename (seconds).
DELAY_ENV = "HYDRO_TEST_WRITE_DELAY"

#: Seconds after which a temporary file of another host counts as stale.
FOREIGN_STALE_S = 24 * 3600

#: Seconds after which an untagged temporary file (``.NAME.<random>.part``, written by hydro
#: before this module) counts as stale.
LEGACY_STALE_S = 600



def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"


def _umask() -> int:
    try:  # Linux: read it without changing it (os.umask is process-wide and not thread-safe)
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode of a new file under the current umask (``0o644`` with the usual ``022``)."""
    return 0o666 & ~_umask()


def _temp_pattern(name: str) -> re.Pattern:
    return re.compile(r"^\." + re.escape(temp_stem(name)) + r"\.(.+)\.part$")


def remove_stale_temps(path: str | Path) -> list[Path]:
    """Remove the temporary files of ``path`` that a killed writer left behind.

    A temporary file ``.NAME.<pid>@<host>.<random>.part`` is stale when it is of
    this host and its process is gone, or of another host and older than a day;
    one of the older ``.NAME.<random>.part`` form when it is older than ten
    minutes.  Returns the files removed.
    """
    path = Path(path)
    folder = path.parent
    pattern = _temp_pattern(path.name)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    host = _host()
    now = time.time()
    for entry in entries:
        m = pattern.match(entry.name)
        if not m or not entry.is_file(follow_symlinks=False):
            continue
        tag = m.group(1)
        owner = re.match(r"^(\d+)@([A-Za-z0-9-]+)\.", tag)
        if owner and owner.group(2) == host:
            pid = int(owner.group(1))
            stale = pid != os.getpid() and not pid_alive(pid)
        else:
            limit = FOREIGN_STALE_S if owner else LEGACY_STALE_S
            try:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > limit
            except OSError:
                stale = False
        if stale:
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def check_folder(folder: str | Path, option: str = "-o", target: str | Path | None = None) -> Path:
    """Check that ``folder`` exists, is a folder and can be written to (exit 2 otherwise);
    ``target`` is the file to be written there (named in the message)."""
    folder = Path(folder)
    shown = str(folder) if str(folder) else "."
    probe = folder if str(folder) else Path(".")
    lead = f"{target}: cannot write it: " if target is not None else ""
    if not probe.exists():
        # a path under a regular file (/etc/passwd/x) does not exist either
        for parent in (probe, *probe.parents):
            if parent.exists() and not parent.is_dir():
                raise HydroError(f"{lead}{parent} is a file, not a folder; choose another {option}")
        raise HydroError(f"{lead}{shown}: folder does not exist; create it (mkdir -p {shown}) or "
                         f"choose another {option}")
    if not probe.is_dir():
        raise HydroError(f"{lead}{shown} is a file, not a folder; choose another {option}")
    if not os.access(probe, os.W_OK | os.X_OK):
        if _read_only_mount(probe):  # no permission would help (a shared server's mount, a container's image)
            raise HydroError(f"{lead}{shown}: folder is on a read-only file system; choose another {option} on "
                             "a writable disk")
        raise HydroError(f"{lead}{shown}: folder is not writable (permission denied); choose "
                         f"another {option} or ask for write permission")
    return folder


def _read_only_mount(folder: Path) -> bool:
    """Whether ``folder`` lies on a file system mounted read-only (reported as a permission before, 2026-12-06)."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows)
        return False


def overwrite_flag(option: str) -> str:
    """What replaces a file: ``--overwrite`` for a command's option (``-o``), ``overwrite=True`` for ``path``."""
    return "--overwrite" if option.startswith("-") else "overwrite=True"


def check_output(path: str | Path, overwrite: bool = False, *, option: str = "-o",
                 flag: str | None = None, inputs: Iterable[str | Path | None] = ()) -> Path:
    """Check an output file before anything is computed; remove stale temporary files of it.

    Parameters
    ----------
    path : str or Path
        The file to write.
    overwrite : bool
        Whether an existing file may be replaced.
    option : str
        The option that named the file (for messages), e.g. ``-o``, ``--csv``; ``path``: a Python argument.
    flag : str, optional
        What allows replacing it (for messages); default :func:`overwrite_flag` of ``option``.
    inputs : iterable of paths
        Files the command reads (None ignored): the output may not be one of them,
        even with ``overwrite``.

    Raises
    ------
    HydroError
        The file exists (and ``overwrite`` is false), is a folder, is one of ``inputs``,
        or its folder is missing, not a folder or not writable.
    """
    path, flag = Path(path), flag or overwrite_flag(option)
    check_writable_name(path, option)
    if path.is_dir():
        raise HydroError(f"{path}: is a folder; give {option} a file name such as {path / 'out'}")
    check_folder(path.parent, option, target=path)
    remove_stale_temps(path)
    for source in inputs:
        if source is not None and path.exists() and Path(source).exists() and path.samefile(source):
            raise HydroError(f"{path}: is a file this command reads; writing {option} there would replace it "
                             f"({flag} replaces earlier outputs, not inputs): choose another {option}")
    if (path.exists() or path.is_symlink()) and not overwrite:
        raise HydroError(f"{path} exists; pass {flag} to replace it, or choose another {option}")
    if path.exists() and not os.access(path, os.W_OK):
        # the rename would succeed in a writable folder, but the user said the file is read-only
        raise HydroError(f"{path}: file is read-only; make it writable or choose another {option}")
    return path


def _delay() -> None:
    text = os.environ.get(DELAY_ENV)
    if text:
        try:
            seconds = float(text)
        except ValueError:
            return
        time.sleep(max(seconds, 0.0))


def _fsync_file(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder if str(folder) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _commit(tmp: str, path: Path, overwrite: bool, option: str, flag: str) -> None:
    if overwrite:
        _keep_mode_and_group(path, tmp)
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # atomic and never replaces: fails if another writer got there first
    except FileExistsError:
        raise HydroError(f"{path} exists (written meanwhile by another process); pass {flag} to "
                         f"replace it, or choose another {option}") from None
    except OSError:
        # a file system without hard links: check, then rename (a small race remains)
        if path.exists():
            raise HydroError(f"{path} exists (written meanwhile by another process); pass {flag} "
                             f"to replace it, or choose another {option}") from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def _keep_mode_and_group(path: Path, tmp: str) -> None:
    """Give the file replacing ``path`` the permissions and group of the one it replaces: a result shared on a
    server (group-writable, a project's group) stays shared after ``--overwrite`` (concurrency review,
    2026-12-06: a 664 file of the team's group came back 644 and the writer's own).  What the file system
    refuses (a group the writer is not in) is left as the umask made it."""
    try:
        old = os.stat(path)
    except OSError:
        return
    with contextlib.suppress(OSError, AttributeError):  # (no os.chown on Windows)
        os.chown(tmp, -1, old.st_gid)
    with contextlib.suppress(OSError):
        os.chmod(tmp, old.st_mode & 0o7777)


@contextlib.contextmanager
def atomic_path(path: str | Path, overwrite: bool = False, *, option: str = "-o",
                flag: str | None = None) -> Iterator[Path]:
    """Yield a temporary path in ``path``'s folder; on success it becomes ``path``.

    The caller writes the temporary file by name (netCDF, a figure).  On a clean
    exit of the block the file is flushed to disk, given the umask's mode and
    renamed to ``path``; on any exception (Ctrl-C and SIGTERM included) it is
    removed and the exception propagates.
    """
    path, flag = Path(path), flag or overwrite_flag(option)
    check_output(path, overwrite, option=option, flag=flag)
    folder = path.parent if str(path.parent) else Path(".")
    tmp = _temp_name(path, folder)
    deferred = False
    try:  # created inside the try: a signal right after creation still removes it
        with disk_errors(path, folder):
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            yield Path(tmp)
            _fsync_file(tmp)
            os.chmod(tmp, file_mode())
            _delay()
            raise_if_signalled()  # a signal that library code swallowed still stops the commit
            if _group is not None:  # renamed with the others at the end of written_together()
                _group.append((tmp, path, overwrite, option, flag, folder))
                deferred = True
                return
            _commit(tmp, path, overwrite, option, flag)
            _fsync_folder(folder)
    finally:
        if not deferred:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _temp_name(path: Path, folder: Path) -> str:
    """A temporary name beside ``path`` that says whose it is (``.NAME.<pid>@<host>.<random>.part``)."""
    return str(folder / f".{temp_stem(path.name)}.{os.getpid()}@{_host()}.{uuid.uuid4().hex[:8]}.part")


#: The files of an open :func:`written_together` block, waiting to be renamed into place.
_group: list | None = None


@contextlib.contextmanager
def written_together() -> Iterator[None]:
    """Files written through :func:`atomic_path` inside the block become theirs together, at its end.

    A pair of outputs (``hydro scenarios``' netCDF and its summary CSV) is never left half old, half
    new: each file is written to its temporary name as usual; on a clean exit all are renamed into
    place one after the other with Ctrl-C and SIGTERM held back (delivered after the renames,
    :func:`hydro.signals.held`); on any exception none is and the temporary files are removed.  A
    rename that fails after others (a name taken meanwhile, a full disk) undoes them (:func:`_undo`).
    """
    global _group
    outer, _group = _group, []
    pending = _group
    done: list[tuple[Path, str | None]] = []  # each file put in place, and its old file's link (None: new)
    try:
        yield
        with held(), folders_locked({folder for *_, folder in pending}):
            try:
                for tmp, path, overwrite, option, flag, folder in pending:
                    with disk_errors(path, folder):
                        old = _linked_old(path, folder) if overwrite else None
                        _commit(tmp, path, overwrite, option, flag)
                        done.append((path, old))
                        _fsync_folder(folder)
            except BaseException:
                _undo(done)
                raise
    finally:
        _group = outer
        for leftover in [tmp for tmp, *_ in pending] + [old for _, old in done if old]:
            with contextlib.suppress(OSError):
                os.unlink(leftover)


def _linked_old(path: Path, folder: Path) -> str | None:
    """A hard link to the file at ``path`` under a temporary name; None where no file is there, ``""``
    where it cannot be kept (a file system without hard links: a failed pair then keeps the new one)."""
    if not path.exists():
        return None
    old = _temp_name(path, folder)
    try:
        os.link(path, old)
    except OSError:
        return ""
    return old


def _undo(done: list[tuple[Path, str | None]]) -> None:
    """Take back :func:`written_together`'s renames, the last first: remove a new file, put back a replaced one."""
    for path, old in reversed(done):
        with contextlib.suppress(OSError):
            if old is None:
                os.unlink(path)
            elif old:
                os.replace(old, path)


@contextlib.contextmanager
def atomic_open(path: str | Path, overwrite: bool = False, *, option: str = "-o",
                flag: str | None = None, mode: str = "w", encoding: str | None = "utf-8",
                newline: str | None = "") -> Iterator:
    """Open a temporary file for writing; on success it becomes ``path`` (see :func:`atomic_path`)."""
    binary = "b" in mode
    with atomic_path(path, overwrite, option=option, flag=flag) as tmp:
        with open(tmp, mode, **({} if binary else {"encoding": encoding, "newline": newline})) as fh:
            yield fh
            fh.flush()


def write_text(path: str | Path, text: str, overwrite: bool = False, *, option: str = "-o",
               flag: str | None = None, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_open(path, overwrite, option=option, flag=flag, encoding=encoding, newline="") as fh:
        fh.write(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes, overwrite: bool = False, *, option: str = "-o",
                flag: str | None = None) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_open(path, overwrite, option=option, flag=flag, mode="wb") as fh:
        fh.write(data)
    return Path(path)
