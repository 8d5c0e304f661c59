"""The map's exports as an analyst opens them: the standalone HTML in Chromium fills the window and scrolls neither
way (its tooltip's topic is checked in tests/test_exports.py); the PNG is wider than tall, like the map on screen."""

import json
import struct

import pytest

from embdash.dataio import exports
from tests.test_exports import map_like_chart


@pytest.mark.parametrize("width, height", [(1400, 900), (1000, 700)])
def test_the_html_map_fills_the_window(tmp_path, browser, screenshots, width, height):
    path = tmp_path / "map.html"
    path.write_text(exports.chart_html(map_like_chart(), title="A map"), encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(path.as_uri())
        page.locator("#vis svg, #vis canvas").first.wait_for()
        page.wait_for_timeout(500)
        plot = page.evaluate("JSON.stringify(document.querySelector('#vis').getBoundingClientRect())")
        box = json.loads(plot)
        assert box["width"] >= 0.9 * width and box["height"] >= 0.8 * height, box
        overflow = page.evaluate("[document.documentElement.scrollWidth - innerWidth, "
                                 "document.documentElement.scrollHeight - innerHeight]")
        assert overflow[0] <= 0 and overflow[1] <= 0, overflow
        screenshots(page, f"map-html-{width}px")
    finally:
        page.close()


def test_the_png_is_wider_than_tall_at_each_width(tmp_path):
    for width in (1200, 2400):
        data = exports.chart_png(map_like_chart(), scale=1.0, width=width)
        png_width, png_height = struct.unpack(">II", data[16:24])
        assert width <= png_width and png_height < png_width
