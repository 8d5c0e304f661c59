"""The topic controls in a real Chromium against a real server, on the bundled sample corpus: a click on the
topic tree picks its documents on the map, and a rename travels in the link (to a session that has no stored
edits)."""

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import no_exception_boxes, running_server, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server_and_data(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("topics-data")
    with running_server(data_dir) as url:
        yield url, data_dir


def open_map(page, url: str) -> None:
    page.goto(url)
    page.locator("h1").first.wait_for(timeout=240_000)
    wait_for_app(page)
    no_exception_boxes(page)


def test_a_click_on_the_topic_tree_selects_its_documents(server_and_data, page, screenshots):
    url, _ = server_and_data
    open_map(page, f"{url}/?map.n_topics=3")
    page.get_by_text("Select points on the map to list them here.").wait_for()
    tree = page.locator("[data-testid='stVegaLiteChart']").nth(1)  # the map first, then the tree
    tree.scroll_into_view_if_needed()
    box = tree.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)  # a block low in the tree
    wait_for_app(page)
    no_exception_boxes(page)
    caption = page.get_by_text(re.compile(r"^[\d,]+ selected, in \d+ topics?:"))
    caption.wait_for(timeout=60_000)
    assert int(caption.inner_text().split()[0].replace(",", "")) > 0
    page.get_by_text("Map of the corpus", exact=True).scroll_into_view_if_needed()
    screenshots(page, "topic-tree-click")


def test_a_rename_travels_in_the_link(server_and_data, browser, page, screenshots):
    url, data_dir = server_and_data
    open_map(page, url)
    page.get_by_text("Edit topics (rename, merge, split)").click()
    page.get_by_label("New name", exact=True).fill("Named in the browser")
    page.get_by_role("button", name="Rename").click()
    wait_for_app(page)
    no_exception_boxes(page)
    page.wait_for_function("() => window.location.href.includes('map.topic_edits')", timeout=30_000)
    link = page.url
    assert "Named in the browser" in parse_qs(urlparse(link).query)["map.topic_edits"][0]
    screenshots(page, "topic-renamed")

    stored = list((data_dir / "artefacts" / "topic-edits").glob("*.json"))
    assert stored, "the rename was not kept in the data folder"
    for path in stored:
        path.unlink()  # only the link can carry the rename now
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_map(other, link)
    other.get_by_text("Named in the browser").first.wait_for(timeout=60_000)
    other.context.close()
