"""Uploads refused by the server itself, not only by hiding the upload box.

Streamlit takes a file from any live session at PUT <base>/_stcore/upload_file/<session id>/<file id> and
keeps it in memory. A read-only instance takes none; a password instance none from a session that has not
passed the gate (embdash.ui.gate). UploadGuard answers such a request 403 before reading its body, so
nothing is buffered or stored. It is ASGI middleware, run ahead of Streamlit's own: `install()` adds it to
the stack Streamlit builds when the server starts (embdash.ui.serve calls it).
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse

from embdash.config import ConfigError
from embdash.ui import gate, server_settings

READ_ONLY = "This instance is read-only: it takes no uploads."
NOT_ADMITTED = "Type the password first: this session may not upload."
BAD_SETTINGS = "The server's settings cannot be read: no uploads."


def upload_session(path: str) -> str | None:
    """The session id named by an upload path (any base URL before it), else None."""
    parts = path.rstrip("/").split("/")
    if len(parts) >= 4 and parts[-4:-2] == ["_stcore", "upload_file"]:
        return parts[-2]
    return None


def refusal(session_id: str) -> str | None:
    """Why this session may not upload now, or None if it may."""
    try:
        settings = server_settings.settings()
    except ConfigError:
        return BAD_SETTINGS  # fail closed
    if settings.read_only:
        return READ_ONLY
    if settings.password and not gate.has_passed(session_id):
        return NOT_ADMITTED
    return None


class UploadGuard:
    """ASGI middleware: a refused upload gets 403 and its body is never read."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] == "PUT":
            session_id = upload_session(scope["path"])
            if session_id is not None and (reason := refusal(session_id)):
                # Connection: close, so the server drops the unread body instead of reading it to reuse
                # the connection.
                response = PlainTextResponse(reason, status_code=403, headers={"Connection": "close"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


_installed = False


def install() -> None:
    """Put UploadGuard first in the middleware of every Streamlit server this process starts."""
    global _installed
    if _installed:
        return
    from starlette.middleware import Middleware
    from streamlit.web.server.starlette import starlette_app

    streamlit_middleware = starlette_app.create_streamlit_middleware

    def guarded_middleware():
        return [Middleware(UploadGuard), *streamlit_middleware()]

    starlette_app.create_streamlit_middleware = guarded_middleware
    _installed = True
