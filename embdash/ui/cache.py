"""Every cache of the app lives here.

Three layers, cheapest first: Streamlit's in-memory caches (per server process), the parquet store on
disk (survives restarts, shared with the CLI), and computing. Big arrays travel as `_underscore`
arguments (Streamlit does not hash them); the cache key is our own content key passed beside them.
"""

from __future__ import annotations

import time
from dataclasses import asdict

import numpy as np
import streamlit as st

from embdash import cluster as clustering
from embdash import maps, reduce, topics
from embdash.config import data_dir
from embdash.corpus import Corpus
from embdash.embed import embed_texts, vectors_key
from embdash.hashing import params_key
from embdash.models import get_spec, load_embedder
from embdash.params import ClusterParams, MapParams, TopicParams, UmapParams
from embdash.store import Store
from embdash.ui.text import plain


@st.cache_resource(show_spinner=False)
def store() -> Store:
    from embdash.ui.state import settings  # state imports this module: import at call time

    return Store.default(vector_dtype=settings().vector_dtype)  # EMBDASH_VECTOR_DTYPE, also from st.secrets


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)
def _embedder(model_id: str, corpus_key: str | None, _fit_texts=None):
    # corpus_key is part of the key only for models fitted on the corpus (tfidf-lsa).
    return load_embedder(model_id, fit_texts=_fit_texts)


def embedder(model_id: str, corpus: Corpus):
    """The loaded model, once per server process (per corpus for corpus-fitted models)."""
    if get_spec(model_id).fitted_on_corpus:
        return _embedder(model_id, corpus.key, _fit_texts=corpus.texts)
    model = _embedder(model_id, None)
    _loaded_models()[model_id] = (model.cache_key, model.spec.dim)
    return model


@st.cache_resource(show_spinner=False)
def _loaded_models() -> dict:
    """model id -> (cache key, dimension) of the model this process loaded: it wins over a key predicted
    from disk, which an ONNX export made since the load would change."""
    return {}


def _model_key_without_loading(model_id: str) -> tuple[str, int | None] | None:
    """(cache key, dimension) embedder(model_id, ...) would have, without loading the model; None if unknown
    (see models.expected_cache_key). Predicted afresh each time (milliseconds), so it follows the disk."""
    from embdash.models import expected_cache_key

    loaded = _loaded_models().get(model_id)
    if loaded is not None:
        return loaded
    predicted = expected_cache_key(model_id)
    return None if predicted is None else (predicted, get_spec(model_id).dim)


@st.cache_resource(show_spinner=False)
def _vectors_in_memory() -> dict:
    return {}


def vectors(corpus: Corpus, model_id: str) -> tuple[str, np.ndarray]:
    """(vectors key, (n, d) unit vectors) for the corpus, with a progress bar while embedding.

    Kept in memory per server process, and in the parquet store across processes: a text is never
    embedded twice by the same model. The model is loaded only to embed: when every vector is cached
    under the key it would have, they are returned without it (loading takes seconds, issue 7).
    """
    cached = _cached_without_model(corpus, model_id)
    if cached is not None:
        return cached
    model = embedder(model_id, corpus)
    key = vectors_key(corpus.key, model.cache_key, store().vector_dtype)
    return key, _embedded_with_progress(key, corpus.texts, model, "texts")


def _cached_without_model(corpus: Corpus, model_id: str) -> tuple[str, np.ndarray] | None:
    """(vectors key, vectors) as vectors() returns them, when every text's vector is in memory or in the
    store under the model's predicted cache key; None when the key is unknown or a vector is missing."""
    model = _model_key_without_loading(model_id)
    if model is None:
        return None
    model_key, dim = model
    key = vectors_key(corpus.key, model_key, store().vector_dtype)
    memory = _vectors_in_memory()
    if key in memory:
        return key, memory[key]
    texts = corpus.texts
    if not texts:
        return None  # an empty corpus takes its vectors' width from the model
    stored = _all_stored(model_key, dim, texts)
    if stored is None:
        return None
    _remember(key, stored)
    return key, stored


def _all_stored(model_key: str, dim: int | None, texts: list[str]) -> np.ndarray | None:
    """The texts' vectors from the store, in input order, or None if one is missing or the cached width is
    not the model's (embed_texts would then embed them again)."""
    from embdash.hashing import text_hash

    problems_before = len(store().problems)
    vectors, found = store().load_vectors(model_key, [text_hash(text) for text in texts])
    # A damaged file set aside now is said now: embed_texts, if it runs next, would not see it again.
    for problem in store().problems[problems_before:]:
        st.warning(plain(problem))
    if not found.all() or (dim is not None and vectors.shape[1] != dim):
        return None
    return vectors


