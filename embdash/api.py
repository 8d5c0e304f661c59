"""The public API: one call per task on a DataFrame (or a list of texts), with the dashboard's caches.

Every function reads and writes the same store as the dashboard and the CLI ($EMBDASH_DATA_DIR, by default
~/.local/share/embdash): a vector is never embedded twice, and a map made here opens on the Map page
without computing anything (and the other way round). The model is loaded only when a vector is missing.
"""

from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from embdash.dataio.corpus import Corpus
    from embdash.dataio.store import Store
    from embdash.pipeline.params import MapParams
    from embdash.pipeline.topic_view import TopicEdits
    from embdash.tasks.compare import CompareReport

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def embed(
    data: "pd.DataFrame | Sequence[str] | os.PathLike",
    text: str | None = None,
    model: str = DEFAULT_MODEL,
    *,
    store: "Store | None" = None,
    progress: Callable[[int, int], None] | None = None,
) -> "np.ndarray":
    """The (n, d) unit vectors of the texts, in row order, computing only those the cache lacks.

    `data`: a DataFrame (`text` names its text column; default: the likeliest one), a list of texts, or a
    file path (any format the dashboard reads). `progress(done, total)` counts texts being embedded.

    >>> import embdash, pandas as pd
    >>> df = pd.DataFrame({"text": ["A cat sat on the mat.", "Stocks fell sharply.", "A kitten slept."]})
    >>> vectors = embdash.embed(df, text="text")
    >>> vectors.shape
    (3, 384)
    >>> bool(vectors[0] @ vectors[2] > vectors[0] @ vectors[1])  # the cat is nearer the kitten than the stocks
    True
    """
    corpus = as_corpus(data, text)
    return _vectors(corpus, model, store, progress).vectors


