"""What a hostile visitor uses against a real server, shared by the browser tests that attack one: a browser
session whose id and XSRF cookie a raw HTTP client can reuse, raw upload PUTs, the server process's memory,
and the Data page's upload steps. Every request goes to 127.0.0.1 only."""

from __future__ import annotations

import csv
import http.client
import io
import re
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser.conftest import Server, no_exception_boxes, wait_for_app

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


def server_memory_mb(server: Server) -> dict[str, float]:
    """The server process's resident memory now (VmRSS) and at its peak (VmHWM), in MB."""
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return {name: int(re.search(rf"{name}:\s+(\d+) kB", status).group(1)) / 1024 for name in ("VmRSS", "VmHWM")}


def server_rss_mb(server: Server) -> float:
    return server_memory_mb(server)["VmRSS"]


def reset_peak_memory(server: Server) -> None:
    """Start the server's VmHWM afresh from its present resident memory (Linux: clear_refs 5)."""
    Path(f"/proc/{server.process.pid}/clear_refs").write_text("5")


# ---- the Data page's upload, step by step ------------------------------------------------------------


def stored_corpora(data_dir: Path) -> set[str]:
    folder = data_dir / "corpora"
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def open_data_page(page, url: str) -> None:
    page.goto(f"{url}/data")
    wait_for_app(page)  # a first visit stores the bundled sample: compare the corpora folder after this


def choose_file(page, path: Path) -> None:
    page.locator("input[type='file']").set_input_files(str(path))  # the caller waits for what follows


def upload(page, url: str, path: Path) -> None:
    open_data_page(page, url)
    choose_file(page, path)


def use_it(page) -> str:
    """Press "Use this corpus"; returns the stored corpus's key, from the URL."""
    page.get_by_role("button", name="Use this corpus").wait_for(timeout=120_000)
    page.get_by_role("button", name="Use this corpus").click()
    page.get_by_text(re.compile(r"^Loaded .*documents")).first.wait_for(timeout=120_000)
    wait_for_app(page)
    no_exception_boxes(page)
    return parse_qs(urlparse(page.url).query)["corpus"][0]


def go_to(page, link: str) -> None:
    page.get_by_role("link", name=link, exact=True).click()
    wait_for_app(page)


def downloaded_csv(page, button: str) -> list[list[str]]:
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    return list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))


def search(page, query: str) -> None:
    box = page.locator("input[aria-label='Search for']")
    box.wait_for(state="visible", timeout=240_000)
    box.fill(query)
    box.press("Enter")
    wait_for_app(page)
    page.get_by_text("By meaning", exact=True).wait_for(timeout=120_000)
    wait_for_app(page)
    no_exception_boxes(page)
