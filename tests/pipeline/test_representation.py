"""Topic names re-ranked by meaning: MMR agrees with a brute-force reference, the representative documents
are the ones closest to the centroid, term vectors are cached in the store, and on real text the re-ranked
names lead with a topical word where c-TF-IDF leads with a generic one."""

import numpy as np
import pytest

from embdash.dataio.store import Store
from embdash.models.embed import embed_texts
from embdash.pipeline import representation, stages, topics
from embdash.pipeline.params import TopicParams
from tests.fakes import PlantedTopicsEmbedder


def unit(matrix):
    matrix = np.asarray(matrix, dtype=np.float64)
    return matrix / np.linalg.norm(matrix, axis=-1, keepdims=True)


def brute_force_mmr(term_vectors, centroid, n_terms, diversity):
    """MMR written out plainly: every step scores every unpicked term against every picked one."""
    terms, doc = unit(term_vectors), unit(centroid)
    relevance = [float(np.dot(t, doc)) for t in terms]
    picked = []
    while len(picked) < min(n_terms, len(terms)):
        best, best_score = None, None
        for i in range(len(terms)):
            if i in picked:
                continue
            redundancy = max((float(np.dot(terms[i], terms[j])) for j in picked), default=None)
            score = relevance[i] if redundancy is None else (1 - diversity) * relevance[i] - diversity * redundancy
            if best_score is None or score > best_score:
                best, best_score = i, score
        picked.append(best)
    return picked, relevance


def random_candidates(rng, n, d=16):
    vectors = rng.standard_normal((n, d))
    return [(f"term{i}", float(n - i)) for i in range(n)], vectors, rng.standard_normal(d)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("diversity", [0.0, 0.1, 0.3, 0.6, 1.0])
def test_rerank_agrees_with_brute_force_mmr(seed, diversity):
    rng = np.random.default_rng(seed)
    candidates, vectors, centroid = random_candidates(rng, 30)
    n_terms = 1 + seed * 2
    found = representation.rerank(candidates, vectors, centroid, n_terms, diversity)
    picked, relevance = brute_force_mmr(vectors, centroid, n_terms, diversity)
    assert [term for term, _ in found] == [candidates[i][0] for i in picked]
    np.testing.assert_allclose([score for _, score in found], [relevance[i] for i in picked], rtol=1e-9)


def test_no_diversity_is_pure_relevance_order():
    rng = np.random.default_rng(7)
    candidates, vectors, centroid = random_candidates(rng, 20)
    found = representation.rerank(candidates, vectors, centroid, n_terms=20, diversity=0.0)
    cosines = unit(vectors) @ unit(centroid)
    assert [term for term, _ in found] == [candidates[i][0] for i in np.argsort(-cosines)]
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True)


def test_a_near_duplicate_is_not_picked_twice_at_high_diversity():
    rng = np.random.default_rng(3)
    centroid = rng.standard_normal(16)
    others = rng.standard_normal((6, 16))
    close = unit(centroid) + 0.3 * unit(rng.standard_normal(16))
    twin = close + 0.01 * rng.standard_normal(16)  # nearly the same vector: a near-synonym
    vectors = np.vstack([close, twin, others])
    candidates = [("football", 1.0), ("footballs", 0.9)] + [(f"other{i}", 0.5) for i in range(6)]
    relevant_first = [t for t, _ in representation.rerank(candidates, vectors, centroid, 3, diversity=0.0)]
    assert set(relevant_first[:2]) == {"football", "footballs"}  # both lead on relevance alone...
    diverse = [t for t, _ in representation.rerank(candidates, vectors, centroid, 3, diversity=0.7)]
    assert diverse[0] == relevant_first[0] and len({"football", "footballs"} & set(diverse)) == 1  # ... not once diversity counts


def test_rerank_edges_and_errors():
    rng = np.random.default_rng(0)
    candidates, vectors, centroid = random_candidates(rng, 4)
    assert representation.rerank([], np.zeros((0, 16)), centroid, 5) == []
    assert len(representation.rerank(candidates, vectors, centroid, 10)) == 4  # no more than there are
    assert representation.rerank(candidates, vectors, centroid, 0) == []
    with pytest.raises(ValueError, match="diversity"):
        representation.rerank(candidates, vectors, centroid, 2, diversity=1.5)
    with pytest.raises(ValueError, match="4 candidates"):
        representation.rerank(candidates, vectors[:3], centroid, 2)


