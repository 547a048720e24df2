"""Mounting the admin panel under /admin in the Litestar app."""

from __future__ import annotations

from litestar import asgi
from litestar.types import Receive, Scope, Send

from admin.access import AdminAccess
from admin.panel import ADMIN, PANEL_TABLES
from admin.queries_check import QueryCheck
from grants.core.auth import delegated

# Who may ask first (401/403 for the rest), then whether piccolo can answer the question at all.
_PANEL = AdminAccess(QueryCheck(ADMIN, PANEL_TABLES))


@asgi("/admin", is_mount=True, guards=[delegated], copy_scope=True)
async def admin_mount(scope: Scope, receive: Receive, send: Send) -> None:
    if scope.get("raw_path", b"").rstrip(b"?") == b"/admin":
        # The panel's page loads its assets by relative URLs, which need the slash.
        await send({"type": "http.response.start", "status": 301, "headers": [(b"location", b"/admin/")]})
        await send({"type": "http.response.body", "body": b""})
        return
    await _PANEL(scope, receive, send)
