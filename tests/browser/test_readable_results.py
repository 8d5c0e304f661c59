"""Results read at a desk and on a phone: the Search page at 1,400 and 400 px wide, in Chromium on a real server."""

import pytest

from tests.browser.conftest import (
    no_exception_boxes,
    no_sideways_scroll,
    page_at_width,
    wait_for_app,
)

QUERY = "telescope pictures of distant galaxies"


@pytest.mark.parametrize("width", [1400, 400])
def test_search_results_wrap_their_text_and_never_scroll_sideways(server, browser, screenshots, width):
    with page_at_width(browser, width) as page:
        page.goto(f"{server}/search?search.query={QUERY.replace(' ', '+')}&search.show_map=false")
        wait_for_app(page)
        page.get_by_text("By meaning", exact=True).wait_for(timeout=240_000)
        no_exception_boxes(page)
        first = page.locator("[class*='st-key-search-result-0']")
        first.scroll_into_view_if_needed()
        # The whole first text is on the page, wrapped inside its box, not cut to a table cell's width.
        box = first.bounding_box()
        assert box["width"] <= width and box["height"] > 60
        assert "similarity" in first.inner_text() and ("BM25 rank" in first.inner_text()
                                                       or "found only by meaning" in first.inner_text())
        no_sideways_scroll(page)
        screenshots(page, f"search-results-{width}px")


def test_every_page_is_in_sight_in_the_navigation(server, page):
    page.goto(f"{server}/learn")
    wait_for_app(page)
    navigation = page.locator("[data-testid='stSidebarNav']")
    for title in ["Map", "Data", "Compare models", "Search", "Classify", "RAG prompt", "What an embedding is",
                  "Semantic similarity", "Vector arithmetic", "Word map", "The embedding layer",
                  "Dimensions and models", "Use cases"]:
        assert navigation.get_by_role("link", name=title, exact=True).is_visible(), title
    assert navigation.get_by_text("View 3 more").count() == 0
