"""embed_texts: reuse the cache, compute only what is new, survive a damaged or unwritable cache."""

from __future__ import annotations

import errno
import shutil

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from embdash.dataio.corpus import Corpus
from embdash.dataio.store import Store
from embdash.errors import ModelError
from embdash.hashing import text_hash
from embdash.models import embed as embed_module
from embdash.models.embed import EmbedResult, embed_corpus, embed_texts
from tests.fakes import PlantedTopicsEmbedder, planted_texts


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def texts() -> list[str]:
    return planted_texts(per_topic=50)[0]  # 300 distinct texts


def reference(texts: list[str]) -> np.ndarray:
    """What the model gives with no cache, no batching, no dedupe."""
    return PlantedTopicsEmbedder().embed(texts)


def test_vectors_match_the_plain_embedder_in_input_order(store, texts):
    shuffled = [texts[i] for i in np.random.default_rng(0).permutation(len(texts))]
    result = embed_texts(shuffled, PlantedTopicsEmbedder(), store=store, batch_size=64)
    assert isinstance(result, EmbedResult)
    assert result.vectors.dtype == np.float32
    assert result.vectors.tobytes() == reference(shuffled).tobytes()
    assert (result.n_total, result.n_unique, result.n_cached, result.n_computed) == (300, 300, 0, 300)
    assert result.problems == [] and result.seconds >= 0


def test_batches_respect_batch_size(store, texts):
    embedder = PlantedTopicsEmbedder()
    embed_texts(texts, embedder, store=store, batch_size=64)
    assert sum(embedder.calls) == 300 and max(embedder.calls) <= 64


def test_batch_plan_orders_longest_first_with_ties_in_given_order():
    lengths = np.array([3, 9, 3, 7, 9, 1])
    batches = embed_module.batch_plan(np.array([0, 1, 2, 3, 4, 5]), lengths, batch_size=4)
    assert [b.tolist() for b in batches] == [[1, 4, 3, 0], [2, 5]]
    assert embed_module.batch_plan(np.array([5, 0]), lengths, batch_size=4)[0].tolist() == [0, 5]
    assert embed_module.batch_plan(np.zeros(0, np.int64), lengths) == []


def test_batch_plan_keeps_each_batch_within_the_token_budget():
    rng = np.random.default_rng(3)
    tokens = rng.integers(1, 300, size=500)
    batches = embed_module.batch_plan(np.arange(500), tokens, batch_size=64, token_budget=2048)
    assert sorted(np.concatenate(batches).tolist()) == list(range(500))  # every row once
    for rows in batches:
        padded = tokens[rows].max() * len(rows)  # each text padded to the batch's longest
        assert len(rows) <= 64 and (padded <= 2048 or len(rows) == 1)
    ordered = np.concatenate([tokens[rows] for rows in batches])
    assert (np.diff(ordered) <= 0).all()  # most tokens first
    for rows in batches[:-1]:  # none smaller than it need be: one more text would break a limit
        assert len(rows) == 64 or tokens[rows[0]] * (len(rows) + 1) > 2048
    assert len(batches[0]) == 2048 // tokens.max()
    short = embed_module.batch_plan(np.arange(100), np.full(100, 10), batch_size=64, token_budget=2048)
    assert [len(rows) for rows in short] == [64, 36]  # short sentences go batch_size at a time


def test_a_text_over_the_budget_goes_alone():
    batches = embed_module.batch_plan(np.arange(3), np.array([5000, 10, 10]), batch_size=8, token_budget=100)
    assert [b.tolist() for b in batches] == [[0], [1, 2]]


def test_planned_tokens_are_the_tokenizers_count_capped_at_the_models_limit():
    from dataclasses import replace

    embedder = PlantedTopicsEmbedder(spec=replace(PlantedTopicsEmbedder().spec, max_tokens=5))
    assert embed_module.planned_tokens(["one two", "a b c d e f g h"], embedder).tolist() == [2, 5]

    class NoTokenizer(PlantedTopicsEmbedder):
        def count_tokens(self, texts):
            return None

    estimated = embed_module.planned_tokens(["one two three", "word " * 30], NoTokenizer())
    assert estimated.tolist() == [6, 42]  # 4 tokens per 3 words, plus two special tokens


def test_token_counts_are_made_in_bounded_chunks_and_equal_the_whole_count():
    texts = [" ".join(["word"] * (1 + i % 17)) for i in range(2_503)]
    asked = []

    class Recording(PlantedTopicsEmbedder):
        def count_tokens(self, batch):
            asked.append(len(batch))
            return super().count_tokens(batch)

    counts = embed_module.token_counts(texts, Recording(), chunk=1_000)
    assert asked == [1_000, 1_000, 503]  # never the whole corpus at once
    assert counts.tolist() == PlantedTopicsEmbedder().count_tokens(texts).tolist()
    assert embed_module.token_counts([], Recording()) is None