def _remember(key: str, vectors: np.ndarray) -> None:
    memory = _vectors_in_memory()
    if len(memory) >= 8:
        memory.pop(next(iter(memory)))
    memory[key] = vectors


def _embedded_with_progress(key: str, texts: list[str], model, what: str) -> np.ndarray:
    """Vectors of `texts`, from memory (by `key`), else from the store or the model with a progress bar
    that counts `what` (texts, chunks) and estimates the time left."""
    memory = _vectors_in_memory()
    if key in memory:
        return memory[key]
    bar = st.progress(0.0, text="Checking the embedding cache…")
    started = time.monotonic()

    def show_progress(done: int, total: int) -> None:
        if total == 0:
            return
        elapsed = time.monotonic() - started
        eta = f", about {elapsed / done * (total - done):.0f} s left" if done else ""
        bar.progress(done / total, text=f"Embedding with {model.spec.name}: {done:,} of {total:,} new {what}{eta}")

    result = embed_texts(texts, model, store(), progress=show_progress)
    bar.empty()
    for problem in result.problems:
        st.warning(plain(problem))
    if result.n_computed:
        st.toast(f"Embedded {result.n_computed:,} new {what} in {result.seconds:.1f} s; {result.n_cached:,} came from the cache.")
    _remember(key, result.vectors)
    return result.vectors


def _on_disk(kind: str, key: str, compute, params: dict) -> np.ndarray:
    """Load a derived array from the store, or compute and save it. A damaged file is said so, then recomputed."""
    return _stored_or_computed(kind, compute, lambda: store().load_array(kind, key),
                               lambda array: store().save_array(kind, key, array, params))


def _json_on_disk(kind: str, key: str, compute, params: dict, encode, decode):
    """As _on_disk, for a small value kept as JSON (topic terms, metrics): encode/decode map it to JSON and back."""
    return _stored_or_computed(kind, compute, lambda: store().load_json(kind, key, decode),
                               lambda value: store().save_json(kind, key, encode(value), params))


def _stored_or_computed(kind: str, compute, load, save):
    cached = _stored(kind, load)
    if cached is not None:
        return cached
    value = compute()
    _saved(kind, save, value)
    return value


def _stored(kind: str, load):
    """What load() finds in the store, or None; a damaged file is said so (the store sets it aside)."""
    problems_before = len(store().problems)
    cached = load()
    for problem in store().problems[problems_before:]:
        st.warning(plain(problem))
    return cached


def _saved(kind: str, save, value) -> None:
    try:
        save(value)
    except Exception as error:  # a full disk must not cost the user the map
        st.warning(plain(f"Could not save the {kind} to the cache: {error}"))


@st.cache_data(show_spinner=False, max_entries=32)
def _projections(vectors_key: str, _vectors: np.ndarray, umap: UmapParams, space_umap: UmapParams, dims: int):
    """The 2-D layout and the k-d clustering space (`space_umap` is maps.clustering_umap_params(...)), each
    from the store when it is there; the missing ones computed together (one neighbour search, two cores)."""
    wanted = {
        "layout-2d": (params_key("layout-2d", vectors_key, asdict(umap)), 2, umap, asdict(umap)),
        "cluster-space": (
            params_key("cluster-space", vectors_key, asdict(space_umap), dims), dims, space_umap,
            {**asdict(space_umap), "dims": dims},
        ),
    }
    arrays = {kind: _stored(kind, lambda key=key, kind=kind: store().load_array(kind, key)) for kind, (key, *_) in wanted.items()}
    missing = [kind for kind, array in arrays.items() if array is None]
    if missing:
        computed = _with_umap(reduce.project_together, _vectors, [wanted[kind][1:3] for kind in missing])
        for kind, array in zip(missing, computed):
            arrays[kind] = array
            key, _, _, params = wanted[kind]
            _saved(kind, lambda value, kind=kind, key=key, params=params: store().save_array(kind, key, value, params), array)
    return arrays["layout-2d"], arrays["cluster-space"]


def _with_umap(project, *args):
    # The numba cache is switched on here, before the first UMAP call, not at start: importing umap costs
    # seconds, which a restarted server showing a stored map should not pay.
    numba_cache()
    return project(*args)


@st.cache_data(show_spinner=False, max_entries=32)
def _labels(space_key: str, _points: np.ndarray, params: ClusterParams) -> np.ndarray:
    # space_key names the points (vectors, UMAP parameters, dimensions); with params it names the labels.
    key = params_key("labels", space_key, asdict(params))
    return _on_disk("labels", key, lambda: clustering.cluster(_points, params), asdict(params))


