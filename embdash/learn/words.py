"""Words as vectors: the GloVe vocabulary, word vectors for any model, analogies, similarity, word benchmarks.

The vocabulary is GloVe 6B's own word list, which is in corpus frequency order ("the", ",", ".", "of",
...), kept to plain alphabetic words, so "the N most frequent words" is simply its first N entries.
A GloVe word's vector is its own row; any other model embeds the word as a one-word text, through the
same store as every other text, so a word is never embedded twice by the same model.
All vectors here are unit rows, so a dot product is a cosine similarity.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from embdash.dataio.store import Store
from embdash.errors import EmbdashError
from embdash.jobs import JobFactory
from embdash.models.backends.common import unit_rows
from embdash.models.catalogue import GLOVE_PACKAGE, Embedder, get_spec, load_embedder
from embdash.models.embed import Progress, embed_texts

GLOVE_ID = "glove-6b-50d"
GLOVE_VOCABULARY = 50_000  # default candidate words for analogies: GloVe's rows cost nothing
SENTENCE_MODEL_VOCABULARY = 10_000  # other models embed every candidate word once
SCORE_BATCH = 512  # analogy questions scored per matrix product: bounds memory at batch x vocabulary floats


class UnknownWordError(EmbdashError):
    """A word the model's vocabulary lacks (GloVe knows 400,000 lower-case words)."""


# ---- the GloVe vocabulary and its vectors -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _glove_table() -> tuple[tuple[str, ...], np.ndarray, dict[str, int]]:
    """(words in frequency order, (400000, 50) unit rows, word -> row), read once per process."""
    import pandas as pd

    from embdash.models.backends.common import package_file

    name = get_spec(GLOVE_ID).name
    words = tuple(pd.read_parquet(package_file(GLOVE_PACKAGE, "data/glove_6B_index.parquet", name))["index"].astype(str))
    vectors = unit_rows(np.load(package_file(GLOVE_PACKAGE, "data/glove_6B_50d_emb.npy", name)))
    return words, vectors, {word: row for row, word in enumerate(words)}


def is_plain_word(token: str) -> bool:
    # Punctuation, numbers and markup are in GloVe's list too; a vocabulary for lessons wants words.
    return token.isascii() and token.isalpha()


@lru_cache(maxsize=1)
def _plain_word_rows() -> np.ndarray:
    words = _glove_table()[0]
    return np.array([row for row, word in enumerate(words) if is_plain_word(word)], dtype=np.int64)


def vocabulary(n: int) -> list[str]:
    """The `n` most frequent plain (alphabetic) words of GloVe 6B, most frequent first."""
    if n < 1:
        raise ValueError("The vocabulary needs at least one word.")
    words = _glove_table()[0]
    return [words[row] for row in _plain_word_rows()[:n]]


def glove_vectors(words: Sequence[str]) -> np.ndarray:
    """(len(words), 50) unit GloVe rows; UnknownWordError names the words GloVe lacks."""
    _, vectors, rows = _glove_table()
    keys = [normalised(word) for word in words]
    unknown = [word for word, key in zip(words, keys) if key not in rows]
    if unknown:
        raise UnknownWordError(f"GloVe does not know {_quoted(unknown)}. It knows 400,000 single lower-case words.")
    return vectors[[rows[key] for key in keys]]


def normalised(word: str) -> str:
    return word.strip().lower()


def word_vectors(words: Sequence[str], embedder: Embedder, store: Store | None = None,
                 progress: Progress | None = None, job: JobFactory | None = None) -> np.ndarray:
    """(len(words), d) unit vectors of `words` under the model: GloVe's own rows, or each word embedded
    as a one-word text (through the store, so cached like any text). `job`: as embed_texts."""
    if embedder.spec.id == GLOVE_ID:
        return glove_vectors(words)
    return unit_rows(embed_texts(list(words), embedder, store, progress=progress, job=job).vectors)


# ---- analogies, similarity, neighbours ----------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    words: list[str]
    scores: list[float]  # cosine similarity to the query, best first

    def lines(self) -> list[str]:
        return [f"{word}\t{score:.4f}" for word, score in zip(self.words, self.scores)]


