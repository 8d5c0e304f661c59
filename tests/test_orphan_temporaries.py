"""A writer killed mid-write leaves a temporary file; opening the Store clears old ones, never fresh ones."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from embdash.dataio import atomic
from embdash.dataio.store import Store

# Writes a big file slowly through the atomic helper; says "writing" once the temporary holds data.
SLOW_WRITER = """
import sys, time
from pathlib import Path
from embdash.dataio.atomic import write_atomically

def slowly(temporary):
    with open(temporary, "wb") as out:
        for i in range(10_000):
            out.write(b"x" * 65536)
            out.flush()
            if i == 3:
                print("writing", flush=True)
            time.sleep(0.01)

write_atomically(Path(sys.argv[1]), slowly)
"""


def kill_writer_mid_write(destination: Path) -> Path:
    """Run the slow writer, kill -9 it mid-write, and return the temporary it left."""
    writer = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(destination)], stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    try:
        assert writer.stdout.readline().strip() == b"writing"
        os.kill(writer.pid, signal.SIGKILL)
        assert writer.wait(timeout=30) == -signal.SIGKILL
    finally:
        if writer.poll() is None:
            writer.kill()
    left = [p for p in destination.parent.iterdir() if p.name != destination.name]
    assert len(left) == 1 and not destination.exists()
    return left[0]


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_kill_during_write_leaves_a_recognisable_temporary(tmp_path):
    destination = tmp_path / "artefacts" / "umap2" / "abc.parquet"
    destination.parent.mkdir(parents=True)
    orphan = kill_writer_mid_write(destination)
    assert orphan.name.startswith(".abc.parquet.") and orphan.name.endswith(atomic.TEMPORARY_SUFFIX)
    assert orphan.stat().st_size >= 4 * 65536


def test_opening_the_store_removes_old_orphans_and_keeps_fresh_temporaries(tmp_path):
    root = tmp_path / "data"
    destination = root / "artefacts" / "umap2" / "abc.parquet"
    destination.parent.mkdir(parents=True)
    orphan = kill_writer_mid_write(destination)
    age(orphan, 2 * 3600)
    # A live writer's temporary (another process, now), an old one from an earlier version, a scratch
    # folder of an interrupted export, and an ordinary hidden file that only looks temporary-ish.
    fresh = destination.parent / f".other.parquet.{os.getpid() + 1}.q1w2e3r4{atomic.TEMPORARY_SUFFIX}"
    fresh.write_bytes(b"in progress")
    legacy = root / "embeddings" / "m" / ".part-1.parquet.k2j3h4.tmp"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"old")
    age(legacy, 2 * 3600)
    scratch = root / "onnx" / f".model.1.abcd{atomic.TEMPORARY_SUFFIX}"
    scratch.mkdir(parents=True)
    (scratch / "fp32.onnx").write_bytes(b"half")
    age(scratch, 2 * 3600)
    kept = root / "embeddings" / "m" / ".embedding.lock"
    kept.write_bytes(b"")
    age(kept, 2 * 3600)

    Store(root)

    assert not orphan.exists() and not legacy.exists() and not scratch.exists()
    assert fresh.exists() and kept.exists()


def test_the_store_cleans_a_root_once_per_process(tmp_path):
    root = tmp_path / "data"
    Store(root)
    late = root / "artefacts" / f".x.parquet.1.abcdefgh{atomic.TEMPORARY_SUFFIX}"
    late.parent.mkdir(parents=True)
    late.write_bytes(b"")
    age(late, 2 * 3600)
    Store(root)  # the same process opening the store again does not walk the folder again
    assert late.exists()
    assert atomic.remove_orphan_temporaries(root) == [late] and not late.exists()
