"""More of an analyst's pages in Chromium at desk and phone widths: the word map's labels in the page, Classify
opening with a prompt, and Compare's recommendation with the spreads it weighed."""

import pytest

from tests.browser.conftest import (
    no_exception_boxes,
    no_sideways_scroll,
    page_at_width,
    wait_for_app,
)


@pytest.mark.parametrize("width", [1400, 400])
def test_the_word_map_and_classify_read_at_each_width(server, browser, screenshots, width):
    with page_at_width(browser, width) as page:
        page.goto(f"{server}/learn-word-map")
        wait_for_app(page)
        chart = page.locator("[data-testid='stVegaLiteChart']").first
        chart.wait_for(timeout=240_000)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box["width"] <= width  # the map fits the window: labels placed for its width stay in it
        no_exception_boxes(page)
        no_sideways_scroll(page)
        screenshots(page, f"word-map-{width}px")

        page.goto(f"{server}/classify")
        wait_for_app(page)
        page.get_by_text("Type at least one example text for each of two labels").wait_for(timeout=240_000)
        assert page.locator("[data-testid='stAlertContentError']").count() == 0  # a prompt, not a red error
        no_sideways_scroll(page)
        screenshots(page, f"classify-first-visit-{width}px")


def test_compare_names_its_spreads(server, page, screenshots):
    page.goto(f"{server}/compare")
    wait_for_app(page)
    page.get_by_text("Recommendation", exact=True).wait_for(timeout=600_000)
    wait_for_app(page, 600_000)
    no_exception_boxes(page)
    advice = page.locator("[data-testid='stAlertContentInfo']").first.inner_text()
    assert "separates your labels best" in advice or "No clear difference" in advice or "No single best" in advice
    page.get_by_text("± (folds)").first.wait_for(state="attached")  # the spread the recommendation weighed is on the page
    screenshots(page, "compare-recommendation")
