"""Retrieval equals brute force; the prompt holds every passage and the question, in order; a real model finds the right chunk."""

import numpy as np
import pandas as pd
import pytest

from embdash.dataio.corpus import sample_corpus_path
from embdash.dataio.store import Store
from embdash.models.catalogue import load_embedder
from embdash.models.embed import embed_texts
from embdash.tasks.chunking import Chunk, ChunkParams, chunk_corpus
from embdash.tasks.rag import (
    DEFAULT_INSTRUCTIONS,
    assemble_prompt,
    prompt_size,
    results_table,
    retrieve,
    source_label,
)
from embdash.tasks.search import embed_query
from tests.fakes import PlantedTopicsEmbedder, planted_texts


@pytest.mark.parametrize("k", [0, 1, 5, 240, 500])
def test_retrieve_equals_brute_force_argsort(k):
    texts, _ = planted_texts()
    vectors = PlantedTopicsEmbedder().embed(texts)
    query = PlantedTopicsEmbedder().embed(["topic3 goal match"])[0]
    indices, scores = retrieve(vectors, query, k)
    expected = np.argsort(-(vectors @ query), kind="stable")[:k]
    np.testing.assert_array_equal(indices, expected)
    np.testing.assert_allclose(scores, vectors[expected] @ query, rtol=1e-6)


def test_prompt_has_instructions_numbered_passages_and_question_in_order():
    chunks = [Chunk(7, 0, 0, 20, "  Grout cures in 24 h.\n"), Chunk(2, 1, 5, 30, "Tiles cost £4.99.")]
    prompt = assemble_prompt("How long does grout take?", chunks, [0.81234, 0.5], [source_label(7, "diy\nblog"), source_label(2)])
    assert prompt == (
        f"{DEFAULT_INSTRUCTIONS}\n\nContext:\n\n"
        "[1] Source: document row 7, diy blog (similarity 0.812)\nGrout cures in 24 h.\n\n"
        "[2] Source: document row 2 (similarity 0.500)\nTiles cost £4.99.\n\n"
        "Question: How long does grout take?\n\nAnswer:"
    )
    assert prompt == assemble_prompt("How long does grout take?", chunks, [0.81234, 0.5], [source_label(7, "diy\nblog"), source_label(2)])
    size = prompt_size(prompt)
    assert size.chars == len(prompt) and size.words == len(prompt.split()) and size.tokens_estimate == -(-len(prompt) // 4)


def test_prompt_positions_follow_the_ranking():
    chunks = [Chunk(i, 0, 0, 9, f"passage {i}") for i in range(12)]
    prompt = assemble_prompt("Q?", chunks, list(np.linspace(0.9, 0.1, 12)), [source_label(i) for i in range(12)], "Be brief.")
    positions = [prompt.index(f"[{n}] Source: document row {n - 1} ") for n in range(1, 13)]
    assert positions == sorted(positions)
    assert prompt.startswith("Be brief.") and prompt.index("passage 11") < prompt.index("Question: Q?")
    assert "(no passages found)" in assemble_prompt("Q?", [], [], [])
    with pytest.raises(ValueError):
        assemble_prompt("Q?", chunks, [0.5], ["x"])


def test_source_label_skips_missing_names():
    assert source_label(3, float("nan")) == source_label(3, "  ") == source_label(3) == "document row 3"


@pytest.fixture(scope="module")
def minilm():
    return load_embedder("all-MiniLM-L6-v2")


def test_real_model_retrieves_a_home_repair_chunk_for_a_leaking_tap(minilm, tmp_path):
    sample = pd.read_csv(sample_corpus_path())
    chunks = chunk_corpus(sample["text"].tolist(), ChunkParams())
    store = Store(tmp_path)
    vectors = embed_texts([c.text for c in chunks], minilm, store=store).vectors
    indices, scores = retrieve(vectors, embed_query(minilm, "How do I fix a leaking tap?"), 5)
    categories = sample["category"].iloc[[chunks[i].doc_row for i in indices]].tolist()
    assert categories[0] == "home repair & DIY"
    assert categories.count("home repair & DIY") >= 3
    assert scores[0] > 0.4
    # Chunk vectors are cached like any text: a second pass computes nothing.
    again = embed_texts([c.text for c in chunks], minilm, store=store)
    assert again.n_computed == 0
    np.testing.assert_array_equal(again.vectors, vectors)


def test_results_table_lists_chunks_best_first_without_column_clashes():
    chunks = [Chunk(4, 2, 10, 30, " Fix the washer. "), Chunk(1, 0, 0, 9, "Tap drips")]
    table = results_table(chunks, [0.9, 0.7], ["diy", "home"], name_column="text")
    assert list(table.columns) == ["rank", "score", "source row", "text (data)", "chunk in document", "text"]
    assert table.to_dict("list") == {
        "rank": [1, 2], "score": [0.9, 0.7], "source row": [4, 1], "text (data)": ["diy", "home"],
        "chunk in document": [3, 1], "text": ["Fix the washer.", "Tap drips"],
    }
