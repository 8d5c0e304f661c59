"""Retrieval for an LLM prompt: the chunks closest to a question, assembled into a plain-text prompt.

No language model is called: the prompt is text for the analyst to paste into any chat model or
send through an API.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from embdash.tasks.chunking import Chunk
from embdash.tasks.search import nearest

DEFAULT_INSTRUCTIONS = (
    "Answer the question using only the numbered context passages below. "
    "Cite the passages you use by their numbers in square brackets, e.g. [2]. "
    "If the passages do not contain the answer, say that you do not know."
)

RESULT_COLUMNS = ("rank", "score", "source row", "chunk in document", "text")
CHARS_PER_TOKEN = 4  # rule of thumb for English text under GPT-style tokenizers


def retrieve(chunk_vectors: np.ndarray, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices, cosine scores) of the k chunks closest to the query, best first; ties to the lower index."""
    return nearest(chunk_vectors, query_vector, k)


@dataclass(frozen=True)
class PromptSize:
    chars: int
    words: int
    tokens_estimate: int  # chars / CHARS_PER_TOKEN: an LLM's own tokenizer will differ somewhat


def assemble_prompt(
    question: str,
    chunks: Sequence[Chunk],
    scores: Sequence[float],
    sources: Sequence[str],
    instructions: str = DEFAULT_INSTRUCTIONS,
) -> str:
    """Instructions, then the chunks as numbered passages [1], [2]... each with its source and score,
    then the question. Plain text; the same inputs always give the same prompt."""
    if not (len(chunks) == len(scores) == len(sources)):
        raise ValueError("assemble_prompt needs one score and one source per chunk.")
    passages = [
        f"[{number}] Source: {_one_line(source)} (similarity {score:.3f})\n{chunk.text.strip()}"
        for number, (chunk, score, source) in enumerate(zip(chunks, scores, sources), start=1)
    ]
    context = "\n\n".join(passages) if passages else "(no passages found)"
    return f"{instructions.strip()}\n\nContext:\n\n{context}\n\nQuestion: {question.strip()}\n\nAnswer:"


def _one_line(text: str) -> str:
    # A source label is one line: a newline in it would look like the start of the passage text.
    return re.sub(r"\s+", " ", str(text)).strip()


def prompt_size(prompt: str) -> PromptSize:
    return PromptSize(
        chars=len(prompt), words=len(prompt.split()), tokens_estimate=math.ceil(len(prompt) / CHARS_PER_TOKEN)
    )


def source_label(row: int, name: object = None) -> str:
    """How a passage names its document: its row, and a value from a column the analyst picked."""
    label = f"document row {row}"
    if name is None or (isinstance(name, float) and math.isnan(name)) or str(name).strip() == "":
        return label
    return f"{label}, {_one_line(name)}"


def results_table(chunks: Sequence[Chunk], scores: Sequence[float], names: Sequence[object] | None = None, name_column: str = "") -> pd.DataFrame:
    """One row per retrieved chunk, best first: rank, score, source row (and name), the chunk's
    position in its document and its text."""
    table = pd.DataFrame({
        "rank": np.arange(1, len(chunks) + 1),
        "score": np.round(np.asarray(scores, dtype=float), 4),
        "source row": [chunk.doc_row for chunk in chunks],
    })
    if names is not None:
        label = name_column or "source name"
        # A corpus column named like one of ours keeps its values under a distinct header.
        table[label if label not in RESULT_COLUMNS else f"{label} (data)"] = list(names)
    table["chunk in document"] = [chunk.index + 1 for chunk in chunks]
    table["text"] = [chunk.text.strip() for chunk in chunks]
    return table
