"""Exact search against a brute-force argsort, BM25 keyword search, overlap, and the `search` CLI."""

import json

import numpy as np
import pandas as pd
import pytest

from embdash.tasks import search
from embdash.tasks.bm25 import KeywordIndex, keyword_search, overlap
from tests.fakes import PlantedTopicsEmbedder, planted_texts
from tests.test_cli import SAMPLE


def unit_vectors(n, d, seed=0, duplicates=0):
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, d)).astype(np.float32)
    if duplicates:  # identical rows give tied scores: the lower row must win
        vectors[-duplicates:] = vectors[:duplicates]
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def brute_force(vectors, queries, k, allowed=None):
    """Every score, fully sorted (stable: ties to the lower row), then the first k allowed."""
    scores = queries @ vectors.T
    results = []
    for row in scores:
        order = np.argsort(-row, kind="stable")
        if allowed is not None:
            order = order[allowed[order]]
        results.append((order[:k], row[order[:k]]))
    return results


@pytest.mark.parametrize("k", [1, 5, 10, 37, 300])
def test_nearest_equals_brute_force_for_many_queries(k):
    vectors = unit_vectors(300, 24, duplicates=40)
    queries = np.concatenate([unit_vectors(6, 24, seed=1), vectors[:3]])  # a query equal to a tied row too
    indices, scores = search.nearest(vectors, queries, k)
    assert indices.shape == scores.shape == (len(queries), min(k, 300))
    for i, (expected_rows, expected_scores) in enumerate(brute_force(vectors, queries, k)):
        np.testing.assert_array_equal(indices[i], expected_rows)
        np.testing.assert_allclose(scores[i], expected_scores, rtol=0, atol=1e-6)
        exact = vectors[indices[i]].astype(np.float64) @ queries[i].astype(np.float64)
        np.testing.assert_allclose(scores[i], exact, atol=1e-5)  # they are cosine similarities


@pytest.mark.parametrize("k", [1, 10, 50])
def test_nearest_with_a_mask_and_exclusions_equals_brute_force(k):
    vectors = unit_vectors(400, 16, seed=3, duplicates=20)
    mask = np.random.default_rng(4).random(400) < 0.3
    exclude = [int(r) for r in np.flatnonzero(mask)[:5]]
    query = unit_vectors(1, 16, seed=5)[0]
    rows, scores = search.nearest(vectors, query, k, exclude=exclude, mask=mask)
    allowed = mask.copy()
    allowed[exclude] = False
    (expected_rows, expected_scores), = brute_force(vectors, query[None, :], k, allowed)
    assert rows.ndim == 1
    np.testing.assert_array_equal(rows, expected_rows)
    np.testing.assert_allclose(scores, expected_scores, atol=1e-6)
    assert mask[rows].all() and not set(exclude) & set(rows.tolist())


def test_fewer_allowed_rows_than_k_returns_them_all():
    vectors = unit_vectors(50, 8)
    mask = np.zeros(50, dtype=bool)
    mask[[7, 3, 41]] = True
    rows, _ = search.nearest(vectors, vectors[0], 10, mask=mask)
    assert sorted(rows.tolist()) == [3, 7, 41]
    rows, scores = search.nearest(vectors, vectors[0], 10, mask=np.zeros(50, dtype=bool))
    assert rows.shape == scores.shape == (0,)


def test_more_like_this_never_returns_the_document_itself():
    texts, labels = planted_texts(per_topic=30)
    vectors = PlantedTopicsEmbedder().embed(texts)
    rows, scores = search.more_like_this(vectors, 0, 10)
    assert 0 not in rows and len(rows) == 10
    assert (labels[rows] == labels[0]).mean() >= 0.9  # neighbours share the planted topic
    assert np.all(np.diff(scores) <= 0)
    with pytest.raises(IndexError):
        search.more_like_this(vectors, len(vectors), 5)


def test_bad_shapes_are_refused():
    vectors = unit_vectors(10, 8)
    with pytest.raises(ValueError):
        search.nearest(vectors, np.ones(7, dtype=np.float32), 3)
    with pytest.raises(ValueError):
        search.nearest(vectors, vectors[0], 3, mask=np.ones(9, dtype=bool))


def test_choose_search_uses_exact_below_fifty_thousand():
    assert search.choose_search(49_999) == "exact"
    assert search.choose_search(50_000) == "ann"


def test_empty_or_too_long_queries_are_explained():
    with pytest.raises(search.SearchError, match="Type a query"):
        search.check_query("   ")
    with pytest.raises(search.SearchError, match="only 256"):
        search.check_query("word " * 300, token_count=302, token_limit=256)
    assert search.check_query("  galaxies ") == "galaxies"


def test_embed_query_with_the_real_default_model(minilm):
    embedder = minilm
    texts = ["The telescope photographed a distant spiral galaxy.", "Add two eggs and whisk the batter.", "The striker scored twice."]
    vectors = embedder.embed(texts)
    query = search.embed_query(embedder, "astronomy pictures of far-away galaxies")
    assert query.shape == (384,) and abs(np.linalg.norm(query) - 1) < 1e-5
    rows, _ = search.nearest(vectors, query, 1)
    assert rows[0] == 0
    with pytest.raises(search.SearchError, match="tokens long"):
        search.embed_query(embedder, "galaxy " * 400)


