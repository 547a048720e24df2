"""Login, logout and registration."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.accounts import forms
from grants.accounts.pages import AnyRequest, Form, client_ip, with_session
from grants.accounts.service import logins, sessions
from grants.accounts.states import legal_forms
from grants.core.auth import SESSION_COOKIE, public
from grants.core.errors import InvalidCredentials, TooManyAttempts
from grants.core.forms import submit_form
from grants.core.i18n import _
from grants.core.web import page_to_return_to
from grants.registry.queries import list_municipalities


async def _register_page(values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Template:
    context = {
        "values": values,
        "errors": errors,
        "legal_forms": legal_forms(),
        "municipalities": await list_municipalities(current_only=True),
    }
    return Template("accounts/public/register.html", context=context, status_code=status_code)


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
        email, next_page = data.get("email", ""), page_to_return_to(request.app, data.get("next"), "/account")
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
        values = {k: v for k, v in data.items() if "password" not in k}
        started: list[str] = []  # the new user's session, once registered

        async def register_and_sign_in() -> None:
            user_id = await forms.register(data)
            started.append(await sessions.start_session(user_id, request.cookies.get(SESSION_COOKIE)))

        response = await submit_form(
            register_and_sign_in(),
            done="/account",
            again=lambda refusal: _register_page(values, forms.register_errors(refusal), refusal.status_code),
        )
        return with_session(response, request, started[0]) if started else response
