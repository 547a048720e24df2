"""Who reaches what inside the admin panel, in front of piccolo-admin.

piccolo-admin lets in any user with the `admin` flag (staff and reviewers).
This layer narrows it: only staff get table data and forms; everyone else
gets 403 from the panel's API, except asking who they are and changing their
password. It also counts failed panel logins in the shared store (database or
Redis), so the limit holds across all worker processes.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from grants.accounts import service as accounts
from grants.core.auth import SESSION_COOKIE, Role
from grants.core.i18n import _

# Paths (inside /admin) open to any panel user; the rest of /api needs staff.
# The sidebar links carry no table data: reviewers need them to reach "My reviews" (/reviews).
OPEN_TO_PANEL_USERS = ("/api/user/", "/api/change-password/", "/api/links/")
LOGIN_PATH = "/public/login/"


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for item in value.decode("latin-1").split(";"):
                k, _, v = item.strip().partition("=")
                if k == name:
                    return v
    return None


async def _json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"status_code": status, "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _username(body: bytes, content_type: str) -> str:
    try:
        if content_type.startswith("application/json"):
            return str(json.loads(body or b"{}").get("username", ""))
        return parse_qs(body.decode()).get("username", [""])[0]
    except (ValueError, AttributeError):
        return ""


class AdminAccess:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]  # the mount hands us the path below /admin
        if path == LOGIN_PATH and scope["method"] == "POST":
            await self._login(scope, receive, send)
            return
        # Judged on the normalised path: "/api/user/../tables/x" is a table path, whatever the app below does.
        checked = "/" + posixpath.normpath(path).lstrip("/") + ("/" if path.endswith("/") else "")
        if checked.startswith("/api/") and not checked.startswith(OPEN_TO_PANEL_USERS):
            token = _cookie(scope, SESSION_COOKIE)
            principal = await accounts.principal_for_session(token) if token else None
            if principal is None:
                await _json(send, 401, _("Log in first."))
                return
            if not principal.has(Role.staff):
                await _json(send, 403, _("Only programme staff can see the panel's tables."))
                return
        await self.app(scope, receive, send)

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
            if sum(map(len, chunks)) > 64 * 1024:
                await _json(send, 413, _("Request too large."))
                return
        body = b"".join(chunks)
        content_type = next((v.decode() for k, v in scope["headers"] if k == b"content-type"), "")
        username = _username(body, content_type)
        client_ip = (scope.get("client") or ("unknown", 0))[0]
        limiter = accounts.limiter()
        if await limiter.blocked(username, client_ip):
            await _json(send, 429, _("Too many attempts. Wait a few minutes and try again."))
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status: dict[str, Any] = {}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, replay, watch)
        if status.get("code") in (401, 403):
            await limiter.failed(username, client_ip)
        elif status.get("code", 500) < 400:
            await limiter.succeeded(username, client_ip)
