"""Every cache of the app lives here.

Three layers, cheapest first: Streamlit's in-memory caches (per server process), the parquet store on
disk (survives restarts, shared with the CLI), and computing. Big arrays travel as `_underscore`
arguments (Streamlit does not hash them); the cache key is our own content key passed beside them.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import asdict
from typing import NoReturn

import numpy as np
import streamlit as st

from embdash import config
from embdash.config import data_dir
from embdash.dataio.columns import ColumnKinds, typed
from embdash.dataio.columns import column_kinds as column_kinds_of
from embdash.dataio.corpus import Corpus
from embdash.dataio.languages import LanguageReport
from embdash.dataio.languages import language_report as language_report_of
from embdash.dataio.limits import ReadLimits
from embdash.dataio.readers import read_table
from embdash.dataio.store import Store
from embdash.errors import (
    CorpusError,
    EmbdashError,
    EmbeddingStopped,
    ModelError,
    StageStopped,
)
from embdash.hashing import params_key
from embdash.models.catalogue import CATALOGUE, get_spec, load_embedder
from embdash.models.embed import (
    CorpusVectors,
    EmbedProgress,
    embed_texts,
    stored_under,
    vectors_key,
)
from embdash.models.speed import time_left_text
from embdash.pipeline import maps, reduce, stages
from embdash.pipeline.params import MapParams
from embdash.pipeline.stages import StageCache
from embdash.ui import jobs
from embdash.ui.server_settings import settings
from embdash.ui.text import plain


@st.cache_resource(show_spinner=False)
def store() -> Store:
    server = settings()  # EMBDASH_VECTOR_DTYPE and EMBDASH_DISK_QUOTA_MB, also from st.secrets
    return Store.default(vector_dtype=server.vector_dtype, disk_quota_bytes=config.quota_bytes(server.disk_quota_mb, server.read_only))


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)
def _embedder(model_id: str, corpus_key: str | None, _fit_texts=None):
    # corpus_key is part of the key only for models fitted on the corpus (tfidf-lsa).
    return load_embedder(model_id, fit_texts=_fit_texts)


def offered(model_id: str) -> str:
    """`model_id` if this server may load it (EMBDASH_MODELS, custom models on); else a ModelError. Every model
    and every cached vector of the app passes here, whatever page, link or session state asked for it."""
    settings_now = settings()
    if config.model_is_offered(settings_now, model_id, [spec.id for spec in CATALOGUE]):
        return model_id
    if model_id.startswith("st:"):
        from embdash.models.backends.st import CUSTOM_OFF

        raise ModelError("Custom models are off on this instance." if settings_now.read_only else CUSTOM_OFF)
    named = f"the model {model_id}" if model_id in {spec.id for spec in CATALOGUE} else "that model"
    raise ModelError(f"This server does not offer {named}; choose one in the sidebar.")


def embedder(model_id: str, corpus: Corpus):
    """The loaded model, once per server process (per corpus for corpus-fitted models)."""
    offered(model_id)
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
    from embdash.models.catalogue import expected_cache_key

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
    under the key it would have, they are returned without it (loading takes seconds).
    """
    cached = _cached_without_model(corpus, model_id)
    if cached is not None:
        return cached
    model = embedder(model_id, corpus)
    key = vectors_key(corpus.key, model.cache_key, store().vector_dtype)
    return key, _embedded_with_progress(key, corpus.texts, model, "texts")


def cached_vectors(corpus: Corpus, model_id: str) -> tuple[str, np.ndarray] | None:
    """(vectors key, vectors) when they are at hand without loading the model; else None."""
    return _cached_without_model(corpus, model_id)


def corpus_vectors(corpus: Corpus, model_id: str) -> CorpusVectors:
    """vectors(), with the model's cache key and the model itself if this process has it loaded (else None)."""
    key, array = vectors(corpus, model_id)
    predicted = _model_key_without_loading(model_id)
    if predicted is not None and model_id not in _loaded_models():
        return CorpusVectors(key, predicted[0], array, None, None)
    model = embedder(model_id, corpus)  # loaded already: from the resource cache
    return CorpusVectors(key, model.cache_key, array, None, model)


