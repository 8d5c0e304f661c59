"""The map's stages, each with one key recipe and one cache, shared by the dashboard, the CLI and notebooks.

    projections   the 2-D layout and the k-d clustering space    vectors + UMAP parameters (+ dims)
    labels        HDBSCAN on the clustering space                the space + cluster parameters
    topics        c-TF-IDF terms per cluster                     the texts + the labels + topic parameters
    metrics       trustworthiness, silhouette, noise share       the layout + the labels
    hierarchy     the clusters' topic tree and its node terms    the texts + the labels + topic parameters

The topic view (cut to n topics, hand edits, assignment of unclustered documents) is computed from the
labels and the tree on the fly: it takes milliseconds (assignment about 0.05 s for 20,000 documents), so
it has no cache and changing it runs no stage.

A stage's key names everything its result depends on, so moving a topic slider never re-runs UMAP and a
map made by `embdash map` is a cache hit on the Map page. Results live in the Store's artefacts
(self-describing files with their parameters and provenance, written atomically; a damaged one is set
aside, reported and recomputed), with a small in-memory layer on top for a long-running process.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any, Callable, Sequence

import numpy as np

from embdash.dataio import corpus as dataio_corpus
from embdash.dataio.corpus import Corpus, QualityReport
from embdash.dataio.store import Store
from embdash.errors import StageStopped
from embdash.hashing import params_key
from embdash.jobs import JobFactory
from embdash.models.embed import token_counts
from embdash.pipeline import cluster as clustering
from embdash.pipeline import hierarchy, maps, reduce, topic_quality, topics
from embdash.pipeline.params import MapParams

Note = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


@dataclass(frozen=True)
class StageKeys:
    """The cache key of every stage of one map."""

    layout: str
    space: str
    labels: str
    topics: str
    metrics: str
    hierarchy: str


def stage_keys(vectors_key: str, corpus_key: str, params: MapParams) -> StageKeys:
    """Each stage's key, from the keys of its inputs and its own parameters (the one recipe)."""
    space_umap = maps.clustering_umap_params(params.umap)
    # The fit rule resolves from the number of vectors, which their key fixes (as the auto cluster sizes do).
    layout = params_key("layout-2d", vectors_key, asdict(params.umap), reduce.FIT_RULE)
    space = params_key("cluster-space", vectors_key, asdict(space_umap), params.cluster.cluster_dims, reduce.FIT_RULE)
    labels = params_key("labels", space, *_cluster_key_parts(params))
    return StageKeys(
        layout=layout,
        space=space,
        labels=labels,
        # A language of "auto" is detected from the texts alone, which the corpus key names: the key stays sound.
        topics=params_key("topics", corpus_key, labels, asdict(params.topics)),
        metrics=params_key("metrics", layout, labels),
        # The tree also depends on the vectors (its centroids): the labels' key names them, via the space.
        hierarchy=params_key("hierarchy", corpus_key, labels, asdict(params.topics), hierarchy.RECIPE),
    )


def _cluster_key_parts(params: MapParams) -> list:
    """What the labels depend on besides the clustering space. An AUTO size resolves from the number of
    documents, which the space's key already fixes (it names the vectors), so the parameters plus the
    rule's name determine the effective values; explicit sizes keep their keys of old. "auto" resolving to
    34 and an explicit 34 therefore have different keys (clustering twice costs little; a rule change
    never serves stale labels)."""
    parts = [asdict(params.cluster)]
    if clustering.is_auto(params.cluster):
        parts.append(clustering.AUTO_RULE)
    return parts


def map_key(vectors_key: str, corpus_key: str, params: MapParams) -> str:
    """One key for a whole map (its last stages name all the others)."""
    keys = stage_keys(vectors_key, corpus_key, params)
    return params_key("map", keys.topics, keys.metrics)


# ---- JSON codecs of the small stages -------------------------------------------------------------


def topic_terms_to_json(terms: topics.TopicTerms) -> list:
    # A list of pairs, not an object: JSON object keys would turn the cluster ids into strings.
    return [[int(cluster), [[str(term), float(score)] for term, score in ranked]] for cluster, ranked in terms.items()]


