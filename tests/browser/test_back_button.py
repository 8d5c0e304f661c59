"""The browser's Back button through a longer visit: a page comes back as it was left (the Search query too)."""

from urllib.parse import parse_qs, urlparse

from tests.browser.conftest import no_exception_boxes, wait_for_app


def go_to(page, title: str) -> None:
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=title, exact=True).click()
    wait_for_app(page)


def test_back_twice_returns_to_the_search_with_its_query(server, page, screenshots):
    page.goto(f"{server}/learn-use-cases")
    wait_for_app(page)
    go_to(page, "Search")
    box = page.locator("input[aria-label='Search for']")
    box.wait_for(timeout=240_000)
    box.fill("rockets and planets")
    box.press("Enter")
    wait_for_app(page)
    page.get_by_text("By meaning", exact=True).wait_for(timeout=240_000)
    go_to(page, "Classify")
    go_to(page, "Semantic similarity")

    page.go_back()
    wait_for_app(page)
    assert urlparse(page.url).path == "/classify"
    page.go_back()
    wait_for_app(page)
    page.get_by_text("By meaning", exact=True).wait_for(timeout=60_000)
    no_exception_boxes(page)
    assert urlparse(page.url).path == "/search"
    assert parse_qs(urlparse(page.url).query)["search.query"] == ["rockets and planets"]
    assert page.locator("input[aria-label='Search for']").input_value() == "rockets and planets"
    screenshots(page, "back-twice-to-search")

    box = page.locator("input[aria-label='Search for']")  # a query cleared by the visitor stays cleared
    box.fill("")
    box.press("Enter")
    wait_for_app(page)
    page.wait_for_timeout(1000)
    assert box.input_value() == "" and "search.query" not in parse_qs(urlparse(page.url).query)
