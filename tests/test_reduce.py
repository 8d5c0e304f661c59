"""Projection quality, determinism and small-corpus fallbacks. Qualities, never exact coordinates."""

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from embdash.pipeline import reduce
from embdash.pipeline.params import UmapParams
from tests.fakes import PlantedTopicsEmbedder, planted_texts

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def vectors():
    texts, _ = planted_texts()
    return PlantedTopicsEmbedder().embed(texts)


@pytest.fixture(scope="module")
def coords(vectors):
    return reduce.project(vectors, 2, UmapParams())


def test_projection_is_float32_finite_and_shaped(vectors, coords):
    assert coords.shape == (len(vectors), 2)
    assert coords.dtype == np.float32
    assert np.all(np.isfinite(coords))


def test_projection_keeps_neighbourhoods(vectors, coords):
    # umap's own tests accept >= 0.8; planted topics are easy, so we ask more.
    assert reduce.trustworthiness(vectors, coords) >= 0.9


def test_random_layout_is_not_trustworthy(vectors):
    random_coords = np.random.default_rng(0).standard_normal((len(vectors), 2))
    assert reduce.trustworthiness(vectors, random_coords) < 0.7


def test_same_seed_same_coordinates(vectors, coords):
    assert np.array_equal(reduce.project(vectors, 2, UmapParams()), coords)


def test_different_seed_different_coordinates(vectors, coords):
    other = reduce.project(vectors, 2, UmapParams(seed=7))
    assert not np.allclose(other, coords)


def test_more_dimensions_and_euclidean_metric(vectors):
    points = reduce.project(vectors[:60], 5, UmapParams(metric="euclidean", n_neighbors=10))
    assert points.shape == (60, 5)
    assert np.all(np.isfinite(points))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 6])
@pytest.mark.parametrize("n_components", [2, 5])
def test_tiny_corpora_get_a_layout(vectors, n, n_components):
    coords = reduce.project(vectors[:n], n_components, UmapParams())
    assert coords.shape == (n, n_components)
    assert coords.dtype == np.float32
    assert np.all(np.isfinite(coords))


def test_neighbours_above_corpus_size_are_clipped(vectors):
    coords = reduce.project(vectors[:12], 2, UmapParams(n_neighbors=200))
    assert coords.shape == (12, 2)


def test_identical_vectors_do_not_break_the_projection(vectors):
    same = np.repeat(vectors[:1], 12, axis=0)
    coords = reduce.project(same, 2, UmapParams())
    assert coords.shape == (12, 2)
    assert np.all(np.isfinite(coords))


def test_rejects_non_matrix_input():
    with pytest.raises(ValueError, match="2-D"):
        reduce.project(np.zeros(5, dtype=np.float32), 2, UmapParams())
    with pytest.raises(ValueError, match="n_components"):
        reduce.project(np.zeros((5, 3), dtype=np.float32), 0, UmapParams())


def test_pca_is_deterministic_and_pads_missing_dimensions(vectors):
    assert np.array_equal(reduce.pca(vectors, 3), reduce.pca(vectors, 3))
    three_points = reduce.pca(vectors[:3], 5)
    assert three_points.shape == (3, 5)
    assert np.all(three_points[:, 2:] == 0)  # 3 points span only 2 directions
    assert np.any(three_points[:, :2] != 0)
    assert reduce.pca(vectors[:1], 2).tolist() == [[0.0, 0.0]]


def test_pca_first_axis_carries_most_variance(vectors):
    coords = reduce.pca(vectors, 2)
    assert coords[:, 0].var() >= coords[:, 1].var()


def test_trustworthiness_needs_a_few_points(vectors):
    assert np.isnan(reduce.trustworthiness(vectors[:2], np.zeros((2, 2))))
    assert 0.0 <= reduce.trustworthiness(vectors[:3], reduce.pca(vectors[:3], 2)) <= 1.0
    with pytest.raises(ValueError, match="rows"):
        reduce.trustworthiness(vectors[:5], np.zeros((4, 2)))


def test_trustworthiness_samples_big_inputs_reproducibly():
    rng = np.random.default_rng(1)
    big = rng.standard_normal((reduce.TRUSTWORTHINESS_SAMPLE + 500, 8)).astype(np.float32)
    first = reduce.trustworthiness(big, big[:, :2])
    assert first == reduce.trustworthiness(big, big[:, :2])
    assert 0.5 < first <= 1.0


def test_numba_cache_is_switched_on_in_a_versioned_folder(tmp_path):
    # In a child process: switching caching on changes process-wide numba state.
    code = "import sys; from embdash.pipeline import reduce; print(reduce.enable_numba_cache(sys.argv[1]))"
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) > 50
    (folder,) = tmp_path.iterdir()
    assert folder.name.startswith("numba-") and "umap-learn" in folder.name


@pytest.mark.slow
def test_numba_cache_makes_a_second_process_start_fast(tmp_path):
    code = (
        "import sys, time; from embdash.pipeline import reduce; reduce.enable_numba_cache(sys.argv[1]);"
        "import numpy as np; from embdash.pipeline.params import UmapParams;"
        "x = np.random.default_rng(0).standard_normal((50, 16)).astype(np.float32);"
        "t = time.perf_counter(); reduce.project(x, 2, UmapParams()); print(time.perf_counter() - t)"
    )

    def first_call_seconds():
        done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return float(done.stdout.strip().splitlines()[-1])

    cold = first_call_seconds()
    warm = first_call_seconds()
    assert warm < cold / 4, (cold, warm)


def test_warm_up_runs():
    started = time.perf_counter()
    reduce.warm_up(approximate=False)
    assert time.perf_counter() - started < 60
