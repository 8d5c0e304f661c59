"""Stopping a long embedding in the browser: the real rerun interrupts the running script; the batches done are
kept on disk, the page says so without a traceback, and going on embeds only the rest."""

import re
import time

import numpy as np
import pytest

from embdash.dataio.store import Store
from embdash.hashing import text_hash
from embdash.models.catalogue import DEFAULT_MODEL_ID, expected_cache_key
from tests.browser.conftest import no_exception_boxes, running_server, wait_for_app

pytestmark = pytest.mark.browser

WORDS = ("river bridge budget orbit vaccine guitar league harvest engine court lesson market storm "
         "village signal garden protein ticket museum ferry copper chorus").split()


def long_documents(n: int = 1200) -> list[str]:
    """n distinct documents past the default model's 256-token limit: a minute or more of embedding."""
    rng = np.random.default_rng(0)
    return [f"Report {i}: " + " ".join(rng.choice(WORDS, size=230)) + "." for i in range(n)]


def stored_count(data_dir, texts: list[str], monkeypatch) -> int:
    # The key the server's model has: its precision check (bf16 on a CPU that has it) is kept in its data folder,
    # which has no ONNX export either (fresh).
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(data_dir))
    key = expected_cache_key(DEFAULT_MODEL_ID)
    _, found = Store(data_dir).load_vectors(key, [text_hash(t) for t in texts])
    return int(found.sum())


def test_stop_keeps_the_batches_done_and_the_next_run_embeds_only_the_rest(tmp_path, page, monkeypatch):
    texts = long_documents()
    csv = tmp_path / "reports.csv"
    csv.write_text("text\n" + "\n".join(texts) + "\n", encoding="utf-8")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with running_server(data_dir) as url:
        page.goto(f"{url}/data")
        wait_for_app(page)
        page.locator("input[type='file']").set_input_files(str(csv))
        page.get_by_role("button", name="Use this corpus").click(timeout=120_000)
        page.get_by_text("Loaded reports.csv").first.wait_for(timeout=120_000)
        wait_for_app(page)
        page.get_by_role("link", name="Map").first.click()

        progress = page.get_by_text(re.compile(r"Embedding with .*: [\d,]+ of 1,200 new texts"))
        progress.wait_for(timeout=180_000)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # let a few batches finish first
            done = int(re.search(r": ([\d,]+) of", progress.inner_text()).group(1).replace(",", ""))
            if done >= 32:
                break
            page.wait_for_timeout(250)
        assert re.search(r"(a few seconds|about .*(s|min)) left", progress.inner_text())
        page.get_by_role("button", name="Stop embedding").click()

        message = page.get_by_text(re.compile(r"^Stopped after [\d,]+ of 1,200 new texts; they are kept"))
        message.wait_for(timeout=120_000)
        wait_for_app(page)
        no_exception_boxes(page)
        said = int(re.search(r"after ([\d,]+) of", message.inner_text()).group(1).replace(",", ""))
        # The batch under way when the button was pressed finishes and is saved too.
        page.wait_for_timeout(5_000)
        kept = stored_count(data_dir, texts, monkeypatch)
        assert 32 <= said <= kept < len(texts)

        page.get_by_role("button", name=re.compile(r"^Embed the remaining")).click()
        page.get_by_text(re.compile(rf"Embedding with .*: [\d,]+ of {len(texts) - kept:,} new texts")).wait_for(
            timeout=120_000)
        no_exception_boxes(page)
