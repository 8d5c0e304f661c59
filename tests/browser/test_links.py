"""A shared link reproduces the view: set parameters in one browser, copy the link, open it in a fresh
browser context, and find the same corpus, parameter values and result rows."""

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import no_exception_boxes, wait_for_app

pytestmark = pytest.mark.browser

NOTES = [
    ("The build failed again on the release branch.", "eng"), ("Lunch order for Friday: pizza.", "ops"),
    ("Deploy the hotfix before the weekend.", "eng"), ("The coffee machine on floor two is broken.", "ops"),
    ("Unit tests time out on the CI runners.", "eng"), ("Book the meeting room for the offsite.", "ops"),
    ("=HYPERLINK(\"http://example.invalid\",\"click\")", "eng"), ("Rotate the database credentials.", "eng"),
]


def slider_value(page, label: str) -> str:
    slider = page.locator("[data-testid='stSlider']").filter(has_text=label)
    return slider.locator("[data-testid='stSliderThumbValue']").inner_text().strip()


def hits_csv(page) -> list[dict]:
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the hits (CSV)").click()
    return list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))


def copied_link(page) -> str:
    frame = page.frame_locator("iframe[srcdoc*='Copy link']")
    frame.get_by_role("button", name="Copy link").click()
    frame.get_by_role("button", name="Copied").wait_for(timeout=5_000)
    clipboard = page.evaluate("navigator.clipboard.readText()")
    assert clipboard == frame.locator("#link").input_value() == page.url
    return clipboard


def test_a_copied_link_opens_the_same_view_in_a_fresh_browser(server, browser, tmp_path):
    notes = tmp_path / "team-notes.csv"
    with open(notes, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["note", "team"])
        writer.writerows(NOTES)

    sender = browser.new_context(viewport={"width": 1400, "height": 1000})
    sender.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = sender.new_page()
    page.goto(f"{server}/data")
    wait_for_app(page)
    page.locator("input[type='file']").set_input_files(str(notes))
    page.get_by_role("button", name="Use this corpus").click()
    page.get_by_text("Loaded team-notes.csv").first.wait_for(timeout=120_000)
    wait_for_app(page)
    corpus_key = parse_qs(urlparse(page.url).query)["corpus"][0]
    assert re.fullmatch(r"[0-9a-f]{16}", corpus_key)

    # To Search through the sidebar: the corpus must survive the page switch.
    page.get_by_role("link", name="Search").click()
    wait_for_app(page)
    box = page.locator("input[aria-label='Search for']")
    box.wait_for(state="visible", timeout=240_000)
    page.get_by_text("Show the hits on the map").click()  # off: no map needed here
    wait_for_app(page)
    box.fill("continuous integration problems")
    box.press("Enter")
    wait_for_app(page)
    page.get_by_role("slider", name="Number of results").focus()
    for _ in range(5):  # k from 10 to 5: fewer than the 8 notes, so the cut shows in the rows
        page.keyboard.press("ArrowLeft")
    wait_for_app(page)
    page.wait_for_timeout(500)
    wait_for_app(page)
    no_exception_boxes(page)
    assert slider_value(page, "Number of results") == "5"
    params = parse_qs(urlparse(page.url).query)
    assert params["corpus"] == [corpus_key]
    assert params["search.query"] == ["continuous integration problems"]
    assert params["search.k"] == ["5"]
    assert params["search.show_map"] == ["false"]
    sent_rows = hits_csv(page)
    assert len(sent_rows) == 5
    link = copied_link(page)

    # Page switches keep the parameters: away to Data and back.
    page.get_by_role("link", name="Data").click()
    wait_for_app(page)
    assert parse_qs(urlparse(page.url).query)["corpus"] == [corpus_key]
    page.get_by_role("link", name="Search").click()
    wait_for_app(page)
    assert page.locator("input[aria-label='Search for']").input_value() == "continuous integration problems"
    assert slider_value(page, "Number of results") == "5"
    sender.close()

    receiver = browser.new_context(viewport={"width": 1400, "height": 1000})  # a colleague: nothing shared
    other = receiver.new_page()
    other.goto(link)
    wait_for_app(other)
    other.locator("input[aria-label='Search for']").wait_for(state="visible", timeout=240_000)
    wait_for_app(other)
    no_exception_boxes(other)
    assert other.locator("input[aria-label='Search for']").input_value() == "continuous integration problems"
    assert slider_value(other, "Number of results") == "5"
    assert other.get_by_text("team-notes.csv").count() >= 1  # the sender's corpus, by its key
    assert hits_csv(other) == sent_rows  # the same rows, in the same order, with the same scores
    assert not any(cell.startswith("=") for row in sent_rows for cell in row.values())  # formulas neutralised
    receiver.close()