def topic_terms_from_json(value: list) -> topics.TopicTerms:
    return {int(cluster): [(str(term), float(score)) for term, score in ranked] for cluster, ranked in value}


def metrics_to_json(metrics: maps.MapMetrics) -> dict:
    # numpy scalars are not JSON: plain ints and floats (repr round-trips a float exactly; NaN is kept).
    def plain_number(value):
        if value is None:
            return None
        return int(value) if isinstance(value, (int, np.integer)) else float(value)

    return {name: plain_number(value) for name, value in asdict(metrics).items()}


def metrics_from_json(value: dict) -> maps.MapMetrics:
    return maps.MapMetrics(**value)


# ---- the cache -----------------------------------------------------------------------------------


class StageCache:
    """Stage results on disk (the store's artefacts) and the last few in memory.

    Safe to share between threads (Streamlit sessions): at worst two threads compute the same stage once each.
    """

    def __init__(self, store: Store | None, memory_items: int = 48):
        self.store = store  # None: keep results in memory only (nothing written)
        self.memory_items = memory_items
        self._memory: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_array(self, kind: str, key: str, note: Note = _quiet) -> np.ndarray | None:
        """The stored array, from memory or disk, or None."""
        return self._get(kind, key, lambda: self.store.load_array(kind, key), note)

    def put_array(self, kind: str, key: str, array: np.ndarray, params: dict, note: Note = _quiet) -> None:
        self._put(kind, key, array, lambda: self.store.save_array(kind, key, array, params), note)

    def array(self, kind: str, key: str, compute: Callable[[], np.ndarray], params: dict, note: Note = _quiet) -> np.ndarray:
        """The array stored under (kind, key), else compute() stored with `params` beside it."""
        found = self.get_array(kind, key, note)
        if found is None:
            found = compute()
            self.put_array(kind, key, found, params, note)
        return found

    def get_value(self, kind: str, key: str, decode, note: Note = _quiet):
        """decode(the stored JSON value), from memory or disk, or None."""
        return self._get(kind, key, lambda: self.store.load_json(kind, key, decode), note)

    def put_value(self, kind: str, key: str, value, encoded, params: dict, note: Note = _quiet) -> None:
        """Keep `value`; on disk as `encoded` (its JSON form)."""
        self._put(kind, key, value, lambda: self.store.save_json(kind, key, encoded, params), note)

    def value(self, kind: str, key: str, compute: Callable[[], Any], params: dict, encode, decode, note: Note = _quiet):
        """As array(), for a small value kept as JSON: encode/decode map it to JSON and back."""
        found = self.get_value(kind, key, decode, note)
        if found is None:
            found = compute()
            self.put_value(kind, key, found, encode(found), params, note)
        return found

    def _get(self, kind: str, key: str, load, note: Note):
        with self._lock:
            if (kind, key) in self._memory:
                self._memory.move_to_end((kind, key))
                return self._memory[(kind, key)]
        if self.store is None:
            return None
        problems_before = len(self.store.problems)
        found = load()
        for problem in self.store.problems[problems_before:]:  # a damaged file was set aside
            note(problem)
        if found is not None:
            self._remember(kind, key, found)
        return found

    def _put(self, kind: str, key: str, value, save, note: Note) -> None:
        self._remember(kind, key, value)
        if self.store is None:
            return
        try:
            save()
        except Exception as error:  # a full disk must not cost the user the result
            note(f"Could not save the {kind} to the cache: {error}")

    def _remember(self, kind: str, key: str, value) -> None:
        with self._lock:
            self._memory[(kind, key)] = value
            self._memory.move_to_end((kind, key))
            while len(self._memory) > self.memory_items:
                self._memory.popitem(last=False)


# ---- the pipeline --------------------------------------------------------------------------------

STAGES = maps.STAGES


