"""The WebGL map draws 200,000 points in a real Chromium, and a box selection comes back as rows."""

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, free_port
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]
APP = REPO / "tests" / "browser" / "apps" / "bigmap_app.py"


@pytest.fixture(scope="module")
def bigmap_server(private_data_dir):
    port = free_port()
    log_path = private_data_dir / f"bigmap-server-{port}.log"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("streamlit did not start: " + log_path.read_text()[-2000:])
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_200k_points_draw_with_webgl_and_select(bigmap_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # WebGL without a GPU: Chromium's software renderer (SwiftShader) must be allowed explicitly.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=[a for a in CHROMIUM_ARGS if a != "--disable-gpu"] + ["--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(bigmap_server, timeout=120_000)
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
        browser.close()