def brute_force_representatives(vectors, labels, k):
    found = {}
    for cluster in sorted(set(labels.tolist()) - {-1}):
        rows = [r for r in range(len(labels)) if labels[r] == cluster]
        centroid = unit(np.mean([vectors[r] for r in rows], axis=0))
        by_closeness = sorted(rows, key=lambda r: (-float(np.dot(unit(vectors[r]), centroid)), r))
        found[cluster] = by_closeness[:k]
    return found


@pytest.mark.parametrize("k", [1, 3, 10])
def test_representative_documents_agree_with_brute_force(k):
    rng = np.random.default_rng(k)
    labels = rng.integers(-1, 4, size=200)
    vectors = rng.standard_normal((200, 8)).astype(np.float32) + 2 * np.eye(8)[labels % 8]
    found = representation.representative_documents(vectors, labels, k)
    assert found == brute_force_representatives(vectors, labels, k)
    assert -1 not in found
    for cluster, rows in found.items():
        assert all(labels[r] == cluster for r in rows)


def test_representative_documents_of_a_small_cluster_and_ties():
    vectors = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 0.0]])
    labels = np.array([0, 0, 1, 0])
    # Rows 0, 1 and 3 point the same way: equally close, so by row.
    assert representation.representative_documents(vectors, labels, k=5) == {0: [0, 1, 3], 1: [2]}


def test_name_topics_reranks_and_keeps_c_tf_idf_order_where_a_vector_is_missing():
    rng = np.random.default_rng(11)
    candidates, vectors, centroid = random_candidates(rng, 8)
    by_term = {term: vectors[i] for i, (term, _) in enumerate(candidates)}
    named = representation.name_topics({0: candidates, 1: candidates, 2: candidates}, {0: centroid, 1: centroid},
                                       {t: v for t, v in by_term.items() if t != "term5"}, n_terms=3)
    assert named[0] == named[1] == candidates[:3]  # term5 has no vector: c-TF-IDF order kept
    assert named[2] == candidates[:3]  # no centroid
    complete = representation.name_topics({0: candidates}, {0: centroid}, by_term, n_terms=3, diversity=0.4)
    assert complete[0] == representation.rerank(candidates, vectors, centroid, 3, 0.4)


def test_topic_centroids_are_unit_means():
    vectors = np.array([[3.0, 0.0], [0.0, 3.0], [1.0, 1.0], [9.0, 9.0]])
    centroids = representation.topic_centroids(vectors, np.array([0, 0, -1, 1]))
    assert sorted(centroids) == [0, 1]
    np.testing.assert_allclose(centroids[0], [2 ** -0.5, 2 ** -0.5])
    np.testing.assert_allclose(centroids[1], [2 ** -0.5, 2 ** -0.5])


# ---- term vectors, cached beside the corpus's vectors -----------------------------------------------


def test_term_vectors_are_embedded_once_and_read_back_without_the_model(tmp_path):
    store, embedder = Store(tmp_path), PlantedTopicsEmbedder()
    loads = []

    def load():
        loads.append(1)
        return embedder

    embed_texts(["river", "a document about boats"], embedder, store=store)  # "river" is also a document
    embedder.calls.clear()
    terms = ["river", "boat", "water", "boat"]
    cold = stages.term_vectors(terms, model_key=embedder.cache_key, store=store, load=load)
    assert sorted(cold) == ["boat", "river", "water"]
    assert embedder.calls == [2] and len(loads) == 1  # only the two terms not yet in the store
    expected = embedder.embed(["river", "boat", "water"])
    for row, term in enumerate(["river", "boat", "water"]):
        np.testing.assert_array_equal(cold[term], expected[row])
    embedder.calls.clear()
    warm = stages.term_vectors(terms, model_key=embedder.cache_key, store=Store(tmp_path), load=None)
    assert embedder.calls == [] and len(loads) == 1
    assert sorted(warm) == sorted(cold) and all(np.array_equal(warm[t], cold[t]) for t in cold)


