"""Security: corpus keys and names from URLs cannot reach a path outside the data folder, model ids from
URLs load nothing, user text is never rendered as HTML or markdown, uploads are capped by the setting, and
a read-only instance stores no corpus."""

import ast
import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from embdash.dataio.corpus import make_corpus
from embdash.dataio.store import Store, slugify
from embdash.errors import CorpusError, EmbdashError
from embdash.tasks import ann
from embdash.ui import links
from tests.conftest import REPO, map_page_by_link

APP = REPO / "streamlit_app.py"
TIMEOUT = 300

HOSTILE_KEYS = [
    "../..", "../../etc/passwd", "/etc/passwd", "/tmp", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2f",
    "..\\..\\windows\\win.ini", "0123456789abcdef/../../victim", "0123456789abcdef\x00", "\x000123456789abcdef",
    "0123456789abcdef\n", "0123456789abcdef.parquet", "０１２３４５６７８９ａｂｃｄｅｆ", "~/victim", ".", "",
]


# Every file-system write made by this process while `watching` is on, to catch a path that escapes.
_WRITES: list[str] = []
_WATCHING = False
_WRITE_EVENTS = {"os.rename", "os.remove", "os.mkdir", "os.rmdir", "os.utime", "os.truncate", "os.chmod", "shutil.rmtree"}


def _audit(event: str, args: tuple) -> None:
    if not _WATCHING:
        return
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        mode, flags = args[1], args[2] if len(args) > 2 else 0
        if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)):
            _WRITES.append(os.fsdecode(args[0]))
    elif event in _WRITE_EVENTS and args and isinstance(args[0], (str, bytes, os.PathLike)):
        _WRITES.append(os.fsdecode(args[0]))
        if event == "os.rename":
            _WRITES.append(os.fsdecode(args[1]))


sys.addaudithook(_audit)  # audit hooks cannot be removed; it only records while _WATCHING


@pytest.fixture
def writes_outside(tmp_path):
    """Yields a function returning every write this test made outside tmp_path/"data"."""
    global _WATCHING
    _WRITES.clear()
    _WATCHING = True
    root = (tmp_path / "data").resolve()

    def outside() -> list[str]:
        return [w for w in _WRITES if not Path(os.path.abspath(w)).resolve().is_relative_to(root)]

    try:
        yield outside
    finally:
        _WATCHING = False


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_hostile_corpus_keys_are_refused_everywhere(tmp_path, key, writes_outside):
    victim = tmp_path / "victim"
    victim.write_text("untouched")
    _WRITES.clear()  # that write was ours
    store = Store(tmp_path / "data")
    store.save_corpus(make_corpus(pd.DataFrame({"text": ["a", "b"]}), "text", "real.csv"))

    assert not links.is_corpus_key(key)
    assert not store.has_corpus(key)
    for attempt in (store.corpus_path, store.load_corpus, store.touch_corpus):
        with pytest.raises(CorpusError, match="unknown corpus"):
            attempt(key)
    for kind, name in ((key, "k"), ("layout-2d", key)):
        with pytest.raises(ValueError):
            store.artefact_path(kind, name)
        with pytest.raises(ValueError):
            store.save_array(kind, name, np.zeros(3), {})
        with pytest.raises(ValueError):
            store.load_array(kind, name)
    # Keys that become folder or file names are sanitised into one component inside the data folder.
    folder = store.embeddings_dir(key)
    assert folder.parent == store.root / "embeddings" and folder.name == slugify(key) and folder.name not in {"", ".", ".."}
    assert "/" not in slugify(key) and "\x00" not in slugify(key)
    index = ann.index_path(store.root, key)
    assert index.parent == store.root / "indexes" and "/" not in index.name and "\x00" not in index.name
    store.save_vectors(key, ["h"], np.ones((1, 2), np.float32), {})  # a model cache key of that form
    assert store.load_vectors(key, ["h"])[1].all()

    assert writes_outside() == []
    assert victim.read_text() == "untouched" and sorted(p.name for p in tmp_path.iterdir()) == ["data", "victim"]


