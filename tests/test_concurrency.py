"""Two real processes embedding the same texts into one cache at the same time: no corruption, and
every distinct text is computed once in total (the second process waits for the lock, then reads)."""

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from embdash.dataio.store import Store
from embdash.hashing import text_hash
from embdash.models.embed import embed_texts
from tests.conftest import REPO
from tests.fakes import PlantedTopicsEmbedder, planted_texts

# Each worker waits for a common start time, embeds with a slowed-down fake model that logs every text
# it computes (one line per text, with its pid), and saves its vectors for comparison.
WORKER = """
import os, sys, time, json
import numpy as np
from embdash.models.embed import embed_texts
from embdash.hashing import text_hash
from embdash.dataio.store import Store
from tests.fakes import PlantedTopicsEmbedder, planted_texts

root, log_path, out_path, start_at = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])

class LoggingEmbedder(PlantedTopicsEmbedder):
    def embed(self, texts):
        with open(log_path, "a") as log:
            log.writelines(f"{os.getpid()}\\t{text}\\n" for text in texts)
        time.sleep(0.05)  # slow enough that the two runs overlap
        return super().embed(texts)

texts, _ = planted_texts(n_topics=6, per_topic=60)
texts = texts + texts[:50]  # duplicates are embedded once as well
while time.time() < start_at:
    time.sleep(0.005)
result = embed_texts(texts, LoggingEmbedder(), Store(root), batch_size=16)
np.save(out_path, result.vectors)
print(json.dumps({"computed": result.n_computed, "cached": result.n_cached, "problems": result.problems}))
"""


def run_workers(tmp_path: Path, n: int = 2) -> list[dict]:
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    log = tmp_path / "computed.log"
    start_at = time.time() + 4  # both processes are importing by then
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), str(tmp_path / "store"), str(log), str(tmp_path / f"out{i}.npy"), str(start_at)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={"PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
        )
        for i in range(n)
    ]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-2000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


def test_two_processes_share_one_cache_and_compute_each_text_once(tmp_path):
    texts, _ = planted_texts(n_topics=6, per_topic=60)
    distinct = len(set(texts))
    reports = run_workers(tmp_path)

    computed_lines = (tmp_path / "computed.log").read_text().splitlines()
    computed_texts = [line.split("\t", 1)[1] for line in computed_lines]
    assert len(computed_texts) == distinct  # once in total, across both processes
    assert len(set(computed_texts)) == distinct
    assert sorted(r["computed"] for r in reports) == [0, distinct]  # one computed all, the other waited and read
    assert all(not r["problems"] for r in reports)

    first, second = np.load(tmp_path / "out0.npy"), np.load(tmp_path / "out1.npy")
    assert np.array_equal(first, second)  # the waiting process read back the same bits

    store = Store(tmp_path / "store")
    vectors, found = store.load_vectors(PlantedTopicsEmbedder().cache_key, [text_hash(t) for t in texts])
    assert found.all()
    assert not list((tmp_path / "store").rglob("*.corrupt")) and not list((tmp_path / "store").rglob("*.embdash-tmp"))
    again = embed_texts(texts, PlantedTopicsEmbedder(), store)
    assert again.n_computed == 0 and np.array_equal(again.vectors, first[: len(texts)])


def test_the_lock_is_skipped_when_everything_is_cached(tmp_path):
    texts, _ = planted_texts(n_topics=2, per_topic=5)
    store = Store(tmp_path)
    embed_texts(texts, PlantedTopicsEmbedder(), store)
    lock_file = store.embeddings_dir(PlantedTopicsEmbedder().cache_key) / ".embedding.lock"
    with store.embedding_lock(PlantedTopicsEmbedder().cache_key):  # held elsewhere: a cached read must not wait
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            result = pool.submit(embed_texts, texts, PlantedTopicsEmbedder(), store).result(timeout=10)
    assert result.n_computed == 0
    assert lock_file.parent.is_dir()
