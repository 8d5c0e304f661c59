"""Atomic file writes: a reader sees the old file or the new one, never half of either.

The content goes to a temporary file in the destination's folder, is flushed to disk, and then
replaces the destination with os.replace. A failed write leaves no temporary file behind; a killed
process does, so temporaries carry a recognisable name (.<name>.<pid>.<random>.embdash-tmp) and
remove_orphan_temporaries() clears old ones (the Store calls it once per process and data folder).
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

from embdash.errors import CacheError

TEMPORARY_SUFFIX = ".embdash-tmp"
# Older than this, a temporary belongs to a dead writer: the largest write (a vector part of a million
# rows) takes seconds, so an hour never removes a live writer's file, in this process or another.
ORPHAN_AGE_SECONDS = 3600.0
_cleaned_roots: set[Path] = set()
_cleaned_lock = threading.Lock()


def temporary_prefix(path: Path) -> str:
    """The start of a temporary's name beside `path`; mkstemp adds a random part, then TEMPORARY_SUFFIX."""
    return f".{Path(path).name}.{os.getpid()}."


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Call write(temporary path) to fill a temporary file beside `path`, then put it in place.

    Raises CacheError (with the reason in plain words) when the disk refuses.
    """
    path = Path(path)
    folder = path.parent
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)  # the folder may have been deleted meanwhile
        handle, name = tempfile.mkstemp(dir=folder, prefix=temporary_prefix(path), suffix=TEMPORARY_SUFFIX)
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


def write_text_atomically(path: Path, text: str) -> None:
    write_bytes_atomically(path, text.encode("utf-8"))


def temporary_folder(beside: Path) -> tempfile.TemporaryDirectory:
    """A scratch folder beside `beside`, removed on exit, named like a temporary file so that the orphan
    cleaning also clears one left by a killed process."""
    beside = Path(beside)
    return tempfile.TemporaryDirectory(dir=beside.parent, prefix=temporary_prefix(beside), suffix=TEMPORARY_SUFFIX)


def remove_orphan_temporaries(root: Path, older_than: float = ORPHAN_AGE_SECONDS) -> list[Path]:
    """Remove temporaries under `root` (files or scratch folders) last modified more than `older_than`
    seconds ago: left by a process killed mid-write. Returns what was removed; never raises."""
    cutoff = time.time() - older_than
    removed: list[Path] = []
    for folder, folders, files in os.walk(root):
        for name in [*files, *folders]:
            if not _is_temporary_name(name):
                continue
            path = Path(folder) / name
            try:
                if path.lstat().st_mtime > cutoff:
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                    folders.remove(name)
                else:
                    path.unlink()
            except OSError:
                continue
            removed.append(path)
    return removed


def remove_orphan_temporaries_once(root: Path) -> None:
    """remove_orphan_temporaries(root), the first time this process asks for this root only: a walk of
    the data folder costs a little, and orphans only appear when a process dies."""
    root = Path(root).resolve()
    with _cleaned_lock:
        if root in _cleaned_roots:
            return
        _cleaned_roots.add(root)
    remove_orphan_temporaries(root)


def _is_temporary_name(name: str) -> bool:
    # The second form is what earlier versions wrote (.<name>.<random>.tmp).
    return name.endswith(TEMPORARY_SUFFIX) or (name.startswith(".") and name.endswith(".tmp"))


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
