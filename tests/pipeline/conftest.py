"""A small clustered corpus shared by the hierarchy, assignment and topic-view tests: planted topics with
every seventh document made noise, labels renumbered by size as HDBSCAN's are."""

import numpy as np
import pytest

from embdash.pipeline.cluster import renumber_by_size
from tests.fakes import PlantedTopicsEmbedder, planted_texts


@pytest.fixture(scope="package")
def clustered():
    texts, planted = planted_texts(per_topic=25)
    vectors = PlantedTopicsEmbedder().embed(texts)
    labels = np.asarray(planted).copy()
    labels[::7] = -1
    labels[np.flatnonzero(labels == 2)[:4]] = -1  # unequal sizes, so renumbering by size matters
    return texts, vectors, renumber_by_size(labels)
