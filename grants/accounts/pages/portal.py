"""The account page and the password change."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.accounts import forms
from grants.accounts.pages import AnyRequest, Form, client_ip
from grants.accounts.queries import organisation_of
from grants.accounts.service import two_factor
from grants.accounts.states import legal_forms
from grants.core.auth import Me, authenticated
from grants.core.errors import TooManyAttempts
from grants.core.forms import submit_form
from grants.core.i18n import _


class PortalAccountPages(Controller):
    include_in_schema = False

    @get("/account", guards=[authenticated], name="account")
    async def account(self, request: AnyRequest, me: Me) -> Template:
        return Template(
            "accounts/portal/account.html",
            context={
                "saved": request.query_params.get("saved"),
                "organisation": await organisation_of(me),
                "legal_forms": dict(legal_forms()),
                "two_factor": await two_factor.status(me),
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
                forms.change_password(me, data, client_ip(request)),
                done="/account?saved=password",
                again=lambda refusal: again(refusal.errors, refusal.status_code),
            )
        except TooManyAttempts:
            return again({"current_password": _("Too many attempts. Wait a few minutes and try again.")}, 429)
