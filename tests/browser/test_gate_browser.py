"""The gate against a real server (`embdash serve` on loopback) attacked as a visitor would: raw HTTP PUTs to
Streamlit's upload endpoint with a real session id and XSRF token, taken from a page Chromium opened, and
wrong passwords typed in a real browser. Every loop is bounded; nothing leaves 127.0.0.1."""

import http.client
import re
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser.conftest import PLAIN_STREAMLIT_RUN, running_server, wait_for_app
from tests.conftest import REPO

PASSWORD = "correct horse battery staple"
XSRF_COOKIE = "_streamlit_xsrf"


class Visitor:
    """A browser session on the server: its session id (from the websocket's first message) and XSRF cookie."""

    def __init__(self, page, url: str, path: str = "/data"):
        self.page, self.url = page, url
        self.session_ids: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._read_frame))
        page.goto(url + path)  # a deep link: behind the gate like every page, and quick once through
        page.locator("h1").first.wait_for(timeout=240_000)
        wait_for_app(page)
        assert self.session_ids, "the page's websocket announced no session"

    def _read_frame(self, payload) -> None:
        if isinstance(payload, str):
            return
        message = ForwardMsg()
        message.ParseFromString(payload)
        if message.WhichOneof("type") == "new_session":
            self.session_ids.append(message.new_session.initialize.session_id)

    @property
    def session_id(self) -> str:
        return self.session_ids[-1]

    @property
    def xsrf(self) -> str:
        return next(c["value"] for c in self.page.context.cookies() if c["name"] == XSRF_COOKIE)

    def type_password(self, text: str) -> None:
        box = self.page.locator("input[type=password]")
        box.fill(text)
        box.press("Enter")
        self.page.wait_for_timeout(300)
        wait_for_app(self.page)

    def error(self) -> str:
        alerts = self.page.locator("[data-testid='stAlertContentError']")
        return alerts.first.inner_text() if alerts.count() else ""


def multipart(size: int) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"corpus.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()
    return head + b"x" * size + f"\r\n--{boundary}--\r\n".encode(), boundary


def put_file(url: str, session_id: str, xsrf: str, size: int) -> tuple[int | None, str]:
    """PUT a file of `size` bytes as Streamlit's upload widget does; (status, body), or (None, why) when the
    server closed the connection before the client had sent the whole body."""
    body, boundary = multipart(size)
    address = urlparse(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.request("PUT", f"/_stcore/upload_file/{session_id}/{uuid.uuid4()}", body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": xsrf, "Cookie": f"{XSRF_COOKIE}={xsrf}",
        })
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    except (BrokenPipeError, ConnectionResetError) as error:
        return None, type(error).__name__
    finally:
        connection.close()


def server_rss_mb(url: str) -> float:
    """The resident memory of the server listening on this URL's port (found by its command line)."""
    port = str(urlparse(url).port)
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--server.port" in args and args[args.index(b"--server.port") + 1].decode() == port:
            status = (cmdline.parent / "status").read_text()
            return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
    raise AssertionError(f"no server process on port {port}")


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
        log = next(tmp_path.glob("server-*.log")).read_text()
        failures = re.findall(r"wrong password from client (\S+) \((\d+) in a row\); next attempt checked in (\d+) s", log)
        assert failures == [("198.51.100.7", "1", "1"), ("198.51.100.7", "2", "2"), ("198.51.100.7", "3", "900")]
        assert "guess-" not in log and PASSWORD not in log
