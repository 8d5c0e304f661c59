"""ONNX Runtime path for the sentence-transformers catalogue models: export once, check, then use it when faster.

`export_onnx(spec, folder)` runs offline, once per model, into <data dir>/onnx/<model id>/:
  1. export the transformer (the PyTorch module sentence-transformers wraps) to ONNX with torch.onnx,
     and fuse its attention, layer norms and GELU with onnxruntime's transformer optimiser;
  2. quantise its weights to int8, per output channel (onnxruntime.quantization, dynamic: no
     calibration data). Per-channel matters: per-tensor int8 fell to mean cosine 0.96 against PyTorch;
  3. embed a fixed sample with both paths and record their agreement (cosine of each text's two
     vectors) and speed (documents per second, the two sides alternated in one run);
  4. write manifest.json beside the model. The folder appears complete or not at all (temp + rename).

`accepted_export(spec)` returns the manifest only when the export is usable *and* worth it: made from the
same weights version, mean cosine >= MIN_MEAN_COSINE, and faster than PyTorch when measured. The
catalogue loader (embdash.models.catalogue.load_embedder, backend="auto") then loads it instead of PyTorch.

Cache key: ONNX int8 vectors differ from PyTorch ones (cosine ~0.99, not 1.0), so the ONNX embedder's
weights_version is "<torch weights version>+onnx-int8:<sha of the .onnx file>". Switching path therefore
re-embeds instead of mixing vectors of the two paths in one map or search; a re-export with other
settings gets its own key too.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Sequence

from embdash.config import data_dir
from embdash.dataio.atomic import temporary_folder
from embdash.errors import ModelError
from embdash.hashing import params_key
from embdash.models.backends.agreement import compare_vectors, sample_texts  # noqa: F401  (re-exported)
from embdash.models.backends.common import calm_openmp_threads, import_library

MIN_MEAN_COSINE = 0.99  # the least mean cosine of ONNX vectors against PyTorch ones
VARIANT = "int8"  # what export_onnx produces: per-channel dynamic int8 weights
MANIFEST = "manifest.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
OPSET = 17

@dataclass(frozen=True)
class ExportReport:
    model_id: str
    source_weights_version: str  # the PyTorch weights the export was made from
    variant: str  # "int8"
    model_sha256: str  # of the .onnx file: part of the cache key
    n_sample: int
    mean_cosine: float  # ONNX vs PyTorch on sample_texts(n_sample)
    min_cosine: float
    torch_docs_per_second: float
    onnx_docs_per_second: float
    export_seconds: float
    pad_id: int
    pad_token: str
    max_tokens: int
    onnxruntime_version: str
    torch_version: str
    created: str

    @property
    def speedup(self) -> float:
        return self.onnx_docs_per_second / self.torch_docs_per_second if self.torch_docs_per_second else 0.0

    @property
    def agrees(self) -> bool:
        return self.mean_cosine >= MIN_MEAN_COSINE

    @property
    def accepted(self) -> bool:
        """Worth using automatically: vectors agree with PyTorch and the ONNX path was faster."""
        return self.agrees and self.speedup > 1.0

    @property
    def weights_version(self) -> str:
        return f"{self.source_weights_version}+onnx-{self.variant}:{self.model_sha256[:12]}"


def export_dir(model_id: str) -> Path:
    return data_dir() / "onnx" / _safe_name(model_id)


def read_export(model_id: str) -> ExportReport | None:
    """The manifest of an existing export, or None (missing, unreadable, or from another format)."""
    path = export_dir(model_id) / MANIFEST
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
        return ExportReport(**fields)
    except (OSError, ValueError, TypeError):
        return None


def accepted_export(spec) -> ExportReport | None:
    """The export to use for `spec` automatically, or None (none made, stale weights, disagrees, or slower)."""
    report = read_export(spec.id)
    if report is None or report.source_weights_version != spec.weights_version or not report.accepted:
        return None
    if not (export_dir(spec.id) / MODEL_FILE).is_file():
        return None
    return report


def onnx_spec(spec, report: ExportReport):
    """The spec of the ONNX embedder: its own loader and weights version, hence its own cache key."""
    return replace(
        spec,
        name=f"{spec.name} (ONNX {report.variant})",
        loader="onnx-export",
        weights_version=report.weights_version,
        docs_per_second=round(report.onnx_docs_per_second, 1),
        source=f"{spec.source}, exported to {export_dir(spec.id) / MODEL_FILE}",
    )


def load_exported(spec, report: ExportReport):
    """Load an export made by export_onnx for `spec` (the catalogue spec, not yet the ONNX one)."""
    from embdash.models.backends.onnx_bert import load_onnx_bert

    folder = export_dir(spec.id)
    return load_onnx_bert(
        replace(onnx_spec(spec, report), max_tokens=report.max_tokens),
        onnx_path=folder / MODEL_FILE,
        tokenizer_path=folder / TOKENIZER_FILE,
        output_name="last_hidden_state",
        output_is_pooled=False,
        pad_id=report.pad_id,
        pad_token=report.pad_token,
    )


def export_onnx(spec, folder: Path, n_sample: int = 128, timing_rounds: int = 1) -> ExportReport:
    """Export the sentence-transformers model in `folder` (catalogue `spec`) to int8 ONNX, check it, record it.

    Replaces an earlier export of the same model. Raises ModelError when the model is not the
    transformer + mean pooling + normalise shape the ONNX embedder reproduces.
    """
    from embdash.models.backends.st import load_sentence_transformer

    started = time.perf_counter()
    calm_openmp_threads()
    torch = import_library("torch", "torch==2.13.0", spec.name)
    import_library("onnx", "onnx==1.23.2", spec.name)
    torch_embedder = load_sentence_transformer(spec, folder)
    model = torch_embedder.model
    _check_mean_pooled(model, spec.name)
    target = export_dir(spec.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    with temporary_folder(target) as scratch:
        scratch = Path(scratch)
        _export_transformer(torch, model, scratch / "fp32.onnx")
        fused = _fuse(scratch / "fp32.onnx", scratch / "fused.onnx", model[0].auto_model.config)
        _quantise(fused, scratch / MODEL_FILE)
        for scratch_file in ("fp32.onnx", "fused.onnx"):
            (scratch / scratch_file).unlink(missing_ok=True)
        model.tokenizer.backend_tokenizer.save(str(scratch / TOKENIZER_FILE))
        draft = ExportReport(
            model_id=spec.id, source_weights_version=spec.weights_version, variant=VARIANT,
            model_sha256=_sha256(scratch / MODEL_FILE), n_sample=n_sample, mean_cosine=float("nan"),
            min_cosine=float("nan"), torch_docs_per_second=0.0, onnx_docs_per_second=0.0, export_seconds=0.0,
            pad_id=int(model.tokenizer.pad_token_id), pad_token=str(model.tokenizer.pad_token),
            max_tokens=int(model.max_seq_length), onnxruntime_version=metadata.version("onnxruntime"),
            torch_version=metadata.version("torch"), created=_utc_now(),
        )
        onnx_embedder = _load_from(scratch, spec, draft)
        texts = sample_texts(n_sample)
        cosines = compare_vectors(torch_embedder.embed(texts), onnx_embedder.embed(texts))
        torch_rate, onnx_rate = measure_speed(torch_embedder, onnx_embedder, texts, timing_rounds)
        report = replace(
            draft, mean_cosine=float(cosines.mean()), min_cosine=float(cosines.min()),
            torch_docs_per_second=torch_rate, onnx_docs_per_second=onnx_rate,
            export_seconds=round(time.perf_counter() - started, 2),
        )
        (scratch / MANIFEST).write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
        _replace_folder(scratch, target)
    return report


def measure_speed(first, second, texts: Sequence[str], rounds: int = 2) -> tuple[float, float]:
    """Documents per second of two embedders on the same texts, alternated `rounds` times (drift hits both)."""
    first.embed(list(texts[:8]))  # warm-up: first calls allocate
    second.embed(list(texts[:8]))
    spent = [0.0, 0.0]
    for _ in range(rounds):
        for side, embedder in enumerate((first, second)):
            t = time.perf_counter()
            embedder.embed(list(texts))
            spent[side] += time.perf_counter() - t
    n = len(texts) * rounds
    return n / spent[0], n / spent[1]


# --- steps ---------------------------------------------------------------------------------------------

def _check_mean_pooled(model, name: str) -> None:
    """The ONNX embedder mean-pools and normalises: refuse models whose own pipeline does something else."""
    from sentence_transformers.models import Normalize, Pooling, Transformer

    modules = list(model)
    ok = (
        len(modules) in (2, 3)
        and isinstance(modules[0], Transformer)
        and isinstance(modules[1], Pooling)
        and modules[1].pooling_mode == "mean"
        and (len(modules) == 2 or isinstance(modules[2], Normalize))
    )
    if not ok:
        raise ModelError(f"{name} is not a transformer with mean pooling; its ONNX export is not supported.")


def _export_transformer(torch, model, path: Path) -> None:
    transformer = model[0].auto_model.eval()
    # The plain ("eager") attention graph is the one onnxruntime's optimiser recognises and fuses into
    # its Attention kernel; the SDPA graph transformers uses by default is not fused (measured: 1.6x vs 0.9x).
    previous = getattr(transformer.config, "_attn_implementation", None)
    try:
        transformer.set_attn_implementation("eager")
    except (AttributeError, ValueError):  # an architecture with one attention implementation only
        previous = None
    try:
        _trace(torch, model, transformer, path)
    finally:
        if previous is not None:
            transformer.set_attn_implementation(previous)


def _trace(torch, model, transformer, path: Path) -> None:
    wants_token_types = "token_type_ids" in model.tokenizer.model_input_names
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if wants_token_types else [])

    class LastHiddenState(torch.nn.Module):
        """Named inputs in a fixed order; returns the token vectors only (pooling happens in numpy)."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *inputs):
            return self.inner(**dict(zip(names, inputs))).last_hidden_state

    example = tuple(torch.ones((2, 8), dtype=torch.long) for _ in names)
    dynamic = {name: {0: "batch", 1: "tokens"} for name in names + ["last_hidden_state"]}
    import warnings

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter warns about traced shape arithmetic
        # dynamo=False: the TorchScript exporter handles the HF models here in ~1 s with dynamic axes.
        torch.onnx.export(
            LastHiddenState(transformer), example, str(path), input_names=names,
            output_names=["last_hidden_state"], dynamic_axes=dynamic, opset_version=OPSET, dynamo=False,
        )


