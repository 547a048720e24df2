"""CSRF that exempts bearer-token requests, and the security headers of our pages."""

from __future__ import annotations

import re
from collections.abc import Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, BeforeMessageSendHookHandler, Message, Receive, Scope, Send

from grants.core.auth import SESSION_COOKIE
from grants.settings import Settings

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

    def _decode_csrf_token(self, token: str) -> str | None:
        """A token (form field, header or cookie) that is not ASCII is no token of ours: refused (403)
        here, as Litestar's compare_digest would raise a TypeError on it (a 500 on every form)."""
        return super()._decode_csrf_token(token) if token.isascii() else None


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


# HTTPS only, for a year, on every subdomain too: sent only in production, which is served over HTTPS.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

# Public files, the same bytes for every caller: they keep their caching even for a signed-in browser.
PUBLIC_ASSETS = (b"/static/", b"/admin/data/assets/")

# A mark that form_pages() puts on the start of an HTML answer with a <form>, read (and removed)
# by the security_headers hook before the message leaves the app.
_FORM_PAGE = "grants.form_page"
_FORM = re.compile(rb"<form[\s>]", re.IGNORECASE)


def _path(scope: Scope) -> bytes:
    # raw_path: inside a mount, Litestar may have cut the mount's prefix off scope["path"].
    return scope.get("raw_path") or scope["path"].encode()


def _carries_credential(scope: Scope) -> bool:
    """Whether the request carries a bearer token or the session cookie: its answer is for this
    caller alone (judged by the request, as a shared cache would have to)."""
    return any(key == b"authorization" for key, _ in scope["headers"]) or _has_session_cookie(scope)


def _public_asset(scope: Scope) -> bool:
    """A read of a public file; any other method on its path is answered to the caller alone."""
    path = _path(scope)
    return (
        scope.get("method") in {"GET", "HEAD"}
        and path.startswith(PUBLIC_ASSETS)
        and b"/." not in path
        and b"%" not in path
    )


def _not_stored(headers: MutableScopeHeaders) -> None:
    """Cache-Control: no-store, unless the handler's policy has it already (e.g. "private, no-store")."""
    current = headers.get("cache-control", "")
    if "no-store" not in {part.strip().split("=")[0].lower() for part in current.split(",")}:
        headers["cache-control"] = "no-store"


def _secure_cookies(headers: MutableScopeHeaders) -> None:
    """Every Set-Cookie with Secure: ours, Litestar's CSRF cookie and the panel's (piccolo_api's CSRF
    middleware has no option for it)."""
    for index, (key, value) in enumerate(headers.headers):
        if key.lower() == b"set-cookie":
            attributes = {part.strip().lower() for part in value.split(b";")[1:]}
            if b"secure" not in attributes:
                headers.headers[index] = (key, value + b"; Secure")


def _set_security_headers(headers: MutableScopeHeaders, scope: Scope) -> None:
    in_panel = _path(scope).startswith(b"/admin/data")
    headers.setdefault("x-content-type-options", "nosniff")
    headers.setdefault("referrer-policy", "same-origin")
    headers.setdefault("x-frame-options", "DENY")
    headers.setdefault(
        "content-security-policy", ADMIN_CONTENT_SECURITY_POLICY if in_panel else CONTENT_SECURITY_POLICY
    )


def security_headers(settings: Settings) -> BeforeMessageSendHookHandler:
    """The security headers on every answer: a `before_send` hook of the app.

    Route middleware never sees a 404 for a path no route matches, nor a refusal by a
    middleware that runs before it (the CSRF check); an app-level hook sees every answer.
    The one place that decides what a cache may keep: nothing of an answer to a signed-in
    caller (but the public files), nor any page with a form (form_pages() marks those), nor an
    answer that sets a cookie (a shared cache would hand one visitor's CSRF cookie to all).
    In production: HSTS, and every cookie Secure.
    """
    production = settings.production

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if scope["type"] != "http" or message["type"] != "http.response.start":
            return
        form_page = message.pop(_FORM_PAGE, False)
        message.setdefault("headers", [])
        headers = MutableScopeHeaders.from_message(message)
        _set_security_headers(headers, scope)
        sets_cookie = any(key.lower() == b"set-cookie" for key, _ in headers.headers)
        if form_page or sets_cookie or (_carries_credential(scope) and not _public_asset(scope)):
            _not_stored(headers)
        if production:
            headers["strict-transport-security"] = STRICT_TRANSPORT_SECURITY
            _secure_cookies(headers)

    return add_security_headers


def form_pages(app: ASGIApp) -> ASGIApp:
    """Marks an HTML answer whose body has a <form> (a streamed one: in doubt, yes) for the hook.

    The start of an answer goes out before its body, so the start waits for the first part of the
    body here: a rendered page comes in one part.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        held: list[Message] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                held.append(message)
                return
            if held:
                start = held.pop()
                if message["type"] == "http.response.body" and _is_html(start):
                    if message.get("more_body", False) or _FORM.search(message.get("body", b"")):
                        start[_FORM_PAGE] = True
                await send(start)
            await send(message)

        await app(scope, receive, watch)
        if held:  # an answer without a body message
            await send(held.pop())

    return middleware


def _is_html(start: Message) -> bool:
    return any(
        key.lower() == b"content-type" and value.lower().startswith(b"text/html")
        for key, value in start.get("headers", [])
    )


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
