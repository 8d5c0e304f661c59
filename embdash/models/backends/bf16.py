"""bf16 autocast for the PyTorch (sentence-transformers) models, on CPUs with bf16 matrix instructions.

On a CPU with AVX512-BF16 or AMX, running the transformer's matrix products in bfloat16 (torch.autocast)
embedded all-MiniLM-L6-v2 1.8-1.9x faster than float32 on the project's AVX512-BF16 CPU (no AMX), at mean
cosine 0.99999 to the float32 vectors (docs/benchmarks.md, bench/bench_engines.py). Whether it pays is checked once per model, weights version,
torch version and CPU: `run_check` embeds a fixed sample both ways, and the result goes to
<data dir>/precision/<model id>.json, so later processes read it instead of checking again.

`choose_precision(embedder, "auto")` then keeps bf16 only where the CPU has it, EMBDASH_FORCE_FP32 is not
set, and the check found the vectors agreeing (mean cosine >= MIN_MEAN_COSINE) and faster.

Cache key: bf16 vectors get their own ("<weights version>+bf16"). They differ from float32 ones by up to
1.7e-3 per element (mean 2.3e-4) on MiniLM, about 30 times what float16 storage rounds away (max 6e-5,
mean 7e-6), so a float16 store would not hide the difference either: mixing the two in one cache would
give a text different vectors depending on which process embedded it first.
"""

from __future__ import annotations

import json
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, replace
from importlib import metadata
from pathlib import Path

import numpy as np

from embdash.config import data_dir, force_fp32
from embdash.dataio.atomic import write_text_atomically

PRECISIONS = ("auto", "fp32", "bf16")  # "auto": bf16 where checked and worth it; the others force one
MIN_MEAN_COSINE = 0.9999  # the least mean cosine of bf16 vectors against float32 ones
SUFFIX = "+bf16"  # appended to the weights version, hence to the cache key
CHECK_SAMPLE = 32  # short texts in the check (and 2 long ones): 1-2 s in all for MiniLM on 2 cores
CHECK_ROUNDS = 2

# /proc/cpuinfo flags of bf16 matrix support: x86 AVX512-BF16 and AMX tiles; "bf16" on 64-bit ARM (v8.6).
BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16", "bf16"})


def cpu_has_bf16(cpuinfo: str | None = None) -> bool:
    """Whether this CPU (or the given /proc/cpuinfo text) has bf16 matrix instructions.

    Read from /proc/cpuinfo, not from torch: the warm path predicts cache keys without importing torch.
    Elsewhere (macOS, Windows) there is no such file, and the answer is False: today's float32 path.
    """
    if cpuinfo is None:
        cpuinfo = _read_cpuinfo()
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        if name.strip() in ("flags", "Features"):
            return not BF16_FLAGS.isdisjoint(value.split())
    return False


def cpu_name(cpuinfo: str | None = None) -> str:
    """The CPU's model name ("" where unknown): a check made on one CPU is not reused on another."""
    if cpuinfo is None:
        cpuinfo = _read_cpuinfo()
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        if name.strip() in ("model name", "CPU part"):
            return value.strip()
    return ""


def _read_cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


@dataclass(frozen=True)
class Bf16Check:
    """bf16 against float32 for one model on one sample, as stored in <data dir>/precision/<model id>.json."""

    model_id: str
    weights_version: str  # the float32 weights version checked
    torch_version: str
    cpu: str
    n_sample: int
    mean_cosine: float
    min_cosine: float
    max_abs_difference: float  # largest elementwise difference of the unit vectors
    fp32_seconds: float  # fastest round over the sample
    bf16_seconds: float
    created: str

    @property
    def speedup(self) -> float:
        return self.fp32_seconds / self.bf16_seconds if self.bf16_seconds > 0 else 0.0

    @property
    def agrees(self) -> bool:
        return self.mean_cosine >= MIN_MEAN_COSINE

    @property
    def accepted(self) -> bool:
        return self.agrees and self.speedup > 1.0


def check_path(model_id: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in model_id).strip(".") or "model"
    return data_dir() / "precision" / f"{safe}.json"


