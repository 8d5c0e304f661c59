"""The gate against a real server (`embdash serve` on loopback): every deep link, whatever it carries, shows
only the password box. The attacks on the gate (raw uploads before the password, guessing it) are in
tests/browser/test_public_attacks.py."""

import re

from tests.browser.attacks import PASSWORD, Visitor, put_file
from tests.browser.conftest import PLAIN_STREAMLIT_RUN, running_server, wait_for_app
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


def test_under_plain_streamlit_run_a_read_only_instance_refuses_uploads_too(tmp_path, browser):
    # Streamlit Community Cloud starts `streamlit run`: no upload guard, only the options the app sets itself.
    outcomes = {}
    for name, env in [("private", {}), ("read-only", {"EMBDASH_READ_ONLY": "1"})]:
        (tmp_path / name).mkdir()
        context = browser.new_context()
        with running_server(tmp_path / name, env=env, entry=PLAIN_STREAMLIT_RUN) as url:
            visitor = Visitor(context.new_page(), url, path="/learn-use-cases")  # a light page: no model
            outcomes[name] = put_file(url, visitor.session_id, visitor.xsrf, 2 * 1024**2)[0]
        context.close()
    # The same raw upload: taken by a private instance (so the attack is real), refused by the read-only one's
    # 0 MB cap from its Content-Length, before the body is read.
    assert outcomes == {"private": 204, "read-only": 413}