def test_term_vectors_without_a_model_return_what_is_cached(tmp_path):
    store, embedder = Store(tmp_path), PlantedTopicsEmbedder()
    stages.term_vectors(["river"], model_key=embedder.cache_key, store=store, load=lambda: embedder)
    found = stages.term_vectors(["river", "guitar"], model_key=embedder.cache_key, store=store, load=None)
    assert sorted(found) == ["river"]
    assert stages.term_vectors(["river"], model_key="another-model@1", store=store, load=None) == {}
    with pytest.raises(ValueError, match="cache key"):
        stages.term_vectors(["guitar"], model_key="another-model@1", store=store, load=lambda: embedder)


def test_term_vectors_without_a_store_embed_everything():
    embedder = PlantedTopicsEmbedder()
    found = stages.term_vectors(["river", "boat"], model_key=embedder.cache_key, store=None, load=lambda: embedder)
    assert sorted(found) == ["boat", "river"] and embedder.calls == [2]
    assert stages.term_vectors(["river"], model_key=embedder.cache_key, store=None, load=None) == {}


# ---- real model -----------------------------------------------------------------------------------

FOOTBALL = [
    "the striker scored a late goal and the fans in the stadium cheered",
    "the goalkeeper saved a penalty in the second half of the match",
    "the coach changed the tactics at half time and the team won the match",
    "a red card for the defender after a foul on the striker",
    "the league table shows the champions three points ahead",
    "the midfielder passed the ball to the winger who crossed for a header",
    "the referee gave a free kick just outside the penalty area",
    "the club signed a new striker before the transfer deadline",
    "the fans sang in the stadium as the team scored twice",
    "the goalkeeper kept a clean sheet in the cup final",
]
COOKING = [
    "chop the onions and fry them in butter until golden",
    "bake the bread in a hot oven for forty minutes",
    "the soup simmers with carrots, celery and a bay leaf",
    "season the sauce with salt, pepper and fresh basil",
    "knead the dough and let it rise under a cloth",
    "roast the chicken with garlic, lemon and thyme",
    "whisk the eggs with sugar and fold in the flour for the cake",
    "grill the vegetables and drizzle them with olive oil",
    "stir the risotto slowly and add the stock a ladle at a time",
    "melt the chocolate over a pan of simmering water",
]
FOOTBALL_WORDS = {"striker", "goal", "goalkeeper", "match", "stadium", "league", "penalty", "football", "fans",
                  "team", "club", "referee", "midfielder", "coach", "scored", "cup", "champions", "defender"}
COOKING_WORDS = {"onions", "butter", "bread", "oven", "soup", "sauce", "dough", "chicken", "garlic", "cake",
                 "flour", "vegetables", "olive", "risotto", "chocolate", "fry", "bake", "roast", "recipe", "sugar"}


def sports_and_kitchen_corpus():
    """30 texts a topic, each also carrying a generic word of its own topic ("weekend", "family"): the most
    frequent and most distinctive word of its cluster, so c-TF-IDF names it first."""
    openers = ["last {g},", "this {g},", "on the {g},"]
    texts, labels = [], []
    for label, (generic, lines) in enumerate([("weekend", FOOTBALL), ("family", COOKING)]):
        for opener in openers:
            texts += [f"{opener.format(g=generic)} {line}" for line in lines]
            labels += [label] * len(lines)
    return texts, np.array(labels)


def test_reranked_names_lead_with_a_topical_word_where_c_tf_idf_leads_with_a_generic_one(minilm):
    texts, labels = sports_and_kitchen_corpus()
    plain = topics.topic_terms(texts, labels, TopicParams(n_terms=representation.N_CANDIDATES, ngram_max=1))
    assert plain[0][0][0] == "weekend" and plain[1][0][0] == "family"
    vectors = minilm.embed(texts)
    centroids = representation.topic_centroids(vectors, labels)
    terms = sorted({term for ranked in plain.values() for term, _ in ranked})
    by_term = dict(zip(terms, minilm.embed(terms)))
    named = representation.name_topics(plain, centroids, by_term, n_terms=5)
    assert named[0][0][0] in FOOTBALL_WORDS, named[0]
    assert named[1][0][0] in COOKING_WORDS, named[1]
    for topic, ranked in named.items():
        assert {t for t, _ in ranked} <= {t for t, _ in plain[topic]}  # names come from the candidates
