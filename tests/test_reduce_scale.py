"""UMAP at scale: fit on an even sample, transform the rest; placement and quality checked."""

import numpy as np
import pytest

from embdash.pipeline.params import UmapParams
from embdash.pipeline.reduce import (
    fit_sample_rows,
    project,
    trustworthiness,
)
from tests.fakes import PlantedTopicsEmbedder, planted_texts

N_PER_TOPIC = 150  # 6 topics: 900 points, fitted on 300
FIT = 300


@pytest.fixture(scope="module")
def planted():
    texts, labels = planted_texts(per_topic=N_PER_TOPIC)
    return PlantedTopicsEmbedder().embed(texts), labels


@pytest.fixture(scope="module")
def sampled(planted):
    vectors, _ = planted
    return project(vectors, 2, UmapParams(), max_fit_points=FIT)


def test_fit_sample_is_seeded_sorted_and_uniform():
    rows = fit_sample_rows(100_000, 10_000, seed=3)
    assert np.array_equal(rows, fit_sample_rows(100_000, 10_000, seed=3))
    assert len(np.unique(rows)) == 10_000 and np.all(np.diff(rows) > 0)
    counts, _ = np.histogram(rows, bins=10, range=(0, 100_000))
    assert counts.min() > 850  # not the first N: every tenth of the corpus represented
    assert np.array_equal(fit_sample_rows(50, 100), np.arange(50))


def test_every_point_gets_finite_coordinates(planted, sampled):
    vectors, _ = planted
    assert sampled.shape == (len(vectors), 2) and sampled.dtype == np.float32
    assert np.isfinite(sampled).all()


def test_transformed_points_land_among_their_own_topic(planted, sampled):
    # Each point placed by transform (not in the fitting sample) must sit among fitted points of its
    # own planted topic: a row mix-up or a bad transform would put it elsewhere.
    _, labels = planted
    fitted = fit_sample_rows(len(labels), FIT, UmapParams().seed)
    placed = np.setdiff1d(np.arange(len(labels)), fitted)
    distances = np.linalg.norm(sampled[placed, None, :] - sampled[None, fitted, :], axis=2)
    nearest = fitted[np.argsort(distances, axis=1)[:, :5]]
    votes = (labels[nearest] == labels[placed, None]).mean(axis=1)
    assert (votes > 0.5).mean() >= 0.95


def test_sampled_fit_keeps_neighbourhoods(planted, sampled):
    vectors, _ = planted
    assert trustworthiness(vectors, sampled) >= 0.8


def test_below_the_limit_nothing_is_sampled(planted):
    vectors, _ = planted
    small = vectors[:200]
    assert np.array_equal(project(small, 2, max_fit_points=FIT), project(small, 2, max_fit_points=None))
    with pytest.raises(ValueError):
        project(small, 2, max_fit_points=2)


def test_by_default_large_corpora_are_fitted_on_a_sample(planted, sampled, monkeypatch):
    """The default rule: one fit on all points up to SAMPLE_FIT_FROM, a fit on FIT_SAMPLE above; the
    projections' cache keys name the rule, so a projection made under another rule is never served."""
    from embdash.pipeline import reduce, stages
    from embdash.pipeline.params import MapParams

    assert reduce.fit_points(reduce.SAMPLE_FIT_FROM) is None
    assert reduce.fit_points(reduce.SAMPLE_FIT_FROM + 1) == reduce.FIT_SAMPLE
    vectors, _ = planted
    monkeypatch.setattr(reduce, "SAMPLE_FIT_FROM", len(vectors) - 1)
    monkeypatch.setattr(reduce, "FIT_SAMPLE", FIT)
    assert np.array_equal(project(vectors, 2, UmapParams()), sampled)  # the rule, by default
    layout, space = reduce.project_together(vectors, [(2, UmapParams()), (5, UmapParams(min_dist=0.0))])
    assert np.array_equal(layout, sampled)  # together: no shared neighbour search over all points
    assert np.array_equal(space, project(vectors, 5, UmapParams(min_dist=0.0), max_fit_points=FIT))

    keys = stages.stage_keys("vectors", "corpus", MapParams())
    monkeypatch.setattr(reduce, "FIT_RULE", reduce.FIT_RULE + "-other")
    other = stages.stage_keys("vectors", "corpus", MapParams())
    assert keys.layout != other.layout and keys.space != other.space and keys.labels != other.labels
