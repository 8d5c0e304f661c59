"""The optional float16 vector store: exact round trips, half the size, its own folders, and search that
still finds what float32 finds."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pyarrow.parquet as pq
import pytest

from embdash.config import ConfigError, load_settings, vector_dtype
from embdash.dataio.store import Store
from embdash.hashing import text_hash
from embdash.models.embed import embed_texts, vectors_key
from embdash.tasks import search
from tests.fakes import PlantedTopicsEmbedder

KEY = "fake-topics@1"


def unit_vectors(n: int, d: int = 384, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def topic_vectors(n: int, d: int = 384, n_topics: int = 20, noise: float = 1.0, seed: int = 0) -> np.ndarray:
    """Unit vectors with real neighbourhood structure: topic directions plus noise (as texts about a few
    subjects embed), so top-10 lists are decided by small score differences within a topic."""
    rng = np.random.default_rng(seed)
    directions = rng.standard_normal((n_topics, d))
    vectors = directions[rng.integers(0, n_topics, n)] + noise * rng.standard_normal((n, d))
    vectors = vectors.astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def hashes_of(n: int) -> list[str]:
    return [text_hash(f"text {i}") for i in range(n)]


def parts(store: Store, key: str = KEY) -> list:
    return sorted(store.embeddings_dir(key).glob("part-*.parquet"))


@pytest.fixture
def half(tmp_path) -> Store:
    return Store(tmp_path / "data", vector_dtype="float16")


@pytest.fixture
def full(tmp_path) -> Store:
    return Store(tmp_path / "data", vector_dtype="float32")


# ---------------------------------------------------------------- the store


def test_float16_round_trip_is_exact(half):
    hashes, vectors = hashes_of(300), unit_vectors(300)
    half.save_vectors(KEY, hashes, vectors, {"model_id": "fake-topics"})

    loaded, found = Store(half.root, vector_dtype="float16").load_vectors(KEY, hashes)  # from disk
    assert found.all()
    assert loaded.dtype == np.float16  # held as float16: that is what halves the memory
    assert loaded.tobytes() == vectors.astype(np.float16).tobytes()  # float32 rounded once, by numpy's rule

    # float16 in, float16 out, bit for bit (including subnormal float16 values)
    exact = vectors[:10].astype(np.float16)
    exact[0, :4] = np.float16(6e-8), np.float16(-6e-8), np.float16(0.0), np.float16(-0.0)
    other = [text_hash(f"other {i}") for i in range(10)]
    half.save_vectors(KEY, other, exact, {})
    again, _ = Store(half.root, vector_dtype="float16").load_vectors(KEY, other)
    assert again.tobytes() == exact.tobytes()


def test_float16_parts_are_about_half_the_size(tmp_path):
    hashes, vectors = hashes_of(2000), unit_vectors(2000)
    sizes = {}
    for dtype in ("float32", "float16"):
        store = Store(tmp_path / dtype, vector_dtype=dtype)
        store.save_vectors(KEY, hashes, vectors, {})
        (part,) = parts(store)
        sizes[dtype] = part.stat().st_size
    ratio = sizes["float16"] / sizes["float32"]
    assert 0.45 < ratio < 0.55, sizes  # the vectors halve; the hash column stays


def test_the_two_kinds_live_in_separate_folders_and_never_mix(tmp_path, full, half):
    assert full.embeddings_dir(KEY) != half.embeddings_dir(KEY)
    assert full.embeddings_dir(KEY).parent == half.embeddings_dir(KEY).parent  # both under embeddings/
    hashes, vectors = hashes_of(50), unit_vectors(50)
    full.save_vectors(KEY, hashes, vectors, {})
    float32_bytes = [p.read_bytes() for p in parts(full)]

    # Switching the setting: the float16 store sees an empty cache, not converted float32 vectors
    cached, found = half.load_vectors(KEY, hashes)
    assert not found.any() and cached.dtype == np.float16
    half.save_vectors(KEY, hashes[:20], vectors[:20] * 0.5, {})  # different values, to tell them apart

    # ...and switching back finds the float32 cache exactly as it was
    loaded, found = Store(full.root, vector_dtype="float32").load_vectors(KEY, hashes)
    assert found.all() and loaded.dtype == np.float32 and loaded.tobytes() == vectors.tobytes()
    assert [p.read_bytes() for p in parts(full)] == float32_bytes
    assert full.problems == [] and half.problems == []
    assert not list(tmp_path.rglob("*.corrupt"))


def test_a_part_of_the_other_kind_is_set_aside_not_converted(full, half):
    hashes, vectors = hashes_of(20), unit_vectors(20)
    written = half.save_vectors(KEY, hashes, vectors, {})
    stray = full.embeddings_dir(KEY) / written.name  # a float16 part copied into the float32 folder
    stray.parent.mkdir(parents=True)
    stray.write_bytes(written.read_bytes())

    cached, found = full.load_vectors(KEY, hashes)
    assert not found.any()
    assert stray.with_name(stray.name + ".corrupt").exists()
    assert half.load_vectors(KEY, hashes)[1].all()  # the float16 store's own part is untouched


def test_provenance_records_the_dtype_also_after_compaction(tmp_path):
    store = Store(tmp_path, max_parts=2, vector_dtype="float16")
    for i in range(3):  # the third part triggers a merge into one
        store.save_vectors(KEY, [text_hash(f"batch {i} {j}") for j in range(5)], unit_vectors(5, seed=i), {})
    (part,) = parts(store)
    description = json.loads(pq.read_schema(part).metadata[b"embdash"])
    assert description["dtype"] == "float16" and description["compacted_from"] == 3
    assert str(pq.read_schema(part).field("vector").type.value_type) == "halffloat"


def test_a_corrupt_float16_part_is_set_aside_and_recomputed(half):
    hashes, vectors = hashes_of(30), unit_vectors(30)
    path = half.save_vectors(KEY, hashes, vectors, {})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # truncated: the footer is gone

    fresh = Store(half.root, vector_dtype="float16")
    cached, found = fresh.load_vectors(KEY, hashes)
    assert not found.any()
    assert path.with_name(path.name + ".corrupt").exists()
    assert len(fresh.problems) == 1 and "set aside" in fresh.problems[0]

    embedder = PlantedTopicsEmbedder()
    texts = [f"topic{i % 6} text {i}" for i in range(30)]
    result = embed_texts(texts, embedder, fresh)
    assert result.n_computed == 30 and result.vectors.dtype == np.float16


def test_vectors_too_large_for_float16_are_refused_not_stored_as_infinity(half):
    from embdash.errors import CacheError

    with pytest.raises(CacheError, match="float32"):
        half.save_vectors(KEY, hashes_of(2), np.full((2, 4), 1e6, np.float32), {})
    assert parts(half) == []


# ---------------------------------------------------------------- the setting


def test_the_setting_chooses_the_store_and_rejects_other_values(monkeypatch, tmp_path):
    assert load_settings(environ={}).vector_dtype == "float32"
    assert load_settings(environ={"EMBDASH_VECTOR_DTYPE": " Float16 "}).vector_dtype == "float16"
    assert load_settings(environ={}, secrets={"EMBDASH_VECTOR_DTYPE": "float16"}).vector_dtype == "float16"
    with pytest.raises(ConfigError, match=r"EMBDASH_VECTOR_DTYPE.*float32, float16"):
        vector_dtype(environ={"EMBDASH_VECTOR_DTYPE": "bfloat16"})

    monkeypatch.setenv("EMBDASH_VECTOR_DTYPE", "float16")
    assert Store(tmp_path).vector_dtype == np.float16
    monkeypatch.delenv("EMBDASH_VECTOR_DTYPE")
    assert Store(tmp_path).vector_dtype == np.float32
    with pytest.raises(ValueError, match="float32, float16"):
        Store(tmp_path, vector_dtype="float64")


def test_float16_vectors_get_their_own_derived_cache_keys():
    assert vectors_key("c", KEY) == vectors_key("c", KEY, np.float32)  # unchanged for float32 caches
    assert vectors_key("c", KEY, np.float16) != vectors_key("c", KEY)


# ---------------------------------------------------------------- embed_texts


def test_embed_texts_returns_what_a_warm_read_returns_bit_for_bit(half):
    texts = [f"topic{i % 6} document {i % 170}" for i in range(200)]  # with duplicates
    embedder = PlantedTopicsEmbedder()

    cold = embed_texts(texts[:120], embedder, half)  # part cached, part new in the next run
    mixed = embed_texts(texts, embedder, half)
    warm = embed_texts(texts, embedder, Store(half.root, vector_dtype="float16"))

    assert cold.n_computed == 120 and mixed.n_cached == 120 and warm.n_computed == 0
    for result in (cold, mixed, warm):
        assert result.vectors.dtype == np.float16
    assert mixed.vectors.tobytes() == warm.vectors.tobytes()
    assert cold.vectors.tobytes() == warm.vectors[:120].tobytes()
    expected = PlantedTopicsEmbedder().embed(texts).astype(np.float16)  # the model's float32, rounded once
    assert warm.vectors.tobytes() == expected.tobytes()


def test_a_float32_store_still_returns_float32_exactly(full):
    texts = [f"topic{i % 6} document {i}" for i in range(50)]
    cold = embed_texts(texts, PlantedTopicsEmbedder(), full)
    warm = embed_texts(texts, PlantedTopicsEmbedder(), Store(full.root, vector_dtype="float32"))
    assert cold.vectors.dtype == warm.vectors.dtype == np.float32
    assert cold.vectors.tobytes() == warm.vectors.tobytes() == PlantedTopicsEmbedder().embed(texts).tobytes()


# ---------------------------------------------------------------- search on float16 vectors


def brute_force(vectors: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    scores = queries.astype(np.float64) @ vectors.astype(np.float64).T
    order = np.lexsort((np.broadcast_to(np.arange(scores.shape[1]), scores.shape), -scores), axis=-1)[:, :k]
    return order, np.take_along_axis(scores, order, axis=1)


def test_exact_search_on_float16_agrees_with_brute_force_on_the_upcast_matrix():
    vectors = topic_vectors(20_000, d=64).astype(np.float16)  # more rows than one scoring chunk
    assert len(vectors) > search.SCORE_CHUNK_ROWS
    queries = unit_vectors(25, d=64, seed=7)
    rows, scores = search.nearest(vectors, queries, 10)
    expected_rows, expected_scores = brute_force(vectors, queries, 10)
    np.testing.assert_allclose(scores, expected_scores, atol=1e-5)
    all_scores = queries.astype(np.float64) @ vectors.astype(np.float64).T
    for got, got_scores, want_scores, exact in zip(rows, scores, expected_scores, all_scores):
        # the rows returned are a true top 10 (any swap is between scores equal to float32 rounding)
        assert np.all(exact[got] >= want_scores[-1] - 1e-6)
        np.testing.assert_allclose(got_scores, exact[got], atol=1e-6)
    assert (rows == expected_rows).mean() > 0.99

    # a single query, a mask and excluded rows go through the same chunked path
    mask = np.zeros(len(vectors), bool)
    mask[::3] = True
    one_rows, one_scores = search.nearest(vectors, queries[0], 5, exclude=[0, 3], mask=mask)
    allowed = np.flatnonzero(mask)
    allowed = allowed[~np.isin(allowed, [0, 3])]
    sub_rows, sub_scores = brute_force(vectors[allowed], queries[:1], 5)
    assert one_rows.tolist() == allowed[sub_rows[0]].tolist()
    np.testing.assert_allclose(one_scores, sub_scores[0], atol=1e-5)


def test_chunked_scores_equal_one_float32_product():
    vectors = unit_vectors(1000, d=48).astype(np.float16)
    queries = unit_vectors(3, d=48, seed=1)
    whole = queries @ vectors.astype(np.float32).T
    for chunk_rows in (1, 7, 256, 5000):
        np.testing.assert_allclose(search.similarities(queries, vectors, chunk_rows=chunk_rows), whole, rtol=0, atol=1e-6)


def test_float16_search_keeps_the_float32_top_10():
    vectors = topic_vectors(5000)
    rng = np.random.default_rng(3)
    queries = rng.choice(len(vectors), 200, replace=False)
    recall = []
    for q in queries:
        exact, _ = search.nearest(vectors, vectors[q], 10, exclude=[q])
        approx, _ = search.nearest(vectors.astype(np.float16), vectors[q], 10, exclude=[q])
        recall.append(len(set(exact) & set(approx)) / 10)
    assert np.mean(recall) >= 0.99


def test_float16_search_never_holds_a_float32_copy_of_the_matrix():
    vectors = unit_vectors(40_000, d=384).astype(np.float16)  # 31 MB; a float32 copy would be 61 MB
    query = unit_vectors(1, d=384, seed=2)[0]
    tracemalloc.start()
    try:
        search.nearest(vectors, query, 10)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < vectors.nbytes / 2  # one chunk of rows and the scores, not the upcast matrix


# ---------------------------------------------------------------- other consumers of the vectors


def test_consumers_give_float16_vectors_the_answers_of_their_float32_upcast(half):
    from embdash.pipeline import reduce
    from embdash.tasks import classify, compare

    texts = [f"topic{i % 6} note {i}" for i in range(240)]
    vectors = embed_texts(texts, PlantedTopicsEmbedder(), half).vectors
    upcast = vectors.astype(np.float32)
    labels = [text.split()[0] for text in texts]

    pairs = compare.sampled_pairs(len(texts), 2000)
    assert compare.similarity_correlation(vectors, vectors, pairs) == compare.similarity_correlation(upcast, upcast, pairs)
    assert np.array_equal(compare.nearest_neighbours(vectors, 5), compare.nearest_neighbours(upcast, 5))
    assert compare.cost_of(PlantedTopicsEmbedder().spec, vectors, 1.0, (1.0, 1)).vector_bytes == vectors.nbytes
    assert np.array_equal(reduce.pca(vectors, 2), reduce.pca(upcast, 2))
    assert reduce.trustworthiness(vectors, reduce.pca(vectors, 2)) == reduce.trustworthiness(upcast, reduce.pca(upcast, 2))
    on_half, on_upcast = classify.evaluate(vectors, labels), classify.evaluate(upcast, labels)
    for method in on_half:
        assert on_half[method].accuracy == on_upcast[method].accuracy
        assert np.array_equal(on_half[method].confusion, on_upcast[method].confusion)