def test_bm25_finds_shared_words_and_ranks_by_them():
    texts = [
        "The cat sat on the mat.",
        "A dog chased the cat around the garden; the cat escaped.",
        "Stock markets fell sharply today.",
        "the the the and of",  # stop words only
    ]
    rows, scores = keyword_search(texts, "cat", 10)
    assert rows.tolist() == [1, 0]  # two mentions beat one; documents without the word are left out
    assert np.all(scores > 0) and scores[0] > scores[1]
    assert keyword_search(texts, "the and", 10)[0].size == 0  # stop words match nothing
    assert keyword_search(texts, "zebra", 10)[0].size == 0
    mask = np.array([True, False, True, True])
    assert keyword_search(texts, "cat", 10, mask=mask)[0].tolist() == [0]
    assert KeywordIndex(["", "the"]).search("anything", 5)[0].size == 0  # a corpus without a word


def test_bm25_scores_match_the_textbook_formula():
    texts, _ = planted_texts(per_topic=10)
    index = KeywordIndex(texts)
    query = "telescope orbit"
    docs = [[w for w in t.lower().split() if len(w) > 1] for t in texts]
    n, avg = len(docs), np.mean([len(d) for d in docs])
    k1, b = 1.5, 0.75  # bm25s defaults: Lucene's variant (idf with 1 +, no (k1 + 1) factor)
    expected = np.zeros(n)
    for term in query.split():
        df = sum(term in d for d in docs)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        for i, d in enumerate(docs):
            tf = d.count(term)
            expected[i] += idf * tf / (tf + k1 * (1 - b + b * len(d) / avg))
    np.testing.assert_allclose(index.scores(query), expected, rtol=1e-4)


def test_overlap_counts_shared_documents_and_jaccard():
    assert overlap([1, 2, 3, 4], [3, 4, 5]) == (2, pytest.approx(2 / 5))
    assert overlap([], []) == (0, 0.0)
    assert overlap([1, 2], [1, 2]) == (2, 1.0)


def test_cli_search_prints_hits_as_csv_and_json(run_cli):
    data = None  # the session's data directory: the sample's vectors are shared with the other tests
    code, out, err = run_cli("search", SAMPLE, "--text-column", "text", "--model", "all-MiniLM-L6-v2",
                             "--query", "telescope images of distant galaxies", "--k", "5", data_dir=data)
    assert code == 0, err
    hits = pd.read_csv(pd.io.common.StringIO(out))
    assert list(hits.columns) == ["row", "score", "text"] and len(hits) == 5
    corpus = pd.read_csv(SAMPLE)
    assert hits["text"].tolist() == corpus["text"].iloc[hits["row"]].tolist()
    assert (corpus["category"].iloc[hits["row"]] == "astronomy & space").sum() >= 4
    assert hits["score"].is_monotonic_decreasing

    code, out, err = run_cli("search", SAMPLE, "--text-column", "text", "--query", "telescope images of distant galaxies",
                             "--k", "5", "--format", "json", "--quiet", data_dir=data)
    assert code == 0 and err == ""
    assert [hit["row"] for hit in json.loads(out)] == hits["row"].tolist()


def test_cli_search_explains_bad_input_in_one_line(tmp_path, run_cli):
    code, _, err = run_cli("search", SAMPLE, "--query", "  ", data_dir=tmp_path)
    assert code == 2 and err.strip() == "embdash: Type a query to search the corpus."
    code, _, err = run_cli("search", SAMPLE, "--query", "stars", "--k", "0", data_dir=tmp_path)
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_hits_table_lists_rank_row_score_text_and_metadata():
    frame = pd.DataFrame({"body": ["a", "b", "c", "d"], "score": [1, 2, 3, 4], "source": ["w", "x", "y", "z"]})
    table = search.hits_table(frame, "body", np.array([2, 0]), np.array([0.9, 0.5], dtype=np.float32))
    assert table.columns.tolist() == ["rank", "row", "score", "text", "score (data)", "source"]
    assert table["rank"].tolist() == [1, 2] and table["row"].tolist() == [2, 0]
    assert table["text"].tolist() == ["c", "a"] and table["source"].tolist() == ["y", "w"]
    assert table["score (data)"].tolist() == [3, 1]


def test_map_with_highlights_draws_the_hits_on_top_of_the_map():
    from embdash.render import charts

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "text": [f"doc {i}" for i in range(200)], "x": rng.standard_normal(200), "y": rng.standard_normal(200),
        "cluster": np.arange(200) % 4, "topic": [f"t{i % 4}" for i in range(200)],
    })
    chart, n_drawn = charts.map_with_highlights(frame, [17, 3, 150], max_points=50)
    assert n_drawn == 50
    spec = charts.chart_to_dict(chart)
    assert len(spec["layer"]) == 2
    datasets = spec["datasets"]
    hits = next(rows for rows in datasets.values() if rows and "rank" in rows[0])
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert [(h["x"], h["y"]) for h in hits] == [(frame.x[r], frame.y[r]) for r in (17, 3, 150)]
    assert [h["text"] for h in hits] == ["doc 17", "doc 3", "doc 150"]