def map_result(
    vectors: np.ndarray,
    texts: Sequence[str],
    params: MapParams,
    *,
    vectors_key: str,
    corpus_key: str,
    cache: StageCache,
    on_stage: Callable[[str], None] | None = None,
    note: Note = _quiet,
    should_stop: Callable[[], bool] | None = None,
) -> maps.MapResult:
    """Every stage of the map, each from the cache when it is there, else computed and stored.

    on_stage(name) is called before each stage that has to be computed (names in STAGES); `note` receives
    plain-English remarks (a damaged cache file set aside, a cache that could not be written). `should_stop()`
    is asked before each stage to compute and between the epochs of each UMAP layout: once true, StageStopped
    is raised and the stages finished so far stay in the cache.
    """
    if len(vectors) != len(texts):
        raise ValueError(f"{len(vectors)} vectors but {len(texts)} texts.")
    announce = _announcer(on_stage, should_stop)
    keys = stage_keys(vectors_key, corpus_key, params)
    coords, points = _projections(vectors, params, keys, vectors_key, cache, announce, note, should_stop)
    labels = _labels(points, params, keys, cache, announce, note)

    def compute_topics():
        announce(STAGES[2])
        return topics.topic_terms(list(texts), labels, params.topics)

    terms = cache.value(
        "topics", keys.topics, compute_topics, {"corpus": corpus_key, "labels": keys.labels, **asdict(params.topics)},
        topic_terms_to_json, topic_terms_from_json, note,
    )

    def compute_metrics():
        announce(STAGES[3])
        return maps.measure(vectors, coords, points, labels)

    metrics = cache.value(
        "metrics", keys.metrics, compute_metrics, {"layout": keys.layout, "labels": keys.labels},
        metrics_to_json, metrics_from_json, note,
    )
    return maps.MapResult(coords=coords, cluster_points=points, labels=labels, topics=terms, metrics=metrics)


def _labels(points: np.ndarray, params: MapParams, keys: StageKeys, cache: StageCache, announce, note) -> np.ndarray:
    def compute_labels():
        announce(STAGES[1])
        return clustering.cluster(points, params.cluster)

    n = len(points)
    chosen = {"effective_min_cluster_size": clustering.effective_min_cluster_size(n, params.cluster),
              "effective_min_samples": clustering.effective_min_samples(n, params.cluster)}
    return cache.array("labels", keys.labels, compute_labels, {"space": keys.space, **asdict(params.cluster), **chosen}, note)


def map_labels(vectors: np.ndarray, params: MapParams, *, vectors_key: str, corpus_key: str, cache: StageCache,
               on_stage: Callable[[str], None] | None = None, note: Note = _quiet,
               should_stop: Callable[[], bool] | None = None) -> np.ndarray:
    """Only the cluster labels of a map (its projections and clustering, from the cache when there), for
    callers that need no topics: the stability check reclusters under other seeds. `should_stop`: as in map_result."""
    announce = _announcer(on_stage, should_stop)
    keys = stage_keys(vectors_key, corpus_key, params)
    _, points = _projections(vectors, params, keys, vectors_key, cache, announce, note, should_stop)
    return _labels(points, params, keys, cache, announce, note)


def _announcer(on_stage: Callable[[str], None] | None, should_stop: Callable[[], bool] | None) -> Callable[[str], None]:
    """announce(name), called before a stage is computed: StageStopped if the job was told to stop, else on_stage."""

    def announce(name: str) -> None:
        if should_stop is not None and should_stop():
            raise StageStopped(name)
        if on_stage is not None:
            on_stage(name)

    return announce


def map_tree(vectors: np.ndarray, texts: Sequence[str], labels: np.ndarray, params: MapParams, *, vectors_key: str,
             corpus_key: str, cache: StageCache, note: Note = _quiet) -> hierarchy.TopicTree:
    """The topic tree of a map's clusters (`labels`, from map_result), from the cache or built and stored."""
    keys = stage_keys(vectors_key, corpus_key, params)
    return cache.value(
        "hierarchy", keys.hierarchy, lambda: hierarchy.build_tree(vectors, labels, list(texts), params.topics),
        {"corpus": corpus_key, "labels": keys.labels, "recipe": hierarchy.RECIPE, **asdict(params.topics)},
        hierarchy.tree_to_json, hierarchy.tree_from_json, note,
    )


