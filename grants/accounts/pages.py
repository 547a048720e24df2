"""Login, logout, registration, the account page and the password change."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.accounts import forms, service
from grants.accounts.queries import organisation_of
from grants.accounts.states import legal_forms
from grants.core.auth import SESSION_COOKIE, Me, authenticated, public, session_cookie
from grants.core.errors import InvalidCredentials, TooManyAttempts
from grants.core.forms import submit_form
from grants.core.i18n import _
from grants.core.web import safe_next
from grants.registry.queries import list_municipalities

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]


def _client_ip(request: AnyRequest) -> str:
    return request.client.host if request.client else "unknown"


def _with_session(response: Response[Any], request: AnyRequest, token: str) -> Response[Any]:
    response.set_cookie(session_cookie(token, secure=request.app.state.settings.production))
    return response


async def _register_page(values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Template:
    context = {
        "values": values,
        "errors": errors,
        "legal_forms": legal_forms(),
        "municipalities": await list_municipalities(current_only=True),
    }
    return Template("accounts/public/register.html", context=context, status_code=status_code)


class AccountPages(Controller):
    include_in_schema = False

    @get("/login", guards=[public], name="login")
    async def login_form(self, next: FromQuery[str | None] = None) -> Template:
        return Template("accounts/public/login.html", context={"next": safe_next(next, ""), "email": ""})

    @post("/login", guards=[public], status_code=HTTP_200_OK)
    async def login(self, request: AnyRequest, data: Form) -> Response[Any]:
        email, next_page = data.get("email", ""), safe_next(data.get("next"), "/account")
        context = {"next": next_page, "email": email}
        if not forms.login_fits(data):
            context |= {"error": _("Wrong e-mail or password."), "email": ""}
            return Template("accounts/public/login.html", context=context, status_code=401)
        try:
            user_id = await service.authenticate(email, data.get("password", ""), _client_ip(request))
        except TooManyAttempts:
            context["error"] = _("Too many attempts. Wait a few minutes and try again.")
            return Template("accounts/public/login.html", context=context, status_code=429)
        except InvalidCredentials:
            context["error"] = _("Wrong e-mail or password.")
            return Template("accounts/public/login.html", context=context, status_code=401)
        token = await service.start_session(user_id, request.cookies.get(SESSION_COOKIE))
        return _with_session(Redirect(next_page), request, token)

    @post("/logout", guards=[public], status_code=HTTP_200_OK)
    async def logout(self, request: AnyRequest) -> Redirect:
        if token := request.cookies.get(SESSION_COOKIE):
            await service.end_session(token)
        response = Redirect("/")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/register", guards=[public], name="register")
    async def register_form(self) -> Template:
        return await _register_page({}, {})

    @post("/register", guards=[public], status_code=HTTP_200_OK)
    async def register(self, request: AnyRequest, data: Form) -> Response[Any]:
        values = {k: v for k, v in data.items() if "password" not in k}
        sessions: list[str] = []  # the new user's session, once registered

        async def register_and_sign_in() -> None:
            user_id = await forms.register(data)
            sessions.append(await service.start_session(user_id, request.cookies.get(SESSION_COOKIE)))

        response = await submit_form(
            register_and_sign_in(),
            done="/account",
            again=lambda refusal: _register_page(values, forms.register_errors(refusal), refusal.status_code),
        )
        return _with_session(response, request, sessions[0]) if sessions else response

    @get("/account", guards=[authenticated], name="account")
    async def account(self, request: AnyRequest, me: Me) -> Template:
        return Template(
            "accounts/portal/account.html",
            context={
                "saved": request.query_params.get("saved"),
                "organisation": await organisation_of(me),
                "legal_forms": dict(legal_forms()),
            },
        )

    @get("/account/password", guards=[authenticated], name="password")
    async def password_form(self) -> Template:
        return Template("accounts/portal/password.html", context={"errors": {}})

    @post("/account/password", guards=[authenticated], status_code=HTTP_200_OK)
    async def change_password(self, request: AnyRequest, me: Me, data: Form) -> Response[Any]:
        def again(errors: dict[str, str], status_code: int) -> Template:
            return Template(
                "accounts/portal/password.html", context={"errors": errors}, status_code=status_code
            )

        try:
            return await submit_form(
                forms.change_password(me, data, _client_ip(request)),
                done="/account?saved=password",
                again=lambda refusal: again(refusal.errors, refusal.status_code),
            )
        except TooManyAttempts:
            return again({"current_password": _("Too many attempts. Wait a few minutes and try again.")}, 429)
