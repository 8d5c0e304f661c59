"""The flows that matter, in a real browser against a real server."""

import pytest

from tests.browser.conftest import (
    ARTIFACTS,
    no_exception_boxes,
    running_server,
    wait_for_app,
)

pytestmark = pytest.mark.browser


def test_a_deep_link_is_the_first_request_of_a_fresh_server(private_data_dir, page):
    # The page must open on a server's very first request, not answer "Page not found".
    with running_server(private_data_dir) as url:
        page.goto(f"{url}/data")
        page.get_by_role("heading", name="Your corpus").wait_for(timeout=120_000)
        wait_for_app(page)
        assert page.get_by_text("Page not found").count() == 0
        assert not page.evaluate("!!document.querySelector('#root[inert]')")
        no_exception_boxes(page)


def test_first_visit_draws_the_sample_map(server, page):
    page.goto(server)
    wait_for_app(page)
    page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg", timeout=60_000)
    no_exception_boxes(page)
    assert page.get_by_text("Trustworthiness (2-D)").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=False)


def test_deep_link_to_the_data_page(server, page):
    page.goto(f"{server}/data")
    wait_for_app(page)
    no_exception_boxes(page)
    assert page.get_by_role("heading", name="Your corpus").count() == 1
    page.screenshot(path=str(ARTIFACTS / "data.png"), full_page=False)


def test_upload_through_the_browser(server, page, tmp_path):
    csv = tmp_path / "notes.csv"
    csv.write_text("note,team\nThe build failed again on the release branch.,eng\nLunch order for Friday: pizza.,ops\n<script>window.__pwned = 1</script>,eng\n", encoding="utf-8")
    page.goto(f"{server}/data")
    wait_for_app(page)
    page.locator("input[type='file']").set_input_files(str(csv))
    page.get_by_role("button", name="Use this corpus").wait_for(timeout=120_000)
    page.get_by_role("button", name="Use this corpus").click()
    # The click stores the corpus and reruns the app once more; wait for the message of that second run.
    page.get_by_text("Loaded notes.csv").first.wait_for(timeout=120_000)
    wait_for_app(page)
    no_exception_boxes(page)
    assert page.evaluate("window.__pwned") is None  # user text is shown as text, never run


def test_search_by_deep_link(server, page):
    page.goto(f"{server}/search")
    wait_for_app(page)
    box = page.locator("input[aria-label='Search for']")
    box.wait_for(state="visible", timeout=240_000)  # a fresh server first loads the model and embeds
    box.fill("telescope pictures of distant galaxies")
    box.press("Enter")
    wait_for_app(page)
    no_exception_boxes(page)
    assert page.get_by_text("By meaning").count() >= 1
    assert page.get_by_text("In both lists").count() == 1
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=False)
