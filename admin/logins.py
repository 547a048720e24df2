"""The panel's login and its password change, answered here with the site's own rules.

piccolo-admin's endpoints for these check the password themselves: they
neither count failures in the shared store nor apply the site's password
policy, and whether a login worked cannot be told from their status (the
format=html form answers a failure with 200). So these two requests never
reach them. They take the same bodies as piccolo's endpoints (a form, or JSON
whatever the content type says), pass the same CSRF check (piccolo's own
middleware, with the panel's options), and then:

- a login runs accounts.service.authenticate, the one login check every path
  shares (limit reserved before the password is checked, only a real success
  clears it), and starts a new session as the site's login page does;
- a password change runs accounts.service.change_password: the policy, the
  same limit on the current password, every other session and token ended,
  an audit row. The session that changed it stays logged in.
"""

from __future__ import annotations

from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo_api.csrf.middleware import CSRFMiddleware
from piccolo_api.session_auth.endpoints import session_login
from piccolo_api.session_auth.tables import SessionsBase
from starlette.endpoints import HTTPEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin.second_factor import refusal
from grants.accounts.queries import load_principal
from grants.accounts.service import logins, passwords, sessions, two_factor
from grants.core.auth import SESSION_COOKIE
from grants.core.errors import InvalidCredentials, TooManyAttempts, ValidationFailed
from grants.core.i18n import _
from grants.settings import get_settings

MAX_BODY = 64 * 1024  # a login or password form is a few hundred bytes


def not_staff() -> str:
    """Why anyone but programme staff is turned away from the Data section (its login, page and API)."""
    return _("The Data section is for programme staff only. Your work is in the back office: /admin/")


def is_login(path: str) -> bool:
    """piccolo mounts its login app at /public/login: it answers below it too, with or without the slash."""
    return path == "/public/login" or path.startswith("/public/login/")


def is_password_change(path: str) -> bool:
    return path.rstrip("/") == "/api/change-password"


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _detail(status: int, detail: str) -> JSONResponse:
    """An error as piccolo-admin's page reads it (its `detail`)."""
    return JSONResponse({"status_code": status, "detail": detail}, status_code=status)


async def _body(request: Request) -> Any:
    """The body as piccolo's endpoints read it: the form the CSRF check already read, else JSON whatever
    the content type, else a form. Anything but an object or a form comes back as None."""
    body: Any = request.scope.get("form")
    if not body:
        try:
            body = await request.json()
        except ValueError:  # not JSON (or not text at all): try it as a form
            body = await request.form()
    return body if hasattr(body, "get") else None


def _is_text(value: Any) -> bool:
    """A non-empty string that UTF-8 can encode: JSON may escape half a UTF-16 pair (a lone
    surrogate), which neither the database, Redis nor the password hash can take."""
    if not isinstance(value, str) or not value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _texts(body: Any, *names: str) -> list[str] | None:
    """The named fields, each a non-empty text; None if one is missing, empty, not encodable or
    anything else (a number, a list, an object, an uploaded file)."""
    values = [body.get(name) if body is not None else None for name in names]
    return values if all(_is_text(v) for v in values) else None


class PanelLogin(session_login(auth_table=BaseUser, session_table=SessionsBase, redirect_to=None)):  # type: ignore[misc]
    """piccolo's login endpoint (its form for GET and for format=html answers), with the site's check."""

    async def post(self, request: Request) -> Response:
        body = await _body(request)
        html = body is not None and body.get("format") == "html"

        def refuse(status: int, detail: str) -> Response:
            if html:
                return self._render_template(request, template_context={"error": detail}, status_code=status)
            return _detail(status, detail)

        fields = _texts(body, "username", "password")
        if fields is None:
            return refuse(422, _("Enter the e-mail and the password."))
        username, password = fields
        try:
            user_id = await logins.authenticate(username, password, _client_ip(request))
            principal = await load_principal(user_id)
            if principal is None or not principal.national:
                # The password was right, but the Data section is staff's: say so, start no session.
                return refuse(403, not_staff())
            second_factor = await refusal(user_id, body, _client_ip(request))
        except TooManyAttempts:
            return refuse(429, _("Too many attempts. Wait a few minutes and try again."))
        except InvalidCredentials:
            return refuse(401, _("Wrong e-mail or password."))
        if second_factor is not None:
            return refuse(*second_factor)
        # A new session id, and any session the browser brought ends: a planted one is never promoted.
        token = await sessions.start_session(user_id, request.cookies.get(SESSION_COOKIE))
        if await two_factor.needs_second_factor(user_id):
            await two_factor.passed(token)  # the code was checked above
        response = JSONResponse({"message": "logged in"})
        response.set_cookie(
            SESSION_COOKIE, token, path="/", httponly=True, samesite="lax", secure=get_settings().production
        )
        return response


class PanelPasswordChange(HTTPEndpoint):
    """The panel's change-password form (JSON from its page), with the site's rule."""

    async def post(self, request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        principal = await sessions.principal_for_session(token) if token else None
        if principal is None:
            return _detail(401, _("Log in first."))
        if not principal.national:
            return _detail(403, not_staff())
        fields = _texts(await _body(request), "current_password", "new_password", "confirm_new_password")
        if fields is None:
            return _detail(422, _("Fill in the current password and the new one twice."))
        current, new, confirm = fields
        mismatch = {} if new == confirm else {"confirm_new_password": _("The passwords do not match.")}
        try:
            await passwords.change_password(principal, current, new, _client_ip(request), also=mismatch)
        except TooManyAttempts:
            return _detail(429, _("Too many attempts. Wait a few minutes and try again."))
        except ValidationFailed as refusal:  # the panel shows one message: every mistake in it at once
            return _detail(422, " ".join(refusal.errors.values()))
        return JSONResponse({"message": _("Your password was changed. Other sessions were logged out.")})


def _protected(endpoint: type[HTTPEndpoint]) -> ASGIApp:
    """The panel's own CSRF check in front, with the options piccolo-admin gives it."""
    return CSRFMiddleware(endpoint, allowed_hosts=list(get_settings().allowed_hosts), allow_form_param=True)


class PanelLogins:
    """Answers the panel's login and password change; the body is read in full first, up to MAX_BODY."""

    def __init__(self) -> None:
        self.login = _protected(PanelLogin)
        self.password = _protected(PanelPasswordChange)

    async def __call__(self, path: str, scope: Scope, receive: Receive, send: Send) -> None:
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > MAX_BODY:
                await _detail(413, _("Request too large."))(scope, receive, send)
                return
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        app = self.login if is_login(path) else self.password
        await app(scope, replay, send)