def map_names(tree: hierarchy.TopicTree, vectors: np.ndarray, labels: np.ndarray, params: MapParams, *,
              vectors_key: str, corpus_key: str, model_key: str, cache: StageCache, load=None,
              note: Note = _quiet, job: JobFactory | None = None) -> hierarchy.TopicTree:
    """The tree with every node's terms re-ranked by meaning (representation.name_topics over its c-TF-IDF
    candidates), when params.topics.by_meaning; else the tree as it is.

    The terms are embedded with the map's model, through the store's vector cache (`term_vectors`): the model
    is loaded (`load()`) only for terms never embedded before. Kept as a stage keyed by the tree and the
    model, so a warm map loads no model. Without `load`, terms not yet embedded keep c-TF-IDF's order, and
    that partial result is not kept. `job`: a turn on a shared server for embedding them, as embed_texts.
    """
    from embdash.pipeline import representation

    if not params.topics.by_meaning or tree.n_leaves == 0:
        return tree
    key = params_key("topic-names", stage_keys(vectors_key, corpus_key, params).hierarchy, model_key,
                     representation.DIVERSITY, representation.N_CANDIDATES)
    named = cache.get_value("topic-names", key, topic_terms_from_json, note)
    if named is None:
        candidates = {node: terms[:representation.N_CANDIDATES] for node, terms in tree.terms.items()}
        wanted = sorted({term for terms in candidates.values() for term, _ in terms})
        found = term_vectors(wanted, model_key=model_key, store=cache.store, load=load, note=note, job=job)
        centres = hierarchy.node_centroids(tree, clustering.centroids(vectors, labels, tree.n_leaves))
        named = representation.name_topics(candidates, dict(enumerate(centres)), found,
                                           n_terms=representation.N_CANDIDATES)
        if len(found) == len(wanted):
            cache.put_value("topic-names", key, named, topic_terms_to_json(named),
                            {"hierarchy": stage_keys(vectors_key, corpus_key, params).hierarchy, "model": model_key,
                             "diversity": representation.DIVERSITY}, note)
    return dataclasses.replace(tree, terms=named)


def map_topic_quality(texts: Sequence[str], terms: topics.TopicTerms, *, corpus_key: str, cache: StageCache,
                      note: Note = _quiet) -> topic_quality.TopicQuality:
    """Coherence and diversity of the topics `terms` names (those shown: cut, edited, named by meaning), keyed
    by the corpus and the terms themselves, so any view's figures are measured once."""
    key = params_key("topic-quality", corpus_key, topic_terms_to_json(terms))
    return cache.value(
        "topic-quality", key, lambda: topic_quality.topic_quality(list(texts), terms),
        {"corpus": corpus_key}, _quality_to_json, _quality_from_json, note,
    )


#: Names what corpus_quality counts; change it when that changes, so no stored report of the old kind is served.
QUALITY_RECIPE = "quality-1"


def corpus_quality(corpus: Corpus, *, model_key: str, load: Callable[[], Any], cache: StageCache,
                   note: Note = _quiet) -> QualityReport:
    """The corpus's quality report (empty texts, duplicates, and texts the model truncates), kept per corpus
    and model (`model_key`, the model's cache key): the model is loaded (`load()`, returning an Embedder) and
    the texts tokenised only the first time; later visits, and other processes, read the stored report."""
    key = params_key("corpus-quality", corpus.key, model_key, QUALITY_RECIPE)

    def compute() -> QualityReport:
        embedder = load()
        limit = embedder.spec.max_tokens
        counts = token_counts(corpus.texts, embedder) if limit else None
        return dataio_corpus.quality_report(corpus, token_counts=counts, token_limit=limit)

    return cache.value("corpus-quality", key, compute, {"corpus": corpus.key, "model": model_key},
                       dataclasses.asdict, lambda value: QualityReport(**value), note)


