"""Two-factor sign-in on the account: whether it is on, turning it on, new recovery codes (for a
current code), and turning it off where the user's roles do not require it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.accounts.pages import AnyRequest, Form, client_ip
from grants.accounts.pages.public_two_factor import MAX_CODE, enrol_page, recovery_page
from grants.accounts.service import two_factor
from grants.core.auth import Me, authenticated
from grants.core.errors import Conflict, TooManyAttempts
from grants.core.i18n import _

PAGE = "accounts/portal/two_factor.html"


def _code(data: dict[str, str], name: str = "code") -> str:
    return data.get(name, "").strip()[:MAX_CODE]


async def _page(me: Me, status_code: int = 200, **context: Any) -> Template:
    context = {"status": await two_factor.status(me), "saved": None, "errors": {}} | context
    return Template(PAGE, context=context, status_code=status_code)


def _refusal(exc: Exception) -> tuple[str, int]:
    if isinstance(exc, TooManyAttempts):
        return _("Too many attempts. Wait a few minutes and try again."), 429
    if isinstance(exc, Conflict):
        return exc.message, 409
    return _("The code is wrong or was used already. Enter the current code from your app."), 422


class PortalTwoFactorPages(Controller):
    include_in_schema = False

    @get("/account/two-factor", guards=[authenticated], name="two-factor")
    async def overview(self, request: AnyRequest, me: Me) -> Template:
        return await _page(me, saved=request.query_params.get("saved"))

    @get("/account/two-factor/enrol", guards=[authenticated])
    async def enrol_form(self, request: AnyRequest, me: Me) -> Response[Any]:
        if await two_factor.is_enrolled(me.user_id):
            return Redirect("/account/two-factor")
        enrolment = await two_factor.start_enrolment(me.user_id)
        return enrol_page(request, enrolment, "/account/two-factor/enrol", error="")

    @post("/account/two-factor/enrol", guards=[authenticated], status_code=HTTP_200_OK)
    async def enrol(self, request: AnyRequest, me: Me, data: Form) -> Response[Any]:
        try:
            codes = await two_factor.confirm_enrolment(me.user_id, _code(data), client_ip(request))
        except (TooManyAttempts, Conflict, two_factor.WrongCode) as exc:
            if isinstance(exc, Conflict):
                return Redirect("/account/two-factor")
            error, status_code = _refusal(exc)
            enrolment = await two_factor.start_enrolment(me.user_id)
            action = "/account/two-factor/enrol"
            return enrol_page(request, enrolment, action, error=error, status_code=status_code)
        if me.session_token:  # this session has now passed the second factor
            await two_factor.passed(me.session_token)
        return recovery_page(codes, "/account/two-factor")

    @post("/account/two-factor/recovery-codes", guards=[authenticated], status_code=HTTP_200_OK)
    async def recovery_codes(self, request: AnyRequest, me: Me, data: Form) -> Response[Any]:
        try:
            codes = await two_factor.new_recovery_codes(me, _code(data, "recovery-code"), client_ip(request))
        except (TooManyAttempts, Conflict, two_factor.WrongCode, two_factor.EnrolmentRequired) as exc:
            error, status_code = _refusal(exc)
            return await _page(me, status_code, errors={"recovery-code": error})
        return recovery_page(codes, "/account/two-factor")

    @post("/account/two-factor/off", guards=[authenticated], status_code=HTTP_200_OK)
    async def turn_off(self, request: AnyRequest, me: Me, data: Form) -> Response[Any]:
        try:
            await two_factor.turn_off(me, _code(data, "off-code"), client_ip(request))
        except (TooManyAttempts, Conflict, two_factor.WrongCode, two_factor.EnrolmentRequired) as exc:
            error, status_code = _refusal(exc)
            return await _page(me, status_code, errors={"off-code": error})
        return Redirect("/account/two-factor?saved=off")
