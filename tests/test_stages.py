"""The map's stages in the library: one key recipe per stage, a store-backed cache that round-trips exactly,
sets a damaged file aside and recomputes it, and computes a stage only when its own inputs change."""

import dataclasses
import json
import math

import numpy as np
import pytest

from embdash.dataio.store import Store
from embdash.errors import StageStopped
from embdash.pipeline import stages
from embdash.pipeline.params import ClusterParams, MapParams, TopicParams, UmapParams
from tests.fakes import PlantedTopicsEmbedder, planted_texts

PARAMS = MapParams(umap=UmapParams(n_neighbors=8), cluster=ClusterParams(min_cluster_size=8, min_samples=3))


@pytest.fixture(scope="module")
def corpus():
    texts, topics = planted_texts(per_topic=25)
    return texts, PlantedTopicsEmbedder().embed(texts), np.asarray(topics)



def build(corpus, cache, params=PARAMS, on_stage=None, note=None):
    texts, vectors, _ = corpus
    return stages.map_result(vectors, texts, params, vectors_key="vectors-a", corpus_key="corpus-a", cache=cache,
                             on_stage=on_stage, note=note or (lambda message: None))


def same(a, b) -> bool:
    return (a is None and b is None) or a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))


def test_a_fresh_cache_on_the_same_store_computes_nothing_and_returns_the_same_bits(corpus, stage_calls, tmp_path):
    store = Store(tmp_path)
    announced = []
    first = build(corpus, stages.StageCache(store), on_stage=announced.append)
    assert announced == list(stages.STAGES)
    assert stage_calls == {"project": 2, "cluster": 1, "topic_terms": 1, "measure": 1}
    # The planted topics are found: a wrong stage wiring (labels of another space, say) would not be.
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(corpus[2], first.labels) > 0.9

    announced.clear()
    again = build(corpus, stages.StageCache(store), on_stage=announced.append)  # a new process, the same disk
    assert announced == [] and stage_calls == {"project": 2, "cluster": 1, "topic_terms": 1, "measure": 1}
    assert np.array_equal(again.coords, first.coords) and again.coords.dtype == first.coords.dtype
    assert np.array_equal(again.cluster_points, first.cluster_points)
    assert np.array_equal(again.labels, first.labels) and again.labels.dtype == first.labels.dtype
    assert again.topics == first.topics
    assert all(same(getattr(again.metrics, f.name), getattr(first.metrics, f.name))
               for f in dataclasses.fields(first.metrics))


def test_each_stage_is_recomputed_only_when_its_own_inputs_change(corpus, stage_calls, tmp_path):
    cache = stages.StageCache(Store(tmp_path))
    build(corpus, cache)
    stage_calls.update(dict.fromkeys(stage_calls, 0))

    build(corpus, cache, dataclasses.replace(PARAMS, topics=TopicParams(n_terms=2)))
    assert stage_calls == {"project": 0, "cluster": 0, "topic_terms": 1, "measure": 0}

    stage_calls.update(dict.fromkeys(stage_calls, 0))
    build(corpus, cache, dataclasses.replace(PARAMS, cluster=ClusterParams(min_cluster_size=12, min_samples=3)))
    assert stage_calls == {"project": 0, "cluster": 1, "topic_terms": 1, "measure": 1}  # the 2-D map is not redrawn

    stage_calls.update(dict.fromkeys(stage_calls, 0))
    build(corpus, cache, dataclasses.replace(PARAMS, umap=UmapParams(n_neighbors=8, min_dist=0.3)))
    assert stage_calls["project"] == 1  # only the 2-D layout: the clustering space uses min_dist 0 whatever the map's


def test_stage_keys_name_exactly_what_each_stage_depends_on():
    base = stages.stage_keys("v", "c", PARAMS)
    other_topics = stages.stage_keys("v", "c", dataclasses.replace(PARAMS, topics=TopicParams(n_terms=3)))
    assert (other_topics.layout, other_topics.space, other_topics.labels, other_topics.metrics) == (
        base.layout, base.space, base.labels, base.metrics)
    assert other_topics.topics != base.topics
    other_texts = stages.stage_keys("v", "other corpus", PARAMS)
    assert other_texts.topics != base.topics and other_texts.labels == base.labels
    other_vectors = stages.stage_keys("w", "c", PARAMS)
    assert len({other_vectors.layout, base.layout}) == 2 and other_vectors.space != base.space
    assert len(set(dataclasses.astuple(base))) == 6  # no two stages share a key


