"""The parquet store: exact round trips, provenance, atomic writes, damaged files, safe paths."""

from __future__ import annotations

import errno
import json
import os

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import embdash
from embdash.dataio.corpus import Corpus
from embdash.dataio.store import CorpusInfo, Store, slugify
from embdash.errors import CacheError, CorpusError
from embdash.hashing import text_hash

KEY = "fake-topics@1"


def random_vectors(n: int, d: int = 8, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def hashes_of(n: int, prefix: str = "text") -> list[str]:
    return [text_hash(f"{prefix} {i}") for i in range(n)]


def parts(store: Store, key: str = KEY) -> list:
    return sorted(store.embeddings_dir(key).glob("part-*.parquet"))


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "data")


# ---------------------------------------------------------------- embeddings


def test_round_trip_is_bit_exact(store):
    hashes, vectors = hashes_of(50), random_vectors(50)
    vectors[3] = np.float32(1e-38)  # denormal-adjacent values must survive too
    store.save_vectors(KEY, hashes, vectors, {"model_id": "fake-topics"})

    fresh = Store(store.root)  # a new session reads from disk, not from memory
    loaded, found = fresh.load_vectors(KEY, hashes)
    assert found.all()
    assert loaded.dtype == np.float32
    assert loaded.tobytes() == vectors.tobytes()


def test_missing_rows_are_zero_and_not_found(store):
    hashes, vectors = hashes_of(10), random_vectors(10)
    store.save_vectors(KEY, hashes[:6], vectors[:6], {})
    loaded, found = store.load_vectors(KEY, hashes[::-1])  # order of the request, not of the file
    assert found.tolist() == [False] * 4 + [True] * 6
    assert not loaded[:4].any()
    assert loaded[4:].tobytes() == vectors[:6][::-1].tobytes()


def test_empty_store_gives_nothing_found(store):
    loaded, found = store.load_vectors(KEY, hashes_of(3))
    assert loaded.shape[0] == 3 and not found.any()


def test_models_are_kept_apart(store):
    hashes = hashes_of(5)
    store.save_vectors("model-a@1", hashes, random_vectors(5, seed=1), {})
    _, found = store.load_vectors("model-b@1", hashes)
    assert not found.any()


def test_provenance_metadata(store):
    hashes, vectors = hashes_of(7), random_vectors(7, d=12)
    path = store.save_vectors(KEY, hashes, vectors, {"model_id": "fake-topics", "weights_version": "1"})
    meta = json.loads(pq.read_schema(path).metadata[b"embdash"])
    assert meta["model_id"] == "fake-topics"
    assert meta["weights_version"] == "1"
    assert meta["cache_key"] == KEY
    assert meta["dim"] == 12 and meta["n"] == 7
    assert meta["embdash_version"] == embdash.__version__
    assert meta["library_versions"]["numpy"] == np.__version__
    assert "pyarrow" in meta["library_versions"]
    assert meta["created"].endswith("+00:00")
    table = pq.read_table(path)
    assert table.column_names == ["text_sha256", "vector"]
    assert str(table.schema.field("vector").type) == "fixed_size_list<element: float>[12]"


def test_repeated_loads_use_memory_until_files_change(store, monkeypatch):
    hashes = hashes_of(5)
    store.save_vectors(KEY, hashes, random_vectors(5), {})
    store.load_vectors(KEY, hashes)
    reads = []
    real_read = pq.read_table
    monkeypatch.setattr(pq, "read_table", lambda *a, **k: reads.append(a) or real_read(*a, **k))
    store.load_vectors(KEY, hashes)
    assert reads == []  # served from the in-memory index

    other = Store(store.root)  # another session adds a part: this one must notice
    more = hashes_of(3, "more")
    other.save_vectors(KEY, more, random_vectors(3, seed=2), {})
    _, found = store.load_vectors(KEY, more)
    assert found.all() and reads


