"""CSRF that exempts bearer-token requests, and the security headers of our pages."""

from __future__ import annotations

from collections.abc import Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from grants.core.auth import SESSION_COOKIE

# The admin panel is piccolo-admin's single-page app with inline styles we do not control:
# it gets the parts of the policy that cannot break it.
ADMIN_CONTENT_SECURITY_POLICY = "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"

# Our pages load scripts and styles only from /static; no inline script runs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class BearerAwareCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF check, for requests that a cookie session could carry.

    Skipped when the request has an Authorization header (it is judged by the
    token alone, see core/auth.py, and a browser never adds that header across
    sites), and for an API request without a session cookie, which has no
    ambient authority to abuse; it then gets the API's own 401 or 403.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            has_session = f"{SESSION_COOKIE}=".encode() in headers.get(b"cookie", b"")
            if b"authorization" in headers or (scope["path"].startswith("/api/") and not has_session):
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def security_headers(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        # raw_path: inside a mount, Litestar has already cut "/admin" off scope["path"].
        in_panel = scope.get("raw_path", scope["path"].encode()).startswith(b"/admin")
        policy = ADMIN_CONTENT_SECURITY_POLICY if in_panel else CONTENT_SECURITY_POLICY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("referrer-policy", "same-origin")
                headers.setdefault("x-frame-options", "DENY")
                headers.setdefault("content-security-policy", policy)
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware


def allowed_hosts(hosts: tuple[str, ...]) -> Callable[[ASGIApp], ASGIApp]:
    """Refuse requests for other host names (port ignored), against Host-header attacks.

    Litestar's own check compares the whole header, port included, so a server on
    :8000 would need every port listed.
    """
    allowed = {h.lower() for h in hosts}

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] in {"http", "websocket"} and "*" not in allowed:
                host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
                name = host.rsplit("]", 1)[0].lstrip("[") if host.startswith("[") else host.split(":")[0]
                if name.lower() not in allowed:
                    body = b'{"status_code":400,"detail":"invalid host header","extra":{}}'
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 400,
                            "headers": [(b"content-type", b"application/json")],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
            await app(scope, receive, send)

        return middleware

    return wrap
