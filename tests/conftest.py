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
