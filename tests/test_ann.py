"""The approximate index: recall against exact search, a save/load round trip, rebuilding a damaged file."""

import numpy as np
import pytest

from embdash.tasks import ann, search


def clustered_unit_vectors(n, d=64, clusters=50, noise=0.6, seed=0):
    """Gaussian blobs around random centres, normalised: structure like real embeddings, made in ms."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, d))
    vectors = centres[rng.integers(0, clusters, n)] + noise * rng.standard_normal((n, d))
    vectors = vectors.astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def recall_at(k, approximate, exact):
    return np.mean([len(set(a) & set(e)) / k for a, e in zip(approximate, exact)])


@pytest.fixture(scope="module")
def corpus():
    return clustered_unit_vectors(20_000), clustered_unit_vectors(200, seed=1)


@pytest.fixture(scope="module")
def saved(corpus, tmp_path_factory):
    vectors, _ = corpus
    data_dir = tmp_path_factory.mktemp("ann-data")
    notes = []
    index = ann.cached_index(vectors, "vectors-key", data_dir, note=notes.append)
    return data_dir, index, notes


def test_recall_at_10_against_exact_search(corpus, saved):
    vectors, queries = corpus
    _, index, notes = saved
    assert notes == []
    approximate, scores = ann.search_index(index, queries, 10)
    exact, exact_scores = search.nearest(vectors, queries, 10)
    assert approximate.shape == scores.shape == (200, 10)
    assert recall_at(10, approximate, exact) >= 0.95
    # Scores are cosine similarities of the rows returned, best first.
    np.testing.assert_allclose(scores, np.einsum("mkd,md->mk", vectors[approximate], queries), atol=1e-5)
    assert np.all(np.diff(scores, axis=1) <= 1e-7)


def test_mask_and_exclusions_are_respected(corpus, saved):
    vectors, queries = corpus
    _, index, _ = saved
    mask = np.random.default_rng(2).random(len(vectors)) < 0.7
    exclude = [0, 1, 2]
    rows, _ = ann.search_index(index, queries[:50], 10, exclude=exclude, mask=mask)
    assert rows.shape == (50, 10) and mask[rows].all() and not set(exclude) & set(rows.ravel().tolist())
    exact, _ = search.nearest(vectors, queries[:50], 10, exclude=exclude, mask=mask)
    assert recall_at(10, rows, exact) >= 0.95
    single, single_scores = ann.search_index(index, queries[0], 5)
    assert single.shape == single_scores.shape == (5,)


def test_saved_index_loads_and_gives_identical_results(corpus, saved):
    vectors, queries = corpus
    data_dir, index, _ = saved
    path = ann.index_path(data_dir, "vectors-key")
    assert path.exists() and path.parent == data_dir / "indexes"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # written atomically, no temporary left
    loaded = ann.load_index(path, *vectors.shape)
    assert loaded is not None
    before = ann.search_index(index, queries, 10)
    after = ann.search_index(loaded, queries, 10)
    np.testing.assert_array_equal(before[0], after[0])
    np.testing.assert_array_equal(before[1], after[1])
    assert ann.load_index(path, len(vectors) + 1, vectors.shape[1]) is None  # not these vectors


def test_a_damaged_index_file_is_rebuilt_with_a_note(tmp_path):
    vectors = clustered_unit_vectors(2_000, seed=3)
    path = ann.index_path(tmp_path, "damaged")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not an index" * 100)
    notes = []
    index = ann.cached_index(vectors, "damaged", tmp_path, note=notes.append)
    assert len(notes) == 1 and "rebuilding" in notes[0]
    assert index.size == 2_000
    assert ann.load_index(path, *vectors.shape) is not None  # the rebuilt index replaced the bad file
    rows, _ = ann.search_index(index, vectors[:20], 1)
    assert rows[:, 0].tolist() == list(range(20))  # every vector finds itself


def test_index_file_name_cannot_leave_the_indexes_folder(tmp_path):
    path = ann.index_path(tmp_path, "../../etc/passwd")
    assert path.parent == tmp_path / "indexes" and ".." not in path.name and "/" not in path.name


def test_search_dispatch_uses_exact_for_narrow_filters(corpus, saved):
    vectors, queries = corpus
    _, index, _ = saved
    mask = np.zeros(len(vectors), dtype=bool)
    mask[:500] = True
    np.testing.assert_array_equal(
        search.search(vectors, queries[0], 10, mask=mask, index=index)[0],
        search.nearest(vectors, queries[0], 10, mask=mask)[0],
    )
