"""Login, logout and registration."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.accounts import forms
from grants.accounts.pages import AnyRequest, Form, client_ip, with_session
from grants.accounts.pages.public_two_factor import second_step
from grants.accounts.rules import HOME
from grants.accounts.service import confirmation, logins, registration, sessions
from grants.accounts.service.confirmation import Confirmed
from grants.accounts.states import legal_forms
from grants.core.auth import SESSION_COOKIE, public
from grants.core.errors import InvalidCredentials, TooManyAttempts
from grants.core.forms import submit_form
from grants.core.i18n import _
from grants.core.web import page_to_return_to
from grants.registry.queries import list_municipalities


async def _register_page(
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
    alert: str | None = None,
    headers: dict[str, str] | None = None,
) -> Template:
    context = {
        "values": values,
        "errors": errors,
        "alert": alert,
        "legal_forms": legal_forms(),
        "municipalities": await list_municipalities(current_only=True),
    }
    return Template(
        "accounts/public/register.html", context=context, status_code=status_code, headers=headers
    )


class PublicAccountPages(Controller):
    include_in_schema = False

    @get("/login", guards=[public], name="login")
    async def login_form(
        self, request: AnyRequest, next: FromQuery[str | None] = None, expired: FromQuery[bool] = False
    ) -> Template:
        context = {"next": page_to_return_to(request.app, next, ""), "email": "", "expired": expired}
        return Template("accounts/public/login.html", context=context)

    @post("/login", guards=[public], status_code=HTTP_200_OK)
    async def login(self, request: AnyRequest, data: Form) -> Response[Any]:
        email, next_page = data.get("email", ""), page_to_return_to(request.app, data.get("next"), HOME)
        context = {"next": next_page, "email": email, "expired": data.get("expired") == "1"}
        if not forms.login_fits(data):
            context |= {"error": _("Wrong e-mail or password."), "email": ""}
            return Template("accounts/public/login.html", context=context, status_code=401)
        try:
            user_id = await logins.authenticate(email, data.get("password", ""), client_ip(request))
        except TooManyAttempts:
            context["error"] = _("Too many attempts. Wait a few minutes and try again.")
            return Template("accounts/public/login.html", context=context, status_code=429)
        except InvalidCredentials:
            context["error"] = _("Wrong e-mail or password.")
            return Template("accounts/public/login.html", context=context, status_code=401)
        if (second_factor := await second_step(request, user_id, next_page)) is not None:
            return second_factor  # a code (or the enrolment) before any session
        token = await sessions.start_session(user_id, request.cookies.get(SESSION_COOKIE))
        return with_session(Redirect(next_page), request, token)

    @post("/logout", guards=[public], status_code=HTTP_200_OK)
    async def logout(self, request: AnyRequest) -> Redirect:
        if token := request.cookies.get(SESSION_COOKIE):
            await sessions.end_session(token)
        response = Redirect("/")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/register", guards=[public], name="register")
    async def register_form(self) -> Template:
        return await _register_page({}, {})

    @post("/register", guards=[public], status_code=HTTP_200_OK)
    async def register(self, request: AnyRequest, data: Form) -> Response[Any]:
        """No session at registration, and the same redirect whoever registers: a cookie or an answer
        on one path but not the other would tell who has an account."""
        values = {k: v for k, v in data.items() if "password" not in k}
        try:
            return await submit_form(
                forms.register(data, client_ip(request)),
                done="/register/sent",
                again=lambda refusal: _register_page(
                    values, forms.register_errors(refusal), refusal.status_code
                ),
            )
        except TooManyAttempts as refused:
            return await _register_page(
                values,
                {},
                429,
                alert=_("Too many registrations from your network. Try again in an hour."),
                headers={"Retry-After": str(refused.retry_after or registration.WINDOW)},
            )

    @get("/register/sent", guards=[public], name="register_sent")
    async def register_sent(self) -> Template:
        return Template("accounts/public/register_sent.html")

    @get("/account/confirm/{token:str}", guards=[public], name="confirm_email")
    async def confirm_email(self, token: FromPath[str]) -> Template:
        outcome = await confirmation.confirm_email(token)
        status = 200 if outcome in {Confirmed.confirmed, Confirmed.used} else 404
        return Template(
            "accounts/public/confirmed.html", context={"outcome": outcome.value}, status_code=status
        )
