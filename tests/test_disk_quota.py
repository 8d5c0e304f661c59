"""The disk quota: past it, the least recently used derived files go; reads keep a file alive; corpora, topic
edits and the file just written stay; what was evicted is computed again, the same, when asked for."""

import dataclasses
import os
import time

import numpy as np
import pandas as pd
import pytest

from embdash import config
from embdash.dataio import edits, quota
from embdash.dataio.corpus import make_corpus
from embdash.dataio.store import Store
from embdash.hashing import text_hash
from embdash.models.embed import embed_texts
from embdash.pipeline import stages
from embdash.pipeline.params import ClusterParams, MapParams, UmapParams
from embdash.pipeline.topic_view import TopicEdits
from tests.fakes import PlantedTopicsEmbedder, planted_texts

PARAMS = MapParams(umap=UmapParams(n_neighbors=8), cluster=ClusterParams(min_cluster_size=8, min_samples=3))


def derived_size(root) -> int:
    return sum(size for _, size, _ in quota.derived_files(root))


def pause():
    time.sleep(0.05)  # file times from the kernel's clock tick apart: the order of use is unambiguous


def test_the_least_recently_used_arrays_go_and_a_read_keeps_one_alive(tmp_path):
    one = Store(tmp_path / "probe").save_array("umap2", "probe", np.random.default_rng(0).random((400, 2)), {})
    size = one.stat().st_size
    store = Store(tmp_path / "data", disk_quota_bytes=3 * size + size // 2)  # room for three
    rng = np.random.default_rng(1)
    arrays = {f"seed{i}": rng.random((400, 2)) for i in range(5)}
    for key in ["seed0", "seed1", "seed2"]:
        store.save_array("umap2", key, arrays[key], {"seed": key})
        pause()
    assert np.array_equal(store.load_array("umap2", "seed0"), arrays["seed0"])  # a use: seed1 is now the oldest
    pause()
    store.save_array("umap2", "seed3", arrays["seed3"], {})
    pause()
    store.save_array("umap2", "seed4", arrays["seed4"], {})

    kept = {key for key in arrays if store.load_array("umap2", key) is not None}
    assert kept == {"seed0", "seed3", "seed4"}
    assert derived_size(store.root) <= store.disk_quota_bytes
    assert store.problems == []  # an evicted file is a plain cache miss, not a damaged one


def test_corpora_topic_edits_and_the_file_just_written_are_never_evicted(tmp_path):
    store = Store(tmp_path, disk_quota_bytes=1)  # smaller than any file
    corpus = make_corpus(pd.DataFrame({"text": ["a", "b", "c"]}), "text", "c.csv")
    store.save_corpus(corpus)
    edits.save_edits(store, "map-a", TopicEdits())
    pause()
    store.save_array("umap2", "old", np.zeros((10, 2)), {})
    pause()
    path = store.save_array("umap2", "new", np.ones((10, 2)), {})

    assert path.is_file() and store.load_array("umap2", "old") is None
    assert store.has_corpus(corpus.key) and edits.load_edits(store, "map-a") is not None
    assert edits.KIND in quota.KEPT_KINDS


def test_new_umap_seeds_fill_no_more_than_the_quota_and_an_evicted_map_comes_back_the_same(tmp_path, stage_calls):
    texts, _ = planted_texts(per_topic=25)
    vectors = PlantedTopicsEmbedder().embed(texts)

    def build(store, seed):
        params = dataclasses.replace(PARAMS, umap=dataclasses.replace(PARAMS.umap, seed=seed))
        return stages.map_result(vectors, texts, params, vectors_key="v", corpus_key="c",
                                 cache=stages.StageCache(store), note=lambda message: None)

    probe = Store(tmp_path / "probe")
    build(probe, 1)
    one_map = derived_size(probe.root)
    store = Store(tmp_path / "data", disk_quota_bytes=int(2.5 * one_map))
    first = build(store, 1)
    projections_after_first = stage_calls["project"]
    for seed in (2, 3, 4, 5):
        pause()
        build(store, seed)
        assert derived_size(store.root) <= store.disk_quota_bytes
    assert stage_calls["project"] == projections_after_first + 4 * 2  # each new seed: two projections

    again = build(store, 1)  # its files were the least recently used: evicted, so computed again
    assert stage_calls["project"] == projections_after_first + 5 * 2
    assert np.array_equal(again.coords, first.coords) and np.array_equal(again.labels, first.labels)
    assert again.topics == first.topics
    latest = build(store, 1)  # and now cached again
    assert stage_calls["project"] == projections_after_first + 5 * 2 and np.array_equal(latest.coords, first.coords)


def test_evicted_vectors_are_embedded_again_bit_for_bit(tmp_path):
    embedder = PlantedTopicsEmbedder()
    texts_a, _ = planted_texts(per_topic=20)
    texts_b = [text + " again" for text in texts_a]
    probe = Store(tmp_path / "probe")
    embed_texts(texts_a, embedder, probe)
    store = Store(tmp_path / "data", disk_quota_bytes=int(1.5 * derived_size(probe.root)))

    first = embed_texts(texts_a, embedder, store)
    pause()
    embed_texts(texts_b, embedder, store)  # over the quota: the part of texts_a goes
    assert derived_size(store.root) <= store.disk_quota_bytes
    _, found = store.load_vectors(embedder.cache_key, [text_hash(t) for t in texts_a])
    assert not found.any()
    again = embed_texts(texts_a, embedder, store)
    assert again.n_computed == len(set(texts_a))
    assert again.vectors.tobytes() == first.vectors.tobytes()


def test_reading_vectors_records_a_use_without_changing_the_parts_modification_time(tmp_path):
    store = Store(tmp_path)
    embedder = PlantedTopicsEmbedder()
    texts, _ = planted_texts(per_topic=5)
    embed_texts(texts, embedder, store)
    (part,) = list(store.embeddings_dir(embedder.cache_key).glob("part-*.parquet"))
    old = time.time_ns() - 3_600 * 10**9
    os.utime(part, ns=(old, old))
    store.load_vectors(embedder.cache_key, [text_hash(texts[0])])
    stat = part.stat()
    assert stat.st_mtime_ns == old and stat.st_atime_ns > old + 3_000 * 10**9


@pytest.mark.parametrize("environ, expected", [
    ({}, None),
    ({"EMBDASH_READ_ONLY": "true"}, config.READ_ONLY_DISK_QUOTA_MB * quota.MB),
    ({"EMBDASH_READ_ONLY": "true", "EMBDASH_DISK_QUOTA_MB": "unlimited"}, None),
    ({"EMBDASH_READ_ONLY": "true", "EMBDASH_DISK_QUOTA_MB": "0"}, None),
    ({"EMBDASH_DISK_QUOTA_MB": "300"}, 300 * quota.MB),
])
def test_the_quota_is_unlimited_on_private_instances_and_bounded_on_read_only_ones(environ, expected):
    assert config.disk_quota_bytes(environ) == expected
    settings = config.load_settings(environ)
    assert config.quota_bytes(settings.disk_quota_mb, settings.read_only) == expected


def test_a_bad_quota_is_refused_with_the_variables_name():
    with pytest.raises(config.ConfigError, match="EMBDASH_DISK_QUOTA_MB"):
        config.load_settings({"EMBDASH_DISK_QUOTA_MB": "lots"})