def test_a_damaged_stage_file_is_set_aside_reported_and_recomputed(corpus, stage_calls, tmp_path):
    store = Store(tmp_path)
    first = build(corpus, stages.StageCache(store))
    keys = stages.stage_keys("vectors-a", "corpus-a", PARAMS)
    store.artefact_path("labels", keys.labels).write_bytes(b"not parquet")
    store.json_artefact_path("topics", keys.topics).write_text("{ not json")
    stage_calls.update(dict.fromkeys(stage_calls, 0))
    notes = []
    again = build(corpus, stages.StageCache(store), note=notes.append)
    assert stage_calls == {"project": 0, "cluster": 1, "topic_terms": 1, "measure": 0}
    assert np.array_equal(again.labels, first.labels) and again.topics == first.topics
    assert len(notes) == 2 and all("set aside" in note for note in notes)
    assert sorted(p.suffix for p in (tmp_path / "artefacts").rglob("*.corrupt")) == [".corrupt", ".corrupt"]
    # ... and the recomputed ones are stored again, whole.
    assert store.load_array("labels", keys.labels) is not None


def test_artefacts_describe_themselves(corpus, tmp_path):
    store = Store(tmp_path)
    build(corpus, stages.StageCache(store))
    keys = stages.stage_keys("vectors-a", "corpus-a", PARAMS)
    assert store.load_array_params("layout-2d", keys.layout)["vectors"] == "vectors-a"
    assert store.load_array_params("labels", keys.labels)["min_cluster_size"] == 8
    document = json.loads(store.json_artefact_path("topics", keys.topics).read_text())
    assert document["params"]["corpus"] == "corpus-a" and "library_versions" in document


def test_a_cache_that_cannot_be_written_still_returns_the_map(corpus, tmp_path, monkeypatch):
    store = Store(tmp_path)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "save_array", full_disk)
    monkeypatch.setattr(store, "save_json", full_disk)
    notes = []
    result = build(corpus, stages.StageCache(store), note=notes.append)
    assert result.metrics.n_points == len(corpus[0])
    assert notes and all("Could not save" in note for note in notes)


def test_the_memory_layer_is_bounded():
    cache = stages.StageCache(None, memory_items=3)
    for i in range(5):
        cache.array("labels", f"k{i}", lambda i=i: np.full(2, i), {})
    assert cache.get_array("labels", "k0") is None and cache.get_array("labels", "k4").tolist() == [4, 4]


def test_build_map_is_the_same_pipeline_without_a_store(corpus, tmp_path):
    texts, vectors, _ = corpus
    fresh = stages.build_map(vectors, texts, PARAMS)
    stored = build(corpus, stages.StageCache(Store(tmp_path)))
    assert np.array_equal(fresh.coords, stored.coords) and np.array_equal(fresh.labels, stored.labels)
    assert not (tmp_path / "artefacts").exists() or stored is not None


def test_topic_quality_is_kept_beside_the_topics_and_follows_them(corpus, tmp_path, monkeypatch):
    from embdash.pipeline import topic_quality

    computed = []
    real = topic_quality.topic_quality
    monkeypatch.setattr(topic_quality, "topic_quality", lambda *a, **k: computed.append(1) or real(*a, **k))
    texts = corpus[0]
    result = build(corpus, stages.StageCache(Store(tmp_path)))

    def quality(cache, terms=result.topics):
        return stages.map_topic_quality(texts, terms, corpus_key="corpus-a", cache=cache)

    first = quality(stages.StageCache(Store(tmp_path)))
    assert first == real(texts, result.topics)
    assert first.coherence > 0.3 and first.diversity > 0.9  # planted topics: coherent, no shared terms
    again = quality(stages.StageCache(Store(tmp_path)))  # a new process: read from the store, exactly
    assert again == first and len(computed) == 1
    quality(stages.StageCache(Store(tmp_path)), {c: terms[:3] for c, terms in result.topics.items()})
    assert len(computed) == 2  # other terms (fewer shown, another cut, an edit): measured again


