"""The login's second step: the code of an enrolled user, or the enrolment of one who needs it first.

A right password of a user who needs the second factor starts no session: it leaves a pending login
(a cookie of its own, five minutes, a few tries) and sends the browser here. Only a right code (or a
recovery code), or a confirmed enrolment, starts the session, marked as having passed.
"""

from __future__ import annotations

from typing import Any

import segno
from litestar import Controller, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.accounts.pages import AnyRequest, Form, client_ip, with_session
from grants.accounts.service import sessions, two_factor
from grants.core.auth import SESSION_COOKIE, public
from grants.core.errors import Conflict, TooManyAttempts
from grants.core.i18n import _

PENDING_COOKIE = "grants_pending_login"
NO_STORE = {"Cache-Control": "no-store"}  # a secret or recovery codes: never kept by a cache
MAX_CODE = 40  # a recovery code is 11 characters; anything longer is nobody's code


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (segno: pure Python, no image library)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff"))


def _pending_cookie(request: AnyRequest, token: str) -> Cookie:
    return Cookie(
        key=PENDING_COOKIE,
        value=token,
        path="/login",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.production,
        max_age=int(two_factor.PENDING_LIFETIME.total_seconds()),
    )


def _without_pending(response: Response[Any]) -> Response[Any]:
    response.delete_cookie(PENDING_COOKIE, path="/login")
    return response


async def second_step(request: AnyRequest, user_id: int, next_page: str) -> Response[Any] | None:
    """After a right password: None when no second factor is needed (start the session); else the
    way to the code page (or to the enrolment first), with the pending login's cookie."""
    if not await two_factor.needs_second_factor(user_id):
        return None
    token = await two_factor.begin_login(user_id, next_page)
    target = "/login/code" if await two_factor.is_enrolled(user_id) else "/login/enrol"
    response = Redirect(target)
    response.set_cookie(_pending_cookie(request, token))
    return response


def _login_again(message: str, status_code: int) -> Response[Any]:
    context = {"next": "", "email": "", "error": message}
    return _without_pending(Template("accounts/public/login.html", context=context, status_code=status_code))


def _expired() -> Response[Any]:
    return _login_again(_("Your login has expired or was not finished. Log in again."), 401)


async def _signed_in(request: AnyRequest, token: str, user_id: int, response: Response[Any]) -> Response[Any]:
    """The session starts (a new id, passed the second factor) and the pending login ends."""
    await two_factor.end_pending_login(token)
    session = await sessions.start_session(user_id, request.cookies.get(SESSION_COOKIE))
    await two_factor.passed(session)
    return _without_pending(with_session(response, request, session))


def enrol_page(request: AnyRequest, enrolment: two_factor.Enrolment, action: str, **context: Any) -> Template:
    status_code = context.pop("status_code", 200)
    context |= {"qr": qr_svg(enrolment.uri), "secret": enrolment.secret, "action": action}
    return Template(
        "accounts/public/two_factor_enrol.html", context=context, status_code=status_code, headers=NO_STORE
    )


def recovery_page(codes: list[str], next_page: str) -> Template:
    context = {"codes": codes, "next": next_page}
    return Template("accounts/public/two_factor_recovery.html", context=context, headers=NO_STORE)


class PublicTwoFactorPages(Controller):
    include_in_schema = False

    @get("/login/code", guards=[public], name="login-code")
    async def code_form(self, request: AnyRequest) -> Response[Any]:
        pending = await two_factor.pending_login(request.cookies.get(PENDING_COOKIE))
        if pending is None:
            return _expired()
        if not pending.enrolled:
            return Redirect("/login/enrol")
        return Template("accounts/public/two_factor_code.html", context={"error": ""})

    @post("/login/code", guards=[public], status_code=HTTP_200_OK)
    async def code(self, request: AnyRequest, data: Form) -> Response[Any]:
        token = request.cookies.get(PENDING_COOKIE) or ""
        pending = await two_factor.pending_login(token)
        if pending is None:
            return _expired()
        code = data.get("code", "").strip()
        try:
            if not code or len(code) > MAX_CODE:
                raise two_factor.WrongCode
            await two_factor.verify(pending.user_id, code, client_ip(request))
        except TooManyAttempts:
            return _login_again(_("Too many attempts. Wait a few minutes and try again."), 429)
        except two_factor.EnrolmentRequired:
            return Redirect("/login/enrol")
        except two_factor.WrongCode:
            if not await two_factor.failed_attempt(token):
                return _login_again(_("Too many wrong codes. Log in again."), 401)
            error = _("The code is wrong or was used already. Enter the current code from your app.")
            return Template("accounts/public/two_factor_code.html", context={"error": error}, status_code=401)
        return await _signed_in(request, token, pending.user_id, Redirect(pending.next_page))

    @get("/login/enrol", guards=[public], name="login-enrol")
    async def enrol_form(self, request: AnyRequest) -> Response[Any]:
        pending = await two_factor.pending_login(request.cookies.get(PENDING_COOKIE))
        if pending is None:
            return _expired()
        if pending.enrolled:
            return Redirect("/login/code")
        return enrol_page(
            request, await two_factor.start_enrolment(pending.user_id), "/login/enrol", error=""
        )

    @post("/login/enrol", guards=[public], status_code=HTTP_200_OK)
    async def enrol(self, request: AnyRequest, data: Form) -> Response[Any]:
        token = request.cookies.get(PENDING_COOKIE) or ""
        pending = await two_factor.pending_login(token)
        if pending is None:
            return _expired()
        code = data.get("code", "").strip()[:MAX_CODE]
        try:
            codes = await two_factor.confirm_enrolment(pending.user_id, code, client_ip(request))
        except TooManyAttempts:
            return _login_again(_("Too many attempts. Wait a few minutes and try again."), 429)
        except Conflict:
            return Redirect("/login/code")
        except two_factor.WrongCode:
            if not await two_factor.failed_attempt(token):
                return _login_again(_("Too many wrong codes. Log in again."), 401)
            error = _("The code is wrong. Enter the current code from your app.")
            enrolment = await two_factor.start_enrolment(pending.user_id)
            return enrol_page(request, enrolment, "/login/enrol", error=error, status_code=401)
        return await _signed_in(request, token, pending.user_id, recovery_page(codes, pending.next_page))
