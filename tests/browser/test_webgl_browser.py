"""The WebGL map draws 200,000 points in a real Chromium, and a box selection comes back as rows."""

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, running_server
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]
APP = REPO / "tests" / "browser" / "apps" / "webgl_app.py"


@pytest.fixture(scope="module")
def webgl_server(private_data_dir):
    # A small app of its own: the real Map page would have to embed 200,000 texts first.
    with running_server(private_data_dir, env={"PYTHONPATH": str(REPO)}, entry=["-m", "streamlit", "run", str(APP)]) as url:
        yield url


def test_200k_points_draw_with_webgl_and_select(webgl_server, playwright):
    # A browser of its own from the session's Playwright (a second sync Playwright cannot start).
    # WebGL without a GPU: Chromium's software renderer (SwiftShader) must be allowed explicitly.
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=[a for a in CHROMIUM_ARGS if a != "--disable-gpu"] + ["--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
    )
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(webgl_server, timeout=120_000)
        page.wait_for_selector(".js-plotly-plot .gl-container canvas", timeout=180_000)
        assert page.evaluate("!!document.createElement('canvas').getContext('webgl')")
        page.wait_for_selector("text=selected rows: 0", timeout=120_000)
        box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
        # Switch to box select, then drag over the middle of the plot.
        page.locator(".modebar-btn[data-val='select']").first.click()
        x0, y0 = box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.4
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move(x0 + box["width"] * 0.1, y0 + box["height"] * 0.1, steps=8)
        page.mouse.up()
        page.wait_for_function(
            "() => [...document.querySelectorAll('pre, code, div')].some(e => /selected rows: [1-9]/.test(e.textContent))",
            timeout=120_000,
        )
    finally:
        browser.close()