@st.cache_data(show_spinner=False, max_entries=32)
def _topics(corpus_key: str, _texts: list[str], labels_key: str, _labels: np.ndarray, params: TopicParams) -> dict:
    key = params_key("topics", corpus_key, labels_key, asdict(params))
    return _json_on_disk("topics", key, lambda: topics.topic_terms(_texts, _labels, params), asdict(params),
                         encode=topic_terms_to_json, decode=topic_terms_from_json)


@st.cache_data(show_spinner=False, max_entries=32)
def _metrics(coords_key: str, _vectors, _coords, labels_key: str, _points, _labels) -> maps.MapMetrics:
    # coords_key names the vectors and the 2-D layout; labels_key the clustering space and the labels.
    key = params_key("metrics", coords_key, labels_key)
    return _json_on_disk("metrics", key, lambda: maps.measure(_vectors, _coords, _points, _labels), {},
                         encode=metrics_to_json, decode=lambda value: maps.MapMetrics(**value))


def topic_terms_to_json(terms: topics.TopicTerms) -> list:
    # A list of pairs, not an object: JSON object keys would turn the cluster ids into strings.
    return [[int(cluster), [[str(term), float(score)] for term, score in ranked]] for cluster, ranked in terms.items()]


def topic_terms_from_json(value: list) -> topics.TopicTerms:
    return {int(cluster): [(str(term), float(score)) for term, score in ranked] for cluster, ranked in value}


def metrics_to_json(metrics: maps.MapMetrics) -> dict:
    # numpy scalars are not JSON: plain ints and floats (repr round-trips a float exactly; NaN is kept).
    plain_number = lambda v: None if v is None else int(v) if isinstance(v, (int, np.integer)) else float(v)  # noqa: E731
    return {name: plain_number(value) for name, value in asdict(metrics).items()}


def map_result(corpus: Corpus, vectors_key: str, vectors: np.ndarray, params: MapParams) -> maps.MapResult:
    """Run the map pipeline stage by stage, each cached on exactly the parameters it depends on,
    so moving a topic slider never re-runs UMAP. Shows each stage's status while it works."""
    umap = params.umap
    coords_key = params_key(vectors_key, asdict(umap))
    space_umap = maps.clustering_umap_params(umap)
    space_key = params_key(vectors_key, asdict(space_umap), params.cluster.cluster_dims)
    labels_key = params_key(space_key, asdict(params.cluster))
    with st.status("Building the map…", expanded=False) as status:
        status.update(label=f"Projecting to 2-D for the map and {params.cluster.cluster_dims}-D for clustering (UMAP)…")
        coords, points = _projections(vectors_key, vectors, umap, space_umap, params.cluster.cluster_dims)
        status.update(label="Clustering (HDBSCAN)…")
        labels = _labels(space_key, points, params.cluster)
        status.update(label="Labelling topics (c-TF-IDF)…")
        terms = _topics(corpus.key, corpus.texts, labels_key, labels, params.topics)
        status.update(label="Measuring how far to trust the map…")
        metrics = _metrics(coords_key, vectors, coords, labels_key, points, labels)
        status.update(label="Map ready", state="complete")
    return maps.MapResult(coords=coords, cluster_points=points, labels=labels, topics=terms, metrics=metrics)


@st.cache_resource(show_spinner=False)
def numba_cache() -> int:
    """Keep UMAP's compiled code on disk: a restarted server skips the ~25 s first-call compile.
    Call it just before computing a UMAP projection (it imports umap, which takes seconds)."""
    return reduce.enable_numba_cache(data_dir() / "numba-cache")


# ---- Classify page ------------------------------------------------------------------------------


@st.cache_data(show_spinner="Embedding the example texts…", max_entries=64)
def _embedded_texts(model_id: str, corpus_key: str, texts: tuple[str, ...], _corpus: Corpus) -> np.ndarray:
    return embed_texts(list(texts), embedder(model_id, _corpus), store()).vectors


def embed_texts_cached(model_id: str, corpus: Corpus, texts_tuple: tuple[str, ...]) -> np.ndarray:
    """(len(texts), d) unit vectors for a few typed texts (examples, label names), through the store.

    The corpus matters only for models fitted on it (tfidf-lsa); it is keyed by its content key.
    """
    return _embedded_texts(model_id, corpus.key, tuple(texts_tuple), corpus)


@st.cache_data(show_spinner="Cross-validating each method…", max_entries=16)
def classify_evaluation(vectors_key: str, _vectors: np.ndarray, labels: tuple, params) -> dict:
    """Cross-validated scores per method (classify.evaluate), keyed by the vectors' key and the labels."""
    from embdash import classify

    return classify.evaluate(_vectors, list(labels), classify.METHODS, params=params)