def term_vectors(terms: Sequence[str], *, model_key: str, store: Store | None,
                 load: Callable[[], Any] | None = None, note: Note = _quiet,
                 job: JobFactory | None = None) -> dict[str, np.ndarray]:
    """Term -> its float32 vector under the model named by `model_key` (its cache key), for re-ranking topic
    names (embdash.pipeline.representation).

    Terms are kept in the store's vector cache beside the corpus's texts (same model key, same text hash), so
    a term embedded once, for any map or as a document, is read back and never embedded twice. Only when some
    are missing is the model loaded (`load()`, returning an Embedder whose cache_key is `model_key`) to embed
    those; with `load` None they are left out, and the caller keeps c-TF-IDF's order for the topics they
    name (as representation.name_topics does). A warm call loads no model.
    """
    from embdash.hashing import text_hash

    distinct = list(dict.fromkeys(str(term) for term in terms))
    if store is not None and distinct:
        cached, found = store.load_vectors(model_key, [text_hash(term) for term in distinct])
    else:
        cached, found = np.zeros((len(distinct), 0), np.float32), np.zeros(len(distinct), dtype=bool)
    vectors = {term: cached[row].astype(np.float32) for row, term in enumerate(distinct) if found[row]}
    missing = [term for row, term in enumerate(distinct) if not found[row]]
    if missing and load is not None:
        from embdash.models.embed import embed_texts

        embedder = load()
        if embedder.cache_key != model_key:
            raise ValueError(f"The model loaded for the terms has cache key {embedder.cache_key!r}, not {model_key!r}.")
        result = embed_texts(missing, embedder, store=store, job=job)
        for problem in result.problems:
            note(problem)
        vectors.update(zip(missing, result.vectors.astype(np.float32)))
    return vectors


def _quality_to_json(quality: topic_quality.TopicQuality) -> dict:
    return {"coherence": quality.coherence, "per_topic": [[int(c), float(v)] for c, v in quality.per_topic.items()],
            "diversity": quality.diversity, "n_terms": quality.n_terms}


def _quality_from_json(value: dict) -> topic_quality.TopicQuality:
    return topic_quality.TopicQuality(
        coherence=None if value["coherence"] is None else float(value["coherence"]),
        per_topic={int(c): float(v) for c, v in value["per_topic"]},
        diversity=None if value["diversity"] is None else float(value["diversity"]),
        n_terms=int(value["n_terms"]),
    )


def _projections(vectors, params: MapParams, keys: StageKeys, vectors_key: str, cache: StageCache, announce, note,
                 should_stop: Callable[[], bool] | None = None):
    """The 2-D layout and the clustering space, each from the cache when it is there; the missing ones
    computed together (one neighbour search, the two layouts side by side: the same results, sooner), asking
    `should_stop` between the layouts' epochs."""
    space_umap = maps.clustering_umap_params(params.umap)
    dims = params.cluster.cluster_dims
    wanted = {
        "layout-2d": (keys.layout, 2, params.umap, {"vectors": vectors_key, **asdict(params.umap), "fit": reduce.FIT_RULE}),
        "cluster-space": (keys.space, dims, space_umap,
                          {"vectors": vectors_key, **asdict(space_umap), "dims": dims, "fit": reduce.FIT_RULE}),
    }
    arrays = {kind: cache.get_array(kind, key, note) for kind, (key, *_) in wanted.items()}
    missing = [kind for kind, array in arrays.items() if array is None]
    if missing:
        announce(STAGES[0])
        if cache.store is not None:
            _keep_compiled_code(cache.store.root / "numba-cache")
        try:
            with reduce.stop_between_epochs(should_stop):
                computed = reduce.project_together(vectors, [wanted[kind][1:3] for kind in missing])
        except StageStopped:
            raise StageStopped(STAGES[0]) from None
        for kind, array in zip(missing, computed):
            key, _, _, stage_params = wanted[kind]
            cache.put_array(kind, key, array, stage_params, note)
            arrays[kind] = array
    return arrays["layout-2d"], arrays["cluster-space"]


_numba_cache_folders: set = set()


def _keep_compiled_code(folder) -> None:
    # UMAP's compiled code kept on disk spares a new process a ~14 s compile; switched on once per folder.
    if folder not in _numba_cache_folders:
        reduce.enable_numba_cache(folder)
        _numba_cache_folders.add(folder)


def build_map(
    vectors: np.ndarray,
    texts: Sequence[str],
    params: MapParams = MapParams(),
    on_stage: Callable[[str], None] | None = None,
) -> maps.MapResult:
    """Every stage computed afresh, nothing stored (for callers that keep no cache, and tests)."""
    from embdash.hashing import text_hash, texts_key

    key = texts_key(text_hash(t) for t in texts)
    return map_result(vectors, texts, params, vectors_key=key, corpus_key=key, cache=StageCache(None), on_stage=on_stage)