def _cached_without_model(corpus: Corpus, model_id: str) -> tuple[str, np.ndarray] | None:
    """(vectors key, vectors) as vectors() returns them, when every text's vector is in memory or in the
    store under the model's predicted cache key; None when the key is unknown or a vector is missing."""
    model = _model_key_without_loading(offered(model_id))
    if model is None:
        return None
    model_key, dim = model
    key = vectors_key(corpus.key, model_key, store().vector_dtype)
    memory = _vectors_in_memory()
    if key in memory:
        return key, memory[key]
    stored = _all_stored(model_key, dim, corpus.texts)
    if stored is None:
        return None
    _remember(key, stored)
    return key, stored


def _all_stored(model_key: str, dim: int | None, texts: list[str]) -> np.ndarray | None:
    """The texts' vectors from the store, in input order, or None (embed_texts would then embed them)."""
    problems_before = len(store().problems)
    vectors = stored_under(texts, model_key, dim, store())
    # A damaged file set aside now is said now: embed_texts, if it runs next, would not see it again.
    for problem in store().problems[problems_before:]:
        st.warning(plain(problem))
    return vectors


def _remember(key: str, vectors: np.ndarray) -> None:
    memory = _vectors_in_memory()
    if len(memory) >= 8:
        memory.pop(next(iter(memory)))
    memory[key] = vectors


def _embedded_with_progress(key: str, texts: list[str], model, what: str) -> np.ndarray:
    """Vectors of `texts`, from memory (by `key`), else from the store or the model with a progress bar
    that counts `what` (texts, chunks) and estimates the time left, and a button that stops embedding.
    Texts to compute wait their turn on the server (embdash.ui.jobs), the page showing its place and a Cancel button.

    Stopped (by the button, Cancel, or a public server's time limit), the page says what was kept and stops there
    until asked to embed the rest (st.stop)."""
    memory = _vectors_in_memory()
    if key in memory:
        return memory[key]
    if _STOPPED + key in st.session_state:
        _say_stopped(key, what)
    bar = st.progress(0.0, text="Checking the embedding cache…")
    stop_button = st.empty()
    turn = jobs.Turn(f"new {what}", cancel=(ask_to_stop, (key,)), cancel_key=key)

    def job(size: int):
        st.session_state[_PROGRESS + key] = (0, size)  # what Cancel, pressed while waiting, says was done
        bar.progress(0.0, text=f"{size:,} new {what} to embed with {model.spec.name}")
        return turn(size)

    def show_progress(progress: EmbedProgress) -> None:
        if progress.done == 0:
            # Pressing it reruns the script: this run ends at its next progress update (its batches done are saved),
            # or between batches through should_stop; the rerun sees the request and says what was kept.
            stop_button.button("Stop embedding", key=f"stop-embedding-{key}", on_click=ask_to_stop, args=(key,),
                               help="Keeps what is embedded so far; the rest is embedded next time.")
        st.session_state[_PROGRESS + key] = (progress.done, progress.total)
        if progress.total:
            bar.progress(progress.done / progress.total,
                         text=f"Embedding with {model.spec.name}: {progress.done:,} of {progress.total:,} new {what}, "
                              f"{time_left_text(progress.seconds_left)}")

    try:
        result = embed_texts(texts, model, store(), on_batch=show_progress, job=job,
                             should_stop=lambda: _STOPPED + key in st.session_state)
    except EmbeddingStopped as stopped:
        reason = "time" if turn.stop_reason() == "time" else "asked"
        st.session_state[_STOPPED + key] = (stopped.done, stopped.total, reason)
        bar.empty()
        stop_button.empty()
        _say_stopped(key, what)
    except EmbdashError:
        bar.empty()  # the page shows the error alone (refused, or the model busy)
        stop_button.empty()
        raise
    bar.empty()
    stop_button.empty()
    for problem in result.problems:
        st.warning(plain(problem))
    if result.n_computed:
        st.toast(f"Embedded {result.n_computed:,} new {what} in {result.seconds:.1f} s; {result.n_cached:,} came from the cache.")
    _remember(key, result.vectors)
    return result.vectors


