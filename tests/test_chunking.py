"""Chunking: spans tile the document exactly, apart from the declared overlap; sizes stay in bounds."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embdash.models.catalogue import load_embedder
from embdash.tasks.chunking import (
    ChunkingError,
    ChunkParams,
    SentenceChunkParams,
    TokenChunkParams,
    chunk_by_sentences,
    chunk_by_tokens,
    chunk_corpus,
    model_token_offsets,
    sentence_bounds,
    sentence_units,
    token_units,
    whitespace_token_offsets,
)

# Documents made of sentence-like pieces, with the awkward bits mixed in: abbreviations, decimals,
# quotes, line breaks, runs of spaces, long words, non-ASCII letters.
PIECES = st.sampled_from([
    "Hello world.", "Is it?", "Yes!", "Dr. Smith came.", "e.g. this one", "Pi is 3.14.", "\n", "\n\n", "  ",
    " ", "café naïve résumé.", "“Quoted.”", "supercalifragilisticexpialidocious", "a", "The end", "J. R. Tolkien.",
    "tab\there.", "...", "x" * 120,
])
DOCUMENTS = st.lists(PIECES, max_size=40).map(" ".join) | st.text(max_size=300)


def units_in(bounds: list[int], start: int, end: int) -> int:
    return sum(start <= b < end for b in bounds)


def assert_tiles_with_overlap(text: str, spans: list[tuple[int, int]]) -> None:
    """Spans cover [0, len) with no gap, in order, each moving forward: every character once,
    except the characters consecutive chunks share."""
    if not text.strip():
        assert spans == []
        return
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (start, end), (next_start, next_end) in zip(spans, spans[1:]):
        assert start < next_start <= end < next_end  # contiguous (no gap), forward, nothing nested
    for start, end in spans:
        assert start < end
    shared = sum(end - next_start for (_, end), (next_start, _) in zip(spans, spans[1:]))
    assert sum(end - start for start, end in spans) - shared == len(text)


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS, st.integers(5, 400), st.integers(0, 4))
def test_sentence_chunks_tile_the_document(text, max_chars, overlap):
    spans = chunk_by_sentences(text, max_chars, overlap)
    assert_tiles_with_overlap(text, spans)
    units = sentence_units(text, max_chars)
    bounds = units + [len(text)]
    for start, end in spans:
        assert end - start <= max_chars
        assert start in bounds and end in bounds  # whole sentences (or whole pieces of an over-long one)
    for (start, end), (next_start, next_end) in zip(spans, spans[1:]):
        last = bounds.index(end)
        assert bounds[last + 1] - start > max_chars  # greedy: the next sentence did not fit
        # The declared overlap, fewer only where it and the next sentence would not fit, never the whole chunk.
        expected = min(overlap, units_in(units, start, end) - 1)
        while bounds[last + 1] - bounds[last - expected] > max_chars:
            expected -= 1
        assert units_in(units, next_start, end) == expected


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS, st.integers(1, 400))
def test_sentence_units_tile_the_document_and_fit(text, max_chars):
    units = sentence_units(text, max_chars)
    if not text.strip():
        assert units == []
        return
    bounds = units + [len(text)]
    assert units[0] == 0 and all(a < b for a, b in zip(bounds, bounds[1:]))
    assert all(b - a <= max_chars for a, b in zip(bounds, bounds[1:]))


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS, st.integers(1, 40), st.data())
def test_token_chunks_are_exact_windows(text, max_tokens, data):
    overlap = data.draw(st.integers(0, max_tokens - 1))
    offsets = whitespace_token_offsets(text)
    spans = chunk_by_tokens(text, offsets, max_tokens, overlap)
    assert_tiles_with_overlap(text, spans)
    units = token_units(text, offsets)
    assert len(units) == len(offsets)  # words never share a start
    counts = [units_in(units, start, end) for start, end in spans] or [1]
    assert all(c == max_tokens for c in counts[:-1]) and 1 <= counts[-1] <= max_tokens
    for (_, end), (next_start, _) in zip(spans, spans[1:]):
        assert units_in(units, next_start, end) == overlap


@settings(max_examples=100, deadline=None)
@given(st.lists(DOCUMENTS, max_size=5), st.sampled_from(["sentences", "tokens"]))
def test_chunk_corpus_text_is_the_span_of_its_document(texts, method):
    params = ChunkParams(method=method, sentences=SentenceChunkParams(100, 1), tokens=TokenChunkParams(16, 4))
    chunks = chunk_corpus(texts, params)
    for chunk in chunks:
        assert chunk.text == texts[chunk.doc_row][chunk.start:chunk.end]
    for row, text in enumerate(texts):
        mine = [c for c in chunks if c.doc_row == row]
        assert [c.index for c in mine] == list(range(len(mine)))
        assert (len(mine) == 0) == (text.strip() == "")


def sentences(text):
    bounds = sentence_bounds(text)
    return [text[a:b] for a, b in zip(bounds, bounds[1:] + [len(text)])]


def test_sentence_splitter_knows_abbreviations_decimals_and_line_breaks():
    text = (
        "Dr. Smith paid £3.50 for it, e.g. on Tuesday. Was it worth it? Yes! "
        'He said "fine." Then J. R. Smith left.\nA heading\n\nNew paragraph.'
    )
    assert sentences(text) == [
        "Dr. Smith paid £3.50 for it, e.g. on Tuesday. ",
        "Was it worth it? ",
        "Yes! ",
        'He said "fine." ',
        "Then J. R. Smith left.\n",
        "A heading\n\n",
        "New paragraph.",
    ]
    assert sentences("") == [] and sentences("   \n ") == []
    assert sentences("\n\nLeading blank lines stay with the first sentence. Second.") == [
        "\n\nLeading blank lines stay with the first sentence. ", "Second.",
    ]


def test_a_long_sentence_is_cut_at_spaces():
    text = "word " * 50 + "end."
    units = sentence_units(text, 42)
    pieces = [text[a:b] for a, b in zip(units, units[1:] + [len(text)])]
    assert "".join(pieces) == text
    assert all(len(p) <= 42 and p.endswith(" ") for p in pieces[:-1])  # never mid-word
    assert sentence_units("x" * 25, 10) == [0, 10, 20]  # a "word" longer than the size is cut where it must


def test_settings_that_cannot_work_are_explained():
    with pytest.raises(ChunkingError, match="smaller than the chunk size"):
        chunk_by_tokens("a b c", whitespace_token_offsets("a b c"), 4, 4)
    with pytest.raises(ChunkingError, match="Unknown chunking method"):
        chunk_corpus(["a"], ChunkParams(method="paragraphs"))


@pytest.fixture(scope="module")
def minilm():
    return load_embedder("all-MiniLM-L6-v2")


LONG_TEXT = (
    "The café's naïve owner re-tiled the floor herself. Grout needs 24 hours to cure, so plan the job "
    "for a weekend! Unbelievably, the tiles cost £4.99 each. " * 12
)


@pytest.mark.parametrize("model_id", ["all-MiniLM-L6-v2", "all-MiniLM-L6-v2-int8"])
def test_token_chunks_follow_the_models_tokenizer(model_id, minilm):
    model = minilm if model_id == "all-MiniLM-L6-v2" else load_embedder(model_id)
    offsets_of = model_token_offsets(model)
    assert offsets_of is not None
    offsets = offsets_of(LONG_TEXT)
    # Character offsets (not bytes) into the original text, through lower-casing and accent stripping.
    assert [LONG_TEXT[s:e] for s, e in offsets[:4]] == ["The", "café", "'", "s"]
    assert len(offsets) == model.count_tokens([LONG_TEXT])[0] - 2  # [CLS] and [SEP] are not in the text
    spans = chunk_by_tokens(LONG_TEXT, offsets, 64, 16)
    assert_tiles_with_overlap(LONG_TEXT, spans)
    units = token_units(LONG_TEXT, offsets)
    assert [units_in(units, s, e) for s, e in spans[:-1]] == [64] * (len(spans) - 1)
    # Re-tokenising a chunk gives about the same count (a chunk may start inside a word).
    counts = model.count_tokens([LONG_TEXT[s:e] for s, e in spans[:-1]]) - 2
    assert all(60 <= c <= 70 for c in counts)


def test_models_without_a_reachable_tokenizer_fall_back_to_words():
    from tests.fakes import PlantedTopicsEmbedder

    assert model_token_offsets(PlantedTopicsEmbedder()) is None
    chunks = chunk_corpus(["one two three four five"], ChunkParams(method="tokens", tokens=TokenChunkParams(2, 1)))
    assert [c.text for c in chunks] == ["one two ", "two three ", "three four ", "four five"]


@pytest.mark.parametrize("text", [
    " " * 100_000 + "x. " * 1_000,  # a long run of spaces, then sentences that all look like initials
    "a. " * 300_000,  # a million characters of candidate sentence ends, none accepted
    ("word " * 120 + "\n") * 1_500,  # ~900,000 characters of over-long lines
], ids=["spaces", "false-ends", "long-lines"])
def test_pathological_documents_chunk_in_linear_time(text):
    import time

    started = time.perf_counter()
    spans = chunk_by_sentences(text, 600, 1)
    assert time.perf_counter() - started < 5  # about 0.3 s here; quadratic code took minutes
    assert_tiles_with_overlap(text, spans)
