"""A forgotten password: the request for a link, and the new password through it.

The link's token is in the page's address: its answers are never stored by a cache and send no
Referer anywhere (not even to our own static files, whose logs could keep it)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK, HTTP_410_GONE, HTTP_429_TOO_MANY_REQUESTS

from grants.accounts import forms
from grants.accounts.pages import AnyRequest, Form, client_ip
from grants.accounts.rules import MAX_EMAIL
from grants.accounts.service import resets
from grants.core.auth import public
from grants.core.errors import TooManyAttempts
from grants.core.forms import submit_form
from grants.core.i18n import _

FORGOT = "accounts/public/password_forgot.html"
RESET = "accounts/public/password_reset.html"
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _forgot(status_code: int = 200, errors: dict[str, str] | None = None, **context: Any) -> Template:
    values = {"sent": False, "email": "", "errors": errors or {}, **context}
    return Template(FORGOT, context=values, status_code=status_code, headers=PRIVATE)


def _reset(token: str, status_code: int = 200, errors: dict[str, str] | None = None) -> Template:
    context = {"token": token, "errors": errors or {}, "invalid": False}
    return Template(RESET, context=context, status_code=status_code, headers=PRIVATE)


def _link_invalid() -> Template:
    context = {"token": "", "errors": {}, "invalid": True}
    return Template(RESET, context=context, status_code=HTTP_410_GONE, headers=PRIVATE)


class PublicPasswordPages(Controller):
    include_in_schema = False

    @get("/password/forgot", guards=[public], name="password_forgot")
    async def forgot_form(self) -> Template:
        return _forgot()

    @post("/password/forgot", guards=[public], status_code=HTTP_200_OK)
    async def forgot(self, request: AnyRequest, data: Form) -> Template:
        """The same page whether or not an account has the address (and whether it is active)."""
        email = data.get("email", "")
        if not email.strip():
            return _forgot(422, {"email": _("Enter a valid e-mail address.")})
        address = email[: MAX_EMAIL + 1]
        try:
            await resets.limit_request(address, client_ip(request))
        except TooManyAttempts:
            message = _("Too many requests. Wait a few minutes and try again.")
            return _forgot(HTTP_429_TOO_MANY_REQUESTS, {"email": message})
        sent = _forgot(sent=True)
        sent.background = BackgroundTask(resets.send_reset, address)  # after the answer: no timing tells
        return sent

    @get("/password/reset/{token:str}", guards=[public], name="password_reset")
    async def reset_form(self, token: FromPath[str]) -> Template:
        if await resets.reset_user(token) is None:
            return _link_invalid()
        return _reset(token)

    @post("/password/reset/{token:str}", guards=[public], status_code=HTTP_200_OK)
    async def reset(self, token: FromPath[str], data: Form) -> Response[Any]:
        try:
            response = await submit_form(
                forms.reset_password(token, data),
                done="/login?reset=done",
                again=lambda refusal: _reset(token, refusal.status_code, refusal.errors),
            )
        except resets.ResetLinkInvalid:
            return _link_invalid()
        if isinstance(response, Redirect):
            response.headers.update(PRIVATE)
        return response
