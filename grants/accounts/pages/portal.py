"""The account page and the password change."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.accounts import forms
from grants.accounts.pages import AnyRequest, Form, client_ip
from grants.accounts.queries import email_confirmed, organisation_of
from grants.accounts.rules import HOME, home_for
from grants.accounts.service import confirmation, two_factor
from grants.accounts.states import legal_forms
from grants.core.auth import Me, authenticated
from grants.core.errors import Conflict, TooManyAttempts
from grants.core.forms import submit_form
from grants.core.i18n import _


async def _account_page(
    me: Me,
    saved: str | None,
    alert: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Template:
    return Template(
        "accounts/portal/account.html",
        context={
            "saved": saved,
            "alert": alert,
            "confirmed": await email_confirmed(me.user_id),
            "organisation": await organisation_of(me),
            "legal_forms": dict(legal_forms()),
            "two_factor": await two_factor.status(me),
        },
        status_code=status_code,
        headers=headers,
    )


class PortalAccountPages(Controller):
    include_in_schema = False

    @get(HOME, guards=[authenticated], name="role_home")
    async def home(self, me: Me) -> Redirect:
        """After a login with no page to return to: the role's own home; until the address is
        confirmed, the account page, which says so and offers the link again."""
        if not await email_confirmed(me.user_id):
            return Redirect("/account")
        return Redirect(home_for(me))

    @get("/account", guards=[authenticated], name="account")
    async def account(self, request: AnyRequest, me: Me) -> Template:
        return await _account_page(me, request.query_params.get("saved"))

    @post("/account/confirmation", guards=[authenticated], status_code=HTTP_200_OK)
    async def send_link_again(self, me: Me) -> Response[Any]:
        """ "Send the link again" on the account page of an unconfirmed user (rate-limited)."""
        try:
            await confirmation.resend_link(me)
        except TooManyAttempts as refused:
            alert = _("You asked for a new link several times. Wait an hour and try again.")
            headers = {"Retry-After": str(refused.retry_after or 3600)}
            return await _account_page(me, None, alert=alert, status_code=429, headers=headers)
        except Conflict as refused:
            return await _account_page(me, None, alert=refused.message, status_code=409)
        return Redirect("/account?saved=link")

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