_PROGRESS = "embedding-progress:"  # + vectors key: (done, total) after the last batch
_STOPPED = "embedding-stopped:"  # + vectors key: (done, total, why: "asked" or "time") once embedding stopped


def ask_to_stop(key: str) -> None:
    """The stop button's callback (and Cancel's, while waiting): embedding `key` stops after the batch under way
    (which is kept too), or leaves the line."""
    st.session_state[_STOPPED + key] = (*st.session_state.get(_PROGRESS + key, (0, 0)), "asked")


def _embed_the_rest(key: str) -> None:
    st.session_state.pop(_STOPPED + key, None)


def _say_stopped(key: str, what: str) -> NoReturn:
    """Say what a stop kept, offer to go on, and end this run of the page."""
    done, total, why = st.session_state[_STOPPED + key]
    rest = max(total - done, 0)
    if why == "time":
        st.info(f"This server gives each job {limits_seconds()} s: stopped after {done:,} of {total:,} new {what}. "
                f"They are kept; the rest waits for another turn.")
    elif done == 0:
        st.info(f"Cancelled: none of the {total:,} new {what} were embedded.")
    else:
        st.info(f"Stopped after {done:,} of {total:,} new {what}; they are kept, the rest will be embedded next time.")
    label = f"Embed the remaining {rest:,} {what}" if done else f"Embed the {rest:,} {what}"
    st.button(label, key=f"embed-rest-{key}", type="primary", on_click=_embed_the_rest, args=(key,))
    st.stop()


def limits_seconds() -> int:
    return int(jobs.limits().seconds or 0)


@st.cache_resource(show_spinner=False)
def stage_cache() -> StageCache:
    """The map stages' cache (the library's, on the app's store), one per server process."""
    return StageCache(store())


def map_result(corpus: Corpus, vectors_key: str, vectors: np.ndarray, params: MapParams) -> maps.MapResult:
    """The map through the library's stage cache (shared with the CLI and notebooks), each stage keyed on
    exactly what it depends on, so moving a topic slider never re-runs UMAP. Shows each computed stage."""
    status = None
    key = stages.map_key(vectors_key, corpus.key, params)
    with _map_turn(key, len(vectors), "the map") as (take_turn, turn):

        def show_stage(name: str) -> None:
            nonlocal status
            take_turn()  # the first stage to compute waits for the server's turn
            if status is None:
                status = st.status("Building the map…", expanded=False)
            status.update(label=STAGE_LABELS.get(name, name) + "…")

        try:
            result = stages.map_result(
                vectors, corpus.texts, params, vectors_key=vectors_key, corpus_key=corpus.key, cache=stage_cache(),
                on_stage=show_stage, note=lambda message: st.warning(plain(message)), should_stop=turn.should_stop,
            )
        except StageStopped as stopped:
            _say_map_stopped(turn, stopped, status, "the map", key)
    if status is not None:
        status.update(label="Map ready", state="complete")
    return result


_CANCELLED = "job-cancelled:"  # + a map's key: its visitor cancelled it while it waited for a turn


@contextmanager
def _map_turn(key: str, n_documents: int, what: str):
    """(`take()`, the Turn) for a projection or clustering of `n_documents` (embdash.ui.jobs.taken_when_needed);
    once its visitor cancelled it, taking a turn says so and stops the page instead, until asked to compute it.
    The Turn tells the running stages when to stop (Turn.should_stop)."""
    turn = jobs.Turn("documents", cancel=(_cancel_map, (key,)), cancel_key=key, skip_if_small=False)
    with jobs.taken_when_needed(turn, n_documents) as take:

        def take_unless_cancelled() -> None:
            if _CANCELLED + key in st.session_state:
                st.info(f"Cancelled: {what} was not computed.")
                st.button(f"Compute {what}", key=f"compute-{key}", type="primary", on_click=_uncancel_map, args=(key,))
                st.stop()
            take()

        yield take_unless_cancelled, turn


