"""Split long documents into chunks for retrieval: by sentences or by tokens of the embedding model.

Both methods first cut a document into *units* (sentences, or tokens) that tile it exactly: unit k
runs from where it starts up to where unit k+1 starts, so whitespace belongs to the unit before it
and the units' spans cover [0, len(text)) with no gap and no overlap. A chunk is a run of whole
units, so its span is contiguous, `chunk.text == text[chunk.start:chunk.end]`, and consecutive chunks
share exactly their overlap units. A text that is empty or only whitespace gives no chunks.

- sentences: as many whole sentences as fit in `max_chars` characters (greedy); a sentence longer
  than that is cut at whitespace (mid-word only for a "word" longer than the size). The next chunk
  repeats the last `overlap_sentences` sentences of the previous one, fewer where they and the next
  sentence would not fit in `max_chars`, and never all of them (each chunk adds something new).
- tokens: windows of `max_tokens` tokens of the model's own tokenizer, each starting
  `max_tokens - overlap_tokens` tokens after the previous one (the last window may be shorter).
  Tokens that start at the same character count as one. Without a tokenizer, words (runs of
  non-space characters) stand in for tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from embdash.errors import EmbdashError
from embdash.pipeline.params import param

CHUNK_METHODS = ("sentences", "tokens")

TokenOffsets = Callable[[str], Sequence[tuple[int, int]]]  # text -> (start, end) character span per token


class ChunkingError(EmbdashError):
    """The chunk settings cannot work (e.g. an overlap as large as the chunk)."""


@dataclass(frozen=True)
class SentenceChunkParams:
    max_chars: int = param(
        600, "Largest chunk, in characters. Chunks are built from whole sentences up to this size; "
        "a single longer sentence is cut at spaces.",
        min=100, max=4000, step=50, label="Chunk size (characters)",
    )
    overlap_sentences: int = param(
        1, "How many sentences each chunk repeats from the end of the one before, so a passage cut in two "
        "is still found whole in one chunk. 0: no overlap.",
        min=0, max=10, step=1, label="Overlap (sentences)",
    )


@dataclass(frozen=True)
class TokenChunkParams:
    max_tokens: int = param(
        128, "Chunk size in tokens of the chosen model. Keep it at or below the model's limit "
        "(256 for all-MiniLM-L6-v2), or the end of each chunk is ignored when it is embedded.",
        min=16, max=512, step=8, label="Chunk size (tokens)",
    )
    overlap_tokens: int = param(
        32, "How many tokens each chunk repeats from the end of the one before. Must be smaller than the chunk size.",
        min=0, max=256, step=8, label="Overlap (tokens)",
    )


@dataclass(frozen=True)
class ChunkParams:
    method: str = param(
        "sentences", "Sentences: chunks of whole sentences up to a size in characters (reads well in a prompt). "
        "Tokens: fixed windows of the model's own tokens (sizes match what the model sees).",
        options=CHUNK_METHODS, label="Split by",
    )
    sentences: SentenceChunkParams = field(default_factory=SentenceChunkParams)
    tokens: TokenChunkParams = field(default_factory=TokenChunkParams)


@dataclass(frozen=True)
class Chunk:
    doc_row: int  # row of the source document in the corpus
    index: int  # position of the chunk within its document, from 0
    start: int  # character span in the source document: text[start:end]
    end: int
    text: str


# --- sentences ---------------------------------------------------------------------------------------

# A candidate sentence end: terminal punctuation (with closing quotes or brackets) and the whitespace
# after it, or a line break. The whitespace is part of the match, so the sentence keeps it.
_CANDIDATE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+|\n\s*")
_WORD_BEFORE_DOT = re.compile(r"[\w.]+$")
_NON_SPACE = re.compile(r"\S")
# Abbreviations a full stop does not end a sentence after (compared lower-case, without the last dot).
ABBREVIATIONS = frozenset(
    "dr mr mrs ms prof sr jr st vs etc e.g i.e eg ie cf al approx fig no nos vol inc ltd co corp dept "
    "est jan feb mar apr jun jul aug sep sept oct nov dec mt ft".split()
)


def sentence_bounds(text: str) -> list[int]:
    """Where each sentence starts: [0, s1, s2, ...]; the last sentence runs to len(text). [] for no text."""
    if not text.strip():
        return []
    starts = [0]
    first_text = _NON_SPACE.search(text).start()  # of the current unit
    for match in _CANDIDATE_END.finditer(text):
        end = match.end()
        # A unit must hold some text: leading blank lines stay with the first sentence.
        if end < len(text) and first_text < match.start() and _ends_sentence(text, match):
            starts.append(end)
            first_text = end  # the match took all the whitespace, so text resumes here
    return starts


def _ends_sentence(text: str, match: re.Match) -> bool:
    if "\n" in match.group():
        return True  # a line break always ends a unit: headings, list items, paragraphs
    next_char = text[match.end()]
    if next_char.islower():
        return False  # "e.g. the", "approx. three": a sentence does not start in lower case
    if match.group().startswith("."):
        # Look back a few characters only: searching from the start would make long documents quadratic.
        word = _WORD_BEFORE_DOT.search(text, max(0, match.start() - 20), match.start())
        if word:
            word = word.group().lower()
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):  # "Dr. Smith", "J. Smith"
                return False
    return True


def sentence_units(text: str, max_chars: int) -> list[int]:
    """Unit starts for sentence chunking: sentence starts, with sentences over max_chars cut at whitespace."""
    if max_chars < 1:
        raise ChunkingError("The chunk size must be at least one character.")
    starts = sentence_bounds(text)
    units: list[int] = []
    for start, end in zip(starts, starts[1:] + [len(text)]):
        units.extend(_cut_long(text, start, end, max_chars))
    return units


_WORD_START = re.compile(r"(?<=\s)\S")  # a lookbehind, not \s+: long runs of spaces must not backtrack


def _cut_long(text: str, start: int, end: int, max_chars: int) -> list[int]:
    """Starts of pieces of text[start:end], each at most max_chars long, cut after whitespace where possible."""
    pieces = [start]
    while end - pieces[-1] > max_chars:
        piece_start = pieces[-1]
        window = text[piece_start:piece_start + max_chars + 1]  # one more: is the char after the cut a word start?
        cuts = [m.start() for m in _WORD_START.finditer(window) if 0 < m.start() <= max_chars]
        pieces.append(piece_start + (cuts[-1] if cuts else max_chars))
    return pieces


def chunk_by_sentences(text: str, max_chars: int = 600, overlap_sentences: int = 1) -> list[tuple[int, int]]:
    """(start, end) spans of chunks of whole sentences, each at most max_chars long (see the module notes)."""
    if overlap_sentences < 0:
        raise ChunkingError("The overlap cannot be negative.")
    starts = sentence_units(text, max_chars)
    bounds = starts + [len(text)]  # unit k is text[bounds[k]:bounds[k + 1]]
    n = len(starts)
    spans = []
    first = 0
    while first < n:
        last = first + 1  # exclusive; every unit fits on its own
        while last < n and bounds[last + 1] - bounds[first] <= max_chars:
            last += 1
        spans.append((bounds[first], bounds[last]))
        if last == n:
            break
        # Repeat up to overlap_sentences units, but keep room for the next unit and move forward.
        first = max(last - overlap_sentences, first + 1)
        while bounds[last + 1] - bounds[first] > max_chars:
            first += 1
    return spans


# --- tokens ------------------------------------------------------------------------------------------

def token_units(text: str, offsets: Sequence[tuple[int, int]]) -> list[int]:
    """Unit starts for token chunking: 0, then the start of each later token (distinct, in order)."""
    token_starts = sorted({int(s) for s, e in offsets if e > s and 0 <= s < len(text)})
    if not text.strip() or not token_starts:
        return []
    return [0, *token_starts[1:]]  # leading whitespace joins the first token


def chunk_by_tokens(text: str, offsets: Sequence[tuple[int, int]], max_tokens: int = 128, overlap_tokens: int = 32) -> list[tuple[int, int]]:
    """(start, end) spans of windows of max_tokens tokens, consecutive windows sharing overlap_tokens."""
    if max_tokens < 1:
        raise ChunkingError("The chunk size must be at least one token.")
    if not 0 <= overlap_tokens < max_tokens:
        raise ChunkingError(
            f"The overlap ({overlap_tokens} tokens) must be smaller than the chunk size ({max_tokens} tokens)."
        )
    starts = token_units(text, offsets)
    bounds = starts + [len(text)]
    n = len(starts)
    step = max_tokens - overlap_tokens
    spans = []
    for first in range(0, n, step):
        last = min(first + max_tokens, n)
        spans.append((bounds[first], bounds[last]))
        if last == n:
            break
    return spans


def whitespace_token_offsets(text: str) -> list[tuple[int, int]]:
    """Words (runs of non-space characters) as stand-in tokens, for models without a reachable tokenizer."""
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def model_token_offsets(embedder) -> TokenOffsets | None:
    """A function text -> token character spans under the model's own tokenizer, or None if it has none.

    sentence-transformers models keep a Hugging Face tokenizer at `.model.tokenizer`; the ONNX BERT
    models keep a `tokenizers.Tokenizer` that neither pads nor truncates at `._counter`.
    """
    hf_tokenizer = getattr(getattr(embedder, "model", None), "tokenizer", None)
    if hf_tokenizer is not None and getattr(hf_tokenizer, "is_fast", False):  # only fast tokenizers give offsets

        def hf_offsets(text: str) -> list[tuple[int, int]]:
            encoded = hf_tokenizer(
                text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False
            )
            return [tuple(span) for span in encoded["offset_mapping"]]

        return hf_offsets
    raw_tokenizer = getattr(embedder, "_counter", None)
    if raw_tokenizer is not None and hasattr(raw_tokenizer, "encode"):
        return lambda text: list(raw_tokenizer.encode(text, add_special_tokens=False).offsets)
    return None


# --- a corpus ----------------------------------------------------------------------------------------

def chunk_spans(text: str, params: ChunkParams, token_offsets: TokenOffsets | None = None) -> list[tuple[int, int]]:
    if params.method == "sentences":
        return chunk_by_sentences(text, params.sentences.max_chars, params.sentences.overlap_sentences)
    if params.method == "tokens":
        offsets = (token_offsets or whitespace_token_offsets)(text)
        return chunk_by_tokens(text, offsets, params.tokens.max_tokens, params.tokens.overlap_tokens)
    raise ChunkingError(f"Unknown chunking method {params.method!r}: choose one of {', '.join(CHUNK_METHODS)}.")


def chunk_corpus(texts: Sequence[str], params: ChunkParams, token_offsets: TokenOffsets | None = None) -> list[Chunk]:
    """Every document's chunks, in document order. `token_offsets` (for method "tokens"): the model's
    tokenizer from model_token_offsets(); None uses words."""
    chunks = []
    for row, text in enumerate(texts):
        text = "" if text is None else str(text)
        for index, (start, end) in enumerate(chunk_spans(text, params, token_offsets)):
            chunks.append(Chunk(doc_row=row, index=index, start=start, end=end, text=text[start:end]))
    return chunks
