"""Atomic file writes: a reader sees the old file or the new one, never half of either.

The content goes to a temporary file in the destination's folder, is flushed to disk, and then
replaces the destination with os.replace. A failed write leaves no temporary file behind.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Callable

from embdash.errors import CacheError


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Call write(temporary path) to fill a temporary file beside `path`, then put it in place.

    Raises CacheError (with the reason in plain words) when the disk refuses.
    """
    path = Path(path)
    folder = path.parent
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)  # the folder may have been deleted meanwhile
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        os.close(handle)
        temporary = Path(name)
        write(temporary)
        _fsync_file(temporary)
        os.replace(temporary, path)
        temporary = None
        fsync_folder(folder)
    except OSError as exc:
        raise CacheError(disk_message(exc, folder)) from exc
    finally:
        if temporary is not None:
            remove_quietly(temporary)


def write_bytes_atomically(path: Path, data: bytes) -> None:
    write_atomically(path, lambda temporary: temporary.write_bytes(data))


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as file:
        os.fsync(file.fileno())


def fsync_folder(folder: Path) -> None:
    """Make a rename durable; not possible everywhere (Windows), so best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def disk_message(exc: OSError, folder: Path) -> str:
    """One sentence saying why the data folder refused a write."""
    if exc.errno == errno.ENOSPC:
        reason = "the disk is full"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        reason = "permission denied"
    elif exc.errno == errno.EROFS:
        reason = "the disk is read-only"
    else:
        reason = exc.strerror or str(exc)
    return f"Could not write to the data folder {folder} ({reason})."