def _say_map_stopped(turn: jobs.Turn, stopped: StageStopped, status, what: str, key: str) -> NoReturn:
    """A map job stopped by its turn (over the server's time limit, or its tab closed): the stages it finished
    are cached, so another turn goes on from there."""
    if status is not None:
        status.update(label="Stopped", state="error")
    if turn.stop_reason() == "time":
        stage = STAGE_LABELS.get(stopped.stage, stopped.stage)
        st.info(f"This server gives each job {limits_seconds()} s, and {what} needed more: it stopped while "
                f"{stage[:1].lower() + stage[1:]}. The stages finished are kept, so the next turn goes on from there.")
        st.button(f"Go on with {what}", key=f"go-on-{key}", type="primary")  # a click reruns the page
    st.stop()


def _cancel_map(key: str) -> None:
    st.session_state[_CANCELLED + key] = True


def _uncancel_map(key: str) -> None:
    st.session_state.pop(_CANCELLED + key, None)


def topic_tree(corpus: Corpus, model_id: str, vectors_key: str, vectors: np.ndarray, result: maps.MapResult,
               params: MapParams):
    """The map's topic tree, its nodes named by meaning (both cached with the map: changing the number of topics
    never rebuilds them; the model is loaded only for topic terms it never embedded)."""
    note = lambda message: st.warning(plain(message))  # noqa: E731
    tree = stages.map_tree(vectors, corpus.texts, result.labels, params, vectors_key=vectors_key,
                           corpus_key=corpus.key, cache=stage_cache(), note=note)
    known = _model_key_without_loading(model_id)
    model_key = known[0] if known else embedder(model_id, corpus).cache_key
    with st.spinner("Naming the topics…"):
        return stages.map_names(tree, vectors, result.labels, params, vectors_key=vectors_key, corpus_key=corpus.key,
                                model_key=model_key, cache=stage_cache(), load=lambda: embedder(model_id, corpus),
                                note=note, job=jobs.Turn("new topic terms"))


def stability(corpus: Corpus, vectors_key: str, vectors: np.ndarray, params: MapParams):
    """The clustering's stability across three UMAP seeds (each seed's map cached like any other)."""
    from embdash.pipeline.stability import map_stability

    key = "stability-" + stages.map_key(vectors_key, corpus.key, params)
    with _map_turn(key, len(vectors), "the stability check") as (take_turn, turn), \
            st.status("Redoing the map with two more seeds…", expanded=False) as status:

        def show_stage(name: str) -> None:
            take_turn()
            status.update(label=STAGE_LABELS.get(name, name) + "…")

        try:
            result = map_stability(vectors, params, vectors_key=vectors_key, corpus_key=corpus.key, cache=stage_cache(),
                                   on_stage=show_stage, note=lambda message: st.warning(plain(message)),
                                   should_stop=turn.should_stop)
        except StageStopped as stopped:
            _say_map_stopped(turn, stopped, status, "the stability check", key)
        status.update(label="Stability measured", state="complete")
    return result


def corpus_quality(corpus: Corpus, model_id: str):
    """The corpus's quality report (empty, duplicate and truncated texts) through the library's stage cache: the
    texts are tokenised once per corpus and model, so a later visit to the Data page loads and counts nothing."""
    known = _model_key_without_loading(model_id)
    model_key = known[0] if known else embedder(model_id, corpus).cache_key
    with st.spinner("Checking the texts against the model…"):
        return stages.corpus_quality(corpus, model_key=model_key, load=lambda: embedder(model_id, corpus),
                                     cache=stage_cache(), note=lambda message: st.warning(plain(message)))


@st.cache_data(show_spinner=False, max_entries=16)
def _column_kinds(corpus_key: str, text_column: str, _frame) -> ColumnKinds:
    return column_kinds_of(_frame, text_column)


