"""Login, logout, registration and password pages, and the accounts API."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body, FromQuery, JSONBody
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from grants.accounts import service
from grants.accounts.schemas import MeOut, RegisterIn, RegisterOut, TokenIn, TokenOut
from grants.accounts.tables import LegalForm
from grants.core.auth import SESSION_COOKIE, Principal, authenticated, current, public
from grants.core.errors import Conflict, InvalidCredentials, TooManyAttempts, ValidationFailed
from grants.core.i18n import _
from grants.core.openapi import errors
from grants.core.web import safe_next
from grants.registry.service import list_municipalities

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _with_session(response: Response[Any], request: Request[Any, Any, Any], token: str) -> Response[Any]:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.production,
    )
    return response


def legal_forms() -> list[tuple[str, str]]:
    return [
        (LegalForm.association.value, _("Association (biedrība)")),
        (LegalForm.foundation.value, _("Foundation (nodibinājums)")),
        (LegalForm.youth_organisation.value, _("Youth organisation")),
    ]


class AccountsApi(Controller):
    path = "/api"
    tags = ["accounts"]

    @post(
        "/auth/register",
        guards=[public],
        status_code=HTTP_201_CREATED,
        summary="Register an applicant and their organisation",
        responses=errors(409, 422),
    )
    async def register(self, data: JSONBody[RegisterIn]) -> RegisterOut:
        org = {
            "name": data.organisation.name,
            "registration_number": data.organisation.registration_number,
            "legal_form": data.organisation.legal_form,
            "municipality_code": data.organisation.municipality_code,
            "address": data.organisation.address,
            "email": data.organisation.email,
            "phone": data.organisation.phone,
        }
        user_id, org_id = await service.register(data.email, data.password, data.name, org)
        return RegisterOut(user_id=user_id, organisation_id=org_id)

    @post(
        "/auth/token",
        guards=[public],
        status_code=HTTP_200_OK,
        summary="Exchange e-mail and password for a bearer token",
        responses=errors(401, 429),
    )
    async def token(self, request: Request[Any, Any, Any], data: JSONBody[TokenIn]) -> TokenOut:
        user_id = await service.authenticate(data.email, data.password, _client_ip(request))
        token, expires_at = await service.issue_token(user_id)
        return TokenOut(token=token, expires_at=expires_at)

    @get(
        "/me",
        guards=[authenticated],
        summary="The caller: id, e-mail, roles, organisation",
        responses=errors(401),
    )
    async def me(self, request: Request[Any, Any, Any]) -> MeOut:
        p: Principal = current(request)  # type: ignore[assignment]
        return MeOut(
            id=p.user_id,
            email=p.email,
            name=p.name,
            roles=sorted(r.value for r in p.roles),
            organisation_id=p.organisation_id,
            municipalities=sorted(p.municipalities),
        )


class AccountPages(Controller):
    include_in_schema = False

    @get("/login", guards=[public], name="login")
    async def login_form(self, next: FromQuery[str | None] = None) -> Template:
        return Template("accounts/login.html", context={"next": safe_next(next, ""), "email": ""})

    @post("/login", guards=[public], status_code=HTTP_200_OK)
    async def login(self, request: Request[Any, Any, Any], data: Form) -> Response[Any]:
        email, next_page = data.get("email", ""), safe_next(data.get("next"), "/account")
        context = {"next": next_page, "email": email}
        try:
            user_id = await service.authenticate(email, data.get("password", ""), _client_ip(request))
        except TooManyAttempts:
            context["error"] = _("Too many attempts. Wait a few minutes and try again.")
            return Template("accounts/login.html", context=context, status_code=429)
        except InvalidCredentials:
            context["error"] = _("Wrong e-mail or password.")
            return Template("accounts/login.html", context=context, status_code=401)
        token = await service.start_session(user_id, request.cookies.get(SESSION_COOKIE))
        return _with_session(Redirect(next_page), request, token)

    @post("/logout", guards=[public], status_code=HTTP_200_OK)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        if token := request.cookies.get(SESSION_COOKIE):
            await service.end_session(token)
        response = Redirect("/")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    async def _register_context(self, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
        return {
            "values": values,
            "errors": errors,
            "legal_forms": legal_forms(),
            "municipalities": await list_municipalities(current_only=True),
        }

    @get("/register", guards=[public], name="register")
    async def register_form(self) -> Template:
        return Template("accounts/register.html", context=await self._register_context({}, {}))

    @post("/register", guards=[public], status_code=HTTP_200_OK)
    async def register(self, request: Request[Any, Any, Any], data: Form) -> Response[Any]:
        values = {k: v for k, v in data.items() if "password" not in k}
        errors: dict[str, str] = {}
        if data.get("password", "") != data.get("password2", ""):
            errors["password2"] = _("The passwords do not match.")
        org = {key[4:]: value for key, value in data.items() if key.startswith("org_")}
        try:
            if errors:
                raise ValidationFailed(errors)
            user_id, _org_id = await service.register(
                data.get("email", ""), data.get("password", ""), data.get("name", ""), org
            )
        except ValidationFailed as exc:
            errors = {k.replace("organisation.", "org_"): v for k, v in exc.errors.items()} | errors
            return Template(
                "accounts/register.html",
                context=await self._register_context(values, errors),
                status_code=422,
            )
        except Conflict as exc:
            field = (exc.field or "").replace("organisation.", "org_")
            return Template(
                "accounts/register.html",
                context=await self._register_context(values, {field: exc.message}),
                status_code=409,
            )
        token = await service.start_session(user_id, request.cookies.get(SESSION_COOKIE))
        return _with_session(Redirect("/account"), request, token)

    @get("/account", guards=[authenticated], name="account")
    async def account(self, request: Request[Any, Any, Any]) -> Template:
        principal = current(request)
        organisation = await service.organisation_of(principal) if principal else None
        return Template(
            "accounts/account.html",
            context={
                "saved": request.query_params.get("saved"),
                "organisation": organisation,
                "legal_forms": dict(legal_forms()),
            },
        )

    @get("/account/password", guards=[authenticated], name="password")
    async def password_form(self) -> Template:
        return Template("accounts/password.html", context={"errors": {}})

    @post("/account/password", guards=[authenticated], status_code=HTTP_200_OK)
    async def change_password(self, request: Request[Any, Any, Any], data: Form) -> Response[Any]:
        principal = current(request)
        if principal is None:
            raise NotAuthorizedException()
        errors: dict[str, str] = {}
        if data.get("new_password", "") != data.get("new_password2", ""):
            errors["new_password2"] = _("The passwords do not match.")
        try:
            if errors:
                raise ValidationFailed(errors)
            await service.change_password(
                principal, data.get("current_password", ""), data.get("new_password", "")
            )
        except ValidationFailed as exc:
            return Template(
                "accounts/password.html", context={"errors": exc.errors | errors}, status_code=422
            )
        return Redirect("/account?saved=password")


handlers = [AccountsApi, AccountPages]
