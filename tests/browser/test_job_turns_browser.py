"""Visitors taking turns on a real server with one job slot (EMBDASH_MAX_JOBS=1): while one visitor's long
embedding runs, the others see their place in line, updated as it changes; Cancel leaves the line; and closing the
long job's tab stops it, so the next in line starts instead of waiting for the job's end."""

import re
import time

import pytest

from embdash.dataio.store import Store
from embdash.hashing import text_hash
from embdash.learn import words
from embdash.models.catalogue import DEFAULT_MODEL_ID, expected_cache_key
from tests.browser.conftest import no_exception_boxes, running_server, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # ~1-2 min on a shared 2-core machine

LONG_JOB = 50_000  # words on the Vector arithmetic page: about a minute of embedding on 2 cores


def stored_words(data_dir, n: int, monkeypatch) -> int:
    # The key the server's model has: its precision check (bf16 on a CPU that has it) is kept in its data folder.
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(data_dir))
    key = expected_cache_key(DEFAULT_MODEL_ID)
    _, found = Store(data_dir).load_vectors(key, [text_hash(w) for w in words.vocabulary(n)])
    return int(found.sum())


def place_text(page, place: int, of: int):
    return page.get_by_text(re.compile(rf"^Waiting for a turn: place {place} of {of} in line"))


def test_waiting_visitors_see_their_place_can_cancel_and_a_closed_tab_gives_its_turn_up(tmp_path, browser, monkeypatch, screenshots):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with running_server(data_dir, env={"EMBDASH_MAX_JOBS": "1"}) as url:
        tabs = {name: browser.new_context(viewport={"width": 1400, "height": 1000}) for name in "abc"}
        a, b, c = (tabs[name].new_page() for name in "abc")
        try:
            a.goto(f"{url}/learn-arithmetic?arithmetic.sentence_vocabulary={LONG_JOB}")
            progress = a.get_by_text(re.compile(rf"Embedding with .*: [\d,]+ of {LONG_JOB:,} new words"))
            progress.wait_for(timeout=180_000)

            b.goto(f"{url}/search?search.query=football&search.show_map=false")
            place_text(b, 1, 1).wait_for(timeout=60_000)
            b.get_by_role("button", name="Cancel").wait_for(timeout=10_000)
            screenshots(b, "job-waiting-for-a-turn")
            c.goto(f"{url}/search?search.query=bread&search.show_map=false")
            place_text(c, 2, 2).wait_for(timeout=60_000)
            place_text(b, 1, 2).wait_for(timeout=10_000)  # b's notice follows the line

            b.get_by_role("button", name="Cancel").click()
            b.get_by_text("Cancelled: none of the 480 new texts were embedded.").wait_for(timeout=30_000)
            place_text(c, 1, 1).wait_for(timeout=10_000)  # c moved up
            no_exception_boxes(b)

            done = int(re.search(r": ([\d,]+) of", progress.inner_text()).group(1).replace(",", ""))
            assert done < LONG_JOB // 2, "the long job ran too fast for this test to tell anything"
            tabs["a"].close()  # the long job's visitor closes the tab
            closed = time.monotonic()
            c.get_by_text(re.compile(r"Embedding with .*: [\d,]+ of 480 new texts|Embedded 480 new texts")).first.wait_for(
                timeout=60_000)
            waited = time.monotonic() - closed
            wait_for_app(c)
            assert c.locator("[class*='st-key-search-result-0']").count() == 1  # c's search results
            no_exception_boxes(c)
            kept = stored_words(data_dir, LONG_JOB, monkeypatch)
            assert done <= kept < LONG_JOB  # stopped, its batches done kept, not run to its end
            print(f"c started {waited:.1f} s after a's tab closed; a had embedded {kept:,} of {LONG_JOB:,} words")

            b.get_by_role("button", name="Embed the 480 texts").click()
            b.locator("[class*='st-key-search-result-0']").wait_for(timeout=60_000)  # b's search results
            wait_for_app(b)
            no_exception_boxes(b)
        finally:
            for context in tabs.values():
                context.close()
