"""A real `streamlit run` server on a free loopback port, and Debian's Chromium driven by Playwright."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import NUMBA_CACHE, REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# How scripts/start.sh starts the dashboard, and how Community Cloud does (plain `streamlit run`).
SERVE = ["-m", "embdash.ui.serve"]
PLAIN_STREAMLIT_RUN = ["-m", "streamlit", "run", "streamlit_app.py"]


class Server(str):
    """A running server's URL (a plain str to every caller), with its process and log file: `process.pid`
    for its memory in /proc, `log_path` for what it printed."""

    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def running_server(data_dir: Path, env: dict[str, str] | None = None, entry: list[str] = SERVE, repo: Path = REPO):
    """The dashboard as scripts/start.sh starts it, headless on a free loopback port.

    `env` adds settings (e.g. EMBDASH_READ_ONLY); `entry` chooses how Streamlit is started; `repo` is the checkout
    whose code is served (a benchmark may compare another commit's). Yields the URL, as a Server (a str).
    """
    port = free_port()
    if NUMBA_CACHE.is_dir():
        # The app keeps UMAP's compiled code in <data dir>/numba-cache: seeded from the tests' own, a new
        # server skips a 20-60 s compile that no browser test is about.
        shutil.copytree(NUMBA_CACHE, data_dir / "numba-cache", dirs_exist_ok=True)
    env = {**os.environ, "EMBDASH_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", **(env or {})}
    log_path = data_dir / f"server-{port}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, *entry, "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = Server(f"http://127.0.0.1:{port}")
    url.process, url.log_path = process, log_path
    deadline = time.monotonic() + 120  # a loaded CI machine can take a while to import everything
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("streamlit did not start: " + log_path.read_text()[-2000:])
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # busy in a long computation on a loaded machine
            process.kill()
            process.wait(timeout=20)


@pytest.fixture(scope="session")
def server(private_data_dir):
    with running_server(private_data_dir) as url:
        yield url


@pytest.fixture(scope="session")
def playwright():
    """One Playwright for the session: its sync API refuses a second one while another is open."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (scripts/install.sh --dev installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def wait_for_app(page, timeout_ms: int = 240_000) -> None:
    """Wait until the script has finished running (Streamlit marks it on the app root)."""
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=timeout_ms, state="attached")
    # A rerun may start right after the first run ends (e.g. a widget settles); wait for quiet.
    page.wait_for_timeout(500)
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=timeout_ms, state="attached")


@contextmanager
def page_at_width(browser, width: int, height: int = 1000):
    """A page in a browser context of its own, `width` pixels wide (1,400: a laptop; 400: a phone)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        yield context.new_page()
    finally:
        context.close()


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"


def no_exception_boxes(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator("[data-testid='stException']").first.inner_text()


def no_script_ran(page) -> None:
    """The hostile fixtures' markup (tests/hostile_inputs.py MARKUP_TEXTS) sets this global if it ever runs."""
    assert page.evaluate("typeof window.__embdash_xss") == "undefined"


_screenshot_folder: list[Path] = []  # set once per session, reported at the end


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory):
    """save(page, name): a PNG of the visible page in a per-session folder, named in the test summary."""
    folder = tmp_path_factory.mktemp("screenshots")
    _screenshot_folder.append(folder)

    def save(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return save


def pytest_terminal_summary(terminalreporter):
    for folder in _screenshot_folder:
        terminalreporter.write_line(f"browser screenshots: {folder}")


def drag_box(page, chart, left: float, top: float, right: float, bottom: float) -> dict:
    """Drag a selection box over an Altair chart's plot area, corners given as fractions of it; returns the
    box in page pixels. The chart is scrolled into view first: a drag outside the viewport sends nothing."""
    chart.scroll_into_view_if_needed()
    plot = chart.locator("path.background").first.bounding_box()
    box = {
        "left": plot["x"] + plot["width"] * left, "top": plot["y"] + plot["height"] * top,
        "right": plot["x"] + plot["width"] * right, "bottom": plot["y"] + plot["height"] * bottom,
    }
    page.mouse.move(box["left"], box["top"])
    page.mouse.down()
    page.mouse.move(box["right"], box["bottom"], steps=10)
    page.mouse.up()
    return box


def pytest_collection_modifyitems(items):
    # Every test in this folder drives Chromium: marked here, so a new module cannot miss the marker.
    folder = Path(__file__).parent
    for item in items:
        if folder in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
