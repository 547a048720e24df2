"""Mounting the admin panel under /admin in the Litestar app."""

from __future__ import annotations

from litestar import asgi
from litestar.types import Receive, Scope, Send

from admin.access import AdminAccess
from admin.panel import ADMIN
from grants.core.auth import delegated

_PANEL = AdminAccess(ADMIN)


@asgi("/admin", is_mount=True, guards=[delegated], copy_scope=True)
async def admin_mount(scope: Scope, receive: Receive, send: Send) -> None:
    if scope.get("raw_path", b"").rstrip(b"?") == b"/admin":
        # The panel's page loads its assets by relative URLs, which need the slash.
        await send({"type": "http.response.start", "status": 301, "headers": [(b"location", b"/admin/")]})
        await send({"type": "http.response.body", "body": b""})
        return
    await _PANEL(scope, receive, send)
