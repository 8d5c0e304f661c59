"""The gate against a real server (`embdash serve` on loopback) attacked as a visitor would: raw HTTP PUTs to
Streamlit's upload endpoint with a real session id and XSRF token, taken from a page Chromium opened, and
wrong passwords typed in a real browser. Every loop is bounded; nothing leaves 127.0.0.1."""

import re
import time

from tests.browser.attacks import PASSWORD, Visitor, put_file, server_rss_mb
from tests.browser.conftest import running_server, wait_for_app
from tests.conftest import REPO


def test_a_read_only_server_refuses_raw_uploads_and_keeps_no_memory(tmp_path, page):
    with running_server(tmp_path, env={"EMBDASH_READ_ONLY": "1"}) as url:
        visitor = Visitor(page, url)
        status, body = put_file(url, visitor.session_id, visitor.xsrf, 10_000)
        assert status == 403 and "read-only" in body
        before = server_rss_mb(url)
        outcomes = [put_file(url, visitor.session_id, visitor.xsrf, 20 * 1024**2)[0] for _ in range(10)]
        grown = server_rss_mb(url) - before
        # 200 MB sent; each refused before its body is read (403, or the connection closed under the sender).
        assert set(outcomes) <= {403, None}, outcomes
        assert grown < 40, f"server memory grew by {grown:.0f} MB"


def test_uploads_wait_for_the_password_and_follow_the_upload_limit(tmp_path, browser):
    env = {"EMBDASH_PASSWORD": PASSWORD, "EMBDASH_MAX_UPLOAD_MB": "1"}
    with running_server(tmp_path, env=env) as url:
        member_context, stranger_context = browser.new_context(), browser.new_context()
        try:
            member = Visitor(member_context.new_page(), url)
            stranger = Visitor(stranger_context.new_page(), url)
            # Before the password: refused, and the server holds nothing more after 10 x 5 MB.
            status, body = put_file(url, member.session_id, member.xsrf, 10_000)
            assert status == 403 and "password" in body
            before = server_rss_mb(url)
            outcomes = [put_file(url, stranger.session_id, stranger.xsrf, 5 * 1024**2)[0] for _ in range(10)]
            assert set(outcomes) <= {403, None}, outcomes
            assert server_rss_mb(url) - before < 30
            # After it: the same request is accepted, for that session only.
            member.type_password(PASSWORD)
            assert member.page.get_by_role("heading", name="Your corpus").count() == 1
            assert put_file(url, member.session_id, member.xsrf, 10_000)[0] == 204
            assert put_file(url, stranger.session_id, stranger.xsrf, 10_000)[0] == 403
            # Streamlit's own cap is EMBDASH_MAX_UPLOAD_MB (1 MB here), not its default 200 MB.
            assert put_file(url, member.session_id, member.xsrf, 900_000)[0] == 204
            assert put_file(url, member.session_id, member.xsrf, 1024**2 + 1)[0] in {413, None}
        finally:
            member_context.close()
            stranger_context.close()


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


def test_wrong_passwords_in_a_browser_wait_longer_then_lock_out_that_client_only(tmp_path, browser):
    env = {"EMBDASH_PASSWORD": PASSWORD, "EMBDASH_LOGIN_LOCKOUT_AFTER": "3",
           "EMBDASH_CLIENT_IP_HEADER": "X-Forwarded-For"}
    with running_server(tmp_path, env=env) as url:
        # Behind a proxy that names the visitor in X-Forwarded-For (the last entry is the proxy's own).
        attacker_context = browser.new_context(extra_http_headers={"X-Forwarded-For": "10.9.9.9, 198.51.100.7"})
        visitor_context = browser.new_context(extra_http_headers={"X-Forwarded-For": "203.0.113.5"})
        try:
            attacker = Visitor(attacker_context.new_page(), url)
            attacker.type_password("guess-1")
            assert attacker.error() == "That is not the password. Try again in 1 s."
            time.sleep(1.1)
            attacker.type_password("guess-2")
            # The page counts down from the failure: a slow rerun may already show one second less.
            assert re.fullmatch(r"That is not the password\. Try again in [12] s\.", attacker.error())
            time.sleep(2.1)
            attacker.type_password("guess-3")
            assert attacker.error() == "Too many wrong passwords from your address: try again in 15 min."
            attacker.page.reload()  # a new session from the same address is still locked out
            attacker.page.locator("input[type=password]").wait_for(timeout=60_000)
            wait_for_app(attacker.page)
            attacker.type_password(PASSWORD)
            assert attacker.page.get_by_role("heading", name="Your corpus").count() == 0
            assert "try again in 15 min" in attacker.error()

            visitor = Visitor(visitor_context.new_page(), url)  # another address is not
            visitor.type_password(PASSWORD)
            assert visitor.page.get_by_role("heading", name="Your corpus").count() == 1
        finally:
            attacker_context.close()
            visitor_context.close()
        log = url.log()
        failures = re.findall(r"wrong password from client (\S+) \((\d+) in a row\); next attempt checked in (\d+) s", log)
        assert failures == [("198.51.100.7", "1", "1"), ("198.51.100.7", "2", "2"), ("198.51.100.7", "3", "900")]
        assert "guess-" not in log and PASSWORD not in log