def column_kinds(corpus: Corpus) -> ColumnKinds:
    """What each of the corpus's columns holds (embdash.dataio.columns), read once per corpus."""
    return _column_kinds(corpus.key, corpus.text_column, corpus.frame)


@st.cache_data(show_spinner="Reading the texts' languages…", max_entries=16)
def _language_report(corpus_key: str, _texts: list[str]) -> LanguageReport:
    return language_report_of(_texts)


def language_report(corpus: Corpus) -> LanguageReport:
    """The languages of the corpus's texts (embdash.dataio.languages), read once per corpus."""
    return _language_report(corpus.key, corpus.texts)


@st.cache_resource(show_spinner=False, max_entries=2)
def _typed_frame(corpus_key: str, kinds: ColumnKinds, _frame):
    return typed(_frame, kinds)


def typed_frame(corpus: Corpus, kinds: ColumnKinds):
    """The corpus's table with numbers and dates read as such (embdash.dataio.columns.typed), once per corpus and
    kinds. Shared between sessions: read it, never change it."""
    return _typed_frame(corpus.key, kinds, corpus.frame)


@st.cache_resource(show_spinner="Reading the file…", max_entries=2)
def _read_upload(file_id: str, name: str, max_bytes: int, limits: ReadLimits, _data: bytes) -> tuple:
    try:
        return read_table(_data, name, max_bytes=max_bytes, limits=limits), None
    except EmbdashError as error:
        return None, str(error)


def read_upload(upload, max_bytes: int, limits: ReadLimits):
    """(frame, LoadReport) of an uploaded file, read once per upload rather than on every rerun of the page (a
    refusal too is kept: a bomb is not unpacked again at each click). CorpusError with the reader's message.
    The frame is shared: callers copy it before changing it (make_corpus does)."""
    outcome, message = _read_upload(upload.file_id, upload.name, max_bytes, limits, upload.getvalue())
    if message is not None:
        raise CorpusError(message)
    return outcome


def topic_quality(corpus: Corpus, terms: dict):
    """The coherence and diversity of the topics shown, through the library's stage cache."""
    return stages.map_topic_quality(corpus.texts, terms, corpus_key=corpus.key, cache=stage_cache(),
                                    note=lambda message: st.warning(plain(message)))


STAGE_LABELS = dict(zip(stages.STAGES, (
    "Projecting to 2-D for the map and to the clustering space (UMAP)",
    "Clustering (HDBSCAN)",
    "Labelling topics (c-TF-IDF)",
    "Measuring how far to trust the map",
)))


@st.cache_resource(show_spinner=False)
def numba_cache() -> int:
    """Keep UMAP's compiled code on disk: a restarted server skips the ~25 s first-call compile.
    Call it just before computing a UMAP projection (it imports umap, which takes seconds)."""
    return reduce.enable_numba_cache(data_dir() / "numba-cache")


# ---- Classify page ------------------------------------------------------------------------------


@st.cache_data(show_spinner="Embedding the example texts…", max_entries=64)
def _embedded_texts(model_id: str, corpus_key: str, texts: tuple[str, ...], _corpus: Corpus) -> np.ndarray:
    # Waits quietly if it must (a cached function draws no widgets); a few texts skip the line anyway.
    return embed_texts(list(texts), embedder(model_id, _corpus), store(), job=jobs.Turn("new texts")).vectors


def embed_texts_cached(model_id: str, corpus: Corpus, texts_tuple: tuple[str, ...]) -> np.ndarray:
    """(len(texts), d) unit vectors for a few typed texts (examples, label names), through the store.

    The corpus matters only for models fitted on it (tfidf-lsa); it is keyed by its content key.
    """
    return _embedded_texts(offered(model_id), corpus.key, tuple(texts_tuple), corpus)


@st.cache_data(show_spinner="Cross-validating each method…", max_entries=16)
def classify_evaluation(vectors_key: str, _vectors: np.ndarray, labels: tuple, params) -> dict:
    """Cross-validated scores per method (classify.evaluate), keyed by the vectors' key and the labels."""
    from embdash.tasks import classify

    return classify.evaluate(_vectors, list(labels), classify.METHODS, params=params)


