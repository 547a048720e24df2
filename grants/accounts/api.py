"""The accounts API: registration, bearer tokens, and the caller."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from grants.accounts.queries import email_confirmed, staff_municipality_codes
from grants.accounts.schemas import (
    MeOut,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RegisterIn,
    RegisterOut,
    TokenIn,
    TokenOut,
)
from grants.accounts.service import logins, registration, resets, sessions, two_factor
from grants.core.auth import Me, Role, authenticated, public
from grants.core.errors import Conflict
from grants.core.i18n import _
from grants.core.openapi import errors


async def _second_factor(user_id: int, code: str, client_ip: str) -> None:
    """The token's second factor: 403 before the enrolment, 401 without a code or with a wrong one."""
    if not await two_factor.is_enrolled(user_id):
        raise PermissionDeniedException(
            _("Two-factor sign-in is required: set it up by logging in at /login on the site first.")
        )
    if not code.strip():
        raise NotAuthorizedException(_("A two-factor code is required: send it in the field code."))
    try:
        await two_factor.verify(user_id, code.strip(), client_ip)
    except two_factor.WrongCode:
        raise NotAuthorizedException(_("The two-factor code is wrong or was used already.")) from None


def check_your_email() -> str:
    """The answer to every valid registration, in the request's language."""
    return _("Check your e-mail: we sent a message to the address you gave, with what to do next.")


class AccountsApi(Controller):
    path = "/api"
    tags = ["accounts"]

    @post(
        "/auth/register",
        guards=[public],
        status_code=HTTP_201_CREATED,
        summary="Register an applicant and their organisation",
        description=(
            "Always 201 with the same answer for valid input: a confirmation link goes to the address "
            "(or, if it already has an account, a notice to its owner; with the registration number of "
            "an organisation already here, a request to join it). `user_id` and `organisation_id` are "
            "always null. 429 with Retry-After past REGISTER_MAX_PER_HOUR per client address."
        ),
        responses=errors(422, 429),
    )
    async def register(self, request: Request[Any, Any, Any], data: JSONBody[RegisterIn]) -> RegisterOut:
        org = {
            "name": data.organisation.name,
            "registration_number": data.organisation.registration_number,
            "legal_form": data.organisation.legal_form,
            "municipality_code": data.organisation.municipality_code,
            "address": data.organisation.address,
            "email": data.organisation.email,
            "phone": data.organisation.phone,
        }
        client_ip = request.client.host if request.client else "unknown"
        await registration.register(data.email, data.password, data.name, org, client_ip)
        return RegisterOut(user_id=None, organisation_id=None, detail=check_your_email())

    @post(
        "/auth/token",
        guards=[public],
        status_code=HTTP_200_OK,
        summary="Exchange e-mail and password for a bearer token",
        description="Staff and reviewers (and anyone who turned two-factor sign-in on) also send `code`: "
        "the current 6-digit code of their authenticator app, or a recovery code. Without it: 401; "
        "without an enrolment (made at the site's /login): 403.",
        responses=errors(401, 403, 429),
    )
    async def token(self, request: Request[Any, Any, Any], data: JSONBody[TokenIn]) -> TokenOut:
        client_ip = request.client.host if request.client else "unknown"
        user_id = await logins.authenticate(data.email, data.password, client_ip)
        if not await email_confirmed(user_id):  # only after the right password: it tells nothing new
            raise PermissionDeniedException(
                _("Confirm your e-mail address first: open the link in the mail we sent you.")
            )
        if await two_factor.needs_second_factor(user_id):
            await _second_factor(user_id, data.code, client_ip)
        token, expires_at = await sessions.issue_token(user_id)
        return TokenOut(token=token, expires_at=expires_at)

    @get(
        "/me",
        guards=[authenticated],
        summary="The caller: id, e-mail, roles, organisation",
        responses=errors(401),
    )
    async def me(self, me: Me) -> MeOut:
        return MeOut(
            id=me.user_id,
            email=me.email,
            name=me.name,
            roles=sorted(r.value for r in me.roles),
            organisation_id=me.organisation_id,
            municipalities=sorted(me.municipalities),
            staff_municipalities=(
                await staff_municipality_codes(me) if me.has(Role.staff) else msgspec.UNSET
            ),
        )

    @post(
        "/auth/password-reset",
        guards=[public],
        status_code=HTTP_202_ACCEPTED,
        summary="Mail a password-reset link, if an active account has this address",
        description="The answer is the same for any address: 202, or 429 over the limit of requests.",
        responses=errors(429),
    )
    async def password_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[PasswordResetIn]
    ) -> Response[dict[str, str]]:
        client_ip = request.client.host if request.client else "unknown"
        await resets.limit_request(data.email, client_ip)
        detail = _(
            "If an account has this address, we have sent it a link to choose a new password. "
            "The link works once, for one hour."
        )
        # The lookup and the mail after the answer: its time does not tell whether the address has an account.
        return Response(
            {"detail": detail},
            status_code=HTTP_202_ACCEPTED,
            background=BackgroundTask(resets.send_reset, data.email),
        )

    @post(
        "/auth/password-reset/confirm",
        guards=[public],
        status_code=HTTP_200_OK,
        summary="Set a new password with the token of a reset link",
        description="Ends every session and bearer token of the user. 409 when the link expired or was used.",
        responses=errors(409, 422),
    )
    async def password_reset_confirm(self, data: JSONBody[PasswordResetConfirmIn]) -> dict[str, str]:
        try:
            await resets.complete_reset(data.token, data.password)
        except resets.ResetLinkInvalid:
            raise Conflict(
                _("The link has expired or was used already. A link works once, for one hour."), "token"
            ) from None
        return {
            "detail": _(
                "Your password is changed and every session of your account was ended. "
                "Log in with the new password."
            )
        }