def _fuse(source: Path, target: Path, config) -> Path:
    """Fuse attention, layer norms and GELU with onnxruntime's transformer optimiser; the unfused graph if it cannot."""
    try:
        from onnxruntime.transformers.optimizer import optimize_model

        optimised = optimize_model(
            str(source), model_type="bert", num_heads=int(config.num_attention_heads), hidden_size=int(config.hidden_size),
        )
        optimised.save_model_to_file(str(target))
    except Exception:  # an architecture the optimiser does not know: quantise the plain graph
        return source
    return target


def _quantise(source: Path, target: Path) -> None:
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # "consider pre-processing"
    quantize_dynamic(
        str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
        # Shape inference cannot type some exported MatMul outputs; they are float32.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def _load_from(folder: Path, spec, report: ExportReport):
    from embdash.models.backends.onnx_bert import load_onnx_bert

    return load_onnx_bert(
        replace(onnx_spec(spec, report), max_tokens=report.max_tokens),
        onnx_path=folder / MODEL_FILE, tokenizer_path=folder / TOKENIZER_FILE,
        output_name="last_hidden_state", output_is_pooled=False,
        pad_id=report.pad_id, pad_token=report.pad_token,
    )


def _replace_folder(source: Path, target: Path) -> None:
    """Move the finished export into place; an older export is removed only once the new one is complete."""
    staged = target.with_name(f".{target.name}-new-{os.getpid()}")
    shutil.move(str(source), str(staged))
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old, ignore_errors=True)
    source.mkdir()  # TemporaryDirectory removes it on exit


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _safe_name(model_id: str) -> str:
    # Catalogue ids only reach here, but a path is never built from an unchecked string.
    name = "".join(c if c.isalnum() or c in "._-" else "_" for c in model_id).strip(".")
    return name or params_key(model_id)


def _utc_now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds")
