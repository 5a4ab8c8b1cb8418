"""Write a file completely or not at all: a temporary file beside the target, then a rename.

* The file is created with mode ``0o666`` less the umask, as ``open(path, "w")`` would (not
  ``mkstemp``'s ``0o600``); a file that already exists keeps its own mode.
* Writing through a symbolic link writes the file it points to and keeps the link (a rename onto
  the link itself would replace the link with a plain file).
* The temporary file is named ``.<name>.tokensmith-tmp-<random>`` and removed on any error or
  interruption that Python sees; only a killed process can leave one behind.
* Failures of the file system (no such directory, permission denied, disk full) raise
  :class:`~tokensmith.errors.SaveError` naming the path, never a bare ``OSError``.
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager

from ..errors import SaveError

TEMP_MARKER = ".tokensmith-tmp-"


def resolve_target(path: str | os.PathLike) -> str:
    """The file a write to ``path`` must replace: the final target of a symbolic link."""
    path = os.fspath(path)
    return os.path.realpath(path) if os.path.islink(path) else path


def open_temp(directory: str, name: str, mode: int = 0o666) -> tuple[int, str]:
    """A new file ``.<name>.tokensmith-tmp-<random>`` in ``directory``: (descriptor, path)."""
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}{TEMP_MARKER}{secrets.token_hex(4)}")
        try:
            # O_EXCL: never another writer's file; ``mode`` passes through the umask as usual.
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {directory}")


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8"):
    """``with atomic_write(path) as f: f.write(...)``: ``path`` holds all of it or is unchanged."""
    shown = os.fspath(path)
    target = resolve_target(shown)
    if os.path.isdir(target):
        raise SaveError(shown, "is a directory")
    directory = os.path.dirname(os.path.abspath(target))
    tmp = None
    try:
        os.makedirs(directory, exist_ok=True)
        try:
            keep = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            keep = None
        fd, tmp = open_temp(directory, os.path.basename(target), 0o666 if keep is None else 0o600)
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        if keep is not None:
            os.chmod(tmp, keep)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise SaveError(shown, f"cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
