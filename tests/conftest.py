"""Test-wide set-up: offline models, a private data directory per test session."""

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
sys.path.insert(0, str(REPO))  # so `import embdash` and `from tests.fakes import ...` work from anywhere


@pytest.fixture(scope="session", autouse=True)
def private_data_dir(tmp_path_factory):
    """Every test session gets its own data directory: tests never touch the user's cache."""
    path = tmp_path_factory.mktemp("embdash-data")
    os.environ["EMBDASH_DATA_DIR"] = str(path)
    return path


@pytest.fixture()
def stage_calls(monkeypatch):
    """How often each map stage ran: the real functions, wrapped to count their calls (not mocked)."""
    import embdash.pipeline.cluster
    import embdash.pipeline.maps
    import embdash.pipeline.reduce
    import embdash.pipeline.topics

    counted = {"project": 0, "cluster": 0, "topic_terms": 0, "measure": 0}
    for module, name in [(embdash.pipeline.reduce, "project"), (embdash.pipeline.cluster, "cluster"),
                         (embdash.pipeline.topics, "topic_terms"), (embdash.pipeline.maps, "measure")]:
        real = getattr(module, name)

        def wrapper(*args, _name=name, _real=real, **kwargs):
            counted[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)
    return counted


def map_page_by_link(corpus, timeout: float = 300):
    """An AppTest of the dashboard opened by the corpus's link on the Map page, with map settings fit for a
    few dozen documents; not run yet. The timeout covers the first UMAP call's numba compile."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=timeout)
    at.query_params["corpus"] = corpus.key
    at.query_params["umap.n_neighbors"] = "5"
    at.query_params["cluster.min_cluster_size"] = "3"
    return at
