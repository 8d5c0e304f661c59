"""The Ray engine: Ray Data reads the corpus in shards; byte-for-byte the vectors and cache files of the local path."""

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from embdash.dataio.corpus import make_corpus, sample_corpus_path
from embdash.dataio.store import Store
from embdash.errors import ModelError
from embdash.hashing import text_hash
from embdash.models.catalogue import load_embedder
from embdash.models.distributed import (
    add_engine_arguments,
    corpus_shards,
    corpus_source,
    embed_with_ray,
    hash_shards,
    local_runtime_env,
    shard_count,
)
from embdash.models.embed import (
    BATCH_SIZE,
    batch_plan,
    embed_corpus,
    embed_texts,
    planned_tokens,
)
from tests.conftest import REPO

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
    texts = pd.read_csv(sample_corpus_path())["text"].tolist()[:400]
    texts = texts + texts[:40] + [""]  # duplicates and an empty text: embedded once each
    return make_corpus(pd.DataFrame({"text": texts, "n": range(len(texts))}), "text", "ray-test")


def cache_contents(store: Store, cache_key: str) -> dict:
    """Each part file of one model's cache: name -> (hashes in order, vector bytes)."""
    contents = {}
    for part in sorted(store.embeddings_dir(cache_key).glob("part-*.parquet")):
        table = pq.read_table(part)
        vectors = np.stack(table.column("vector").to_numpy(zero_copy_only=False)).astype(np.float32)
        contents[part.name] = (table.column("text_sha256").to_pylist(), vectors.tobytes())
    return contents


def test_a_vector_depends_on_its_batch():
    # Why the engine keeps embed_texts' batches: a short text padded next to long ones gets other last
    # bits. (If this ever fails, batching no longer matters for equality and the plan could be simpler.)
    texts = pd.read_csv(sample_corpus_path())["text"].tolist()[:300]
    short, longs = min(texts, key=len), sorted(texts, key=len)[-20:]
    embedder = load_embedder(MODEL)
    alone = np.asarray(embedder.embed([short]), np.float32)[0]
    padded = np.asarray(embedder.embed(longs + [short]), np.float32)[-1]
    assert alone.tobytes() != padded.tobytes()
    assert np.allclose(alone, padded, atol=1e-5)


@pytest.mark.slow  # Ray start-up and its workers: ~1 min on 2 idle cores, several when they are shared
def test_the_corpus_is_read_in_shards_that_hash_like_the_driver(local_ray, corpus, tmp_path):
    assert shard_count(ray, len(corpus)) >= 2  # the default reads in at least one shard per CPU
    for source in (corpus_source(corpus, None, tmp_path), corpus_source(corpus, Store(tmp_path / "store"), tmp_path)):
        shards = corpus_shards(ray, source, 3)
        assert shards.materialize().num_blocks() == 3
        hashes, lengths = hash_shards(shards)
        assert hashes == [text_hash(t) for t in corpus.texts]  # in corpus order, across shards
        assert lengths.tolist() == [len(t) for t in corpus.texts]
    # With a store, Ray reads the store's own copy of the corpus.
    assert source.path == Store(tmp_path / "store").corpus_path(corpus.key)


@pytest.mark.slow
def test_ray_engine_equals_the_local_path_byte_for_byte(local_ray, corpus, tmp_path):
    local_store, ray_store = Store(tmp_path / "local"), Store(tmp_path / "ray")
    embedder = load_embedder(MODEL)
    key = embedder.cache_key
    # Part of the corpus already cached in both stores (texts 0, 5, 10, ...): only the rest is computed.
    for store in (local_store, ray_store):
        embed_texts(corpus.texts[::5], embedder, store)
    local = embed_corpus(corpus, embedder, local_store)
    seen, reports = [], []
    remote = embed_with_ray(corpus, MODEL, ray_store, progress=lambda d, t: seen.append((d, t)), num_shards=3,
                            on_batch=reports.append)

    assert remote.vectors.dtype == np.float32 and remote.vectors.shape == local.vectors.shape
    assert remote.vectors.tobytes() == local.vectors.tobytes()
    assert (remote.n_total, remote.n_unique, remote.n_cached, remote.n_computed) == (
        local.n_total, local.n_unique, local.n_cached, local.n_computed)
    assert 0 < remote.n_cached and remote.n_computed > BATCH_SIZE  # some cached, several batches on two workers
    assert seen[0] == (0, remote.n_computed) and seen[-1] == (remote.n_computed, remote.n_computed)
    unique = list(dict.fromkeys(corpus.texts))
    missing = [t for t in unique if t not in set(corpus.texts[::5])]
    plan = batch_plan(np.arange(len(missing)), planned_tokens(missing, embedder))
    assert len(seen) == 1 + len(plan)  # one report per batch of the local path's plan
    # The workers finish their batches in whatever order they run: the same batches, reported as they end.
    done = [d for d, _ in seen]
    assert done[0] == 0 and sorted(np.diff(done).tolist()) == sorted(len(rows) for rows in plan)
    # Time left: the same moments; unknown until both workers have returned a batch (those waited for the
    # workers to start), then from the speed measured since, down to none left.
    assert [(r.done, r.total) for r in reports] == seen and len(plan) > 3
    assert all(r.seconds_left is None for r in reports[:3])
    assert all(r.seconds_left is not None and r.seconds_left >= 0 for r in reports[3:])
    assert reports[-1].seconds_left == 0

    # The same cache files: the same part names (named by their hashes, in order) with the same rows.
    assert cache_contents(ray_store, key) == cache_contents(local_store, key)
    # The local path reads the Ray-written cache with nothing to compute, and a second Ray run neither.
    reread = embed_corpus(corpus, embedder, Store(tmp_path / "ray"))
    assert reread.n_computed == 0 and reread.vectors.tobytes() == local.vectors.tobytes()
    again = embed_with_ray(corpus, MODEL, Store(tmp_path / "ray"))
    assert again.n_computed == 0 and again.vectors.tobytes() == local.vectors.tobytes()