def read_check(model_id: str) -> Bf16Check | None:
    """The stored check of the model, or None (none made, unreadable, or another format)."""
    try:
        return Bf16Check(**json.loads(check_path(model_id).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def current_check(spec) -> Bf16Check | None:
    """The stored check if it still applies: the same weights, torch version and CPU; else None."""
    check = read_check(spec.id)
    if check is None or check.weights_version != spec.weights_version or check.cpu != cpu_name():
        return None
    if check.torch_version != _torch_version():
        return None
    return check


def write_check(check: Bf16Check) -> None:
    """Write atomically: a process reading at the same time sees the old file or the new one, never half."""
    write_text_atomically(check_path(check.model_id), json.dumps(asdict(check), indent=2))


def auto_uses_bf16(spec) -> bool | None:
    """Whether precision "auto" will run the model in bf16, known without loading it; None when only a
    check (which needs the model) can tell. For expected_cache_key: it must predict what the loader picks."""
    if force_fp32() or not cpu_has_bf16():
        return False
    check = current_check(spec)
    return None if check is None else check.accepted


def choose_precision(embedder, precision: str = "auto"):
    """The embedder as it should run: itself (float32) or its bf16 twin (own spec and cache key)."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if precision == "fp32":
        return embedder
    if precision == "bf16":
        return embedder.in_bf16()
    uses_bf16 = auto_uses_bf16(embedder.spec)
    if uses_bf16 is None:
        try:
            uses_bf16 = run_check(embedder).accepted
        except Exception:  # a check that cannot run (an odd torch build, a full disk) must not cost the model
            uses_bf16 = False
    return embedder.in_bf16() if uses_bf16 else embedder


def run_check(embedder, n_sample: int = CHECK_SAMPLE, rounds: int = CHECK_ROUNDS) -> Bf16Check:
    """Embed a fixed sample in float32 and bf16, compare, time (alternated rounds), store and return the result.

    Agreement is measured on short texts and two past the 256-token limit, embedded apart (together, every
    short text would be padded to 256 tokens and the check would take seconds); speed on the short ones,
    where bf16 gains least (2.3x on MiniLM, against 2.9x on long documents), so "faster" holds for both.
    """
    from embdash.models.backends.agreement import compare_vectors, sample_texts

    twin = embedder.in_bf16()
    long = sample_texts(32, long_every=16)[15::16]
    long_pair = embedder.embed(long), twin.embed(long)  # first calls: also the warm-up of both paths
    (fp32_seconds, bf16_seconds), short_pair = fastest_rounds(embedder, twin, sample_texts(n_sample, long_every=0), rounds)
    reference, candidate = np.vstack([short_pair[0], long_pair[0]]), np.vstack([short_pair[1], long_pair[1]])
    cosines = compare_vectors(reference, candidate)
    check = Bf16Check(
        model_id=embedder.spec.id, weights_version=embedder.spec.weights_version, torch_version=_torch_version(),
        cpu=cpu_name(), n_sample=len(reference), mean_cosine=float(cosines.mean()), min_cosine=float(cosines.min()),
        max_abs_difference=float(np.abs(reference - candidate).max()), fp32_seconds=fp32_seconds,
        bf16_seconds=bf16_seconds, created=_utc_now(),
    )
    write_check(check)
    return check


def fastest_rounds(first, second, texts, rounds: int) -> tuple[tuple[float, float], tuple[np.ndarray, np.ndarray]]:
    """The fastest of `rounds` alternated timings of each embedder on `texts`, and their vectors. The minimum
    is the time least disturbed by other jobs on a shared machine; alternating lets a slow spell hit both."""
    best, vectors = [float("inf"), float("inf")], [None, None]
    for _ in range(rounds):
        for side, embedder in enumerate((first, second)):
            started = time.perf_counter()
            vectors[side] = embedder.embed(texts)
            best[side] = min(best[side], time.perf_counter() - started)
    return (best[0], best[1]), (vectors[0], vectors[1])


def bf16_spec(spec):
    return replace(spec, name=f"{spec.name} (bf16)", weights_version=spec.weights_version + SUFFIX)


def autocast(enabled: bool):
    """bf16 autocast on the CPU when enabled; nothing otherwise. torch is already loaded by then."""
    if not enabled:
        return nullcontext()
    import torch

    return torch.autocast("cpu", dtype=torch.bfloat16)


def _torch_version() -> str:
    try:
        return metadata.version("torch")
    except metadata.PackageNotFoundError:
        return ""


def _utc_now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds")
