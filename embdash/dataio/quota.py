"""A cap on the disk that derived files take, kept by evicting the least recently used ones.

Derived files are what embdash can compute again: cached vectors (embeddings/), derived arrays and values
(artefacts/) and search indexes (indexes/). Corpora an operator or visitor stored, and the analyst's topic
edits (their work, not a cache), are never counted nor evicted; nor are hidden files (locks, temporaries).

The store records a use when it reads a file by setting the file's access time explicitly: that works on
mounts with noatime or relatime, and leaves the modification time, by which the vector index notices new
parts, untouched. A file's last use is the later of the two times.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Iterable

DERIVED_FOLDERS = ("embeddings", "artefacts", "indexes")
KEPT_KINDS = frozenset({"topic-edits"})  # artefacts/<kind>/ folders that hold the analyst's work
MB = 1024 * 1024


def record_use(path: Path) -> None:
    """Mark `path` as just used (its access time); a file that vanished or cannot be touched is no matter."""
    try:
        os.utime(path, ns=(time.time_ns(), os.stat(path).st_mtime_ns))
    except OSError:
        pass


def derived_files(root: Path) -> list[tuple[int, int, Path]]:
    """(last use in ns, size in bytes, path) of every derived file under the data folder `root`."""
    found = []
    for name in DERIVED_FOLDERS:
        for folder, folders, files in os.walk(Path(root) / name):
            if name == "artefacts" and Path(folder) == Path(root) / name:
                folders[:] = [kind for kind in folders if kind not in KEPT_KINDS]
            for file in files:
                if file.startswith("."):
                    continue
                path = Path(folder) / file
                try:
                    stat = path.stat()
                except OSError:
                    continue
                found.append((max(stat.st_atime_ns, stat.st_mtime_ns), stat.st_size, path))
    return found


def evict_over_quota(root: Path, quota_bytes: int, keep: Iterable[Path] = ()) -> list[Path]:
    """Remove the least recently used derived files until they take at most `quota_bytes`, never one in
    `keep` (the files a write has just made). Returns the paths removed, oldest use first."""
    files = derived_files(root)
    total = sum(size for _, size, _ in files)
    keep = {Path(path) for path in keep}
    removed: list[Path] = []
    for _, size, path in sorted(files, key=lambda item: item[0]):
        if total <= quota_bytes:
            break
        if path in keep:
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            pass  # another process evicted it first
        except OSError:
            continue
        total -= size
        removed.append(path)
    return removed