def test_slug_keeps_paths_inside_the_store(store):
    evil = "st:../../etc/passwd"
    hashes = hashes_of(2)
    path = store.save_vectors(evil, hashes, random_vectors(2), {})
    assert path.resolve().is_relative_to((store.root / "embeddings").resolve())
    assert ".." not in path.relative_to(store.root).parts
    assert set(slugify(evil)) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    loaded, found = store.load_vectors(evil, hashes)
    assert found.all()


def test_slugs_of_different_keys_never_collide():
    assert slugify("st:a/b") != slugify("st:a_b")  # same sanitised text, different raw keys
    assert not slugify("..").startswith(".")


def test_crash_during_write_leaves_no_partial_file(store, monkeypatch):
    old_hashes, old_vectors = hashes_of(5), random_vectors(5)
    store.save_vectors(KEY, old_hashes, old_vectors, {})
    before = parts(store)

    def crash(*args, **kwargs):
        raise OSError(errno.EIO, "simulated crash")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(CacheError):
        store.save_vectors(KEY, hashes_of(5, "new"), random_vectors(5, seed=3), {})
    monkeypatch.undo()

    assert parts(store) == before
    assert not list(store.embeddings_dir(KEY).glob("*.embdash-tmp"))  # the temp file was cleaned up
    loaded, found = Store(store.root).load_vectors(KEY, old_hashes)
    assert found.all() and loaded.tobytes() == old_vectors.tobytes()