def test_the_topic_tree_is_cached_and_views_of_it_run_no_stage(corpus, stage_calls, tmp_path, monkeypatch):
    from embdash.pipeline import hierarchy
    from embdash.pipeline.topic_view import TopicEdits, ViewOptions, topic_view

    built_trees = []
    real_build = hierarchy.build_tree
    monkeypatch.setattr(hierarchy, "build_tree", lambda *a, **k: built_trees.append(1) or real_build(*a, **k))
    texts, vectors, _ = corpus
    store = Store(tmp_path)

    def tree_of(cache, params=PARAMS):
        result = build(corpus, cache, params)
        return result, stages.map_tree(vectors, texts, result.labels, params, vectors_key="vectors-a",
                                       corpus_key="corpus-a", cache=cache)

    result, tree = tree_of(stages.StageCache(store))
    assert len(built_trees) == 1 and tree.n_leaves == result.metrics.n_clusters
    stage_calls.update(dict.fromkeys(stage_calls, 0))
    _, again = tree_of(stages.StageCache(store))  # a new process, the same disk
    assert len(built_trees) == 1
    assert np.array_equal(again.merges, tree.merges) and np.array_equal(again.heights, tree.heights)
    assert again.terms == tree.terms

    for options, edits in [(ViewOptions(n_topics=2), TopicEdits()), (ViewOptions(assign_unclustered=True), TopicEdits()),
                           (ViewOptions(n_topics=3), TopicEdits(renames=(("1", "x"),), merges=((0, 1),)))]:
        topic_view(result.labels, again, vectors, options, edits, cluster_points=result.cluster_points)
    assert stage_calls == {"project": 0, "cluster": 0, "topic_terms": 0, "measure": 0} and len(built_trees) == 1

    tree_of(stages.StageCache(store), dataclasses.replace(PARAMS, topics=TopicParams(ngram_max=1)))
    assert len(built_trees) == 2 and stage_calls["project"] == 0 and stage_calls["cluster"] == 0


def test_a_map_told_to_stop_keeps_the_stages_it_finished_and_goes_on_from_there(corpus, stage_calls, tmp_path):
    texts, vectors, _ = corpus
    cache = stages.StageCache(Store(tmp_path))
    stop = {"now": False}

    def stop_once_clustering_began(name: str) -> None:
        stop["now"] = name == stages.STAGES[1]  # asked again only before the next stage: clustering runs whole

    with pytest.raises(StageStopped) as stopped:
        stages.map_result(vectors, texts, PARAMS, vectors_key="vectors-a", corpus_key="corpus-a", cache=cache,
                          on_stage=stop_once_clustering_began, should_stop=lambda: stop["now"])
    assert stopped.value.stage == stages.STAGES[2]
    assert stage_calls == {"project": 2, "cluster": 1, "topic_terms": 0, "measure": 0}

    announced = []
    resumed = build(corpus, stages.StageCache(Store(tmp_path)), on_stage=announced.append)
    assert announced == list(stages.STAGES[2:])  # the projections and labels came from the cache
    assert stage_calls == {"project": 2, "cluster": 1, "topic_terms": 1, "measure": 1}
    whole = build(corpus, stages.StageCache(Store(tmp_path / "uninterrupted")))
    assert np.array_equal(resumed.coords, whole.coords) and np.array_equal(resumed.labels, whole.labels)
    assert resumed.topics == whole.topics


def test_a_layout_told_to_stop_stores_no_projection(corpus, tmp_path):
    texts, vectors, _ = corpus
    cache = stages.StageCache(Store(tmp_path))
    answers = []

    def stop_after_ten_epochs() -> bool:
        answers.append(True)
        return len(answers) > 10

    with pytest.raises(StageStopped) as stopped:
        stages.map_result(vectors, texts, PARAMS, vectors_key="vectors-a", corpus_key="corpus-a", cache=cache,
                          should_stop=stop_after_ten_epochs)
    assert stopped.value.stage == stages.STAGES[0]
    assert 11 <= len(answers) <= 12  # one before the stage, then one per epoch until each layout heard "yes"
    keys = stages.stage_keys("vectors-a", "corpus-a", PARAMS)
    assert cache.get_array("layout-2d", keys.layout) is None and cache.get_array("cluster-space", keys.space) is None