# ---- RAG page -----------------------------------------------------------------------------------


@st.cache_resource(show_spinner="Splitting the documents into chunks…", max_entries=8)
def _rag_chunks(corpus_key: str, tokenizer_key: str | None, params, _texts: list[str], _model) -> tuple:
    from embdash.tasks import chunking

    offsets = chunking.model_token_offsets(_model) if params.method == "tokens" else None
    return tuple(chunking.chunk_corpus(_texts, params, offsets))  # a tuple: shared between sessions, never edited


def rag_chunks(corpus: Corpus, model_id: str, params) -> tuple:
    """The corpus's chunks (embdash.tasks.chunking.Chunk). By tokens, the model's own tokenizer splits them,
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
    from embdash.tasks import search

    return search.embed_query(_model, query)


def query_vector(corpus: Corpus, model_id: str, query: str) -> np.ndarray:
    """The query's unit vector, cached on (model cache key, query); SearchError for an empty or too long query."""
    model = embedder(model_id, corpus)
    return _query_vector(model.cache_key, query, model)


@st.cache_resource(show_spinner="Indexing the words (BM25)…", max_entries=4)
def _keyword_index(corpus_key: str, _texts: list[str]):
    from embdash.tasks.bm25 import KeywordIndex

    return KeywordIndex(_texts)


def keyword_index(corpus: Corpus):
    """The corpus's BM25 index, built once per corpus per server process."""
    return _keyword_index(corpus.key, corpus.texts)


@st.cache_resource(show_spinner="Building the approximate search index (once per corpus and model)…", max_entries=2)
def _ann_index(vectors_key: str, _vectors: np.ndarray):
    from embdash.tasks import ann

    notes: list[str] = []
    index = ann.cached_index(_vectors, vectors_key, data_dir(), note=notes.append)
    return index, notes


def search_index(vectors_key: str, vectors: np.ndarray):
    """The approximate index for large corpora (None below search.EXACT_LIMIT documents: exact search is used)."""
    from embdash.tasks import search

    if search.choose_search(len(vectors)) == "exact":
        return None
    index, notes = _ann_index(vectors_key, vectors)
    for note in notes:
        st.info(note)
    return index


# ---- Learn pages: words (embdash.learn.words) ---------------------------------------------------------


@st.cache_resource(show_spinner="Reading the GloVe vocabulary…", max_entries=4)
def _glove_vocabulary(n_words: int) -> tuple[list[str], np.ndarray]:
    from embdash.learn import words

    vocabulary = words.vocabulary(n_words)
    return vocabulary, words.glove_vectors(vocabulary)


def vocabulary_vectors(model_id: str, n_words: int, corpus: Corpus) -> tuple[list[str], np.ndarray]:
    """(the n most frequent GloVe words, their (n, d) unit vectors under the model), shared read-only.

    GloVe uses its own rows; any other model embeds each word as a text (progress bar, stored like any text).
    Models fitted on a corpus (tfidf-lsa) are fitted on `corpus`.
    """
    from embdash.learn import words

    if offered(model_id) == words.GLOVE_ID:
        return _glove_vocabulary(n_words)
    vocabulary = words.vocabulary(n_words)
    model = embedder(model_id, corpus)
    key = params_key("vocabulary-vectors", model.cache_key, n_words)
    return vocabulary, _embedded_with_progress(key, vocabulary, model, "words")