def test_local_engine_embeds_the_batches_of_batch_plan(store):
    texts = ["a" * (1 + (i * 7) % 23) + f" text {i}" for i in range(150)] + ["a duplicate", "a duplicate"]
    seen = []

    class Recording(PlantedTopicsEmbedder):
        def embed(self, batch):
            seen.append(list(batch))
            return super().embed(batch)

    embed_texts(texts, Recording(), store=store, batch_size=32)
    distinct = list(dict.fromkeys(texts))
    tokens = embed_module.planned_tokens(distinct, Recording())
    planned = embed_module.batch_plan(np.arange(len(distinct)), tokens, batch_size=32)
    assert seen == [[distinct[r] for r in rows] for rows in planned]


def test_both_engines_share_one_batch_plan_and_batch_size():
    from embdash.models import distributed

    assert distributed.planned_batches is embed_module.planned_batches
    assert not hasattr(distributed, "BATCH_SIZE")  # the Ray engine batches by embed.BATCH_SIZE
    assert embed_module.embed_texts.__defaults__[-1] == embed_module.BATCH_SIZE


def test_second_run_computes_nothing_and_is_bit_exact(store, texts):
    first = embed_texts(texts, PlantedTopicsEmbedder(), store=store)
    embedder = PlantedTopicsEmbedder()
    second = embed_texts(texts, embedder, store=Store(store.root))  # a new session, from disk
    assert embedder.calls == []
    assert (second.n_cached, second.n_computed) == (300, 0)
    assert second.vectors.tobytes() == first.vectors.tobytes()


def test_only_new_texts_are_computed(store):
    texts = [f"topic{i % 6} document number {i}" for i in range(1000)]
    embed_texts(texts, PlantedTopicsEmbedder(), store=store)
    new = [f"topic{i % 6} fresh document {i}" for i in range(10)]
    combined = texts[:500] + new + texts[500:]
    embedder = PlantedTopicsEmbedder()
    result = embed_texts(combined, embedder, store=store)
    assert sum(embedder.calls) == 10
    assert (result.n_cached, result.n_computed) == (1000, 10)
    assert result.vectors.tobytes() == reference(combined).tobytes()


def test_duplicates_are_computed_once_and_identical(store):
    texts = ["topic1 same text", "topic2 other", "topic1 same text", "", "topic2 other", ""]
    embedder = PlantedTopicsEmbedder()
    result = embed_texts(texts, embedder, store=store)
    assert sum(embedder.calls) == 3
    assert (result.n_total, result.n_unique, result.n_computed) == (6, 3, 3)
    v = result.vectors
    assert v[0].tobytes() == v[2].tobytes() and v[1].tobytes() == v[4].tobytes() and v[3].tobytes() == v[5].tobytes()
    assert v.tobytes() == reference(texts).tobytes()


def test_without_a_store_nothing_is_cached(texts):
    embedder = PlantedTopicsEmbedder()
    embed_texts(texts[:20], embedder)
    embed_texts(texts[:20], embedder)
    assert sum(embedder.calls) == 40


def test_empty_input(store):
    result = embed_texts([], PlantedTopicsEmbedder(), store=store)
    assert result.vectors.shape == (0, 32) and result.n_total == 0


def test_progress_is_monotone_and_ends_at_total(store, texts):
    seen = []
    embed_texts(texts, PlantedTopicsEmbedder(), store=store, batch_size=70, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 300)
    assert seen[-1] == (300, 300)
    assert all(t == 300 for _, t in seen)
    done = [d for d, _ in seen]
    assert done == sorted(done) and len(seen) == 1 + 5  # ceil(300 / 70) batches

    seen.clear()
    embed_texts(texts, PlantedTopicsEmbedder(), store=store, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 0)]  # all cached: nothing to compute


def test_provenance_of_written_parts(store, texts):
    embed_texts(texts, PlantedTopicsEmbedder(), store=store)
    (part,) = store.embeddings_dir("fake-topics@1").glob("part-*.parquet")
    import json

    meta = json.loads(pq.read_schema(part).metadata[b"embdash"])
    assert meta["model_id"] == "fake-topics" and meta["weights_version"] == "1"
    assert meta["cache_key"] == "fake-topics@1" and meta["dim"] == 32 and meta["n"] == 300


def test_large_runs_are_written_in_few_parts(store, monkeypatch):
    monkeypatch.setattr(embed_module, "SAVE_EVERY", 100)
    texts = [f"topic{i % 6} text {i}" for i in range(250)]
    embed_texts(texts, PlantedTopicsEmbedder(), store=store, batch_size=40)
    part_sizes = sorted(pq.read_metadata(p).num_rows for p in store.embeddings_dir("fake-topics@1").glob("part-*"))
    assert sum(part_sizes) == 250 and len(part_sizes) == 3  # 120 + 120 + 10: every ~100, then the rest


