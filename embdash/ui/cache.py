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
    return Store.default()


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)
def _embedder(model_id: str, corpus_key: str | None, _fit_texts=None):
    # corpus_key is part of the key only for models fitted on the corpus (tfidf-lsa).
    return load_embedder(model_id, fit_texts=_fit_texts)


def embedder(model_id: str, corpus: Corpus):
    """The loaded model, once per server process (per corpus for corpus-fitted models)."""
    if get_spec(model_id).fitted_on_corpus:
        return _embedder(model_id, corpus.key, _fit_texts=corpus.texts)
    return _embedder(model_id, None)


@st.cache_resource(show_spinner=False)
def _vectors_in_memory() -> dict:
    return {}


def vectors(corpus: Corpus, model_id: str) -> tuple[str, np.ndarray]:
    """(vectors key, (n, d) unit vectors) for the corpus, with a progress bar while embedding.

    Kept in memory per server process, and in the parquet store across processes: a text is never
    embedded twice by the same model.
    """
    model = embedder(model_id, corpus)
    key = vectors_key(corpus.key, model.cache_key)
    return key, _embedded_with_progress(key, corpus.texts, model, "texts")


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
    if len(memory) >= 8:
        memory.pop(next(iter(memory)))
    memory[key] = result.vectors
    return result.vectors


def _on_disk(kind: str, key: str, compute, params: dict) -> np.ndarray:
    """Load a derived array from the store, or compute and save it. A damaged file is said so, then recomputed."""
    problems_before = len(store().problems)
    cached = store().load_array(kind, key)
    for problem in store().problems[problems_before:]:
        st.warning(plain(problem))
    if cached is not None:
        return cached
    array = compute()
    try:
        store().save_array(kind, key, array, params)
    except Exception as error:  # a full disk must not cost the user the map
        st.warning(plain(f"Could not save the {kind} to the cache: {error}"))
    return array


@st.cache_data(show_spinner=False, max_entries=32)
def _layout_2d(vectors_key: str, _vectors: np.ndarray, umap: UmapParams) -> np.ndarray:
    key = params_key("layout-2d", vectors_key, asdict(umap))
    return _on_disk("layout-2d", key, lambda: maps.layout_2d(_vectors, umap), asdict(umap))


@st.cache_data(show_spinner=False, max_entries=32)
def _cluster_space(vectors_key: str, _vectors: np.ndarray, space_umap: UmapParams, dims: int) -> np.ndarray:
    """The k-d projection clustering runs on; `space_umap` is maps.clustering_umap_params(...)."""
    key = params_key("cluster-space", vectors_key, asdict(space_umap), dims)
    return _on_disk(
        "cluster-space", key, lambda: reduce.project(_vectors, dims, space_umap), {**asdict(space_umap), "dims": dims}
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _labels(space_key: str, _points: np.ndarray, params: ClusterParams) -> np.ndarray:
    return clustering.cluster(_points, params)


@st.cache_data(show_spinner=False, max_entries=32)
def _topics(corpus_key: str, _texts: list[str], labels_key: str, _labels: np.ndarray, params: TopicParams) -> dict:
    return topics.topic_terms(_texts, _labels, params)


@st.cache_data(show_spinner=False, max_entries=32)
def _metrics(coords_key: str, _vectors, _coords, labels_key: str, _points, _labels) -> maps.MapMetrics:
    return maps.measure(_vectors, _coords, _points, _labels)


def map_result(corpus: Corpus, vectors_key: str, vectors: np.ndarray, params: MapParams) -> maps.MapResult:
    """Run the map pipeline stage by stage, each cached on exactly the parameters it depends on,
    so moving a topic slider never re-runs UMAP. Shows each stage's status while it works."""
    umap = params.umap
    coords_key = params_key(vectors_key, asdict(umap))
    space_umap = maps.clustering_umap_params(umap)
    space_key = params_key(vectors_key, asdict(space_umap), params.cluster.cluster_dims)
    labels_key = params_key(space_key, asdict(params.cluster))
    with st.status("Building the map…", expanded=False) as status:
        status.update(label="Projecting to 2-D (UMAP)…")
        coords = _layout_2d(vectors_key, vectors, umap)
        status.update(label=f"Projecting to {params.cluster.cluster_dims}-D for clustering (UMAP)…")
        points = _cluster_space(vectors_key, vectors, space_umap, params.cluster.cluster_dims)
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
    """Keep UMAP's compiled code on disk: a restarted server skips the ~25 s first-call compile."""
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

    return wordmap.layout(_vectors, method, seed)


@st.cache_data(show_spinner="Running the sentence through the model…", max_entries=32)
def _layer_view(model_id: str, corpus_key: str, sentence: str, _corpus: Corpus):
    from embdash import anatomy

    return anatomy.layer_view(embedder(model_id, _corpus), sentence)


def layer_view(model_id: str, corpus: Corpus, sentence: str):
    """Every stage of one sentence inside a PyTorch transformer (embdash.anatomy.LayerView)."""
    return _layer_view(model_id, corpus.key, sentence, corpus)


@st.cache_data(show_spinner="Measuring how rankings change with fewer dimensions…", max_entries=16)
def dimension_agreement(model_id: str, sample_key: str, k: int, _vectors: np.ndarray):
    """embdash.dimensions.agreement_table on a sample's vectors, keyed by model, sample and k."""
    from embdash import dimensions

    return dimensions.agreement_table(_vectors, k)