def test_stored_corpus_names_never_become_paths(tmp_path, writes_outside):
    store = Store(tmp_path / "data")
    corpus = make_corpus(pd.DataFrame({"text": ["a", "b"]}), "text", "../../../../tmp/evil\x00.csv")
    store.save_corpus(corpus)
    assert [p.name for p in (store.root / "corpora").iterdir()] == [f"{corpus.key}.parquet"]
    assert store.load_corpus(corpus.key).name == corpus.name  # kept as text, used as text only
    assert writes_outside() == []


def test_links_with_hostile_corpus_keys_and_model_ids_fall_back_safely():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key in ["../../etc/passwd", "/etc/passwd", "..%2F..%2Fetc", "0123456789abcdef\x00", "0123456789abcdef\n"]:
        at.query_params["corpus"] = key
        at.run()
        assert not at.exception
        assert any("does not recognise" in w.value for w in at.warning), key
        assert "sample" in next(c.value for c in at.sidebar.caption if "documents" in c.value).lower()

    for model_id in ["../../etc/passwd", "st:../../../etc", "st:/etc", "st:/root/.ssh"]:
        fresh = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        fresh.query_params["model_id"] = model_id
        fresh.run()
        assert not fresh.exception
        assert any("does not offer" in w.value for w in fresh.sidebar.warning), model_id
        assert fresh.selectbox(key="model_id").value == "all-MiniLM-L6-v2"
        assert "custom_models" not in fresh.session_state


HOSTILE_TEXT = "evil<img src=x onerror=alert(1)>[link](javascript:alert(2))![pic](http://x.invalid/p.png)**bold**"
UNESCAPED_MARKUP = re.compile(r"(?<!\\)<img|(?<!\\)\[link(?<!\\)\]\(|(?<!\\)!(?<!\\)\[pic|(?<!\\)\*\*bold")


def test_user_text_is_never_rendered_as_markup():
    rows = [f"{HOSTILE_TEXT} {topic} {i}" for topic in ("sport", "food", "space") for i in range(8)]
    frame = pd.DataFrame({"text": rows, HOSTILE_TEXT: ["<b>x</b>"] * len(rows)})
    corpus = make_corpus(frame, "text", f"{HOSTILE_TEXT}.csv")
    Store.default().save_corpus(corpus)
    at = map_page_by_link(corpus)
    at.run()
    assert not at.exception
    assert at.session_state["corpus_key"] == corpus.key
    kinds = ["markdown", "caption", "title", "header", "subheader", "warning", "info", "error", "success"]
    shown = [e.value for kind in kinds for e in at.get(kind)] + [e.value for kind in kinds for e in at.sidebar.get(kind)]
    assert any("evil" in value for value in shown)  # the name is shown...
    assert [v for v in shown if UNESCAPED_MARKUP.search(v)] == []  # ...only as text


def test_no_page_renders_html_from_strings_it_did_not_write():
    """Static check: no unsafe_allow_html anywhere; HTML elements only get our own module constants."""
    sources = [REPO / "streamlit_app.py", *(REPO / "pages").glob("*.py"), *(REPO / "embdash").rglob("*.py")]
    for path in sources:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html":
                pytest.fail(f"{path.relative_to(REPO)}:{node.value.lineno} uses unsafe_allow_html")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"html", "iframe"}:
                first = node.args[0] if node.args else None
                constant = isinstance(first, ast.Name) and first.id.isupper() or isinstance(first, ast.Constant)
                assert constant, f"{path.relative_to(REPO)}:{node.lineno} renders HTML built at run time"


def test_uploads_are_capped_by_the_setting(monkeypatch):
    monkeypatch.setenv("EMBDASH_MAX_UPLOAD_MB", "3")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    assert not at.exception
    (uploader,) = at.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == 3
    assert "up to 3 MB" in uploader.proto.help


def test_a_read_only_instance_stores_no_corpus(monkeypatch, tmp_path):
    from embdash.ui import state

    monkeypatch.setenv("EMBDASH_READ_ONLY", "true")
    before = sorted(Store.default().root.joinpath("corpora").glob("*"))
    corpus = make_corpus(pd.DataFrame({"text": ["never stored"]}), "text", "upload.csv")
    with pytest.raises(EmbdashError, match="read-only"):
        state.use_corpus(corpus)
    assert sorted(Store.default().root.joinpath("corpora").glob("*")) == before
    assert not Store.default().has_corpus(corpus.key)
