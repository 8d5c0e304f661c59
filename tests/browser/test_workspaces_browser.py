"""Named workspaces in a real browser: saved under a name, listed in the same browser after a reload, reopened
with a click (page, corpus, model and settings as saved), and never listed to another visitor."""

from urllib.parse import parse_qs, urlparse

from tests.browser.conftest import no_exception_boxes, wait_for_app


def workspace_frame(page):
    """The sidebar's workspaces frame (a same-origin iframe, found by its name box)."""
    for frame in page.frames:
        if frame.locator("#name[aria-label='Workspace name']").count():
            return frame
    raise AssertionError("no workspaces box in the sidebar")


def test_a_saved_workspace_reopens_the_view_and_stays_in_its_browser(server, browser, screenshots):
    mine = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = mine.new_page()
    page.goto(f"{server}/search?search.query=rockets+and+planets&search.k=7&search.show_map=false")
    wait_for_app(page)
    page.get_by_text("By meaning", exact=True).wait_for(timeout=240_000)
    saved_url = page.url
    frame = workspace_frame(page)
    frame.locator("#name").fill("<b>Space</b> notes")  # markup in a name stays text
    frame.locator("#save").click()
    assert frame.locator("#list a").first.inner_text() == "<b>Space</b> notes"
    assert frame.locator("#list b").count() == 0

    page.goto(f"{server}/learn")  # elsewhere, then back through the list
    wait_for_app(page)
    frame = workspace_frame(page)
    link = frame.locator("#list a", has_text="<b>Space</b> notes")
    link.wait_for()
    screenshots(page, "workspaces-listed")
    link.click()
    page.wait_for_url("**/search?**")
    wait_for_app(page)
    no_exception_boxes(page)
    opened = parse_qs(urlparse(page.url).query)
    assert opened["search.query"] == ["rockets and planets"] and opened["search.k"] == ["7"]
    assert opened["corpus"] == parse_qs(urlparse(saved_url).query)["corpus"]
    assert page.locator("input[aria-label='Search for']").input_value() == "rockets and planets"

    frame = workspace_frame(page)
    frame.get_by_role("button", name="Remove <b>Space</b> notes").click()
    assert frame.locator("#list a").count() == 0
    mine.close()


def test_another_visitor_sees_none_of_them(server, browser):
    first = browser.new_context()
    page = first.new_page()
    page.goto(f"{server}/learn")
    wait_for_app(page)
    frame = workspace_frame(page)
    frame.locator("#name").fill("private view")
    frame.locator("#save").click()
    assert frame.locator("#list a").count() == 1
    first.close()

    other = browser.new_context().new_page()
    other.goto(f"{server}/learn")
    wait_for_app(other)
    frame = workspace_frame(other)
    assert frame.locator("#list a").count() == 0 and frame.locator("#empty").is_visible()
    other.context.close()
