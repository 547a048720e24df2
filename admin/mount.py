"""Mounting the admin panel under /admin in the Litestar app."""

from __future__ import annotations

from litestar import Litestar, asgi
from litestar.types import Message, Receive, Scope, Send

from admin.access import AdminAccess
from admin.inputs import FormBodies
from admin.panel import ADMIN, PANEL_TABLES
from admin.queries_check import QueryCheck
from admin.readable import Readable
from grants.core.auth import SESSION_COOKIE, delegated, session_cookie

# Who may ask first (401/403 for the rest), then piccolo's answers made readable (labels in the
# reader's language, euros, Riga time), then whether piccolo can answer the question at all.
_PANEL = AdminAccess(Readable(QueryCheck(FormBodies(ADMIN), PANEL_TABLES), PANEL_TABLES))
_SESSION_PREFIX = SESSION_COOKIE.encode() + b"="


def _site_session_cookie(value: bytes, secure: bool) -> bytes | None:
    """The site's Set-Cookie for the session a panel login started (None for any other cookie).

    piccolo_api gives its session cookie a Max-Age of the session's longest life; the site's ends
    with the browser session. One cookie serves both, so it is set the same way whoever logs in.
    """
    if not value.startswith(_SESSION_PREFIX):
        return None
    token = value[len(_SESSION_PREFIX) :].split(b";", 1)[0].strip().strip(b'"')
    if not token:
        return None  # the logout's deletion, kept as it is
    return session_cookie(token.decode("latin-1"), secure=secure).to_encoded_header()[1]


@asgi("/admin/data", is_mount=True, guards=[delegated], copy_scope=True)
async def admin_mount(scope: Scope, receive: Receive, send: Send) -> None:
    if scope.get("raw_path", b"").rstrip(b"?") == b"/admin/data":
        # The panel's page loads its assets by relative URLs, which need the slash.
        await send(
            {"type": "http.response.start", "status": 301, "headers": [(b"location", b"/admin/data/")]}
        )
        await send({"type": "http.response.body", "body": b""})
        return
    secure = Litestar.from_scope(scope).state.settings.production

    async def site_cookies(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = []
            for key, value in message.get("headers", []):
                if key.lower() == b"set-cookie" and (ours := _site_session_cookie(value, secure)) is not None:
                    value = ours
                headers.append((key, value))
            message["headers"] = headers
        await send(message)

    await _PANEL(scope, receive, site_cookies)