# ---- RAG page -----------------------------------------------------------------------------------


@st.cache_resource(show_spinner="Splitting the documents into chunks…", max_entries=8)
def _rag_chunks(corpus_key: str, tokenizer_key: str | None, params, _texts: list[str], _model) -> tuple:
    from embdash import chunking

    offsets = chunking.model_token_offsets(_model) if params.method == "tokens" else None
    return tuple(chunking.chunk_corpus(_texts, params, offsets))  # a tuple: shared between sessions, never edited


def rag_chunks(corpus: Corpus, model_id: str, params) -> tuple:
    """The corpus's chunks (embdash.chunking.Chunk). By tokens, the model's own tokenizer splits them,
    so the model is part of the key; by sentences it is not."""
    model = embedder(model_id, corpus)
    tokenizer_key = model.cache_key if params.method == "tokens" else None
    return _rag_chunks(corpus.key, tokenizer_key, params, corpus.texts, model)


def rag_chunk_vectors(corpus: Corpus, model_id: str, params) -> tuple[tuple, np.ndarray]:
    """(chunks, (n_chunks, d) unit vectors), with a progress bar while embedding.

    Chunk texts go through the same store as documents (keyed by the text's sha256), so a chunk is
    never embedded twice, whichever settings made it.
    """
    model = embedder(model_id, corpus)
    chunks = rag_chunks(corpus, model_id, params)
    key = params_key("chunk-vectors", corpus.key, model.cache_key, asdict(params))
    return chunks, _embedded_with_progress(key, [chunk.text for chunk in chunks], model, "chunks")


@st.cache_data(show_spinner="Embedding the query…", max_entries=256)
def _query_vector(model_cache_key: str, query: str, _model) -> np.ndarray:
    from embdash import search

    return search.embed_query(_model, query)


def query_vector(corpus: Corpus, model_id: str, query: str) -> np.ndarray:
    """The query's unit vector, cached on (model cache key, query); SearchError for an empty or too long query."""
    model = embedder(model_id, corpus)
    return _query_vector(model.cache_key, query, model)


@st.cache_resource(show_spinner="Indexing the words (BM25)…", max_entries=4)
def _keyword_index(corpus_key: str, _texts: list[str]):
    from embdash.keyword import KeywordIndex

    return KeywordIndex(_texts)


def keyword_index(corpus: Corpus):
    """The corpus's BM25 index, built once per corpus per server process."""
    return _keyword_index(corpus.key, corpus.texts)


@st.cache_resource(show_spinner="Building the approximate search index (once per corpus and model)…", max_entries=2)
def _ann_index(vectors_key: str, _vectors: np.ndarray):
    from embdash import ann

    notes: list[str] = []
    index = ann.cached_index(_vectors, vectors_key, data_dir(), note=notes.append)
    return index, notes


def search_index(vectors_key: str, vectors: np.ndarray):
    """The approximate index for large corpora (None below search.EXACT_LIMIT documents: exact search is used)."""
    from embdash import search

    if search.choose_search(len(vectors)) == "exact":
        return None
    index, notes = _ann_index(vectors_key, vectors)
    for note in notes:
        st.info(note)
    return index


# ---- Learn pages: words (embdash.words) ---------------------------------------------------------


@st.cache_resource(show_spinner="Reading the GloVe vocabulary…", max_entries=4)
def _glove_vocabulary(n_words: int) -> tuple[list[str], np.ndarray]:
    from embdash import words

    vocabulary = words.vocabulary(n_words)
    return vocabulary, words.glove_vectors(vocabulary)


def vocabulary_vectors(model_id: str, n_words: int) -> tuple[list[str], np.ndarray]:
    """(the n most frequent GloVe words, their (n, d) unit vectors under the model), shared read-only.

    GloVe uses its own rows; any other model embeds each word as a text (progress bar, stored like any text).
    """
    from embdash import words

    if model_id == words.GLOVE_ID:
        return _glove_vocabulary(n_words)
    vocabulary = words.vocabulary(n_words)
    model = embedder(model_id, state_corpus())
    key = params_key("vocabulary-vectors", model.cache_key, n_words)
    return vocabulary, _embedded_with_progress(key, vocabulary, model, "words")


def state_corpus() -> Corpus:
    # Imported here: state imports this module.
    from embdash.ui import state

    return state.current_corpus()


