"""The gate against a real server (`embdash serve` on loopback): every deep link, whatever it carries, shows
only the password box. The attacks on the gate (raw uploads before the password, guessing it) are in
tests/browser/test_public_attacks.py."""

import re

from tests.browser.attacks import PASSWORD
from tests.browser.conftest import running_server, wait_for_app
from tests.conftest import REPO


def url_paths() -> list[str]:
    """Every page's deep link, as the router declares it."""
    return re.findall(r'url_path="([^"]+)"', (REPO / "streamlit_app.py").read_text())


def test_every_deep_link_shows_only_the_gate(tmp_path, page):
    with running_server(tmp_path, env={"EMBDASH_PASSWORD": PASSWORD}) as url:
        paths = url_paths()
        assert len(paths) >= 13
        for path in paths:
            page.goto(f"{url}/{path}?corpus=0123456789abcdef&q=anything")
            page.locator("input[type=password]").wait_for(timeout=120_000)
            wait_for_app(page)
            assert page.locator("h1").all_inner_texts() == ["embdash"], path
            assert page.get_by_text("documents").count() == 0, path  # not even the sidebar's corpus
            assert page.locator("input[type='file']").count() == 0, path