def test_interrupted_run_keeps_what_it_computed(store, monkeypatch):
    monkeypatch.setattr(embed_module, "SAVE_EVERY", 1000)
    texts = [f"topic{i % 6} text {i}" for i in range(100)]

    class Interrupted(Exception):
        pass

    class FailsOnThirdBatch(PlantedTopicsEmbedder):
        def embed(self, batch):
            if len(self.calls) == 2:
                raise Interrupted
            return super().embed(batch)

    with pytest.raises(Interrupted):
        embed_texts(texts, FailsOnThirdBatch(), store=store, batch_size=20)
    embedder = PlantedTopicsEmbedder()
    result = embed_texts(texts, embedder, store=store, batch_size=20)
    assert (result.n_cached, result.n_computed) == (40, 60)
    assert result.vectors.tobytes() == reference(texts).tobytes()


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_damaged_cache_is_recomputed(store, texts, damage):
    embed_texts(texts, PlantedTopicsEmbedder(), store=store)
    (part,) = store.embeddings_dir("fake-topics@1").glob("part-*.parquet")
    data = part.read_bytes()
    part.write_bytes(data[: len(data) // 2] if damage == "truncate" else np.random.bytes(len(data)))

    embedder = PlantedTopicsEmbedder()
    result = embed_texts(texts, embedder, store=Store(store.root))
    assert sum(embedder.calls) == 300
    assert result.vectors.tobytes() == reference(texts).tobytes()
    assert len(result.problems) == 1 and "set aside" in result.problems[0]
    assert part.with_name(part.name + ".corrupt").exists()
    # and the recomputed vectors were saved again
    again = PlantedTopicsEmbedder()
    embed_texts(texts, again, store=Store(store.root))
    assert again.calls == []


def test_cache_folder_deleted_between_runs(store, texts):
    embed_texts(texts, PlantedTopicsEmbedder(), store=store)
    shutil.rmtree(store.root)
    embedder = PlantedTopicsEmbedder()
    result = embed_texts(texts, embedder, store=store)
    assert sum(embedder.calls) == 300 and result.problems == []
    assert result.vectors.tobytes() == reference(texts).tobytes()
    assert list(store.embeddings_dir("fake-topics@1").glob("part-*.parquet"))


def test_unwritable_cache_still_returns_vectors(store, texts, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", disk_full)
    result = embed_texts(texts, PlantedTopicsEmbedder(), store=store)
    assert result.vectors.tobytes() == reference(texts).tobytes()
    assert len(result.problems) == 1
    assert result.problems[0].startswith("Could not save to the cache:")
    assert "disk is full" in result.problems[0] and "this session only" in result.problems[0]


@pytest.mark.parametrize(
    "bad_output,message",
    [
        (lambda batch: np.zeros((len(batch) - 1, 32), np.float32), "shape"),
        (lambda batch: np.zeros((len(batch), 7), np.float32), "size 7"),
        (lambda batch: np.full((len(batch), 32), np.nan, np.float32), "NaN"),
        (lambda batch: np.zeros(len(batch)), "shape"),
        (lambda batch: "nonsense", "not a table"),
    ],
)
def test_malformed_model_output_is_a_clear_error(store, bad_output, message):
    class Broken(PlantedTopicsEmbedder):
        def embed(self, batch):
            return bad_output(batch)

    with pytest.raises(ModelError, match=message):
        embed_texts(["topic1 a", "topic2 b"], Broken(), store=store)


def test_embed_corpus_embeds_the_text_column(store):
    frame = pd.DataFrame({"body": ["topic1 a", "topic2 b", "topic1 a"], "id": [1, 2, 3]})
    corpus = Corpus(frame=frame, text_column="body", name="t.csv", key="0123456789abcdef")
    texts = corpus.texts
    result = embed_corpus(corpus, PlantedTopicsEmbedder(), store=store)
    assert result.vectors.tobytes() == reference(texts).tobytes()
    assert result.n_unique == 2


def test_cache_of_another_dimension_is_recomputed_not_mixed(store, texts):
    old_hashes = [text_hash(t) for t in texts[:10]]
    store.save_vectors("fake-topics@1", old_hashes, np.ones((10, 16), np.float32), {})  # weights changed, same key
    embedder = PlantedTopicsEmbedder()
    result = embed_texts(texts[:20], embedder, store=store)
    assert sum(embedder.calls) == 20
    assert result.vectors.tobytes() == reference(texts[:20]).tobytes()
    assert any("dimension" in p for p in result.problems)
    assert store.load_vectors("fake-topics@1", old_hashes)[0].shape == (10, 32)


def test_missing_values_are_empty_texts_and_a_lone_string_is_refused(store):
    result = embed_texts([None, ""], PlantedTopicsEmbedder(), store=store)
    assert result.n_unique == 1
    with pytest.raises(TypeError, match="list of texts"):
        embed_texts("topic1 oops", PlantedTopicsEmbedder(), store=store)