@st.cache_data(show_spinner="Scoring the model on the word benchmarks…", max_entries=16)
def _word_benchmarks(model_id: str, n_words: int, _words: list[str], _vectors: np.ndarray, _model) -> dict:
    from embdash import word_benchmarks as wb
    from embdash import words

    questions = words.read_analogy_questions(wb.benchmark_path(wb.ANALOGIES))
    pair_sets = {name: words.read_word_pairs(wb.benchmark_path(name)) for name in (wb.WORDSIM, wb.SIMLEX)}
    if model_id == words.GLOVE_ID:
        # Word pairs are scored over all 400,000 GloVe words: a rare word is still a word GloVe knows.
        pair_words = words.known_glove_words(words.benchmark_words([], *pair_sets.values()))
        pair_vectors = words.glove_vectors(pair_words)
    else:
        pair_words = words.benchmark_words([], *pair_sets.values())
        pair_vectors = words.word_vectors(pair_words, _model, store())
    return {
        "analogy": words.analogy_accuracy(questions, _words, _vectors),
        **{name: words.pair_spearman(pairs, pair_words, pair_vectors) for name, pairs in pair_sets.items()},
    }


def word_benchmarks(model_id: str, n_words: int) -> dict:
    """{"analogy": AnalogyScore over the n most frequent words, "wordsim353.tsv"/"simlex999.txt": PairScore}.
    Raises word_benchmarks.WordBenchmarksMissing if the files were not fetched."""
    from embdash import words

    vocabulary, vectors = vocabulary_vectors(model_id, n_words)
    model = None if model_id == words.GLOVE_ID else embedder(model_id, state_corpus())
    return _word_benchmarks(model_id, n_words, vocabulary, vectors, model)


# ---- Compare page -------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _compare_load_seconds() -> dict:
    return {}


def compare_embedder(model_id: str, corpus: Corpus):
    """(the loaded model, its load time in seconds or None when not seen).

    The load is timed the first time this process asks for the model. A call that returns within
    10 ms came from the in-process model cache (another page loaded it), so its load was not seen:
    None, and the report falls back on the catalogue's figure.
    """
    from embdash.compare import timed_load

    model, seconds = timed_load(lambda: embedder(model_id, corpus))
    times = _compare_load_seconds()
    if model.cache_key not in times:
        times[model.cache_key] = seconds if seconds >= 0.01 else None
    return model, times[model.cache_key]


@st.cache_data(show_spinner="Timing the model on a sample of the corpus…", max_entries=32)
def compare_speed(model_cache_key: str, corpus_key: str, _model, _texts: list[str]) -> tuple[float, int]:
    """(texts per second, texts timed), measured once per model and corpus per process."""
    from embdash.compare import measure_speed

    return measure_speed(_model, _texts)


@st.cache_data(show_spinner=False, max_entries=8)
def compare_report(run_keys: tuple, costs: tuple, corpus_key: str, label_column: str | None, params,
                   _runs: list, _texts: list[str], _labels):
    """embdash.compare.compare(...), keyed by each run's vectors-and-map key, their costs, the corpus,
    the label column and the comparison parameters."""
    from embdash import compare

    return compare.compare(_runs, _texts, _labels, label_column=label_column, params=params)


# ---- Learn pages: word map, embedding layer, dimensions ----------------------------------------


@st.cache_data(show_spinner="Projecting the words…", max_entries=32)
def word_layout(model_id: str, words: tuple[str, ...], method: str, seed: int, _vectors: np.ndarray):
    """The words' 2-D layout and its trustworthiness (embdash.wordmap.layout), keyed by model and words."""
    from embdash import wordmap

    if method == "umap":
        numba_cache()
    return wordmap.layout(_vectors, method, seed)


@st.cache_resource(show_spinner="Loading the model (PyTorch)…", max_entries=2)
def pytorch_embedder(model_id: str):
    """The model on PyTorch, even where an ONNX export embeds the corpus: only PyTorch opens its layers."""
    return load_embedder(model_id, backend="torch")


@st.cache_data(show_spinner="Running the sentence through the model…", max_entries=32)
def layer_view(model_id: str, sentence: str):
    """Every stage of one sentence inside a PyTorch transformer (embdash.anatomy.LayerView)."""
    from embdash import anatomy

    return anatomy.layer_view(pytorch_embedder(model_id), sentence)


@st.cache_data(show_spinner="Measuring how rankings change with fewer dimensions…", max_entries=16)
def dimension_agreement(model_id: str, sample_key: str, k: int, _vectors: np.ndarray):
    """embdash.dimensions.agreement_table on a sample's vectors, keyed by model, sample and k."""
    from embdash import dimensions

    return dimensions.agreement_table(_vectors, k)