@st.cache_data(show_spinner="Scoring the model on the word benchmarks…", max_entries=16)
def _word_benchmarks(model_id: str, n_words: int, _words: list[str], _vectors: np.ndarray, _model) -> dict:
    from embdash.learn import word_benchmarks as wb
    from embdash.learn import words

    questions = words.read_analogy_questions(wb.benchmark_path(wb.ANALOGIES))
    pair_sets = {name: words.read_word_pairs(wb.benchmark_path(name)) for name in (wb.WORDSIM, wb.SIMLEX)}
    if model_id == words.GLOVE_ID:
        # Word pairs are scored over all 400,000 GloVe words: a rare word is still a word GloVe knows.
        pair_words = words.known_glove_words(words.benchmark_words([], *pair_sets.values()))
        pair_vectors = words.glove_vectors(pair_words)
    else:
        pair_words = words.benchmark_words([], *pair_sets.values())
        pair_vectors = words.word_vectors(pair_words, _model, store(), job=jobs.Turn("new words"))
    return {
        "analogy": words.analogy_accuracy(questions, _words, _vectors),
        **{name: words.pair_spearman(pairs, pair_words, pair_vectors) for name, pairs in pair_sets.items()},
    }


def word_benchmarks(model_id: str, n_words: int, corpus: Corpus) -> dict:
    """{"analogy": AnalogyScore over the n most frequent words, "wordsim353.tsv"/"simlex999.txt": PairScore}.
    Raises word_benchmarks.WordBenchmarksMissing if the files were not fetched."""
    from embdash.learn import words

    vocabulary, vectors = vocabulary_vectors(model_id, n_words, corpus)
    model = None if model_id == words.GLOVE_ID else embedder(model_id, corpus)
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
    from embdash.tasks.compare import timed_load

    model, seconds = timed_load(lambda: embedder(model_id, corpus))
    times = _compare_load_seconds()
    if model.cache_key not in times:
        times[model.cache_key] = seconds if seconds >= 0.01 else None
    return model, times[model.cache_key]


@st.cache_data(show_spinner=False, max_entries=8)
def compare_report(run_keys: tuple, costs: tuple, corpus_key: str, label_column: str | None, params,
                   _runs: list, _texts: list[str], _labels):
    """embdash.tasks.compare.compare(...), keyed by each run's vectors-and-map key, their costs, the corpus,
    the label column and the comparison parameters. It waits its turn on the server like a map (quietly: a cached
    function draws no widgets); its size is bounded by the runs, each of which was a job of its own."""
    from embdash.tasks import compare

    with jobs.Turn("documents", skip_if_small=False)(len(_texts)):
        return compare.compare(_runs, _texts, _labels, label_column=label_column, params=params)


# ---- Learn pages: word map, embedding layer, dimensions ----------------------------------------


@st.cache_data(show_spinner="Projecting the words…", max_entries=32)
def word_layout(model_id: str, words: tuple[str, ...], method: str, seed: int, _vectors: np.ndarray):
    """The words' 2-D layout and its trustworthiness (embdash.learn.wordmap.layout), keyed by model and words."""
    from embdash.learn import wordmap

    if method == "umap":
        numba_cache()
    return wordmap.layout(_vectors, method, seed)


@st.cache_resource(show_spinner="Loading the model (PyTorch)…", max_entries=2)
def _pytorch_embedder(model_id: str):
    return load_embedder(model_id, backend="torch")


def pytorch_embedder(model_id: str):
    """The model on PyTorch, even where an ONNX export embeds the corpus: only PyTorch opens its layers."""
    return _pytorch_embedder(offered(model_id))


@st.cache_data(show_spinner="Running the sentence through the model…", max_entries=32)
def _layer_view(model_id: str, sentence: str):
    from embdash.learn import anatomy

    return anatomy.layer_view(pytorch_embedder(model_id), sentence)


def layer_view(model_id: str, sentence: str):
    """Every stage of one sentence inside a PyTorch transformer (embdash.learn.anatomy.LayerView)."""
    return _layer_view(offered(model_id), sentence)


@st.cache_data(show_spinner="Measuring how rankings change with fewer dimensions…", max_entries=16)
def dimension_agreement(model_id: str, sample_key: str, k: int, _vectors: np.ndarray):
    """embdash.learn.dimensions.agreement_table on a sample's vectors, keyed by model, sample and k."""
    from embdash.learn import dimensions

    return dimensions.agreement_table(_vectors, k)