def analogy_target(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """A − B + C as a unit vector (3CosAdd: the word nearest it completes "B is to A as C is to ?")."""
    return unit_rows((a - b + c)[None, :])[0]


def analogy(a: str, b: str, c: str, words: Sequence[str], vectors: np.ndarray, *, top: int = 10,
            exclude_inputs: bool = True, input_vectors: np.ndarray | None = None) -> Ranked:
    """The `top` words of the vocabulary (`words`, unit `vectors`) nearest A − B + C.

    `input_vectors` (3, d) are the vectors of A, B, C; without it they are looked up in the vocabulary.
    With `exclude_inputs` (the standard protocol), A, B and C are not candidates: A − B + C stays close
    to A, so A itself is often the nearest word.
    """
    if input_vectors is None:
        index = {word: row for row, word in enumerate(words)}
        missing = [w for w in (a, b, c) if normalised(w) not in index]
        if missing:
            raise UnknownWordError(f"{_quoted(missing)} not among the {len(words):,} words of the vocabulary.")
        input_vectors = vectors[[index[normalised(w)] for w in (a, b, c)]]
    scores = vectors @ analogy_target(*input_vectors)
    excluded = {normalised(w) for w in (a, b, c)} if exclude_inputs else set()
    return top_words(scores, words, top, excluded)


def top_words(scores: np.ndarray, words: Sequence[str], top: int, excluded: set[str] = frozenset()) -> Ranked:
    """The `top` best-scoring words, skipping `excluded`."""
    order = np.argsort(-scores, kind="stable")
    chosen = [row for row in order[: top + len(excluded)] if words[row] not in excluded][:top]
    return Ranked([words[row] for row in chosen], [float(scores[row]) for row in chosen])


def similarity_matrix(vectors: np.ndarray) -> np.ndarray:
    """(n, n) cosine similarities: symmetric, 1 on the diagonal (0 for a zero vector, which has no direction)."""
    unit = unit_rows(vectors).astype(np.float64)
    matrix = np.clip(unit @ unit.T, -1.0, 1.0)
    matrix = (matrix + matrix.T) / 2  # the product is symmetric up to rounding; make it exactly so
    np.fill_diagonal(matrix, (np.linalg.norm(unit, axis=1) > 0).astype(np.float64))
    return matrix


def closest_to(row: int, matrix: np.ndarray, labels: Sequence[str]) -> Ranked:
    """The other labels ranked by their similarity to labels[row], closest first."""
    others = [i for i in np.argsort(-matrix[row], kind="stable") if i != row]
    return Ranked([labels[i] for i in others], [float(matrix[row, i]) for i in others])


def analogy_lines(a: str, b: str, c: str, model_id: str = GLOVE_ID, top: int = 5, vocabulary_size: int | None = None,
                  store: Store | None = None) -> list[str]:
    """For the CLI: the `top` words nearest A − B + C (inputs excluded), one "word<TAB>score" line each.

    The candidates are the `vocabulary_size` most frequent GloVe words (default: 50,000 for GloVe; 10,000 for
    other models, which must embed each word once, about 10 s per 10,000 words for the default model on
    2 cores; cached in `store`).
    """
    if top < 1:
        raise EmbdashError("--top must be at least 1.")
    if get_spec(model_id).fitted_on_corpus:  # get_spec: ModelError for an unknown id
        raise EmbdashError(f"{model_id} learns its words from a corpus; analogies need a pretrained model such as {GLOVE_ID}.")
    embedder = load_embedder(model_id)
    words = vocabulary(vocabulary_size or (GLOVE_VOCABULARY if model_id == GLOVE_ID else SENTENCE_MODEL_VOCABULARY))
    inputs = [normalised(w) for w in (a, b, c)]
    if embedder.spec.id == GLOVE_ID:
        input_vectors = glove_vectors(inputs)
        vectors = glove_vectors(words)
    else:
        input_vectors = word_vectors(inputs, embedder, store)
        vectors = word_vectors(words, embedder, store)
    return analogy(*inputs, words, vectors, top=top, input_vectors=input_vectors).lines()


# ---- word benchmarks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalogyQuestion:
    section: str
    a: str  # a is to b as c is to d; the answer d is nearest b − a + c
    b: str
    c: str
    d: str


def read_analogy_questions(path: Path) -> list[AnalogyQuestion]:
    """The Google analogy set: ": section" lines, then "a b c d" lines (lower-cased here, as GloVe is)."""
    questions, section = [], ""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith(":"):
            section = line[1:].strip()
        elif line.strip():
            a, b, c, d = line.lower().split()
            questions.append(AnalogyQuestion(section, a, b, c, d))
    return questions


def read_word_pairs(path: Path) -> list[tuple[str, str, float]]:
    """WordSim-353 / SimLex-999 as gensim ships them: "word1<TAB>word2<TAB>score", "#" comments."""
    pairs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            first, second, score = line.split("\t")[:3]
            pairs.append((first.lower(), second.lower(), float(score)))
    return pairs


@dataclass(frozen=True)
class AnalogyScore:
    accuracy: float  # share of covered questions answered right (3CosAdd, inputs excluded)
    correct: int
    covered: int  # questions whose four words are all in the vocabulary
    total: int
    by_kind: dict[str, tuple[int, int]]  # "semantic" / "syntactic" -> (correct, covered)


def analogy_accuracy(questions: Sequence[AnalogyQuestion], words: Sequence[str], vectors: np.ndarray) -> AnalogyScore:
    """3CosAdd accuracy over the questions whose four words are in the vocabulary (`words`, unit `vectors`):
    a question is right when the vocabulary word nearest b − a + c, other than a, b and c, is d."""
    index = {word: row for row, word in enumerate(words)}
    covered = [q for q in questions if all(w in index for w in (q.a, q.b, q.c, q.d))]
    rows = np.array([[index[q.a], index[q.b], index[q.c], index[q.d]] for q in covered], dtype=np.int64).reshape(-1, 4)
    right = np.zeros(len(covered), dtype=bool)
    for start in range(0, len(covered), SCORE_BATCH):
        batch = rows[start : start + SCORE_BATCH]
        targets = unit_rows(vectors[batch[:, 1]] - vectors[batch[:, 0]] + vectors[batch[:, 2]])
        scores = targets @ vectors.T
        np.put_along_axis(scores, batch[:, :3], -np.inf, axis=1)  # the inputs are never the answer
        right[start : start + len(batch)] = scores.argmax(axis=1) == batch[:, 3]
    by_kind: dict[str, tuple[int, int]] = {}
    for kind in ("semantic", "syntactic"):
        mask = np.array([_kind(q.section) == kind for q in covered], dtype=bool)
        by_kind[kind] = (int(right[mask].sum()) if len(covered) else 0, int(mask.sum()) if len(covered) else 0)
    n_right = int(right.sum())
    return AnalogyScore(n_right / len(covered) if covered else float("nan"), n_right, len(covered), len(questions), by_kind)


def _kind(section: str) -> str:
    # The set's syntactic sections are named "gram1-..." to "gram9-..."; the other five are semantic.
    return "syntactic" if section.startswith("gram") else "semantic"


@dataclass(frozen=True)
class PairScore:
    spearman: float  # rank correlation of cosine similarity with the human scores, over covered pairs
    covered: int
    total: int


def pair_spearman(pairs: Sequence[tuple[str, str, float]], words: Sequence[str], vectors: np.ndarray) -> PairScore:
    """Spearman correlation between the model's cosine and the human score, over pairs with both words known."""
    from scipy.stats import spearmanr

    index = {word: row for row, word in enumerate(words)}
    known = [(index[x], index[y], human) for x, y, human in pairs if x in index and y in index]
    if len(known) < 3:
        return PairScore(float("nan"), len(known), len(pairs))
    first, second, human = (np.array(column) for column in zip(*known))
    cosine = np.einsum("ij,ij->i", vectors[first], vectors[second])
    return PairScore(float(spearmanr(cosine, human).statistic), len(known), len(pairs))


def benchmark_words(questions: Sequence[AnalogyQuestion], *pair_sets: Sequence[tuple[str, str, float]]) -> list[str]:
    """Every distinct word of the benchmarks, sorted: what a sentence model must embed besides the vocabulary."""
    found = {w for q in questions for w in (q.a, q.b, q.c, q.d)}
    found |= {w for pairs in pair_sets for x, y, _ in pairs for w in (x, y)}
    return sorted(found)


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f"'{w}'" for w in words)


def known_glove_words(words: Sequence[str]) -> list[str]:
    """The words GloVe has a vector for, in the given order."""
    rows = _glove_table()[2]
    return [word for word in words if normalised(word) in rows]
