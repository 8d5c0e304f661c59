"""The Ray engine: byte-for-byte the vectors of the local path, the same cache files, cached reruns."""

import numpy as np
import pandas as pd
import pytest

from embdash.corpus import make_corpus, sample_corpus_path
from embdash.distributed import BATCH_SIZE, add_engine_arguments, embed_with_ray, local_runtime_env
from embdash.embed import embed_corpus
from embdash.errors import ModelError
from embdash.models import load_embedder
from embdash.store import Store

ray = pytest.importorskip("ray")
# A real model that loads in under a second per Ray worker (ONNX, 3 layers): the Ray start-up and the
# two workers' model loads are most of this module's time. The engine is model-agnostic.
MODEL = "paraphrase-MiniLM-L3-v2"


@pytest.fixture(scope="module")
def local_ray():
    # One local Ray for the module (start-up costs seconds), with the machine's 2 cores. Ray gives its
    # raylet 30 s to register; on a machine shared by several test runs that can run out once.
    for attempt in range(2):
        try:
            ray.init(num_cpus=2, runtime_env=local_runtime_env(), include_dashboard=False, log_to_driver=False,
                     object_store_memory=200 * 2**20)
            break
        except Exception:
            ray.shutdown()
            if attempt:
                raise
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus():
    texts = pd.read_csv(sample_corpus_path())["text"].tolist()[:270]
    texts = texts + texts[:40] + [""]  # duplicates and an empty text: embedded once each
    return make_corpus(pd.DataFrame({"text": texts, "n": range(len(texts))}), "text", "ray-test")


@pytest.mark.slow  # Ray start-up and its workers: ~1 min on 2 idle cores, several when they are shared
def test_ray_engine_equals_the_local_path_byte_for_byte(local_ray, corpus, tmp_path):
    assert len(set(corpus.texts)) > BATCH_SIZE  # at least two batches, on two workers
    local_store, ray_store = Store(tmp_path / "local"), Store(tmp_path / "ray")
    local = embed_corpus(corpus, load_embedder(MODEL), local_store)
    seen = []
    remote = embed_with_ray(corpus, MODEL, ray_store, progress=lambda d, t: seen.append((d, t)))

    assert remote.vectors.dtype == np.float32 and remote.vectors.shape == local.vectors.shape
    assert remote.vectors.tobytes() == local.vectors.tobytes()
    assert (remote.n_total, remote.n_unique, remote.n_computed) == (local.n_total, local.n_unique, local.n_computed)
    assert seen[0] == (0, remote.n_computed) and seen[-1] == (remote.n_computed, remote.n_computed)

    # The same cache format: a fresh local Store reads the Ray-written parts, and the local path
    # finds everything cached there.
    key = load_embedder(MODEL).cache_key
    reread = embed_corpus(corpus, load_embedder(MODEL), Store(tmp_path / "ray"))
    assert reread.n_computed == 0 and reread.vectors.tobytes() == local.vectors.tobytes()
    assert list(Store(tmp_path / "ray").embeddings_dir(key).glob("part-*.parquet"))

    # A second Ray run computes nothing.
    again = embed_with_ray(corpus, MODEL, Store(tmp_path / "ray"))
    assert again.n_computed == 0 and again.vectors.tobytes() == local.vectors.tobytes()


def test_corpus_fitted_models_are_refused(corpus, tmp_path):
    with pytest.raises(ModelError, match="local engine"):
        embed_with_ray(corpus, "tfidf-lsa", Store(tmp_path))


def test_cli_options():
    import argparse

    parser = argparse.ArgumentParser()
    add_engine_arguments(parser)
    assert parser.parse_args([]).engine == "local"
    args = parser.parse_args(["--engine", "ray", "--ray-address", "10.0.0.5:6379"])
    assert (args.engine, args.ray_address) == ("ray", "10.0.0.5:6379")
    with pytest.raises(SystemExit):
        parser.parse_args(["--engine", "spark"])


@pytest.mark.slow
def test_cli_embed_on_ray_writes_what_the_local_engine_writes(local_ray, corpus, tmp_path, monkeypatch):
    from embdash.cli import main

    source = tmp_path / "corpus.csv"
    corpus.frame.iloc[:80].to_csv(source, index=False)
    for engine in ("local", "ray"):
        monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path / engine))  # separate caches: Ray must compute
        code = main(["embed", str(source), "--text-column", "text", "--model", MODEL, "--quiet",
                     "--engine", engine, "--out", str(tmp_path / f"{engine}.parquet")])
        assert code == 0
    local, remote = (pd.read_parquet(tmp_path / f"{engine}.parquet") for engine in ("local", "ray"))
    assert np.stack(remote["embedding"]).tobytes() == np.stack(local["embedding"]).tobytes()
