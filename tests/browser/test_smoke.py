"""The flows that matter, in a real browser against a real server."""

import pytest

from tests.browser.conftest import ARTIFACTS, no_exception_boxes, wait_for_app

pytestmark = pytest.mark.browser


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
    wait_for_app(page)
    page.get_by_role("button", name="Use this corpus").click()
    wait_for_app(page)
    no_exception_boxes(page)
    assert page.get_by_text("Loaded notes.csv").count() >= 1
    assert page.evaluate("window.__pwned") is None  # user text is shown as text, never run