def map(  # noqa: A001  the notebook call is embdash.map(...), as BERTopic's is fit_transform
    data: "pd.DataFrame | Sequence[str] | os.PathLike",
    text: str | None = None,
    model: str = DEFAULT_MODEL,
    *,
    store: "Store | None" = None,
    progress: Callable[[int, int], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
    topics: int = 0,
    assign_unclustered: bool = False,
    assign_threshold: float | None = None,
    edits: "TopicEdits | None" = None,
    **params: Any,
) -> "pd.DataFrame":
    """The rows plus x, y (the 2-D map), cluster (-1: unclustered), topic (its name), assigned and
    topic_path, as the Map page shows.

    `params` are the map's parameters by name (n_neighbors, min_dist, metric, seed, min_cluster_size,
    min_samples, cluster_dims, n_terms, ngram_max, keep_numbers, extra_stop_words, language; `embdash map
    --help` explains each). Every stage is cached on what it depends on: a second call with the same data
    and parameters computes nothing.
    The metrics (trustworthiness, silhouette, noise share) are in `frame.attrs["metrics"]`, the topics'
    coherence (NPMI) and diversity of the topics shown in `frame.attrs["topic_quality"]`.

    The clusters form a tree of topics: `topics=n` shows n topics (the closest clusters merged; any n at
    least the number of clusters: every cluster; 0, auto: only near-duplicate clusters merged, those closer
    than hierarchy.AUTO_CUT_SHARE x the median distance between cluster centroids). `assign_unclustered=True` gives each unclustered document its nearest cluster when their
    cosine reaches `assign_threshold` (None: embdash.pipeline.assign.DEFAULT_THRESHOLD); `assigned` marks
    them. `edits` (embdash.pipeline.topic_view.TopicEdits) renames, merges or splits topics. None of these
    re-runs a projection or the clustering. `frame.attrs["topics"]` says what was shown (see `topics`).

    >>> import embdash
    >>> from embdash.dataio.corpus import sample_corpus_path
    >>> frame = embdash.map(sample_corpus_path(), min_cluster_size=5)
    >>> {"x", "y", "cluster", "topic", "assigned", "topic_path"} <= set(frame.columns)
    True
    >>> frame["cluster"].nunique() > 1
    True
    >>> two = embdash.map(sample_corpus_path(), min_cluster_size=5, topics=2)
    >>> sorted(two["cluster"].unique().tolist())[-2:]
    [0, 1]
    """
    from dataclasses import asdict

    from embdash.pipeline import maps, stages, topic_view

    corpus, vectors, map_params, result, tree, view = _mapped(
        data, text, model, store, progress, on_stage, view_options(topics, assign_unclustered, assign_threshold),
        edits, params)
    frame = maps.map_frame(corpus.frame, corpus.text_column, result, view)
    frame.attrs["metrics"] = asdict(result.metrics)
    summary = topic_view.tree_summary(tree, view)
    frame.attrs["topics"] = {name: summary[name] for name in (
        "n_clusters", "n_topics", "assigned", "share_clustered_before", "share_clustered_after")}
    shown = topic_view.shown_terms(view, map_params.topics.n_terms)
    quality = stages.map_topic_quality(corpus.texts, shown, corpus_key=corpus.key, cache=stage_cache(store))
    frame.attrs["topic_quality"] = {"coherence": quality.coherence, "diversity": quality.diversity}
    return frame


def topics(
    data: "pd.DataFrame | Sequence[str] | os.PathLike",
    text: str | None = None,
    model: str = DEFAULT_MODEL,
    *,
    store: "Store | None" = None,
    progress: Callable[[int, int], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
    topics: int = 0,
    assign_unclustered: bool = False,
    assign_threshold: float | None = None,
    edits: "TopicEdits | None" = None,
    **params: Any,
) -> dict:
    """The map's topic tree as JSON-ready data, with the same options and cache as `map`.

    "nodes": every node of the tree (id, parent, children, size in clustered documents, height of its
    merge, terms, label); the leaves 0..k-1 are the clusters and node k + i is the i-th merge. "topics":
    the topics shown at the chosen level (id, key, name, the nodes they are made of, documents, terms, and
    "representative": the rows and texts of the three core documents most similar to the topic's centre).

    >>> import embdash
    >>> from embdash.dataio.corpus import sample_corpus_path
    >>> tree = embdash.topics(sample_corpus_path(), min_cluster_size=5, topics=2)
    >>> len(tree["topics"]), len(tree["nodes"]) == 2 * tree["n_clusters"] - 1
    (2, True)
    >>> root = tree["nodes"][tree["root"]]
    >>> root["parent"] is None and root["size"] == sum(n["size"] for n in tree["nodes"][: tree["n_clusters"]])
    True
    """
    import numpy as np

    from embdash.pipeline import representation, topic_view

    corpus, vectors, _, _, tree, view = _mapped(data, text, model, store, progress, on_stage,
                                                view_options(topics, assign_unclustered, assign_threshold), edits, params)
    summary = topic_view.tree_summary(tree, view)
    core = np.where(view.assigned, -1, view.labels)  # documents assigned by similarity do not represent a topic
    rows = representation.representative_documents(vectors.vectors, core, k=3)
    for topic in summary["topics"]:
        topic["representative"] = [{"row": int(row), "text": corpus.texts[row]} for row in rows.get(topic["id"], [])]
    return summary


def search(
    data: "pd.DataFrame | Sequence[str] | os.PathLike",
    query: str,
    text: str | None = None,
    model: str = DEFAULT_MODEL,
    k: int = 10,
    *,
    store: "Store | None" = None,
) -> "pd.DataFrame":
    """The k rows nearest in meaning to `query`, best first: rank, row, score (cosine), the text, then the
    other columns. The corpus's vectors come from the cache; the model is loaded to embed the query.

    >>> import embdash, pandas as pd
    >>> df = pd.DataFrame({"text": ["The river flooded the town.", "Interest rates rose.", "Rain swelled the stream."]})
    >>> hits = embdash.search(df, "water and floods", text="text", k=2)
    >>> sorted(hits["row"].tolist())
    [0, 2]
    """
    from embdash.errors import EmbdashError
    from embdash.models.catalogue import load_embedder
    from embdash.tasks import search as semantic

    if k < 1:
        raise EmbdashError(f"k must be at least 1, got {k}.")
    semantic.check_query(query)  # an empty query fails before anything is embedded
    corpus = as_corpus(data, text)
    loaded = []

    def load():
        loaded.append(load_embedder(model, fit_texts=corpus.texts))
        return loaded[0]

    vectors = _vectors(corpus, model, store, None, load=load)
    rows, scores = nearest(vectors, vectors.embedder or load(), query, k, store=store)
    return semantic.hits_table(corpus.frame, corpus.text_column, rows, scores)


def compare(
    data: "pd.DataFrame | Sequence[str] | os.PathLike",
    text: str | None = None,
    models: Sequence[str] = (DEFAULT_MODEL, "paraphrase-MiniLM-L3-v2"),
    labels: str | Sequence | None = None,
    *,
    k: int = 10,
    store: "Store | None" = None,
    progress: Callable[[int, int], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
    **params: Any,
) -> "CompareReport":
    """Two to four models measured on the corpus: neighbour overlap, similarity correlation, cluster
    agreement, and with `labels` (a column name, or one label per row) how well each recovers them.

    The report's `recommendation` says which model to use; `embdash.tasks.compare_report` renders it as
    JSON or HTML. Each model's vectors and map come from the same caches as `embed` and `map`.

    >>> import embdash
    >>> from embdash.dataio.corpus import sample_corpus_path
    >>> report = embdash.compare(sample_corpus_path(), models=["all-MiniLM-L6-v2", "paraphrase-MiniLM-L3-v2"])
    >>> [m.model_id for m in report.models]
    ['all-MiniLM-L6-v2', 'paraphrase-MiniLM-L3-v2']
    >>> 0.0 <= report.pairs[0].jaccard_mean <= 1.0
    True
    """
    from dataclasses import asdict

    from embdash.errors import EmbdashError
    from embdash.tasks import compare as measures
    from embdash.tasks.model_runs import model_run

    model_ids = measures.check_model_ids(models)
    if k < 2:
        raise EmbdashError(f"k must be at least 2, got {k}.")
    corpus = as_corpus(data, text)
    label_column, label_values = _labels(corpus, labels)
    map_params = map_parameters(**params)
    runs = []
    for model_id in model_ids:
        stage_note = None if on_stage is None else (lambda stage, m=model_id: on_stage(f"{m}: {stage}"))
        _, run, _ = model_run(corpus, model_id, map_params, store=store_or_default(store), cache=stage_cache(store),
                              progress=progress, on_stage=stage_note)
        runs.append(run)
    return measures.compare(
        runs, corpus.texts, label_values, label_column=label_column, params=measures.CompareParams(k=k),
        context={"input": corpus.name, "corpus_key": corpus.key, "text_column": corpus.text_column,
                 "map_params": asdict(map_params)},
    )


# ---- shared by the calls above, the CLI and the pages -----------------------------------------------


def corpus_map(corpus, vectors, params: "MapParams", *, store=None, on_stage=None, note=None):
    """The MapResult of a corpus's cached vectors, every stage through the shared stage cache."""
    from embdash.pipeline import stages

    return stages.map_result(
        vectors.vectors, corpus.texts, params, vectors_key=vectors.key, corpus_key=corpus.key,
        cache=stage_cache(store), on_stage=on_stage, note=note,
    )


def view_options(topics: int = 0, assign_unclustered: bool = False, assign_threshold: float | None = None):
    """ViewOptions from the API's and the CLI's arguments (ValueError for a negative number of topics)."""
    from embdash.pipeline import assign
    from embdash.pipeline.topic_view import ViewOptions

    if topics < 0:
        raise ValueError(f"The number of topics must be 0 (auto) or more, got {topics}.")
    threshold = assign.DEFAULT_THRESHOLD if assign_threshold is None else float(assign_threshold)
    return ViewOptions(n_topics=int(topics), assign_unclustered=bool(assign_unclustered), assign_threshold=threshold)


def corpus_topic_view(corpus, vectors, result, params: "MapParams", options, edits=None, *, model: str | None = None,
                      store=None, note=None):
    """(the map's topic tree, its nodes named by meaning, from the stage cache; the topic view of `options` and
    `edits`). `model` (its id) is loaded only if some topic term was never embedded with it."""
    from embdash.pipeline import stages
    from embdash.pipeline.topic_view import TopicEdits, topic_view

    note = note or (lambda message: None)
    cache = stage_cache(store)
    tree = stages.map_tree(vectors.vectors, corpus.texts, result.labels, params, vectors_key=vectors.key,
                           corpus_key=corpus.key, cache=cache, note=note)

    def load():
        from embdash.models.catalogue import load_embedder

        return vectors.embedder or load_embedder(model, fit_texts=corpus.texts)

    tree = stages.map_names(tree, vectors.vectors, result.labels, params, vectors_key=vectors.key,
                            corpus_key=corpus.key, model_key=vectors.model_key, cache=cache,
                            load=load if (model or vectors.embedder) else None, note=note)
    view = topic_view(result.labels, tree, vectors.vectors, options, edits or TopicEdits(),
                      cluster_points=result.cluster_points, texts=corpus.texts, topic_params=params.topics)
    return tree, view


def nearest(vectors, embedder, query: str, k: int, *, store=None, note=None):
    """(rows, cosine scores) of the k vectors nearest the query, best first; an approximate index (kept in
    the store under the vectors' key, shared with the dashboard) once the corpus is large."""
    from embdash.tasks import search as semantic

    query_vector = semantic.embed_query(embedder, query)
    index = None
    if semantic.choose_search(len(vectors.vectors)) == "ann":
        from embdash.tasks import ann

        index = ann.cached_index(vectors.vectors, vectors.key, store_or_default(store).root, note=note)
    rows, scores = semantic.search(vectors.vectors, query_vector, k, index=index)
    found = rows >= 0  # an approximate index may fall short of k
    return rows[found], scores[found]


def as_corpus(data, text: str | None = None, name: str | None = None) -> "Corpus":
    """A Corpus from a DataFrame, a list of texts or a file path (CorpusError with a clear message if not)."""
    import pandas as pd

    from embdash.dataio.corpus import Corpus, load_corpus, make_corpus

    if isinstance(data, Corpus):
        return data
    if isinstance(data, (Path, os.PathLike)):
        return load_corpus(data, text_column=text)
    if isinstance(data, str):
        raise TypeError("Pass a DataFrame, a list of texts or a pathlib.Path; a single string is ambiguous.")
    if isinstance(data, pd.DataFrame):
        if text is None:
            from embdash.dataio.readers import guess_text_column

            text = guess_text_column(data)
        return make_corpus(data, text, name=name or "DataFrame")
    return make_corpus(pd.DataFrame({"text": list(data)}), "text", name=name or "texts")


def map_parameters(**params: Any) -> "MapParams":
    """MapParams from the parameters' names (n_neighbors=..., min_cluster_size=...); ValueError naming an
    unknown one and listing the known ones."""
    from embdash.pipeline.params import MapParams

    groups: dict[str, dict[str, Any]] = {group.name: {} for group in fields(MapParams)}
    owner = {f.name: group.name for group in fields(MapParams) for f in fields(group.default_factory)}
    for name, value in params.items():
        if name not in owner:
            raise ValueError(f"Unknown map parameter {name!r}; known: {', '.join(owner)}.")
        groups[owner[name]][name] = value
    return MapParams(**{group.name: group.default_factory(**groups[group.name]) for group in fields(MapParams)})


_stores: dict = {}


def store_or_default(store: "Store | None") -> "Store":
    """The given store, else the default one (kept per data folder, so its in-memory index is reused)."""
    from embdash.config import data_dir
    from embdash.dataio.store import Store

    if store is not None:
        return store
    folder = data_dir()
    if folder not in _stores:
        _stores[folder] = Store(folder)
    return _stores[folder]


_stage_caches: dict = {}


def stage_cache(store: "Store | None" = None):
    """The map stages' cache on the store (one per store, so a notebook reuses the in-memory layer)."""
    from embdash.pipeline.stages import StageCache

    chosen = store_or_default(store)
    if id(chosen) not in _stage_caches:
        _stage_caches[id(chosen)] = (chosen, StageCache(chosen))
    return _stage_caches[id(chosen)][1]


def _mapped(data, text, model, store, progress, on_stage, options, edits, params):
    """(corpus, vectors, map parameters, MapResult, topic tree, topic view): what map and topics share."""
    corpus = as_corpus(data, text)
    map_params = map_parameters(**params)
    vectors = _vectors(corpus, model, store, progress)
    result = corpus_map(corpus, vectors, map_params, store=store, on_stage=on_stage)
    tree, view = corpus_topic_view(corpus, vectors, result, map_params, options, edits, model=model, store=store)
    return corpus, vectors, map_params, result, tree, view


def _vectors(corpus, model: str, store, progress, load=None):
    from embdash.models.catalogue import get_spec
    from embdash.models.embed import corpus_vectors

    get_spec(model)  # an unknown model fails with the catalogue's message
    return corpus_vectors(corpus, model, store_or_default(store), load=load, progress=progress)


def _labels(corpus, labels):
    """(label column name or None, one label per row or None)."""
    from embdash.errors import EmbdashError

    if labels is None:
        return None, None
    if isinstance(labels, str):
        if labels not in corpus.frame.columns or labels == corpus.text_column:
            others = ", ".join(str(c) for c in corpus.frame.columns if c != corpus.text_column) or "none"
            raise EmbdashError(f"No label column {labels!r} in {corpus.name}; its other columns: {others}.")
        return labels, corpus.frame[labels].to_numpy()
    values = list(labels)
    if len(values) != len(corpus):
        raise EmbdashError(f"{len(values)} labels for {len(corpus)} rows: give one label per row.")
    return None, values