def test_leftover_temp_files_are_ignored(store):
    hashes, vectors = hashes_of(4), random_vectors(4)
    store.save_vectors(KEY, hashes, vectors, {})
    (store.embeddings_dir(KEY) / ".part-x.parquet.123.abcd.embdash-tmp").write_bytes(b"PAR1 garbage")
    loaded, found = Store(store.root).load_vectors(KEY, hashes)
    assert found.all() and loaded.tobytes() == vectors.tobytes()
    assert Store(store.root).problems == []


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_part_is_set_aside_and_reported(store, damage):
    good_hashes, good_vectors = hashes_of(5, "good"), random_vectors(5)
    bad_hashes = hashes_of(5, "bad")
    store.save_vectors(KEY, good_hashes, good_vectors, {})
    bad_path = store.save_vectors(KEY, bad_hashes, random_vectors(5, seed=9), {})
    data = bad_path.read_bytes()
    bad_path.write_bytes({"truncate": data[: len(data) // 2], "garbage": os.urandom(len(data)), "empty": b""}[damage])

    fresh = Store(store.root)
    loaded, found = fresh.load_vectors(KEY, good_hashes + bad_hashes)
    assert found.tolist() == [True] * 5 + [False] * 5
    assert loaded[:5].tobytes() == good_vectors.tobytes()
    assert not bad_path.exists()
    assert bad_path.with_name(bad_path.name + ".corrupt").exists()
    assert len(fresh.problems) == 1
    assert fresh.problems[0] == (
        f"A damaged cache file for fake-topics was set aside ({bad_path.name}); its vectors will be recomputed."
    )


def test_part_with_wrong_schema_is_set_aside(store):
    import pyarrow as pa

    store.save_vectors(KEY, hashes_of(5), random_vectors(5), {})
    folder = store.embeddings_dir(KEY)
    pq.write_table(pa.table({"text_sha256": [1, 2], "vector": ["a", "b"]}), folder / "part-wrongschema.parquet")
    fresh = Store(store.root)
    _, found = fresh.load_vectors(KEY, hashes_of(5))
    assert found.all()
    assert (folder / "part-wrongschema.parquet.corrupt").exists()
    assert len(fresh.problems) == 1


def test_part_with_wrong_dimension_is_set_aside(store):
    store.save_vectors(KEY, hashes_of(20), random_vectors(20, d=8), {})
    # Written behind the store's back, so save_vectors' own dimension check does not see it.
    from embdash.dataio.vector_parts import write_vector_part

    odd = store.embeddings_dir(KEY) / "part-odd.parquet"
    write_vector_part(odd, hashes_of(2, "odd"), random_vectors(2, d=5), {})
    fresh = Store(store.root)
    loaded, found = fresh.load_vectors(KEY, hashes_of(20) + hashes_of(2, "odd"))
    assert loaded.shape == (22, 8)
    assert found.sum() == 20
    assert (odd.parent / "part-odd.parquet.corrupt").exists()
    assert len(fresh.problems) == 1


def test_saving_a_new_dimension_sets_old_parts_aside(store):
    store.save_vectors(KEY, hashes_of(3), random_vectors(3, d=8), {})
    store.save_vectors(KEY, hashes_of(3), random_vectors(3, d=16), {})
    loaded, found = store.load_vectors(KEY, hashes_of(3))
    assert found.all() and loaded.shape == (3, 16)
    assert len(store.problems) == 1 and "dimension" in store.problems[0]


def test_cache_folder_deleted_mid_session(store):
    import shutil

    store.save_vectors(KEY, hashes_of(3), random_vectors(3), {})
    store.load_vectors(KEY, hashes_of(3))
    shutil.rmtree(store.root)
    _, found = store.load_vectors(KEY, hashes_of(3))
    assert not found.any()  # the in-memory index noticed the files are gone
    store.save_vectors(KEY, hashes_of(3), random_vectors(3), {})
    _, found = store.load_vectors(KEY, hashes_of(3))
    assert found.all()


def test_disk_full_raises_cache_error(store, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full)
    with pytest.raises(CacheError, match="disk is full"):
        store.save_vectors(KEY, hashes_of(3), random_vectors(3), {})
    assert not list(store.embeddings_dir(KEY).iterdir())  # no temp file left behind


def test_compaction_merges_parts_and_keeps_every_vector(tmp_path):
    store = Store(tmp_path, max_parts=4)
    all_hashes, all_vectors = [], []
    for i in range(7):
        hashes, vectors = hashes_of(10, f"batch{i}"), random_vectors(10, seed=i)
        store.save_vectors(KEY, hashes, vectors, {"model_id": "fake-topics"})
        all_hashes += hashes
        all_vectors.append(vectors)
        assert len(parts(store)) <= 4
    # 5th save merges to 1 part; saves 6 and 7 add two more.
    assert len(parts(store)) == 3
    loaded, found = Store(tmp_path).load_vectors(KEY, all_hashes)
    assert found.all()
    assert loaded.tobytes() == np.concatenate(all_vectors).tobytes()


def test_compaction_deduplicates_and_keeps_provenance(store):
    hashes, vectors = hashes_of(6), random_vectors(6)
    store.save_vectors(KEY, hashes[:4], vectors[:4], {"model_id": "fake-topics"})
    store.save_vectors(KEY, hashes[2:], vectors[2:], {"model_id": "fake-topics"})  # overlap of two
    merged = store.compact(KEY)
    assert parts(store) == [merged]
    table = pq.read_table(merged)
    assert table.num_rows == 6
    meta = json.loads(table.schema.metadata[b"embdash"])
    assert meta["model_id"] == "fake-topics" and meta["n"] == 6 and meta["compacted_from"] == 2
    loaded, found = Store(store.root).load_vectors(KEY, hashes)
    assert found.all() and loaded.tobytes() == vectors.tobytes()


# ---------------------------------------------------------------- corpora


def make_corpus(key: str = "0123456789abcdef", name: str = "reviews.csv") -> Corpus:
    frame = pd.DataFrame(
        {
            "text": ["good film", "bad film", None, "ünïcødé ✓"],
            "stars": [5, 1, 3, 4],
            "score": [0.5, np.nan, 1.25, -2.0],
            "when": pd.to_datetime(["2024-01-01", "2024-02-03", None, "2025-12-31"]),
        }
    )
    return Corpus(frame=frame, text_column="text", name=name, key=key)


def test_corpus_round_trip_is_exact(store):
    corpus = make_corpus()
    assert store.save_corpus(corpus) == corpus.key
    assert store.has_corpus(corpus.key)
    loaded = Store(store.root).load_corpus(corpus.key)
    assert loaded.frame.equals(corpus.frame)
    assert list(loaded.frame.dtypes) == list(corpus.frame.dtypes)
    assert (loaded.text_column, loaded.name, loaded.key) == ("text", "reviews.csv", corpus.key)


def test_corpus_metadata(store):
    corpus = make_corpus()
    store.save_corpus(corpus)
    meta = json.loads(pq.read_schema(store.corpus_path(corpus.key)).metadata[b"embdash"])
    assert meta["name"] == "reviews.csv" and meta["text_column"] == "text"
    assert meta["key"] == corpus.key and meta["n_rows"] == 4 and meta["created"]


@pytest.mark.parametrize("bad_key", ["../../etc/passwd", "0123456789ABCDEF", "abc", "0123456789abcdef0", "", None])
def test_bad_corpus_key_is_rejected(store, bad_key):
    assert not store.has_corpus(bad_key)
    with pytest.raises(CorpusError, match="unknown corpus"):
        store.load_corpus(bad_key)


def test_unknown_corpus(store):
    with pytest.raises(CorpusError, match="unknown corpus"):
        store.load_corpus("ffffffffffffffff")


def test_list_corpora_most_recently_used_first(store):
    keys = ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc"]
    for key in keys:
        store.save_corpus(make_corpus(key, name=f"{key[0]}.csv"))
    assert [info.key for info in store.list_corpora()] == keys[::-1]
    store.touch_corpus(keys[0])
    listed = store.list_corpora()
    assert [info.key for info in listed] == [keys[0], keys[2], keys[1]]
    assert listed[0] == CorpusInfo(
        key=keys[0], name="a.csv", text_column="text", n_rows=4, created=listed[0].created,
        last_used=listed[0].last_used,
    )
    assert listed[0].last_used >= listed[1].last_used


def test_saving_a_corpus_twice_keeps_one_file(store):
    corpus = make_corpus()
    store.save_corpus(corpus)
    store.save_corpus(corpus)
    assert len(store.list_corpora()) == 1


def test_damaged_corpus_is_a_corpus_error(store):
    corpus = make_corpus()
    store.save_corpus(corpus)
    store.corpus_path(corpus.key).write_bytes(b"not parquet")
    with pytest.raises(CorpusError, match="damaged"):
        store.load_corpus(corpus.key)
    assert store.problems


# ---------------------------------------------------------------- artefacts


@pytest.mark.parametrize(
    "array",
    [
        np.random.default_rng(0).standard_normal((30, 2)).astype(np.float32),
        np.random.default_rng(1).standard_normal((30, 5)).astype(np.float32),
        np.array([0, 1, -1, 2, 2], dtype=np.int64),
        np.arange(24, dtype=np.float64).reshape(2, 3, 4),
    ],
)
def test_array_round_trip(store, array):
    store.save_array("umap2d", "0123456789abcdef", array, {"n_neighbors": 15})
    loaded = Store(store.root).load_array("umap2d", "0123456789abcdef")
    assert loaded.dtype == array.dtype and loaded.shape == array.shape
    assert loaded.tobytes() == array.tobytes()
    assert store.load_array_params("umap2d", "0123456789abcdef") == {"n_neighbors": 15}


def test_missing_array_is_none(store):
    assert store.load_array("labels", "nothing") is None


@pytest.mark.parametrize("kind,key", [("../x", "k"), ("labels", "../../x"), ("labels", "a/b"), ("La bels", "k")])
def test_artefact_names_are_validated(store, kind, key):
    with pytest.raises(ValueError):
        store.save_array(kind, key, np.zeros(3), {})


def test_damaged_artefact_is_none_and_noted(store):
    path = store.save_array("labels", "abc", np.arange(5), {})
    path.write_bytes(path.read_bytes()[:20])
    assert store.load_array("labels", "abc") is None
    assert len(store.problems) == 1 and path.with_name(path.name + ".corrupt").exists()