@pytest.mark.slow
def test_without_a_store_the_vectors_are_the_same(local_ray, corpus):
    small = make_corpus(corpus.frame.iloc[:60], "text", "small")
    remote = embed_with_ray(small, MODEL, None)
    local = embed_corpus(small, load_embedder(MODEL), None)
    assert remote.vectors.tobytes() == local.vectors.tobytes() and remote.n_computed == local.n_computed


@pytest.mark.slow
def test_workers_with_another_model_variant_stop_with_a_clear_message(local_ray, corpus):
    class AnotherVariant:  # the driver's model as seen on a machine with other model packages
        def __init__(self, real):
            self.spec, self.embed, self.cache_key = real.spec, real.embed, real.cache_key + "-other"

    small = make_corpus(corpus.frame.iloc[:20], "text", "small")
    expected = "A Ray worker loaded .* but the driver uses .*install the same model packages"
    with pytest.raises(ModelError, match=expected) as caught:
        embed_with_ray(small, MODEL, None, embedder=AnotherVariant(load_embedder(MODEL)))
    assert "Traceback" not in str(caught.value)


def test_corpus_fitted_models_are_refused(corpus, tmp_path):
    with pytest.raises(ModelError, match="local engine"):
        embed_with_ray(corpus, "tfidf-lsa", Store(tmp_path))


def test_a_bad_address_is_a_clear_model_error_in_seconds(corpus, tmp_path):
    # Nothing listens on port 1: ray.init alone would wait minutes; the engine says so at once.
    with pytest.raises(ModelError, match=r"Could not reach a Ray cluster at 127\.0\.0\.1:1 .*ray start --head"):
        embed_with_ray(corpus, MODEL, Store(tmp_path), address="127.0.0.1:1")
    with pytest.raises(ModelError, match=r"ray://127\.0\.0\.1:1"):
        embed_with_ray(corpus, MODEL, Store(tmp_path), address="ray://127.0.0.1:1")


def test_cli_options():
    import argparse

    parser = argparse.ArgumentParser()
    add_engine_arguments(parser)
    assert parser.parse_args([]).engine == "local"
    args = parser.parse_args(["--engine", "ray", "--ray-address", "10.0.0.5:6379"])
    assert (args.engine, args.ray_address) == ("ray", "10.0.0.5:6379")
    with pytest.raises(SystemExit):
        parser.parse_args(["--engine", "spark"])


def test_cli_bad_address_exits_with_one_line(corpus, tmp_path, monkeypatch, capsys):
    from embdash.cli import main

    source = tmp_path / "corpus.csv"
    corpus.frame.iloc[:5].to_csv(source, index=False)
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path / "data"))
    code = main(["embed", str(source), "--text-column", "text", "--model", MODEL, "--quiet",
                 "--engine", "ray", "--ray-address", "127.0.0.1:1", "--out", str(tmp_path / "out.parquet")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("embdash: Could not reach a Ray cluster at 127.0.0.1:1") and "\n" not in err
    assert not (tmp_path / "out.parquet").exists()


@pytest.mark.slow
def test_cli_embed_on_ray_writes_what_the_local_engine_writes(corpus, tmp_path, monkeypatch):
    # As a user runs it: `python -m embdash embed ... --engine ray` in its own process, which starts
    # (and stops) a local Ray with this machine's cores; the local engine in this process for comparison.
    import os
    import subprocess
    import sys

    from embdash.cli import main

    source = tmp_path / "corpus.csv"
    corpus.frame.iloc[:80].to_csv(source, index=False)
    arguments = ["embed", str(source), "--text-column", "text", "--model", MODEL]
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path / "local"))
    assert main([*arguments, "--quiet", "--out", str(tmp_path / "local.parquet")]) == 0
    done = subprocess.run(
        [sys.executable, "-m", "embdash", *arguments, "--engine", "ray", "--out", str(tmp_path / "ray.parquet")],
        cwd=REPO, env={**os.environ, "EMBDASH_DATA_DIR": str(tmp_path / "ray")}, capture_output=True, text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "80 texts embedded, 0 from the cache" in done.stderr  # separate caches: Ray computed them all

    local, remote = (pd.read_parquet(tmp_path / f"{engine}.parquet") for engine in ("local", "ray"))
    assert np.stack(remote["embedding"]).tobytes() == np.stack(local["embedding"]).tobytes()
    key = load_embedder(MODEL).cache_key
    ray_cache = cache_contents(Store(tmp_path / "ray"), key)
    assert ray_cache and ray_cache == cache_contents(Store(tmp_path / "local"), key)


def test_a_ray_run_leaves_print_alone(local_ray, corpus, tmp_path):
    # builtins.print must stay the builtin after a Ray run (Ray Data's progress bars can swap it): numba
    # code compiled later in the process (UMAP's neighbour search) cannot type a Python `print`.
    import builtins
    import types

    embed_with_ray(corpus, MODEL, Store(tmp_path))
    assert isinstance(builtins.print, types.BuiltinFunctionType)
