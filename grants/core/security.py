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
            has_auth = any(key == b"authorization" for key, _ in scope["headers"])
            if has_auth or (scope["path"].startswith("/api/") and not _has_session_cookie(scope)):
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def _has_session_cookie(scope: Scope) -> bool:
    """Whether any Cookie header names the session: an HTTP/2 client may split its cookies over
    several headers, and the authentication must never find a session this check missed."""
    name = SESSION_COOKIE.encode()
    return any(
        item.split(b"=", 1)[0].strip() == name
        for key, value in scope["headers"]
        if key == b"cookie"
        for item in value.split(b";")
    )


def _set_security_headers(message: Message, scope: Scope) -> None:
    # raw_path: inside a mount, Litestar has already cut "/admin" off scope["path"].
    in_panel = scope.get("raw_path", scope["path"].encode()).startswith(b"/admin")
    headers = MutableScopeHeaders.from_message(message)
    headers.setdefault("x-content-type-options", "nosniff")
    headers.setdefault("referrer-policy", "same-origin")
    headers.setdefault("x-frame-options", "DENY")
    headers.setdefault(
        "content-security-policy", ADMIN_CONTENT_SECURITY_POLICY if in_panel else CONTENT_SECURITY_POLICY
    )


async def add_security_headers(message: Message, scope: Scope) -> None:
    """The security headers on every answer: a `before_send` hook of the app.

    Route middleware never sees a 404 for a path no route matches, nor a refusal by a
    middleware that runs before it (the CSRF check); an app-level hook sees every answer.
    """
    if scope["type"] == "http" and message["type"] == "http.response.start":
        _set_security_headers(message, scope)


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
